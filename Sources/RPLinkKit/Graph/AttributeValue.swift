import Foundation

/// A typed attribute value of a desired or live resource, as plans show and compare them.
public indirect enum AttributeValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([AttributeValue])
    case object([Attribute])
    /// A value only AWS knows, once an earlier step of the same apply has run (a new NLB's ARN).
    case unknown

    public static func strings(_ values: [String]) -> AttributeValue { .list(values.map(AttributeValue.string)) }

    public static func tags(_ tags: [Spec.Tag]) -> AttributeValue {
        .object(tags.map { Attribute($0.key, .string($0.value)) })
    }

    /// Whether the value is, or holds, one only AWS will know.
    public var containsUnknown: Bool {
        switch self {
        case .unknown: true
        case .list(let values): values.contains { $0.containsUnknown }
        case .object(let attributes): attributes.contains { $0.value.containsUnknown }
        case .string, .int, .bool: false
        }
    }

    /// The value as plans print it: strings quoted, lists in brackets.
    public var description: String {
        switch self {
        case .string(let value): "\"" + value.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .int(let value): String(value)
        case .bool(let value): String(value)
        case .list(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .object(let attributes): "{" + attributes.map { "\($0.name) = \($0.value)" }.joined(separator: ", ") + "}"
        case .unknown: "(known after apply)"
        }
    }
}

/// One named attribute; resources keep them in a fixed, readable order.
public struct Attribute: Sendable, Equatable, Codable {
    public var name: String
    public var value: AttributeValue

    public init(_ name: String, _ value: AttributeValue) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == Attribute {
    /// The value of the attribute with this name, if present.
    public subscript(named name: String) -> AttributeValue? {
        first { $0.name == name }?.value
    }
}
