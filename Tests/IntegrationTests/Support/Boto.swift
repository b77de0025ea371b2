import Foundation

/// boto3 pointed at the emulator: sets up fixtures and checks what rplink did with a
/// client that is not rplink (DESIGN.md section 6, "independent checks").
struct Boto: Sendable {
    var endpoint: URL
    var credentials: EmulatorCredentials

    init(endpoint: URL, credentials: EmulatorCredentials) {
        self.endpoint = endpoint
        self.credentials = credentials
    }

    init(_ emulator: Emulator) {
        self.init(endpoint: emulator.endpoint, credentials: emulator.credentials)
    }

    /// Runs `script` after a preamble that defines `client(name)` (a boto3 client for the
    /// emulator), `ec2`, `elbv2`, `json` and `emit(value)`, which prints `value` as JSON;
    /// decodes what was emitted. A Python exception fails with its traceback.
    func run<Result: Decodable>(_ script: String, as type: Result.Type = Result.self) async throws -> Result {
        let result = try await Self.runPython(Self.preamble + "\n" + script, environment: [
            "RPLINK_TEST_ENDPOINT": endpoint.absoluteString,
            "AWS_ACCESS_KEY_ID": credentials.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
            "AWS_DEFAULT_REGION": Emulator.region,
        ])
        guard result.exitCode == 0 else {
            throw EmulatorError(description: "boto3 script failed: \(result)")
        }
        do {
            return try JSONDecoder().decode(Result.self, from: Data(result.stdout.utf8))
        } catch {
            throw EmulatorError(description: "boto3 script printed no decodable JSON (\(error)): \(result.stdout)")
        }
    }

    /// Runs python3 with a clean environment: never the machine's ~/.aws, never a metadata address.
    static func runPython(_ script: String, environment: [String: String]) async throws -> ProcessResult {
        let home = try TemporaryDirectory.make(prefix: "boto-home")
        defer { try? FileManager.default.removeItem(at: home) }
        let inherited = ProcessInfo.processInfo.environment
        var env = environment
        env["HOME"] = home.path
        env["PATH"] = inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        env["AWS_CONFIG_FILE"] = home.appendingPathComponent("config").path
        env["AWS_SHARED_CREDENTIALS_FILE"] = home.appendingPathComponent("credentials").path
        for key in ["PYENV_ROOT", "PYENV_VERSION", "PYTHONPATH", "VIRTUAL_ENV", "LANG"] {
            if let value = inherited[key] { env[key] = value }
        }
        return try await ProcessRunner.run(
            try ProcessRunner.which("python3"), arguments: ["-c", script], environment: env, timeout: .seconds(60))
    }

    private static let preamble = """
        import json, os, sys
        import boto3
        from botocore.config import Config

        def client(name):
            return boto3.client(name, endpoint_url=os.environ["RPLINK_TEST_ENDPOINT"], region_name="us-east-1",
                                config=Config(retries={"max_attempts": 1}))

        def emit(value):
            print(json.dumps(value, default=str))

        ec2 = client("ec2")
        elbv2 = client("elbv2")
        """
}
