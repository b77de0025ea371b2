/// The stable, readable name of one resource rplink manages, as shown in plans, tags and JSON
/// (DESIGN.md section 3): `load_balancer.nlb`, `target.writer["10.0.0.1"]`,
/// `endpoint_service_principal["arn:aws:iam::123456789012:root"]`.
public struct ResourceAddress: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case securityGroup = "security_group"
        case securityGroupRule = "security_group_rule"
        case loadBalancer = "load_balancer"
        case targetGroup = "target_group"
        case target
        case listener
        case endpointService = "endpoint_service"
        case endpointServicePrincipal = "endpoint_service_principal"

        /// Kinds whose live objects hold a reference to an object of this kind's dependencies.
        /// Used to order deletes (a dependent goes first) independently of the spec.
        public var dependsOnKinds: [Kind] {
            switch self {
            case .securityGroup: []
            case .securityGroupRule: [.securityGroup]
            case .loadBalancer: [.securityGroup]
            case .targetGroup: []
            case .target: [.targetGroup]
            case .listener: [.loadBalancer, .targetGroup]
            case .endpointService: [.loadBalancer]
            case .endpointServicePrincipal: [.endpointService]
            }
        }
    }

    public var kind: Kind
    /// The local name (`nlb`, `writer`, `main`); nil for kinds addressed by key only.
    public var name: String?
    /// The instance key (a CIDR, an IP, a principal ARN); nil for singletons.
    public var key: String?

    public init(kind: Kind, name: String?, key: String? = nil) {
        self.kind = kind
        self.name = name
        self.key = key
    }

    public var description: String {
        var text = kind.rawValue
        if let name { text += ".\(name)" }
        if let key { text += "[\"\(key)\"]" }
        return text
    }

    public static func < (lhs: ResourceAddress, rhs: ResourceAddress) -> Bool {
        lhs.description < rhs.description
    }

    public static let securityGroup = ResourceAddress(kind: .securityGroup, name: "nlb")
    public static let loadBalancer = ResourceAddress(kind: .loadBalancer, name: "nlb")
    public static let targetGroup = ResourceAddress(kind: .targetGroup, name: "writer")
    public static let listener = ResourceAddress(kind: .listener, name: "db")
    public static let endpointService = ResourceAddress(kind: .endpointService, name: "main")

    public static func securityGroupRule(cidr: String) -> ResourceAddress {
        ResourceAddress(kind: .securityGroupRule, name: "consumer", key: cidr)
    }

    public static func target(ip: String) -> ResourceAddress {
        ResourceAddress(kind: .target, name: "writer", key: ip)
    }

    public static func principal(_ arn: String) -> ResourceAddress {
        ResourceAddress(kind: .endpointServicePrincipal, name: nil, key: arn)
    }

    /// A rule of this stack on a security group the stack no longer uses.
    public static func formerRule(groupId: String, cidr: String) -> ResourceAddress {
        ResourceAddress(kind: .securityGroupRule, name: "former", key: "\(groupId) \(cidr)")
    }

    /// An endpoint service carrying this stack's tag that is not the one the stack uses.
    public static func strayEndpointService(id: String) -> ResourceAddress {
        ResourceAddress(kind: .endpointService, name: "stray", key: id)
    }
}
