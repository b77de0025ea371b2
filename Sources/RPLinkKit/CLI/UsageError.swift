/// A malformed command line: what is wrong, and which command's usage to show with it.
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The command whose usage line helps; nil for the top-level usage.
    public var command: CommandName?

    public init(_ message: String, command: CommandName?) {
        self.message = message
        self.command = command
    }

    public var description: String { message }
}
