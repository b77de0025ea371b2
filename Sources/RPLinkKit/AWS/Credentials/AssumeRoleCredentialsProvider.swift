/// Temporary credentials from STS AssumeRole, signed with a source profile's credentials.
public struct AssumeRoleCredentialsProvider: CredentialsProvider {
    public var sts: STS
    public var roleArn: String
    public var sessionName: String
    public var externalId: String?
    public var durationSeconds: Int?

    public init(sts: STS, roleArn: String, sessionName: String, externalId: String? = nil, durationSeconds: Int? = nil) {
        self.sts = sts
        self.roleArn = roleArn
        self.sessionName = sessionName
        self.externalId = externalId
        self.durationSeconds = durationSeconds
    }

    public func credentials() async throws -> AWSCredentials {
        do {
            return try await sts.assumeRole(roleArn: roleArn, sessionName: sessionName, externalId: externalId, durationSeconds: durationSeconds)
        } catch {
            throw RPLinkError(.credentials, "cannot assume role \(roleArn)", cause: error)
        }
    }
}
