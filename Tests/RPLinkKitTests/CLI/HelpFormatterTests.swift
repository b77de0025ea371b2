import Testing
@testable import RPLinkKit

@Suite struct HelpFormatterTests {
    @Test(arguments: CommandName.allCases)
    func commandHelpHasEverySection(command: CommandName) {
        let help = HelpFormatter.help(for: command)
        for section in ["OVERVIEW:", "USAGE: rplink \(command.rawValue)", "ARGUMENTS:", "OPTIONS:", "GLOBAL OPTIONS:"] {
            #expect(help.contains(section), "\(command) help lacks \(section)")
        }
        for option in command.options + OptionDefinition.global {
            #expect(help.contains(option.synopsis), "\(command) help lacks \(option.synopsis)")
        }
        #expect(help.contains("-h, --help"))
    }

    @Test func topLevelHelpListsEverySubcommand() {
        let help = HelpFormatter.help(for: nil)
        #expect(help.contains("SUBCOMMANDS:"))
        for command in CommandName.allCases {
            #expect(help.contains("  \(command.rawValue) "))
        }
    }

    @Test func usageLineShowsTheCommandsOwnOptions() {
        #expect(HelpFormatter.usage(for: .apply)
            == "rplink apply [<spec-or-planfile> ...] [--auto-approve] [--adopt] [<global-options>]")
        #expect(HelpFormatter.usage(for: .output) == "rplink output [<spec> ...] [--json] [<global-options>]")
    }

    @Test func usageErrorTextStartsWithErrorThenUsage() {
        let lines = HelpFormatter.usageErrorText(UsageError("Unknown option '--x'.", command: .destroy))
            .split(separator: "\n")
        #expect(lines.first == "Error: Unknown option '--x'.")
        #expect(lines.dropFirst().first == "Usage: \(HelpFormatter.usage(for: .destroy))")
        #expect(lines.last?.contains("rplink destroy --help") == true)
    }

    @Test(arguments: CommandName.allCases)
    func optionTextsStartInOneColumn(command: CommandName) {
        let optionLines = HelpFormatter.help(for: command).split(separator: "\n").filter { $0.hasPrefix("  --") }
        #expect(!optionLines.isEmpty)
        for line in optionLines {
            let text = line.dropFirst(26)
            #expect(line.dropFirst(2).prefix(24).last == " " && text.first != " ", "misaligned: \(line)")
        }
    }
}
