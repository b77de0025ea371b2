import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import RPLinkKit

struct AWSClientTests {
    @Test func requestIsASignedFormPostToTheEndpointRoot() async throws {
        let transport = FakeHTTPTransport([FakeHTTPTransport.xml(200, AWSTestSamples.describeVpcs)])
        let client = AWSTestSamples.client(transport)
        var params = QueryParameters()
        params.setList("VpcId", ["vpc-1"])
        let root = try await client.call(.ec2, "DescribeVpcs", params)
        #expect(root.list("vpcSet").first?.string("vpcId") == "vpc-1")

        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url.absoluteString == "https://ec2.us-east-1.amazonaws.com")
        #expect(String(decoding: request.body, as: UTF8.self) == "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-1")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(request.header("Host") == "ec2.us-east-1.amazonaws.com")
        #expect(request.header("X-Amz-Date") == "20150830T123600Z")
        #expect(request.header("X-Amz-Security-Token") == nil)
        let authorization = try #require(request.header("Authorization"))
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="))
    }

    @Test func signatureMatchesAnIndependentRecomputation() async throws {
        let transport = FakeHTTPTransport([FakeHTTPTransport.xml(200, AWSTestSamples.describeVpcs)])
        _ = try await AWSTestSamples.client(transport).call(.ec2, "DescribeVpcs", QueryParameters())
        let request = try #require(transport.requests.first)
        // The canonical request spelled out by hand, as the SigV4 documentation describes it.
        let canonical = """
        POST
        /

        content-type:application/x-www-form-urlencoded; charset=utf-8
        host:ec2.us-east-1.amazonaws.com
        x-amz-date:20150830T123600Z

        content-type;host;x-amz-date
        \(SHA256.hexDigest("Action=DescribeVpcs&Version=2016-11-15"))
        """
        let signer = SigV4Signer(credentials: AWSTestSamples.credentials, region: "us-east-1", service: "ec2")
        let signature = signer.signature(stringToSign: signer.stringToSign(canonicalRequest: canonical, date: AWSTestSamples.date), date: AWSTestSamples.date)
        #expect(request.header("Authorization")?.hasSuffix("Signature=\(signature)") == true)
    }

    @Test func sessionTokenIsSentAndSigned() async throws {
        let transport = FakeHTTPTransport([FakeHTTPTransport.xml(200, AWSTestSamples.describeVpcs)])
        _ = try await AWSTestSamples.client(transport, credentials: AWSTestSamples.sessionCredentials).call(.ec2, "DescribeVpcs", QueryParameters())
        let request = try #require(transport.requests.first)
        #expect(request.header("X-Amz-Security-Token") == AWSTestSamples.sessionCredentials.sessionToken)
        #expect(request.header("Authorization")?.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,") == true)
    }

    @Test(arguments: [
        ("http://127.0.0.1:4566", "127.0.0.1:4566"),
        ("http://localhost:80/", "localhost"),
        ("https://ec2.eu-west-1.amazonaws.com:443", "ec2.eu-west-1.amazonaws.com"),
        ("https://vpce.example.com:8443", "vpce.example.com:8443"),
        ("http://[::1]:5000", "[::1]:5000"),
    ])
    func hostHeaderIncludesOnlyANonDefaultPort(url: String, host: String) throws {
        #expect(AWSClient.hostHeader(for: try #require(URL(string: url))) == host)
    }

    @Test func elbv2CallsUseTheirVersionAndSigningName() async throws {
        let body = "<DescribeLoadBalancersResponse><DescribeLoadBalancersResult/><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeLoadBalancersResponse>"
        let transport = FakeHTTPTransport([FakeHTTPTransport.xml(200, body)])
        let log = AWSCallLog()
        _ = try await AWSTestSamples.client(transport, callLog: log).call(.elbv2, "DescribeLoadBalancers", QueryParameters())
        let request = try #require(transport.requests.first)
        #expect(String(decoding: request.body, as: UTF8.self) == "Action=DescribeLoadBalancers&Version=2015-12-01")
        #expect(request.header("Host") == "127.0.0.1:4566")
        #expect(request.header("Authorization")?.contains("/us-east-1/elasticloadbalancing/aws4_request") == true)
        #expect(log.records.map(\.requestId) == ["r1"])
    }

    @Test(arguments: [AWSTestSamples.ec2Throttling, AWSTestSamples.elbThrottling])
    func throttlingIsRetriedWithGrowingDelaysUpToTheAttemptLimit(body: String) async throws {
        let transport = FakeHTTPTransport(Array(repeating: FakeHTTPTransport.xml(400, body), count: 5))
        let sleeps = SleepRecorder()
        let log = AWSCallLog()
        let client = AWSTestSamples.client(transport, maxAttempts: 4, sleeps: sleeps, callLog: log)
        let error = await #expect(throws: AWSError.self) { try await client.call(.ec2, "DescribeVpcs", QueryParameters()) }
        #expect(["RequestLimitExceeded", "Throttling"].contains(error?.code))
        #expect(transport.requests.count == 4)
        #expect(sleeps.delays == [1, 2, 4])
        #expect(log.records.map(\.attempt) == [1, 2, 3, 4])
        #expect(log.callCount == 1)
        // Each attempt is signed afresh, not replayed.
        #expect(transport.requests.allSatisfy { $0.header("Authorization") != nil })
    }

    @Test func serverErrorIsRetriedThenSucceeds() async throws {
        let transport = FakeHTTPTransport([
            FakeHTTPTransport.xml(503, "<html><body>Service Unavailable</body></html>"),
            FakeHTTPTransport.xml(500, "<Response><Errors><Error><Code>InternalError</Code><Message>oops</Message></Error></Errors></Response>"),
            FakeHTTPTransport.xml(200, AWSTestSamples.describeVpcs),
        ])
        let sleeps = SleepRecorder()
        let log = AWSCallLog()
        let root = try await AWSTestSamples.client(transport, sleeps: sleeps, random: 0.5, callLog: log).call(.ec2, "DescribeVpcs", QueryParameters())
        #expect(root.string("requestId") == "vpcs-id")
        #expect(sleeps.delays == [0.5, 1])
        #expect(log.records.map(\.httpStatus) == [503, 500, 200])
        #expect(log.records.map(\.errorCode) == ["NonXMLResponse", "InternalError", nil])
    }

    @Test func clientErrorIsNotRetried() async throws {
        let transport = FakeHTTPTransport([FakeHTTPTransport.xml(400, AWSTestSamples.ec2InvalidParameter), FakeHTTPTransport.xml(200, AWSTestSamples.describeVpcs)])
        let sleeps = SleepRecorder()
        let error = await #expect(throws: AWSError.self) {
            try await AWSTestSamples.client(transport, sleeps: sleeps).call(.ec2, "CreateVpc", QueryParameters([("CidrBlock", "x")]))
        }
        #expect(error?.code == "InvalidParameterValue")
        #expect(error?.requestId == "bad-param-id")
        #expect(error?.action == "CreateVpc")
        #expect(transport.requests.count == 1)
        #expect(sleeps.delays.isEmpty)
    }

    @Test func htmlErrorPageIsReportedAsNonXMLResponse() async throws {
        let transport = FakeHTTPTransport([FakeHTTPTransport.xml(403, "<html><body><h1>403 Forbidden</h1></body></html>")])
        let error = await #expect(throws: AWSError.self) {
            try await AWSTestSamples.client(transport).call(.ec2, "DescribeVpcs", QueryParameters())
        }
        #expect(error?.code == "NonXMLResponse")
        #expect(error?.httpStatus == 403)
        #expect(error?.message.contains("403 Forbidden") == true)
    }

    @Test func unreadableSuccessBodyIsReportedNotCrashed() async throws {
        let transport = FakeHTTPTransport([FakeHTTPTransport.xml(200, "<DescribeVpcsResponse><vpcSet>")])
        let error = await #expect(throws: AWSError.self) {
            try await AWSTestSamples.client(transport).call(.ec2, "DescribeVpcs", QueryParameters())
        }
        #expect(error?.code == "NonXMLResponse")
        #expect(error?.httpStatus == 200)
    }

    @Test func refusedConnectionIsRetriedThenReported() async throws {
        let port = try Self.closedLoopbackPort()
        let endpoint = try #require(URL(string: "http://127.0.0.1:\(port)"))
        let sleeps = SleepRecorder()
        let log = AWSCallLog()
        let client = AWSTestSamples.client(URLSessionTransport(requestTimeout: 5), sleeps: sleeps, callLog: log, endpoint: endpoint)
        let error = await #expect(throws: RPLinkError.self) { try await client.call(.ec2, "DescribeVpcs", QueryParameters()) }
        #expect(error?.message.contains("after 3 attempts") == true)
        #expect(error?.message.contains("127.0.0.1:\(port)") == true)
        #expect(error?.cause is URLError)
        #expect(log.records.count == 3)
        #expect(log.records.allSatisfy { $0.httpStatus == nil })
        #expect(sleeps.delays == [1, 2])
    }

    @Test func silentServerTimesOutAndIsRetried() async throws {
        let (descriptor, port) = try Self.loopbackSocket(listening: true)
        defer { close(descriptor) }
        let endpoint = try #require(URL(string: "http://127.0.0.1:\(port)"))
        let sleeps = SleepRecorder()
        let log = AWSCallLog()
        let client = AWSTestSamples.client(URLSessionTransport(requestTimeout: 0.3), maxAttempts: 2, sleeps: sleeps, callLog: log, endpoint: endpoint)
        let error = await #expect(throws: RPLinkError.self) { try await client.call(.ec2, "DescribeVpcs", QueryParameters()) }
        #expect((error?.cause as? URLError)?.code == .timedOut)
        #expect(error?.message.contains("timed out") == true)
        #expect(log.records.count == 2)
        // A sub-second timeout is rounded up to 1 s; Linux's URLSession would otherwise fail at once.
        #expect(log.records.allSatisfy { $0.duration >= 0.9 && $0.duration < 5 })
        #expect(sleeps.delays == [1])
    }

    @Test func missingEndpointIsAConfigurationError() async {
        let client = AWSClient(region: "us-east-1", endpoints: [:], credentials: StaticCredentialsProvider(AWSTestSamples.credentials),
                               transport: FakeHTTPTransport([]))
        let error = await #expect(throws: RPLinkError.self) { try await client.call(.sts, "GetCallerIdentity", QueryParameters()) }
        #expect(error?.code == .configuration)
    }

    @Test func debugOutputNamesTheCallButNeverASecret() async throws {
        let transport = FakeHTTPTransport([
            FakeHTTPTransport.xml(400, AWSTestSamples.ec2Throttling),
            FakeHTTPTransport.xml(200, AWSTestSamples.describeVpcs),
        ])
        let debug = LineCollector()
        let credentials = AWSTestSamples.sessionCredentials
        let client = AWSTestSamples.client(transport, credentials: credentials, debug: debug)
        _ = try await client.call(.ec2, "DescribeVpcs", QueryParameters())

        let output = debug.lines.joined(separator: "\n")
        #expect(output.contains("ec2 DescribeVpcs attempt 1 HTTP 400 RequestLimitExceeded"))
        #expect(output.contains("ec2 DescribeVpcs attempt 2 HTTP 200"))
        #expect(output.contains("request-id vpcs-id"))

        let signatures = transport.requests.compactMap { $0.header("Authorization") }
            .compactMap { header in header.range(of: "Signature=").map { String(header[$0.upperBound...]) } }
        #expect(signatures.count == 2)
        let secrets = [credentials.secretAccessKey, try #require(credentials.sessionToken), "Authorization", "AWS4-HMAC-SHA256"] + signatures
        for secret in secrets {
            #expect(!output.contains(secret))
        }
    }

    /// A loopback port nobody listens on: bound to learn a free number, then closed.
    static func closedLoopbackPort() throws -> Int {
        let (descriptor, port) = try loopbackSocket(listening: false)
        close(descriptor)
        return port
    }

    /// A socket bound to a free loopback port; when listening, connections are queued but never answered.
    static func loopbackSocket(listening: Bool) throws -> (descriptor: Int32, port: Int) {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        try #require(descriptor >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        try #require(bound == 0)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        try #require(named == 0)
        if listening { try #require(listen(descriptor, 8) == 0) }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}

struct AWSClientPaginationTests {
    @Test func ec2PagesAreFollowedWithNextToken() async throws {
        let transport = FakeHTTPTransport([
            FakeHTTPTransport.xml(200, "<DescribeSubnetsResponse><subnetSet><item><subnetId>s-1</subnetId></item></subnetSet><nextToken>tok+1/=</nextToken></DescribeSubnetsResponse>"),
            FakeHTTPTransport.xml(200, "<DescribeSubnetsResponse><subnetSet><item><subnetId>s-2</subnetId></item></subnetSet><nextToken>tok2</nextToken></DescribeSubnetsResponse>"),
            FakeHTTPTransport.xml(200, "<DescribeSubnetsResponse><subnetSet><item><subnetId>s-3</subnetId></item></subnetSet><nextToken/></DescribeSubnetsResponse>"),
        ])
        let pages = try await AWSTestSamples.client(transport).callAllPages(.ec2, "DescribeSubnets", QueryParameters([("MaxResults", "5")]))
        #expect(pages.flatMap { $0.list("subnetSet") }.compactMap { $0.string("subnetId") } == ["s-1", "s-2", "s-3"])
        #expect(transport.requests.map { String(decoding: $0.body, as: UTF8.self) } == [
            "Action=DescribeSubnets&Version=2016-11-15&MaxResults=5",
            "Action=DescribeSubnets&Version=2016-11-15&MaxResults=5&NextToken=tok%2B1%2F%3D",
            "Action=DescribeSubnets&Version=2016-11-15&MaxResults=5&NextToken=tok2",
        ])
    }

    @Test func elbv2PagesAreFollowedWithNextMarker() async throws {
        func page(_ arn: String, _ marker: String?) -> FakeHTTPTransport.Reply {
            let next = marker.map { "<NextMarker>\($0)</NextMarker>" } ?? ""
            return FakeHTTPTransport.xml(200, """
            <DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
              <DescribeTargetGroupsResult><TargetGroups><member><TargetGroupArn>\(arn)</TargetGroupArn></member></TargetGroups>\(next)</DescribeTargetGroupsResult>
              <ResponseMetadata><RequestId>id-\(arn)</RequestId></ResponseMetadata>
            </DescribeTargetGroupsResponse>
            """)
        }
        let transport = FakeHTTPTransport([page("tg-1", "m1"), page("tg-2", nil)])
        let pages = try await AWSTestSamples.client(transport).callAllPages(.elbv2, "DescribeTargetGroups", QueryParameters())
        #expect(pages.compactMap { $0["DescribeTargetGroupsResult"]?.list("TargetGroups").first?.string("TargetGroupArn") } == ["tg-1", "tg-2"])
        #expect(transport.requests.map { String(decoding: $0.body, as: UTF8.self) } == [
            "Action=DescribeTargetGroups&Version=2015-12-01",
            "Action=DescribeTargetGroups&Version=2015-12-01&Marker=m1",
        ])
    }
}
