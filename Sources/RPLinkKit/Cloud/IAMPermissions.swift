/// The IAM permissions rplink's own AWS calls need, made from `EC2.Action` and `ELBv2.Action`.
///
/// docs/iam-policy.md and its two policies (`Examples/iam/rplink-plan.json`,
/// `Examples/iam/rplink-apply.json`) grant exactly these; tests hold them to it. STS
/// `GetCallerIdentity` needs no permission (AWS allows it even under an explicit deny), and the
/// calls that obtain credentials (`AssumeRole`, web identity, SSO) are the source identity's,
/// outside these policies.
public enum IAMPermissions {
    /// What `plan` and `output` need: every read, and nothing else (Describe calls take no
    /// resource-level conditions, so they are granted on every resource).
    public static var plan: [String] {
        all.filter(isRead)
    }

    /// What `apply` and `destroy` need (and `plan` too, being reads): every action rplink calls.
    public static var apply: [String] {
        all
    }

    /// Not a call of rplink's: AWS makes the Elastic Load Balancing service-linked role within
    /// the first CreateLoadBalancer of an account that has never had a load balancer, with the
    /// caller's permission. The apply policy grants it for that role only.
    public static let serviceLinkedRole = "iam:CreateServiceLinkedRole"

    /// The permissions one call needs, for an access-denied error to name: its own and, for a
    /// create that tags what it makes, the tagging permission AWS checks with it. Empty for a
    /// call that is not rplink's (STS, IAM).
    public static func needed(_ service: AWSService, _ action: String) -> [String] {
        switch service {
        case .ec2:
            guard let known = EC2.Action(rawValue: action) else { return [] }
            return [name(service, action)] + (known.tagsOnCreate ? [name(service, EC2.Action.createTags.rawValue)] : [])
        case .elbv2:
            guard let known = ELBv2.Action(rawValue: action) else { return [] }
            return [name(service, action)] + (known.tagsOnCreate ? [name(service, ELBv2.Action.addTags.rawValue)] : [])
        case .sts, .iam:
            return []
        }
    }

    /// `ec2:DescribeVpcs`, `elasticloadbalancing:CreateListener`: IAM names a service by its signing name.
    static func name(_ service: AWSService, _ action: String) -> String {
        "\(service.signingName):\(action)"
    }

    static func isRead(_ permission: String) -> Bool {
        permission.split(separator: ":").last?.hasPrefix("Describe") ?? false
    }

    private static var all: [String] {
        (EC2.Action.allCases.map { name(.ec2, $0.rawValue) } + ELBv2.Action.allCases.map { name(.elbv2, $0.rawValue) }).sorted()
    }
}
