import Testing
@testable import RPLinkKit

@Suite struct YAMLReaderTests {
    @Test func scalarsKeepTextStyleAndOneBasedMarks() throws {
        let root = try #require(YAMLReader.read("a: 012\nb: \"x y\"\nd:\n  - |\n    text\n").root)
        guard case .mapping(let pairs) = root.content else { Issue.record("expected a mapping"); return }
        #expect(root.mark == YAMLMark(line: 1, column: 1))
        #expect(pairs.map(\.key.mark) == [.init(line: 1, column: 1), .init(line: 2, column: 1), .init(line: 3, column: 1)])
        #expect(pairs[0].value.content == .scalar(text: "012", style: .plain))
        #expect(pairs[0].value.mark == YAMLMark(line: 1, column: 4))
        #expect(pairs[1].value.content == .scalar(text: "x y", style: .quoted))
        #expect(pairs[2].value.content == .sequence([YAMLNode(content: .scalar(text: "text\n", style: .block), mark: .init(line: 4, column: 5))]))
    }

    @Test(arguments: [
        ("a: !!str 5\n", "!!str", YAMLMark(line: 1, column: 4)),
        ("a: !!seq [1]\n", "!!seq", YAMLMark(line: 1, column: 4)),
        ("a: !local\n  b: 1\n", "!local", YAMLMark(line: 1, column: 4)),
    ])
    func tagsAreRefusedWhereTheyAreWritten(text: String, shown: String, mark: YAMLMark) {
        #expect(YAMLReader.read(text).problems == [
            YAMLProblem(mark: mark, message: "YAML tags such as '\(shown)' are not supported in rplink specs; write the value without one"),
        ])
    }

    @Test func aByteOrderMarkIsSkippedAndIsNoColumn() throws {
        let root = try #require(YAMLReader.read("\u{FEFF}a: 1\n").root)
        guard case .mapping(let pairs) = root.content else { Issue.record("expected a mapping"); return }
        #expect(pairs[0].value.content == .scalar(text: "1", style: .plain))
        #expect(pairs[0].value.mark == YAMLMark(line: 1, column: 4))
    }

    @Test func aControlCharacterIsReportedWhereItIs() {
        // libyaml's reader gives a byte offset, not a mark; the é before it is one column.
        #expect(YAMLReader.read("a: 1\nb: é\u{01}x\n").problems == [
            YAMLProblem(mark: .init(line: 2, column: 5), message: "control characters are not allowed (U+0001)"),
        ])
    }

    @Test func libyamlsContextSaysWhereTheUnfinishedConstructStarts() {
        #expect(YAMLReader.read("a: 1\nb: \"open\nc: 2\n").problems.map(\.message) == [
            "found unexpected end of stream while scanning a quoted scalar that starts at 2:4",
        ])
    }

    @Test func mappingKeepsKeyOrder() throws {
        let root = try #require(YAMLReader.read("z: 1\na: 2\nm: 3\n").root)
        guard case .mapping(let pairs) = root.content else { Issue.record("expected a mapping"); return }
        #expect(pairs.compactMap { if case .scalar(let text, _) = $0.key.content { text } else { nil } } == ["z", "a", "m"])
    }

    @Test func duplicateKeysAreRefusedAtTheSecondKey() {
        #expect(YAMLReader.read("a: 1\nb:\n  c: 1\n  c: 2\n").problems == [
            YAMLProblem(mark: .init(line: 4, column: 3), message: "duplicate key 'c' (first at 3:3)"),
        ])
    }

    @Test func nonStringKeysAreRefused() {
        #expect(YAMLReader.read("{a: 1}: x\n").problems.map(\.message) == ["mapping keys must be strings, found a mapping"])
    }

    @Test func secondDocumentIsRefused() {
        #expect(YAMLReader.read("a: 1\n---\nb: 2\n").problems == [
            YAMLProblem(mark: .init(line: 2, column: 1), message: "more than one YAML document; put each stack in its own file"),
        ])
    }

    @Test(arguments: ["", "\n\n", "# nothing\n"])
    func emptyInputIsRefused(text: String) {
        #expect(YAMLReader.read(text).problems == [
            YAMLProblem(mark: .init(line: 1, column: 1), message: "the file is empty; expected a spec mapping"),
        ])
    }

    @Test func aliasIsRefusedWhereItStands() {
        #expect(YAMLReader.read("a: &x 1\nb: *x\n").problems == [
            YAMLProblem(mark: .init(line: 1, column: 4), message: "anchors and aliases are not supported in rplink specs"),
            YAMLProblem(mark: .init(line: 2, column: 4), message: "anchors and aliases are not supported in rplink specs"),
        ])
    }
}
