extension Planner {
    /// Deletes what carries this stack's tag, and nothing else: never the VPC, the subnets,
    /// a referenced security group or anything untagged.
    static func planDestroy(into builder: inout PlanBuilder) {
        let live = builder.live
        defer {
            // Every object of a stack lives in (or hangs off an NLB in) the spec's VPC. Where
            // that VPC is missing and nothing was found, "nothing to destroy" would be a false
            // all-clear: the likely cause is the wrong region or account, with the stack still
            // running where it was made.
            if live.vpc == nil && builder.actions.isEmpty {
                let vpcId = builder.spec.producer.vpcId
                builder.error(vpcId, "the VPC \(vpcId) does not exist in account \(live.accountId), region \(builder.spec.region), so no object of this stack can be found here; check the spec's region and the account of your credentials")
            }
        }
        func isOurs(_ tags: [Spec.Tag]) -> Bool { live.ownership(of: tags) == .ours }
        func untagged(_ address: ResourceAddress, _ what: String) {
            builder.note(address.description, "\(what) is not tagged \(StackConventions.stackTagKey)=\(builder.spec.name); destroy leaves it alone")
        }
        for service in live.endpointServices {
            guard isOurs(service.tags) else { continue }
            let address = service.tags.first { $0.key == StackConventions.resourceTagKey }?.value == ResourceAddress.endpointService.description
                ? ResourceAddress.endpointService : .strayEndpointService(id: service.id)
            builder.add(
                PlannedAction(address: address, action: .delete, reason: "tagged with this stack; its allowed principals go with it",
                              before: Attributes.endpointService(service, principals: live.allowedPrincipals), after: nil),
                steps: [.deleteEndpointService(serviceId: service.id)])
            builder.note(address.description, "AWS deletes the endpoint service \(service.id) only once no consumer endpoint is connected to it: the consumer deletes its interface endpoint first (or you reject it)")
        }
        if let loadBalancer = live.loadBalancer {
            if isOurs(loadBalancer.tags) {
                // Listeners belong to their NLB; they are deleted first so that the target group is free.
                for listener in live.listeners {
                    let address = listener.port == builder.spec.database.port
                        ? ResourceAddress.listener : ResourceAddress(kind: .listener, name: "stray", key: String(listener.port))
                    builder.add(
                        PlannedAction(address: address, action: .delete, reason: "on this stack's load balancer",
                                      before: Attributes.listener(listener, loadBalancerArn: loadBalancer.arn), after: nil),
                        steps: [.deleteListener(listenerArn: listener.arn)])
                }
                builder.add(
                    PlannedAction(address: .loadBalancer, action: .delete, reason: "tagged with this stack",
                                  before: Attributes.loadBalancer(loadBalancer), after: nil),
                    steps: [.deleteLoadBalancer(loadBalancerArn: loadBalancer.arn)])
            } else {
                untagged(.loadBalancer, "the load balancer \(loadBalancer.name)")
            }
        }
        if let targetGroup = live.targetGroup {
            if isOurs(targetGroup.tags) {
                builder.add(
                    PlannedAction(address: .targetGroup, action: .delete, reason: "tagged with this stack; its targets go with it",
                                  before: Attributes.targetGroup(targetGroup), after: nil),
                    steps: [.deleteTargetGroup(targetGroupArn: targetGroup.arn)])
            } else {
                untagged(.targetGroup, "the target group \(targetGroup.name)")
            }
        }
        let ownedGroup = live.ownedSecurityGroup.flatMap { isOurs($0.tags) ? $0 : nil }
        for rule in live.securityGroupRules where isOurs(rule.tags) && rule.groupId != ownedGroup?.id {
            builder.add(
                PlannedAction(address: Attributes.ruleAddress(rule), action: .delete, reason: "tagged with this stack",
                              before: Attributes.rule(rule), after: nil),
                steps: [.revokeIngress(groupId: rule.groupId, ruleId: rule.id)])
        }
        if let group = live.ownedSecurityGroup {
            if let ownedGroup {
                builder.add(
                    PlannedAction(address: .securityGroup, action: .delete, reason: "tagged with this stack; its rules go with it",
                                  before: Attributes.securityGroup(ownedGroup), after: nil),
                    steps: [.deleteSecurityGroup(groupId: ownedGroup.id)])
            } else {
                untagged(.securityGroup, "the security group \(group.name) (\(group.id))")
            }
        }
    }
}
