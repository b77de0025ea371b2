import Foundation

/// Temporary credentials from STS AssumeRoleWithWebIdentity: the CI/OIDC case.
public struct WebIdentityCredentialsProvider: CredentialsProvider {
    /// Sends unsigned requests: the token is the proof of identity.
    public var sts: STS
    public var tokenFile: String
    public var roleArn: String
    public var sessionName: String

    public init(sts: STS, tokenFile: String, roleArn: String, sessionName: String) {
        self.sts = sts
        self.tokenFile = tokenFile
        self.roleArn = roleArn
        self.sessionName = sessionName
    }

    public func credentials() async throws -> AWSCredentials {
        // Read on every refresh: CI runners and EKS rotate the token file.
        let token = try Self.readToken(tokenFile)
        do {
            return try await sts.assumeRoleWithWebIdentity(roleArn: roleArn, sessionName: sessionName, token: token)
        } catch {
            throw RPLinkError(.credentials, "cannot assume role \(roleArn) with the web identity token in \(tokenFile)", cause: error)
        }
    }

    private static func readToken(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8)
        else {
            throw RPLinkError(.credentials, "cannot read the web identity token file \(path)")
        }
        let token = text.trimmingWhitespace
        guard !token.isEmpty else {
            throw RPLinkError(.credentials, "the web identity token file \(path) is empty")
        }
        return token
    }
}
