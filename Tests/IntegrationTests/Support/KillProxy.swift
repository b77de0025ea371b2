import Foundation

/// A loopback proxy in front of the emulator (Support/kill_proxy.py) that counts calls and,
/// armed with K, answers the first K and then holds every later answer forever, the later
/// requests still reaching the emulator: the client is frozen right after call K, for a test
/// to SIGKILL it there. Unarmed it only counts (and delays, if asked); with no upstream it is
/// a recorder that counts connections.
final class KillProxy: @unchecked Sendable {
    struct State: Sendable, Equatable {
        var connections = 0
        var requests = 0
        var answered = 0
        var held = 0
        /// Requests forwarded to the emulator whose answer has not come back from it yet.
        var upstreamInFlight = 0
    }

    var port: Int { helper.port }
    var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private let helper: HelperScript
    private let folder: URL

    private init(helper: HelperScript, folder: URL) {
        self.helper = helper
        self.folder = folder
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// `freezeAfter` nil never freezes; `upstream` nil forwards nothing (a recorder).
    static func start(upstream: Emulator?, freezeAfter: Int? = nil, delay: Duration = .zero) async throws -> KillProxy {
        let folder = try TemporaryDirectory.make(prefix: "kill-proxy")
        let milliseconds = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
        let helper = try await HelperScript.launch(
            "kill_proxy.py", arguments: [String(upstream?.port ?? 0), folder.path, String(freezeAfter ?? -1), String(milliseconds)],
            portFile: folder.appendingPathComponent("port"))
        return KillProxy(helper: helper, folder: folder)
    }

    /// The counters as the proxy last wrote them.
    func state() -> State {
        let text = (try? String(contentsOf: folder.appendingPathComponent("state"), encoding: .utf8)) ?? ""
        let numbers = text.split(separator: " ").compactMap { Int($0) }
        guard numbers.count == 5 else { return State() }
        return State(connections: numbers[0], requests: numbers[1], answered: numbers[2], held: numbers[3], upstreamInFlight: numbers[4])
    }

    /// The form bodies of the requests received so far, in order.
    func bodies() -> [String] {
        let text = (try? String(contentsOf: folder.appendingPathComponent("bodies"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// The request paths received so far, in the order of `bodies()`.
    func paths() -> [String] {
        let text = (try? String(contentsOf: folder.appendingPathComponent("paths"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Polls the counters until `condition` holds (true) or `timeout` passes (false).
    func wait(timeout: Duration = .seconds(20), until condition: (State) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(state()) { return true }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return condition(state())
    }

    func stop() { helper.stop() }
}
