/// The Elastic Load Balancing v2 operations rplink uses (DESIGN.md section 3), typed over the Query API.
///
/// ELBv2 lists are `Name.member.N` and responses are `<ActionResponse><ActionResult>…<member>`.
/// Describe calls follow `NextMarker` to the last page.
///
/// Lookups by name: AWS fails the whole DescribeLoadBalancers / DescribeTargetGroups call with
/// `LoadBalancerNotFound` / `TargetGroupNotFound` when any one of the names is missing, so a batch
/// of names cannot tell which ones exist. `describeLoadBalancers(names:)` and `describeTargetGroups(names:)`
/// therefore list everything (PageSize 400: one call for most accounts, however many stacks are
/// planned) and keep the requested names on the client side. Lookups by ARN go in batches of 20,
/// the API's limit, and a missing ARN is an error, since ARNs come from an earlier read.
public struct ELBv2: Sendable {
    public let api: any QueryAPI

    /// The most names or ARNs DescribeLoadBalancers, DescribeTargetGroups, DescribeTags and AddTags take.
    public static let batchLimit = 20
    /// The largest page DescribeLoadBalancers and DescribeTargetGroups return.
    public static let maxPageSize = 400

    public init(api: any QueryAPI) {
        self.api = api
    }

    // MARK: - Load balancers

    /// The load balancers with these names; names with no load balancer are simply absent.
    public func describeLoadBalancers(names: [String]) async throws -> [LoadBalancer] {
        guard !names.isEmpty else { return [] }
        let wanted = Set(names)
        return try await describeAllLoadBalancers().filter { wanted.contains($0.name) }
    }

    public func describeAllLoadBalancers() async throws -> [LoadBalancer] {
        var parameters = QueryParameters()
        parameters.set("PageSize", Self.maxPageSize)
        return try await describe(.describeLoadBalancers, parameters, list: "LoadBalancers", LoadBalancer.init(xml:))
    }

    /// The load balancers with these ARNs, 20 per call, calls in parallel.
    public func describeLoadBalancers(arns: [String]) async throws -> [LoadBalancer] {
        try await inBatches(arns) { batch in
            var parameters = QueryParameters()
            parameters.setMemberList("LoadBalancerArns", batch)
            return try await describe(.describeLoadBalancers, parameters, list: "LoadBalancers", LoadBalancer.init(xml:))
        }
    }

    public func createLoadBalancer(
        name: String, subnetIds: [String], securityGroupIds: [String],
        scheme: String = "internal", type: String = "network", tags: [Spec.Tag]
    ) async throws -> LoadBalancer {
        var parameters = QueryParameters()
        parameters.set("Name", name)
        parameters.set("Type", type)
        parameters.set("Scheme", scheme)
        parameters.setMemberList("Subnets", subnetIds)
        // Without SecurityGroups an NLB can never get one later, so an empty list is not sent.
        parameters.setMemberList("SecurityGroups", securityGroupIds)
        Self.setTags(tags, in: &parameters)
        return try await single(.createLoadBalancer, parameters, list: "LoadBalancers", LoadBalancer.init(xml:))
    }

    public func deleteLoadBalancer(arn: String) async throws {
        var parameters = QueryParameters()
        parameters.set("LoadBalancerArn", arn)
        _ = try await call(.deleteLoadBalancer, parameters)
    }

    /// Sets the load balancer's subnets (an NLB can only gain subnets) and returns its zones.
    @discardableResult
    public func setSubnets(loadBalancerArn: String, subnetIds: [String]) async throws -> [AvailabilityZone] {
        var parameters = QueryParameters()
        parameters.set("LoadBalancerArn", loadBalancerArn)
        parameters.setMemberList("Subnets", subnetIds)
        let response = try await call(.setSubnets, parameters)
        return Self.result(response).list("AvailabilityZones").map(AvailabilityZone.init(xml:))
    }

    @discardableResult
    public func setSecurityGroups(loadBalancerArn: String, securityGroupIds: [String]) async throws -> [String] {
        var parameters = QueryParameters()
        parameters.set("LoadBalancerArn", loadBalancerArn)
        parameters.setMemberList("SecurityGroups", securityGroupIds)
        let response = try await call(.setSecurityGroups, parameters)
        return CloudXML.strings(Self.result(response), "SecurityGroupIds")
    }

    public func describeLoadBalancerAttributes(arn: String) async throws -> [String: String] {
        var parameters = QueryParameters()
        parameters.set("LoadBalancerArn", arn)
        let response = try await call(.describeLoadBalancerAttributes, parameters)
        return Self.attributes(response)
    }

    /// Changes the given attributes and returns every attribute after the change.
    @discardableResult
    public func modifyLoadBalancerAttributes(arn: String, attributes: [String: String]) async throws -> [String: String] {
        var parameters = QueryParameters()
        parameters.set("LoadBalancerArn", arn)
        // Sorted so the request is the same on every run.
        let pairs = attributes.sorted { $0.key < $1.key }
        parameters.setStructList("Attributes", member: true, pairs.map { [("Key", $0.key), ("Value", $0.value)] })
        let response = try await call(.modifyLoadBalancerAttributes, parameters)
        return Self.attributes(response)
    }

    // MARK: - Target groups

    /// The target groups with these names; names with no target group are simply absent.
    public func describeTargetGroups(names: [String]) async throws -> [TargetGroup] {
        guard !names.isEmpty else { return [] }
        let wanted = Set(names)
        return try await describeAllTargetGroups().filter { wanted.contains($0.name) }
    }

    public func describeAllTargetGroups() async throws -> [TargetGroup] {
        var parameters = QueryParameters()
        parameters.set("PageSize", Self.maxPageSize)
        return try await describe(.describeTargetGroups, parameters, list: "TargetGroups", TargetGroup.init(xml:))
    }

    /// The target groups with these ARNs, 20 per call, calls in parallel.
    public func describeTargetGroups(arns: [String]) async throws -> [TargetGroup] {
        try await inBatches(arns) { batch in
            var parameters = QueryParameters()
            parameters.setMemberList("TargetGroupArns", batch)
            return try await describe(.describeTargetGroups, parameters, list: "TargetGroups", TargetGroup.init(xml:))
        }
    }

    /// The target groups a load balancer's listeners forward to.
    public func describeTargetGroups(loadBalancerArn: String) async throws -> [TargetGroup] {
        var parameters = QueryParameters()
        parameters.set("LoadBalancerArn", loadBalancerArn)
        return try await describe(.describeTargetGroups, parameters, list: "TargetGroups", TargetGroup.init(xml:))
    }

    public func createTargetGroup(
        name: String, protocol: String = "TCP", port: Int, vpcId: String, targetType: String = "ip",
        healthCheck: HealthCheck? = nil, tags: [Spec.Tag]
    ) async throws -> TargetGroup {
        var parameters = QueryParameters()
        parameters.set("Name", name)
        parameters.set("Protocol", `protocol`)
        parameters.set("Port", port)
        parameters.set("VpcId", vpcId)
        parameters.set("TargetType", targetType)
        healthCheck?.encode(into: &parameters)
        Self.setTags(tags, in: &parameters)
        return try await single(.createTargetGroup, parameters, list: "TargetGroups", TargetGroup.init(xml:))
    }

    @discardableResult
    public func modifyTargetGroup(arn: String, healthCheck: HealthCheck) async throws -> TargetGroup {
        var parameters = QueryParameters()
        parameters.set("TargetGroupArn", arn)
        healthCheck.encode(into: &parameters)
        return try await single(.modifyTargetGroup, parameters, list: "TargetGroups", TargetGroup.init(xml:))
    }

    public func deleteTargetGroup(arn: String) async throws {
        var parameters = QueryParameters()
        parameters.set("TargetGroupArn", arn)
        _ = try await call(.deleteTargetGroup, parameters)
    }

    // MARK: - Targets

    public func describeTargetHealth(targetGroupArn: String) async throws -> [TargetHealth] {
        var parameters = QueryParameters()
        parameters.set("TargetGroupArn", targetGroupArn)
        let response = try await call(.describeTargetHealth, parameters)
        return try CloudXML.decoding(.elbv2, Action.describeTargetHealth.rawValue) {
            try Self.result(response).list("TargetHealthDescriptions").map(TargetHealth.init(xml:))
        }
    }

    public func registerTargets(targetGroupArn: String, targets: [Target]) async throws {
        _ = try await call(.registerTargets, Self.targetParameters(targetGroupArn, targets))
    }

    public func deregisterTargets(targetGroupArn: String, targets: [Target]) async throws {
        _ = try await call(.deregisterTargets, Self.targetParameters(targetGroupArn, targets))
    }

    // MARK: - Listeners

    public func describeListeners(loadBalancerArn: String) async throws -> [Listener] {
        var parameters = QueryParameters()
        parameters.set("LoadBalancerArn", loadBalancerArn)
        return try await describe(.describeListeners, parameters, list: "Listeners", Listener.init(xml:))
    }

    /// A listener that forwards everything on `port` to one target group.
    public func createListener(
        loadBalancerArn: String, protocol: String = "TCP", port: Int, targetGroupArn: String, tags: [Spec.Tag]
    ) async throws -> Listener {
        var parameters = QueryParameters()
        parameters.set("LoadBalancerArn", loadBalancerArn)
        parameters.set("Protocol", `protocol`)
        parameters.set("Port", port)
        Self.setForward(to: targetGroupArn, in: &parameters)
        Self.setTags(tags, in: &parameters)
        return try await single(.createListener, parameters, list: "Listeners", Listener.init(xml:))
    }

    /// Changes the port, the forwarding target group, or both; nil leaves a setting as it is.
    @discardableResult
    public func modifyListener(arn: String, protocol: String? = nil, port: Int? = nil, targetGroupArn: String? = nil) async throws -> Listener {
        var parameters = QueryParameters()
        parameters.set("ListenerArn", arn)
        if let `protocol` { parameters.set("Protocol", `protocol`) }
        if let port { parameters.set("Port", port) }
        if let targetGroupArn { Self.setForward(to: targetGroupArn, in: &parameters) }
        return try await single(.modifyListener, parameters, list: "Listeners", Listener.init(xml:))
    }

    public func deleteListener(arn: String) async throws {
        var parameters = QueryParameters()
        parameters.set("ListenerArn", arn)
        _ = try await call(.deleteListener, parameters)
    }

    // MARK: - Tags

    /// The tags of each resource, 20 ARNs per call, calls in parallel: `[arn: [key: value]]`.
    public func describeTags(arns: [String]) async throws -> [String: [String: String]] {
        let descriptions = try await inBatches(arns) { batch in
            var parameters = QueryParameters()
            parameters.setMemberList("ResourceArns", batch)
            let response = try await call(.describeTags, parameters)
            return try CloudXML.decoding(.elbv2, Action.describeTags.rawValue) {
                try Self.result(response).list("TagDescriptions").map { description in
                    let tags = CloudXML.tags(description, "Tags")
                    let pairs = tags.map { ($0.key, $0.value) }
                    return (arn: try CloudXML.required(description, "ResourceArn"), tags: Dictionary(pairs) { _, last in last })
                }
            }
        }
        return Dictionary(descriptions.map { ($0.arn, $0.tags) }) { first, _ in first }
    }

    /// Adds (or overwrites) tags on resources, 20 ARNs per call.
    public func addTags(arns: [String], tags: [Spec.Tag]) async throws {
        _ = try await inBatches(arns) { batch -> [Void] in
            var parameters = QueryParameters()
            parameters.setMemberList("ResourceArns", batch)
            Self.setTags(tags, in: &parameters)
            _ = try await call(.addTags, parameters)
            return []
        }
    }

    public func removeTags(arns: [String], keys: [String]) async throws {
        _ = try await inBatches(arns) { batch -> [Void] in
            var parameters = QueryParameters()
            parameters.setMemberList("ResourceArns", batch)
            parameters.setMemberList("TagKeys", keys)
            _ = try await call(.removeTags, parameters)
            return []
        }
    }

    // MARK: - Encoding and decoding

    /// The `<ActionResult>` element inside `<ActionResponse>` (the response itself when absent).
    static func result(_ response: XMLNode) -> XMLNode {
        response.children.first { $0.name.hasSuffix("Result") } ?? response
    }

    private func call(_ action: Action, _ parameters: QueryParameters) async throws -> XMLNode {
        try await api.call(.elbv2, action.rawValue, parameters)
    }

    private func describe<T>(
        _ action: Action, _ parameters: QueryParameters, list: String, _ decode: (XMLNode) throws -> T
    ) async throws -> [T] {
        let pages = try await api.callAllPages(.elbv2, action.rawValue, parameters)
        return try CloudXML.decoding(.elbv2, action.rawValue) { try pages.flatMap { try Self.result($0).list(list).map(decode) } }
    }

    /// Create and Modify calls answer with a one-element list of the object.
    private func single<T>(
        _ action: Action, _ parameters: QueryParameters, list: String, _ decode: (XMLNode) throws -> T
    ) async throws -> T {
        let response = try await call(action, parameters)
        return try CloudXML.decoding(.elbv2, action.rawValue) {
            let result = Self.result(response)
            guard let first = result.list(list).first else { throw CloudXML.MissingElement(path: [result.name, list, "member"]) }
            return try decode(first)
        }
    }

    /// Splits `items` into batches of `batchLimit`, runs them in parallel, and joins the results in order.
    private func inBatches<T: Sendable>(
        _ items: [String], _ body: @escaping @Sendable ([String]) async throws -> [T]
    ) async throws -> [T] {
        let batches = stride(from: 0, to: items.count, by: Self.batchLimit).map {
            Array(items[$0..<min($0 + Self.batchLimit, items.count)])
        }
        if batches.count <= 1, let only = batches.first { return try await body(only) }
        if batches.isEmpty { return [] }
        return try await withThrowingTaskGroup(of: (Int, [T]).self) { group in
            for (index, batch) in batches.enumerated() {
                group.addTask { (index, try await body(batch)) }
            }
            var results = [[T]](repeating: [], count: batches.count)
            for try await (index, values) in group { results[index] = values }
            return results.flatMap { $0 }
        }
    }

    static func setTags(_ tags: [Spec.Tag], in parameters: inout QueryParameters) {
        parameters.setStructList("Tags", member: true, tags.map { [("Key", $0.key), ("Value", $0.value)] })
    }

    static func setForward(to targetGroupArn: String, in parameters: inout QueryParameters) {
        parameters.set("DefaultActions.member.1.Type", "forward")
        parameters.set("DefaultActions.member.1.TargetGroupArn", targetGroupArn)
    }

    static func targetParameters(_ targetGroupArn: String, _ targets: [Target]) -> QueryParameters {
        var parameters = QueryParameters()
        parameters.set("TargetGroupArn", targetGroupArn)
        parameters.setStructList("Targets", member: true, targets.map { target in
            [("Id", target.id), ("Port", String(target.port))] + (target.availabilityZone.map { [("AvailabilityZone", $0)] } ?? [])
        })
        return parameters
    }

    static func attributes(_ response: XMLNode) -> [String: String] {
        let pairs = result(response).list("Attributes").compactMap { member in
            member.string("Key").map { ($0, member.string("Value") ?? "") }
        }
        return Dictionary(pairs) { _, last in last }
    }
}
