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
        self.session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
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

        let session = session
        let finalRequest = urlRequest
        let cancellation = DataTaskCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                let task = session.dataTask(with: finalRequest) { data, response, error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let http = response as? HTTPURLResponse {
                        continuation.resume(returning: Self.response(http, body: data ?? Data()))
                    } else {
                        continuation.resume(throwing: URLError(.badServerResponse))
                    }
                }
                cancellation.start(task)
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    private static func response(_ http: HTTPURLResponse, body: Data) -> HTTPResponse {
        let headers = http.allHeaderFields.compactMap { key, value -> HTTPHeader? in
            guard let name = key as? String else { return nil }
            return HTTPHeader(name, "\(value)")
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: [UInt8](body))
    }
}

/// Cancels a data task when its Swift task is cancelled, without URLSession's async API.
///
/// On Linux, `URLSession.data(for:)` can deadlock when its task is cancelled while the response
/// is being handled (swift-corelibs-foundation #5412): the cancellation handler runs under the
/// Swift task's status lock and waits for the session's work queue, while the work queue waits
/// for that lock to resume the task. Here the data task is cancelled from another thread, after
/// the handler has returned and released the lock.
private final class DataTaskCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false

    /// Starts the task, and cancels it at once when cancellation came first; the completion
    /// handler then runs with `URLError(.cancelled)`, so the continuation is always resumed.
    func start(_ task: URLSessionDataTask) {
        let alreadyCancelled = lock.withLock {
            self.task = task
            return cancelled
        }
        task.resume()
        if alreadyCancelled { task.cancel() }
    }

    func cancel() {
        let started = lock.withLock {
            cancelled = true
            return task != nil
        }
        guard started else { return }
        DispatchQueue.global().async { self.cancelStartedTask() }
    }

    private func cancelStartedTask() {
        lock.withLock { task }?.cancel()
    }
}
