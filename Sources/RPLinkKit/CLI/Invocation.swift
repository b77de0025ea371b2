/// A well-formed command line: what to run and with which global options.
public struct Invocation: Sendable, Equatable {
    public var command: Command
    public var options: GlobalOptions

    public init(command: Command, options: GlobalOptions = GlobalOptions()) {
        self.command = command
        self.options = options
    }
}
