/// How the planner is asked to plan.
public struct PlanOptions: Sendable, Equatable, Codable {
    /// Plan the removal of everything carrying this stack's tag.
    public var destroy: Bool
    /// Take over untagged resources that carry our names by tagging them.
    public var adopt: Bool
    public init(destroy: Bool = false, adopt: Bool = false) {
        self.destroy = destroy
        self.adopt = adopt
    }
}

/// The plan for one stack: human-level actions, the executable step DAG, and messages.
public struct StackPlan: Sendable, Equatable, Codable {
    public var stack: String
    public var region: String
    public var accountId: String
    /// One per address that changes, in step order.
    public var actions: [PlannedAction]
    /// Executable steps in a deterministic topological order (ties broken by address).
    public var steps: [PlanStep]
    public var errors: [PlanMessage]
    public var warnings: [PlanMessage]
    public var notes: [PlanMessage]
    /// A teardown (`destroy`, `plan --destroy`) rather than a convergence.
    public var isDestroy: Bool

    public init(stack: String, region: String, accountId: String, actions: [PlannedAction] = [], steps: [PlanStep] = [], errors: [PlanMessage] = [], warnings: [PlanMessage] = [], notes: [PlanMessage] = [], isDestroy: Bool = false) {
        self.stack = stack
        self.region = region
        self.accountId = accountId
        self.actions = actions
        self.steps = steps
        self.errors = errors
        self.warnings = warnings
        self.notes = notes
        self.isDestroy = isDestroy
    }

    public var hasChanges: Bool { !actions.isEmpty }
    public var hasErrors: Bool { !errors.isEmpty }

    public struct Summary: Sendable, Equatable, Codable {
        public var create = 0
        public var update = 0
        public var replace = 0
        public var delete = 0
        public init(create: Int = 0, update: Int = 0, replace: Int = 0, delete: Int = 0) {
            self.create = create
            self.update = update
            self.replace = replace
            self.delete = delete
        }

        public static func + (lhs: Summary, rhs: Summary) -> Summary {
            Summary(create: lhs.create + rhs.create, update: lhs.update + rhs.update,
                    replace: lhs.replace + rhs.replace, delete: lhs.delete + rhs.delete)
        }
    }

    public var summary: Summary {
        var summary = Summary()
        for action in actions {
            switch action.action {
            case .create: summary.create += 1
            case .update: summary.update += 1
            case .replace: summary.replace += 1
            case .delete: summary.delete += 1
            }
        }
        return summary
    }

    public func action(for address: ResourceAddress) -> PlannedAction? { actions.first { $0.address == address } }
}

/// What happens to one address, with the attributes that change.
public struct PlannedAction: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Equatable, Codable {
        case create
        case update
        case replace
        case delete

        /// Terraform's symbols.
        public var symbol: String {
            switch self {
            case .create: "+"
            case .update: "~"
            case .replace: "-/+"
            case .delete: "-"
            }
        }
    }

    public var address: ResourceAddress
    public var action: Kind
    /// Why, in words: "not found", "differs from the spec: cross_zone", "tagged with this stack but no longer in the spec".
    public var reason: String
    /// The live attributes; nil for a create.
    public var before: [Attribute]?
    /// The desired attributes; nil for a delete.
    public var after: [Attribute]?
    /// For updates and replacements: the attributes that differ.
    public var changes: [AttributeChange]

    public init(address: ResourceAddress, action: Kind, reason: String, before: [Attribute]?, after: [Attribute]?, changes: [AttributeChange] = []) {
        self.address = address
        self.action = action
        self.reason = reason
        self.before = before
        self.after = after
        self.changes = changes
    }
}

/// One attribute's change; `forcesReplacement` marks the one that makes an action a replace.
public struct AttributeChange: Sendable, Equatable, Codable {
    public var name: String
    public var before: AttributeValue?
    public var after: AttributeValue?
    public var forcesReplacement: Bool

    public init(_ name: String, _ before: AttributeValue?, _ after: AttributeValue?, forcesReplacement: Bool = false) {
        self.name = name
        self.before = before
        self.after = after
        self.forcesReplacement = forcesReplacement
    }
}
