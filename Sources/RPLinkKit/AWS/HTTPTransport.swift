import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP header. Headers are kept as an ordered list because names may repeat.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

public struct HTTPRequest: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var method: String
    public var url: URL
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(method: String, url: URL, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The value of the first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Headers whose values are credentials and must never be printed.
    static let secretHeaders: Set<String> = ["authorization", "x-amz-security-token"]

    /// Method, URL and headers, with the signature and session token redacted and the body left out.
    public var description: String {
        let shown = headers.map { header in
            Self.secretHeaders.contains(header.name.lowercased()) ? "\(header.name): <redacted>" : "\(header.name): \(header.value)"
        }
        return "\(method) \(url.absoluteString) [\(shown.joined(separator: ", "))] (\(body.count) body bytes)"
    }

    public var debugDescription: String { description }
}

public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Sends one HTTP request. The client's only I/O; tests substitute a fake.
///
/// A response with any status is returned, not thrown; only a failure to get a response
/// at all (refused connection, timeout, TLS) throws, normally as `URLError`.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// The real transport, over URLSession.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    private let requestTimeout: TimeInterval

    /// - Parameters:
    ///   - requestTimeout: the longest wait for any bytes of a response (URLSession's request timeout).
    ///   - resourceTimeout: the longest a whole request may take, connection included.
    /// Enough for the widest round of parallel reads of one stack and for `--parallelism` 10
    /// steps, each with a wait poll, at once.
    static let maximumConnectionsPerHost = 32

    public init(requestTimeout: TimeInterval = 30, resourceTimeout: TimeInterval = 120) {
        // Whole seconds, at least one: Linux's URLSession truncates a fraction, and 0 times out at once.
        let requestTimeout = max(1, requestTimeout.rounded(.up))
        let resourceTimeout = max(requestTimeout, resourceTimeout.rounded(.up))
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = requestTimeout
        configuration.timeoutIntervalForResource = resourceTimeout
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        // Linux's URLSession allows 6 connections per host by default, which turned a round of 7
        // parallel reads into two rounds behind an --endpoint-url (one host for every service).
        configuration.httpMaximumConnectionsPerHost = Self.maximumConnectionsPerHost
        self.session = URLSession(configuration: configuration)
        self.requestTimeout = requestTimeout
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: requestTimeout)
        urlRequest.httpMethod = request.method
        for header in request.headers {
            urlRequest.addValue(header.value, forHTTPHeaderField: header.name)
        }
        if !request.body.isEmpty { urlRequest.httpBody = Data(request.body) }

        let (data, response) = try await session.data(for: urlRequest)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        let headers = http.allHeaderFields.compactMap { key, value -> HTTPHeader? in
            guard let name = key as? String else { return nil }
            return HTTPHeader(name, "\(value)")
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: [UInt8](data))
    }
}
