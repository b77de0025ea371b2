/// One call of the live-state read, by what it asks for.
enum ReadCall: Sendable, Equatable {
    // First step: by what the specs name.
    case vpcs([String])
    case subnets([String])
    case referencedGroups([String])
    case namedGroups(names: [String], vpcIds: [String])
    /// By the specs' names, and every other network load balancer in the specs' VPCs: a
    /// load balancer renamed in a spec is found by its tags (read when a name is missing).
    case loadBalancers(names: [String], vpcIds: [String])
    /// By the specs' names, and every other IP target group in the specs' VPCs, as above.
    case targetGroups(names: [String], vpcIds: [String])
    case services
    // Second step: by the ARNs and ids the first step found.
    case tags([String])
    case attributes(loadBalancerArn: String)
    case listeners(loadBalancerArn: String)
    case targetHealth(targetGroupArn: String)
    case rules(groupIds: [String])
    case permissions(serviceId: String)
    /// Only when no ARN found carries the account id.
    case identity
}

/// The answer to one `ReadCall`.
enum ReadAnswer: Sendable {
    case identity(String)
    case vpcs([EC2.Vpc])
    case subnets([EC2.Subnet])
    case referencedGroups([EC2.SecurityGroup])
    case namedGroups([EC2.SecurityGroup])
    case loadBalancers([ELBv2.LoadBalancer])
    case targetGroups([ELBv2.TargetGroup])
    case services([EC2.ServiceConfiguration])
    case details(FoundDetails)
}

/// What the first step found, batched across every stack.
struct NamedObjects: Sendable {
    var accountId: String
    var vpcs: [EC2.Vpc]
    var subnets: [EC2.Subnet]
    var referencedGroups: [EC2.SecurityGroup]
    var namedGroups: [EC2.SecurityGroup]
    var loadBalancers: [ELBv2.LoadBalancer]
    var targetGroups: [ELBv2.TargetGroup]
    var services: [EC2.ServiceConfiguration]
}

/// What the second step found, keyed by the ARN or id it was asked for.
struct FoundDetails: Sendable {
    var tags: [String: [String: String]] = [:]
    var attributes: [String: [String: String]] = [:]
    var listeners: [String: [ELBv2.Listener]] = [:]
    var targetHealth: [String: [ELBv2.TargetHealth]] = [:]
    var rules: [EC2.SecurityGroupRule] = []
    var principals: [String: [String]] = [:]

    mutating func merge(_ part: FoundDetails) {
        tags.merge(part.tags) { $1 }
        attributes.merge(part.attributes) { $1 }
        listeners.merge(part.listeners) { $1 }
        targetHealth.merge(part.targetHealth) { $1 }
        rules += part.rules
        principals.merge(part.principals) { $1 }
    }
}

/// How much of the live state a read asks for.
enum ReadScope: Sendable {
    /// Everything a plan compares and preflight checks.
    case plan
    /// Only what `StackOutputs` shows: the objects, their tags (whose they are), the listeners
    /// and the allowed principals; not the VPC, subnets, referenced group, rules, cross-zone
    /// attribute or target health. For one stack 6 or 7 calls instead of 12; per NLB one
    /// ELBv2 read (its listeners) instead of three, which counts where AWS throttles.
    case outputs
}

/// What the live-state read has learnt so far, and which calls each answer makes possible.
///
/// Pure: the reader makes the `firstStep()` calls, feeds every answer to `record(_:)` in the
/// order answers arrive, and makes the calls it returns. A second-step call is returned as soon
/// as the answers it needs are in, and only then: tags need both the load balancers and the
/// target groups, rules every security-group lookup, permissions the services and the load
/// balancers (a service is the stack's by its tag or by pointing at the stack's NLB), and the
/// caller identity only when the load balancers and target groups found hold no account id.
struct ReadProgress: Sendable {
    let specs: [Spec]
    let scope: ReadScope
    private var accountId: String?
    private var vpcs: [EC2.Vpc]?
    private var subnets: [EC2.Subnet]?
    private var referencedGroups: [EC2.SecurityGroup]?
    private var namedGroups: [EC2.SecurityGroup]?
    private var loadBalancers: [ELBv2.LoadBalancer]?
    private var targetGroups: [ELBv2.TargetGroup]?
    private var services: [EC2.ServiceConfiguration]?
    private var details = FoundDetails()
    private let vpcIds: [String]
    private let subnetIds: [String]
    private let referencedIds: [String]
    private let ownedGroupNames: [String]
    private let loadBalancerNames: [String]
    private let targetGroupNames: [String]

    init(specs: [Spec], scope: ReadScope = .plan) {
        self.specs = specs
        self.scope = scope
        vpcIds = unique(specs.map(\.producer.vpcId))
        subnetIds = unique(specs.flatMap { $0.producer.subnets.map(\.subnetId) })
        referencedIds = unique(specs.compactMap(\.producer.securityGroupId))
        // A plan looks for `<stack>-nlb` even when the spec references a group: one the stack
        // created before the spec changed is left over, to be deleted (with its rules).
        ownedGroupNames = unique((scope == .plan ? specs : specs.filter(\.ownsSecurityGroup)).map(\.ownedSecurityGroupName))
        loadBalancerNames = unique(specs.map(\.loadBalancer.name))
        targetGroupNames = unique(specs.map(\.targetGroup.name))
        // What no spec asks for is known without a call, and so is what only a plan needs
        // when the read is for the outputs (they name a referenced group by the spec's id).
        let forPlan = scope == .plan
        if vpcIds.isEmpty || !forPlan { vpcs = [] }
        if subnetIds.isEmpty || !forPlan { subnets = [] }
        if referencedIds.isEmpty || !forPlan { referencedGroups = [] }
        if ownedGroupNames.isEmpty { namedGroups = [] }
    }

    /// The calls for what is not known yet and needs nothing found first, those that
    /// second-step calls wait for listed first. They all start at once, and the order they
    /// reach the server in is not the reader's to choose (docs/architecture.md, section 2).
    func firstStep() -> [ReadCall] {
        var calls: [ReadCall] = [
            .loadBalancers(names: loadBalancerNames, vpcIds: unique(specs.map(\.producer.vpcId))),
            .targetGroups(names: targetGroupNames, vpcIds: unique(specs.map(\.producer.vpcId))),
            // One listing of the account's services serves every stack.
            .services,
        ]
        if referencedGroups == nil { calls.append(.referencedGroups(referencedIds)) }
        if namedGroups == nil { calls.append(.namedGroups(names: ownedGroupNames, vpcIds: vpcIds)) }
        if vpcs == nil { calls.append(.vpcs(vpcIds)) }
        if subnets == nil { calls.append(.subnets(subnetIds)) }
        return calls
    }

    /// Takes in one answer; returns the second-step calls it completes the inputs of.
    mutating func record(_ answer: ReadAnswer) -> [ReadCall] {
        switch answer {
        case .identity(let account):
            accountId = account
            return []
        case .vpcs(let found):
            vpcs = found
            return []
        case .subnets(let found):
            subnets = found
            return []
        case .referencedGroups(let found):
            referencedGroups = found
            return rulesWhenReady()
        case .namedGroups(let found):
            namedGroups = found
            return rulesWhenReady()
        case .loadBalancers(let found):
            loadBalancers = found
            // Only the ones under a spec's name: the others are read further only if their
            // tags make one a stack's renamed load balancer, which is then replaced.
            let perBalancer = found.filter { loadBalancerNames.contains($0.name) }.flatMap { balancer -> [ReadCall] in
                let listeners = ReadCall.listeners(loadBalancerArn: balancer.arn)
                return scope == .plan ? [.attributes(loadBalancerArn: balancer.arn), listeners] : [listeners]
            }
            return perBalancer + tagsWhenReady() + permissionsWhenReady() + identityWhenReady() + rulesWhenReady()
        case .targetGroups(let found):
            targetGroups = found
            let named = found.filter { targetGroupNames.contains($0.name) }
            let health = scope == .plan ? named.map { ReadCall.targetHealth(targetGroupArn: $0.arn) } : []
            return health + tagsWhenReady() + identityWhenReady()
        case .services(let found):
            services = found
            return permissionsWhenReady()
        case .details(let part):
            details.merge(part)
            return []
        }
    }

    /// Everything read, once every call has been answered.
    func result() throws -> (NamedObjects, FoundDetails) {
        guard let accountId, let vpcs, let subnets, let referencedGroups, let namedGroups, let loadBalancers,
              let targetGroups, let services else {
            throw RPLinkError(.aws, "the read of the live state ended before every first-step call was answered")
        }
        let found = NamedObjects(
            accountId: accountId, vpcs: vpcs, subnets: subnets, referencedGroups: referencedGroups,
            namedGroups: namedGroups, loadBalancers: loadBalancers, targetGroups: targetGroups, services: services)
        return (found, details)
    }

    /// The account id is in every ARN of the account's own load balancers and target groups;
    /// STS is asked only when the region has none of either (nothing applied yet). That spares
    /// a converged plan a call, and against AWS a connection to a third host.
    private mutating func identityWhenReady() -> [ReadCall] {
        guard accountId == nil, let loadBalancers, let targetGroups else { return [] }
        let arns = loadBalancers.map(\.arn) + targetGroups.map(\.arn)
        if let account = arns.lazy.compactMap(Self.account(inARN:)).first {
            accountId = account
            return []
        }
        return [.identity]
    }

    /// The account field of an ARN (`arn:aws:service:region:ACCOUNT:resource`), when it is one.
    static func account(inARN arn: String) -> String? {
        let fields = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", SpecFormat.isAccountId(String(fields[4])) else {
            return nil
        }
        return String(fields[4])
    }

    private func tagsWhenReady() -> [ReadCall] {
        guard let loadBalancers, let targetGroups else { return [] }
        let arns = Self.candidates(loadBalancers, named: loadBalancerNames, wanted: specs.map { ($0.loadBalancer.name, $0.producer.vpcId) }).map(\.arn)
            + Self.candidates(targetGroups, named: targetGroupNames, wanted: specs.map { ($0.targetGroup.name, $0.producer.vpcId) }).map(\.arn)
        return arns.isEmpty ? [] : [.tags(arns)]
    }

    /// The objects whose tags tell whose they are: those under a spec's name and, only in a
    /// VPC where some spec's name has no object (it may have been renamed), the others there.
    /// A converged plan thus reads no tags beyond its own objects', however full the VPC.
    static func candidates<Object: VPCObject>(_ objects: [Object], named names: [String], wanted: [(name: String, vpcId: String)]) -> [Object] {
        let present = Set(objects.map(\.name))
        let searched = Set(wanted.filter { !present.contains($0.name) }.map(\.vpcId))
        return objects.filter { names.contains($0.name) || searched.contains($0.vpcId) }
    }

    /// Rules on the groups the specs name, and on the groups the stacks' load balancers use
    /// now: after the spec switches from a referenced group to an owned one (or back), this
    /// stack's rules on the old group are found there, to be revoked.
    private func rulesWhenReady() -> [ReadCall] {
        guard scope == .plan, let referencedGroups, let namedGroups, let loadBalancers else { return [] }
        // The stacks' NLBs', a renamed one's included (only this stack's tagged rules are kept).
        let inUse = Self.candidates(loadBalancers, named: loadBalancerNames, wanted: specs.map { ($0.loadBalancer.name, $0.producer.vpcId) })
            .flatMap(\.securityGroups)
        let groupIds = unique(referencedGroups.map(\.groupId) + namedGroups.map(\.groupId) + inUse)
        return groupIds.isEmpty ? [] : [.rules(groupIds: groupIds)]
    }

    private func permissionsWhenReady() -> [ReadCall] {
        guard let loadBalancers, let services else { return [] }
        let serviceIds = unique(specs.flatMap { spec in
            LiveStateReader.relevantServices(spec, loadBalancers: loadBalancers, services: services).map(\.serviceId)
        })
        return serviceIds.map { .permissions(serviceId: $0) }
    }
}

/// A named object of a VPC, as the reader lists them.
protocol VPCObject {
    var name: String { get }
    var vpcId: String { get }
}

extension ELBv2.LoadBalancer: VPCObject {}
extension ELBv2.TargetGroup: VPCObject {}
