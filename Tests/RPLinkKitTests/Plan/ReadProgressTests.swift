import Foundation
import Synchronization
import Testing
@testable import RPLinkKit

/// The live-state read's dependencies: each second-step call is asked for as soon as the
/// answers it needs are in, and not before.
struct ReadProgressTests {
    static let otherArn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/other-nlb/0000000000000009"

    static let loadBalancer = ELBv2.LoadBalancer(
        arn: SeedStack.loadBalancerArn, name: "pl-nlb", dnsName: "pl-nlb.elb.amazonaws.com", scheme: "internal",
        type: "network", state: "active", vpcId: "vpc-0f00")
    static let targetGroup = ELBv2.TargetGroup(
        arn: SeedStack.targetGroupArn, name: "pl-nlb-target-group", protocol: "TCP", port: 3306, vpcId: "vpc-0f00",
        targetType: "ip", healthCheck: .init())

    static func service(_ id: String, stack: String? = nil, pointingAt arn: String? = nil) -> EC2.ServiceConfiguration {
        EC2.ServiceConfiguration(
            serviceId: id, serviceName: "com.amazonaws.vpce.us-east-1.\(id)", serviceState: "Available",
            acceptanceRequired: false, networkLoadBalancerArns: arn.map { [$0] } ?? [],
            tags: stack.map { [Spec.Tag(key: StackConventions.stackTagKey, value: $0)] } ?? [])
    }

    static func group(_ id: String, name: String) -> EC2.SecurityGroup {
        EC2.SecurityGroup(groupId: id, groupName: name, description: "", vpcId: "vpc-0f00")
    }

    /// The seed stack, owning its security group, and a second stack referencing one.
    static var twoSpecs: [Spec] {
        var referencing = SeedStack.spec
        referencing.name = "second"
        referencing.loadBalancer.name = "second-nlb"
        referencing.targetGroup.name = "second-tg"
        referencing.producer.securityGroupId = "sg-0referenced"
        return [SeedStack.spec, referencing]
    }

    @Test func theFirstStepAsksOnlyByWhatTheSpecsNameWithWhatOthersWaitForFirst() {
        let progress = ReadProgress(specs: Self.twoSpecs)
        #expect(progress.firstStep() == [
            .loadBalancers(names: ["pl-nlb", "second-nlb"], vpcIds: ["vpc-0f00"]),
            .targetGroups(names: ["pl-nlb-target-group", "second-tg"], vpcIds: ["vpc-0f00"]),
            .services,
            .referencedGroups(["sg-0referenced"]),
            // The referencing stack's `<stack>-nlb` too: a leftover of an owning spec.
            .namedGroups(names: [SeedStack.spec.ownedSecurityGroupName, "second-nlb"], vpcIds: ["vpc-0f00"]),
            .vpcs(["vpc-0f00"]),
            .subnets(["subnet-0cafed00d", "subnet-0c0ffee", "subnet-0cafef00d"]),
        ])
    }

    /// The read behind `output` and apply's closing outputs: no VPC, subnets or referenced
    /// group, and per NLB only its listeners, not its cross-zone attribute or target health.
    @Test func anOutputsReadAsksOnlyForWhatTheOutputsShow() throws {
        var progress = ReadProgress(specs: Self.twoSpecs, scope: .outputs)
        #expect(progress.firstStep() == [
            .loadBalancers(names: ["pl-nlb", "second-nlb"], vpcIds: ["vpc-0f00"]),
            .targetGroups(names: ["pl-nlb-target-group", "second-tg"], vpcIds: ["vpc-0f00"]),
            .services,
            .namedGroups(names: [SeedStack.spec.ownedSecurityGroupName], vpcIds: ["vpc-0f00"]),
        ])
        var asked = progress.record(.loadBalancers([Self.loadBalancer]))
        asked += progress.record(.targetGroups([Self.targetGroup]))
        asked += progress.record(.services([Self.service("vpce-svc-tagged", stack: SeedStack.spec.name)]))
        asked += progress.record(.namedGroups([Self.group("sg-0owned", name: SeedStack.spec.ownedSecurityGroupName)]))
        #expect(asked == [
            .listeners(loadBalancerArn: SeedStack.loadBalancerArn),
            .tags([SeedStack.loadBalancerArn, SeedStack.targetGroupArn]),
            .permissions(serviceId: "vpce-svc-tagged"),
        ])
        let (found, _) = try progress.result()
        #expect(found.vpcs.isEmpty && found.subnets.isEmpty && found.referencedGroups.isEmpty)
    }

    @Test func aSecurityGroupNoSpecNamesIsNotLookedUp() {
        let progress = ReadProgress(specs: [SeedStack.spec])
        #expect(!progress.firstStep().contains { if case .referencedGroups = $0 { true } else { false } })
    }

    @Test func attributesAndListenersAreAskedForAsSoonAsTheLoadBalancersAreIn() {
        var progress = ReadProgress(specs: [SeedStack.spec])
        let next = progress.record(.loadBalancers([Self.loadBalancer]))
        #expect(next == [.attributes(loadBalancerArn: SeedStack.loadBalancerArn), .listeners(loadBalancerArn: SeedStack.loadBalancerArn)])
    }

    /// Other load balancers and target groups in the VPC are looked at only when a spec's
    /// name has no object there (it may have been renamed), and then only for their tags; a
    /// converged plan reads no tags beyond its own objects', however full the VPC.
    @Test(arguments: [true, false])
    func objectsUnderOtherNamesAreTagReadOnlyWhenTheSpecsNameIsMissing(namedExists: Bool) {
        var progress = ReadProgress(specs: [SeedStack.spec])
        var other = Self.loadBalancer
        other.arn = Self.otherArn
        other.name = "pl-nlb-old"
        var otherGroup = Self.targetGroup
        otherGroup.arn = SeedStack.targetGroupArn + "9"
        otherGroup.name = "pl-old-tg"
        var asked = progress.record(.loadBalancers(namedExists ? [Self.loadBalancer, other] : [other]))
        asked += progress.record(.targetGroups(namedExists ? [otherGroup, Self.targetGroup] : [otherGroup]))
        if namedExists {
            #expect(asked == [
                .attributes(loadBalancerArn: SeedStack.loadBalancerArn), .listeners(loadBalancerArn: SeedStack.loadBalancerArn),
                .targetHealth(targetGroupArn: SeedStack.targetGroupArn),
                .tags([SeedStack.loadBalancerArn, SeedStack.targetGroupArn]),
            ])
        } else {
            // No attributes, listeners or health for them: only their tags say whose they are.
            #expect(asked == [.tags([Self.otherArn, otherGroup.arn])])
        }
    }

    @Test func targetHealthIsAskedForAsSoonAsTheTargetGroupsAreIn() {
        var progress = ReadProgress(specs: [SeedStack.spec])
        #expect(progress.record(.targetGroups([Self.targetGroup])) == [.targetHealth(targetGroupArn: SeedStack.targetGroupArn)])
    }

    /// Tags are one batched call for load balancers and target groups together, made when the
    /// second of the two answers arrives, whichever it is.
    @Test(arguments: [true, false])
    func tagsWaitForBothLoadBalancersAndTargetGroups(loadBalancersFirst: Bool) {
        var progress = ReadProgress(specs: [SeedStack.spec])
        let balancers = ReadAnswer.loadBalancers([Self.loadBalancer]), groups = ReadAnswer.targetGroups([Self.targetGroup])
        let first = progress.record(loadBalancersFirst ? balancers : groups)
        let second = progress.record(loadBalancersFirst ? groups : balancers)
        let tags: ReadCall = .tags([SeedStack.loadBalancerArn, SeedStack.targetGroupArn])
        #expect(!first.contains(tags))
        #expect(second.filter { $0 == tags }.count == 1)
    }

    /// With nothing found there is nothing to read by ARN; only the account id is still
    /// unknown, so STS is asked once both listings are in.
    @Test func nothingFoundAsksOnlyForTheCallerIdentity() throws {
        var progress = ReadProgress(specs: [SeedStack.spec])
        #expect(progress.record(.loadBalancers([])) == [])
        #expect(progress.record(.targetGroups([])) == [.identity])
        #expect(progress.record(.services([])) == [])
        #expect(progress.record(.namedGroups([])) == [])
        _ = progress.record(.vpcs([]))
        _ = progress.record(.subnets([]))
        #expect(throws: RPLinkError.self) { try progress.result() }
        _ = progress.record(.identity("210987654321"))
        #expect(try progress.result().0.accountId == "210987654321")
    }

    /// The account's own load balancers and target groups carry its id in their ARNs, so a
    /// stack that exists costs no STS call.
    @Test(arguments: [true, false])
    func theAccountIdComesFromAnARNFoundWithoutAskingSTS(fromLoadBalancer: Bool) throws {
        var progress = ReadProgress(specs: [SeedStack.spec])
        let asked = progress.record(.loadBalancers(fromLoadBalancer ? [Self.loadBalancer] : []))
            + progress.record(.targetGroups(fromLoadBalancer ? [] : [Self.targetGroup]))
        #expect(!asked.contains(.identity))
        for answer: ReadAnswer in [.services([]), .namedGroups([]), .vpcs([]), .subnets([])] {
            _ = progress.record(answer)
        }
        #expect(try progress.result().0.accountId == SeedStack.account)
    }

    @Test(arguments: [
        ("arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/a/1", "111122223333"),
        ("arn:aws-cn:elasticloadbalancing:cn-north-1:210987654321:targetgroup/b/2", "210987654321"),
        ("arn:aws:elasticloadbalancing:us-east-1::loadbalancer/net/a/1", nil),
        ("arn:aws:elasticloadbalancing:us-east-1:12345:loadbalancer/net/a/1", nil),
        ("not-an-arn", nil),
    ] as [(String, String?)])
    func theAccountIdIsTheFifthFieldOfAnARN(arn: String, account: String?) {
        #expect(ReadProgress.account(inARN: arn) == account)
    }

    /// Rules wait for every group lookup and for the load balancers, whose groups in use are
    /// read too: a group the spec no longer names may still hold this stack's rules.
    @Test(arguments: [0, 1, 2])
    func rulesWaitForEverySecurityGroupLookupAndTheLoadBalancers(last: Int) {
        var progress = ReadProgress(specs: Self.twoSpecs)
        var balancer = Self.loadBalancer
        balancer.securityGroups = ["sg-0before"]
        var answers = [
            ReadAnswer.referencedGroups([Self.group("sg-0referenced", name: "db")]),
            ReadAnswer.namedGroups([Self.group("sg-0owned", name: SeedStack.spec.ownedSecurityGroupName)]),
            ReadAnswer.loadBalancers([balancer]),
        ]
        let final = answers.remove(at: last)
        for answer in answers {
            #expect(!progress.record(answer).contains { if case .rules = $0 { true } else { false } })
        }
        #expect(progress.record(final).contains(.rules(groupIds: ["sg-0referenced", "sg-0owned", "sg-0before"])))
    }

    /// Permissions are read for the services that are a stack's (by tag, or pointing at its
    /// NLB for --adopt), once both the services and the load balancers are known.
    @Test(arguments: [true, false])
    func permissionsAreAskedForTheStacksServicesOnly(servicesFirst: Bool) {
        var progress = ReadProgress(specs: [SeedStack.spec])
        let services = ReadAnswer.services([
            Self.service("vpce-svc-tagged", stack: SeedStack.spec.name),
            Self.service("vpce-svc-runbook", pointingAt: SeedStack.loadBalancerArn),
            Self.service("vpce-svc-foreign", stack: "someone-else", pointingAt: Self.otherArn),
        ])
        let balancers = ReadAnswer.loadBalancers([Self.loadBalancer])
        let first = progress.record(servicesFirst ? services : balancers)
        let second = progress.record(servicesFirst ? balancers : services)
        #expect(!first.contains { if case .permissions = $0 { true } else { false } })
        let asked = second.compactMap { call -> String? in if case .permissions(let id) = call { id } else { nil } }
        #expect(asked == ["vpce-svc-tagged", "vpce-svc-runbook"])
    }

    @Test func anUnfinishedReadIsAnErrorNotAPartialState() {
        var progress = ReadProgress(specs: [SeedStack.spec])
        _ = progress.record(.loadBalancers([]))
        #expect(throws: RPLinkError.self) { try progress.result() }
    }

    // MARK: - The reader itself, against a recording API

    static func recordingAPI(responder: RecordingQueryAPI.Responder? = nil) throws -> RecordingQueryAPI {
        let fixtures = [
            "ec2/DescribeVpcs", "ec2/DescribeSubnets", "ec2/DescribeSecurityGroups", "ec2/DescribeSecurityGroupRules",
            "ec2/DescribeVpcEndpointServiceConfigurations", "ec2/DescribeVpcEndpointServicePermissions",
            "elbv2/DescribeLoadBalancers", "elbv2/DescribeTargetGroups", "elbv2/DescribeLoadBalancerAttributes",
            "elbv2/DescribeListeners", "elbv2/DescribeTargetHealth", "elbv2/DescribeTags",
        ]
        var replies: [String: [RecordingQueryAPI.Reply]] = [:]
        for name in fixtures {
            replies[String(name.split(separator: "/")[1])] = [.xml(try XMLFixture.load(name))]
        }
        replies["GetCallerIdentity"] = [.xml(try RPLinkKit.XMLNode.parse(Data("""
            <GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account>\
            <Arn>arn:aws:iam::123456789012:user/test</Arn><UserId>AIDTEST</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>
            """.utf8)))]
        return RecordingQueryAPI(replies, responder: responder)
    }

    /// The fixtures' stack: `demo`, with the NLB `demo-nlb` and the target group `demo-tg`.
    static var demoSpec: Spec {
        var spec = SeedStack.spec
        spec.name = "demo"
        spec.loadBalancer.name = "demo-nlb"
        spec.targetGroup.name = "demo-tg"
        return spec
    }

    /// Every second-step call starts after the first-step answers it needs have ended, and a
    /// slow first-step call that nothing waits for (the VPCs) holds none of them back: its
    /// answer is held until every second-step call has started. (Were the steps rounds, they
    /// would never start, and the VPCs are let go after 10 s for the test to fail, not hang.)
    @Test func aSlowAnswerHoldsBackOnlyTheCallsThatNeedIt() async throws {
        let needs: [String: [String]] = [
            "DescribeLoadBalancerAttributes": ["DescribeLoadBalancers"], "DescribeListeners": ["DescribeLoadBalancers"],
            "DescribeTargetHealth": ["DescribeTargetGroups"], "DescribeTags": ["DescribeLoadBalancers", "DescribeTargetGroups"],
            "DescribeSecurityGroupRules": ["DescribeSecurityGroups"],
            "DescribeVpcEndpointServicePermissions": ["DescribeVpcEndpointServiceConfigurations", "DescribeLoadBalancers"],
        ]
        let vpcsReleased = Mutex(false)
        let api = try Self.recordingAPI { call in
            while call.action == "DescribeVpcs" && !vpcsReleased.withLock({ $0 }) {
                try await Task.sleep(for: .milliseconds(5))
            }
            return nil
        }
        async let read = LiveStateReader(api: api).read([Self.demoSpec])
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, !Set(await api.calls.map(\.action)).isSuperset(of: needs.keys) {
            try await Task.sleep(for: .milliseconds(5))
        }
        vpcsReleased.withLock { $0 = true }
        let states = try await read
        #expect(states["demo"]?.listeners.isEmpty == false)
        let spans = await api.spans
        func ended(_ action: String) throws -> ContinuousClock.Instant {
            try #require(spans.first { $0.call.action == action }?.endedAt, "\(action) was not called")
        }
        let slowEnd = try ended("DescribeVpcs")
        for (action, inputs) in needs {
            let started = try #require(spans.first { $0.call.action == action }?.call.startedAt, "\(action) was not called")
            for input in inputs {
                #expect(started >= (try ended(input)), "\(action) started before \(input) answered")
            }
            #expect(started < slowEnd, "\(action) waited for the VPCs it does not need")
        }
        // The account id came from an ARN: no STS call.
        #expect(spans.count == 12, "\(spans.map(\.call.action))")
        #expect(states["demo"]?.accountId == "123456789012")
    }

    /// A spec that references the very group rplink once made for it (`<stack>-nlb`) uses that
    /// group: it is not a leftover to delete, in a plan or a destroy.
    @Test func aReferencedGroupThatIsTheStacksOwnNamedGroupIsNotALeftover() {
        var spec = SeedStack.spec
        spec.producer.securityGroupId = "sg-0mine"
        var group = Self.group("sg-0mine", name: spec.ownedSecurityGroupName)
        group.tags = SeedStack.tags(.securityGroup, spec)
        let found = NamedObjects(
            accountId: SeedStack.account, vpcs: [], subnets: [], referencedGroups: [group], namedGroups: [group],
            loadBalancers: [], targetGroups: [], services: [])
        let live = LiveStateReader(api: RecordingQueryAPI()).assemble(spec, found, FoundDetails())
        #expect(live.referencedSecurityGroup?.id == "sg-0mine")
        #expect(live.ownedSecurityGroup == nil)
        #expect(!Planner.plan(spec: spec, live: live, options: PlanOptions(destroy: true)).steps.contains { $0.operation.name == "deleteSecurityGroup" })
    }

    /// Other stacks are those tagged on the VPC's load balancers whose tags were read, less the
    /// stacks of this run and those of other VPCs.
    @Test func otherStacksAreTheVPCsTaggedLoadBalancersNotPlannedHere() {
        func loadBalancer(_ name: String, vpcId: String = "vpc-0f00") -> ELBv2.LoadBalancer {
            ELBv2.LoadBalancer(arn: "arn:\(name)", name: name, dnsName: "", scheme: "internal", type: "network", state: "active", vpcId: vpcId)
        }
        let found = NamedObjects(
            accountId: "111122223333", vpcs: [], subnets: [], referencedGroups: [], namedGroups: [],
            loadBalancers: [loadBalancer("a"), loadBalancer("b"), loadBalancer("c", vpcId: "vpc-other"), loadBalancer("d"), loadBalancer("e")],
            targetGroups: [], services: [])
        var details = FoundDetails()
        details.tags = ["arn:a": [StackConventions.stackTagKey: "old-name"], "arn:b": [StackConventions.stackTagKey: "planned"],
                        "arn:c": [StackConventions.stackTagKey: "elsewhere"], "arn:d": ["team": "data"], "arn:e": [StackConventions.stackTagKey: "old-name"]]
        #expect(LiveStateReader.otherStacks(in: "vpc-0f00", found, details, besides: ["planned"]) == ["old-name"])
    }
}
