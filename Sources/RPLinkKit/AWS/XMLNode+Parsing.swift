import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

extension XMLNode {
    /// Why a body could not be read as XML.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var line: Int
        public var description: String { "not well-formed XML at line \(line): \(message)" }
    }

    /// Parses a whole response body into its root element, namespace prefixes dropped.
    public static func parse(_ data: Data) throws -> XMLNode {
        let builder = XMLTreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        let succeeded = parser.parse()
        guard succeeded, builder.failure == nil, let root = builder.root else {
            throw ParseError(message: builder.failure ?? parser.parserError.map { "\($0.localizedDescription)" } ?? "no root element",
                             line: parser.lineNumber)
        }
        return root
    }

    public static func parse(_ bytes: [UInt8]) throws -> XMLNode {
        try parse(Data(bytes))
    }
}

/// Collects XMLParser's events into XMLNode values. Lives only for one synchronous parse.
private final class XMLTreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [XMLNode] = []
    private(set) var root: XMLNode?
    private(set) var failure: String?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        stack.append(XMLNode(name: Self.localName(elementName)))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let finished = stack.popLast() else { return }
        if stack.isEmpty {
            root = finished
        } else {
            stack[stack.count - 1].children.append(finished)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if failure == nil { failure = "\(parseError.localizedDescription)" }
    }

    /// `ns:Response` → `Response`.
    private static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }
}
