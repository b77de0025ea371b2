/// What a reader found in AWS for one stack: the inputs of preflight and of the planner.
///
/// A nil resource means "not found". Collections hold only what is relevant to the stack
/// (rules on the NLB's security group, listeners on the NLB, targets in the target group).
public struct LiveState: Sendable, Codable, Equatable {
    public var stack: String
    public var accountId: String
    public var vpc: VPC?
    public var subnets: [Subnet]
    /// Spec subnet ids the reader asked for and AWS did not return.
    public var missingSubnetIds: [String]
    /// The security group the spec references, when it does and it exists.
    public var referencedSecurityGroup: SecurityGroup?
    /// The group named `<stack>-nlb` in the VPC, or carrying this stack's tag.
    public var ownedSecurityGroup: SecurityGroup?
    /// Ingress rules on the security group attached to (or meant for) the NLB.
    public var securityGroupRules: [SecurityGroupRule]
    public var loadBalancer: LoadBalancer?
    public var targetGroup: TargetGroup?
    public var targets: [Target]
    public var listeners: [Listener]
    /// Services carrying this stack's tag, or pointing at the stack's NLB.
    public var endpointServices: [EndpointService]
    /// Allowed principals of the stack's endpoint service.
    public var allowedPrincipals: [String]
    /// Other rplink stacks with a load balancer in this VPC that the run does not plan, known
    /// when this stack's load balancer is missing (their tags are read then): a spec whose
    /// stack name changed would otherwise build a second stack beside the first in silence.
    public var otherStacks: [String] = []

    /// Every property but `otherStacks`, which is not the stack's own state: leaving it out
    /// keeps the fingerprints of plans saved before it existed.
    enum CodingKeys: String, CodingKey {
        case stack, accountId, vpc, subnets, missingSubnetIds, referencedSecurityGroup, ownedSecurityGroup
        case securityGroupRules, loadBalancer, targetGroup, targets, listeners, endpointServices, allowedPrincipals
    }

    public init(
        stack: String, accountId: String, vpc: VPC? = nil, subnets: [Subnet] = [], missingSubnetIds: [String] = [],
        referencedSecurityGroup: SecurityGroup? = nil, ownedSecurityGroup: SecurityGroup? = nil,
        securityGroupRules: [SecurityGroupRule] = [], loadBalancer: LoadBalancer? = nil,
        targetGroup: TargetGroup? = nil, targets: [Target] = [], listeners: [Listener] = [],
        endpointServices: [EndpointService] = [], allowedPrincipals: [String] = [], otherStacks: [String] = []
    ) {
        self.stack = stack
        self.accountId = accountId
        self.vpc = vpc
        self.subnets = subnets
        self.missingSubnetIds = missingSubnetIds
        self.referencedSecurityGroup = referencedSecurityGroup
        self.ownedSecurityGroup = ownedSecurityGroup
        self.securityGroupRules = securityGroupRules
        self.loadBalancer = loadBalancer
        self.targetGroup = targetGroup
        self.targets = targets
        self.listeners = listeners
        self.endpointServices = endpointServices
        self.allowedPrincipals = allowedPrincipals
        self.otherStacks = otherStacks
    }

    public struct VPC: Sendable, Codable, Equatable {
        public var id: String
        public var cidrBlocks: [String]
        public init(id: String, cidrBlocks: [String]) {
            self.id = id
            self.cidrBlocks = cidrBlocks
        }
    }

    public struct Subnet: Sendable, Codable, Equatable {
        public var id: String
        public var vpcId: String
        public var azId: String
        public init(id: String, vpcId: String, azId: String) {
            self.id = id
            self.vpcId = vpcId
            self.azId = azId
        }
    }

    public struct SecurityGroup: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var vpcId: String
        public var tags: [Spec.Tag]
        public init(id: String, name: String, vpcId: String, tags: [Spec.Tag] = []) {
            self.id = id
            self.name = name
            self.vpcId = vpcId
            self.tags = tags
        }
    }

    public struct SecurityGroupRule: Sendable, Codable, Equatable {
        public var id: String
        public var groupId: String
        /// `tcp`, `udp`, `-1`… as EC2 reports it.
        public var ipProtocol: String
        public var fromPort: Int
        public var toPort: Int
        public var cidrIPv4: String?
        public var description: String?
        public var tags: [Spec.Tag]
        public init(id: String, groupId: String, ipProtocol: String, fromPort: Int, toPort: Int, cidrIPv4: String?, description: String? = nil, tags: [Spec.Tag] = []) {
            self.id = id
            self.groupId = groupId
            self.ipProtocol = ipProtocol
            self.fromPort = fromPort
            self.toPort = toPort
            self.cidrIPv4 = cidrIPv4
            self.description = description
            self.tags = tags
        }
    }

    public struct LoadBalancer: Sendable, Codable, Equatable {
        public var arn: String
        public var name: String
        public var dnsName: String
        public var scheme: String
        public var type: String
        public var state: String
        public var subnetIds: [String]
        public var securityGroupIds: [String]
        /// Load balancer attributes by key, e.g. `load_balancing.cross_zone.enabled` → `true`.
        public var attributes: [String: String]
        public var tags: [Spec.Tag]
        public init(arn: String, name: String, dnsName: String = "", scheme: String = "internal", type: String = "network", state: String = "active", subnetIds: [String], securityGroupIds: [String], attributes: [String: String] = [:], tags: [Spec.Tag] = []) {
            self.arn = arn
            self.name = name
            self.dnsName = dnsName
            self.scheme = scheme
            self.type = type
            self.state = state
            self.subnetIds = subnetIds
            self.securityGroupIds = securityGroupIds
            self.attributes = attributes
            self.tags = tags
        }

        public static let crossZoneAttribute = "load_balancing.cross_zone.enabled"
        /// Missing means AWS's default for NLBs: off.
        public var crossZone: Bool { attributes[Self.crossZoneAttribute] == "true" }
    }

    public struct HealthCheck: Sendable, Codable, Equatable {
        public var protocolName: String
        public var port: String
        public var intervalSeconds: Int?
        public var healthyThreshold: Int?
        public var unhealthyThreshold: Int?
        public init(protocolName: String = "TCP", port: String = "traffic-port", intervalSeconds: Int? = nil, healthyThreshold: Int? = nil, unhealthyThreshold: Int? = nil) {
            self.protocolName = protocolName
            self.port = port
            self.intervalSeconds = intervalSeconds
            self.healthyThreshold = healthyThreshold
            self.unhealthyThreshold = unhealthyThreshold
        }
    }

    public struct TargetGroup: Sendable, Codable, Equatable {
        public var arn: String
        public var name: String
        public var protocolName: String
        public var port: Int
        public var vpcId: String
        public var targetType: String
        public var healthCheck: HealthCheck
        public var tags: [Spec.Tag]
        public init(arn: String, name: String, protocolName: String = "TCP", port: Int, vpcId: String, targetType: String = "ip", healthCheck: HealthCheck = .init(), tags: [Spec.Tag] = []) {
            self.arn = arn
            self.name = name
            self.protocolName = protocolName
            self.port = port
            self.vpcId = vpcId
            self.targetType = targetType
            self.healthCheck = healthCheck
            self.tags = tags
        }
    }

    public struct Target: Sendable, Codable, Equatable {
        public var id: String
        public var port: Int
        /// DescribeTargetHealth's state: `healthy`, `initial`, `draining`, `unused`…
        public var state: String
        /// Why, for `unused` and `unhealthy`: `Target.NotRegistered`, `Target.NotInUse`…
        public var reason: String?
        /// `all` when registered as an IP outside the VPC.
        public var availabilityZone: String?
        public init(id: String, port: Int, state: String = "healthy", reason: String? = nil, availabilityZone: String? = nil) {
            self.id = id
            self.port = port
            self.state = state
            self.reason = reason
            self.availabilityZone = availabilityZone
        }

        /// Draining targets are on their way out, and `unused` ones that are not registered
        /// are not there: planning treats those as absent. An `unused` target that is
        /// registered (`Target.NotInUse`: no subnet of the NLB in its zone) stays registered;
        /// registering it again would change nothing, every apply.
        public var isRegistered: Bool {
            state != "draining" && !(state == "unused" && reason != "Target.NotInUse")
        }

        /// `all` when it was registered so (an IP outside the VPC), which AWS then requires
        /// again to deregister it; nil otherwise, as AWS needs no zone for an IP inside.
        public var zoneAll: String? { availabilityZone == "all" ? "all" : nil }

        /// Registered, but the load balancer sends it nothing.
        public var isRegisteredButNotInUse: Bool { state == "unused" && reason == "Target.NotInUse" }
    }

    public struct Listener: Sendable, Codable, Equatable {
        public var arn: String
        public var port: Int
        public var protocolName: String
        public var targetGroupArn: String?
        public var tags: [Spec.Tag]
        public init(arn: String, port: Int, protocolName: String = "TCP", targetGroupArn: String?, tags: [Spec.Tag] = []) {
            self.arn = arn
            self.port = port
            self.protocolName = protocolName
            self.targetGroupArn = targetGroupArn
            self.tags = tags
        }
    }

    public struct EndpointService: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var state: String
        public var acceptanceRequired: Bool
        public var loadBalancerArns: [String]
        public var tags: [Spec.Tag]
        public init(id: String, name: String, state: String = "Available", acceptanceRequired: Bool, loadBalancerArns: [String], tags: [Spec.Tag] = []) {
            self.id = id
            self.name = name
            self.state = state
            self.acceptanceRequired = acceptanceRequired
            self.loadBalancerArns = loadBalancerArns
            self.tags = tags
        }
    }
}

/// Whose a live object is, judged by its `rplink:stack` tag.
public enum Ownership: Sendable, Equatable {
    /// Nothing found.
    case absent
    /// Tagged with this stack.
    case ours
    /// Found under our name, but untagged (nil) or tagged with another stack.
    case foreign(otherStack: String?)

    public init(tags: [Spec.Tag]?, stack: String) {
        guard let tags else {
            self = .absent
            return
        }
        let tagged = tags.first { $0.key == StackConventions.stackTagKey }?.value
        self = tagged == stack ? .ours : .foreign(otherStack: tagged)
    }
}

extension LiveState {
    /// An account with nothing of the stack yet, and the VPC and subnets the spec names in place.
    public static func empty(for spec: Spec, accountId: String, vpcCidrBlocks: [String] = ["10.0.0.0/16"]) -> LiveState {
        LiveState(
            stack: spec.name, accountId: accountId,
            vpc: VPC(id: spec.producer.vpcId, cidrBlocks: vpcCidrBlocks),
            subnets: spec.producer.subnets.map { Subnet(id: $0.subnetId, vpcId: spec.producer.vpcId, azId: $0.azId) },
            referencedSecurityGroup: spec.producer.securityGroupId.map {
                SecurityGroup(id: $0, name: "referenced", vpcId: spec.producer.vpcId)
            })
    }

    public func ownership(of tags: [Spec.Tag]?) -> Ownership { Ownership(tags: tags, stack: stack) }
}
