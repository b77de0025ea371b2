/// Whether to colour what goes to standard output.
public enum ColorPolicy {
    /// Colour only on a terminal, and never when `--no-color` is given, `NO_COLOR` is set
    /// to anything non-empty (no-color.org) or the terminal says it is `dumb`.
    public static func useColor(noColorFlag: Bool, environment: [String: String], outputIsTerminal: Bool) -> Bool {
        guard outputIsTerminal, !noColorFlag else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }
}
