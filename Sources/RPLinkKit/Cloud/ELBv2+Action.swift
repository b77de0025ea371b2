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

        /// What AWS checks with this action, beyond its own permission (the Elastic Load
        /// Balancing user guide, "Elastic Load Balancing API permissions"): `AddTags` for the
        /// creates that pass `Tags`, EC2 reads of the network, and the service-linked role that
        /// the first load balancer or target group of an account makes.
        var alsoChecked: [String] {
            switch self {
            case .createLoadBalancer:
                ["elasticloadbalancing:AddTags", "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses",
                 "ec2:DescribeInternetGateways", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
                 IAMPermissions.serviceLinkedRole]
            case .createTargetGroup:
                ["elasticloadbalancing:AddTags", "ec2:DescribeInternetGateways", "ec2:DescribeVpcs", IAMPermissions.serviceLinkedRole]
            case .createListener:
                ["elasticloadbalancing:AddTags"]
            case .registerTargets:
                ["ec2:DescribeInstances", "ec2:DescribeInternetGateways", "ec2:DescribeSubnets", "ec2:DescribeVpcs"]
            case .setSubnets:
                ["ec2:DescribeSubnets"]
            default:
                []
            }
        }
    }
}
