/// An error, warning or note attached to a stack's plan, naming the stack and what it concerns.
public struct PlanMessage: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable, Codable {
        case error
        case warning
        case note
    }

    public var severity: Severity
    public var stack: String
    /// The address or AWS id the message is about, if any.
    public var subject: String?
    public var message: String

    public init(_ severity: Severity, stack: String, subject: String?, _ message: String) {
        self.severity = severity
        self.stack = stack
        self.subject = subject
        self.message = message
    }

    /// `stack planetscale-import: load_balancer.nlb: MESSAGE`
    public var description: String {
        var text = "stack \(stack): "
        if let subject { text += "\(subject): " }
        return text + message
    }
}
