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
}
