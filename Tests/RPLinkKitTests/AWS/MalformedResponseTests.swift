import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import RPLinkKit

/// Every typed read the live-state reader makes, fed garbled replies through the real
/// `AWSClient` (a fake transport, no network): empty and binary bodies, bodies cut short,
/// required elements removed, text where numbers belong, unknown and duplicated elements,
/// random trees. Each must end in a decoded value or an `AWSError`/`RPLinkError` that names
/// the action — never a crash. Seeded: a failing case prints its seed and mutation.
@Suite struct MalformedResponseTests {
    /// One typed read: the action, its captured reply, and the call through EC2/ELBv2/STS.
    struct Read: Sendable {
        var action: String
        var fixture: String
        var call: @Sendable (AWSClient) async throws -> Void
    }

    static let reads: [Read] = [
        Read(action: "GetCallerIdentity", fixture: "", call: { _ = try await STS(api: $0).getCallerIdentity() }),
        Read(action: "DescribeVpcs", fixture: "ec2/DescribeVpcs", call: { _ = try await EC2(api: $0).describeVpcs(filters: [.init("vpc-id", ["vpc-1"])]) }),
        Read(action: "DescribeSubnets", fixture: "ec2/DescribeSubnets", call: { _ = try await EC2(api: $0).describeSubnets(filters: [.init("subnet-id", ["subnet-1"])]) }),
        Read(action: "DescribeSecurityGroups", fixture: "ec2/DescribeSecurityGroups", call: { _ = try await EC2(api: $0).describeSecurityGroups(filters: [.init("group-id", ["sg-1"])]) }),
        Read(action: "DescribeSecurityGroupRules", fixture: "ec2/DescribeSecurityGroupRules", call: { _ = try await EC2(api: $0).describeSecurityGroupRules(filters: [.init("group-id", ["sg-1"])]) }),
        Read(action: "DescribeVpcEndpointServiceConfigurations", fixture: "ec2/DescribeVpcEndpointServiceConfigurations", call: { _ = try await EC2(api: $0).describeVpcEndpointServiceConfigurations() }),
        Read(action: "DescribeVpcEndpointServicePermissions", fixture: "ec2/DescribeVpcEndpointServicePermissions", call: { _ = try await EC2(api: $0).describeVpcEndpointServicePermissions(serviceId: "vpce-svc-1") }),
        Read(action: "DescribeLoadBalancers", fixture: "elbv2/DescribeLoadBalancers", call: { _ = try await ELBv2(api: $0).describeLoadBalancers(names: ["nlb"]) }),
        Read(action: "DescribeTargetGroups", fixture: "elbv2/DescribeTargetGroups", call: { _ = try await ELBv2(api: $0).describeTargetGroups(names: ["tg"]) }),
        Read(action: "DescribeTags", fixture: "elbv2/DescribeTags", call: { _ = try await ELBv2(api: $0).describeTags(arns: ["arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/nlb/1"]) }),
        Read(action: "DescribeLoadBalancerAttributes", fixture: "elbv2/DescribeLoadBalancerAttributes", call: { _ = try await ELBv2(api: $0).describeLoadBalancerAttributes(arn: "arn:lb") }),
        Read(action: "DescribeListeners", fixture: "elbv2/DescribeListeners", call: { _ = try await ELBv2(api: $0).describeListeners(loadBalancerArn: "arn:lb") }),
        Read(action: "DescribeTargetHealth", fixture: "elbv2/DescribeTargetHealth", call: { _ = try await ELBv2(api: $0).describeTargetHealth(targetGroupArn: "arn:tg") }),
    ]

    static let callerIdentity = """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/t</Arn><UserId>AIDA1</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>
        """

    static func template(_ read: Read) throws -> String {
        read.fixture.isEmpty ? callerIdentity : try XMLFixture.text(read.fixture)
    }

    /// 13 reads × 10 seeds = 130 cases; each seed picks one mutation.
    static let cases: [(read: Int, seed: UInt64)] = reads.indices.flatMap { read in (0..<10).map { (read, UInt64(read * 1000 + $0)) } }

    @Test(arguments: cases)
    func aGarbledReplyToATypedReadGivesAClearErrorOrAValueNeverACrash(read index: Int, seed: UInt64) async throws {
        let read = Self.reads[index]
        var random = SeededRandom(seed: seed)
        let (mutation, body) = try Garbler.garble(try Self.template(read), using: &random)
        let context = "seed \(seed), \(read.action), mutation \(mutation): \(String(decoding: body.prefix(300), as: UTF8.self))"
        let client = AWSTestSamples.client(FakeHTTPTransport([.response(HTTPResponse(status: 200, body: body))]), maxAttempts: 1)
        do {
            try await read.call(client)
            print("malformed-response \(mutation) decoded")
            #expect(!mutation.mustFail, "\(context): a reply like this cannot be decoded")
        } catch let error as AWSError {
            print("malformed-response \(mutation) error \(error.code)")
            #expect(error.action == read.action, "\(context): \(error)")
            #expect(!error.code.isEmpty && !error.message.isEmpty, "\(context): \(error)")
            if mutation.mustFail, mutation != .removeElement, mutation != .emptyTexts {
                #expect(error.code == AWSError.nonXMLResponseCode || error.code == "InvalidResponse", "\(context): \(error)")
            }
        } catch let error as RPLinkError {
            #expect(!error.message.isEmpty, "\(context): \(error)")
            #expect(!mutation.mustFail || "\(error)".contains(read.action) || error.code == .aws, "\(context): \(error)")
        } catch {
            Issue.record("\(context): not a clear error: \(type(of: error)) \(error)")
        }
    }

    /// Non-2xx replies that are not the AWS error document (any status, any garbage) become an
    /// `AWSError` with the HTTP status and a printable excerpt.
    @Test(arguments: (0..<20).map { UInt64(50_000 + $0) })
    func aGarbledErrorReplyBecomesAnAWSErrorWithItsStatus(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let read = Self.reads[random.next(below: Self.reads.count)]
        let status = [400, 403, 404, 409, 418, 429][random.next(below: 6)]
        let (mutation, body) = try Garbler.garble(AWSTestSamples.ec2InvalidParameter, using: &random)
        let client = AWSTestSamples.client(FakeHTTPTransport([.response(HTTPResponse(status: status, body: body))]), maxAttempts: 1)
        do {
            try await read.call(client)
            Issue.record("seed \(seed): HTTP \(status) must fail")
        } catch let error as AWSError {
            #expect(error.httpStatus == status, "seed \(seed) \(mutation): \(error)")
            #expect(error.description.contains("\(read.action) failed: "), "seed \(seed) \(mutation): \(error)")
            #expect(!error.description.contains("\u{0}"), "seed \(seed): the excerpt is printable")
        }
    }

    /// Text where a number belongs is an invalid reply, not a default: a target group port read
    /// as 0 would make the planner replace a group that is fine.
    @Test(arguments: [("elbv2/DescribeTargetGroups", "Port"), ("elbv2/DescribeListeners", "Port"), ("ec2/DescribeSecurityGroupRules", "fromPort")])
    func textWhereAWSSendsANumberIsAnInvalidResponse(fixture: String, element: String) async throws {
        let read = try #require(Self.reads.first { $0.fixture == fixture })
        let text = try XMLFixture.text(fixture)
        let garbled = try #require(text.firstRange(of: try Regex("<\(element)>[0-9-]+</\(element)>")))
        let body = text.replacingCharacters(in: garbled, with: "<\(element)>three-three-oh-six</\(element)>")
        let client = AWSTestSamples.client(FakeHTTPTransport([.response(HTTPResponse(status: 200, body: Array(body.utf8)))]), maxAttempts: 1)
        let error = await #expect(throws: AWSError.self) { try await read.call(client) }
        #expect(error?.code == "InvalidResponse")
        #expect(error?.message.contains("\(element)> is not a whole number: \"three-three-oh-six\"") == true, "\(String(describing: error))")
    }

    /// An id, ARN or name that AWS always fills is an invalid reply when empty, not "": an empty
    /// ARN would be sent back in the next call or planned against.
    @Test(arguments: [
        ("elbv2/DescribeLoadBalancers", "LoadBalancerArn"), ("elbv2/DescribeTargetGroups", "TargetGroupName"),
        ("elbv2/DescribeListeners", "ListenerArn"), ("ec2/DescribeSecurityGroups", "groupId"),
        ("ec2/DescribeVpcEndpointServiceConfigurations", "serviceId"), ("ec2/DescribeSubnets", "subnetId"),
    ])
    func anEmptyRequiredIdIsAnInvalidResponse(fixture: String, element: String) async throws {
        let read = try #require(Self.reads.first { $0.fixture == fixture })
        let text = try XMLFixture.text(fixture)
        let filled = try #require(text.firstRange(of: try Regex("<\(element)>[^<]+</\(element)>")))
        let body = text.replacingCharacters(in: filled, with: "<\(element)> </\(element)>")
        let client = AWSTestSamples.client(FakeHTTPTransport([.response(HTTPResponse(status: 200, body: Array(body.utf8)))]), maxAttempts: 1)
        let error = await #expect(throws: AWSError.self) { try await read.call(client) }
        #expect(error?.code == "InvalidResponse")
        #expect(error?.message.contains("\(element)>, or an empty one") == true, "\(String(describing: error))")
    }

    /// A reply cut short by the connection (Linux reports URLError(.unknown)) is retried, and the
    /// error after the last attempt says in words what happened.
    @Test func aReplyCutShortIsRetriedAndDescribed() async throws {
        let transport = FakeHTTPTransport([.failure(URLError(.unknown)), .failure(URLError(.unknown))])
        let client = AWSTestSamples.client(transport, maxAttempts: 2)
        let error = await #expect(throws: RPLinkError.self) { try await EC2(api: client).describeVpcs() }
        #expect(transport.requests.count == 2)
        #expect(error?.description.contains("after 2 attempts: the transfer failed before a whole response arrived") == true, "\(String(describing: error))")
    }

    /// The whole two-round read, with one action's reply garbled at random.
    @Test(arguments: (0..<30).map { UInt64(90_000 + $0) })
    func theLiveStateReaderSurvivesOneGarbledReply(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let victim = Self.reads[random.next(below: Self.reads.count)]
        let (mutation, garbled) = try Garbler.garble(try Self.template(victim), using: &random)
        var bodies: [String: [UInt8]] = [:]
        for read in Self.reads { bodies[read.action] = Array(try Self.template(read).utf8) }
        bodies[victim.action] = garbled
        let client = AWSTestSamples.client(ActionTransport(bodies: bodies), maxAttempts: 1)
        let spec = SeedStack.spec
        do {
            let states = try await LiveStateReader(api: client).read([spec])
            #expect(states[spec.name] != nil, "seed \(seed)")
            #expect(!mutation.mustFail || victim.action == "DescribeTargetHealth" || victim.action == "DescribeVpcEndpointServicePermissions"
                    || victim.action == "DescribeListeners" || victim.action == "DescribeLoadBalancerAttributes"
                    || victim.action == "DescribeSecurityGroupRules" || victim.action == "DescribeTags",
                    "seed \(seed) \(victim.action) \(mutation): the second step is only asked for what the first found")
        } catch let error as AWSError {
            #expect(error.action == victim.action, "seed \(seed) \(mutation): \(error)")
        } catch let error as RPLinkError {
            #expect(!error.message.isEmpty, "seed \(seed): \(error)")
        } catch {
            Issue.record("seed \(seed) \(victim.action) \(mutation): not a clear error: \(type(of: error)) \(error)")
        }
    }
}

/// Answers each request with the body for its `Action`, as HTTP 200.
struct ActionTransport: HTTPTransport {
    var bodies: [String: [UInt8]]

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let form = String(decoding: request.body, as: UTF8.self)
        let action = form.split(separator: "&").first { $0.hasPrefix("Action=") }.map { String($0.dropFirst(7)) } ?? ""
        return HTTPResponse(status: 200, body: bodies[action] ?? [])
    }
}

/// Turns a valid reply into a broken one.
enum Garbler {
    enum Mutation: String, CaseIterable, CustomStringConvertible {
        case empty, binary, truncated, removeElement, wrongTypes, unknownElements, duplicateElement, randomTree, otherRoot, emptyTexts
        var description: String { rawValue }

        /// Whether no reader can make sense of the result. Removing an element or emptying the
        /// texts may hit only optional ones, so those are checked for "no crash" alone.
        var mustFail: Bool { self == .empty || self == .binary || self == .truncated }
    }

    static let junk = ["not-a-number", "", "-1", "99999999999999999999999", "3.14", "true", "&lt;&amp;&gt;", "😀 ünïcödé", String(repeating: "x", count: 5000), "\t\n "]

    static func garble(_ template: String, using random: inout SeededRandom) throws -> (Mutation, [UInt8]) {
        let mutation = Mutation.allCases[random.next(below: Mutation.allCases.count)]
        let bytes = Array(template.utf8)
        switch mutation {
        case .empty:
            return (mutation, [])
        case .binary:
            return (mutation, (0..<(1 + random.next(below: 400))).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        case .truncated:
            // Cut strictly before the root's closing tag, so the document is never complete.
            let closing = template.range(of: "</", options: .backwards).map { template.utf8.distance(from: template.utf8.startIndex, to: $0.lowerBound.samePosition(in: template.utf8) ?? template.utf8.endIndex) } ?? bytes.count
            return (mutation, Array(bytes.prefix(random.next(below: max(1, closing)))))
        default:
            var root = try XMLNode.parse(bytes)
            switch mutation {
            case .removeElement:
                var paths = allPaths(root)
                paths.removeFirst() // not the root itself
                if !paths.isEmpty { root = removing(paths[random.next(below: paths.count)], from: root) }
            case .wrongTypes:
                for path in allPaths(root) where random.next(below: 3) == 0 {
                    root = updating(path, in: root) { node in
                        guard node.children.isEmpty else { return node }
                        var node = node
                        node.text = junk[random.next(below: junk.count)]
                        return node
                    }
                }
            case .unknownElements:
                // Deepest last in pre-order first: an insertion never shifts a path still to visit.
                for path in allPaths(root).reversed() where random.next(below: 4) == 0 {
                    let extra = randomTree(depth: 2, using: &random)
                    root = updating(path, in: root) { node in
                        var node = node
                        node.children.insert(extra, at: random.next(below: node.children.count + 1))
                        return node
                    }
                }
            case .duplicateElement:
                var paths = allPaths(root)
                paths.removeFirst()
                if let path = paths.isEmpty ? nil : paths[random.next(below: paths.count)], let last = path.last {
                    root = updating(Array(path.dropLast()), in: root) { parent in
                        var parent = parent
                        parent.children.insert(parent.children[last], at: last)
                        return parent
                    }
                }
            case .randomTree:
                root = randomTree(depth: 4, using: &random)
            case .otherRoot:
                root = XMLNode(name: ["html", "Response", "ErrorResponse", "Result"][random.next(below: 4)], children: root.children)
            case .emptyTexts:
                root = mapLeaves(root) { var leaf = $0; leaf.text = ""; return leaf }
            default:
                break
            }
            return (mutation, Array(serialize(root).utf8))
        }
    }

    /// Every element as its path of child indices, the root (`[]`) first.
    static func allPaths(_ node: XMLNode, prefix: [Int] = []) -> [[Int]] {
        [prefix] + node.children.indices.flatMap { allPaths(node.children[$0], prefix: prefix + [$0]) }
    }

    static func updating(_ path: [Int], in node: XMLNode, _ change: (XMLNode) -> XMLNode) -> XMLNode {
        guard let first = path.first else { return change(node) }
        var node = node
        node.children[first] = updating(Array(path.dropFirst()), in: node.children[first], change)
        return node
    }

    static func removing(_ path: [Int], from node: XMLNode) -> XMLNode {
        guard let last = path.last else { return node }
        return updating(Array(path.dropLast()), in: node) { parent in
            var parent = parent
            parent.children.remove(at: last)
            return parent
        }
    }

    static func mapLeaves(_ node: XMLNode, _ change: (XMLNode) -> XMLNode) -> XMLNode {
        guard !node.children.isEmpty else { return change(node) }
        var node = node
        node.children = node.children.map { mapLeaves($0, change) }
        return node
    }

    static let names = ["item", "member", "Member", "groupId", "vpcId", "LoadBalancerArn", "Port", "State", "x", "requestId", "tagSet", "key", "value"]

    static func randomTree(depth: Int, using random: inout SeededRandom) -> XMLNode {
        var node = XMLNode(name: names[random.next(below: names.count)])
        if depth == 0 || random.next(below: 3) == 0 {
            node.text = junk[random.next(below: junk.count)]
        } else {
            node.children = (0..<random.next(below: 4)).map { _ in randomTree(depth: depth - 1, using: &random) }
        }
        return node
    }

    static func serialize(_ node: XMLNode) -> String {
        "<\(node.name)>\(escape(node.text))\(node.children.map(serialize).joined())</\(node.name)>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
