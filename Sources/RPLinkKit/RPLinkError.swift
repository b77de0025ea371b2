import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An error rplink reports to its user: a stable code, a message that says what to do, and the cause.
///
/// Modelled on swift-nio's error structs. `description` never contains secrets: callers
/// must not put credentials in `message`, and `cause` is rendered by its own description.
public struct RPLinkError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidSpec = Code(rawValue: "InvalidSpec")
        public static let usage = Code(rawValue: "Usage")
        public static let io = Code(rawValue: "IO")
        public static let credentials = Code(rawValue: "Credentials")
        public static let configuration = Code(rawValue: "Configuration")
        public static let aws = Code(rawValue: "AWS")
        public static let preflight = Code(rawValue: "Preflight")
        public static let notOurs = Code(rawValue: "NotOurs")
        public static let stalePlan = Code(rawValue: "StalePlan")
        public static let timeout = Code(rawValue: "Timeout")
        public static let notImplemented = Code(rawValue: "NotImplemented")
    }

    public var code: Code
    public var message: String
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        // A URLError renders as a raw NSError dump on Linux; whoever wraps one (AWSClient)
        // already says in words what failed, so it stays out of the text.
        guard let cause, !(cause is URLError) else { return message }
        return "\(message): \(cause)"
    }
}

extension RPLinkError {
    /// The system's words for an errno value (`strerror`), lowercased to sit in a sentence.
    static func systemReason(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
