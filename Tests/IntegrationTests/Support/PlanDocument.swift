import Foundation

/// The parts of `plan --json` (DESIGN.md section 4) the tests compare.
struct PlanDocument: Decodable {
    var formatVersion: String
    var stacks: [Stack]

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case stacks
    }

    struct Stack: Decodable {
        var name: String
        var region: String
        var accountId: String
        var actions: [Action]
        var summary: Summary

        enum CodingKeys: String, CodingKey {
            case name, region, actions, summary
            case accountId = "account_id"
        }

        /// `<action> <address>` per action, in plan order: readable when an expectation fails.
        var actionLines: [String] { actions.map { "\($0.action) \($0.address)" } }
    }

    struct Action: Decodable {
        var address: String
        var action: String
        var reason: String
        var before: [String: JSONValue]?
        var after: [String: JSONValue]?
    }

    struct Summary: Decodable, Equatable {
        var create: Int
        var update: Int
        var replace: Int
        var delete: Int
    }
}

/// Any JSON value, for the attribute maps of plan actions.
enum JSONValue: Decodable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([JSONValue])
    case object([String: JSONValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int.self) {
            self = .int(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let list = try? container.decode([JSONValue].self) {
            self = .list(list)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
