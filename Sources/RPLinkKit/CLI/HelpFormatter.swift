/// The help and usage texts, laid out like swift-argument-parser's.
public enum HelpFormatter {
    static let overview =
        "Expose an RDS MySQL writer to another AWS account (a database vendor) through reverse PrivateLink, declaratively: validate, plan, apply, destroy."

    /// `rplink --help` or `rplink COMMAND --help`.
    public static func help(for command: CommandName?) -> String {
        guard let command else { return topLevelHelp() }
        let argument = command.argument
        var sections = [
            "OVERVIEW: \(command.overview)",
            "USAGE: \(usage(for: command))",
            "ARGUMENTS:\n" + rows([("<\(argument.name)> ...", argument.help)]),
            "OPTIONS:\n" + rows((command.options + [.version, .help]).map(row)),
            "GLOBAL OPTIONS:\n" + rows(OptionDefinition.global.map(row)),
        ]
        let changes = command == .apply || command == .destroy
        var statuses = [
            ("0", command == .plan ? "Success; with --detailed-exitcode: nothing to change." : "Success."),
            ("1", changes ? "Error; also after a first Ctrl-C, once the running steps have finished." : "Error."),
        ]
        if command == .plan { statuses.append(("2", "Changes present (only with --detailed-exitcode).")) }
        statuses.append(("64", "Bad command line."))
        statuses.append(("130", changes ? "Stopped at once by a second Ctrl-C; run the same command again to converge." : "Stopped at once by a second Ctrl-C."))
        sections.append("EXIT STATUS:\n" + rows(statuses))
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// The one-line usage shown under an error and in the help's USAGE section.
    public static func usage(for command: CommandName?) -> String {
        guard let command else { return "rplink <subcommand> [<spec> ...] [<options>]" }
        let parts = ["rplink", command.rawValue, "[<\(command.argument.name)> ...]"]
            + command.options.map { "[\($0.synopsis)]" }
            + ["[<global-options>]"]
        return parts.joined(separator: " ")
    }

    /// What a bad command line prints to stderr.
    public static func usageErrorText(_ error: UsageError) -> String {
        let helpCommand = ["rplink", error.command?.rawValue, "--help"].compactMap { $0 }.joined(separator: " ")
        return """
            Error: \(error.message)
            Usage: \(usage(for: error.command))
              See '\(helpCommand)' for more information.

            """
    }

    private static func topLevelHelp() -> String {
        let sections = [
            "OVERVIEW: \(overview)",
            "USAGE: \(usage(for: nil))",
            "OPTIONS:\n" + rows([OptionDefinition.version, .help].map(row)),
            "GLOBAL OPTIONS:\n" + rows(OptionDefinition.global.map(row)),
            "SUBCOMMANDS:\n" + rows(CommandName.allCases.map { ($0.rawValue, $0.summary) })
                + "\n\n  See 'rplink help <subcommand>' for detailed help.",
        ]
        return sections.joined(separator: "\n\n") + "\n"
    }

    private static func row(_ option: OptionDefinition) -> (String, String) {
        (option == .help ? "-h, --help" : option.synopsis, option.help)
    }

    /// Two-column rows: the name indented by 2, the text from column 26, as swift-argument-parser does.
    private static func rows(_ items: [(String, String)]) -> String {
        let column = 24
        return items.map { name, text in
            let label = "  " + name
            if name.count < column - 1 {
                return label + String(repeating: " ", count: column + 2 - label.count) + text
            }
            return label + "\n" + String(repeating: " ", count: column + 2) + text
        }.joined(separator: "\n")
    }
}
