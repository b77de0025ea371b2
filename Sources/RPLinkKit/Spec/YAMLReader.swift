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
/// expansion), and at most `maximumDepth` levels of nesting.
final class YAMLReader {
    static let maximumDepth = 64

    // Heap-allocated because libyaml keeps a pointer to the parser (and to the input)
    // between calls; a Swift stored property's address is not guaranteed to be stable.
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private var problems: [YAMLProblem] = []

    init(bytes: [UInt8]) {
        parser = .allocate(capacity: 1)
        parser.initialize(to: yaml_parser_t())
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
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
        YAMLReader(bytes: Array(text.utf8)).read()
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
        case scalar(text: String, style: YAMLNode.ScalarStyle, tag: String?, hasAnchor: Bool)
        case sequenceStart(hasAnchor: Bool)
        case sequenceEnd
        case mappingStart(hasAnchor: Bool)
        case mappingEnd
    }

    /// The next event, copied out of libyaml's memory, and where it starts.
    private func nextEvent() throws(YAMLProblem) -> (event: Event, mark: YAMLMark) {
        var raw = yaml_event_t()
        guard yaml_parser_parse(parser, &raw) != 0 else { throw libyamlProblem() }
        defer { yaml_event_delete(&raw) }
        let mark = YAMLMark(line: Int(raw.start_mark.line) + 1, column: Int(raw.start_mark.column) + 1)
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
            let tag = scalar.tag.map { String(cString: $0) }
            return (.scalar(text: text, style: style, tag: tag, hasAnchor: scalar.anchor != nil), mark)
        case YAML_SEQUENCE_START_EVENT: return (.sequenceStart(hasAnchor: raw.data.sequence_start.anchor != nil), mark)
        case YAML_SEQUENCE_END_EVENT: return (.sequenceEnd, mark)
        case YAML_MAPPING_START_EVENT: return (.mappingStart(hasAnchor: raw.data.mapping_start.anchor != nil), mark)
        case YAML_MAPPING_END_EVENT: return (.mappingEnd, mark)
        default: throw YAMLProblem(mark: mark, message: "unexpected YAML event")
        }
    }

    /// libyaml's own message at its own position (`problem_mark`, made 1-based).
    private func libyamlProblem() -> YAMLProblem {
        let state = parser.pointee
        let message = state.problem.map { String(cString: $0) } ?? "invalid YAML"
        let mark = YAMLMark(line: Int(state.problem_mark.line) + 1, column: Int(state.problem_mark.column) + 1)
        return YAMLProblem(mark: mark, message: message)
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
        case .scalar(let text, let style, let tag, let hasAnchor):
            if hasAnchor { reportAnchor(at: mark) }
            return YAMLNode(content: .scalar(text: text, style: style, tag: tag), mark: mark)
        case .alias:
            reportAnchor(at: mark)
            return YAMLNode(content: .scalar(text: "", style: .plain, tag: nil), mark: mark)
        case .sequenceStart(let hasAnchor):
            if hasAnchor { reportAnchor(at: mark) }
            try checkDepth(depth, at: mark)
            var items: [YAMLNode] = []
            while true {
                let (next, nextMark) = try nextEvent()
                if case .sequenceEnd = next { break }
                items.append(try readNode(next, at: nextMark, depth: depth + 1))
            }
            return YAMLNode(content: .sequence(items), mark: mark)
        case .mappingStart(let hasAnchor):
            if hasAnchor { reportAnchor(at: mark) }
            try checkDepth(depth, at: mark)
            var pairs: [YAMLNode.Pair] = []
            var firstMarkOfKey: [String: YAMLMark] = [:]
            while true {
                let (next, nextMark) = try nextEvent()
                if case .mappingEnd = next { break }
                let key = try readNode(next, at: nextMark, depth: depth + 1)
                let (valueEvent, valueMark) = try nextEvent()
                let value = try readNode(valueEvent, at: valueMark, depth: depth + 1)
                guard case .scalar(let text, _, _) = key.content else {
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

    private func reportAnchor(at mark: YAMLMark) {
        problems.append(YAMLProblem(mark: mark, message: "anchors and aliases are not supported in rplink specs"))
    }
}
