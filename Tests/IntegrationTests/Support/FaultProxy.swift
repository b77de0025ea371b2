import Foundation

/// A loopback proxy in front of the emulator (Support/fault_proxy.py) that answers the
/// first `times` calls of one AWS action with an injected 400 ValidationError and
/// forwards everything else unchanged, so a run can fail halfway on purpose.
final class FaultProxy: @unchecked Sendable {
    let port: Int
    var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private let process: Process

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    deinit { stop() }

    static func start(upstream: Emulator, failing action: String, times: Int = 1) async throws -> FaultProxy {
        let folder = try TemporaryDirectory.make(prefix: "fault-proxy")
        let portFile = folder.appendingPathComponent("port")
        let script = RepositoryPaths.root.appendingPathComponent("Tests/IntegrationTests/Support/fault_proxy.py")
        let process = Process()
        process.executableURL = try ProcessRunner.which("python3")
        process.arguments = [script.path, String(upstream.port), action, String(times), portFile.path]
        process.standardInput = FileHandle.nullDevice
        try process.run()

        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return FaultProxy(port: port, process: process)
            }
            guard process.isRunning else { throw EmulatorError(description: "fault_proxy.py exited at start") }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        throw EmulatorError(description: "fault_proxy.py did not start within 10 s")
    }

    /// Stops the proxy, by SIGKILL if SIGTERM is not enough within 2 s.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
