import Foundation

/// A stack made outside rplink, with boto3, by the seed runbook's calls (create-load-balancer,
/// create-target-group, register-targets, create-listener, the cross-zone attribute,
/// create-vpc-endpoint-service-configuration, modify-vpc-endpoint-service-permissions, the
/// ingress rule): what someone who followed the runbook has. With `tagged`, every object also
/// carries the tags rplink would have given it, so the stack is indistinguishable from one
/// rplink made.
///
/// It uses the fixture's own security group, so the matching spec references that group
/// (`ProducerFixture.specYAML(name:referenceSecurityGroup: true)`).
struct RunbookStack: Sendable, Decodable {
    var loadBalancerArn: String
    var targetGroupArn: String
    var listenerArn: String
    var serviceId: String

    enum CodingKeys: String, CodingKey {
        case loadBalancerArn = "load_balancer_arn"
        case targetGroupArn = "target_group_arn"
        case listenerArn = "listener_arn"
        case serviceId = "service_id"
    }

    /// Builds the stack `name` with the spec's default names (`<name>-nlb`, `<name>-tg`).
    static func create(name: String, fixture: ProducerFixture, tagged: Bool, with boto: Boto) async throws -> RunbookStack {
        let subnets = fixture.subnets.map { "\"\($0.subnetId)\"" }.joined(separator: ", ")
        let cidr = ProducerFixture.consumerCIDR
        let ruleAddress = #"security_group_rule.consumer[\"\#(cidr)\"]"#
        return try await boto.run("""
            name, tagged = "\(name)", \(tagged ? "True" : "False")
            def tagged_as(address):
                return [{"Key": "rplink:stack", "Value": name}, {"Key": "rplink:resource", "Value": address}]
            def tags(address):
                return {"Tags": tagged_as(address)} if tagged else {}
            def spec(kind, address):
                return {"TagSpecifications": [{"ResourceType": kind, "Tags": tagged_as(address)}]} if tagged else {}

            lb = elbv2.create_load_balancer(Name=name + "-nlb", Type="network", Scheme="internal",
                                            Subnets=[\(subnets)], SecurityGroups=["\(fixture.securityGroupId)"],
                                            **tags("load_balancer.nlb"))["LoadBalancers"][0]["LoadBalancerArn"]
            tg = elbv2.create_target_group(Name=name + "-tg", Protocol="TCP", Port=3306, VpcId="\(fixture.vpcId)",
                                           TargetType="ip", **tags("target_group.writer"))["TargetGroups"][0]["TargetGroupArn"]
            elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": "\(ProducerFixture.writerIP)", "Port": 3306}])
            listener = elbv2.create_listener(LoadBalancerArn=lb, Protocol="TCP", Port=3306,
                                             DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
                                             **tags("listener.db"))["Listeners"][0]["ListenerArn"]
            elbv2.modify_load_balancer_attributes(LoadBalancerArn=lb, Attributes=[
                {"Key": "load_balancing.cross_zone.enabled", "Value": "true"}])
            service = ec2.create_vpc_endpoint_service_configuration(
                NetworkLoadBalancerArns=[lb], AcceptanceRequired=False,
                **spec("vpc-endpoint-service", "endpoint_service.main"))["ServiceConfiguration"]["ServiceId"]
            ec2.modify_vpc_endpoint_service_permissions(
                ServiceId=service, AddAllowedPrincipals=["arn:aws:iam::\(ProducerFixture.consumerAccountId):root"])
            ec2.authorize_security_group_ingress(
                GroupId="\(fixture.securityGroupId)",
                IpPermissions=[{"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": [{
                    "CidrIp": "\(cidr)",
                    "Description": "rplink %s: consumer \(ProducerFixture.consumerAccountId) to the database" % name}]}],
                **spec("security-group-rule", "\(ruleAddress)"))
            emit({"load_balancer_arn": lb, "target_group_arn": tg, "listener_arn": listener, "service_id": service})
            """)
    }
}
