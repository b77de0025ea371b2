import Foundation

/// A Python helper from Support/ (a proxy, a fake credentials agent) running for the length of
/// a test: started with its arguments, it writes the loopback port it listens on to `portFile`.
final class HelperScript: @unchecked Sendable {
    let port: Int
    private let process: Process

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    deinit { stop() }

    /// Starts Support/`name` and waits (10 s at most) for its port. `quiet` drops its stderr:
    /// a reset connection makes a handler thread print a traceback into the test log.
    static func launch(_ name: String, arguments: [String], portFile: URL, quiet: Bool = false) async throws -> HelperScript {
        let script = RepositoryPaths.root.appendingPathComponent("Tests/IntegrationTests/Support/\(name)")
        let process = Process()
        process.executableURL = try ProcessRunner.which("python3")
        process.arguments = [script.path] + arguments
        process.standardInput = FileHandle.nullDevice
        if quiet { process.standardError = FileHandle.nullDevice }
        try process.run()

        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return HelperScript(port: port, process: process)
            }
            guard process.isRunning else { throw EmulatorError(description: "\(name) exited at start") }
            try await Task.sleep(for: .milliseconds(10))
        }
        process.terminate()
        throw EmulatorError(description: "\(name) did not start within 10 s")
    }

    /// Stops the helper, by SIGKILL if SIGTERM is not enough within 2 s.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
