/// Runs an `rplink` command line: parses it, dispatches to the command, and turns every
/// outcome into text on the console and an exit code. `main.swift` only calls `run(arguments:)`.
public struct CommandRunner: Sendable {
    public typealias SpecLoading = @Sendable (_ paths: [String]) throws(RPLinkError) -> SpecLoadResult

    public var console: any Console
    public var environment: [String: String]
    /// Injected so the runner's reporting is tested apart from the spec parser.
    var loadSpecs: SpecLoading
    /// Set by the first Ctrl-C: running steps finish, no new one starts.
    public var stop: StopSignal
    /// Makes the AWS client of a region; nil: the signed client from the environment. Tests
    /// pass a fake here to run apply and destroy without a network.
    var makeAPI: (@Sendable (_ region: String) -> any QueryAPI)?
    /// Looks up `database.writer_endpoint` names; tests pass a fake.
    var nameResolver: any NameResolver = SystemNameResolver()

    public init(
        console: any Console,
        environment: [String: String],
        loadSpecs: @escaping SpecLoading = { paths throws(RPLinkError) in try SpecLoader.load(paths: paths) },
        stop: StopSignal = StopSignal()
    ) {
        self.console = console
        self.environment = environment
        self.loadSpecs = loadSpecs
        self.stop = stop
        self.makeAPI = nil
    }

    /// The whole program: `arguments` excludes the executable's own name.
    public func run(arguments: [String]) async -> ExitCode {
        let outcome: CommandLineParser.Outcome
        do {
            outcome = try CommandLineParser.parse(arguments)
        } catch {
            console.writeError(HelpFormatter.usageErrorText(error))
            return .usage
        }
        switch outcome {
        case .help(let command):
            console.writeOutput(HelpFormatter.help(for: command))
            return .success
        case .version:
            console.writeOutput("rplink \(RPLink.version)\n")
            return .success
        case .run(let invocation):
            return await run(invocation)
        }
    }

    /// Runs a parsed command; every error ends here as `Error: …` on stderr.
    public func run(_ invocation: Invocation) async -> ExitCode {
        do {
            return try await execute(invocation)
        } catch {
            console.writeError("Error: \(error)\n")
            return error.code == .usage ? .usage : .failure
        }
    }

    /// Whether this invocation's standard output gets colour.
    public func useColor(_ options: GlobalOptions) -> Bool {
        ColorPolicy.useColor(
            noColorFlag: options.noColor, environment: environment, outputIsTerminal: console.outputIsTerminal)
    }

    private func execute(_ invocation: Invocation) async throws(RPLinkError) -> ExitCode {
        switch invocation.command {
        case .validate(let options):
            return try validate(options, options: invocation.options)
        case .plan(let options):
            return try await plan(options, options: invocation.options)
        case .apply(let options):
            return try await apply(options, options: invocation.options)
        case .destroy(let options):
            return try await destroy(options, options: invocation.options)
        case .output(let options):
            return try await output(options, options: invocation.options)
        }
    }
}
