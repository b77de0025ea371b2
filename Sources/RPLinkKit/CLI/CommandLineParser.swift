import Foundation

/// Turns `rplink`'s arguments into an `Invocation`, following swift-argument-parser's
/// conventions: `--name value` and `--name=value`, `--` ends the options, global options
/// before or after the command, `-h`/`--help` and `--version` win over everything else.
public enum CommandLineParser {
    /// What the command line asks for.
    public enum Outcome: Sendable, Equatable {
        case run(Invocation)
        /// Help for one command, or the top-level help when nil.
        case help(CommandName?)
        case version
    }

    public static func parse(_ arguments: [String]) throws(UsageError) -> Outcome {
        var scan = Scan()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            try scan.take(argument, rest: &remaining)
        }
        if scan.wantsHelp { return .help(scan.command) }
        if scan.wantsVersion { return .version }
        if let error = scan.firstError { throw error }
        guard let command = scan.command else {
            let names = CommandName.allCases.map(\.rawValue).joined(separator: ", ")
            throw UsageError("Missing command: one of \(names).", command: nil)
        }
        let options = try globalOptions(from: scan, command: command)
        return .run(Invocation(command: self.command(command, from: scan), options: options))
    }

    /// The state of one left-to-right pass over the arguments.
    private struct Scan {
        var command: CommandName?
        var wantsHelp = false
        var wantsVersion = false
        var optionsEnded = false
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var positionals: [String] = []
        /// Kept rather than thrown, so that a later `--help` still wins.
        var firstError: UsageError?

        mutating func take(_ argument: String, rest: inout ArraySlice<String>) throws(UsageError) {
            if optionsEnded { return try takePositional(argument) }
            switch argument {
            case "--": optionsEnded = true
            case "-h", "--help": wantsHelp = true
            case _ where argument.hasPrefix("--"): takeOption(argument, rest: &rest)
            case _ where argument.hasPrefix("-") && argument.count > 1:
                record("Unknown option '\(argument)'." + suggestion(for: argument))
            default: try takePositional(argument)
            }
        }

        private mutating func takePositional(_ argument: String) throws(UsageError) {
            guard command == nil else { return positionals.append(argument) }
            if argument == "help" && !wantsHelp {
                // `rplink help [COMMAND]`, as swift-argument-parser offers.
                wantsHelp = true
                return
            }
            guard let name = CommandName(rawValue: argument) else {
                // Nothing after an unknown command can be read, so this one is thrown at once.
                let hint = NameSuggestion.closest(to: argument, among: CommandName.allCases.map(\.rawValue))
                    .map { " Did you mean '\($0)'?" } ?? ""
                throw UsageError("Unknown command '\(argument)'.\(hint)", command: nil)
            }
            command = name
        }

        private mutating func takeOption(_ argument: String, rest: inout ArraySlice<String>) {
            let body = argument.dropFirst(2)
            let name: String
            let inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
                inlineValue = nil
            }
            if name == OptionDefinition.version.name {
                if inlineValue != nil { record("The flag '--version' takes no value.") }
                wantsVersion = true
                return
            }
            guard let definition = knownOptions.first(where: { $0.name == name }) else {
                let context = command.map { " for 'rplink \($0.rawValue)'" } ?? ""
                record("Unknown option '--\(name)'\(context)." + suggestion(for: "--\(name)"))
                return
            }
            guard definition.valueName != nil else {
                if inlineValue != nil { record("The flag '\(definition.spelling)' takes no value.") }
                flags.insert(name)
                return
            }
            var value = inlineValue
            // A following option is not a value; `-3` is, so a bad number is reported as such.
            if value == nil, let next = rest.first, !next.hasPrefix("--"), next != "-h" {
                value = next
                rest.removeFirst()
            }
            guard let value, !value.isEmpty else {
                record("Missing value for '\(definition.synopsis)'.")
                return
            }
            values[name] = value
        }

        /// Options valid here: the global ones, plus the command's once it is known.
        private var knownOptions: [OptionDefinition] {
            OptionDefinition.global + (command?.options ?? [])
        }

        private func suggestion(for spelling: String) -> String {
            let candidates = (knownOptions + [.help, .version]).map(\.spelling)
            return NameSuggestion.closest(to: spelling, among: candidates).map { " Did you mean '\($0)'?" } ?? ""
        }

        private mutating func record(_ message: String) {
            if firstError == nil { firstError = UsageError(message, command: command) }
        }
    }

    private static func globalOptions(from scan: Scan, command: CommandName) throws(UsageError) -> GlobalOptions {
        var options = GlobalOptions(
            region: scan.values["region"],
            profile: scan.values["profile"],
            endpointURL: scan.values["endpoint-url"],
            debug: scan.flags.contains("debug"),
            noColor: scan.flags.contains("no-color")
        )
        if let text = scan.values["parallelism"] {
            guard let parallelism = Int(text), parallelism > 0 else {
                throw UsageError(
                    "The value '\(text)' is invalid for '--parallelism <n>': expected a positive integer.",
                    command: command)
            }
            options.parallelism = parallelism
        }
        // A bad value on the command line is a usage error (64), like any other.
        if let text = options.endpointURL, case .failure(let problem) = EndpointResolver.check(text) {
            throw UsageError("The value '\(text)' is invalid for '--endpoint-url <url>': \(problem.text).", command: command)
        }
        return options
    }

    private static func command(_ name: CommandName, from scan: Scan) -> Command {
        let paths = scan.positionals.isEmpty ? [defaultSpecPath] : scan.positionals
        let flags = scan.flags
        switch name {
        case .validate:
            return .validate(ValidateCommandOptions(specPaths: paths))
        case .plan:
            return .plan(PlanCommandOptions(
                specPaths: paths, json: flags.contains("json"), outFile: scan.values["out"],
                detailedExitCode: flags.contains("detailed-exitcode"), destroy: flags.contains("destroy"),
                adopt: flags.contains("adopt")))
        case .apply:
            return .apply(ApplyCommandOptions(
                paths: paths, autoApprove: flags.contains("auto-approve"), adopt: flags.contains("adopt")))
        case .destroy:
            return .destroy(DestroyCommandOptions(specPaths: paths, autoApprove: flags.contains("auto-approve")))
        case .output:
            return .output(OutputCommandOptions(specPaths: paths, json: flags.contains("json")))
        }
    }
}
