import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The signed AWS Query API client: encodes, signs, sends, retries and decodes one call.
///
/// Endpoints and credentials arrive already resolved; the client does no discovery of its own.
public struct AWSClient: QueryAPI {
    public typealias DebugSink = @Sendable (String) -> Void

    public var region: String
    public var endpoints: [AWSService: URL]
    /// nil sends unsigned requests (STS AssumeRoleWithWebIdentity needs no signature).
    public var credentials: (any CredentialsProvider)?
    public var transport: any HTTPTransport
    public var retryPolicy: RetryPolicy
    public var callLog: AWSCallLog?
    /// Receives one line per attempt when `--debug` is on; nil keeps the client silent.
    public var debugSink: DebugSink?
    /// The time requests are signed with.
    public var clock: @Sendable () -> Date
    /// Spaces out the calls to a service that throttles; shared by every copy of the client.
    public var pacer: RequestPacer

    public static let contentType = "application/x-www-form-urlencoded; charset=utf-8"

    public init(region: String, endpoints: [AWSService: URL], credentials: (any CredentialsProvider)?,
                transport: any HTTPTransport = URLSessionTransport(), retryPolicy: RetryPolicy = RetryPolicy(),
                callLog: AWSCallLog? = nil, debugSink: DebugSink? = nil, clock: @escaping @Sendable () -> Date = { Date() },
                pacer: RequestPacer = RequestPacer()) {
        self.region = region
        self.endpoints = endpoints
        self.credentials = credentials
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.callLog = callLog
        self.debugSink = debugSink
        self.clock = clock
        self.pacer = pacer
    }

    /// Writes debug lines to standard error.
    public static let standardErrorSink: DebugSink = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public func call(_ service: AWSService, _ action: String, _ parameters: QueryParameters) async throws -> XMLNode {
        guard let endpoint = endpoints[service] else {
            throw RPLinkError(.configuration, "no endpoint is configured for \(service.signingName)")
        }
        let body = Array(parameters.formEncodedBody(action: action, version: service.apiVersion).utf8)
        var attempt = 1
        while true {
            let outcome = try await attemptCall(service, action, endpoint: endpoint, body: body, attempt: attempt)
            switch outcome {
            case .success(let root):
                return root
            case .failure(let error):
                guard attempt < retryPolicy.maxAttempts, retryPolicy.isRetryable(error, action: action) else {
                    throw Self.reported(error, service: service, action: action, endpoint: endpoint, attempts: attempt)
                }
                let delay = retryPolicy.delay(afterAttempt: attempt)
                debugSink?("aws: \(service.signingName) \(action) retrying in \(String(format: "%.2f", delay)) s")
                try await retryPolicy.sleep(delay)
                attempt += 1
            }
        }
    }

    /// One signed attempt. A failure another attempt might fix is returned, not thrown.
    private func attemptCall(_ service: AWSService, _ action: String, endpoint: URL, body: [UInt8], attempt: Int) async throws -> Result<XMLNode, any Error> {
        try await pacer.admit(service.signingName)
        // Fetched on every attempt: a provider may refresh credentials that expired while we waited.
        let credentials = try await credentials?.credentials()
        let start = clock()
        let request = signedRequest(service, endpoint: endpoint, body: body, credentials: credentials, date: start)
        let started = ContinuousClock.now

        let result: Result<XMLNode, any Error>
        var status: Int?
        var requestId: String?
        do {
            let response = try await transport.send(request)
            status = response.status
            let headerRequestId = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")
            (result, requestId) = Self.decode(response, service: service, action: action, headerRequestId: headerRequestId)
        } catch let error as CancellationError {
            throw error
        } catch {
            result = .failure(error)
        }

        let record = AWSCallRecord(
            service: service, action: action, attempt: attempt, httpStatus: status,
            errorCode: Self.errorCode(of: result), requestId: requestId,
            start: start, end: clock(), duration: (ContinuousClock.now - started).seconds)
        callLog?.record(record)
        debugSink?(record.logLine)
        if let code = record.errorCode, RetryPolicy.throttlingCodes.contains(code), let rate = pacer.throttled(service.signingName) {
            debugSink?("aws: \(service.signingName) is throttling: its calls now go out \(String(format: "%.2f", rate)) a second")
        }
        return result
    }

    /// `POST /` with the form body, signed for the endpoint's host.
    func signedRequest(_ service: AWSService, endpoint: URL, body: [UInt8], credentials: AWSCredentials?, date: Date) -> HTTPRequest {
        let path = endpoint.path.isEmpty ? "/" : endpoint.path
        let headers = [
            HTTPHeader("Content-Type", Self.contentType),
            HTTPHeader("Host", Self.hostHeader(for: endpoint)),
        ]
        guard let credentials else { return HTTPRequest(method: "POST", url: endpoint, headers: headers, body: body) }
        let signer = SigV4Signer(credentials: credentials, region: region, service: service.signingName)
        let signable = SigV4Signer.Request(method: "POST", path: path, headers: headers, body: body)
        return HTTPRequest(method: "POST", url: endpoint, headers: headers + signer.sign(signable, date: date), body: body)
    }

    /// The Host header a client sends for this URL: the port only when it is not the scheme's default.
    static func hostHeader(for url: URL) -> String {
        var host = url.host ?? ""
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        guard let port = url.port else { return host }
        let defaultPort = url.scheme?.lowercased() == "http" ? 80 : 443
        return port == defaultPort ? host : "\(host):\(port)"
    }

    static func decode(_ response: HTTPResponse, service: AWSService, action: String, headerRequestId: String?) -> (Result<XMLNode, any Error>, String?) {
        guard (200..<300).contains(response.status) else {
            let error = AWSError.decode(service: service, action: action, httpStatus: response.status, body: response.body, requestIdHeader: headerRequestId)
            return (.failure(error), error.requestId)
        }
        guard let root = try? XMLNode.parse(response.body) else {
            let error = AWSError.nonXMLResponse(service: service, action: action, httpStatus: response.status, body: response.body, requestId: headerRequestId)
            return (.failure(error), headerRequestId)
        }
        // EC2 answers `<requestId>`, the others `<ResponseMetadata><RequestId>`.
        let requestId = root.string("requestId") ?? root.string("ResponseMetadata", "RequestId") ?? headerRequestId
        return (.success(root), requestId)
    }

    static func errorCode(of result: Result<XMLNode, any Error>) -> String? {
        switch result {
        case .success: nil
        case .failure(let error as AWSError): error.code
        case .failure(let error as URLError): "URLError(\(error.code.rawValue))"
        case .failure(let error): String(describing: type(of: error))
        }
    }

    /// AWS errors are thrown as they are; a transport failure becomes an `RPLinkError` that says
    /// which endpoint could not be reached and how often it was tried.
    static func reported(_ error: any Error, service: AWSService, action: String, endpoint: URL, attempts: Int) -> any Error {
        if error is AWSError { return error }
        let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
        let reason = (error as? URLError).map { Self.describe($0) } ?? "\(error)"
        return RPLinkError(.aws, "\(service.signingName) \(action): no response from \(endpoint.absoluteString) after \(tries): \(reason)",
                           cause: error)
    }

    private static func describe(_ error: URLError) -> String {
        switch error.code {
        case .timedOut: "the request timed out"
        case .cannotConnectToHost: "the connection was refused"
        case .cannotFindHost, .dnsLookupFailed: "the host name could not be resolved"
        case .networkConnectionLost: "the connection was lost"
        case .notConnectedToInternet: "there is no network connection"
        case .unknown: "the transfer failed before a whole response arrived (URL error -1)"
        default: "URL error \(error.code.rawValue)"
        }
    }
}
