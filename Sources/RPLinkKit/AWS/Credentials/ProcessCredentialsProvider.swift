import Foundation

/// Credentials printed as JSON by a profile's `credential_process` command.
///
/// The command's stdout holds secrets, so no error ever quotes it; its stderr goes to the
/// user's terminal, where tools like aws-vault ask for an MFA code.
public struct ProcessCredentialsProvider: CredentialsProvider {
    public var command: String
    /// Named in errors instead of the command line, which may itself carry arguments the user would not print.
    public var profileName: String
    public var environment: [String: String]

    public init(command: String, profileName: String, environment: [String: String]) {
        self.command = command
        self.profileName = profileName
        self.environment = environment
    }

    public func credentials() async throws -> AWSCredentials {
        let (status, output) = try await run()
        guard status == 0 else {
            throw RPLinkError(.credentials, "credential_process of profile \(profileName) exited with status \(status); run it by hand to see why")
        }
        return try Self.decode(output, profileName: profileName)
    }

    /// The JSON of the credential_process contract, version 1.
    static func decode(_ output: Data, profileName: String) throws -> AWSCredentials {
        struct Document: Decodable {
            var Version: Int
            var AccessKeyId: String
            var SecretAccessKey: String
            var SessionToken: String?
            var Expiration: String?
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: output)
        } catch {
            // The decoder's message can quote the input; say only what the contract expects.
            throw RPLinkError(.credentials, "credential_process of profile \(profileName) did not print the expected JSON ({\"Version\": 1, \"AccessKeyId\", \"SecretAccessKey\", optional \"SessionToken\" and \"Expiration\"})")
        }
        guard document.Version == 1 else {
            throw RPLinkError(.credentials, "credential_process of profile \(profileName) printed Version \(document.Version); only Version 1 is supported")
        }
        var expiration: Double?
        if let text = document.Expiration {
            guard let parsed = ISO8601Timestamp.parse(text) else {
                throw RPLinkError(.credentials, "credential_process of profile \(profileName) printed an Expiration that is not an ISO 8601 time")
            }
            expiration = parsed
        }
        return AWSCredentials(
            accessKeyId: document.AccessKeyId,
            secretAccessKey: document.SecretAccessKey,
            sessionToken: document.SessionToken,
            expiration: expiration
        )
    }

    /// Runs the command with `/bin/sh -c`, off the cooperative thread pool because reading the pipe blocks.
    private func run() async throws -> (Int32, Data) {
        let command = command
        let environment = environment
        let profileName = profileName
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", command]
                process.environment = environment
                let stdout = Pipe()
                process.standardOutput = stdout
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: RPLinkError(.credentials, "cannot start credential_process of profile \(profileName): \(error.localizedDescription)"))
                    return
                }
                let output = stdout.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, output))
            }
        }
    }
}
