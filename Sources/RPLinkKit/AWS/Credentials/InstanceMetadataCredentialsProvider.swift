import Foundation

/// The instance role's credentials from the EC2 instance metadata service, IMDSv2 only.
///
/// IMDSv2: PUT a session token, then GET the role name and the role's credentials with it.
public struct InstanceMetadataCredentialsProvider: CredentialsProvider {
    public static let defaultEndpoint = "http://169.254.169.254"
    static let tokenTTLSeconds = 21600

    public var endpoint: URL
    public var fetch: CredentialsEndpoint.Fetch

    public init(endpoint: URL, fetch: @escaping CredentialsEndpoint.Fetch) {
        self.endpoint = endpoint
        self.fetch = fetch
    }

    /// nil when `AWS_EC2_METADATA_DISABLED=true`; the endpoint comes from `AWS_EC2_METADATA_SERVICE_ENDPOINT`.
    public init?(environment: [String: String], fetch: @escaping CredentialsEndpoint.Fetch) throws {
        if environment.nonEmpty("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" { return nil }
        let text = environment.nonEmpty("AWS_EC2_METADATA_SERVICE_ENDPOINT") ?? Self.defaultEndpoint
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw RPLinkError(.configuration, "AWS_EC2_METADATA_SERVICE_ENDPOINT \"\(text)\" is not an http(s) URL")
        }
        self.init(endpoint: url, fetch: fetch)
    }

    public func credentials() async throws -> AWSCredentials {
        let token = try await text(of: CredentialsEndpoint.Request(
            method: "PUT",
            url: url("/latest/api/token"),
            headers: ["X-aws-ec2-metadata-token-ttl-seconds": String(Self.tokenTTLSeconds)]
        ), what: "a session token")
        let tokenHeader = ["X-aws-ec2-metadata-token": token]
        let roles = try await text(of: CredentialsEndpoint.Request(method: "GET", url: url("/latest/meta-data/iam/security-credentials/"), headers: tokenHeader), what: "the instance role")
        guard let role = roles.split(whereSeparator: \.isNewline).first.map({ String($0).trimmingWhitespace }), !role.isEmpty else {
            throw RPLinkError(.credentials, "the instance metadata service at \(endpoint.absoluteString) lists no IAM role; attach an instance profile")
        }
        let document = try await fetchChecked(CredentialsEndpoint.Request(method: "GET", url: url("/latest/meta-data/iam/security-credentials/\(role)"), headers: tokenHeader), what: "the credentials of role \(role)")
        return try CredentialsEndpoint.credentials(from: document, source: "the instance metadata service, for role \(role),")
    }

    private func url(_ path: String) -> URL {
        CredentialsEndpoint.url(endpoint, path) ?? endpoint
    }

    private func text(of request: CredentialsEndpoint.Request, what: String) async throws -> String {
        let body = try await fetchChecked(request, what: what)
        return String(decoding: body, as: UTF8.self).trimmingWhitespace
    }

    private func fetchChecked(_ request: CredentialsEndpoint.Request, what: String) async throws -> Data {
        let response: CredentialsEndpoint.Response
        do {
            response = try await fetch(request)
        } catch {
            throw RPLinkError(.credentials, "cannot reach the instance metadata service at \(endpoint.absoluteString) for \(what) (not on EC2?): \(error.localizedDescription)")
        }
        guard (200..<300).contains(response.status) else {
            throw RPLinkError(.credentials, "the instance metadata service at \(endpoint.absoluteString) answered HTTP \(response.status) for \(what)")
        }
        return response.body
    }
}
