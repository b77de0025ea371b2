/// One resource the spec asks for: its address, ordered typed attributes, the addresses it
/// depends on, and the tags it carries when created (empty for objects AWS cannot tag).
public struct DesiredResource: Sendable, Equatable {
    public var address: ResourceAddress
    public var attributes: [Attribute]
    public var dependencies: [ResourceAddress]
    public var tags: [Spec.Tag]

    public init(address: ResourceAddress, attributes: [Attribute], dependencies: [ResourceAddress] = [], tags: [Spec.Tag] = []) {
        self.address = address
        self.attributes = attributes
        self.dependencies = dependencies
        self.tags = tags
    }

    public var kind: ResourceAddress.Kind { address.kind }
}

/// Values of the spec-level settings every stack shares; one place so plans, tags and tests agree.
public enum StackConventions {
    public static let stackTagKey = "rplink:stack"
    public static let resourceTagKey = "rplink:resource"
    /// The spec's own tag keys, comma-separated (tag keys cannot hold a comma): a key that
    /// leaves the spec is removed from AWS, and only such a key, never a tag someone else set.
    public static let tagKeysKey = "rplink:tags"
    public static let listenerProtocol = "TCP"
    public static let ruleProtocol = "tcp"
    public static let scheme = "internal"
    public static let loadBalancerType = "network"
    public static let targetType = "ip"

    /// `rplink:stack`, `rplink:resource`, then the spec's own tags and (when it has any)
    /// `rplink:tags` listing their keys.
    public static func tags(for address: ResourceAddress, in spec: Spec) -> [Spec.Tag] {
        var tags = [Spec.Tag(key: stackTagKey, value: spec.name), Spec.Tag(key: resourceTagKey, value: address.description)] + spec.tags
        if !spec.tags.isEmpty { tags.append(Spec.Tag(key: tagKeysKey, value: tagKeysValue(spec.tags.map(\.key)))) }
        return tags
    }

    static func tagKeysValue(_ keys: [String]) -> String {
        keys.sorted().joined(separator: ",")
    }

    public static func securityGroupDescription(_ spec: Spec) -> String {
        "rplink \(spec.name): NLB in front of the database writer"
    }

    public static func ruleDescription(_ spec: Spec) -> String {
        "rplink \(spec.name): consumer \(spec.consumer.accountId) to the database"
    }
}
