import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// An endpoint that never answers must not hang rplink: each HTTP attempt gives up after
/// `RPLINK_HTTP_TIMEOUT` seconds, the attempts are bounded by `AWS_MAX_ATTEMPTS`, and the run
/// ends with an error that says the request timed out. (Waiter timeouts — an NLB or endpoint
/// service that never becomes ready — are unit-tested in RPLinkKitTests/Apply/WaiterTests.)
@Suite struct TimeoutTests {
    let rplink: RPLinkBinary

    init() throws {
        rplink = try RPLinkBinary.locate()
    }

    /// A spec whose ids are well-formed; nothing behind them exists, and nothing is ever reached.
    static let spec = ProducerFixture(
        vpcId: "vpc-0123456789abcdef0",
        subnets: [
            .init(subnetId: "subnet-0123456789abcdef0", azId: "use1-az1", cidr: "10.0.0.0/24"),
            .init(subnetId: "subnet-0123456789abcdef1", azId: "use1-az2", cidr: "10.0.1.0/24"),
        ],
        securityGroupId: "sg-0123456789abcdef0")

    func run(_ arguments: [String], endpoint: URL, environment: [String: String]) async throws -> (ProcessResult, Duration) {
        let folder = try TemporaryDirectory.make(prefix: "timeout")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try Self.spec.writeSpec(name: "hung", in: folder)
        var env = ["AWS_ACCESS_KEY_ID": "AKIDTIMEOUTTEST", "AWS_SECRET_ACCESS_KEY": "timeout/test/secret", "AWS_REGION": "us-east-1"]
        env.merge(environment) { _, new in new }
        let start = ContinuousClock.now
        let result = try await rplink.run(arguments + [spec.path, "--endpoint-url", endpoint.absoluteString],
                                          environment: env, timeout: .seconds(60))
        return (result, ContinuousClock.now - start)
    }

    @Test(arguments: HungEndpoint.Behaviour.allCases)
    func aHungEndpointFailsWithATimeoutMessageInsteadOfHanging(_ behaviour: HungEndpoint.Behaviour) async throws {
        let hung = try HungEndpoint(behaviour)
        defer { hung.close() }
        let (result, elapsed) = try await run(
            ["plan"], endpoint: hung.endpoint, environment: ["RPLINK_HTTP_TIMEOUT": "1", "AWS_MAX_ATTEMPTS": "2"])

        #expect(!result.timedOut, "rplink hung: \(result)")
        #expect(result.exitCode == 1, "\(result)")
        // Two attempts of 1 s and at most 1 s of backoff, plus start-up: well under the default 30 s.
        #expect(elapsed < .seconds(15), "took \(elapsed)")
        let errorLine = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("Error: ") }, "\(result)")
        #expect(errorLine.contains("reading the live state of stack hung in us-east-1 failed"), "\(errorLine)")
        #expect(errorLine.contains("no response from \(hung.endpoint.absoluteString) after 2 attempts: the request timed out"), "\(errorLine)")
        #expect(!result.stderr.contains("timeout/test/secret"))
    }

    @Test(arguments: ["0", "-5", "abc", "1.5", "3601"])
    func anInvalidHTTPTimeoutIsRefusedBeforeAnyCall(_ value: String) async throws {
        let hung = try HungEndpoint(.acceptsAndNeverAnswers)
        defer { hung.close() }
        let (result, elapsed) = try await run(["plan"], endpoint: hung.endpoint, environment: ["RPLINK_HTTP_TIMEOUT": value])
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains("Error: RPLINK_HTTP_TIMEOUT must be a whole number of seconds from 1 to 3600, not \"\(value)\""), "\(result)")
        #expect(hung.connectionsWaiting() == 0, "no request may be sent")
        #expect(elapsed < .seconds(10))
    }
}

/// A loopback port that takes connections (or not) and never answers a byte.
///
/// The kernel completes TCP handshakes into the listen backlog without `accept()`, so a
/// listening socket that is never accepted from swallows requests silently. With the
/// backlog filled by our own connections, further connects are never completed at all.
final class HungEndpoint: @unchecked Sendable {
    enum Behaviour: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case acceptsAndNeverAnswers, neverAcceptsTheConnection
        var testDescription: String { rawValue }
    }

    let port: Int
    var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }
    private let listener: Int32
    private var fillers: [Int32] = []

    init(_ behaviour: Behaviour) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        guard listener >= 0 else { throw EmulatorError(description: "socket() failed") }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, behaviour == .acceptsAndNeverAnswers ? 64 : 0) == 0 else {
            throw EmulatorError(description: "bind/listen failed")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        self.port = port
        if behaviour == .neverAcceptsTheConnection {
            // A backlog of 0 still queues one or two connections on Linux: fill it.
            for _ in 0..<4 {
                let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                _ = fcntl(filler, F_SETFL, fcntl(filler, F_GETFL) | O_NONBLOCK)
                var target = Self.loopback(port: port)
                _ = withUnsafePointer(to: &target) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                fillers.append(filler)
            }
            usleep(100_000)
        }
    }

    /// Connections completed and waiting in the backlog (accepts them, to count; test use only).
    func connectionsWaiting() -> Int {
        _ = fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK)
        var count = 0
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { return count }
            count += 1
            Glibc.close(connection)
        }
    }

    func close() {
        for filler in fillers { Glibc.close(filler) }
        Glibc.close(listener)
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
