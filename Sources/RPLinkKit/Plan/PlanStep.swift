/// One AWS call (or call plus wait) the executor runs, with the steps that must finish first.
public struct PlanStep: Sendable, Equatable, Codable, Identifiable {
    /// Unique in its plan: `<address>:<operation>`.
    public var id: String
    public var address: ResourceAddress
    public var operation: StepOperation
    public var dependsOn: [String]

    public init(id: String, address: ResourceAddress, operation: StepOperation, dependsOn: [String] = []) {
        self.id = id
        self.address = address
        self.operation = operation
        self.dependsOn = dependsOn
    }
}

/// The id of an AWS object: known now, or produced by an earlier step of the same apply
/// (the executor resolves `.ref` to the ARN or id that step's create returned).
public enum ResourceReference: Sendable, Equatable, Codable, CustomStringConvertible {
    case id(String)
    case ref(ResourceAddress)

    public var description: String {
        switch self {
        case .id(let id): id
        case .ref(let address): "\(address).id"
        }
    }

    public var referencedAddress: ResourceAddress? {
        if case .ref(let address) = self { return address }
        return nil
    }
}

/// The AWS service a tag call goes to: EC2 tags ids (`CreateTags`), ELBv2 tags ARNs (`AddTags`).
public enum TaggingService: String, Sendable, Equatable, Codable {
    case ec2
    case elbv2
}

/// Everything the executor needs for one call; no credentials, only ids and settings.
public enum StepOperation: Sendable, Equatable, Codable {
    case createSecurityGroup(name: String, description: String, vpcId: String, tags: [Spec.Tag])
    case deleteSecurityGroup(groupId: String)
    case authorizeIngress(groupId: ResourceReference, ipProtocol: String, fromPort: Int, toPort: Int, cidr: String, description: String, tags: [Spec.Tag])
    case revokeIngress(groupId: String, ruleId: String)
    case modifyRuleDescription(groupId: String, ruleId: String, ipProtocol: String, fromPort: Int, toPort: Int, cidr: String, description: String)
    /// CreateLoadBalancer (internal, network), then wait until it is active. Cross-zone is a step
    /// of its own, so that what needs the NLB does not wait for the attribute too.
    case createLoadBalancer(name: String, subnetIds: [String], securityGroups: [ResourceReference], tags: [Spec.Tag])
    case setSubnets(loadBalancerArn: String, subnetIds: [String])
    case setSecurityGroups(loadBalancerArn: String, securityGroups: [ResourceReference])
    case setCrossZone(loadBalancer: ResourceReference, enabled: Bool)
    /// DeleteLoadBalancer, then wait until it is gone.
    case deleteLoadBalancer(loadBalancerArn: String)
    case createTargetGroup(name: String, protocolName: String, port: Int, vpcId: String, targetType: String, tags: [Spec.Tag])
    case deleteTargetGroup(targetGroupArn: String)
    /// `availabilityZone` is `all` for an IP outside the VPC, which AWS requires then.
    case registerTarget(targetGroup: ResourceReference, ip: String, port: Int, availabilityZone: String? = nil)
    case deregisterTarget(targetGroupArn: String, ip: String, port: Int, availabilityZone: String? = nil)
    case createListener(loadBalancer: ResourceReference, protocolName: String, port: Int, targetGroup: ResourceReference, tags: [Spec.Tag])
    case modifyListener(listenerArn: String, protocolName: String, port: Int, targetGroup: ResourceReference)
    case deleteListener(listenerArn: String)
    /// CreateVpcEndpointServiceConfiguration, then wait for `Available`.
    case createEndpointService(loadBalancer: ResourceReference, acceptanceRequired: Bool, clientToken: String, tags: [Spec.Tag])
    case modifyEndpointServiceAcceptance(serviceId: String, acceptanceRequired: Bool)
    /// DeleteVpcEndpointServiceConfigurations (checking `Unsuccessful`), then wait until gone.
    case deleteEndpointService(serviceId: String)
    case addPrincipals(service: ResourceReference, principals: [String])
    case removePrincipals(serviceId: String, principals: [String])
    /// Adds or overwrites tags, never removes any.
    case tagResource(service: TaggingService, resourceId: String, tags: [Spec.Tag])
    /// Removes tag keys the spec no longer has (only those listed in `rplink:tags`).
    case untagResource(service: TaggingService, resourceId: String, keys: [String])

    /// The operation's name, used in step ids and progress lines.
    public var name: String {
        switch self {
        case .createSecurityGroup: "createSecurityGroup"
        case .deleteSecurityGroup: "deleteSecurityGroup"
        case .authorizeIngress: "authorizeIngress"
        case .revokeIngress: "revokeIngress"
        case .modifyRuleDescription: "modifyRuleDescription"
        case .createLoadBalancer: "createLoadBalancer"
        case .setSubnets: "setSubnets"
        case .setSecurityGroups: "setSecurityGroups"
        case .setCrossZone: "setCrossZone"
        case .deleteLoadBalancer: "deleteLoadBalancer"
        case .createTargetGroup: "createTargetGroup"
        case .deleteTargetGroup: "deleteTargetGroup"
        case .registerTarget: "registerTarget"
        case .deregisterTarget: "deregisterTarget"
        case .createListener: "createListener"
        case .modifyListener: "modifyListener"
        case .deleteListener: "deleteListener"
        case .createEndpointService: "createEndpointService"
        case .modifyEndpointServiceAcceptance: "modifyEndpointServiceAcceptance"
        case .deleteEndpointService: "deleteEndpointService"
        case .addPrincipals: "addPrincipals"
        case .removePrincipals: "removePrincipals"
        case .tagResource: "tagResource"
        case .untagResource: "untagResource"
        }
    }

    /// Whether the step brings a new AWS object into being (its id can be referenced).
    public var createsObject: Bool {
        switch self {
        case .createSecurityGroup, .authorizeIngress, .createLoadBalancer, .createTargetGroup,
             .registerTarget, .createListener, .createEndpointService, .addPrincipals: true
        default: false
        }
    }

    /// Whether the step removes an AWS object.
    public var removesObject: Bool {
        switch self {
        case .deleteSecurityGroup, .revokeIngress, .deleteLoadBalancer, .deleteTargetGroup,
             .deregisterTarget, .deleteListener, .deleteEndpointService, .removePrincipals: true
        default: false
        }
    }

    /// Addresses whose ids this step needs from earlier steps.
    public var references: [ResourceAddress] {
        let references: [ResourceReference] = switch self {
        case .authorizeIngress(let group, _, _, _, _, _, _): [group]
        case .createLoadBalancer(_, _, let groups, _): groups
        case .setCrossZone(let loadBalancer, _): [loadBalancer]
        case .setSecurityGroups(_, let groups): groups
        case .registerTarget(let group, _, _, _): [group]
        case .createListener(let loadBalancer, _, _, let targetGroup, _): [loadBalancer, targetGroup]
        case .modifyListener(_, _, _, let targetGroup): [targetGroup]
        case .createEndpointService(let loadBalancer, _, _, _): [loadBalancer]
        case .addPrincipals(let service, _): [service]
        default: []
        }
        return references.compactMap(\.referencedAddress)
    }
}
