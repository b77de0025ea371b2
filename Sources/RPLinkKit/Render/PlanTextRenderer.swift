/// Renders plans for people, in Terraform's spirit: one line per action with its symbol,
/// the attributes that change beneath it, notes and warnings, then the summary line. Errors
/// are rendered apart (`errors`), for standard error; a plan with errors shows only its
/// warnings, with neither actions nor summary line: it cannot be applied, and actions made
/// up around an error (a subnet that does not exist "replaces" the NLB) would mislead.
public struct PlanTextRenderer: Sendable {
    /// ANSI colour; the CLI turns it on only for a terminal without NO_COLOR.
    public var color: Bool

    public init(color: Bool = false) {
        self.color = color
    }

    public func render(_ plans: [StackPlan]) -> String {
        plans.map(render).joined(separator: "\n")
    }

    public func render(_ plan: StackPlan) -> String {
        var lines = ["Stack \(plan.stack) (region \(plan.region), account \(plan.accountId))", ""]
        for action in plan.presentedActions {
            let symbol = paint(action.action.symbol, for: action.action)
            lines.append("  \(symbol) \(action.address)  # \(action.reason)")
            lines += attributeLines(action).map { "      " + $0 }
        }
        if !plan.presentedActions.isEmpty { lines.append("") }
        let messages: [(String, Ansi, PlanMessage)] =
            (plan.hasErrors ? [] : plan.notes.map { ("Note", .bold, $0) }) + plan.warnings.map { ("Warning", .yellow, $0) }
        for (label, style, message) in messages {
            lines.append("\(paint(label + ":", style)) \(message)")
        }
        if !messages.isEmpty { lines.append("") }
        if plan.hasErrors {
            lines.append("No plan: \(plan.errors.count) error\(plan.errors.count == 1 ? "" : "s") to fix first.")
        } else if plan.hasChanges {
            let summary = plan.summary
            lines.append("Plan: \(summary.create) to add, \(summary.update) to change, \(summary.replace) to replace, \(summary.delete) to destroy.")
        } else {
            lines.append(plan.isDestroy
                ? "No changes. Nothing carries this stack's tag, so there is nothing to destroy."
                : "No changes. The infrastructure matches the spec.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every plan's errors, one `Error:` line each.
    public func errors(_ plans: [StackPlan]) -> String {
        plans.flatMap(\.errors).map { "\(paint("Error:", .red)) \($0)\n" }.joined()
    }

    private func attributeLines(_ action: PlannedAction) -> [String] {
        switch action.action {
        case .create:
            return (action.after ?? []).map { "\(paint("+", for: .create)) \($0.name): \($0.value)" }
        case .delete:
            // What is deleted, by the ids a person can look up; not every attribute.
            return (action.before ?? []).filter { ["id", "arn", "name", "ip", "port", "principal"].contains($0.name) }
                .map { "\(paint("-", for: .delete)) \($0.name): \($0.value)" }
        case .update, .replace:
            return action.changes.map { change in
                let line: String
                switch (change.before, change.after) {
                case (nil, let after?): line = "\(paint("+", for: .create)) \(change.name): \(after)"
                case (let before?, nil): line = "\(paint("-", for: .delete)) \(change.name): \(before)"
                default: line = "\(paint("~", for: .update)) \(change.name): \(change.before?.description ?? "null") -> \(change.after?.description ?? "null")"
                }
                return change.forcesReplacement ? line + "  \(paint("# forces replacement", .magenta))" : line
            }
        }
    }

    enum Ansi: String {
        case green = "32"
        case yellow = "33"
        case red = "31"
        case magenta = "35"
        case bold = "1"
    }

    private func paint(_ text: String, for kind: PlannedAction.Kind) -> String {
        switch kind {
        case .create: paint(text, .green)
        case .update: paint(text, .yellow)
        case .replace: paint(text, .magenta)
        case .delete: paint(text, .red)
        }
    }

    private func paint(_ text: String, _ style: Ansi) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}
