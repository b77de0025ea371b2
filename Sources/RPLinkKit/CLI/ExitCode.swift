/// The process exit status, as DESIGN.md section 4 fixes them.
public struct ExitCode: RawRepresentable, Sendable, Equatable, Hashable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let success = ExitCode(rawValue: 0)
    public static let failure = ExitCode(rawValue: 1)
    /// `plan --detailed-exitcode` found changes.
    public static let changesPresent = ExitCode(rawValue: 2)
    /// The command line was malformed (BSD sysexits EX_USAGE, as swift-argument-parser uses).
    public static let usage = ExitCode(rawValue: 64)

    public var description: String { String(rawValue) }
}
