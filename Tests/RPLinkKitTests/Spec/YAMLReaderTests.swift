import Testing
@testable import RPLinkKit

@Suite struct YAMLReaderTests {
    @Test func scalarsKeepTextStyleAndOneBasedMarks() throws {
        let root = try #require(YAMLReader.read("a: 012\nb: \"x y\"\nc: !!str 5\nd:\n  - |\n    text\n").root)
        guard case .mapping(let pairs) = root.content else { Issue.record("expected a mapping"); return }
        #expect(root.mark == YAMLMark(line: 1, column: 1))
        #expect(pairs.map(\.key.mark) == [.init(line: 1, column: 1), .init(line: 2, column: 1), .init(line: 3, column: 1), .init(line: 4, column: 1)])
        #expect(pairs[0].value.content == .scalar(text: "012", style: .plain, tag: nil))
        #expect(pairs[0].value.mark == YAMLMark(line: 1, column: 4))
        #expect(pairs[1].value.content == .scalar(text: "x y", style: .quoted, tag: nil))
        #expect(pairs[2].value.content == .scalar(text: "5", style: .plain, tag: "tag:yaml.org,2002:str"))
        #expect(pairs[3].value.content == .sequence([YAMLNode(content: .scalar(text: "text\n", style: .block, tag: nil), mark: .init(line: 5, column: 5))]))
    }

    @Test func mappingKeepsKeyOrder() throws {
        let root = try #require(YAMLReader.read("z: 1\na: 2\nm: 3\n").root)
        guard case .mapping(let pairs) = root.content else { Issue.record("expected a mapping"); return }
        #expect(pairs.compactMap { if case .scalar(let text, _, _) = $0.key.content { text } else { nil } } == ["z", "a", "m"])
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
