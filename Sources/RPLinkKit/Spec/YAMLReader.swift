import CYaml

/// A problem found while reading YAML, before any spec rule applies.
struct YAMLProblem: Sendable, Equatable, Error {
    var mark: YAMLMark
    var message: String
}

/// Reads one YAML document into a `YAMLNode` tree through libyaml's event API.
///
/// Only the subset rplink specs need is accepted: one document, string keys, no
/// duplicate keys, no anchors or aliases (which also rules out "billion laughs"
/// expansion), no tags (`!!str 3306` would dodge the spec's type rules), and at most
/// `maximumDepth` levels of nesting. A leading byte order mark is skipped.
final class YAMLReader {
    static let maximumDepth = 64

    // Heap-allocated because libyaml keeps a pointer to the parser (and to the input)
    // between calls; a Swift stored property's address is not guaranteed to be stable.
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    /// The bytes of `input` in use: an empty document still allocates one, never initialised.
    private let inputCount: Int
    private var problems: [YAMLProblem] = []

    init(bytes: [UInt8]) {
        parser = .allocate(capacity: 1)
        parser.initialize(to: yaml_parser_t())
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        inputCount = bytes.count
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// Reads the whole document: the tree when it is acceptable, else every problem found.
    static func read(_ text: String) -> (root: YAMLNode?, problems: [YAMLProblem]) {
        // Editors save a UTF-8 byte order mark at will; libyaml, told the encoding, would
        // read it as content. It is not a column either.
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        return YAMLReader(bytes: Array(text.utf8)).read()
    }

    func read() -> (root: YAMLNode?, problems: [YAMLProblem]) {
        do {
            let root = try readDocument()
            if problems.isEmpty { return (root, []) }
        } catch {
            problems.append(error)
        }
        return (nil, problems.sorted { $0.mark < $1.mark })
    }

    // MARK: - Events

    private enum Event {
        case streamStart
        case streamEnd
        case documentStart
        case documentEnd
        case alias
        case scalar(text: String, style: YAMLNode.ScalarStyle, decoration: Decoration)
        case sequenceStart(Decoration)
        case sequenceEnd
        case mappingStart(Decoration)
        case mappingEnd
    }

    /// What a node may carry besides its content; rplink specs accept neither.
    private struct Decoration {
        var hasAnchor: Bool
        var tag: String?

        init(anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?) {
            hasAnchor = anchor != nil
            self.tag = tag.map { String(cString: $0) }
        }
    }

    /// The next event, copied out of libyaml's memory, and where it starts.
    private func nextEvent() throws(YAMLProblem) -> (event: Event, mark: YAMLMark) {
        var raw = yaml_event_t()
        guard yaml_parser_parse(parser, &raw) != 0 else { throw libyamlProblem() }
        defer { yaml_event_delete(&raw) }
        let mark = Self.mark(raw.start_mark)
        switch raw.type {
        case YAML_STREAM_START_EVENT: return (.streamStart, mark)
        case YAML_STREAM_END_EVENT: return (.streamEnd, mark)
        case YAML_DOCUMENT_START_EVENT: return (.documentStart, mark)
        case YAML_DOCUMENT_END_EVENT: return (.documentEnd, mark)
        case YAML_ALIAS_EVENT: return (.alias, mark)
        case YAML_SCALAR_EVENT:
            let scalar = raw.data.scalar
            let text = scalar.value.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
            } ?? ""
            let style: YAMLNode.ScalarStyle
            switch scalar.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE, YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .quoted
            case YAML_LITERAL_SCALAR_STYLE, YAML_FOLDED_SCALAR_STYLE: style = .block
            default: style = .plain
            }
            return (.scalar(text: text, style: style, decoration: Decoration(anchor: scalar.anchor, tag: scalar.tag)), mark)
        case YAML_SEQUENCE_START_EVENT:
            let start = raw.data.sequence_start
            return (.sequenceStart(Decoration(anchor: start.anchor, tag: start.tag)), mark)
        case YAML_SEQUENCE_END_EVENT: return (.sequenceEnd, mark)
        case YAML_MAPPING_START_EVENT:
            let start = raw.data.mapping_start
            return (.mappingStart(Decoration(anchor: start.anchor, tag: start.tag)), mark)
        case YAML_MAPPING_END_EVENT: return (.mappingEnd, mark)
        default: throw YAMLProblem(mark: mark, message: "unexpected YAML event")
        }
    }

    /// libyaml's own message at its own position (made 1-based), with the construct it was
    /// reading and where that starts: "found unexpected end of stream while scanning a
    /// quoted scalar that starts at 2:7" points at the quote to close.
    private func libyamlProblem() -> YAMLProblem {
        let state = parser.pointee
        var message = state.problem.map { String(cString: $0) } ?? "invalid YAML"
        if state.error == YAML_READER_ERROR {
            // The reader reports a byte offset and the offending value, not a mark.
            if state.problem_value >= 0 {
                message += String(format: " (U+%04X)", state.problem_value)
            }
            return YAMLProblem(mark: mark(ofByteOffset: state.problem_offset), message: message)
        }
        if let context = state.context.map({ String(cString: $0) }) {
            message += " \(context) that starts at \(Self.mark(state.context_mark))"
        }
        let mark = Self.mark(state.problem_mark)
        // libyaml does not say that the character it cannot read is a tab.
        if character(at: mark) == "\t" && !message.contains("tab") {
            message += "; it is a tab, and YAML indents with spaces only"
        }
        return YAMLProblem(mark: mark, message: message)
    }

    /// The character at a 1-based line and column (in code points, as libyaml counts).
    private func character(at mark: YAMLMark) -> Unicode.Scalar? {
        let lines = input.prefix(inputCount).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let scalars = String(decoding: lines[mark.line - 1], as: UTF8.self).unicodeScalars
        guard mark.column >= 1, mark.column <= scalars.count else { return nil }
        return scalars[scalars.index(scalars.startIndex, offsetBy: mark.column - 1)]
    }

    private static func mark(_ mark: yaml_mark_t) -> YAMLMark {
        YAMLMark(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    /// The line and column (in characters) of a byte of the input.
    private func mark(ofByteOffset offset: Int) -> YAMLMark {
        let before = input.prefix(min(offset, inputCount))
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        // In code points, as libyaml counts columns.
        let column = String(decoding: input[lineStart..<before.count], as: UTF8.self).unicodeScalars.count + 1
        return YAMLMark(line: line, column: column)
    }

    // MARK: - Structure

    private func readDocument() throws(YAMLProblem) -> YAMLNode {
        _ = try nextEvent()  // stream start
        if case .streamEnd = try nextEvent().event {
            throw YAMLProblem(mark: YAMLMark(line: 1, column: 1), message: "the file is empty; expected a spec mapping")
        }
        let (start, startMark) = try nextEvent()
        let root = try readNode(start, at: startMark, depth: 1)
        _ = try nextEvent()  // document end
        let (next, nextMark) = try nextEvent()
        if case .documentStart = next {
            throw YAMLProblem(mark: nextMark, message: "more than one YAML document; put each stack in its own file")
        }
        return root
    }

    private func readNode(_ event: Event, at mark: YAMLMark, depth: Int) throws(YAMLProblem) -> YAMLNode {
        switch event {
        case .scalar(let text, let style, let decoration):
            check(decoration, at: mark)
            return YAMLNode(content: .scalar(text: text, style: style), mark: mark)
        case .alias:
            reportAnchor(at: mark)
            return YAMLNode(content: .scalar(text: "", style: .plain), mark: mark)
        case .sequenceStart(let decoration):
            check(decoration, at: mark)
            try checkDepth(depth, at: mark)
            var items: [YAMLNode] = []
            while true {
                let (next, nextMark) = try nextEvent()
                if case .sequenceEnd = next { break }
                items.append(try readNode(next, at: nextMark, depth: depth + 1))
            }
            return YAMLNode(content: .sequence(items), mark: mark)
        case .mappingStart(let decoration):
            check(decoration, at: mark)
            try checkDepth(depth, at: mark)
            var pairs: [YAMLNode.Pair] = []
            var firstMarkOfKey: [String: YAMLMark] = [:]
            while true {
                let (next, nextMark) = try nextEvent()
                if case .mappingEnd = next { break }
                let key = try readNode(next, at: nextMark, depth: depth + 1)
                let (valueEvent, valueMark) = try nextEvent()
                let value = try readNode(valueEvent, at: valueMark, depth: depth + 1)
                guard case .scalar(let text, _) = key.content else {
                    problems.append(YAMLProblem(mark: key.mark, message: "mapping keys must be strings, found \(key.kindDescription)"))
                    continue
                }
                if let first = firstMarkOfKey[text] {
                    problems.append(YAMLProblem(mark: key.mark, message: "duplicate key '\(text)' (first at \(first))"))
                    continue
                }
                firstMarkOfKey[text] = key.mark
                pairs.append(YAMLNode.Pair(key: key, value: value))
            }
            return YAMLNode(content: .mapping(pairs), mark: mark)
        default:
            throw YAMLProblem(mark: mark, message: "unexpected YAML structure")
        }
    }

    private func checkDepth(_ depth: Int, at mark: YAMLMark) throws(YAMLProblem) {
        if depth > Self.maximumDepth {
            throw YAMLProblem(mark: mark, message: "nesting deeper than \(Self.maximumDepth) levels is not supported")
        }
    }

    private func check(_ decoration: Decoration, at mark: YAMLMark) {
        if decoration.hasAnchor { reportAnchor(at: mark) }
        if let tag = decoration.tag {
            let shown = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
            problems.append(YAMLProblem(mark: mark, message: "YAML tags such as '\(shown)' are not supported in rplink specs; write the value without one"))
        }
    }

    private func reportAnchor(at mark: YAMLMark) {
        problems.append(YAMLProblem(mark: mark, message: "anchors and aliases are not supported in rplink specs"))
    }
}
