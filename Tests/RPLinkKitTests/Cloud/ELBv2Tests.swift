import Foundation
import Testing
@testable import RPLinkKit

/// Request encoding and response decoding of the typed ELBv2 operations, against responses captured
/// from the emulator (Fixtures/cloud/elbv2).
@Suite struct ELBv2Tests {
    static let nlbArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/demo-nlb/63b10a576d3bee78"
    static let targetGroupArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/demo-tg/44ed180f44a23d22"
    static let listenerArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/demo-nlb/63b10a576d3bee78/1d465dbef1fb581f"
    static let vpcId = "vpc-8a3152db385c67526"
    static let subnets = ["subnet-ce9aaa4ef47617822", "subnet-78c65e8bc3d781c9d"]
    static let groupId = "sg-ff929009d602e0857"

    func elb(_ fixtures: [String: [String]]) throws -> (ELBv2, RecordingQueryAPI) {
        let api = try RecordingQueryAPI(fixtures: fixtures)
        return (ELBv2(api: api), api)
    }

    // MARK: - Load balancers

    @Test func namesLookupListsAllInOneCallAndKeepsOnlyTheRequestedNames() async throws {
        let (elb, api) = try elb(["DescribeLoadBalancers": ["elbv2/DescribeLoadBalancers"]])
        let found = try await elb.describeLoadBalancers(names: ["demo-nlb", "missing-nlb", "other-nlb"])
        // No Names.member.N: AWS would fail the whole call because some names do not exist.
        #expect(await api.sentPairs == ["PageSize=400"])
        #expect(await api.onlyCall?.service == .elbv2)
        let nlb = try #require(found.first)
        #expect(found.count == 1)
        #expect(nlb.arn == Self.nlbArn)
        #expect(nlb.name == "demo-nlb")
        #expect(nlb.dnsName == "demo-nlb-1.us-east-1.elb.amazonaws.com")
        #expect(nlb.scheme == "internal")
        #expect(nlb.type == "network")
        #expect(nlb.state == "active")
        #expect(nlb.vpcId == Self.vpcId)
        #expect(nlb.availabilityZones == [
            .init(zoneName: "us-east-1b", subnetId: Self.subnets[0]), .init(zoneName: "us-east-1c", subnetId: Self.subnets[1]),
        ])
        #expect(nlb.subnetIds == Self.subnets)
        #expect(nlb.securityGroups == [Self.groupId])
    }

    @Test func namesLookupOfNoNamesMakesNoCall() async throws {
        let (elb, api) = try elb([:])
        #expect(try await elb.describeLoadBalancers(names: []).isEmpty)
        #expect(try await elb.describeTargetGroups(names: []).isEmpty)
        #expect(await api.calls.isEmpty)
    }

    @Test func namesLookupFollowsNextMarkerAcrossPages() async throws {
        let first = XMLNode(name: "DescribeLoadBalancersResponse", children: [
            XMLNode(name: "DescribeLoadBalancersResult", children: [
                XMLNode(name: "LoadBalancers", children: [XMLNode(name: "member", children: [
                    XMLNode(name: "LoadBalancerArn", text: "arn:first"), XMLNode(name: "LoadBalancerName", text: "other-nlb"),
                ])]),
                XMLNode(name: "NextMarker", text: "marker-2"),
            ]),
        ])
        let api = RecordingQueryAPI(["DescribeLoadBalancers": [.xml(first), .xml(try XMLFixture.load("elbv2/DescribeLoadBalancers"))]])
        let found = try await ELBv2(api: api).describeLoadBalancers(names: ["demo-nlb", "other-nlb"])
        #expect(found.map(\.arn) == ["arn:first", Self.nlbArn])
        let calls = await api.calls
        #expect(calls.count == 2)
        #expect(calls.first?.parameters["Marker"] == nil)
        #expect(calls.last?.parameters["Marker"] == "marker-2")
        #expect(calls.last?.parameters["PageSize"] == "400")
    }

    @Test(arguments: [1, 20, 21, 45])
    func arnLookupBatchesTwentyPerCall(count: Int) async throws {
        let (elb, api) = try elb(["DescribeLoadBalancers": ["elbv2/DescribeLoadBalancers"]])
        let arns = (1...count).map { "arn:lb/\($0)" }
        let found = try await elb.describeLoadBalancers(arns: arns)
        let calls = await api.calls
        #expect(calls.count == (count + 19) / 20)
        #expect(found.count == calls.count)
        let sent = calls.flatMap { $0.parameters.pairs }.sorted { $0.value.localizedStandardCompare($1.value) == .orderedAscending }
        #expect(sent.map(\.value) == arns)
        #expect(calls.allSatisfy { call in
            call.parameters.pairs.enumerated().allSatisfy { $0.element.name == "LoadBalancerArns.member.\($0.offset + 1)" }
                && call.parameters.pairs.count <= 20
        })
    }

    @Test func arnLookupOfAMissingArnIsAnError() async throws {
        let notFound = try XMLFixture.error("elbv2/DescribeLoadBalancersArnNotFound", service: .elbv2, action: "DescribeLoadBalancers")
        let api = RecordingQueryAPI(["DescribeLoadBalancers": [.error(notFound)]])
        let error = await #expect(throws: AWSError.self) { try await ELBv2(api: api).describeLoadBalancers(arns: ["arn:gone"]) }
        #expect(error?.code == "LoadBalancerNotFound")
        #expect(error?.requestId == "b1vQYNzOesN4DmKdihDD82byMmqW0EkHaTnnJloC10y9LKI7z98q")
    }

    @Test func createLoadBalancerSendsMemberListsAndTags() async throws {
        let (elb, api) = try elb(["CreateLoadBalancer": ["elbv2/CreateLoadBalancer"]])
        let nlb = try await elb.createLoadBalancer(
            name: "demo2-nlb", subnetIds: Self.subnets, securityGroupIds: [Self.groupId],
            tags: [Spec.Tag(key: "rplink:stack", value: "demo2")]
        )
        #expect(await api.sentPairs == [
            "Name=demo2-nlb", "Type=network", "Scheme=internal",
            "Subnets.member.1=\(Self.subnets[0])", "Subnets.member.2=\(Self.subnets[1])",
            "SecurityGroups.member.1=\(Self.groupId)",
            "Tags.member.1.Key=rplink:stack", "Tags.member.1.Value=demo2",
        ])
        #expect(nlb.name == "demo2-nlb")
        #expect(nlb.state == "provisioning")
        #expect(nlb.arn == "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/demo2-nlb/5c5da3a4c0ad951a")
    }

    @Test func deleteLoadBalancerSendsArn() async throws {
        let (elb, api) = try elb(["DeleteLoadBalancer": ["elbv2/DeleteLoadBalancer"]])
        try await elb.deleteLoadBalancer(arn: Self.nlbArn)
        #expect(await api.sentPairs == ["LoadBalancerArn=\(Self.nlbArn)"])
    }

    @Test func setSubnetsSendsMemberListAndReturnsZones() async throws {
        let (elb, api) = try elb(["SetSubnets": ["elbv2/SetSubnets"]])
        let zones = try await elb.setSubnets(loadBalancerArn: Self.nlbArn, subnetIds: Self.subnets)
        #expect(await api.sentPairs == [
            "LoadBalancerArn=\(Self.nlbArn)", "Subnets.member.1=\(Self.subnets[0])", "Subnets.member.2=\(Self.subnets[1])",
        ])
        #expect(zones.map(\.zoneName) == ["us-east-1b", "us-east-1c"])
    }

    @Test func setSecurityGroupsSendsMemberListAndReturnsGroups() async throws {
        let (elb, api) = try elb(["SetSecurityGroups": ["elbv2/SetSecurityGroups"]])
        let groups = try await elb.setSecurityGroups(loadBalancerArn: Self.nlbArn, securityGroupIds: [Self.groupId])
        #expect(await api.sentPairs == ["LoadBalancerArn=\(Self.nlbArn)", "SecurityGroups.member.1=\(Self.groupId)"])
        #expect(groups == [Self.groupId])
    }

    @Test func describeAttributesDecodesKeyValuePairs() async throws {
        let (elb, api) = try elb(["DescribeLoadBalancerAttributes": ["elbv2/DescribeLoadBalancerAttributes"]])
        let attributes = try await elb.describeLoadBalancerAttributes(arn: Self.nlbArn)
        #expect(await api.sentPairs == ["LoadBalancerArn=\(Self.nlbArn)"])
        #expect(attributes["load_balancing.cross_zone.enabled"] == "false")
        #expect(attributes["deletion_protection.enabled"] == "false")
        #expect(attributes["access_logs.s3.bucket"] == "")
        #expect(attributes.count == 4)
    }

    @Test func modifyAttributesSendsSortedMemberPairs() async throws {
        let (elb, api) = try elb(["ModifyLoadBalancerAttributes": ["elbv2/ModifyLoadBalancerAttributes"]])
        let after = try await elb.modifyLoadBalancerAttributes(
            arn: Self.nlbArn, attributes: ["load_balancing.cross_zone.enabled": "true", "deletion_protection.enabled": "false"]
        )
        #expect(await api.sentPairs == [
            "LoadBalancerArn=\(Self.nlbArn)",
            "Attributes.member.1.Key=deletion_protection.enabled", "Attributes.member.1.Value=false",
            "Attributes.member.2.Key=load_balancing.cross_zone.enabled", "Attributes.member.2.Value=true",
        ])
        #expect(after["load_balancing.cross_zone.enabled"] == "true")
    }

    // MARK: - Target groups and targets

    @Test func targetGroupNamesLookupListsAllAndFilters() async throws {
        let (elb, api) = try elb(["DescribeTargetGroups": ["elbv2/DescribeTargetGroups"]])
        let groups = try await elb.describeTargetGroups(names: ["demo-tg", "absent-tg"])
        #expect(await api.sentPairs == ["PageSize=400"])
        let group = try #require(groups.first)
        #expect(groups.count == 1)
        #expect(group.arn == Self.targetGroupArn)
        #expect(group.name == "demo-tg")
        #expect(group.protocol == "TCP")
        #expect(group.port == 3306)
        #expect(group.vpcId == Self.vpcId)
        #expect(group.targetType == "ip")
        #expect(group.loadBalancerArns == [Self.nlbArn])
        #expect(group.healthCheck == ELBv2.HealthCheck(
            enabled: true, protocol: "TCP", port: "traffic-port", intervalSeconds: 30, timeoutSeconds: 10,
            healthyThresholdCount: 5, unhealthyThresholdCount: 2
        ))
    }

    @Test func targetGroupsByLoadBalancerSendLoadBalancerArn() async throws {
        let (elb, api) = try elb(["DescribeTargetGroups": ["elbv2/DescribeTargetGroups"]])
        _ = try await elb.describeTargetGroups(loadBalancerArn: Self.nlbArn)
        #expect(await api.sentPairs == ["LoadBalancerArn=\(Self.nlbArn)"])
    }

    @Test func targetGroupsByArnUseMemberListAndPassNotFoundThrough() async throws {
        let notFound = try XMLFixture.error("elbv2/DescribeTargetGroupsNotFound", service: .elbv2, action: "DescribeTargetGroups")
        let api = RecordingQueryAPI([
            "DescribeTargetGroups": [.xml(try XMLFixture.load("elbv2/DescribeTargetGroups")), .error(notFound)],
        ])
        let elb = ELBv2(api: api)
        let groups = try await elb.describeTargetGroups(arns: [Self.targetGroupArn])
        #expect(groups.map(\.arn) == [Self.targetGroupArn])
        #expect(await api.calls.first?.parameters == QueryParameters([("TargetGroupArns.member.1", Self.targetGroupArn)]))
        let error = await #expect(throws: AWSError.self) { try await elb.describeTargetGroups(arns: ["arn:gone"]) }
        #expect(error?.code == "TargetGroupNotFound")
    }

    @Test func createTargetGroupSendsIpTargetTypeHealthCheckAndTags() async throws {
        let (elb, api) = try elb(["CreateTargetGroup": ["elbv2/CreateTargetGroup"]])
        let group = try await elb.createTargetGroup(
            name: "demo2-tg", port: 3306, vpcId: Self.vpcId,
            healthCheck: .init(protocol: "TCP", intervalSeconds: 10), tags: [Spec.Tag(key: "rplink:stack", value: "demo2")]
        )
        #expect(await api.sentPairs == [
            "Name=demo2-tg", "Protocol=TCP", "Port=3306", "VpcId=\(Self.vpcId)", "TargetType=ip",
            "HealthCheckProtocol=TCP", "HealthCheckIntervalSeconds=10",
            "Tags.member.1.Key=rplink:stack", "Tags.member.1.Value=demo2",
        ])
        #expect(group.name == "demo2-tg")
        #expect(group.healthCheck.intervalSeconds == 10)
        #expect(group.loadBalancerArns.isEmpty)
    }

    @Test func modifyTargetGroupSendsOnlyGivenHealthCheckSettings() async throws {
        let (elb, api) = try elb(["ModifyTargetGroup": ["elbv2/ModifyTargetGroup"]])
        let group = try await elb.modifyTargetGroup(arn: "arn:tg", healthCheck: .init(intervalSeconds: 30))
        #expect(await api.sentPairs == ["TargetGroupArn=arn:tg", "HealthCheckIntervalSeconds=30"])
        #expect(group.healthCheck.intervalSeconds == 30)
    }

    @Test func deleteTargetGroupSendsArn() async throws {
        let (elb, api) = try elb(["DeleteTargetGroup": ["elbv2/DeleteTargetGroup"]])
        try await elb.deleteTargetGroup(arn: Self.targetGroupArn)
        #expect(await api.sentPairs == ["TargetGroupArn=\(Self.targetGroupArn)"])
    }

    @Test func describeTargetHealthDecodesTargets() async throws {
        let (elb, api) = try elb(["DescribeTargetHealth": ["elbv2/DescribeTargetHealth"]])
        let health = try await elb.describeTargetHealth(targetGroupArn: Self.targetGroupArn)
        #expect(await api.sentPairs == ["TargetGroupArn=\(Self.targetGroupArn)"])
        #expect(health == [ELBv2.TargetHealth(target: .init(id: "10.0.1.10", port: 3306), state: "healthy")])
    }

    @Test func targetHealthKeepsStateReasonAndZone() async throws {
        // AWS's shape (the emulator reports every target healthy at once).
        let xml = """
        <DescribeTargetHealthResponse><DescribeTargetHealthResult><TargetHealthDescriptions>
        <member><Target><Id>10.0.0.1</Id><Port>3306</Port><AvailabilityZone>all</AvailabilityZone></Target>
          <TargetHealth><State>unhealthy</State><Reason>Target.Timeout</Reason><Description>Request timed out</Description></TargetHealth></member>
        <member><Target><Id>10.0.0.2</Id><Port>3306</Port></Target>
          <TargetHealth><State>draining</State><Reason>Target.DeregistrationInProgress</Reason></TargetHealth></member>
        <member><Target><Id>10.0.0.3</Id><Port>3306</Port></Target>
          <TargetHealth><State>unused</State><Reason>Target.NotRegistered</Reason></TargetHealth></member>
        </TargetHealthDescriptions></DescribeTargetHealthResult></DescribeTargetHealthResponse>
        """
        let api = RecordingQueryAPI(["DescribeTargetHealth": [.xml(try XMLFixture.parse(Data(xml.utf8)))]])
        let health = try await ELBv2(api: api).describeTargetHealth(targetGroupArn: "arn:tg")
        #expect(health.map(\.state) == ["unhealthy", "draining", "unused"])
        #expect(health.first?.target.availabilityZone == "all")
        #expect(health.last?.target.availabilityZone == nil)
        #expect(health.first?.reason == "Target.Timeout")
        #expect(health.first?.description == "Request timed out")
        #expect(health.last?.reason == "Target.NotRegistered")
    }

    @Test(arguments: ["RegisterTargets", "DeregisterTargets"])
    func targetRegistrationSendsIdAndPort(action: String) async throws {
        let (elb, api) = try elb([action: ["elbv2/\(action)"]])
        let targets = [ELBv2.Target(id: "10.0.1.20", port: 3306)]
        if action == "RegisterTargets" {
            try await elb.registerTargets(targetGroupArn: "arn:tg", targets: targets)
        } else {
            try await elb.deregisterTargets(targetGroupArn: "arn:tg", targets: targets)
        }
        #expect(await api.onlyCall?.action == action)
        #expect(await api.sentPairs == ["TargetGroupArn=arn:tg", "Targets.member.1.Id=10.0.1.20", "Targets.member.1.Port=3306"])
    }

    /// An IP outside the VPC must be registered (and deregistered) with the zone `all`.
    @Test(arguments: ["RegisterTargets", "DeregisterTargets"])
    func aTargetOutsideTheVPCIsSentWithZoneAll(action: String) async throws {
        let (elb, api) = try elb([action: ["elbv2/\(action)"]])
        let targets = [ELBv2.Target(id: "192.168.7.20", port: 3306, availabilityZone: "all")]
        if action == "RegisterTargets" {
            try await elb.registerTargets(targetGroupArn: "arn:tg", targets: targets)
        } else {
            try await elb.deregisterTargets(targetGroupArn: "arn:tg", targets: targets)
        }
        #expect(await api.sentPairs == [
            "TargetGroupArn=arn:tg", "Targets.member.1.Id=192.168.7.20", "Targets.member.1.Port=3306", "Targets.member.1.AvailabilityZone=all",
        ])
    }

    // MARK: - Listeners

    @Test func describeListenersDecodesForwardTargetGroup() async throws {
        let (elb, api) = try elb(["DescribeListeners": ["elbv2/DescribeListeners"]])
        let listeners = try await elb.describeListeners(loadBalancerArn: Self.nlbArn)
        #expect(await api.sentPairs == ["LoadBalancerArn=\(Self.nlbArn)"])
        let listener = try #require(listeners.first)
        #expect(listener.arn == Self.listenerArn)
        #expect(listener.loadBalancerArn == Self.nlbArn)
        #expect(listener.port == 3306)
        #expect(listener.protocol == "TCP")
        #expect(listener.targetGroupArns == [Self.targetGroupArn])
    }

    @Test func listenerTargetGroupsAreReadFromForwardConfigToo() throws {
        let xml = """
        <member><ListenerArn>arn:l</ListenerArn><Port>3306</Port><Protocol>TCP</Protocol><DefaultActions><member>
        <Type>forward</Type><ForwardConfig><TargetGroups><member><TargetGroupArn>arn:tg-1</TargetGroupArn><Weight>1</Weight></member>
        </TargetGroups></ForwardConfig></member></DefaultActions></member>
        """
        let listener = try ELBv2.Listener(xml: try XMLFixture.parse(Data(xml.utf8)))
        #expect(listener.targetGroupArns == ["arn:tg-1"])
    }

    @Test func createListenerForwardsToTargetGroup() async throws {
        let (elb, api) = try elb(["CreateListener": ["elbv2/CreateListener"]])
        let listener = try await elb.createListener(
            loadBalancerArn: "arn:lb", port: 3306, targetGroupArn: "arn:tg", tags: [Spec.Tag(key: "rplink:stack", value: "demo2")]
        )
        #expect(await api.sentPairs == [
            "LoadBalancerArn=arn:lb", "Protocol=TCP", "Port=3306",
            "DefaultActions.member.1.Type=forward", "DefaultActions.member.1.TargetGroupArn=arn:tg",
            "Tags.member.1.Key=rplink:stack", "Tags.member.1.Value=demo2",
        ])
        #expect(listener.arn == "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/demo2-nlb/5c5da3a4c0ad951a/49a7f318ec149e84")
    }

    @Test func modifyListenerSendsOnlyWhatChanges() async throws {
        let (elb, api) = try elb(["ModifyListener": ["elbv2/ModifyListener"]])
        let listener = try await elb.modifyListener(arn: "arn:l", port: 3307)
        #expect(listener.port == 3307)
        _ = try await elb.modifyListener(arn: "arn:l", targetGroupArn: "arn:tg-2")
        let calls = await api.calls.map { $0.parameters.pairs.map { "\($0.name)=\($0.value)" } }
        #expect(calls == [
            ["ListenerArn=arn:l", "Port=3307"],
            ["ListenerArn=arn:l", "DefaultActions.member.1.Type=forward", "DefaultActions.member.1.TargetGroupArn=arn:tg-2"],
        ])
    }

    @Test func deleteListenerSendsArn() async throws {
        let (elb, api) = try elb(["DeleteListener": ["elbv2/DeleteListener"]])
        try await elb.deleteListener(arn: Self.listenerArn)
        #expect(await api.sentPairs == ["ListenerArn=\(Self.listenerArn)"])
    }

    // MARK: - Tags

    @Test func describeTagsMapsEachArnToItsTags() async throws {
        let (elb, api) = try elb(["DescribeTags": ["elbv2/DescribeTags"]])
        let tags = try await elb.describeTags(arns: [Self.nlbArn, Self.targetGroupArn])
        #expect(await api.sentPairs == ["ResourceArns.member.1=\(Self.nlbArn)", "ResourceArns.member.2=\(Self.targetGroupArn)"])
        #expect(tags == [
            Self.nlbArn: ["rplink:stack": "demo", "rplink:resource": "load_balancer.nlb"],
            Self.targetGroupArn: ["rplink:stack": "demo"],
        ])
    }

    @Test func describeTagsBatchesTwentyArnsPerCall() async throws {
        let (elb, api) = try elb(["DescribeTags": ["elbv2/DescribeTags"]])
        let arns = (1...25).map { "arn:r/\($0)" }
        _ = try await elb.describeTags(arns: arns)
        let batches = await api.calls.map { $0.parameters.pairs.map { $0.value } }.sorted { $0.count > $1.count }
        #expect(batches == [Array(arns[0..<20]), Array(arns[20...])])
    }

    @Test func addTagsSendsArnsAndTagsInBatches() async throws {
        let (elb, api) = try elb(["AddTags": ["elbv2/AddTags"]])
        try await elb.addTags(arns: [Self.nlbArn], tags: [Spec.Tag(key: "rplink:stack", value: "demo")])
        #expect(await api.sentPairs == [
            "ResourceArns.member.1=\(Self.nlbArn)", "Tags.member.1.Key=rplink:stack", "Tags.member.1.Value=demo",
        ])
        try await elb.addTags(arns: (1...21).map { "arn:r/\($0)" }, tags: [Spec.Tag(key: "k", value: "v")])
        #expect(await api.calls.count == 3)
    }
}
