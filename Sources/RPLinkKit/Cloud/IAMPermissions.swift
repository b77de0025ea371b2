/// The IAM permissions rplink's AWS calls need, made from `EC2.Action` and `ELBv2.Action`.
///
/// docs/iam-policy.md and its two policies (`Examples/iam/rplink-plan.json`,
/// `Examples/iam/rplink-apply.json`) grant exactly these; tests hold them to it. STS
/// `GetCallerIdentity` needs no permission (AWS allows it even under an explicit deny), and the
/// calls that obtain credentials (`AssumeRole`, web identity, SSO) are the source identity's,
/// outside these policies.
public enum IAMPermissions {
    /// Not a call of rplink's: AWS makes the Elastic Load Balancing service-linked role within
    /// the first CreateLoadBalancer (or CreateTargetGroup) of an account that has never had
    /// one, with the caller's permission. The apply policy grants it for that role only.
    public static let serviceLinkedRole = "iam:CreateServiceLinkedRole"

    /// What `plan` and `output` need: the reads rplink makes, and nothing else (Describe calls
    /// take no resource-level conditions, so they are granted on every resource).
    public static var plan: [String] {
        calls.filter(isRead).sorted()
    }

    /// What `apply` and `destroy` need: every action rplink calls, and what AWS checks with them.
    public static var apply: [String] {
        Set(calls + EC2.Action.allCases.flatMap(\.alsoChecked) + ELBv2.Action.allCases.flatMap(\.alsoChecked)).sorted()
    }

    /// The permissions AWS checks for one call: its own and those it checks with it. Empty for
    /// a call that is not rplink's (STS, IAM).
    public static func needed(_ service: AWSService, _ action: String) -> [String] {
        switch service {
        case .ec2: EC2.Action(rawValue: action).map { [name(service, action)] + $0.alsoChecked } ?? []
        case .elbv2: ELBv2.Action(rawValue: action).map { [name(service, action)] + $0.alsoChecked } ?? []
        case .sts, .iam: []
        }
    }

    /// `ec2:DescribeVpcs`, `elasticloadbalancing:CreateListener`: IAM names a service by its signing name.
    static func name(_ service: AWSService, _ action: String) -> String {
        "\(service.signingName):\(action)"
    }

    static func isRead(_ permission: String) -> Bool {
        permission.split(separator: ":").last?.hasPrefix("Describe") ?? false
    }

    /// The actions rplink calls itself.
    private static var calls: [String] {
        EC2.Action.allCases.map { name(.ec2, $0.rawValue) } + ELBv2.Action.allCases.map { name(.elbv2, $0.rawValue) }
    }
}
