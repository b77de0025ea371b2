import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What the HTTP credential sources share: the EC2 instance metadata service and the container
/// credentials endpoint are both plain HTTP GETs (IMDSv2 adds a PUT) answering the same JSON.
public enum CredentialsEndpoint {
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

    /// How a request is sent; tests pass a fake so nothing goes to a link-local address.
    public typealias Fetch = @Sendable (Request) async throws -> Response

    /// The real fetch: a 1 second timeout, as the SDKs use for IMDS, so the chain fails fast
    /// where no such service answers.
    public static let urlSessionFetch: Fetch = { request in
        var urlRequest = URLRequest(url: request.url, timeoutInterval: 1)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: urlRequest)
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
