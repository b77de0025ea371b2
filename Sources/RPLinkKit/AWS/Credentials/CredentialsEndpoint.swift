import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What the HTTP credential sources share: the EC2 instance metadata service, the container
/// credentials endpoint and the IAM Identity Center portal are plain HTTP GETs (IMDSv2 adds
/// a PUT); the first two answer the same JSON document.
public enum CredentialsEndpoint {
    public struct Request: Sendable, Equatable {
        public var method: String
        public var url: URL
        public var headers: [String: String]
        /// Seconds: 1 for the link-local services (the SDKs' value, so the chain fails fast where
        /// none answers), more for a service across the internet.
        public var timeout: TimeInterval
        public var body: Data?

        public init(method: String, url: URL, headers: [String: String], timeout: TimeInterval = 1, body: Data? = nil) {
            self.method = method
            self.url = url
            self.headers = headers
            self.timeout = timeout
            self.body = body
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

    /// How a request is sent; tests pass a fake so nothing goes to a link-local address.
    public typealias Fetch = @Sendable (Request) async throws -> Response

    /// `base` with `pathAndQuery` appended, whether or not `base` ends with a slash (an
    /// endpoint from the environment may, or may have a path of its own).
    static func url(_ base: URL, _ pathAndQuery: String) -> URL? {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + pathAndQuery)
    }

    /// Ephemeral (no cache, no cookies) and never following a redirect, which would carry the
    /// request's token to another host: a 3xx answer fails like any other non-2xx one.
    private static let session = URLSession(configuration: .ephemeral, delegate: RedirectRefusal(), delegateQueue: nil)

    /// The real fetch, with the request's timeout.
    public static let urlSessionFetch: Fetch = { request in
        var urlRequest = URLRequest(url: request.url, timeoutInterval: request.timeout)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = request.body
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: urlRequest)
        return Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }

    /// The credentials document both services answer: `AccessKeyId`, `SecretAccessKey`,
    /// `Token`, `Expiration`, and (IMDS) a `Code` other than `Success` on failure.
    /// `source` names where it came from, for the errors.
    static func credentials(from body: Data, source: String) throws -> AWSCredentials {
        struct Document: Decodable {
            var Code: String?
            var AccessKeyId: String?
            var SecretAccessKey: String?
            var Token: String?
            var Expiration: String?
        }
        guard let document = try? JSONDecoder().decode(Document.self, from: body) else {
            throw RPLinkError(.credentials, "\(source) returned unreadable credentials")
        }
        if let code = document.Code, code != "Success" {
            throw RPLinkError(.credentials, "\(source) reports \(code)")
        }
        guard let accessKeyId = document.AccessKeyId, let secretAccessKey = document.SecretAccessKey else {
            throw RPLinkError(.credentials, "\(source) returned no keys")
        }
        return AWSCredentials(
            accessKeyId: accessKeyId,
            secretAccessKey: secretAccessKey,
            sessionToken: document.Token,
            expiration: document.Expiration.flatMap(ISO8601Timestamp.parse)
        )
    }
}
