/// Live objects as attribute lists with the same names and order as the desired resources,
/// so the two can be compared and shown side by side.
enum Attributes {
    static func securityGroup(_ group: LiveState.SecurityGroup) -> [Attribute] {
        [Attribute("id", .string(group.id)), Attribute("name", .string(group.name)), Attribute("vpc_id", .string(group.vpcId)), Attribute("tags", .tags(group.tags))]
    }

    static func rule(_ rule: LiveState.SecurityGroupRule) -> [Attribute] {
        var attributes = [
            Attribute("security_group_id", .string(rule.groupId)),
            Attribute("protocol", .string(rule.ipProtocol)),
            Attribute("from_port", .int(rule.fromPort)),
            Attribute("to_port", .int(rule.toPort)),
            Attribute("cidr_ipv4", rule.cidrIPv4.map(AttributeValue.string) ?? .string("")),
        ]
        attributes.append(Attribute("description", .string(rule.description ?? "")))
        attributes.append(Attribute("tags", .tags(rule.tags)))
        return attributes
    }

    /// Where a live rule sits in the address space: by its CIDR, whatever its port.
    static func ruleAddress(_ rule: LiveState.SecurityGroupRule) -> ResourceAddress {
        .securityGroupRule(cidr: rule.cidrIPv4 ?? rule.id)
    }

    static func loadBalancer(_ loadBalancer: LiveState.LoadBalancer) -> [Attribute] {
        [
            Attribute("arn", .string(loadBalancer.arn)),
            Attribute("name", .string(loadBalancer.name)),
            Attribute("scheme", .string(loadBalancer.scheme)),
            Attribute("type", .string(loadBalancer.type)),
            Attribute("subnets", .strings(loadBalancer.subnetIds.sorted())),
            Attribute("security_groups", .strings(loadBalancer.securityGroupIds.sorted())),
            Attribute("cross_zone", .bool(loadBalancer.crossZone)),
            Attribute("tags", .tags(loadBalancer.tags)),
        ]
    }

    static func targetGroup(_ group: LiveState.TargetGroup) -> [Attribute] {
        [
            Attribute("arn", .string(group.arn)),
            Attribute("name", .string(group.name)),
            Attribute("protocol", .string(group.protocolName)),
            Attribute("port", .int(group.port)),
            Attribute("vpc_id", .string(group.vpcId)),
            Attribute("target_type", .string(group.targetType)),
            Attribute("tags", .tags(group.tags)),
        ]
    }

    static func target(_ target: LiveState.Target, targetGroupArn: String) -> [Attribute] {
        [Attribute("target_group_arn", .string(targetGroupArn)), Attribute("ip", .string(target.id)), Attribute("port", .int(target.port))]
    }

    static func listener(_ listener: LiveState.Listener, loadBalancerArn: String) -> [Attribute] {
        [
            Attribute("arn", .string(listener.arn)),
            Attribute("load_balancer_arn", .string(loadBalancerArn)),
            Attribute("protocol", .string(listener.protocolName)),
            Attribute("port", .int(listener.port)),
            Attribute("target_group_arn", listener.targetGroupArn.map(AttributeValue.string) ?? .string("")),
            Attribute("tags", .tags(listener.tags)),
        ]
    }

    static func endpointService(_ service: LiveState.EndpointService, loadBalancerArn: String? = nil, principals: [String]) -> [Attribute] {
        let pointsAt = loadBalancerArn.flatMap { service.loadBalancerArns.contains($0) ? $0 : nil } ?? service.loadBalancerArns.first ?? ""
        return [
            Attribute("id", .string(service.id)),
            Attribute("service_name", .string(service.name)),
            Attribute("load_balancer_arn", .string(pointsAt)),
            Attribute("acceptance_required", .bool(service.acceptanceRequired)),
            Attribute("tags", .tags(service.tags)),
        ]
    }

    static func principal(_ principal: String, serviceId: String) -> [Attribute] {
        [Attribute("service_id", .string(serviceId)), Attribute("principal", .string(principal))]
    }

    /// The attributes of `after` whose values differ from `before`; names `before` lacks are
    /// not observable live and are skipped. Names in `forcing` are marked as forcing replacement.
    static func changes(before: [Attribute], after: [Attribute], forcing: Set<String> = []) -> [AttributeChange] {
        after.compactMap { attribute in
            guard attribute.name != "tags", let old = before[named: attribute.name], old != attribute.value else { return nil }
            return AttributeChange(attribute.name, old, attribute.value, forcesReplacement: forcing.contains(attribute.name))
        }
    }

    /// Desired tags the live object lacks or holds with another value; extra tags stay.
    static func missingTags(live: [Spec.Tag], desired: [Spec.Tag]) -> [Spec.Tag] {
        desired.filter { wanted in !live.contains(wanted) }
    }

    /// The keys to remove: those rplink set (listed in the live `rplink:tags`) that the spec
    /// no longer has, and `rplink:tags` itself once the spec has no tags. Tags someone else
    /// put on the object are not listed there, so they stay.
    static func staleTagKeys(live: [Spec.Tag], desired: [Spec.Tag]) -> [String] {
        guard let listed = live.first(where: { $0.key == StackConventions.tagKeysKey }) else { return [] }
        let wanted = Set(desired.map(\.key))
        let keys = listed.value.split(separator: ",").map(String.init) + [StackConventions.tagKeysKey]
        return keys.filter { key in !wanted.contains(key) && live.contains { $0.key == key } }
    }

    /// The tag change an adoption or a spec tag edit makes, shown as one attribute change.
    static func tagChange(live: [Spec.Tag], desired: [Spec.Tag]) -> AttributeChange? {
        let missing = missingTags(live: live, desired: desired)
        let stale = staleTagKeys(live: live, desired: desired)
        guard !missing.isEmpty || !stale.isEmpty else { return nil }
        var merged = live.filter { tag in !missing.contains { $0.key == tag.key } && !stale.contains(tag.key) }
        merged += missing
        return AttributeChange("tags", .tags(live), .tags(merged))
    }

    /// The steps that bring an object's tags to the desired ones: add or overwrite, then
    /// remove what the spec dropped.
    static func tagSteps(_ service: TaggingService, id: String, live: [Spec.Tag], desired: [Spec.Tag]) -> [StepOperation] {
        let missing = missingTags(live: live, desired: desired), stale = staleTagKeys(live: live, desired: desired)
        return (missing.isEmpty ? [] : [.tagResource(service: service, resourceId: id, tags: missing)])
            + (stale.isEmpty ? [] : [.untagResource(service: service, resourceId: id, keys: stale)])
    }
}
