/// The spec path used when a command is given none.
public let defaultSpecPath = "rplink.yaml"

/// `rplink validate [SPEC...]`
public struct ValidateCommandOptions: Sendable, Equatable {
    public var specPaths: [String]
    public init(specPaths: [String] = [defaultSpecPath]) { self.specPaths = specPaths }
}

/// `rplink plan [SPEC...] [--json] [--out FILE] [--detailed-exitcode] [--destroy] [--adopt]`
public struct PlanCommandOptions: Sendable, Equatable {
    public var specPaths: [String]
    /// Print the plan as JSON on stdout instead of text.
    public var json: Bool
    /// Where to save the plan for `rplink apply FILE`.
    public var outFile: String?
    /// Exit 2 when the plan has changes, 0 when it has none.
    public var detailedExitCode: Bool
    /// Plan the deletion of every resource instead of convergence.
    public var destroy: Bool
    /// Take over resources that carry our names but not our tags.
    public var adopt: Bool

    public init(
        specPaths: [String] = [defaultSpecPath], json: Bool = false, outFile: String? = nil,
        detailedExitCode: Bool = false, destroy: Bool = false, adopt: Bool = false
    ) {
        self.specPaths = specPaths
        self.json = json
        self.outFile = outFile
        self.detailedExitCode = detailedExitCode
        self.destroy = destroy
        self.adopt = adopt
    }
}

/// `rplink apply [SPEC...|PLANFILE] [--auto-approve] [--adopt]`
public struct ApplyCommandOptions: Sendable, Equatable {
    /// Spec files or folders, or the single plan file written by `plan --out`;
    /// which one it is can only be told by reading it, so the runner decides.
    public var paths: [String]
    public var autoApprove: Bool
    public var adopt: Bool

    public init(paths: [String] = [defaultSpecPath], autoApprove: Bool = false, adopt: Bool = false) {
        self.paths = paths
        self.autoApprove = autoApprove
        self.adopt = adopt
    }
}

/// `rplink destroy [SPEC...] [--auto-approve]`
public struct DestroyCommandOptions: Sendable, Equatable {
    public var specPaths: [String]
    public var autoApprove: Bool

    public init(specPaths: [String] = [defaultSpecPath], autoApprove: Bool = false) {
        self.specPaths = specPaths
        self.autoApprove = autoApprove
    }
}

/// `rplink output [SPEC...] [--json]`
public struct OutputCommandOptions: Sendable, Equatable {
    public var specPaths: [String]
    public var json: Bool

    public init(specPaths: [String] = [defaultSpecPath], json: Bool = false) {
        self.specPaths = specPaths
        self.json = json
    }
}
