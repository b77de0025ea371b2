import Foundation

/// A loopback proxy in front of the emulator (Support/fault_proxy.py) that injects faults.
///
/// Three modes: `start(upstream:failing:times:)` answers the first `times` calls of one AWS
/// action with a 400 ValidationError, so a run can fail halfway on purpose;
/// `start(upstream:seed:rate:kinds:)` follows a seeded schedule of throttling, 5xx, HTML
/// pages, truncated bodies, connection resets before and after forwarding, and delays, and
/// logs what it injected (`injected()`); `start(upstream:rateLimiting:capacity:refill:)`
/// throttles one service's Describe* calls with AWS's token bucket (`rateLog()`).
final class FaultProxy: @unchecked Sendable {
    /// What the seeded schedule can inject; the raw values are fault_proxy.py's names.
    enum Kind: String, CaseIterable, Sendable, Codable {
        case throttle, http500, http503, html502, truncated
        case resetBefore = "reset_before"
        case resetAfter = "reset_after"
        case delay
    }

    /// What a seeded proxy has seen and injected so far.
    struct Log: Sendable, Decodable {
        var requests: Int
        var counts: [String: Int]
        /// Each injection as `[kind, action]`, in the order the proxy decided them.
        var events: [[String]]

        func count(_ kind: Kind) -> Int { counts[kind.rawValue] ?? 0 }
        var total: Int { counts.values.reduce(0, +) }
    }

    var port: Int { helper.port }
    var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private let helper: HelperScript
    private let logFile: URL?

    private init(helper: HelperScript, logFile: URL?) {
        self.helper = helper
        self.logFile = logFile
    }

    static func start(upstream: Emulator, failing action: String, times: Int = 1) async throws -> FaultProxy {
        try await launch(arguments: [String(upstream.port), action, String(times)], logFile: nil)
    }

    /// A proxy whose `rate` share of requests (0...1) get a fault drawn from `kinds` by a
    /// generator seeded with `seed`.
    static func start(upstream: Emulator, seed: UInt64, rate: Double, kinds: [Kind] = Kind.allCases) async throws -> FaultProxy {
        let folder = try TemporaryDirectory.make(prefix: "fault-log")
        let logFile = folder.appendingPathComponent("faults.json")
        return try await launch(
            arguments: [String(upstream.port), "--seeded", String(seed), String(rate),
                        kinds.map(\.rawValue).joined(separator: ","), logFile.path],
            logFile: logFile)
    }

    /// What a rate-limiting proxy has counted so far.
    struct RateLog: Sendable, Decodable {
        var requests: Int
        var throttled: Int
    }

    /// A proxy that throttles the Describe* calls of `service` (its credential-scope name) as
    /// AWS does: one token bucket of `capacity` tokens, refilled at `refill` a second.
    static func start(upstream: Emulator, rateLimiting service: String, capacity: Int, refill: Double) async throws -> FaultProxy {
        let folder = try TemporaryDirectory.make(prefix: "rate-log")
        let logFile = folder.appendingPathComponent("rate.json")
        return try await launch(
            arguments: [String(upstream.port), "--rate-limit", service, String(capacity), String(refill), logFile.path],
            logFile: logFile)
    }

    /// The rate-limiting proxy's counts as they stand.
    func rateLog() throws -> RateLog {
        guard let logFile else { throw EmulatorError(description: "this proxy keeps no log") }
        return try JSONDecoder().decode(RateLog.self, from: Data(contentsOf: logFile))
    }

    /// The seeded proxy's log as it stands; nil in the one-action mode.
    func injected() throws -> Log? {
        guard let logFile else { return nil }
        return try JSONDecoder().decode(Log.self, from: Data(contentsOf: logFile))
    }

    private static func launch(arguments: [String], logFile: URL?) async throws -> FaultProxy {
        let folder = try TemporaryDirectory.make(prefix: "fault-proxy")
        let portFile = folder.appendingPathComponent("port")
        let helper = try await HelperScript.launch("fault_proxy.py", arguments: arguments + [portFile.path], portFile: portFile, quiet: true)
        return FaultProxy(helper: helper, logFile: logFile)
    }

    func stop() { helper.stop() }
}
