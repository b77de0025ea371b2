/// A source of AWS credentials (env, profile, assumed role, web identity, IMDS, or a chain of them).
public protocol CredentialsProvider: Sendable {
    /// Credentials valid for at least the next few minutes.
    func credentials() async throws -> AWSCredentials
}

/// Credentials that are known up front (tests, env variables already read).
public struct StaticCredentialsProvider: CredentialsProvider {
    public var value: AWSCredentials
    public init(_ value: AWSCredentials) { self.value = value }
    public func credentials() async throws -> AWSCredentials { value }
}
