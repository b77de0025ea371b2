import Foundation

/// Renders plans as the machine-readable document of DESIGN.md section 4, keys sorted so the
/// output is byte-stable.
public enum PlanJSONRenderer {
    public static let formatVersion = "1.0"

    public static func render(_ plans: [StackPlan]) throws -> String {
        let document: [String: Any] = [
            "format_version": formatVersion,
            "stacks": plans.map(stackObject),
            // Every stack's summary added up; each stack has its own as well.
            "summary": summaryObject(plans.map(\.presentedSummary).reduce(StackPlan.Summary(), +)),
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func stackObject(_ plan: StackPlan) -> [String: Any] {
        return [
            "name": plan.stack,
            "region": plan.region,
            "account_id": plan.accountId,
            "actions": plan.presentedActions.map { action -> [String: Any] in
                [
                    "address": action.address.description,
                    "action": action.action.rawValue,
                    "reason": action.reason,
                    "before": action.before.map(object) ?? NSNull(),
                    "after": action.after.map(object) ?? NSNull(),
                    // As Terraform's JSON plan: what only AWS will know is null in `after`, and
                    // named here, so a program can tell it from a value that is really null.
                    "after_unknown": (action.after ?? []).filter { $0.value.containsUnknown }.map(\.name).sorted(),
                ]
            },
            "summary": summaryObject(plan.presentedSummary),
            "errors": plan.errors.map(\.description),
            "warnings": plan.warnings.map(\.description),
            "notes": plan.hasErrors ? [] : plan.notes.map(\.description),
        ]
    }

    static func summaryObject(_ summary: StackPlan.Summary) -> [String: Int] {
        ["create": summary.create, "update": summary.update, "replace": summary.replace, "delete": summary.delete]
    }

    static func object(_ attributes: [Attribute]) -> [String: Any] {
        Dictionary(attributes.map { ($0.name, json($0.value)) }, uniquingKeysWith: { first, _ in first })
    }

    static func json(_ value: AttributeValue) -> Any {
        switch value {
        case .string(let text): text
        case .int(let number): number
        case .bool(let flag): flag
        case .list(let values): values.map(json)
        case .object(let attributes): object(attributes)
        case .unknown: NSNull()
        }
    }
}
