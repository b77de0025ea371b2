import Foundation

/// The rplink binary started in the background, for tests that act on it while it runs
/// (SIGKILL, SIGINT) and read its output as it comes. Same clean environment as
/// `RPLinkBinary.run`: an empty HOME, no metadata address, the emulator's key.
final class RunningRPLink: @unchecked Sendable {
    struct Outcome: Sendable, CustomStringConvertible {
        var status: Int32
        /// Killed by a signal (`status` is then the signal number), not exited.
        var signaled: Bool
        var timedOut: Bool
        var stdout: String
        var stderr: String

        var description: String {
            "\(signaled ? "signal" : "exit") \(status)\(timedOut ? " (timed out)" : "")\nstdout:\n\(stdout)\nstderr:\n\(stderr)"
        }
    }

    let process: Process
    private let folder: URL
    private let outURL: URL
    private let errURL: URL
    private let handles: [FileHandle]

    var pid: Int32 { process.processIdentifier }
    var stdout: String { String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self) }
    var stderr: String { String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self) }

    init(_ binary: RPLinkBinary, _ arguments: [String], emulator: Emulator?, environment extra: [String: String] = [:]) throws {
        folder = try TemporaryDirectory.make(prefix: "running")
        let home = folder.appendingPathComponent("home", isDirectory: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        outURL = folder.appendingPathComponent("stdout")
        errURL = folder.appendingPathComponent("stderr")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        handles = [out, err]
        process = Process()
        process.executableURL = binary.url
        process.arguments = arguments
        process.environment = RPLinkBinary.environment(emulator: emulator, home: home, extra: extra)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { kill(pid, SIGKILL) }
        for handle in handles { try? handle.close() }
        try? FileManager.default.removeItem(at: folder)
    }

    func signal(_ number: Int32) {
        kill(pid, number)
    }

    /// Polls stdout until it contains `text` (true), the process ends or `timeout` passes (false).
    func waitForOutput(_ text: String, timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if stdout.contains(text) { return true }
            if !process.isRunning { return stdout.contains(text) }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Waits for the process to end (SIGKILL after `timeout`) and reaps it, so that its pid is
    /// really gone: a lock check by pid would see an unreaped child as alive.
    func finish(timeout: Duration = .seconds(60)) async -> Outcome {
        let deadline = ContinuousClock.now + timeout
        var timedOut = false
        while process.isRunning {
            if ContinuousClock.now > deadline {
                timedOut = true
                kill(pid, SIGKILL)
                break
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
            timedOut: timedOut, stdout: stdout, stderr: stderr)
    }
}
