/// Runs one plan step against AWS, idempotently: that is what makes an interrupted apply safe
/// to run again.
///
/// AWS is not idempotent everywhere (and the emulator even less), so every create first
/// re-reads by name and takes over what already carries this stack's tag instead of making a
/// second one; every delete treats "not found" as done; waits are part of the step.
public struct StepRunner: Sendable {
    public var ec2: EC2
    public var elbv2: ELBv2
    public var waiter: Waiter

    public init(api: any QueryAPI, waiter: Waiter = Waiter()) {
        ec2 = EC2(api: api)
        elbv2 = ELBv2(api: api)
        self.waiter = waiter
    }

    /// How many times a step that uses an object made earlier in the same apply is tried
    /// while AWS does not see that object yet.
    static let freshObjectAttempts = 5

    /// Runs the operation and returns the id of the object it made or took over, if any.
    ///
    /// EC2 and ELBv2 are eventually consistent: an object an earlier step made a moment ago
    /// can be "not found" for a few seconds (AWS's EC2 guide names InvalidGroup.NotFound right
    /// after CreateSecurityGroup). A step that uses such an object looks again, backing off,
    /// before it fails. The emulator never shows this.
    func run(_ operation: StepOperation, spec: Spec, ids: CreatedIDs) async throws -> String? {
        guard !operation.references.isEmpty else { return try await perform(operation, spec: spec, ids: ids) }
        var interval = waiter.firstInterval
        for attempt in 1... {
            do {
                return try await perform(operation, spec: spec, ids: ids)
            } catch let error as AWSError where Self.isNotVisibleYet(error) && attempt < Self.freshObjectAttempts {
                try await waiter.sleep(interval)
                interval = min(interval * 2, waiter.maxInterval)
            }
        }
        throw RPLinkError(.aws, "internal error: no attempt was made")
    }

    /// An error that means "that object does not exist (yet)".
    static func isNotVisibleYet(_ error: AWSError) -> Bool {
        // ELBv2 answers an unknown security group on CreateLoadBalancer with InvalidSecurityGroup.
        error.isNotFound || error.code == "InvalidSecurityGroup"
    }

    func perform(_ operation: StepOperation, spec: Spec, ids: CreatedIDs) async throws -> String? {
        func resolve(_ reference: ResourceReference) async throws -> String {
            switch reference {
            case .id(let id):
                return id
            case .ref(let address):
                guard let id = await ids.id(of: address, stack: spec.name) else {
                    throw RPLinkError(.configuration, "internal error: \(address) has no id yet in stack \(spec.name)")
                }
                return id
            }
        }

        switch operation {
        case let .createSecurityGroup(name, description, vpcId, tags):
            return try await createOnce {
                let existing = try await ec2.describeSecurityGroups(filters: [.init("group-name", [name]), .init("vpc-id", [vpcId])])
                guard let group = existing.first else { return nil }
                try requireOurs(group.tags, spec: spec, what: "security group \(name) (\(group.groupId))")
                return group.groupId
            } create: {
                try await ec2.createSecurityGroup(name: name, description: description, vpcId: vpcId, tags: tags)
            }

        case let .deleteSecurityGroup(groupId):
            // The NLB's network interfaces outlive it by a while; until they go, EC2 answers
            // DependencyViolation. So does a rule of another group that refers to this one,
            // which no wait ends: that is an error at once, naming the group.
            try await waiter.until("security group \(groupId) to be released by the load balancer's network interfaces") {
                do {
                    try await ec2.deleteSecurityGroup(id: groupId)
                    return true
                } catch let error as AWSError where error.isNotFound {
                    return true
                } catch let error as AWSError where error.code == "DependencyViolation" {
                    if let holders = try? await groupsReferring(to: groupId), !holders.isEmpty {
                        throw RPLinkError(.aws, "the security group \(groupId) cannot be deleted while rules of \(holders.joined(separator: ", ")) refer to it: remove those rules (for instance the database group's rule that lets the load balancer in), then run again", cause: error)
                    }
                    return false
                }
            }
            return nil

        case let .authorizeIngress(groupReference, ipProtocol, fromPort, toPort, cidr, description, tags):
            let groupId = try await resolve(groupReference)
            func existingRule() async throws -> EC2.SecurityGroupRule? {
                try await ec2.describeSecurityGroupRules(filters: [.init("group-id", [groupId])]).first {
                    !$0.isEgress && $0.ipProtocol == ipProtocol && $0.fromPort == fromPort && $0.toPort == toPort && $0.cidrIpv4 == cidr
                }
            }
            if let rule = try await existingRule() { return rule.ruleId }
            let permission = EC2.IngressPermission(ipProtocol: ipProtocol, fromPort: fromPort, toPort: toPort, cidrIpv4: cidr, description: description)
            do {
                return try await ec2.authorizeSecurityGroupIngress(groupId: groupId, permissions: [permission], tags: tags).first?.ruleId
            } catch let error as AWSError where error.code == "InvalidPermission.Duplicate" {
                return try await existingRule()?.ruleId
            }

        case let .revokeIngress(groupId, ruleId):
            try await ignoringNotFound { try await ec2.revokeSecurityGroupIngress(groupId: groupId, ruleIds: [ruleId]) }
            return nil

        case let .modifyRuleDescription(groupId, ruleId, ipProtocol, fromPort, toPort, cidr, description):
            let permission = EC2.IngressPermission(ipProtocol: ipProtocol, fromPort: fromPort, toPort: toPort, cidrIpv4: cidr, description: description)
            try await ec2.modifySecurityGroupRules(groupId: groupId, rules: [(ruleId: ruleId, permission: permission)])
            return nil

        case let .createLoadBalancer(name, subnetIds, securityGroups, tags):
            var groups: [String] = []
            for group in securityGroups { groups.append(try await resolve(group)) }
            let arn = try await createOnce {
                guard let existing = try await elbv2.describeLoadBalancers(names: [name]).first else { return nil }
                let existingTags = try await elbv2.describeTags(arns: [existing.arn])[existing.arn] ?? [:]
                try requireOurs(existingTags.map { Spec.Tag(key: $0.key, value: $0.value) }, spec: spec, what: "load balancer \(name)")
                return existing.arn
            } create: { [groups] in
                try await elbv2.createLoadBalancer(name: name, subnetIds: subnetIds, securityGroupIds: groups, tags: tags).arn
            }
            try await waitUntilActive(loadBalancerArn: arn, name: name)
            return arn

        case let .setSubnets(arn, subnetIds):
            _ = try await elbv2.setSubnets(loadBalancerArn: arn, subnetIds: subnetIds)
            return nil

        case let .setSecurityGroups(arn, securityGroups):
            var groups: [String] = []
            for group in securityGroups { groups.append(try await resolve(group)) }
            _ = try await elbv2.setSecurityGroups(loadBalancerArn: arn, securityGroupIds: groups)
            return nil

        case let .setCrossZone(loadBalancer, enabled):
            let arn = try await resolve(loadBalancer)
            _ = try await elbv2.modifyLoadBalancerAttributes(arn: arn, attributes: [LiveState.LoadBalancer.crossZoneAttribute: enabled ? "true" : "false"])
            return nil

        case let .deleteLoadBalancer(arn):
            try await ignoringNotFound { try await elbv2.deleteLoadBalancer(arn: arn) }
            try await waiter.until("load balancer \(arn) to be deleted") {
                do {
                    return try await elbv2.describeLoadBalancers(arns: [arn]).isEmpty
                } catch let error as AWSError where error.isNotFound {
                    return true
                }
            }
            return nil

        case let .createTargetGroup(name, protocolName, port, vpcId, targetType, tags):
            return try await createOnce {
                guard let existing = try await elbv2.describeTargetGroups(names: [name]).first else { return nil }
                let existingTags = try await elbv2.describeTags(arns: [existing.arn])[existing.arn] ?? [:]
                try requireOurs(existingTags.map { Spec.Tag(key: $0.key, value: $0.value) }, spec: spec, what: "target group \(name)")
                return existing.arn
            } create: {
                try await elbv2.createTargetGroup(name: name, protocol: protocolName, port: port, vpcId: vpcId, targetType: targetType, tags: tags).arn
            }

        case let .deleteTargetGroup(arn):
            // A listener deleted a moment ago can still hold the group for a short while.
            try await waiter.until("target group \(arn) to be released by its listener") {
                do {
                    try await elbv2.deleteTargetGroup(arn: arn)
                    return true
                } catch let error as AWSError where error.isNotFound {
                    return true
                } catch let error as AWSError where error.code == "ResourceInUse" {
                    return false
                }
            }
            return nil

        case let .registerTarget(groupReference, ip, port, availabilityZone):
            let arn = try await resolve(groupReference)
            try await elbv2.registerTargets(targetGroupArn: arn, targets: [ELBv2.Target(id: ip, port: port, availabilityZone: availabilityZone)])
            return ip

        case let .deregisterTarget(arn, ip, port, availabilityZone):
            try await ignoringNotFound {
                try await elbv2.deregisterTargets(targetGroupArn: arn, targets: [ELBv2.Target(id: ip, port: port, availabilityZone: availabilityZone)])
            }
            return nil

        case let .createListener(loadBalancerReference, protocolName, port, targetGroupReference, tags):
            let loadBalancerArn = try await resolve(loadBalancerReference)
            let targetGroupArn = try await resolve(targetGroupReference)
            return try await createOnce {
                guard let existing = try await elbv2.describeListeners(loadBalancerArn: loadBalancerArn).first(where: { $0.port == port }) else { return nil }
                if existing.targetGroupArns != [targetGroupArn] || existing.protocol != protocolName {
                    _ = try await elbv2.modifyListener(arn: existing.arn, protocol: protocolName, port: port, targetGroupArn: targetGroupArn)
                }
                return existing.arn
            } create: {
                try await elbv2.createListener(loadBalancerArn: loadBalancerArn, protocol: protocolName, port: port, targetGroupArn: targetGroupArn, tags: tags).arn
            }

        case let .modifyListener(arn, protocolName, port, targetGroupReference):
            let targetGroupArn = try await resolve(targetGroupReference)
            _ = try await elbv2.modifyListener(arn: arn, protocol: protocolName, port: port, targetGroupArn: targetGroupArn)
            return nil

        case let .deleteListener(arn):
            try await ignoringNotFound { try await elbv2.deleteListener(arn: arn) }
            return nil

        case let .createEndpointService(loadBalancerReference, acceptanceRequired, clientToken, tags):
            let loadBalancerArn = try await resolve(loadBalancerReference)
            // The NLB's ARN is new each time it is made, so a token that includes it is the same
            // for retries of this create and never matches a service deleted earlier.
            let token = String(clientToken.prefix(40)) + "-" + FNV1a.hex(clientToken + "|" + loadBalancerArn)
            let serviceId = try await createOnce {
                guard let existing = try await ec2.describeVpcEndpointServiceConfigurations().first(where: {
                    $0.networkLoadBalancerArns.contains(loadBalancerArn) && $0.serviceState != "Deleting" && $0.serviceState != "Deleted"
                }) else { return nil }
                try requireOurs(existing.tags, spec: spec, what: "endpoint service \(existing.serviceId)")
                return existing.serviceId
            } create: {
                try await ec2.createVpcEndpointServiceConfiguration(
                    networkLoadBalancerArns: [loadBalancerArn], acceptanceRequired: acceptanceRequired, tags: tags, clientToken: token
                ).serviceId
            }
            try await waiter.until("endpoint service \(serviceId) to become Available") {
                // Just made, it may not be visible yet (eventual consistency): keep waiting.
                let state: String?
                do {
                    state = try await ec2.describeVpcEndpointServiceConfigurations(ids: [serviceId]).first?.serviceState
                } catch let error as AWSError where error.isNotFound {
                    return false
                }
                if state == "Failed" { throw RPLinkError(.aws, "endpoint service \(serviceId) is in state Failed") }
                return state == "Available"
            }
            return serviceId

        case let .modifyEndpointServiceAcceptance(serviceId, acceptanceRequired):
            try await ec2.modifyVpcEndpointServiceConfiguration(serviceId: serviceId, acceptanceRequired: acceptanceRequired)
            return nil

        case let .deleteEndpointService(serviceId):
            do {
                try await ignoringNotFound { try await ec2.deleteVpcEndpointServiceConfigurations(ids: [serviceId]) }
            } catch let error as AWSError where error.code == "ExistingVpcEndpointConnections" {
                // AWS deletes no service that has connected (or pending) endpoints.
                throw RPLinkError(.aws, "the endpoint service \(serviceId) still has the consumer's endpoints connected: ask the consumer to delete their interface endpoint, or reject it (aws ec2 describe-vpc-endpoint-connections --filters Name=service-id,Values=\(serviceId), then aws ec2 reject-vpc-endpoint-connections --service-id \(serviceId) --vpc-endpoint-ids …), then run again", cause: error)
            }
            try await waiter.until("endpoint service \(serviceId) to be deleted") {
                do {
                    let state = try await ec2.describeVpcEndpointServiceConfigurations(ids: [serviceId]).first?.serviceState
                    return state == nil || state == "Deleted"
                } catch let error as AWSError where error.isNotFound {
                    return true
                }
            }
            return nil

        case let .addPrincipals(serviceReference, principals):
            let serviceId = try await resolve(serviceReference)
            try await ec2.modifyVpcEndpointServicePermissions(serviceId: serviceId, add: principals)
            return nil

        case let .removePrincipals(serviceId, principals):
            try await ignoringNotFound { try await ec2.modifyVpcEndpointServicePermissions(serviceId: serviceId, remove: principals) }
            return nil

        case let .tagResource(service, resourceId, tags):
            switch service {
            case .ec2: try await ec2.createTags(resourceIds: [resourceId], tags: tags)
            case .elbv2: try await elbv2.addTags(arns: [resourceId], tags: tags)
            }
            return nil

        case let .untagResource(service, resourceId, keys):
            switch service {
            case .ec2: try await ec2.deleteTags(resourceIds: [resourceId], keys: keys)
            case .elbv2: try await elbv2.removeTags(arns: [resourceId], keys: keys)
            }
            return nil
        }
    }

    /// How many times a create whose outcome was unknown is tried, looking in between.
    static let createAttempts = 3

    /// Creates at most once. Looks first; when a create fails without a clear answer (the
    /// connection dropped, a 5xx: it may have happened), looks again before trying again.
    func createOnce(find: () async throws -> String?, create: () async throws -> String) async throws -> String {
        if let found = try await find() { return found }
        var attempt = 1
        while true {
            do {
                return try await create()
            } catch where RetryPolicy.outcomeIsUnknown(error) && attempt < Self.createAttempts {
                attempt += 1
                try await waiter.sleep(waiter.firstInterval)
                if let found = try await find() { return found }
            }
        }
    }

    func waitUntilActive(loadBalancerArn arn: String, name: String) async throws {
        try await waiter.until("load balancer \(name) to become active") {
            let state: String?
            do {
                state = try await elbv2.describeLoadBalancers(arns: [arn]).first?.state
            } catch let error as AWSError where error.isNotFound {
                return false  // just made and not visible yet
            }
            if state == "failed" { throw RPLinkError(.aws, "load balancer \(name) failed to provision") }
            return state == "active"
        }
    }

    /// The other groups whose inbound or outbound rules name this one, as `sg-… (name)`.
    func groupsReferring(to groupId: String) async throws -> [String] {
        async let inbound = ec2.describeSecurityGroups(filters: [.init("ip-permission.group-id", [groupId])])
        async let outbound = ec2.describeSecurityGroups(filters: [.init("egress.ip-permission.group-id", [groupId])])
        let groups = try await inbound + outbound
        return unique(groups.filter { $0.groupId != groupId }.map { "\($0.groupId) (\($0.groupName))" })
    }

    /// An object found under our name during a create must carry this stack's tag to be taken over.
    func requireOurs(_ tags: [Spec.Tag], spec: Spec, what: String) throws {
        let stack = tags.first { $0.key == StackConventions.stackTagKey }?.value
        guard stack == spec.name else {
            throw RPLinkError(.notOurs, "stack \(spec.name): \(what) appeared since the plan was made and is not tagged \(StackConventions.stackTagKey)=\(spec.name); run plan again (with --adopt to take it over)")
        }
    }

    func ignoringNotFound(_ call: () async throws -> Void) async throws {
        do {
            try await call()
        } catch let error as AWSError where error.isNotFound {
            return
        }
    }
}
