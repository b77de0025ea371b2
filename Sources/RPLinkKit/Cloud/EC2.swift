/// The EC2 operations rplink uses (DESIGN.md section 3), typed over the Query API.
///
/// EC2 lists are `Name.N` (`Filter.1.Value.1`, `TagSpecification.1.Tag.1.Key`) and its responses
/// use lowerCamel names with `<item>` lists. Describe calls follow `NextToken` to the last page.
public struct EC2: Sendable {
    public let api: any QueryAPI

    public init(api: any QueryAPI) {
        self.api = api
    }

    // MARK: - VPCs and subnets

    /// VPCs by id, or by filters such as `vpc-id` (which, unlike ids, does not fail on an unknown VPC).
    /// With neither, every VPC in the region.
    public func describeVpcs(ids: [String] = [], filters: [Filter] = []) async throws -> [Vpc] {
        var parameters = QueryParameters()
        parameters.setList("VpcId", ids)
        Self.setFilters(filters, in: &parameters)
        return try await describe(.describeVpcs, parameters, list: "vpcSet", Vpc.init(xml:))
    }

    public func describeSubnets(ids: [String] = [], filters: [Filter] = []) async throws -> [Subnet] {
        var parameters = QueryParameters()
        parameters.setList("SubnetId", ids)
        Self.setFilters(filters, in: &parameters)
        return try await describe(.describeSubnets, parameters, list: "subnetSet", Subnet.init(xml:))
    }

    // MARK: - Security groups

    /// Groups by id, or by filters such as `vpc-id`, `group-name` and `tag:rplink:stack`.
    public func describeSecurityGroups(ids: [String] = [], filters: [Filter] = []) async throws -> [SecurityGroup] {
        var parameters = QueryParameters()
        parameters.setList("GroupId", ids)
        Self.setFilters(filters, in: &parameters)
        return try await describe(.describeSecurityGroups, parameters, list: "securityGroupInfo", SecurityGroup.init(xml:))
    }

    /// Creates a VPC security group, tagged at creation, and returns its id.
    public func createSecurityGroup(name: String, description: String, vpcId: String, tags: [Spec.Tag]) async throws -> String {
        var parameters = QueryParameters()
        parameters.set("GroupName", name)
        parameters.set("GroupDescription", description)
        parameters.set("VpcId", vpcId)
        Self.setTagSpecification("security-group", tags, in: &parameters)
        let response = try await call(.createSecurityGroup, parameters)
        return try CloudXML.decoding(.ec2, Action.createSecurityGroup.rawValue) { try CloudXML.required(response, "groupId") }
    }

    public func deleteSecurityGroup(id: String) async throws {
        var parameters = QueryParameters()
        parameters.set("GroupId", id)
        _ = try await call(.deleteSecurityGroup, parameters)
    }

    /// Rules by filters; `groupIds` adds a `group-id` filter (the usual way to read one group's rules).
    public func describeSecurityGroupRules(groupIds: [String] = [], filters: [Filter] = []) async throws -> [SecurityGroupRule] {
        var parameters = QueryParameters()
        let all = (groupIds.isEmpty ? [] : [Filter("group-id", groupIds)]) + filters
        Self.setFilters(all, in: &parameters)
        return try await describe(.describeSecurityGroupRules, parameters, list: "securityGroupRuleSet", SecurityGroupRule.init(xml:))
    }

    /// Adds ingress rules, tagging each new rule, and returns the rules AWS created (with their ids).
    @discardableResult
    public func authorizeSecurityGroupIngress(groupId: String, permissions: [IngressPermission], tags: [Spec.Tag]) async throws -> [SecurityGroupRule] {
        var parameters = QueryParameters()
        parameters.set("GroupId", groupId)
        for (index, permission) in permissions.enumerated() {
            let prefix = "IpPermissions.\(index + 1)"
            parameters.set("\(prefix).IpProtocol", permission.ipProtocol)
            parameters.set("\(prefix).FromPort", permission.fromPort)
            parameters.set("\(prefix).ToPort", permission.toPort)
            parameters.set("\(prefix).IpRanges.1.CidrIp", permission.cidrIpv4)
            if let description = permission.description { parameters.set("\(prefix).IpRanges.1.Description", description) }
        }
        Self.setTagSpecification("security-group-rule", tags, in: &parameters)
        let response = try await call(.authorizeSecurityGroupIngress, parameters)
        try Self.requireReturnTrue(response, .authorizeSecurityGroupIngress)
        return try CloudXML.decoding(.ec2, Action.authorizeSecurityGroupIngress.rawValue) {
            try response.list("securityGroupRuleSet").map(SecurityGroupRule.init(xml:))
        }
    }

    public func revokeSecurityGroupIngress(groupId: String, ruleIds: [String]) async throws {
        var parameters = QueryParameters()
        parameters.set("GroupId", groupId)
        parameters.setList("SecurityGroupRuleId", ruleIds)
        let response = try await call(.revokeSecurityGroupIngress, parameters)
        try Self.requireReturnTrue(response, .revokeSecurityGroupIngress)
    }

    /// Rewrites rules in place; AWS needs the whole rule, so a description change restates the rest.
    public func modifySecurityGroupRules(groupId: String, rules: [(ruleId: String, permission: IngressPermission)]) async throws {
        var parameters = QueryParameters()
        parameters.set("GroupId", groupId)
        for (index, rule) in rules.enumerated() {
            let prefix = "SecurityGroupRule.\(index + 1)"
            parameters.set("\(prefix).SecurityGroupRuleId", rule.ruleId)
            parameters.set("\(prefix).SecurityGroupRule.IpProtocol", rule.permission.ipProtocol)
            parameters.set("\(prefix).SecurityGroupRule.FromPort", rule.permission.fromPort)
            parameters.set("\(prefix).SecurityGroupRule.ToPort", rule.permission.toPort)
            parameters.set("\(prefix).SecurityGroupRule.CidrIpv4", rule.permission.cidrIpv4)
            if let description = rule.permission.description {
                parameters.set("\(prefix).SecurityGroupRule.Description", description)
            }
        }
        let response = try await call(.modifySecurityGroupRules, parameters)
        try Self.requireReturnTrue(response, .modifySecurityGroupRules)
    }

    public func createTags(resourceIds: [String], tags: [Spec.Tag]) async throws {
        var parameters = QueryParameters()
        parameters.setList("ResourceId", resourceIds)
        Self.setTags(tags, prefix: "Tag", in: &parameters)
        _ = try await call(.createTags, parameters)
    }

    /// Removes these keys (whatever their values) from the resources.
    public func deleteTags(resourceIds: [String], keys: [String]) async throws {
        var parameters = QueryParameters()
        parameters.setList("ResourceId", resourceIds)
        for (index, key) in keys.enumerated() {
            parameters.set("Tag.\(index + 1).Key", key)
        }
        _ = try await call(.deleteTags, parameters)
    }

    // MARK: - VPC endpoint services

    /// Service configurations by id, or by filters such as `tag:rplink:stack`.
    public func describeVpcEndpointServiceConfigurations(ids: [String] = [], filters: [Filter] = []) async throws -> [ServiceConfiguration] {
        var parameters = QueryParameters()
        parameters.setList("ServiceId", ids)
        Self.setFilters(filters, in: &parameters)
        return try await describe(
            .describeVpcEndpointServiceConfigurations, parameters,
            list: "serviceConfigurationSet", ServiceConfiguration.init(xml:)
        )
    }

    /// Creates an endpoint service in front of the given NLBs. `clientToken` makes a retried
    /// create return the first service instead of making a second one.
    public func createVpcEndpointServiceConfiguration(
        networkLoadBalancerArns: [String], acceptanceRequired: Bool, tags: [Spec.Tag], clientToken: String?
    ) async throws -> ServiceConfiguration {
        var parameters = QueryParameters()
        parameters.setList("NetworkLoadBalancerArn", networkLoadBalancerArns)
        parameters.set("AcceptanceRequired", acceptanceRequired)
        if let clientToken { parameters.set("ClientToken", clientToken) }
        Self.setTagSpecification("vpc-endpoint-service", tags, in: &parameters)
        let response = try await call(.createVpcEndpointServiceConfiguration, parameters)
        return try CloudXML.decoding(.ec2, Action.createVpcEndpointServiceConfiguration.rawValue) {
            guard let configuration = response.child("serviceConfiguration") else {
                throw CloudXML.MissingElement(path: [response.name, "serviceConfiguration"])
            }
            return try ServiceConfiguration(xml: configuration)
        }
    }

    public func modifyVpcEndpointServiceConfiguration(serviceId: String, acceptanceRequired: Bool) async throws {
        var parameters = QueryParameters()
        parameters.set("ServiceId", serviceId)
        parameters.set("AcceptanceRequired", acceptanceRequired)
        let response = try await call(.modifyVpcEndpointServiceConfiguration, parameters)
        try Self.requireReturnTrue(response, .modifyVpcEndpointServiceConfiguration)
    }

    /// Deletes endpoint services. AWS answers HTTP 200 even when some could not be deleted and lists
    /// them under `<unsuccessful>`; those become one `AWSError` (the first item's code, every item in
    /// the message) so a failed delete can never pass for a successful one.
    public func deleteVpcEndpointServiceConfigurations(ids: [String]) async throws {
        var parameters = QueryParameters()
        parameters.setList("ServiceId", ids)
        let action = Action.deleteVpcEndpointServiceConfigurations
        let response = try await call(action, parameters)
        let failures = response.list("unsuccessful").map { item in
            (
                resourceId: item.string("resourceId") ?? "?",
                code: item.string("error", "code") ?? "Unsuccessful",
                message: item.string("error", "message") ?? ""
            )
        }
        guard let first = failures.first else { return }
        throw AWSError(
            service: .ec2, action: action.rawValue, code: first.code,
            message: failures.map { "\($0.resourceId): \($0.code): \($0.message)" }.joined(separator: "; "),
            requestId: response.string("requestId"), httpStatus: 200
        )
    }

    /// The principal ARNs allowed to connect to an endpoint service.
    public func describeVpcEndpointServicePermissions(serviceId: String) async throws -> [String] {
        var parameters = QueryParameters()
        parameters.set("ServiceId", serviceId)
        let pages = try await callAllPages(.describeVpcEndpointServicePermissions, parameters)
        return pages.flatMap { $0.list("allowedPrincipals").compactMap { $0.string("principal") } }
    }

    public func modifyVpcEndpointServicePermissions(serviceId: String, add: [String] = [], remove: [String] = []) async throws {
        var parameters = QueryParameters()
        parameters.set("ServiceId", serviceId)
        parameters.setList("AddAllowedPrincipals", add)
        parameters.setList("RemoveAllowedPrincipals", remove)
        let response = try await call(.modifyVpcEndpointServicePermissions, parameters)
        try Self.requireReturnTrue(response, .modifyVpcEndpointServicePermissions)
    }

    // MARK: - Encoding and decoding

    private func call(_ action: Action, _ parameters: QueryParameters) async throws -> XMLNode {
        try await api.call(.ec2, action.rawValue, parameters)
    }

    private func callAllPages(_ action: Action, _ parameters: QueryParameters) async throws -> [XMLNode] {
        try await api.callAllPages(.ec2, action.rawValue, parameters)
    }

    private func describe<T>(
        _ action: Action, _ parameters: QueryParameters, list: String, _ decode: (XMLNode) throws -> T
    ) async throws -> [T] {
        let pages = try await callAllPages(action, parameters)
        return try CloudXML.decoding(.ec2, action.rawValue) { try pages.flatMap { try $0.list(list).map(decode) } }
    }

    static func setFilters(_ filters: [Filter], in parameters: inout QueryParameters) {
        for (index, filter) in filters.enumerated() {
            parameters.set("Filter.\(index + 1).Name", filter.name)
            parameters.setList("Filter.\(index + 1).Value", filter.values)
        }
    }

    static func setTags(_ tags: [Spec.Tag], prefix: String, in parameters: inout QueryParameters) {
        parameters.setStructList(prefix, member: false, tags.map { [("Key", $0.key), ("Value", $0.value)] })
    }

    /// `TagSpecification.1.ResourceType` + `TagSpecification.1.Tag.N.*`; omitted without tags,
    /// because AWS rejects a tag specification with an empty tag list.
    static func setTagSpecification(_ resourceType: String, _ tags: [Spec.Tag], in parameters: inout QueryParameters) {
        guard !tags.isEmpty else { return }
        parameters.set("TagSpecification.1.ResourceType", resourceType)
        setTags(tags, prefix: "TagSpecification.1.Tag", in: &parameters)
    }

    /// Some EC2 mutations answer HTTP 200 with `<return>false</return>` when nothing was done.
    static func requireReturnTrue(_ response: XMLNode, _ action: Action) throws {
        guard response.string("return") == "false" else { return }
        throw AWSError(
            service: .ec2, action: action.rawValue, code: "ReturnFalse",
            message: "EC2 answered return=false: the request was not carried out",
            requestId: response.string("requestId"), httpStatus: 200
        )
    }
}
