/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN`.
public struct EnvironmentCredentialsProvider: CredentialsProvider {
    public let value: AWSCredentials

    /// nil when neither key variable is set; an error when only one of them is.
    public init?(environment: [String: String]) throws {
        let accessKeyId = environment.nonEmpty("AWS_ACCESS_KEY_ID")
        let secretAccessKey = environment.nonEmpty("AWS_SECRET_ACCESS_KEY")
        switch (accessKeyId, secretAccessKey) {
        case (nil, nil):
            return nil
        case let (accessKeyId?, secretAccessKey?):
            value = AWSCredentials(
                accessKeyId: accessKeyId,
                secretAccessKey: secretAccessKey,
                sessionToken: environment.nonEmpty("AWS_SESSION_TOKEN")
            )
        case (_?, nil):
            throw RPLinkError(.credentials, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both, or unset AWS_ACCESS_KEY_ID to use a profile")
        case (nil, _?):
            throw RPLinkError(.credentials, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both, or unset AWS_SECRET_ACCESS_KEY to use a profile")
        }
    }

    public func credentials() async throws -> AWSCredentials { value }
}
