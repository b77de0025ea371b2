/// A subcommand with the options that only it takes.
public enum Command: Sendable, Equatable {
    case validate(ValidateCommandOptions)
    case plan(PlanCommandOptions)
    case apply(ApplyCommandOptions)
    case destroy(DestroyCommandOptions)
    case output(OutputCommandOptions)

    public var name: CommandName {
        switch self {
        case .validate: .validate
        case .plan: .plan
        case .apply: .apply
        case .destroy: .destroy
        case .output: .output
        }
    }
}
