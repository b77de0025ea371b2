import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import RPLinkKit

/// Answers requests from a script, in order, and remembers every request it was sent.
final class FakeHTTPTransport: HTTPTransport, @unchecked Sendable {
    enum Reply {
        case response(HTTPResponse)
        case failure(any Error)
    }

    private let lock = NSLock()
    private var replies: [Reply]
    private var sent: [HTTPRequest] = []

    init(_ replies: [Reply]) {
        self.replies = replies
    }

    var requests: [HTTPRequest] {
        lock.lock()
        defer { lock.unlock() }
        return sent
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let reply: Reply? = {
            lock.lock()
            defer { lock.unlock() }
            sent.append(request)
            return replies.isEmpty ? nil : replies.removeFirst()
        }()
        switch reply {
        case .response(let response): return response
        case .failure(let error): throw error
        case nil: throw URLError(.resourceUnavailable)
        }
    }

    static func xml(_ status: Int, _ body: String, headers: [HTTPHeader] = []) -> Reply {
        .response(HTTPResponse(status: status, headers: headers, body: Array(body.utf8)))
    }
}

/// Collects what a sink is given, for asserting on debug output.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }

    func append(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        storage.append(line)
    }
}

/// Records the waits a retry policy asks for instead of waiting.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [TimeInterval] = []

    var delays: [TimeInterval] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }

    func sleep(_ seconds: TimeInterval) {
        lock.lock()
        defer { lock.unlock() }
        storage.append(seconds)
    }
}

enum AWSTestSamples {
    static let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let sessionCredentials = AWSCredentials(
        accessKeyId: "ASIAEXAMPLE", secretAccessKey: "SECRETsecretSECRET/abc+def",
        sessionToken: "SESSIONtokenSESSION//tokenTOKEN+xyz==")
    /// 2015-08-30T12:36:00Z, the AWS test suite's date.
    static let date = Date(timeIntervalSince1970: 1_440_938_160)

    static let ec2Throttling = """
    <?xml version="1.0" encoding="UTF-8"?>
    <Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>ec2-throttle-id</RequestID></Response>
    """
    static let elbThrottling = """
    <ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>elb-throttle-id</RequestId></ErrorResponse>
    """
    static let ec2InvalidParameter = """
    <Response><Errors><Error><Code>InvalidParameterValue</Code><Message>Value (x) for parameter cidrBlock is invalid.</Message></Error></Errors><RequestID>bad-param-id</RequestID></Response>
    """
    static let describeVpcs = """
    <?xml version="1.0" encoding="UTF-8"?>
    <DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>vpcs-id</requestId><vpcSet><item><vpcId>vpc-1</vpcId></item></vpcSet></DescribeVpcsResponse>
    """

    static func client(_ transport: any HTTPTransport, credentials: AWSCredentials = credentials,
                       maxAttempts: Int = 3, sleeps: SleepRecorder = SleepRecorder(), random: Double = 1,
                       callLog: AWSCallLog? = nil, debug: LineCollector? = nil,
                       endpoint: URL = URL(string: "https://ec2.us-east-1.amazonaws.com")!) -> AWSClient {
        let policy = RetryPolicy(maxAttempts: maxAttempts, random: { random }, sleep: { sleeps.sleep($0) })
        let endpoints: [AWSService: URL] = [
            .ec2: endpoint,
            .elbv2: URL(string: "http://127.0.0.1:4566")!,
            .sts: URL(string: "https://sts.us-east-1.amazonaws.com")!,
        ]
        var sink: AWSClient.DebugSink?
        if let debug { sink = { line in debug.append(line) } }
        return AWSClient(region: "us-east-1", endpoints: endpoints, credentials: StaticCredentialsProvider(credentials),
                         transport: transport, retryPolicy: policy, callLog: callLog, debugSink: sink, clock: { date })
    }
}
