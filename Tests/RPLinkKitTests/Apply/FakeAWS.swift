import Foundation
import Synchronization
@testable import RPLinkKit

/// An AWS account holding the seed's producer VPC and subnets and nothing of the stack yet, for
/// `RecordingQueryAPI`'s responder: reads by name find nothing, creates answer new ids, and reads
/// by the ids made find the object ready (NLB `active`, service `Available`).
///
/// Stateless per call on purpose: the executor's tests check what was sent, and every answer
/// follows from the call's own parameters. `vpcCidr` and `subnetAZ` can be changed mid-test to
/// make a saved plan stale or a preflight check fail.
final class FakeAWS: Sendable {
    static let account = "111122223333"
    static let groupId = "sg-0new0000000000001"
    static let loadBalancerArn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/pl-nlb/0000000000000001"
    static let targetGroupArn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/pl-nlb-target-group/0000000000000002"
    static let listenerArn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/pl-nlb/0000000000000001/0000000000000003"
    static let serviceId = "vpce-svc-0000000000000004"

    struct World: Sendable {
        var vpcCidr = "10.0.0.0/16"
        /// The AZ id each subnet reports; the seed spec's subnets by default.
        var subnetAZ = ["subnet-0cafed00d": "use1-az1", "subnet-0c0ffee": "use1-az2", "subnet-0cafef00d": "use1-az4"]
    }

    let world = Mutex(World())

    /// A recording API that answers from this account, after `delays` per action or the delay
    /// `slow` gives a call; `failing` makes chosen calls fail (at once, unless delayed).
    func api(
        delays: [String: Duration] = [:], slow: (@Sendable (RecordingQueryAPI.Call) -> Duration?)? = nil,
        failing: (@Sendable (RecordingQueryAPI.Call) -> AWSError?)? = nil
    ) -> RecordingQueryAPI {
        RecordingQueryAPI(delays: delays) { [self] call in
            if let delay = slow?(call) { try await Task.sleep(for: delay) }
            if let error = failing?(call) { throw error }
            return try self.answer(call)
        }
    }

    func answer(_ call: RecordingQueryAPI.Call) throws -> XMLNode? {
        let parameters = call.parameters
        let world = world.withLock { $0 }
        let body: String
        switch call.action {
        case "GetCallerIdentity":
            body = "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>\(Self.account)</Account><Arn>arn:aws:iam::\(Self.account):user/test</Arn><UserId>AIDTEST</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>"
        case "DescribeVpcs":
            body = "<DescribeVpcsResponse><vpcSet><item><vpcId>vpc-0f00</vpcId><state>available</state><cidrBlock>\(world.vpcCidr)</cidrBlock></item></vpcSet></DescribeVpcsResponse>"
        case "DescribeSubnets":
            let items = world.subnetAZ.sorted { $0.key < $1.key }.map { id, az in
                "<item><subnetId>\(id)</subnetId><vpcId>vpc-0f00</vpcId><availabilityZoneId>\(az)</availabilityZoneId></item>"
            }
            body = "<DescribeSubnetsResponse><subnetSet>\(items.joined())</subnetSet></DescribeSubnetsResponse>"
        case "DescribeSecurityGroups":
            body = "<DescribeSecurityGroupsResponse><securityGroupInfo/></DescribeSecurityGroupsResponse>"
        case "DescribeSecurityGroupRules":
            body = "<DescribeSecurityGroupRulesResponse><securityGroupRuleSet/></DescribeSecurityGroupRulesResponse>"
        case "CreateSecurityGroup":
            body = "<CreateSecurityGroupResponse><return>true</return><groupId>\(Self.groupId)</groupId></CreateSecurityGroupResponse>"
        case "AuthorizeSecurityGroupIngress":
            let group = parameters["GroupId"] ?? ""
            body = "<AuthorizeSecurityGroupIngressResponse><return>true</return><securityGroupRuleSet><item><securityGroupRuleId>sgr-0new</securityGroupRuleId><groupId>\(group)</groupId></item></securityGroupRuleSet></AuthorizeSecurityGroupIngressResponse>"
        case "DescribeLoadBalancers":
            // By ARN: the one made here, ready. By name (a full listing): none yet.
            let members = parameters["LoadBalancerArns.member.1"].map { Self.loadBalancerMember(arn: $0, state: "active") } ?? ""
            body = "<DescribeLoadBalancersResponse><DescribeLoadBalancersResult><LoadBalancers>\(members)</LoadBalancers></DescribeLoadBalancersResult></DescribeLoadBalancersResponse>"
        case "CreateLoadBalancer":
            body = "<CreateLoadBalancerResponse><CreateLoadBalancerResult><LoadBalancers>\(Self.loadBalancerMember(arn: Self.loadBalancerArn, state: "provisioning"))</LoadBalancers></CreateLoadBalancerResult></CreateLoadBalancerResponse>"
        case "ModifyLoadBalancerAttributes":
            body = "<ModifyLoadBalancerAttributesResponse><ModifyLoadBalancerAttributesResult><Attributes/></ModifyLoadBalancerAttributesResult></ModifyLoadBalancerAttributesResponse>"
        case "DescribeTags":
            body = "<DescribeTagsResponse><DescribeTagsResult><TagDescriptions/></DescribeTagsResult></DescribeTagsResponse>"
        case "DescribeTargetGroups":
            body = "<DescribeTargetGroupsResponse><DescribeTargetGroupsResult><TargetGroups/></DescribeTargetGroupsResult></DescribeTargetGroupsResponse>"
        case "CreateTargetGroup":
            body = "<CreateTargetGroupResponse><CreateTargetGroupResult><TargetGroups><member><TargetGroupArn>\(Self.targetGroupArn)</TargetGroupArn><TargetGroupName>pl-nlb-target-group</TargetGroupName><Protocol>TCP</Protocol><Port>3306</Port><VpcId>vpc-0f00</VpcId><TargetType>ip</TargetType></member></TargetGroups></CreateTargetGroupResult></CreateTargetGroupResponse>"
        case "RegisterTargets", "DeregisterTargets", "DeleteListener", "DeleteTargetGroup", "DeleteLoadBalancer", "AddTags", "RemoveTags":
            body = "<\(call.action)Response><\(call.action)Result/></\(call.action)Response>"
        case "DescribeListeners":
            body = "<DescribeListenersResponse><DescribeListenersResult><Listeners/></DescribeListenersResult></DescribeListenersResponse>"
        case "CreateListener":
            let loadBalancer = parameters["LoadBalancerArn"] ?? ""
            let targetGroup = parameters["DefaultActions.member.1.TargetGroupArn"] ?? ""
            body = "<CreateListenerResponse><CreateListenerResult><Listeners><member><ListenerArn>\(Self.listenerArn)</ListenerArn><LoadBalancerArn>\(loadBalancer)</LoadBalancerArn><Port>\(parameters["Port"] ?? "")</Port><Protocol>TCP</Protocol><DefaultActions><member><Type>forward</Type><TargetGroupArn>\(targetGroup)</TargetGroupArn></member></DefaultActions></member></Listeners></CreateListenerResult></CreateListenerResponse>"
        case "DescribeVpcEndpointServiceConfigurations":
            // By id: the one made here, Available. A full listing: none yet.
            let items = parameters["ServiceId.1"].map { Self.serviceItem(id: $0, state: "Available") } ?? ""
            body = "<DescribeVpcEndpointServiceConfigurationsResponse><serviceConfigurationSet>\(items)</serviceConfigurationSet></DescribeVpcEndpointServiceConfigurationsResponse>"
        case "CreateVpcEndpointServiceConfiguration":
            body = "<CreateVpcEndpointServiceConfigurationResponse><serviceConfiguration>\(Self.serviceFields(id: Self.serviceId, state: "Pending"))</serviceConfiguration></CreateVpcEndpointServiceConfigurationResponse>"
        case "ModifyVpcEndpointServicePermissions", "DeleteSecurityGroup", "RevokeSecurityGroupIngress", "CreateTags", "DeleteTags", "ModifyVpcEndpointServiceConfiguration":
            body = "<\(call.action)Response><return>true</return></\(call.action)Response>"
        case "DeleteVpcEndpointServiceConfigurations":
            body = "<DeleteVpcEndpointServiceConfigurationsResponse><unsuccessful/></DeleteVpcEndpointServiceConfigurationsResponse>"
        case "DescribeVpcEndpointServicePermissions":
            body = "<DescribeVpcEndpointServicePermissionsResponse><allowedPrincipals/></DescribeVpcEndpointServicePermissionsResponse>"
        default:
            return nil
        }
        return try XMLFixture.parse(Data(body.utf8))
    }

    static func loadBalancerMember(arn: String, state: String, name: String = "pl-nlb") -> String {
        "<member><LoadBalancerArn>\(arn)</LoadBalancerArn><LoadBalancerName>\(name)</LoadBalancerName><DNSName>\(name).elb.example</DNSName><Scheme>internal</Scheme><Type>network</Type><State><Code>\(state)</Code></State></member>"
    }

    static func serviceFields(id: String, state: String, loadBalancerArn: String = loadBalancerArn, tags: [Spec.Tag] = []) -> String {
        let tagItems = tags.map { "<item><key>\($0.key)</key><value>\($0.value)</value></item>" }.joined()
        return "<serviceId>\(id)</serviceId><serviceName>com.amazonaws.vpce.us-east-1.\(id)</serviceName><serviceState>\(state)</serviceState><acceptanceRequired>false</acceptanceRequired><networkLoadBalancerArnSet><item>\(loadBalancerArn)</item></networkLoadBalancerArnSet><tagSet>\(tagItems)</tagSet>"
    }

    static func serviceItem(id: String, state: String, loadBalancerArn: String = loadBalancerArn, tags: [Spec.Tag] = []) -> String {
        "<item>\(serviceFields(id: id, state: state, loadBalancerArn: loadBalancerArn, tags: tags))</item>"
    }

    /// Parses a response body written in a test.
    static func xml(_ body: String) throws -> XMLNode {
        try XMLFixture.parse(Data(body.utf8))
    }
}
