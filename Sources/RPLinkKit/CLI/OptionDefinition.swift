/// One `--name` option: a flag, or an option that takes a value.
///
/// The parser and the help text both read these tables, so they cannot disagree.
struct OptionDefinition: Sendable, Equatable {
    /// The long name without dashes, e.g. `out`.
    var name: String
    /// The placeholder of the value, e.g. `file`; nil for a flag.
    var valueName: String?
    var help: String

    var spelling: String { "--\(name)" }
    /// `--out <file>`, as help and error messages show it.
    var synopsis: String { valueName.map { "\(spelling) <\($0)>" } ?? spelling }

    static func flag(_ name: String, _ help: String) -> OptionDefinition {
        OptionDefinition(name: name, valueName: nil, help: help)
    }

    static func value(_ name: String, _ valueName: String, _ help: String) -> OptionDefinition {
        OptionDefinition(name: name, valueName: valueName, help: help)
    }
}

extension OptionDefinition {
    static let help = OptionDefinition.flag("help", "Show help information.")
    static let version = OptionDefinition.flag("version", "Show the version.")

    /// Taken by every command, before or after the command name.
    static let global: [OptionDefinition] = [
        .value("region", "region", "The AWS region; must agree with the spec's region."),
        .value("profile", "profile", "The profile in ~/.aws/config and ~/.aws/credentials to take credentials from."),
        .value("endpoint-url", "url", "Send every AWS call to this URL (an emulator, a VPC endpoint)."),
        .value("parallelism", "n", "How many independent AWS actions to run at once. (default: \(GlobalOptions.defaultParallelism))"),
        .flag("debug", "Log each AWS call (service, action, status, duration, request id) to stderr."),
        .flag("no-color", "Never colour the output (also when NO_COLOR is set)."),
    ]
}

extension CommandName {
    /// The options only this command takes, in the order the usage line shows them.
    var options: [OptionDefinition] {
        switch self {
        case .validate:
            []
        case .plan:
            [
                .flag("json", "Print the plan as JSON on stdout, and nothing else there."),
                .value("out", "file", "Save the plan to <file>, for 'rplink apply <file>'."),
                .flag("detailed-exitcode", "Exit 0 when there is nothing to change, 2 when there are changes, 1 on error."),
                .flag("destroy", "Plan the deletion of the stack instead of its convergence."),
                .flag("adopt", "Take over resources that carry the stack's names but not its tags."),
            ]
        case .apply:
            [
                .flag("auto-approve", "Apply without asking for 'yes'; needed when stdin is not a terminal."),
                .flag("adopt", "Take over resources that carry the stack's names but not its tags."),
            ]
        case .destroy:
            [.flag("auto-approve", "Destroy without asking for 'yes'; needed when stdin is not a terminal.")]
        case .output:
            [.flag("json", "Print the outputs as JSON: one object for one stack, an object of them by stack name for several.")]
        }
    }

    /// The positional argument's placeholder and help.
    var argument: (name: String, help: String) {
        switch self {
        case .apply:
            ("spec-or-planfile", "Spec files or folders of *.yaml, or one plan file saved by 'rplink plan --out'. (default: ./\(defaultSpecPath))")
        default:
            ("spec", "A spec file or a folder of *.yaml files, one stack each. (default: ./\(defaultSpecPath))")
        }
    }
}
