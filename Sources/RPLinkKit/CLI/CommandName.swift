/// The subcommands of `rplink`, in the order the help lists them.
public enum CommandName: String, Sendable, Equatable, Hashable, CaseIterable {
    case validate
    case plan
    case apply
    case destroy
    case output

    /// One line for the top-level SUBCOMMANDS list.
    public var summary: String {
        switch self {
        case .validate: "Check spec files offline; needs no credentials."
        case .plan: "Show what apply would change, without changing anything."
        case .apply: "Create or converge the reverse PrivateLink resources."
        case .destroy: "Delete every resource the stack created."
        case .output: "Print the endpoint service id and name to send the vendor."
        }
    }

    /// The OVERVIEW paragraph of the command's help.
    var overview: String {
        switch self {
        case .validate:
            "Check spec files offline and report every problem as FILE:LINE:COLUMN. Needs no credentials and makes no network call."
        case .plan:
            "Read the live AWS state and show the actions apply would take, without changing anything."
        case .apply:
            "Create or converge the NLB, target group, listener, endpoint service, allowed principals and security group rules of each spec, or run a plan saved with 'rplink plan --out'."
        case .destroy:
            "Delete every resource that carries the stack's tag. The VPC, the subnets and referenced security groups are never touched."
        case .output:
            "Print what the vendor needs: the endpoint service id and name, and the ARNs and ids of the stack's resources."
        }
    }
}
