/// The terminal a command talks to; a protocol so command runners are tested without one.
public protocol Console: Sendable {
    /// Writes `text` as given (callers add the newline) to standard output.
    func writeOutput(_ text: String)
    /// Writes `text` as given to standard error.
    func writeError(_ text: String)
    /// Standard output is a terminal: colour and progress lines make sense.
    var outputIsTerminal: Bool { get }
    /// Standard input is a terminal: a `yes` prompt can be answered.
    var inputIsTerminal: Bool { get }
    /// One line from standard input without its newline; nil at end of input.
    func readLine() -> String?
}
