/// Reads the live AWS state of one or more stacks in two steps of parallel calls, each
/// second-step call starting as soon as the answers it needs are in.
///
/// The first step asks by what the specs name (ids, names, tags), batched across every stack:
/// VPCs, subnets, security groups, load balancers, target groups and endpoint services. The
/// second step asks by the ARNs and ids found: tags, attributes, listeners, target health,
/// security-group rules and service permissions, and the caller identity only when no ARN found
/// carries the account id. A second-step call waits only for the first-step answers it needs
/// (listeners for the load balancers, not for the VPCs), so the read costs two round trips on
/// its critical path, and a slow answer holds back only what needs it. `ReadProgress` decides
/// what can start when. EC2 lookups use filters rather than ids so that one missing id does not
/// fail the whole batch. The calls are not bounded here: the transport's connections per host
/// (32) are.
public struct LiveStateReader: Sendable {
    public var ec2: EC2
    public var elbv2: ELBv2
    public var sts: STS

    public init(api: any QueryAPI) {
        ec2 = EC2(api: api)
        elbv2 = ELBv2(api: api)
        sts = STS(api: api)
    }

    /// The live state of each spec's stack, keyed by stack name.
    public func read(_ specs: [Spec]) async throws -> [String: LiveState] {
        let (found, details) = try await readBothSteps(specs, scope: .plan)
        var states: [String: LiveState] = [:]
        let planned = Set(specs.map(\.name))
        for spec in specs {
            var state = assemble(spec, found, details)
            if state.loadBalancer == nil {
                state.otherStacks = Self.otherStacks(in: spec.producer.vpcId, found, details, besides: planned)
            }
            states[spec.name] = state
        }
        return states
    }

    /// The `rplink:stack` tags of the load balancers in `vpcId` whose tags were read, but for
    /// the stacks in `planned`.
    static func otherStacks(in vpcId: String, _ found: NamedObjects, _ details: FoundDetails, besides planned: Set<String>) -> [String] {
        let names = found.loadBalancers.filter { $0.vpcId == vpcId }.compactMap { details.tags[$0.arn]?[StackConventions.stackTagKey] }
        return Set(names).subtracting(planned).sorted()
    }

    /// The outputs of each spec's stack, keyed by stack name, from a read of only what they
    /// show (`ReadScope.outputs`). The partial live state it makes never leaves this function:
    /// nothing may plan from it.
    public func readOutputs(_ specs: [Spec]) async throws -> [String: StackOutputs] {
        let (found, details) = try await readBothSteps(specs, scope: .outputs)
        var outputs: [String: StackOutputs] = [:]
        for spec in specs {
            outputs[spec.name] = StackOutputs(spec: spec, live: assemble(spec, found, details))
        }
        return outputs
    }

    // MARK: - Both steps, as one task group

    func readBothSteps(_ specs: [Spec], scope: ReadScope = .plan) async throws -> (NamedObjects, FoundDetails) {
        var progress = ReadProgress(specs: specs, scope: scope)
        return try await withThrowingTaskGroup(of: ReadAnswer.self) { group in
            for read in progress.firstStep() {
                group.addTask { try await perform(read) }
            }
            for try await answer in group {
                for read in progress.record(answer) {
                    group.addTask { try await perform(read) }
                }
            }
            return try progress.result()
        }
    }

    /// Makes one of the reader's calls.
    func perform(_ read: ReadCall) async throws -> ReadAnswer {
        switch read {
        case .identity:
            return .identity(try await sts.getCallerIdentity().account)
        case .vpcs(let ids):
            return .vpcs(try await ec2.describeVpcs(filters: [.init("vpc-id", ids)]))
        case .subnets(let ids):
            return .subnets(try await ec2.describeSubnets(filters: [.init("subnet-id", ids)]))
        case .referencedGroups(let ids):
            return .referencedGroups(try await ec2.describeSecurityGroups(filters: [.init("group-id", ids)]))
        case .namedGroups(let names, let vpcIds):
            return .namedGroups(try await ec2.describeSecurityGroups(filters: [.init("group-name", names), .init("vpc-id", vpcIds)]))
        case .loadBalancers(let names, let vpcIds):
            return .loadBalancers(try await elbv2.describeAllLoadBalancers().filter {
                names.contains($0.name) || (vpcIds.contains($0.vpcId) && $0.type == StackConventions.loadBalancerType)
            })
        case .targetGroups(let names, let vpcIds):
            return .targetGroups(try await elbv2.describeAllTargetGroups().filter {
                names.contains($0.name) || (vpcIds.contains($0.vpcId) && $0.targetType == StackConventions.targetType)
            })
        case .services:
            return .services(try await ec2.describeVpcEndpointServiceConfigurations())
        case .tags(let arns):
            return .details(FoundDetails(tags: try await elbv2.describeTags(arns: arns)))
        case .attributes(loadBalancerArn: let arn):
            return .details(FoundDetails(attributes: [arn: try await elbv2.describeLoadBalancerAttributes(arn: arn)]))
        case .listeners(loadBalancerArn: let arn):
            return .details(FoundDetails(listeners: [arn: try await elbv2.describeListeners(loadBalancerArn: arn)]))
        case .targetHealth(targetGroupArn: let arn):
            return .details(FoundDetails(targetHealth: [arn: try await elbv2.describeTargetHealth(targetGroupArn: arn)]))
        case .rules(groupIds: let groupIds):
            return .details(FoundDetails(rules: try await ec2.describeSecurityGroupRules(filters: [.init("group-id", groupIds)])))
        case .permissions(serviceId: let serviceId):
            return .details(FoundDetails(principals: [serviceId: try await ec2.describeVpcEndpointServicePermissions(serviceId: serviceId)]))
        }
    }

    // MARK: - Assembly: one stack's view of both steps

    /// The services that are the stack's: tagged with its name, or pointing at its NLB (a
    /// runbook-made one, for --adopt).
    static func relevantServices(
        _ spec: Spec, loadBalancers: [ELBv2.LoadBalancer], services: [EC2.ServiceConfiguration]
    ) -> [EC2.ServiceConfiguration] {
        let nlbArn = loadBalancers.first { $0.name == spec.loadBalancer.name }?.arn
        return services.filter { service in
            guard service.serviceState != "Deleted", service.serviceState != "Deleting" else { return false }
            let tagged = service.tags.contains { $0.key == StackConventions.stackTagKey && $0.value == spec.name }
            let pointsAtOurs = nlbArn.map { service.networkLoadBalancerArns.contains($0) } ?? false
            return tagged || pointsAtOurs
        }
    }

    func assemble(_ spec: Spec, _ found: NamedObjects, _ details: FoundDetails) -> LiveState {
        let vpcId = spec.producer.vpcId
        let subnetIds = spec.producer.subnets.map(\.subnetId)
        let liveSubnets = found.subnets.filter { subnetIds.contains($0.subnetId) }
        let referenced = spec.producer.securityGroupId.flatMap { id in found.referencedGroups.first { $0.groupId == id } }
        // For a spec that references a group, a `<stack>-nlb` group is a leftover of an
        // earlier spec, for the planner to delete if it carries the stack's tag.
        // (Not when the spec references that very group: then it is simply the group in use.)
        let owned = found.namedGroups.first {
            $0.groupName == spec.ownedSecurityGroupName && $0.vpcId == vpcId && $0.groupId != spec.producer.securityGroupId
        }
        let ruleGroupId = spec.ownsSecurityGroup ? owned?.groupId : referenced?.groupId
        // Under the spec's name, or else under an old name with this stack's tags: the spec
        // renamed it, and the planner replaces it rather than leave it behind.
        let loadBalancer = found.loadBalancers.first { $0.name == spec.loadBalancer.name }
            ?? found.loadBalancers.first { $0.vpcId == vpcId && Self.isStacks(.loadBalancer, spec, details.tags[$0.arn]) }
        let targetGroup = found.targetGroups.first { $0.name == spec.targetGroup.name }
            ?? found.targetGroups.first { $0.vpcId == vpcId && Self.isStacks(.targetGroup, spec, details.tags[$0.arn]) }
        let services = Self.relevantServices(spec, loadBalancers: found.loadBalancers, services: found.services)
        let formerGroupIds = Set((loadBalancer?.securityGroups ?? []) + [owned?.groupId].compactMap { $0 }).subtracting([ruleGroupId].compactMap { $0 })

        return LiveState(
            stack: spec.name,
            accountId: found.accountId,
            vpc: found.vpcs.first { $0.vpcId == vpcId }.map { LiveState.VPC(id: $0.vpcId, cidrBlocks: $0.cidrBlocks) },
            subnets: liveSubnets.map { LiveState.Subnet(id: $0.subnetId, vpcId: $0.vpcId, azId: $0.availabilityZoneId) },
            missingSubnetIds: subnetIds.filter { id in !liveSubnets.contains { $0.subnetId == id } },
            referencedSecurityGroup: referenced.map(Self.securityGroup),
            ownedSecurityGroup: owned.map(Self.securityGroup),
            // The group's rules, and this stack's own on a group it used before.
            securityGroupRules: details.rules
                .filter { rule in
                    !rule.isEgress && (rule.groupId == ruleGroupId
                        || (formerGroupIds.contains(rule.groupId) && Ownership(tags: rule.tags, stack: spec.name) == .ours))
                }
                .map {
                    LiveState.SecurityGroupRule(
                        id: $0.ruleId, groupId: $0.groupId, ipProtocol: $0.ipProtocol, fromPort: $0.fromPort,
                        toPort: $0.toPort, cidrIPv4: $0.cidrIpv4, description: $0.description, tags: $0.tags)
                },
            loadBalancer: loadBalancer.map {
                LiveState.LoadBalancer(
                    arn: $0.arn, name: $0.name, dnsName: $0.dnsName, scheme: $0.scheme, type: $0.type, state: $0.state,
                    subnetIds: $0.subnetIds, securityGroupIds: $0.securityGroups,
                    attributes: details.attributes[$0.arn] ?? [:], tags: Self.tags(details.tags[$0.arn]))
            },
            targetGroup: targetGroup.map {
                LiveState.TargetGroup(
                    arn: $0.arn, name: $0.name, protocolName: $0.protocol, port: $0.port, vpcId: $0.vpcId,
                    targetType: $0.targetType,
                    healthCheck: LiveState.HealthCheck(
                        protocolName: $0.healthCheck.protocol ?? "TCP", port: $0.healthCheck.port ?? "traffic-port",
                        intervalSeconds: $0.healthCheck.intervalSeconds,
                        healthyThreshold: $0.healthCheck.healthyThresholdCount,
                        unhealthyThreshold: $0.healthCheck.unhealthyThresholdCount),
                    tags: Self.tags(details.tags[$0.arn]))
            },
            targets: (targetGroup.flatMap { details.targetHealth[$0.arn] } ?? []).map {
                LiveState.Target(id: $0.target.id, port: $0.target.port, state: $0.state, reason: $0.reason,
                                 availabilityZone: $0.target.availabilityZone)
            },
            listeners: (loadBalancer.flatMap { details.listeners[$0.arn] } ?? []).map {
                LiveState.Listener(arn: $0.arn, port: $0.port, protocolName: $0.protocol, targetGroupArn: $0.targetGroupArns.first)
            },
            endpointServices: services.map {
                LiveState.EndpointService(
                    id: $0.serviceId, name: $0.serviceName, state: $0.serviceState, acceptanceRequired: $0.acceptanceRequired,
                    loadBalancerArns: $0.networkLoadBalancerArns, tags: $0.tags)
            },
            allowedPrincipals: services.first.flatMap { details.principals[$0.serviceId] } ?? [])
    }

    /// Whether ELBv2 tags name this stack and this address.
    static func isStacks(_ address: ResourceAddress, _ spec: Spec, _ tags: [String: String]?) -> Bool {
        tags?[StackConventions.stackTagKey] == spec.name && tags?[StackConventions.resourceTagKey] == address.description
    }

    static func securityGroup(_ group: EC2.SecurityGroup) -> LiveState.SecurityGroup {
        LiveState.SecurityGroup(id: group.groupId, name: group.groupName, vpcId: group.vpcId ?? "", tags: group.tags)
    }

    /// ELBv2 tags as sorted `Spec.Tag`s; nil (not read) stays nil-free as an empty list.
    static func tags(_ tags: [String: String]?) -> [Spec.Tag] {
        (tags ?? [:]).map { Spec.Tag(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }
}

/// The values in first-seen order, without repeats.
func unique(_ values: [String]) -> [String] {
    var seen = Set<String>()
    return values.filter { seen.insert($0).inserted }
}
