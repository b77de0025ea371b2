/// The desired resources of one stack in a deterministic dependency order.
public struct ResourceGraph: Sendable, Equatable {
    /// Topologically ordered: every resource after its dependencies, ties broken by address.
    public var resources: [DesiredResource]

    public init(orderedResources: [DesiredResource]) {
        self.resources = orderedResources
    }

    public subscript(address: ResourceAddress) -> DesiredResource? {
        resources.first { $0.address == address }
    }

    public var addresses: [ResourceAddress] { resources.map(\.address) }

    /// Expands a spec into its resources (DESIGN.md section 3), with ids of other resources
    /// taken from `known` when the caller has them and shown as `(known after apply)` otherwise.
    public static func expand(_ spec: Spec, known: KnownIdentifiers = .init()) throws -> ResourceGraph {
        var resources: [DesiredResource] = []
        let port = spec.database.port
        let securityGroupValue: AttributeValue
        var ruleDependencies: [ResourceAddress] = []
        if let referenced = spec.producer.securityGroupId {
            securityGroupValue = .string(referenced)
        } else {
            securityGroupValue = known.securityGroupId.map(AttributeValue.string) ?? .unknown
            ruleDependencies = [.securityGroup]
            resources.append(DesiredResource(
                address: .securityGroup,
                attributes: [
                    Attribute("name", .string(spec.ownedSecurityGroupName)),
                    Attribute("description", .string(StackConventions.securityGroupDescription(spec))),
                    Attribute("vpc_id", .string(spec.producer.vpcId)),
                ],
                tags: StackConventions.tags(for: .securityGroup, in: spec)))
        }
        for cidr in spec.consumer.cidrBlocks {
            let address = ResourceAddress.securityGroupRule(cidr: cidr)
            resources.append(DesiredResource(
                address: address,
                attributes: [
                    Attribute("security_group_id", securityGroupValue),
                    Attribute("protocol", .string(StackConventions.ruleProtocol)),
                    Attribute("from_port", .int(port)),
                    Attribute("to_port", .int(port)),
                    Attribute("cidr_ipv4", .string(cidr)),
                    Attribute("description", .string(StackConventions.ruleDescription(spec))),
                ],
                dependencies: ruleDependencies,
                tags: StackConventions.tags(for: address, in: spec)))
        }
        resources.append(DesiredResource(
            address: .loadBalancer,
            attributes: [
                Attribute("name", .string(spec.loadBalancer.name)),
                Attribute("scheme", .string(StackConventions.scheme)),
                Attribute("type", .string(StackConventions.loadBalancerType)),
                Attribute("subnets", .strings(spec.producer.subnets.map(\.subnetId).sorted())),
                Attribute("security_groups", .list([securityGroupValue])),
                Attribute("cross_zone", .bool(spec.loadBalancer.crossZone)),
            ],
            dependencies: spec.ownsSecurityGroup ? [.securityGroup] : [],
            tags: StackConventions.tags(for: .loadBalancer, in: spec)))
        resources.append(DesiredResource(
            address: .targetGroup,
            attributes: [
                Attribute("name", .string(spec.targetGroup.name)),
                Attribute("protocol", .string(StackConventions.listenerProtocol)),
                Attribute("port", .int(port)),
                Attribute("vpc_id", .string(spec.producer.vpcId)),
                Attribute("target_type", .string(StackConventions.targetType)),
            ],
            tags: StackConventions.tags(for: .targetGroup, in: spec)))
        let targetGroupValue = known.targetGroupArn.map(AttributeValue.string) ?? .unknown
        let loadBalancerValue = known.loadBalancerArn.map(AttributeValue.string) ?? .unknown
        resources.append(DesiredResource(
            address: .target(ip: spec.database.writerIP),
            attributes: [
                Attribute("target_group_arn", targetGroupValue),
                Attribute("ip", .string(spec.database.writerIP)),
                Attribute("port", .int(port)),
            ],
            dependencies: [.targetGroup]))
        resources.append(DesiredResource(
            address: .listener,
            attributes: [
                Attribute("load_balancer_arn", loadBalancerValue),
                Attribute("protocol", .string(StackConventions.listenerProtocol)),
                Attribute("port", .int(port)),
                Attribute("target_group_arn", targetGroupValue),
            ],
            dependencies: [.loadBalancer, .targetGroup],
            tags: StackConventions.tags(for: .listener, in: spec)))
        resources.append(DesiredResource(
            address: .endpointService,
            attributes: [
                Attribute("load_balancer_arn", loadBalancerValue),
                Attribute("acceptance_required", .bool(spec.endpointService.acceptanceRequired)),
            ],
            dependencies: [.loadBalancer],
            tags: StackConventions.tags(for: .endpointService, in: spec)))
        let serviceValue = known.endpointServiceId.map(AttributeValue.string) ?? .unknown
        for principal in spec.allowedPrincipals {
            resources.append(DesiredResource(
                address: .principal(principal),
                attributes: [Attribute("service_id", serviceValue), Attribute("principal", .string(principal))],
                dependencies: [.endpointService]))
        }
        return ResourceGraph(orderedResources: try topologicalOrder(resources))
    }

    /// Orders resources so each follows its dependencies; among the ready ones the smallest
    /// address goes first, so the order never depends on input order. Throws on a cycle.
    public static func topologicalOrder(_ resources: [DesiredResource]) throws -> [DesiredResource] {
        let byAddress = Dictionary(resources.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        let order = try TopologicalSort.order(
            nodes: resources.map(\.address),
            edges: { address in (byAddress[address]?.dependencies ?? []).filter { byAddress[$0] != nil } },
            label: \.description)
        return order.compactMap { byAddress[$0] }
    }
}

/// Ids AWS assigned to resources that already exist, substituted into desired attributes.
public struct KnownIdentifiers: Sendable, Equatable {
    public var securityGroupId: String?
    public var loadBalancerArn: String?
    public var targetGroupArn: String?
    public var endpointServiceId: String?

    public init(securityGroupId: String? = nil, loadBalancerArn: String? = nil, targetGroupArn: String? = nil, endpointServiceId: String? = nil) {
        self.securityGroupId = securityGroupId
        self.loadBalancerArn = loadBalancerArn
        self.targetGroupArn = targetGroupArn
        self.endpointServiceId = endpointServiceId
    }
}
