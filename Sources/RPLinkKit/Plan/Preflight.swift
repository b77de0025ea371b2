/// Read-only checks of the spec against the live account, made before any change (DESIGN.md
/// section 3). Errors stop an apply; warnings are shown and let it go on.
public enum Preflight {
    public static func check(spec: Spec, live: LiveState) -> [PlanMessage] {
        var messages: [PlanMessage] = []
        func error(_ subject: String, _ text: String) { messages.append(PlanMessage(.error, stack: spec.name, subject: subject, text)) }
        func warning(_ subject: String, _ text: String) { messages.append(PlanMessage(.warning, stack: spec.name, subject: subject, text)) }

        // Where the writer's address came from, for the reviewer: an IP in the spec, or a name.
        let writerKey = spec.database.writerEndpoint == nil ? "database.writer_ip" : "database.writer_endpoint"
        if let endpoint = spec.database.writerEndpoint {
            messages.append(PlanMessage(.note, stack: spec.name, subject: writerKey,
                                        "\(endpoint) resolves to \(spec.database.writerIP), the writer's address for the target group"))
        }
        let vpcId = spec.producer.vpcId
        guard let vpc = live.vpc else {
            error(vpcId, "the VPC \(vpcId) does not exist in account \(live.accountId), region \(spec.region)")
            return messages
        }
        let liveSubnets = Dictionary(live.subnets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for subnet in spec.producer.subnets {
            guard let found = liveSubnets[subnet.subnetId], !live.missingSubnetIds.contains(subnet.subnetId) else {
                error(subnet.subnetId, "the subnet \(subnet.subnetId) does not exist")
                continue
            }
            if found.vpcId != vpcId {
                error(subnet.subnetId, "the subnet \(subnet.subnetId) is in \(found.vpcId), not in the spec's VPC \(vpcId)")
            }
            if found.azId != subnet.azId {
                error(subnet.subnetId, "the subnet \(subnet.subnetId) is in AZ id \(found.azId), but the spec says \(subnet.azId) (AZ names differ between accounts, AZ ids do not)")
            }
        }
        if let referencedId = spec.producer.securityGroupId {
            if let group = live.referencedSecurityGroup {
                if group.vpcId != vpcId {
                    error(referencedId, "the security group \(referencedId) is in \(group.vpcId), not in the spec's VPC \(vpcId)")
                }
            } else {
                error(referencedId, "the security group \(referencedId) does not exist")
            }
        }
        let writer = spec.database.writerIP
        if SpecFormat.isOutside(writer, cidrBlocks: vpc.cidrBlocks) {
            let blocks = vpc.cidrBlocks.joined(separator: ", ")
            if SpecFormat.isPrivate(writer) {
                warning(writerKey, "the writer IP \(writer) is outside every CIDR block of \(vpcId) (\(blocks)): IP targets outside the VPC need routing (it is registered with Availability Zone all, as AWS requires)")
            } else {
                let publicName = spec.database.writerEndpoint == nil ? "" : " (the endpoint of a publicly accessible instance resolves to its public address outside its VPC: give its private address as database.writer_ip)"
                error(writerKey, "the writer IP \(writer) is outside every CIDR block of \(vpcId) (\(blocks)) and is not a private address: AWS accepts an IP target outside the VPC only from 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10\(publicName)")
            }
        }
        if let target = live.targets.first(where: { $0.id == writer && $0.isRegisteredButNotInUse }) {
            warning(writerKey, "the writer \(target.id) is registered, but the load balancer sends it nothing (Target.NotInUse): either no listener forwards to the target group yet (an earlier apply stopped halfway: apply again), or the writer's Availability Zone has no subnet of the load balancer (add a producer subnet in that zone)")
        }
        // The usual first-day failure: the database's own group does not let the load balancer in.
        if let target = live.targets.first(where: { $0.id == writer && $0.port == spec.database.port && $0.state == "unhealthy" }) {
            let reason = target.reason.map { " (\($0))" } ?? ""
            let group = live.loadBalancer?.securityGroupIds.first ?? spec.producer.securityGroupId ?? live.ownedSecurityGroup?.id
            let source = group.map { "from the load balancer's security group \($0)" } ?? "from the load balancer's subnets"
            warning(writerKey, "the writer \(target.id):\(target.port) fails the load balancer's health checks\(reason), so the consumer cannot connect through it: the database's own security group must let TCP \(target.port) in \(source)")
        }
        // One inbound rule per CIDR; AWS's default quota is 60 per group (it can be raised).
        let ruleQuota = 60
        if spec.consumer.cidrBlocks.count > ruleQuota {
            warning("consumer.cidr_blocks", "\(spec.consumer.cidrBlocks.count) CIDR blocks make as many inbound rules, over AWS's default quota of \(ruleQuota) per security group: have the quota raised first (Service Quotas: \"Inbound or outbound rules per security group\"), or apply stops at the first rule over it")
        }
        return messages
    }
}
