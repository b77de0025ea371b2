/// Position helpers over raw spec bytes and text.
enum SpecText {
    /// The 1-based line and column of the first byte sequence that is not UTF-8, if any.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> YAMLMark? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var mark = YAMLMark(line: 1, column: 1)
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" {
                    mark = YAMLMark(line: mark.line + 1, column: 1)
                } else {
                    mark.column += 1
                }
            case .emptyInput:
                return nil
            case .error:
                return mark
            }
        }
    }

    /// Where the top-level `key:` of a spec starts, by reading it again (cheap: specs
    /// are small). Falls back to 1:1.
    static func markOfTopLevelKey(_ key: String, in text: String) -> YAMLMark {
        guard let root = YAMLReader.read(text).root, case .mapping(let pairs) = root.content,
              let pair = pairs.first(where: { if case .scalar(key, _, _) = $0.key.content { true } else { false } })
        else { return YAMLMark(line: 1, column: 1) }
        return pair.value.mark
    }
}
