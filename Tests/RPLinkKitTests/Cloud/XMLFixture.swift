import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import RPLinkKit

/// Reads the captured emulator responses under `Fixtures/cloud/` into `RPLinkKit.XMLNode`s.
///
/// A small stand-in for the transport's parser (owned elsewhere), so these tests only depend on
/// `QueryAPI`: namespace prefixes are dropped and character data is kept as is, like the real one.
enum XMLFixture {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cloud")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("\(name).xml"), encoding: .utf8)
    }

    static func load(_ name: String) throws -> RPLinkKit.XMLNode {
        try parse(Data(text(name).utf8))
    }

    /// A fixture holding an AWS error body, as the `AWSError` the transport would throw for it.
    static func error(_ name: String, service: AWSService, action: String, status: Int = 400) throws -> AWSError {
        let body = try load(name)
        return AWSError(
            service: service, action: action,
            code: body.first(named: "Code")?.text ?? "", message: body.first(named: "Message")?.text ?? "",
            requestId: body.first(named: "RequestId")?.text ?? body.first(named: "RequestID")?.text,
            httpStatus: status
        )
    }

    struct ParseFailure: Error { var message: String }

    static func parse(_ data: Data) throws -> RPLinkKit.XMLNode {
        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw ParseFailure(message: parser.parserError.map { "\($0)" } ?? "no root element")
        }
        return root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [RPLinkKit.XMLNode] = []
        var root: RPLinkKit.XMLNode?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            stack.append(RPLinkKit.XMLNode(name: local))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard let node = stack.popLast() else { return }
            if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
        }
    }
}
