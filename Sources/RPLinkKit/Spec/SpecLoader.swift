/// The specs read from the command line's SPEC arguments, and every problem found in them.
public struct SpecLoadResult: Sendable {
    public var specs: [Spec]
    public var diagnostics: [Diagnostic]
    public init(specs: [Spec], diagnostics: [Diagnostic]) {
        self.specs = specs
        self.diagnostics = diagnostics
    }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Reads and validates spec files: the only way from YAML text to `Spec` values.
public enum SpecLoader {
    /// Loads files and folders of `*.yaml`/`*.yml` (a folder's files in name order).
    /// A path that cannot be read throws; problems inside files come back as diagnostics.
    public static func load(paths: [String]) throws(RPLinkError) -> SpecLoadResult {
        throw RPLinkError(.notImplemented, "spec loading is not implemented yet")
    }

    /// Parses and validates one spec from its text; `file` is used in diagnostics.
    public static func parse(text: String, file: String) -> (spec: Spec?, diagnostics: [Diagnostic]) {
        (nil, [Diagnostic(file: file, line: 1, column: 1, message: "spec parsing is not implemented yet")])
    }
}
