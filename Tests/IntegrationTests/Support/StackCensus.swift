import Foundation

/// What boto3 finds for many stacks in one read (one Python start instead of one per
/// stack): for each stack, everything that carries its tag *or* its names, so that an
/// untagged duplicate or a stray lock group is counted as well as a tagged one.
struct StackCensus: Sendable, Decodable {
    struct Stack: Sendable, Decodable, Equatable, CustomStringConvertible {
        /// Load balancers named `<stack>-nlb` or tagged with the stack.
        var loadBalancers: Int
        var crossZone: [String]
        /// Target groups named `<stack>-tg` or tagged with the stack.
        var targetGroups: Int
        /// `ip:port` of every registered (not draining or unused) target of those groups.
        var targets: [String]
        /// Listeners of those load balancers, as `port->target group name`.
        var listeners: [String]
        /// Endpoint services tagged with the stack or pointing at one of its load balancers.
        var services: Int
        /// Services whose only load balancer is the stack's (single) load balancer.
        var servicesOnTheLoadBalancer: Int
        var principals: [String]
        /// Security groups named `<stack>-nlb` or tagged with the stack, lock included, by name.
        var securityGroups: [String]
        /// Ingress rules of the owned group, as `protocol:from-to:cidr`.
        var rules: [String]

        var isEmpty: Bool {
            loadBalancers == 0 && targetGroups == 0 && listeners.isEmpty && services == 0 && securityGroups.isEmpty
        }

        var description: String {
            "nlb \(loadBalancers) (cross-zone \(crossZone)), tg \(targetGroups) targets \(targets), listeners \(listeners), services \(services) (on the NLB \(servicesOnTheLoadBalancer)) principals \(principals), groups \(securityGroups), rules \(rules)"
        }
    }

    var stacks: [String: Stack]
    var vpcs: [String]
    var subnets: [String]

    static func read(stacks: [String], with boto: Boto) async throws -> StackCensus {
        let names = stacks.map { "\"\($0)\"" }.joined(separator: ", ")
        return try await boto.run("""
            stacks = [\(names)]

            def tag(tags, key="rplink:stack"):
                return next((t["Value"] for t in tags or [] if t["Key"] == key), None)

            def elb_tags(arns):
                found = {}
                for i in range(0, len(arns), 20):
                    for d in elbv2.describe_tags(ResourceArns=arns[i:i + 20])["TagDescriptions"]:
                        found[d["ResourceArn"]] = d.get("Tags", [])
                return found

            lbs = elbv2.describe_load_balancers()["LoadBalancers"]
            tgs = elbv2.describe_target_groups()["TargetGroups"]
            tags = elb_tags([x["LoadBalancerArn"] for x in lbs] + [x["TargetGroupArn"] for x in tgs])
            services = ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
            groups = ec2.describe_security_groups()["SecurityGroups"]
            tg_names = {x["TargetGroupArn"]: x["TargetGroupName"] for x in tgs}

            result = {}
            for stack in stacks:
                my_lbs = [x for x in lbs if x["LoadBalancerName"] == stack + "-nlb" or tag(tags.get(x["LoadBalancerArn"])) == stack]
                my_lb_arns = {x["LoadBalancerArn"] for x in my_lbs}
                cross = []
                listeners = []
                for lb in my_lbs:
                    attributes = elbv2.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]
                    cross += [a["Value"] for a in attributes if a["Key"] == "load_balancing.cross_zone.enabled"]
                    for listener in elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
                        forward = [tg_names.get(a.get("TargetGroupArn"), "?") for a in listener["DefaultActions"] if a["Type"] == "forward"]
                        listeners.append("%d->%s" % (listener["Port"], ",".join(forward)))
                my_tgs = [x for x in tgs if x["TargetGroupName"] == stack + "-tg" or tag(tags.get(x["TargetGroupArn"])) == stack]
                targets = []
                for tg in my_tgs:
                    for h in elbv2.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]:
                        if h["TargetHealth"]["State"] not in ("draining", "unused"):
                            targets.append("%s:%d" % (h["Target"]["Id"], h["Target"]["Port"]))
                my_services = [s for s in services if tag(s.get("Tags")) == stack
                               or my_lb_arns.intersection(s.get("NetworkLoadBalancerArns", []))]
                my_services = [s for s in my_services if s.get("ServiceState") not in ("Deleted",)]
                on_lb = [s for s in my_services if len(my_lbs) == 1 and s.get("NetworkLoadBalancerArns") == [my_lbs[0]["LoadBalancerArn"]]]
                principals = []
                for s in my_services:
                    principals += [p["Principal"] for p in ec2.describe_vpc_endpoint_service_permissions(ServiceId=s["ServiceId"])["AllowedPrincipals"]]
                my_groups = [g for g in groups if g["GroupName"] in (stack + "-nlb", "rplink-lock-" + stack) or tag(g.get("Tags")) == stack]
                rules = []
                owned = [g["GroupId"] for g in my_groups if g["GroupName"] == stack + "-nlb"]
                if owned:
                    for r in ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": owned}])["SecurityGroupRules"]:
                        if not r["IsEgress"] and r["GroupId"] in owned:
                            rules.append("%s:%s-%s:%s" % (r["IpProtocol"], r.get("FromPort"), r.get("ToPort"), r.get("CidrIpv4")))
                result[stack] = {
                    "loadBalancers": len(my_lbs), "crossZone": cross, "targetGroups": len(my_tgs), "targets": sorted(targets),
                    "listeners": sorted(listeners), "services": len(my_services), "servicesOnTheLoadBalancer": len(on_lb),
                    "principals": sorted(principals), "securityGroups": sorted(g["GroupName"] for g in my_groups), "rules": sorted(rules),
                }
            emit({"stacks": result, "vpcs": [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]],
                  "subnets": [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]})
            """)
    }
}
