/// Reads the live AWS state of one or more stacks in two rounds of parallel calls.
///
/// Round 1 asks by what the specs name (ids, names, tags), batched across every stack:
/// caller identity, VPCs, subnets, security groups, load balancers, target groups and
/// endpoint services. Round 2 asks by the ARNs and ids round 1 found: tags, attributes,
/// listeners, target health, security-group rules and service permissions. EC2 lookups use
/// filters rather than ids so that one missing id does not fail the whole batch.
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
        let first = try await readByNames(specs)
        let second = try await readByFound(first, specs: specs)
        var states: [String: LiveState] = [:]
        for spec in specs {
            states[spec.name] = assemble(spec, first, second)
        }
        return states
    }

    // MARK: - Round 1: by what the specs name

    struct NamedObjects: Sendable {
        var accountId: String
        var vpcs: [EC2.Vpc]
        var subnets: [EC2.Subnet]
        var referencedGroups: [EC2.SecurityGroup]
        var namedGroups: [EC2.SecurityGroup]
        var loadBalancers: [ELBv2.LoadBalancer]
        var targetGroups: [ELBv2.TargetGroup]
        var services: [EC2.ServiceConfiguration]
    }

    func readByNames(_ specs: [Spec]) async throws -> NamedObjects {
        let vpcIds = unique(specs.map(\.producer.vpcId))
        let subnetIds = unique(specs.flatMap { $0.producer.subnets.map(\.subnetId) })
        let referencedIds = unique(specs.compactMap(\.producer.securityGroupId))
        let ownedNames = unique(specs.filter(\.ownsSecurityGroup).map(\.ownedSecurityGroupName))
        let ec2 = ec2, elbv2 = elbv2, sts = sts

        async let identity = sts.getCallerIdentity()
        async let vpcs = vpcIds.isEmpty ? [] : ec2.describeVpcs(filters: [.init("vpc-id", vpcIds)])
        async let subnets = subnetIds.isEmpty ? [] : ec2.describeSubnets(filters: [.init("subnet-id", subnetIds)])
        async let referenced = referencedIds.isEmpty ? [] : ec2.describeSecurityGroups(filters: [.init("group-id", referencedIds)])
        async let named = ownedNames.isEmpty ? [] : ec2.describeSecurityGroups(filters: [
            .init("group-name", ownedNames), .init("vpc-id", vpcIds),
        ])
        async let loadBalancers = elbv2.describeLoadBalancers(names: unique(specs.map(\.loadBalancer.name)))
        async let targetGroups = elbv2.describeTargetGroups(names: unique(specs.map(\.targetGroup.name)))
        // One listing of the account's services serves every stack: a service is found by its
        // stack tag or by pointing at the stack's NLB (a runbook-made one, for --adopt).
        async let services = ec2.describeVpcEndpointServiceConfigurations()

        return try await NamedObjects(
            accountId: identity.account, vpcs: vpcs, subnets: subnets, referencedGroups: referenced,
            namedGroups: named, loadBalancers: loadBalancers, targetGroups: targetGroups, services: services)
    }

    // MARK: - Round 2: by the ARNs and ids found

    struct FoundDetails: Sendable {
        var tags: [String: [String: String]] = [:]
        var attributes: [String: [String: String]] = [:]
        var listeners: [String: [ELBv2.Listener]] = [:]
        var targetHealth: [String: [ELBv2.TargetHealth]] = [:]
        var rules: [EC2.SecurityGroupRule] = []
        var principals: [String: [String]] = [:]
    }

    func readByFound(_ found: NamedObjects, specs: [Spec]) async throws -> FoundDetails {
        let loadBalancerArns = found.loadBalancers.map(\.arn)
        let targetGroupArns = found.targetGroups.map(\.arn)
        let groupIds = unique(found.referencedGroups.map(\.groupId) + found.namedGroups.map(\.groupId))
        let serviceIds = unique(specs.flatMap { spec in
            relevantServices(spec, found).map(\.serviceId)
        })
        let ec2 = ec2, elbv2 = elbv2

        return try await withThrowingTaskGroup(of: FoundDetails.self) { group in
            group.addTask { FoundDetails(tags: try await elbv2.describeTags(arns: loadBalancerArns + targetGroupArns)) }
            if !groupIds.isEmpty {
                group.addTask {
                    FoundDetails(rules: try await ec2.describeSecurityGroupRules(filters: [.init("group-id", groupIds)]))
                }
            }
            for arn in loadBalancerArns {
                group.addTask { FoundDetails(attributes: [arn: try await elbv2.describeLoadBalancerAttributes(arn: arn)]) }
                group.addTask { FoundDetails(listeners: [arn: try await elbv2.describeListeners(loadBalancerArn: arn)]) }
            }
            for arn in targetGroupArns {
                group.addTask { FoundDetails(targetHealth: [arn: try await elbv2.describeTargetHealth(targetGroupArn: arn)]) }
            }
            for id in serviceIds {
                group.addTask { FoundDetails(principals: [id: try await ec2.describeVpcEndpointServicePermissions(serviceId: id)]) }
            }
            var details = FoundDetails()
            for try await part in group {
                details.tags.merge(part.tags) { $1 }
                details.attributes.merge(part.attributes) { $1 }
                details.listeners.merge(part.listeners) { $1 }
                details.targetHealth.merge(part.targetHealth) { $1 }
                details.rules += part.rules
                details.principals.merge(part.principals) { $1 }
            }
            return details
        }
    }

    // MARK: - Assembly: one stack's view of the two rounds

    func relevantServices(_ spec: Spec, _ found: NamedObjects) -> [EC2.ServiceConfiguration] {
        let nlbArn = found.loadBalancers.first { $0.name == spec.loadBalancer.name }?.arn
        return found.services.filter { service in
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
        let owned = spec.ownsSecurityGroup
            ? found.namedGroups.first { $0.groupName == spec.ownedSecurityGroupName && $0.vpcId == vpcId }
            : nil
        let ruleGroupId = referenced?.groupId ?? owned?.groupId
        let loadBalancer = found.loadBalancers.first { $0.name == spec.loadBalancer.name }
        let targetGroup = found.targetGroups.first { $0.name == spec.targetGroup.name }
        let services = relevantServices(spec, found)

        return LiveState(
            stack: spec.name,
            accountId: found.accountId,
            vpc: found.vpcs.first { $0.vpcId == vpcId }.map { LiveState.VPC(id: $0.vpcId, cidrBlocks: $0.cidrBlocks) },
            subnets: liveSubnets.map { LiveState.Subnet(id: $0.subnetId, vpcId: $0.vpcId, azId: $0.availabilityZoneId) },
            missingSubnetIds: subnetIds.filter { id in !liveSubnets.contains { $0.subnetId == id } },
            referencedSecurityGroup: referenced.map(Self.securityGroup),
            ownedSecurityGroup: owned.map(Self.securityGroup),
            securityGroupRules: details.rules
                .filter { $0.groupId == ruleGroupId && !$0.isEgress }
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
                LiveState.Target(id: $0.target.id, port: $0.target.port, state: $0.state)
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
