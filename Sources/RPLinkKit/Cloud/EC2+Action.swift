extension EC2 {
    /// Every EC2 action rplink calls: `IAMPermissions` and the policies in docs/iam-policy.md
    /// are made from this list, so a call added here is a permission added there.
    public enum Action: String, Sendable, CaseIterable {
        case describeVpcs = "DescribeVpcs"
        case describeSubnets = "DescribeSubnets"
        case describeSecurityGroups = "DescribeSecurityGroups"
        case createSecurityGroup = "CreateSecurityGroup"
        case deleteSecurityGroup = "DeleteSecurityGroup"
        case describeSecurityGroupRules = "DescribeSecurityGroupRules"
        case authorizeSecurityGroupIngress = "AuthorizeSecurityGroupIngress"
        case revokeSecurityGroupIngress = "RevokeSecurityGroupIngress"
        case modifySecurityGroupRules = "ModifySecurityGroupRules"
        case createTags = "CreateTags"
        case deleteTags = "DeleteTags"
        case describeVpcEndpointServiceConfigurations = "DescribeVpcEndpointServiceConfigurations"
        case createVpcEndpointServiceConfiguration = "CreateVpcEndpointServiceConfiguration"
        case modifyVpcEndpointServiceConfiguration = "ModifyVpcEndpointServiceConfiguration"
        case deleteVpcEndpointServiceConfigurations = "DeleteVpcEndpointServiceConfigurations"
        case describeVpcEndpointServicePermissions = "DescribeVpcEndpointServicePermissions"
        case modifyVpcEndpointServicePermissions = "ModifyVpcEndpointServicePermissions"

        /// What AWS checks with this action, beyond its own permission: `ec2:CreateTags` for
        /// the creates that tag the new object through `TagSpecification`.
        var alsoChecked: [String] {
            switch self {
            case .createSecurityGroup, .authorizeSecurityGroupIngress, .createVpcEndpointServiceConfiguration: ["ec2:CreateTags"]
            default: []
            }
        }
    }
}
