import Foundation

/// An IAM user's access key on the emulator, the one the tests sign with.
struct EmulatorCredentials: Sendable, Codable {
    var accessKeyId: String
    var secretAccessKey: String

    enum CodingKeys: String, CodingKey {
        case accessKeyId = "access_key_id"
        case secretAccessKey = "secret_access_key"
    }
}

struct EmulatorError: Error, CustomStringConvertible {
    var description: String
}

/// A moto server on a free loopback port, with signature checking on (DESIGN.md section 6).
///
/// moto runs under a small Python watchdog that stops it when `stop()` is called, when
/// this test process dies (its parent changes), and moto itself dies with the watchdog
/// (PR_SET_PDEATHSIG): a crashed or killed test run leaves no server behind.
final class Emulator: @unchecked Sendable {
    static let region = "us-east-1"

    let port: Int
    let credentials: EmulatorCredentials
    let logFile: URL
    var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private let watchdog: Process
    private let lock = NSLock()
    private var stopped = false

    private init(port: Int, credentials: EmulatorCredentials, logFile: URL, watchdog: Process) {
        self.port = port
        self.credentials = credentials
        self.logFile = logFile
        self.watchdog = watchdog
    }

    deinit { stop() }

    /// Starts moto, waits until it answers, and spends the three unauthenticated calls on
    /// creating the IAM user whose key every later call must be signed with.
    static func start() async throws -> Emulator {
        let port = try freeLoopbackPort()
        let logFile = try TemporaryDirectory.make(prefix: "moto").appendingPathComponent("moto.log")
        let watchdog = Process()
        watchdog.executableURL = try ProcessRunner.which("python3")
        watchdog.arguments = ["-c", watchdogScript, String(port), logFile.path]
        var environment = ProcessInfo.processInfo.environment
        environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
        watchdog.environment = environment
        watchdog.standardInput = FileHandle.nullDevice
        try watchdog.run()

        let pending = Emulator(
            port: port, credentials: EmulatorCredentials(accessKeyId: "", secretAccessKey: ""),
            logFile: logFile, watchdog: watchdog)
        try await waitUntilListening(port: port, process: watchdog, logFile: logFile)
        let credentials: EmulatorCredentials = try await Boto(
            endpoint: pending.endpoint,
            credentials: EmulatorCredentials(accessKeyId: "bootstrap", secretAccessKey: "bootstrap")
        ).run(createUserScript)
        pending.disown()
        return Emulator(port: port, credentials: credentials, logFile: logFile, watchdog: watchdog)
    }

    /// Stops moto and waits for it; safe to call more than once.
    func stop() {
        let shouldStop = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard shouldStop, watchdog.isRunning else { return }
        watchdog.terminate()
        let deadline = Date().addingTimeInterval(5)
        while watchdog.isRunning && Date() < deadline { usleep(20_000) }
        if watchdog.isRunning { kill(watchdog.processIdentifier, SIGKILL) }
    }

    /// Wipes all emulator state, the IAM user included: a suite should prefer its own
    /// emulator to a reset, and after a reset only unauthenticated moto-api calls work.
    func reset() async throws {
        let result = try await Boto.runPython("""
            import urllib.request
            urllib.request.urlopen(urllib.request.Request("\(endpoint.absoluteString)/moto-api/reset", method="POST"), timeout=10)
            print("{}")
            """, environment: [:])
        guard result.exitCode == 0 else { throw EmulatorError(description: "reset failed: \(result)") }
    }

    /// The last part of moto's log, for failure messages.
    func logTail(lines: Int = 40) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Marks a half-started emulator as stopped by someone else, so its deinit leaves the
    /// watchdog to the fully-started instance that takes it over.
    private func disown() {
        lock.withLock { stopped = true }
    }

    private static func freeLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw EmulatorError(description: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw EmulatorError(description: "bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw EmulatorError(description: "getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func waitUntilListening(port: Int, process: Process, logFile: URL) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                throw EmulatorError(description: "moto_server exited at start:\n\(log)")
            }
            if canConnect(port: port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw EmulatorError(description: "moto_server did not answer on port \(port) within 30 s")
    }

    private static func canConnect(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static let watchdogScript = """
        import ctypes, os, signal, subprocess, sys, time
        port, log_path = sys.argv[1], sys.argv[2]
        # Foundation's Process starts children with signals blocked: unblock them so that
        # SIGTERM stops the watchdog (and moto, which inherits the mask) at once.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        parent = os.getppid()
        PR_SET_PDEATHSIG = 1
        def die_with_watchdog():
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        log = open(log_path, "ab")
        child = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", port],
                                 stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                 preexec_fn=die_with_watchdog)
        def stop(*_):
            child.terminate()
            try:
                child.wait(5)
            except subprocess.TimeoutExpired:
                child.kill()
            sys.exit(0)
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while child.poll() is None:
            if os.getppid() != parent:
                stop()
            time.sleep(0.2)
        sys.exit(child.returncode or 0)
        """

    private static let createUserScript = """
        iam = client("iam")
        iam.create_user(UserName="rplink-tests")
        key = iam.create_access_key(UserName="rplink-tests")["AccessKey"]
        iam.put_user_policy(UserName="rplink-tests", PolicyName="everything", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        }))
        emit({"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]})
        """
}

/// One emulator shared by the tests of a suite: Swift Testing makes a new suite value per
/// test, so the emulator lives in a `static let` of this type and is started on first use.
/// It is stopped when the test process exits (the watchdog sees its parent go).
actor SharedEmulator {
    private var started: Emulator?

    func emulator() async throws -> Emulator {
        if let started { return started }
        let emulator = try await Emulator.start()
        started = emulator
        return emulator
    }
}
