/// The sections of an AWS shared config or credentials file, as `[section] key = value` pairs.
///
/// Follows what the SDKs (Python's configparser) accept: `#` and `;` comments on their own line,
/// `key = value` with whitespace around both, and lines indented deeper than the key before them
/// as that key's sub-properties (`s3 =\n  max_concurrent_requests = 1`), which rplink does not use
/// and skips. A later duplicate key or section wins.
struct INIFile: Sendable, Equatable {
    /// Section name as written between the brackets (trimmed) → key → value.
    var sections: [String: [String: String]] = [:]

    init(sections: [String: [String: String]] = [:]) {
        self.sections = sections
    }

    /// Problems are thrown with the file path and line so the user can fix the file.
    init(parsing text: String, path: String) throws {
        var current: String?
        // The indentation of the last key line; a deeper line continues that key.
        var keyIndent: Int?
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let line = String(rawLine).trimmingWhitespace
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else {
                    throw RPLinkError(.configuration, "\(path):\(lineNumber): section header is missing its closing ]")
                }
                let name = String(line[line.index(after: line.startIndex)..<close]).trimmingWhitespace
                guard !name.isEmpty else {
                    throw RPLinkError(.configuration, "\(path):\(lineNumber): empty section name")
                }
                current = name
                keyIndent = nil
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            let indent = rawLine.prefix { $0 == " " || $0 == "\t" }.count
            if let keyIndent, indent > keyIndent { continue }
            guard let section = current else {
                throw RPLinkError(.configuration, "\(path):\(lineNumber): setting outside of any [section]")
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw RPLinkError(.configuration, "\(path):\(lineNumber): expected key = value")
            }
            keyIndent = indent
            let key = String(line[..<equals]).trimmingWhitespace
            let value = Self.removingInlineComment(String(line[line.index(after: equals)...]).trimmingWhitespace)
            sections[section, default: [:]][key] = value
        }
    }

    /// SDKs treat ` #` or ` ;` after a value as a comment; a `#` inside a value (a URL fragment) is kept.
    private static func removingInlineComment(_ value: String) -> String {
        var previous: Character = " "
        for index in value.indices {
            let character = value[index]
            if (character == "#" || character == ";") && previous.isWhitespace && index != value.startIndex {
                return String(value[..<index]).trimmingWhitespace
            }
            previous = character
        }
        return value
    }
}
