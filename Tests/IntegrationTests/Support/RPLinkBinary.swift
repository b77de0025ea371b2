import Foundation

/// The built `rplink` executable, run the way a user runs it.
struct RPLinkBinary: Sendable {
    let url: URL

    /// Finds the executable: `RPLINK_BINARY` if set, else beside this test bundle in the
    /// build products folder, else `.build/debug/rplink` under the repository root.
    static func locate() throws -> RPLinkBinary {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["RPLINK_BINARY"] {
            candidates.append(URL(fileURLWithPath: override))
        }
        var folder = Bundle.main.bundleURL
        for _ in 0..<3 {
            candidates.append(folder.appendingPathComponent("rplink"))
            folder.deleteLastPathComponent()
        }
        candidates.append(RepositoryPaths.root.appendingPathComponent(".build/debug/rplink"))
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder), !isFolder.boolValue {
                return RPLinkBinary(url: candidate)
            }
        }
        throw EmulatorError(description: "rplink executable not found (looked at \(candidates.map(\.path))); run 'swift build' first")
    }

    /// Runs rplink with a clean environment: HOME is an empty temporary folder so the
    /// machine's ~/.aws is never read, and no metadata address is ever tried. With an
    /// emulator, the AWS variables point at it and carry its user's key.
    func run(
        _ arguments: [String], emulator: Emulator? = nil, environment extra: [String: String] = [:],
        stdin: String? = nil, currentDirectory: URL? = nil, timeout: Duration = .seconds(60)
    ) async throws -> ProcessResult {
        let home = try TemporaryDirectory.make(prefix: "rplink-home")
        defer { try? FileManager.default.removeItem(at: home) }
        return try await ProcessRunner.run(
            url, arguments: arguments, environment: Self.environment(emulator: emulator, home: home, extra: extra),
            stdin: stdin, currentDirectory: currentDirectory, timeout: timeout)
    }

    /// The clean environment every test run of rplink gets, in the foreground or not.
    static func environment(emulator: Emulator?, home: URL, extra: [String: String]) -> [String: String] {
        var environment = [
            "HOME": home.path,
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "AWS_EC2_METADATA_DISABLED": "true",
            "NO_COLOR": "1",
        ]
        if let emulator {
            environment["AWS_ACCESS_KEY_ID"] = emulator.credentials.accessKeyId
            environment["AWS_SECRET_ACCESS_KEY"] = emulator.credentials.secretAccessKey
            environment["AWS_ENDPOINT_URL"] = emulator.endpoint.absoluteString
            environment["AWS_REGION"] = Emulator.region
        }
        environment.merge(extra) { _, new in new }
        return environment
    }
}
