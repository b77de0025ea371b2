/// Decoding helpers shared by the typed EC2 and ELBv2 operations.
///
/// A response that lacks an element the API always sends is reported as an `AWSError` with code
/// `InvalidResponse` (by `decoding(_:_:_:)`), never a crash or a silently empty value.
enum CloudXML {
    /// Thrown by the `required…` readers and turned into an `AWSError` by `decoding`.
    struct MissingElement: Error {
        var path: [String]
    }

    /// The trimmed text at a path of child names (the array form of `XMLNode.string`).
    static func text(_ node: XMLNode, _ path: [String]) -> String? {
        path.reduce(Optional(node)) { node, name in node?.child(name) }?.text.trimmingWhitespace
    }

    /// The text of an element AWS always fills (ids, ARNs, names). Empty counts as missing:
    /// an empty id read as "" would be sent back in later calls, or planned against.
    static func required(_ node: XMLNode, _ path: String...) throws -> String {
        guard let value = text(node, path), !value.isEmpty else { throw MissingElement(path: [node.name] + path) }
        return value
    }

    static func requiredInt(_ node: XMLNode, _ path: String...) throws -> Int {
        guard let raw = text(node, path), let value = Int(raw) else { throw MissingElement(path: [node.name] + path) }
        return value
    }

    /// Thrown when an element holds text where AWS always sends a whole number.
    struct NotAnInteger: Error {
        var path: [String]
        var value: String
    }

    /// The whole number at a path; nil when the element is absent or empty. Text that is not a
    /// number is an invalid response, not a default: a garbled port read as 0 would plan a replace.
    static func int(_ node: XMLNode, _ path: String...) throws -> Int? {
        guard let raw = text(node, path), !raw.isEmpty else { return nil }
        guard let value = Int(raw) else { throw NotAnInteger(path: [node.name] + path, value: raw) }
        return value
    }

    static func bool(_ node: XMLNode, _ path: String...) -> Bool? {
        switch text(node, path) {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// The text of every item of a list of strings (`<set><item>a</item>…`).
    static func strings(_ node: XMLNode, _ list: String) -> [String] {
        node.list(list).map(\.text.trimmingWhitespace)
    }

    /// An EC2 `tagSet` (`<item><key>…<value>…`) or an ELBv2 `Tags` (`<member><Key>…<Value>…`).
    static func tags(_ node: XMLNode, _ list: String) -> [Spec.Tag] {
        node.list(list).compactMap { item in
            guard let key = item.string("key") ?? item.string("Key") else { return nil }
            return Spec.Tag(key: key, value: item.string("value") ?? item.string("Value") ?? "")
        }
    }

    /// Runs a decoder and reports a missing element as an `AWSError` that names the action.
    static func decoding<T>(_ service: AWSService, _ action: String, _ decode: () throws -> T) throws -> T {
        do {
            return try decode()
        } catch let missing as MissingElement {
            throw AWSError(
                service: service, action: action, code: "InvalidResponse",
                message: "the response has no <\(missing.path.joined(separator: "/"))>, or an empty one", httpStatus: 200
            )
        } catch let wrong as NotAnInteger {
            let shown = wrong.value.count > 40 ? String(wrong.value.prefix(40)) + "…" : wrong.value
            throw AWSError(
                service: service, action: action, code: "InvalidResponse",
                message: "the response's <\(wrong.path.joined(separator: "/"))> is not a whole number: \"\(shown)\"", httpStatus: 200
            )
        }
    }
}
