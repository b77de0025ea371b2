/// A subcommand with the options that only it takes.
public enum Command: Sendable, Equatable {
    case validate(ValidateOptions)
    case plan(PlanOptions)
    case apply(ApplyOptions)
    case destroy(DestroyOptions)
    case output(OutputOptions)

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
