import Foundation

/// Everything carrying one stack's `rplink:stack` tag, as boto3 sees it: the independent
/// check of what rplink created and deleted.
struct StackSnapshot: Sendable, Decodable {
    struct LoadBalancer: Sendable, Decodable {
        var arn: String
        var name: String
        var scheme: String
        var type: String
        var subnets: [String]
        var securityGroups: [String]
        var crossZone: String?
    }

    struct Target: Sendable, Decodable, Hashable {
        var id: String
        var port: Int
        var state: String
        /// `draining` and `unused` are on their way out: not registered for our purposes.
        var isRegistered: Bool { state != "draining" && state != "unused" }
    }

    struct TargetGroup: Sendable, Decodable {
        var arn: String
        var name: String
        var `protocol`: String
        var port: Int
        var targetType: String
        var vpcId: String
        var targets: [Target]
        var registered: Set<String> { Set(targets.filter(\.isRegistered).map { "\($0.id):\($0.port)" }) }
    }

    struct Listener: Sendable, Decodable {
        var arn: String
        var loadBalancerArn: String
        var `protocol`: String
        var port: Int
        var forwardTo: [String]
    }

    struct Service: Sendable, Decodable {
        var id: String
        var name: String
        var loadBalancerArns: [String]
        var acceptanceRequired: Bool
        var principals: [String]
    }

    struct SecurityGroup: Sendable, Decodable {
        var id: String
        var name: String
        var vpcId: String
    }

    struct Rule: Sendable, Decodable {
        var id: String
        var groupId: String
        var isEgress: Bool
        var `protocol`: String
        var fromPort: Int
        var toPort: Int
        var cidr: String?
        var stackTag: String?
    }

    var loadBalancers: [LoadBalancer]
    var targetGroups: [TargetGroup]
    /// Listeners of the stack's load balancers (listeners are owned through their NLB).
    var listeners: [Listener]
    var services: [Service]
    /// Security groups tagged with the stack: only the owned one, never a referenced one.
    var securityGroups: [SecurityGroup]
    /// Ingress rules of `ruleGroupId` (the NLB's group), tagged or not.
    var rules: [Rule]

    var isEmpty: Bool {
        loadBalancers.isEmpty && targetGroups.isEmpty && listeners.isEmpty && services.isEmpty && securityGroups.isEmpty
    }

    /// Reads the stack with boto3; `ruleGroupId` names the group whose ingress rules to list.
    static func read(stack: String, ruleGroupId: String? = nil, with boto: Boto) async throws -> StackSnapshot {
        try await boto.run("""
            stack = "\(stack)"
            rule_group = \(ruleGroupId.map { "\"\($0)\"" } ?? "None")
            from botocore.exceptions import ClientError

            def ours(tags):
                return any(t["Key"] == "rplink:stack" and t["Value"] == stack for t in tags)

            def elb_tags(arns):
                if not arns:
                    return {}
                return {d["ResourceArn"]: d.get("Tags", []) for d in elbv2.describe_tags(ResourceArns=arns)["TagDescriptions"]}

            lbs = elbv2.describe_load_balancers()["LoadBalancers"]
            lb_tags = elb_tags([lb["LoadBalancerArn"] for lb in lbs])
            load_balancers, listeners = [], []
            for lb in lbs:
                if not ours(lb_tags.get(lb["LoadBalancerArn"], [])):
                    continue
                attributes = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(
                    LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]}
                load_balancers.append({
                    "arn": lb["LoadBalancerArn"], "name": lb["LoadBalancerName"], "scheme": lb["Scheme"],
                    "type": lb["Type"], "subnets": sorted(z["SubnetId"] for z in lb["AvailabilityZones"]),
                    "securityGroups": sorted(lb.get("SecurityGroups", [])),
                    "crossZone": attributes.get("load_balancing.cross_zone.enabled"),
                })
                for listener in elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
                    listeners.append({
                        "arn": listener["ListenerArn"], "loadBalancerArn": listener["LoadBalancerArn"],
                        "protocol": listener["Protocol"], "port": listener["Port"],
                        "forwardTo": [a["TargetGroupArn"] for a in listener["DefaultActions"] if a["Type"] == "forward"],
                    })

            tgs = elbv2.describe_target_groups()["TargetGroups"]
            tg_tags = elb_tags([tg["TargetGroupArn"] for tg in tgs])
            target_groups = []
            for tg in tgs:
                if not ours(tg_tags.get(tg["TargetGroupArn"], [])):
                    continue
                health = elbv2.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]
                target_groups.append({
                    "arn": tg["TargetGroupArn"], "name": tg["TargetGroupName"], "protocol": tg["Protocol"],
                    "port": tg["Port"], "targetType": tg["TargetType"], "vpcId": tg["VpcId"],
                    "targets": [{"id": h["Target"]["Id"], "port": h["Target"]["Port"],
                                 "state": h["TargetHealth"]["State"]} for h in health],
                })

            stack_filter = [{"Name": "tag:rplink:stack", "Values": [stack]}]
            services = []
            for s in ec2.describe_vpc_endpoint_service_configurations(Filters=stack_filter)["ServiceConfigurations"]:
                # The emulator ignores tag filters on this call: check the tag here too.
                if not ours(s.get("Tags", [])):
                    continue
                permissions = ec2.describe_vpc_endpoint_service_permissions(ServiceId=s["ServiceId"])["AllowedPrincipals"]
                services.append({
                    "id": s["ServiceId"], "name": s["ServiceName"],
                    "loadBalancerArns": s.get("NetworkLoadBalancerArns", []),
                    "acceptanceRequired": s["AcceptanceRequired"],
                    "principals": sorted(p["Principal"] for p in permissions),
                })

            groups = [{"id": g["GroupId"], "name": g["GroupName"], "vpcId": g["VpcId"]}
                      for g in ec2.describe_security_groups(Filters=stack_filter)["SecurityGroups"]]

            rules = []
            if rule_group is not None:
                try:
                    live = ec2.describe_security_group_rules(
                        Filters=[{"Name": "group-id", "Values": [rule_group]}])["SecurityGroupRules"]
                except ClientError:
                    live = []
                for r in live:
                    if r["GroupId"] != rule_group or r["IsEgress"]:
                        continue
                    tag = next((t["Value"] for t in r.get("Tags", []) if t["Key"] == "rplink:stack"), None)
                    rules.append({
                        "id": r["SecurityGroupRuleId"], "groupId": r["GroupId"], "isEgress": r["IsEgress"],
                        "protocol": r["IpProtocol"], "fromPort": r.get("FromPort", -1), "toPort": r.get("ToPort", -1),
                        "cidr": r.get("CidrIpv4"), "stackTag": tag,
                    })

            emit({"loadBalancers": load_balancers, "targetGroups": target_groups, "listeners": listeners,
                  "services": services, "securityGroups": groups, "rules": rules})
            """)
    }
}
