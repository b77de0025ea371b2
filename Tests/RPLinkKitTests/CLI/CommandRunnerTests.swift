import Testing
@testable import RPLinkKit

@Suite struct CommandRunnerTests {
    private static func spec(_ name: String) -> Spec {
        Spec(
            file: "\(name).yaml", name: name, region: "us-east-1",
            producer: .init(vpcId: "vpc-0f00", subnets: [.init(subnetId: "subnet-0a", azId: "use1-az1")]),
            database: .init(writerIP: "10.0.0.10"),
            consumer: .init(accountId: "123456789012", cidrBlocks: ["10.1.0.0/24"]),
            loadBalancer: .init(name: "\(name)-nlb"), targetGroup: .init(name: "\(name)-tg"))
    }

    private func runner(
        _ console: RecordingConsole, environment: [String: String] = [:],
        loading result: Result<SpecLoadResult, RPLinkError> = .success(SpecLoadResult(specs: [], diagnostics: []))
    ) -> CommandRunner {
        CommandRunner(console: console, environment: environment, loadSpecs: { _ throws(RPLinkError) in
            try result.get()
        })
    }

    @Test func versionPrintsNameAndVersion() async {
        let console = RecordingConsole()
        #expect(await runner(console).run(arguments: ["--version"]) == .success)
        #expect(console.output == "rplink \(RPLink.version)\n")
        #expect(console.error.isEmpty)
    }

    @Test func helpGoesToStandardOutput() async {
        let console = RecordingConsole()
        #expect(await runner(console).run(arguments: ["plan", "--help"]) == .success)
        #expect(console.output.hasPrefix("OVERVIEW:"))
        #expect(console.error.isEmpty)
    }

    /// Every command's help ends with its exit statuses; those that change AWS say how to recover from Ctrl-C.
    @Test(arguments: CommandName.allCases)
    func everyCommandsHelpListsItsExitStatuses(command: CommandName) async {
        let console = RecordingConsole()
        #expect(await runner(console).run(arguments: [command.rawValue, "--help"]) == .success)
        let statuses = console.output.components(separatedBy: "EXIT STATUS:\n").last ?? ""
        #expect(console.output.contains("EXIT STATUS:\n"))
        #expect(statuses.contains("  0 ") && statuses.contains("  1 ") && statuses.contains("  64 "))
        #expect(statuses.contains("  2 ") == (command == .plan))
        #expect(statuses.contains("  130 "))
        #expect(statuses.contains("run the same command again") == (command == .apply || command == .destroy))
    }

    @Test func badCommandLineExits64WithErrorAndUsageOnStandardError() async {
        let console = RecordingConsole()
        #expect(await runner(console).run(arguments: ["apply", "--json"]) == .usage)
        #expect(console.error.hasPrefix("Error: Unknown option '--json'"))
        #expect(console.error.contains("\nUsage: rplink apply"))
        #expect(console.output.isEmpty)
    }

    @Test func validatePrintsTheStackNamesOfValidSpecs() async {
        let console = RecordingConsole()
        let loaded = SpecLoadResult(specs: [Self.spec("alpha"), Self.spec("beta")], diagnostics: [])
        #expect(await runner(console, loading: .success(loaded)).run(arguments: ["validate", "specs"]) == .success)
        #expect(console.output == "Valid: 2 specs (alpha, beta)\n")
    }

    @Test func validatePassesTheSpecPathsToTheLoader() async {
        let console = RecordingConsole()
        let seen = RecordingConsole()
        let runner = CommandRunner(console: console, environment: [:], loadSpecs: { paths throws(RPLinkError) in
            seen.writeOutput(paths.joined(separator: "|"))
            return SpecLoadResult(specs: [Self.spec("one")], diagnostics: [])
        })
        #expect(await runner.run(arguments: ["validate"]) == .success)
        #expect(seen.output == "rplink.yaml")
        #expect(console.output == "Valid: 1 spec (one)\n")
    }

    @Test func validateRefusesARegionFlagThatContradictsTheSpecAsPlanDoes() async {
        let console = RecordingConsole()
        let loaded = SpecLoadResult(specs: [Self.spec("alpha")], diagnostics: [])
        #expect(await runner(console, loading: .success(loaded)).run(arguments: ["validate", "a.yaml", "--region", "eu-west-1"]) == .usage)
        #expect(console.error == "Error: --region eu-west-1 conflicts with region us-east-1 in spec alpha.yaml; drop --region or change the spec\n")
        #expect(console.output.isEmpty)
        #expect(await runner(RecordingConsole(), loading: .success(loaded)).run(arguments: ["validate", "a.yaml", "--region", "us-east-1"]) == .success)
    }

    @Test func validateReportsEveryDiagnosticAndFails() async {
        let console = RecordingConsole()
        let loaded = SpecLoadResult(specs: [], diagnostics: [
            Diagnostic(file: "a.yaml", line: 3, column: 5, message: "unknown key 'regoin'; did you mean 'region'?"),
            Diagnostic(file: "a.yaml", line: 9, column: 1, message: "port must be 1-65535"),
        ])
        #expect(await runner(console, loading: .success(loaded)).run(arguments: ["validate", "a.yaml"]) == .failure)
        #expect(console.error == """
            a.yaml:3:5: error: unknown key 'regoin'; did you mean 'region'?
            a.yaml:9:1: error: port must be 1-65535

            """)
        #expect(console.output.isEmpty)
    }

    @Test func validateWithOnlyWarningsSucceeds() async {
        let console = RecordingConsole()
        let loaded = SpecLoadResult(specs: [Self.spec("one")], diagnostics: [
            Diagnostic(file: "one.yaml", line: 1, column: 1, severity: .warning, message: "something odd"),
        ])
        #expect(await runner(console, loading: .success(loaded)).run(arguments: ["validate", "one.yaml"]) == .success)
        #expect(console.error == "one.yaml:1:1: warning: something odd\n")
    }

    @Test func validateOfAnUnreadablePathIsAnError() async {
        let console = RecordingConsole()
        let failure = RPLinkError(.io, "cannot read missing.yaml")
        #expect(await runner(console, loading: .failure(failure)).run(arguments: ["validate", "missing.yaml"]) == .failure)
        #expect(console.error == "Error: cannot read missing.yaml\n")
    }

    @Test(arguments: ["plan", "apply", "destroy", "output"])
    func invalidSpecStopsAwsCommandsBeforeAnyCall(command: String) async {
        let console = RecordingConsole()
        let loaded = SpecLoadResult(specs: [], diagnostics: [
            Diagnostic(file: "one.yaml", line: 3, column: 7, message: "port must be 1-65535"),
        ])
        // No endpoint or credentials are configured: reaching AWS would fail differently.
        #expect(await runner(console, loading: .success(loaded)).run(arguments: [command, "one.yaml"]) == .failure)
        #expect(console.error.hasPrefix("one.yaml:3:7: error: port must be 1-65535\nError: the spec has errors"))
        #expect(console.output.isEmpty)
    }

    @Test func colourFollowsTheTerminalAndNoColor() {
        let terminal = RecordingConsole(outputIsTerminal: true)
        #expect(runner(terminal).useColor(GlobalOptions()))
        #expect(!runner(terminal, environment: ["NO_COLOR": "1"]).useColor(GlobalOptions()))
        #expect(!runner(terminal).useColor(GlobalOptions(noColor: true)))
        #expect(!runner(RecordingConsole()).useColor(GlobalOptions()))
    }
}
