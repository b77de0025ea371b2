extension ELBv2 {
    /// Every Elastic Load Balancing action rplink calls: `IAMPermissions` and the policies in
    /// docs/iam-policy.md are made from this list, so a call added here is a permission added there.
    public enum Action: String, Sendable, CaseIterable {
        case describeLoadBalancers = "DescribeLoadBalancers"
        case createLoadBalancer = "CreateLoadBalancer"
        case deleteLoadBalancer = "DeleteLoadBalancer"
        case setSubnets = "SetSubnets"
        case setSecurityGroups = "SetSecurityGroups"
        case describeLoadBalancerAttributes = "DescribeLoadBalancerAttributes"
        case modifyLoadBalancerAttributes = "ModifyLoadBalancerAttributes"
        case describeTargetGroups = "DescribeTargetGroups"
        case createTargetGroup = "CreateTargetGroup"
        case modifyTargetGroup = "ModifyTargetGroup"
        case deleteTargetGroup = "DeleteTargetGroup"
        case describeTargetHealth = "DescribeTargetHealth"
        case registerTargets = "RegisterTargets"
        case deregisterTargets = "DeregisterTargets"
        case describeListeners = "DescribeListeners"
        case createListener = "CreateListener"
        case modifyListener = "ModifyListener"
        case deleteListener = "DeleteListener"
        case describeTags = "DescribeTags"
        case addTags = "AddTags"
        case removeTags = "RemoveTags"

        /// Creates that pass `Tags`: AWS then checks `elasticloadbalancing:AddTags` as well.
        var tagsOnCreate: Bool {
            switch self {
            case .createLoadBalancer, .createTargetGroup, .createListener: true
            default: false
            }
        }
    }
}
