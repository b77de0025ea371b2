import Foundation

/// What the vendor asks for once a stack is applied, taken from its live state.
public struct StackOutputs: Sendable, Equatable {
    public var stack: String
    public var consumerAccountId: String
    public var serviceId: String?
    public var serviceName: String?
    public var loadBalancerArn: String?
    public var loadBalancerDNSName: String?
    public var targetGroupArn: String?
    public var listenerArn: String?
    public var securityGroupId: String?
    public var allowedPrincipals: [String]

    public init(spec: Spec, live: LiveState) {
        let ours = { (tags: [Spec.Tag]) in live.ownership(of: tags) == .ours }
        let service = live.endpointServices.first { ours($0.tags) }
        let loadBalancer = live.loadBalancer.flatMap { ours($0.tags) ? $0 : nil }
        stack = spec.name
        consumerAccountId = spec.consumer.accountId
        serviceId = service?.id
        serviceName = service?.name
        loadBalancerArn = loadBalancer?.arn
        loadBalancerDNSName = loadBalancer?.dnsName
        targetGroupArn = live.targetGroup.flatMap { ours($0.tags) ? $0.arn : nil }
        listenerArn = loadBalancer == nil ? nil : live.listeners.first { $0.port == spec.database.port }?.arn
        securityGroupId = spec.producer.securityGroupId ?? live.ownedSecurityGroup.flatMap { ours($0.tags) ? $0.id : nil }
        allowedPrincipals = service == nil ? [] : live.allowedPrincipals.sorted()
    }

    /// The keys of `output --json`, in the documented order.
    var fields: [(String, Any)] {
        [
            ("service_id", serviceId as Any), ("service_name", serviceName as Any),
            ("load_balancer_arn", loadBalancerArn as Any), ("load_balancer_dns_name", loadBalancerDNSName as Any),
            ("target_group_arn", targetGroupArn as Any), ("listener_arn", listenerArn as Any),
            ("security_group_id", securityGroupId as Any), ("allowed_principals", allowedPrincipals),
        ]
    }

    /// `key = "value"` lines, then the one sentence on what to send to the vendor.
    public func renderText() -> String {
        var text = "Outputs of stack \(stack):\n"
        for (key, value) in fields {
            switch value {
            case let list as [String]:
                text += "  \(key) = [\(list.map { "\"\($0)\"" }.joined(separator: ", "))]\n"
            case let string as String:
                text += "  \(key) = \"\(string)\"\n"
            default:
                text += "  \(key) = (none)\n"
            }
        }
        if let serviceName, let serviceId {
            let others = allowedPrincipals.filter { !$0.hasSuffix(":iam::\(consumerAccountId):root") }.count
            let who = others == 0 ? "account \(consumerAccountId) is" : "account \(consumerAccountId) and \(others) more principal\(others == 1 ? "" : "s") (allowed_principals) are"
            text += "\nSend the endpoint service name \(serviceName) (id \(serviceId)) to your vendor: \(who) allowed to create an interface endpoint to it.\n"
        }
        return text
    }

    /// The JSON object of one stack: absent values are `null`.
    public var jsonObject: [String: Any] {
        Dictionary(uniqueKeysWithValues: fields.map { key, value in (key, (value as? String) ?? (value as? [String]).map { $0 as Any } ?? NSNull()) })
    }

    /// One stack: its object. Several: an object keyed by stack name.
    public static func renderJSON(_ outputs: [StackOutputs]) throws -> String {
        let object: Any = outputs.count == 1
            ? outputs[0].jsonObject
            : Dictionary(uniqueKeysWithValues: outputs.map { ($0.stack, $0.jsonObject as Any) })
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
