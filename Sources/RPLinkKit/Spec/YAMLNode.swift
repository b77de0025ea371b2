/// A 1-based position in a YAML text (libyaml counts from 0; editors count from 1).
struct YAMLMark: Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
    var line: Int
    var column: Int

    static func < (lhs: YAMLMark, rhs: YAMLMark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    var description: String { "\(line):\(column)" }
}

/// One node of a YAML document, with where it starts. Scalars keep their text exactly as
/// written, so `012345678901` stays twelve characters and never becomes a number.
struct YAMLNode: Sendable, Equatable {
    enum ScalarStyle: Sendable, Equatable {
        case plain
        /// Single- or double-quoted.
        case quoted
        /// Literal (`|`) or folded (`>`).
        case block
    }

    struct Pair: Sendable, Equatable {
        var key: YAMLNode
        var value: YAMLNode
    }

    enum Content: Sendable, Equatable {
        case scalar(text: String, style: ScalarStyle)
        /// Key/value pairs in the order written.
        case mapping([Pair])
        case sequence([YAMLNode])
    }

    var content: Content
    var mark: YAMLMark

    /// A plain `~`, `null` or nothing at all: YAML's way of writing "no value".
    var isNull: Bool {
        guard case .scalar(let text, .plain) = content else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// The scalar keys of a mapping, in the order written; none for other nodes.
    var mappingKeys: [String] {
        guard case .mapping(let pairs) = content else { return [] }
        return pairs.compactMap { pair in
            guard case .scalar(let key, _) = pair.key.content else { return nil }
            return key
        }
    }

    /// How the node is described in "expected X, found Y" messages.
    var kindDescription: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        case .scalar(let text, let style):
            if isNull { return "null" }
            return style == .plain ? "'\(text)'" : "the quoted string '\(text)'"
        }
    }
}
