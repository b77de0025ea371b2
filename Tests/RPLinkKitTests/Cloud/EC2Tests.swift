import Foundation
import Testing
@testable import RPLinkKit

/// Request encoding and response decoding of the typed EC2 operations, against responses captured
/// from the emulator (Fixtures/cloud/ec2).
@Suite struct EC2Tests {
    static let vpcId = "vpc-8a3152db385c67526"
    static let groupId = "sg-ff929009d602e0857"
    static let nlbArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/demo-nlb/63b10a576d3bee78"
    static let stackTags = [Spec.Tag(key: "rplink:stack", value: "demo"), Spec.Tag(key: "rplink:resource", value: "x")]

    func ec2(_ fixtures: [String: [String]]) throws -> (EC2, RecordingQueryAPI) {
        let api = try RecordingQueryAPI(fixtures: fixtures)
        return (EC2(api: api), api)
    }

    @Test func describeVpcsSendsVpcIdListAndDecodesCidrBlocks() async throws {
        let (ec2, api) = try ec2(["DescribeVpcs": ["ec2/DescribeVpcs"]])
        let vpcs = try await ec2.describeVpcs(ids: [Self.vpcId, "vpc-2"])
        #expect(await api.sentPairs == ["VpcId.1=\(Self.vpcId)", "VpcId.2=vpc-2"])
        #expect(await api.onlyCall?.service == .ec2)
        let vpc = try #require(vpcs.first)
        #expect(vpcs.count == 1)
        #expect(vpc.vpcId == Self.vpcId)
        #expect(vpc.cidrBlocks == ["10.0.0.0/16"])
        #expect(vpc.state == "available")
        #expect(vpc.tags == [Spec.Tag(key: "Name", value: "producer")])
    }

    @Test func vpcCidrBlocksIncludeAssociatedButNotDisassociatedBlocks() throws {
        let xml = """
        <DescribeVpcsResponse><vpcSet><item><vpcId>vpc-1</vpcId><cidrBlock>10.0.0.0/16</cidrBlock>
        <cidrBlockAssociationSet>
        <item><cidrBlock>10.0.0.0/16</cidrBlock><cidrBlockState><state>associated</state></cidrBlockState></item>
        <item><cidrBlock>10.1.0.0/16</cidrBlock><cidrBlockState><state>associated</state></cidrBlockState></item>
        <item><cidrBlock>10.2.0.0/16</cidrBlock><cidrBlockState><state>disassociated</state></cidrBlockState></item>
        </cidrBlockAssociationSet></item></vpcSet></DescribeVpcsResponse>
        """
        let node = try XMLFixture.parse(Data(xml.utf8))
        let vpc = try EC2.Vpc(xml: try #require(node.list("vpcSet").first))
        #expect(vpc.cidrBlocks == ["10.0.0.0/16", "10.1.0.0/16"])
    }

    @Test func describeSubnetsDecodesAvailabilityZoneIds() async throws {
        let (ec2, api) = try ec2(["DescribeSubnets": ["ec2/DescribeSubnets"]])
        let subnets = try await ec2.describeSubnets(ids: ["subnet-ce9aaa4ef47617822", "subnet-78c65e8bc3d781c9d"])
        #expect(await api.sentPairs == ["SubnetId.1=subnet-ce9aaa4ef47617822", "SubnetId.2=subnet-78c65e8bc3d781c9d"])
        #expect(subnets.map(\.subnetId) == ["subnet-ce9aaa4ef47617822", "subnet-78c65e8bc3d781c9d"])
        #expect(subnets.map(\.availabilityZoneId) == ["use1-az1", "use1-az2"])
        #expect(subnets.map(\.availabilityZone) == ["us-east-1b", "us-east-1c"])
        #expect(subnets.map(\.cidrBlock) == ["10.0.1.0/24", "10.0.2.0/24"])
        #expect(subnets.allSatisfy { $0.vpcId == Self.vpcId })
    }

    @Test func describeSecurityGroupsEncodesFiltersWithNumberedValues() async throws {
        let (ec2, api) = try ec2(["DescribeSecurityGroups": ["ec2/DescribeSecurityGroups"]])
        let groups = try await ec2.describeSecurityGroups(filters: [
            .init("vpc-id", [Self.vpcId]), .init("group-name", ["demo-nlb"]), .init("tag:rplink:stack", ["demo", "other"]),
        ])
        #expect(await api.sentPairs == [
            "Filter.1.Name=vpc-id", "Filter.1.Value.1=\(Self.vpcId)",
            "Filter.2.Name=group-name", "Filter.2.Value.1=demo-nlb",
            "Filter.3.Name=tag:rplink:stack", "Filter.3.Value.1=demo", "Filter.3.Value.2=other",
        ])
        let group = try #require(groups.first)
        #expect(group.groupId == Self.groupId)
        #expect(group.groupName == "demo-nlb")
        #expect(group.description == "rplink demo NLB")
        #expect(group.vpcId == Self.vpcId)
        #expect(group.tags.contains(Spec.Tag(key: "rplink:resource", value: "security_group.nlb")))
    }

    @Test func describeSecurityGroupsByIdUsesGroupIdList() async throws {
        let (ec2, api) = try ec2(["DescribeSecurityGroups": ["ec2/DescribeSecurityGroups"]])
        _ = try await ec2.describeSecurityGroups(ids: [Self.groupId])
        #expect(await api.sentPairs == ["GroupId.1=\(Self.groupId)"])
    }

    @Test func createSecurityGroupTagsAtCreationAndReturnsId() async throws {
        let (ec2, api) = try ec2(["CreateSecurityGroup": ["ec2/CreateSecurityGroup"]])
        let id = try await ec2.createSecurityGroup(name: "demo2-nlb", description: "rplink", vpcId: Self.vpcId, tags: Self.stackTags)
        #expect(id == "sg-952e13a839797ce4f")
        #expect(await api.sentPairs == [
            "GroupName=demo2-nlb", "GroupDescription=rplink", "VpcId=\(Self.vpcId)",
            "TagSpecification.1.ResourceType=security-group",
            "TagSpecification.1.Tag.1.Key=rplink:stack", "TagSpecification.1.Tag.1.Value=demo",
            "TagSpecification.1.Tag.2.Key=rplink:resource", "TagSpecification.1.Tag.2.Value=x",
        ])
    }

    @Test func deleteSecurityGroupSendsGroupIdAndPassesErrorsThrough() async throws {
        let notFound = try XMLFixture.error("ec2/DeleteSecurityGroupNotFound", service: .ec2, action: "DeleteSecurityGroup")
        let api = RecordingQueryAPI(["DeleteSecurityGroup": [.xml(try XMLFixture.load("ec2/DeleteSecurityGroup")), .error(notFound)]])
        let ec2 = EC2(api: api)
        try await ec2.deleteSecurityGroup(id: "sg-1")
        let error = await #expect(throws: AWSError.self) { try await ec2.deleteSecurityGroup(id: "sg-00000000000000000") }
        #expect(error?.code == "InvalidGroup.NotFound")
        #expect(error?.isNotFound == true)
        #expect(await api.calls.map { $0.parameters.pairs.map { $0.value } } == [["sg-1"], ["sg-00000000000000000"]])
    }

    @Test func describeSecurityGroupRulesFiltersByGroupAndDecodesRules() async throws {
        let (ec2, api) = try ec2(["DescribeSecurityGroupRules": ["ec2/DescribeSecurityGroupRules"]])
        let rules = try await ec2.describeSecurityGroupRules(groupIds: [Self.groupId])
        #expect(await api.sentPairs == ["Filter.1.Name=group-id", "Filter.1.Value.1=\(Self.groupId)"])
        #expect(rules.count == 2)
        let egress = try #require(rules.first { $0.isEgress })
        #expect(egress.ipProtocol == "-1")
        #expect(egress.fromPort == -1)
        let ingress = try #require(rules.first { !$0.isEgress })
        #expect(ingress.ruleId == "sgr-d093fde039e5887e3")
        #expect(ingress.groupId == Self.groupId)
        #expect(ingress.ipProtocol == "tcp")
        #expect(ingress.fromPort == 3306 && ingress.toPort == 3306)
        #expect(ingress.cidrIpv4 == "10.1.0.0/24")
        #expect(ingress.description == "consumer")
        #expect(ingress.tags == [Spec.Tag(key: "rplink:stack", value: "demo")])
    }

    @Test func authorizeIngressEncodesIpPermissionsAndRuleTagsAndReturnsNewRules() async throws {
        let (ec2, api) = try ec2(["AuthorizeSecurityGroupIngress": ["ec2/AuthorizeSecurityGroupIngress"]])
        let rules = try await ec2.authorizeSecurityGroupIngress(
            groupId: "sg-952e13a839797ce4f",
            permissions: [.init(tcpPort: 3306, cidrIpv4: "10.2.0.0/24", description: "consumer")],
            tags: [Spec.Tag(key: "rplink:stack", value: "demo2")]
        )
        #expect(await api.sentPairs == [
            "GroupId=sg-952e13a839797ce4f",
            "IpPermissions.1.IpProtocol=tcp", "IpPermissions.1.FromPort=3306", "IpPermissions.1.ToPort=3306",
            "IpPermissions.1.IpRanges.1.CidrIp=10.2.0.0/24", "IpPermissions.1.IpRanges.1.Description=consumer",
            "TagSpecification.1.ResourceType=security-group-rule",
            "TagSpecification.1.Tag.1.Key=rplink:stack", "TagSpecification.1.Tag.1.Value=demo2",
        ])
        #expect(rules.map(\.ruleId) == ["sgr-68c80d75600c8ca99"])
        #expect(rules.first?.cidrIpv4 == "10.2.0.0/24")
    }

    @Test func authorizeIngressWithoutTagsOrDescriptionSendsNeither() async throws {
        let (ec2, api) = try ec2(["AuthorizeSecurityGroupIngress": ["ec2/AuthorizeSecurityGroupIngress"]])
        _ = try await ec2.authorizeSecurityGroupIngress(groupId: "sg-1", permissions: [.init(tcpPort: 5432, cidrIpv4: "10.9.0.0/16")], tags: [])
        let names = await api.sentPairs
        #expect(names == [
            "GroupId=sg-1", "IpPermissions.1.IpProtocol=tcp", "IpPermissions.1.FromPort=5432", "IpPermissions.1.ToPort=5432",
            "IpPermissions.1.IpRanges.1.CidrIp=10.9.0.0/16",
        ])
    }

    @Test func revokeIngressSendsRuleIdList() async throws {
        let (ec2, api) = try ec2(["RevokeSecurityGroupIngress": ["ec2/RevokeSecurityGroupIngress"]])
        try await ec2.revokeSecurityGroupIngress(groupId: "sg-1", ruleIds: ["sgr-a", "sgr-b"])
        #expect(await api.sentPairs == ["GroupId=sg-1", "SecurityGroupRuleId.1=sgr-a", "SecurityGroupRuleId.2=sgr-b"])
    }

    @Test func returnFalseIsAnError() async throws {
        let api = RecordingQueryAPI(["RevokeSecurityGroupIngress": [.xml(XMLNode(name: "RevokeSecurityGroupIngressResponse", children: [
            XMLNode(name: "return", text: "false"), XMLNode(name: "requestId", text: "req-1"),
        ]))]])
        let error = await #expect(throws: AWSError.self) {
            try await EC2(api: api).revokeSecurityGroupIngress(groupId: "sg-1", ruleIds: ["sgr-a"])
        }
        #expect(error?.code == "ReturnFalse")
        #expect(error?.requestId == "req-1")
    }

    @Test func modifySecurityGroupRulesRestatesTheWholeRule() async throws {
        let (ec2, api) = try ec2(["ModifySecurityGroupRules": ["ec2/ModifySecurityGroupRules"]])
        try await ec2.modifySecurityGroupRules(groupId: "sg-1", rules: [
            (ruleId: "sgr-a", permission: .init(tcpPort: 3306, cidrIpv4: "10.2.0.0/24", description: "new")),
        ])
        #expect(await api.sentPairs == [
            "GroupId=sg-1", "SecurityGroupRule.1.SecurityGroupRuleId=sgr-a",
            "SecurityGroupRule.1.SecurityGroupRule.IpProtocol=tcp",
            "SecurityGroupRule.1.SecurityGroupRule.FromPort=3306", "SecurityGroupRule.1.SecurityGroupRule.ToPort=3306",
            "SecurityGroupRule.1.SecurityGroupRule.CidrIpv4=10.2.0.0/24",
            "SecurityGroupRule.1.SecurityGroupRule.Description=new",
        ])
    }

    @Test func createTagsSendsResourceIdsAndTags() async throws {
        let (ec2, api) = try ec2(["CreateTags": ["ec2/CreateTags"]])
        try await ec2.createTags(resourceIds: ["sg-1", "sgr-2"], tags: [Spec.Tag(key: "team", value: "data")])
        #expect(await api.sentPairs == ["ResourceId.1=sg-1", "ResourceId.2=sgr-2", "Tag.1.Key=team", "Tag.1.Value=data"])
    }

    @Test func describeServiceConfigurationsByTagFilterDecodesService() async throws {
        let (ec2, api) = try ec2(["DescribeVpcEndpointServiceConfigurations": ["ec2/DescribeVpcEndpointServiceConfigurations"]])
        let services = try await ec2.describeVpcEndpointServiceConfigurations(filters: [.init("tag:rplink:stack", ["demo"])])
        #expect(await api.sentPairs == ["Filter.1.Name=tag:rplink:stack", "Filter.1.Value.1=demo"])
        let service = try #require(services.first)
        #expect(service.serviceId == "vpce-svc-98621fa2")
        #expect(service.serviceName == "com.amazonaws.vpce.us-east-1.vpce-svc-98621fa2")
        #expect(service.serviceState == "Available")
        #expect(service.acceptanceRequired == false)
        #expect(service.networkLoadBalancerArns == [Self.nlbArn])
        #expect(service.availabilityZones == ["us-east-1b", "us-east-1c"])
        #expect(service.tags == [Spec.Tag(key: "rplink:stack", value: "demo")])
    }

    @Test func describeServiceConfigurationsByIdUsesServiceIdList() async throws {
        let (ec2, api) = try ec2(["DescribeVpcEndpointServiceConfigurations": ["ec2/DescribeVpcEndpointServiceConfigurations"]])
        _ = try await ec2.describeVpcEndpointServiceConfigurations(ids: ["vpce-svc-98621fa2"])
        #expect(await api.sentPairs == ["ServiceId.1=vpce-svc-98621fa2"])
    }

    @Test func createServiceConfigurationSendsNlbArnTokenAndTags() async throws {
        let (ec2, api) = try ec2(["CreateVpcEndpointServiceConfiguration": ["ec2/CreateVpcEndpointServiceConfiguration"]])
        let service = try await ec2.createVpcEndpointServiceConfiguration(
            networkLoadBalancerArns: [Self.nlbArn], acceptanceRequired: false,
            tags: [Spec.Tag(key: "rplink:stack", value: "demo2")], clientToken: "tok-1"
        )
        #expect(await api.sentPairs == [
            "NetworkLoadBalancerArn.1=\(Self.nlbArn)", "AcceptanceRequired=false", "ClientToken=tok-1",
            "TagSpecification.1.ResourceType=vpc-endpoint-service",
            "TagSpecification.1.Tag.1.Key=rplink:stack", "TagSpecification.1.Tag.1.Value=demo2",
        ])
        #expect(service.serviceId == "vpce-svc-fd3158a7")
        #expect(service.serviceName == "com.amazonaws.vpce.us-east-1.vpce-svc-fd3158a7")
        #expect(service.networkLoadBalancerArns == [Self.nlbArn])
    }

    @Test func modifyServiceConfigurationSendsAcceptance() async throws {
        let (ec2, api) = try ec2(["ModifyVpcEndpointServiceConfiguration": ["ec2/ModifyVpcEndpointServiceConfiguration"]])
        try await ec2.modifyVpcEndpointServiceConfiguration(serviceId: "vpce-svc-1", acceptanceRequired: true)
        #expect(await api.sentPairs == ["ServiceId=vpce-svc-1", "AcceptanceRequired=true"])
    }

    @Test func unsuccessfulServiceDeletionIsAnError() async throws {
        let (ec2, api) = try ec2(["DeleteVpcEndpointServiceConfigurations": ["ec2/DeleteVpcEndpointServiceConfigurations"]])
        let error = await #expect(throws: AWSError.self) {
            try await ec2.deleteVpcEndpointServiceConfigurations(ids: ["vpce-svc-fd3158a7", "vpce-svc-0000000000000000"])
        }
        #expect(await api.sentPairs == ["ServiceId.1=vpce-svc-fd3158a7", "ServiceId.2=vpce-svc-0000000000000000"])
        #expect(error?.code == "InvalidVpcEndpointService.NotFound")
        #expect(error?.message.contains("vpce-svc-0000000000000000") == true)
        #expect(error?.action == "DeleteVpcEndpointServiceConfigurations")
    }

    @Test func serviceDeletionWithoutUnsuccessfulItemsSucceeds() async throws {
        let api = RecordingQueryAPI(["DeleteVpcEndpointServiceConfigurations": [.xml(XMLNode(
            name: "DeleteVpcEndpointServiceConfigurationsResponse",
            children: [XMLNode(name: "unsuccessful"), XMLNode(name: "requestId", text: "r")]
        ))]])
        try await EC2(api: api).deleteVpcEndpointServiceConfigurations(ids: ["vpce-svc-1"])
        #expect(await api.calls.count == 1)
    }

    @Test func describeServicePermissionsReturnsPrincipals() async throws {
        let (ec2, api) = try ec2(["DescribeVpcEndpointServicePermissions": ["ec2/DescribeVpcEndpointServicePermissions"]])
        let principals = try await ec2.describeVpcEndpointServicePermissions(serviceId: "vpce-svc-98621fa2")
        #expect(await api.sentPairs == ["ServiceId=vpce-svc-98621fa2"])
        #expect(principals == ["arn:aws:iam::123456789012:root"])
    }

    @Test func modifyServicePermissionsSendsAddAndRemoveLists() async throws {
        let (ec2, api) = try ec2(["ModifyVpcEndpointServicePermissions": ["ec2/ModifyVpcEndpointServicePermissions"]])
        try await ec2.modifyVpcEndpointServicePermissions(
            serviceId: "vpce-svc-1", add: ["arn:aws:iam::210987654321:root"], remove: ["arn:aws:iam::111111111111:root"]
        )
        #expect(await api.sentPairs == [
            "ServiceId=vpce-svc-1",
            "AddAllowedPrincipals.1=arn:aws:iam::210987654321:root",
            "RemoveAllowedPrincipals.1=arn:aws:iam::111111111111:root",
        ])
    }

    @Test func describeFollowsNextTokenAcrossPages() async throws {
        let first = XMLNode(name: "DescribeSubnetsResponse", children: [
            XMLNode(name: "subnetSet", children: [XMLNode(name: "item", children: [
                XMLNode(name: "subnetId", text: "subnet-a"), XMLNode(name: "vpcId", text: "vpc-1"),
            ])]),
            XMLNode(name: "nextToken", text: "page-2"),
        ])
        let api = RecordingQueryAPI(["DescribeSubnets": [.xml(first), .xml(try XMLFixture.load("ec2/DescribeSubnets"))]])
        let subnets = try await EC2(api: api).describeSubnets(filters: [.init("vpc-id", ["vpc-1"])])
        #expect(subnets.map(\.subnetId) == ["subnet-a", "subnet-ce9aaa4ef47617822", "subnet-78c65e8bc3d781c9d"])
        let calls = await api.calls
        #expect(calls.count == 2)
        #expect(calls.first?.parameters["NextToken"] == nil)
        #expect(calls.last?.parameters["NextToken"] == "page-2")
        #expect(calls.last?.parameters["Filter.1.Value.1"] == "vpc-1")
    }

    @Test func missingRequiredElementIsAnInvalidResponseError() async throws {
        let broken = XMLNode(name: "DescribeVpcsResponse", children: [
            XMLNode(name: "vpcSet", children: [XMLNode(name: "item", children: [XMLNode(name: "state", text: "available")])]),
        ])
        let api = RecordingQueryAPI(["DescribeVpcs": [.xml(broken)]])
        let error = await #expect(throws: AWSError.self) { try await EC2(api: api).describeVpcs(ids: ["vpc-1"]) }
        #expect(error?.code == "InvalidResponse")
        #expect(error?.message.contains("vpcId") == true)
    }
}
