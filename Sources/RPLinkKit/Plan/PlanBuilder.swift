/// Collects actions, draft steps and messages while the planner walks the resources, then
/// wires the step dependencies AWS enforces and orders them.
struct PlanBuilder {
    let spec: Spec
    let live: LiveState
    let options: PlanOptions
    private(set) var actions: [PlannedAction] = []
    private(set) var drafts: [PlanStep] = []
    private(set) var messages: [PlanMessage] = []

    init(spec: Spec, live: LiveState, options: PlanOptions) {
        self.spec = spec
        self.live = live
        self.options = options
    }

    mutating func add(_ action: PlannedAction, steps operations: [StepOperation]) {
        actions.append(action)
        for operation in operations {
            drafts.append(PlanStep(id: "", address: action.address, operation: operation))
        }
    }

    mutating func error(_ subject: String?, _ text: String) { messages.append(PlanMessage(.error, stack: spec.name, subject: subject, text)) }
    mutating func warning(_ subject: String?, _ text: String) { messages.append(PlanMessage(.warning, stack: spec.name, subject: subject, text)) }
    mutating func note(_ subject: String?, _ text: String) { messages.append(PlanMessage(.note, stack: spec.name, subject: subject, text)) }
    mutating func append(_ more: [PlanMessage]) { messages += more }

    /// Decides whether a live object found under our name may be managed. Reports an error
    /// and returns nil when it may not; returns whether managing it means adopting it.
    mutating func claim(_ address: ResourceAddress, tags: [Spec.Tag], what: String, blocker: String? = nil) -> Bool? {
        switch live.ownership(of: tags) {
        case .absent, .ours:
            return false
        case .foreign(let otherStack?):
            error(address.description, "\(what) carries \(StackConventions.stackTagKey)=\(otherStack): it belongs to another stack, so this stack will not touch it; rename it in the spec")
            return nil
        case .foreign(nil):
            guard options.adopt else {
                error(address.description, "\(what) exists but is not tagged \(StackConventions.stackTagKey)=\(spec.name), so this stack does not manage it; run with --adopt to tag it and take it over")
                return nil
            }
            if let blocker {
                error(address.description, "cannot adopt \(what): its settings cannot be converged in place (\(blocker)); delete or rename it first")
                return nil
            }
            return true
        }
    }

    static let kindOrder: [ResourceAddress.Kind] = [
        .securityGroup, .securityGroupRule, .loadBalancer, .targetGroup, .target, .listener, .endpointService, .endpointServicePrincipal,
    ]

    /// The plan, with step ids, dependencies and a deterministic order.
    func build() -> StackPlan {
        let steps = Self.wire(drafts)
        let ordered: [PlanStep]
        var errors = messages.filter { $0.severity == .error }
        do {
            let byId = Dictionary(steps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let ids = try TopologicalSort.order(
                nodes: steps.map(\.id), edges: { byId[$0]?.dependsOn ?? [] },
                label: { id in (byId[id].map { "\($0.address) \(id)" }) ?? id })
            ordered = ids.compactMap { byId[$0] }
        } catch {
            errors.append(PlanMessage(.error, stack: spec.name, subject: nil, "internal error ordering the plan: \(error)"))
            ordered = steps
        }
        // People read actions in the resource table's order, not in execution order.
        let sortedActions = actions.enumerated().sorted { lhs, rhs in
            let left = lhs.element.address, right = rhs.element.address
            let leftRank = Self.kindOrder.firstIndex(of: left.kind) ?? 0, rightRank = Self.kindOrder.firstIndex(of: right.kind) ?? 0
            if leftRank != rightRank { return leftRank < rightRank }
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
        return StackPlan(
            stack: spec.name, region: spec.region, accountId: live.accountId,
            actions: sortedActions, steps: ordered, errors: errors,
            warnings: messages.filter { $0.severity == .warning },
            notes: messages.filter { $0.severity == .note }, isDestroy: options.destroy)
    }

    /// Gives each step an id and the dependencies AWS enforces:
    /// - a step that needs an id from `.ref(address)` waits for the step creating it;
    /// - on one address, a create waits for the delete (names are fixed), except security
    ///   groups, which are only replaced across VPCs where names do not clash;
    /// - targets: every deregistration waits for the writer's registration;
    /// - removing an object waits for the deletes and modifications of objects that point at
    ///   it (listener before target group, service before NLB, NLB before its security group),
///   and a target group's removal waits for any NLB's.
    static func wire(_ drafts: [PlanStep]) -> [PlanStep] {
        var used = Set<String>()
        var steps = drafts.map { draft -> PlanStep in
            var id = "\(draft.address):\(draft.operation.name)"
            var suffix = 2
            while used.contains(id) {
                id = "\(draft.address):\(draft.operation.name)#\(suffix)"
                suffix += 1
            }
            used.insert(id)
            var step = draft
            step.id = id
            return step
        }
        let snapshot = steps
        for index in steps.indices {
            let step = steps[index]
            var dependencies: [String] = []
            for reference in step.operation.references {
                dependencies += snapshot.filter { $0.address == reference && $0.operation.createsObject }.map(\.id)
            }
            for other in snapshot where other.id != step.id && other.address == step.address {
                switch step.address.kind {
                case .securityGroup:
                    break
                case .target:
                    break
                default:
                    if step.operation.createsObject && other.operation.removesObject { dependencies.append(other.id) }
                }
            }
            // The writer is the only target: register the new one before deregistering any
            // old one, so the NLB is never left without a target.
            if step.address.kind == .target && step.operation.removesObject {
                dependencies += snapshot.filter { $0.address.kind == .target && $0.operation.createsObject }.map(\.id)
            }
            if step.operation.removesObject {
                for other in snapshot where other.address.kind.dependsOnKinds.contains(step.address.kind) && !other.operation.createsObject {
                    dependencies.append(other.id)
                }
            }
            // A rule on a group the stack no longer uses goes once the NLB has moved to the new
            // group and its rules are in: until then the old rule is what lets the consumer in.
            if step.address.name == "former" && step.address.kind == .securityGroupRule {
                dependencies += snapshot.filter { other in
                    (other.address == .loadBalancer && (other.operation.name == "setSecurityGroups" || other.operation.name == "createLoadBalancer"))
                        || (other.address.kind == .securityGroupRule && other.operation.createsObject)
                }.map(\.id)
            }
            // The NLB moves to another group only once that group lets the consumer in: a
            // group's inbound rules apply to PrivateLink traffic too.
            if step.address == .loadBalancer && step.operation.name == "setSecurityGroups" {
                dependencies += snapshot.filter { $0.address.kind == .securityGroupRule && $0.operation.createsObject }.map(\.id)
            }
            // A load balancer found under an old name (renamed in the spec) is deleted with
            // listeners nobody read; a target group they forward to is free only after that.
            if step.address.kind == .targetGroup && step.operation.removesObject {
                dependencies += snapshot.filter { $0.address.kind == .loadBalancer && $0.operation.removesObject }.map(\.id)
            }
            var seen = Set<String>()
            steps[index].dependsOn = dependencies.filter { seen.insert($0).inserted }.sorted()
        }
        return steps
    }
}
