/// Plans the changes that bring the live state to the spec, resource by resource in
/// dependency order, so each resource knows what became of the ones it points at.
struct Convergence {
    var builder: PlanBuilder
    private var known = KnownIdentifiers()

    /// What became of a resource others reference.
    enum Fate: Equatable {
        case created
        case replaced
        case kept(id: String)
        /// Not ours and not adoptable: dependents are not planned.
        case blocked

        func reference(_ address: ResourceAddress) -> ResourceReference? {
            switch self {
            case .created, .replaced: .ref(address)
            case .kept(let id): .id(id)
            case .blocked: nil
            }
        }

        var keptId: String? {
            if case .kept(let id) = self { return id }
            return nil
        }
    }

    init(builder: PlanBuilder) {
        self.builder = builder
    }

    private var spec: Spec { builder.spec }
    private var live: LiveState { builder.live }

    private func desired(_ address: ResourceAddress) -> DesiredResource? {
        (try? ResourceGraph.expand(spec, known: known))?[address]
    }

    private func tags(_ address: ResourceAddress) -> [Spec.Tag] { StackConventions.tags(for: address, in: spec) }

    private func isOurs(_ tags: [Spec.Tag]) -> Bool { live.ownership(of: tags) == .ours }

    private func resourceTag(_ tags: [Spec.Tag]) -> String? {
        tags.first { $0.key == StackConventions.resourceTagKey }?.value
    }

    mutating func run() {
        let group = planSecurityGroup()
        known.securityGroupId = group.keptId
        planRules(group: group)
        let loadBalancer = planLoadBalancer(group: group)
        known.loadBalancerArn = loadBalancer.keptId
        let targetGroup = planTargetGroup()
        known.targetGroupArn = targetGroup.keptId
        planTargets(targetGroup: targetGroup)
        planListener(loadBalancer: loadBalancer, targetGroup: targetGroup)
        let service = planEndpointService(loadBalancer: loadBalancer)
        known.endpointServiceId = service.keptId
        planPrincipals(service: service)
    }

    /// The reason of an update: `differs from the spec: cross_zone, tags`.
    private static func differs(_ changes: [AttributeChange]) -> String {
        "differs from the spec: " + changes.map(\.name).joined(separator: ", ")
    }

    /// A summary of forcing changes: `subnets: [...] -> [...]`.
    private func describe(_ changes: [AttributeChange]) -> String {
        changes.filter(\.forcesReplacement).map { change in
            "\(change.name): \(change.before?.description ?? "null") -> \(change.after?.description ?? "null")"
        }.joined(separator: "; ")
    }

    // MARK: security group

    private mutating func planSecurityGroup() -> Fate {
        let address = ResourceAddress.securityGroup
        guard spec.ownsSecurityGroup else {
            if let leftover = live.ownedSecurityGroup, isOurs(leftover.tags) {
                builder.add(
                    PlannedAction(address: address, action: .delete, reason: "the spec now references \(spec.producer.securityGroupId ?? "another group"); the group this stack created is no longer used",
                                  before: Attributes.securityGroup(leftover), after: nil),
                    steps: [.deleteSecurityGroup(groupId: leftover.id)])
            }
            return .kept(id: spec.producer.securityGroupId ?? "")
        }
        guard let resource = desired(address) else { return .blocked }
        let create = StepOperation.createSecurityGroup(
            name: spec.ownedSecurityGroupName, description: StackConventions.securityGroupDescription(spec),
            vpcId: spec.producer.vpcId, tags: resource.tags)
        guard let group = live.ownedSecurityGroup else {
            builder.add(PlannedAction(address: address, action: .create, reason: "not found", before: nil, after: resource.attributes + [Attribute("tags", .tags(resource.tags))]), steps: [create])
            return .created
        }
        let before = Attributes.securityGroup(group)
        let changes = Attributes.changes(before: before, after: resource.attributes, forcing: ["name", "vpc_id"])
        guard let adopting = builder.claim(address, tags: group.tags, what: "the security group \(group.name) (\(group.id))",
                                           blocker: changes.isEmpty ? nil : describe(changes)) else { return .blocked }
        if !changes.isEmpty {
            builder.add(
                PlannedAction(address: address, action: .replace, reason: describe(changes), before: before, after: resource.attributes, changes: changes),
                steps: [.deleteSecurityGroup(groupId: group.id), create])
            return .replaced
        }
        if let tagChange = Attributes.tagChange(live: group.tags, desired: resource.tags) {
            builder.add(
                PlannedAction(address: address, action: .update, reason: adopting ? "adopt: tag it and take it over" : Self.differs([tagChange]),
                              before: before, after: resource.attributes, changes: [tagChange]),
                steps: Attributes.tagSteps(.ec2, id: group.id, live: group.tags, desired: resource.tags))
        }
        return .kept(id: group.id)
    }

    // MARK: security group rules

    private mutating func planRules(group: Fate) {
        guard let groupReference = group.reference(.securityGroup) else { return }
        let port = spec.database.port
        var liveRules = group.keptId.map { id in live.securityGroupRules.filter { $0.groupId == id } } ?? []
        for cidr in spec.consumer.cidrBlocks {
            let address = ResourceAddress.securityGroupRule(cidr: cidr)
            guard let resource = desired(address) else { continue }
            let description = StackConventions.ruleDescription(spec)
            let authorize = StepOperation.authorizeIngress(
                groupId: groupReference, ipProtocol: StackConventions.ruleProtocol, fromPort: port, toPort: port,
                cidr: cidr, description: description, tags: resource.tags)
            let after = resource.attributes + [Attribute("tags", .tags(resource.tags))]
            if let index = liveRules.firstIndex(where: { $0.ipProtocol == StackConventions.ruleProtocol && $0.fromPort == port && $0.toPort == port && $0.cidrIPv4 == cidr }) {
                let rule = liveRules.remove(at: index)
                let before = Attributes.rule(rule)
                guard let adopting = builder.claim(address, tags: rule.tags, what: "the ingress rule \(rule.id) (tcp \(port) from \(cidr))") else { continue }
                var changes = Attributes.changes(before: before, after: resource.attributes)
                var steps: [StepOperation] = []
                if !changes.isEmpty {
                    steps.append(.modifyRuleDescription(groupId: rule.groupId, ruleId: rule.id, ipProtocol: rule.ipProtocol, fromPort: port, toPort: port, cidr: cidr, description: description))
                }
                if let tagChange = Attributes.tagChange(live: rule.tags, desired: resource.tags) {
                    changes.append(tagChange)
                    steps += Attributes.tagSteps(.ec2, id: rule.id, live: rule.tags, desired: resource.tags)
                }
                if !steps.isEmpty {
                    builder.add(PlannedAction(address: address, action: .update, reason: adopting ? "adopt: tag it and take it over" : Self.differs(changes),
                                              before: before, after: after, changes: changes), steps: steps)
                }
            } else if let index = liveRules.firstIndex(where: { isOurs($0.tags) && resourceTag($0.tags) == address.description }) {
                let rule = liveRules.remove(at: index)
                let before = Attributes.rule(rule)
                let changes = Attributes.changes(before: before, after: resource.attributes, forcing: ["protocol", "from_port", "to_port", "cidr_ipv4"])
                builder.add(
                    PlannedAction(address: address, action: .replace, reason: "rules cannot change ports in place: revoke and authorize (\(describe(changes)))",
                                  before: before, after: after, changes: changes),
                    steps: [.revokeIngress(groupId: rule.groupId, ruleId: rule.id), authorize])
            } else {
                builder.add(PlannedAction(address: address, action: .create, reason: "not found", before: nil, after: after), steps: [authorize])
            }
        }
        // Only rules carrying our tag are ours to remove; hand-made rules stay. This stack's
        // rules on a group it no longer uses go too: left there, they would keep the consumer's
        // CIDRs let in (the old group is often the database's own).
        for rule in liveRules where isOurs(rule.tags) {
            builder.add(
                PlannedAction(address: Attributes.ruleAddress(rule), action: .delete,
                              reason: "tagged with this stack but no longer in the spec", before: Attributes.rule(rule), after: nil),
                steps: [.revokeIngress(groupId: rule.groupId, ruleId: rule.id)])
        }
        for rule in live.securityGroupRules where rule.groupId != group.keptId && isOurs(rule.tags) {
            builder.add(
                PlannedAction(address: .formerRule(groupId: rule.groupId, cidr: rule.cidrIPv4 ?? rule.id), action: .delete,
                              reason: "on \(rule.groupId), which this stack no longer uses", before: Attributes.rule(rule), after: nil),
                steps: [.revokeIngress(groupId: rule.groupId, ruleId: rule.id)])
        }
    }

    // MARK: load balancer

    private mutating func planLoadBalancer(group: Fate) -> Fate {
        let address = ResourceAddress.loadBalancer
        guard let groupReference = group.reference(.securityGroup), let resource = desired(address) else {
            // Still report a load balancer we may not touch, so one plan lists every refusal.
            if let loadBalancer = live.loadBalancer { _ = builder.claim(address, tags: loadBalancer.tags, what: "the load balancer \(loadBalancer.name)") }
            return .blocked
        }
        let subnets = spec.producer.subnets.map(\.subnetId).sorted()
        // Cross-zone is set after the create, as a step of its own that nothing else waits for.
        let create: [StepOperation] = [
            .createLoadBalancer(name: spec.loadBalancer.name, subnetIds: subnets, securityGroups: [groupReference], tags: resource.tags),
            .setCrossZone(loadBalancer: .ref(address), enabled: spec.loadBalancer.crossZone),
        ]
        let after = resource.attributes + [Attribute("tags", .tags(resource.tags))]
        guard let loadBalancer = live.loadBalancer else {
            builder.add(PlannedAction(address: address, action: .create, reason: "not found", before: nil, after: after), steps: create)
            if !live.otherStacks.isEmpty {
                let stacks = live.otherStacks.joined(separator: ", ")
                builder.note(address.description, "\(spec.producer.vpcId) already has the load balancer of rplink stack\(live.otherStacks.count == 1 ? "" : "s") \(stacks), not planned here. A stack's name is its identity: if this spec renames one of them, that stack stays up beside this one; destroy it with its old spec")
            }
            return .created
        }
        let before = Attributes.loadBalancer(loadBalancer)
        var forcing: Set<String> = ["name", "scheme", "type"]
        if !Set(loadBalancer.subnetIds).isSubset(of: Set(subnets)) { forcing.insert("subnets") }
        if loadBalancer.securityGroupIds.isEmpty { forcing.insert("security_groups") }
        let changes = Attributes.changes(before: before, after: resource.attributes, forcing: forcing)
        let forced = changes.filter(\.forcesReplacement)
        guard let adopting = builder.claim(address, tags: loadBalancer.tags, what: "the load balancer \(loadBalancer.name)",
                                           blocker: forced.isEmpty ? nil : describe(changes)) else { return .blocked }
        if !forced.isEmpty {
            var reasons: [String] = []
            if forcing.contains("subnets") && changes.contains(where: { $0.name == "subnets" }) { reasons.append("a subnet is removed or changed") }
            if forcing.contains("security_groups") { reasons.append("security groups can only be attached at creation time") }
            let attributes = forced.map(\.name).filter { $0 != "subnets" && $0 != "security_groups" }
            if !attributes.isEmpty { reasons.append(attributes.joined(separator: ", ") + " cannot change in place") }
            builder.add(
                PlannedAction(address: address, action: .replace, reason: reasons.joined(separator: "; "), before: before, after: after, changes: changes),
                steps: [.deleteLoadBalancer(loadBalancerArn: loadBalancer.arn)] + create)
            return .replaced
        }
        var allChanges = changes
        var steps: [StepOperation] = []
        for change in changes {
            switch change.name {
            case "subnets": steps.append(.setSubnets(loadBalancerArn: loadBalancer.arn, subnetIds: subnets))
            case "security_groups": steps.append(.setSecurityGroups(loadBalancerArn: loadBalancer.arn, securityGroups: [groupReference]))
            case "cross_zone": steps.append(.setCrossZone(loadBalancer: .id(loadBalancer.arn), enabled: spec.loadBalancer.crossZone))
            default: break
            }
        }
        if let tagChange = Attributes.tagChange(live: loadBalancer.tags, desired: resource.tags) {
            allChanges.append(tagChange)
            steps += Attributes.tagSteps(.elbv2, id: loadBalancer.arn, live: loadBalancer.tags, desired: resource.tags)
        }
        if !steps.isEmpty {
            let reason = adopting ? "adopt: tag it and take it over" : Self.differs(allChanges)
            builder.add(PlannedAction(address: address, action: .update, reason: reason, before: before, after: after, changes: allChanges), steps: steps)
        }
        return .kept(id: loadBalancer.arn)
    }

    // MARK: target group

    private mutating func planTargetGroup() -> Fate {
        let address = ResourceAddress.targetGroup
        guard let resource = desired(address) else { return .blocked }
        let create = StepOperation.createTargetGroup(
            name: spec.targetGroup.name, protocolName: StackConventions.listenerProtocol, port: spec.database.port,
            vpcId: spec.producer.vpcId, targetType: StackConventions.targetType, tags: resource.tags)
        let after = resource.attributes + [Attribute("tags", .tags(resource.tags))]
        guard let group = live.targetGroup else {
            builder.add(PlannedAction(address: address, action: .create, reason: "not found", before: nil, after: after), steps: [create])
            return .created
        }
        let before = Attributes.targetGroup(group)
        let changes = Attributes.changes(before: before, after: resource.attributes, forcing: ["name", "protocol", "port", "vpc_id", "target_type"])
        guard let adopting = builder.claim(address, tags: group.tags, what: "the target group \(group.name)",
                                           blocker: changes.isEmpty ? nil : describe(changes)) else { return .blocked }
        if !changes.isEmpty {
            builder.add(
                PlannedAction(address: address, action: .replace,
                              reason: "\(changes.map(\.name).joined(separator: ", ")) cannot change in place; the name is fixed, so the listener is deleted first and recreated after",
                              before: before, after: after, changes: changes),
                steps: [.deleteTargetGroup(targetGroupArn: group.arn), create])
            return .replaced
        }
        if let tagChange = Attributes.tagChange(live: group.tags, desired: resource.tags) {
            builder.add(
                PlannedAction(address: address, action: .update, reason: adopting ? "adopt: tag it and take it over" : Self.differs([tagChange]),
                              before: before, after: after, changes: [tagChange]),
                steps: Attributes.tagSteps(.elbv2, id: group.arn, live: group.tags, desired: resource.tags))
        }
        return .kept(id: group.arn)
    }

    // MARK: targets

    private mutating func planTargets(targetGroup: Fate) {
        guard let groupReference = targetGroup.reference(.targetGroup) else { return }
        let ip = spec.database.writerIP, port = spec.database.port
        let address = ResourceAddress.target(ip: ip)
        guard let resource = desired(address) else { return }
        // AWS requires the zone `all` for an IP outside the VPC (preflight warns about those).
        let outsideVPC = live.vpc.map { SpecFormat.isOutside(ip, cidrBlocks: $0.cidrBlocks) } ?? false
        let register = StepOperation.registerTarget(targetGroup: groupReference, ip: ip, port: port, availabilityZone: outsideVPC ? "all" : nil)
        let registered = live.targets.filter(\.isRegistered)
        let liveArn = live.targetGroup?.arn ?? ""
        switch targetGroup {
        case .blocked:
            return
        case .created:
            builder.add(PlannedAction(address: address, action: .create, reason: "not registered", before: nil, after: resource.attributes), steps: [register])
        case .replaced:
            if let old = registered.first(where: { $0.id == ip }) {
                let before = Attributes.target(old, targetGroupArn: liveArn)
                // Every difference shows (a new port too), the target group forcing the replacement.
                builder.add(PlannedAction(address: address, action: .replace, reason: "its target group is replaced",
                                          before: before, after: resource.attributes,
                                          changes: Attributes.changes(before: before, after: resource.attributes, forcing: ["target_group_arn"])),
                            steps: [register])
            } else {
                builder.add(PlannedAction(address: address, action: .create, reason: "not registered", before: nil, after: resource.attributes), steps: [register])
            }
        case .kept(let arn):
            var strays = registered
            if let index = strays.firstIndex(where: { $0.id == ip && $0.port == port }) {
                strays.remove(at: index)
            } else if let index = strays.firstIndex(where: { $0.id == ip }) {
                let old = strays.remove(at: index)
                let before = Attributes.target(old, targetGroupArn: arn)
                builder.add(PlannedAction(address: address, action: .replace, reason: "the port changed: register the new, deregister the old",
                                          before: before, after: resource.attributes,
                                          changes: Attributes.changes(before: before, after: resource.attributes, forcing: ["port"])),
                            steps: [register, .deregisterTarget(targetGroupArn: arn, ip: old.id, port: old.port, availabilityZone: old.zoneAll)])
            } else {
                builder.add(PlannedAction(address: address, action: .create, reason: "not registered", before: nil, after: resource.attributes), steps: [register])
            }
            for stray in strays {
                builder.add(PlannedAction(address: .target(ip: stray.id), action: .delete,
                                          reason: "not the writer \(ip):\(port), which is the only target (deregistered once the writer is registered)",
                                          before: Attributes.target(stray, targetGroupArn: arn), after: nil),
                            steps: [.deregisterTarget(targetGroupArn: arn, ip: stray.id, port: stray.port, availabilityZone: stray.zoneAll)])
            }
        }
    }

    // MARK: listener

    private mutating func planListener(loadBalancer: Fate, targetGroup: Fate) {
        let address = ResourceAddress.listener
        guard let loadBalancerReference = loadBalancer.reference(.loadBalancer),
              let targetGroupReference = targetGroup.reference(.targetGroup),
              let resource = desired(address) else { return }
        let port = spec.database.port
        let create = StepOperation.createListener(
            loadBalancer: loadBalancerReference, protocolName: StackConventions.listenerProtocol, port: port,
            targetGroup: targetGroupReference, tags: resource.tags)
        let after = resource.attributes + [Attribute("tags", .tags(resource.tags))]
        let liveArn = live.loadBalancer?.arn ?? ""
        // Listeners have no life of their own: whoever owns the NLB owns them. Their tags are
        // therefore not read (that would cost a third round of calls), only their NLB's, which
        // also stand in for them below.
        let loadBalancerTags = live.loadBalancer?.tags ?? []
        let listenersAreOurs = isOurs(loadBalancerTags)
        let candidate = live.listeners.first { $0.port == port } ?? (listenersAreOurs ? live.listeners.first : nil)
        guard let listener = candidate, loadBalancer != .created else {
            // A load balancer found under its old name is read without its listeners: those go
            // with it, so "not found" would mislead.
            let reason = loadBalancer == .replaced ? "its load balancer is replaced; the old listener goes with the old load balancer" : "not found"
            builder.add(PlannedAction(address: address, action: .create, reason: reason, before: nil, after: after), steps: [create])
            return
        }
        let before = Attributes.listener(listener, loadBalancerArn: liveArn)
        if loadBalancer == .replaced || targetGroup == .replaced {
            let reason = loadBalancer == .replaced
                ? "its load balancer is replaced"
                : "its target group is replaced; the target group's name is fixed, so the listener is deleted before it and recreated after"
            let changes = Attributes.changes(before: before, after: resource.attributes, forcing: ["load_balancer_arn", "target_group_arn"])
            builder.add(PlannedAction(address: address, action: .replace, reason: reason, before: before, after: after, changes: changes),
                        steps: [.deleteListener(listenerArn: listener.arn), create])
            return
        }
        guard let adopting = builder.claim(address, tags: loadBalancerTags, what: "the listener on port \(listener.port) of \(live.loadBalancer?.name ?? "the load balancer")") else { return }
        let changes = Attributes.changes(before: before, after: resource.attributes)
        var steps: [StepOperation] = []
        if !changes.isEmpty {
            steps.append(.modifyListener(listenerArn: listener.arn, protocolName: StackConventions.listenerProtocol, port: port, targetGroup: targetGroupReference))
        }
        // rplink keeps a listener's tags equal to its NLB's (but for rplink:resource), so the
        // NLB's tags stand in for the listener's unread ones: a tag edit of the spec reaches
        // the listener too, with no third round of reads.
        let presumedTags = loadBalancerTags.map { tag in
            tag.key == StackConventions.resourceTagKey ? Spec.Tag(key: tag.key, value: address.description) : tag
        }
        // An adopted NLB's tags say nothing of its hand-made listener's: tag it in full (AddTags
        // keeps what is already there).
        let listenerTags = adopting ? [] : presumedTags
        var allChanges = changes
        if let tagChange = Attributes.tagChange(live: listenerTags, desired: resource.tags) {
            allChanges.append(tagChange)
            steps += Attributes.tagSteps(.elbv2, id: listener.arn, live: listenerTags, desired: resource.tags)
        }
        if !steps.isEmpty {
            let reason = adopting ? "adopt: take it over with its load balancer" : Self.differs(allChanges)
            builder.add(PlannedAction(address: address, action: .update, reason: reason, before: before, after: after, changes: allChanges), steps: steps)
        }
        for stray in live.listeners where stray.arn != listener.arn && listenersAreOurs {
            builder.add(PlannedAction(address: ResourceAddress(kind: .listener, name: "stray", key: String(stray.port)), action: .delete,
                                      reason: "on this stack's load balancer but not the listener the spec asks for",
                                      before: Attributes.listener(stray, loadBalancerArn: liveArn), after: nil),
                        steps: [.deleteListener(listenerArn: stray.arn)])
        }
    }

    // MARK: endpoint service

    private mutating func planEndpointService(loadBalancer: Fate) -> Fate {
        let address = ResourceAddress.endpointService
        guard let loadBalancerReference = loadBalancer.reference(.loadBalancer), let resource = desired(address) else { return .blocked }
        let services = live.endpointServices
        let main = services.first { isOurs($0.tags) && resourceTag($0.tags) == address.description }
            ?? services.first { isOurs($0.tags) }
            ?? services.first { service in live.loadBalancer.map { service.loadBalancerArns.contains($0.arn) } ?? false }
        let after = resource.attributes + [Attribute("tags", .tags(resource.tags))]
        let fate: Fate
        if let service = main {
            fate = planExistingService(service, resource: resource, after: after, loadBalancer: loadBalancer, reference: loadBalancerReference)
        } else {
            builder.add(PlannedAction(address: address, action: .create, reason: "not found", before: nil, after: after),
                        steps: [createService(loadBalancerReference, tags: resource.tags, replacing: nil)])
            builder.note(address.description, "after apply, send the endpoint service id and name (see `rplink output`) to the consumer")
            fate = .created
        }
        for stray in services where stray.id != main?.id && isOurs(stray.tags) {
            builder.add(PlannedAction(address: .strayEndpointService(id: stray.id), action: .delete,
                                      reason: "tagged with this stack but not the service the stack uses",
                                      before: Attributes.endpointService(stray, principals: []), after: nil),
                        steps: [.deleteEndpointService(serviceId: stray.id)])
        }
        return fate
    }

    private mutating func planExistingService(
        _ service: LiveState.EndpointService, resource: DesiredResource, after: [Attribute], loadBalancer: Fate, reference: ResourceReference
    ) -> Fate {
        let address = ResourceAddress.endpointService
        let keptArn = loadBalancer.keptId
        let before = Attributes.endpointService(service, loadBalancerArn: keptArn, principals: live.allowedPrincipals)
        let pointsAtOurs = keptArn.map { service.loadBalancerArns.contains($0) } ?? false
        guard let adopting = builder.claim(address, tags: service.tags, what: "the endpoint service \(service.id)",
                                           blocker: pointsAtOurs ? nil : "it does not point at load_balancer.nlb") else { return .blocked }
        if !pointsAtOurs {
            let changes = Attributes.changes(before: before, after: resource.attributes, forcing: ["load_balancer_arn"])
            let reason = loadBalancer == .replaced || loadBalancer == .created ? "its load balancer is replaced" : "it does not point at load_balancer.nlb"
            builder.add(PlannedAction(address: address, action: .replace, reason: reason, before: before, after: after, changes: changes),
                        steps: [.deleteEndpointService(serviceId: service.id), createService(reference, tags: resource.tags, replacing: service.id)])
            builder.note(address.description, "the endpoint service is replaced, so its id changes: \(service.id) (\(service.name)) goes away, and after apply the new service id and name must be sent to the consumer again; until the consumer connects to the new service, the database is unreachable through PrivateLink. AWS deletes the old service only once no consumer endpoint is connected to it: the consumer deletes its endpoint first (or you reject it)")
            return .replaced
        }
        var changes = Attributes.changes(before: before, after: resource.attributes)
        var steps: [StepOperation] = []
        if changes.contains(where: { $0.name == "acceptance_required" }) {
            steps.append(.modifyEndpointServiceAcceptance(serviceId: service.id, acceptanceRequired: spec.endpointService.acceptanceRequired))
        }
        if let tagChange = Attributes.tagChange(live: service.tags, desired: resource.tags) {
            changes.append(tagChange)
            steps += Attributes.tagSteps(.ec2, id: service.id, live: service.tags, desired: resource.tags)
        }
        if !steps.isEmpty {
            let reason = adopting ? "adopt: tag it and take it over" : Self.differs(changes)
            builder.add(PlannedAction(address: address, action: .update, reason: reason, before: before, after: after, changes: changes), steps: steps)
        }
        return .kept(id: service.id)
    }

    /// A client token that is the same on a retried apply of the same plan (so AWS does not
    /// make a second service) and differs once the service it replaces is gone.
    private func createService(_ loadBalancer: ResourceReference, tags: [Spec.Tag], replacing: String?) -> StepOperation {
        let token = "rplink-\(spec.name)-" + FNV1a.hex("\(spec.name)|\(spec.region)|\(replacing ?? "")")
        return .createEndpointService(loadBalancer: loadBalancer, acceptanceRequired: spec.endpointService.acceptanceRequired, clientToken: token, tags: tags)
    }

    // MARK: principals

    private mutating func planPrincipals(service: Fate) {
        guard let serviceReference = service.reference(.endpointService) else { return }
        let wanted = spec.allowedPrincipals
        for principal in wanted {
            let address = ResourceAddress.principal(principal)
            guard let resource = desired(address) else { continue }
            let add = StepOperation.addPrincipals(service: serviceReference, principals: [principal])
            switch service {
            case .blocked:
                return
            case .created:
                builder.add(PlannedAction(address: address, action: .create, reason: "not allowed yet", before: nil, after: resource.attributes), steps: [add])
            case .replaced:
                if live.allowedPrincipals.contains(principal) {
                    let before = Attributes.principal(principal, serviceId: live.endpointServices.first?.id ?? "")
                    builder.add(PlannedAction(address: address, action: .replace, reason: "its endpoint service is replaced", before: before, after: resource.attributes,
                                              changes: Attributes.changes(before: before, after: resource.attributes, forcing: ["service_id"])),
                                steps: [add])
                } else {
                    builder.add(PlannedAction(address: address, action: .create, reason: "not allowed yet", before: nil, after: resource.attributes), steps: [add])
                }
            case .kept:
                if !live.allowedPrincipals.contains(principal) {
                    builder.add(PlannedAction(address: address, action: .create, reason: "not allowed yet", before: nil, after: resource.attributes), steps: [add])
                }
            }
        }
        guard let serviceId = service.keptId else { return }
        for stray in live.allowedPrincipals where !wanted.contains(stray) {
            builder.add(PlannedAction(address: .principal(stray), action: .delete, reason: "stray principal: not in the spec",
                                      before: Attributes.principal(stray, serviceId: serviceId), after: nil),
                        steps: [.removePrincipals(serviceId: serviceId, principals: [stray])])
        }
    }
}
