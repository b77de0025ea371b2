import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The instance role's credentials from the EC2 instance metadata service, IMDSv2 only.
///
/// IMDSv2: PUT a session token, then GET the role name and the role's credentials with it.
public struct InstanceMetadataCredentialsProvider: CredentialsProvider {
    public struct Request: Sendable, Equatable {
        public var method: String
        public var url: URL
        public var headers: [String: String]

        public init(method: String, url: URL, headers: [String: String]) {
            self.method = method
            self.url = url
            self.headers = headers
        }
    }

    public struct Response: Sendable {
        public var status: Int
        public var body: Data

        public init(status: Int, body: Data) {
            self.status = status
            self.body = body
        }
    }

    public typealias Fetch = @Sendable (Request) async throws -> Response

    public static let defaultEndpoint = "http://169.254.169.254"
    static let tokenTTLSeconds = 21600

    public var endpoint: URL
    public var fetch: Fetch

    public init(endpoint: URL, fetch: @escaping Fetch) {
        self.endpoint = endpoint
        self.fetch = fetch
    }

    /// nil when `AWS_EC2_METADATA_DISABLED=true`; the endpoint comes from `AWS_EC2_METADATA_SERVICE_ENDPOINT`.
    public init?(environment: [String: String], fetch: @escaping Fetch) throws {
        if environment.nonEmpty("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" { return nil }
        let text = environment.nonEmpty("AWS_EC2_METADATA_SERVICE_ENDPOINT") ?? Self.defaultEndpoint
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw RPLinkError(.configuration, "AWS_EC2_METADATA_SERVICE_ENDPOINT \"\(text)\" is not an http(s) URL")
        }
        self.init(endpoint: url, fetch: fetch)
    }

    public func credentials() async throws -> AWSCredentials {
        let token = try await text(of: Request(
            method: "PUT",
            url: url("/latest/api/token"),
            headers: ["X-aws-ec2-metadata-token-ttl-seconds": String(Self.tokenTTLSeconds)]
        ), what: "a session token")
        let tokenHeader = ["X-aws-ec2-metadata-token": token]
        let roles = try await text(of: Request(method: "GET", url: url("/latest/meta-data/iam/security-credentials/"), headers: tokenHeader), what: "the instance role")
        guard let role = roles.split(whereSeparator: \.isNewline).first.map({ String($0).trimmingWhitespace }), !role.isEmpty else {
            throw RPLinkError(.credentials, "the instance metadata service at \(endpoint.absoluteString) lists no IAM role; attach an instance profile")
        }
        let document = try await fetchChecked(Request(method: "GET", url: url("/latest/meta-data/iam/security-credentials/\(role)"), headers: tokenHeader), what: "the credentials of role \(role)")
        return try Self.decode(document, role: role)
    }

    static func decode(_ body: Data, role: String) throws -> AWSCredentials {
        struct Document: Decodable {
            var Code: String?
            var AccessKeyId: String?
            var SecretAccessKey: String?
            var Token: String?
            var Expiration: String?
        }
        guard let document = try? JSONDecoder().decode(Document.self, from: body) else {
            throw RPLinkError(.credentials, "the instance metadata service returned unreadable credentials for role \(role)")
        }
        if let code = document.Code, code != "Success" {
            throw RPLinkError(.credentials, "the instance metadata service reports \(code) for role \(role)")
        }
        guard let accessKeyId = document.AccessKeyId, let secretAccessKey = document.SecretAccessKey else {
            throw RPLinkError(.credentials, "the instance metadata service returned no keys for role \(role)")
        }
        return AWSCredentials(
            accessKeyId: accessKeyId,
            secretAccessKey: secretAccessKey,
            sessionToken: document.Token,
            expiration: document.Expiration.flatMap(ISO8601Timestamp.parse)
        )
    }

    private func url(_ path: String) -> URL {
        var text = endpoint.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + path) ?? endpoint
    }

    private func text(of request: Request, what: String) async throws -> String {
        let body = try await fetchChecked(request, what: what)
        return String(decoding: body, as: UTF8.self).trimmingWhitespace
    }

    private func fetchChecked(_ request: Request, what: String) async throws -> Data {
        let response: Response
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

    /// The real fetch: a 1 second timeout, as the SDKs use, so the chain fails fast off EC2.
    public static let urlSessionFetch: Fetch = { request in
        var urlRequest = URLRequest(url: request.url, timeoutInterval: 1)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: urlRequest)
        return Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }
}
