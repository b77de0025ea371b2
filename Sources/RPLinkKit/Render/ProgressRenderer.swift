/// Turns executor events into Terraform-style progress lines, and a run's report into its summary.
public struct ProgressRenderer: Sendable {
    /// Prefix each line with the stack name (when several stacks run at once).
    public var showStack: Bool

    public init(showStack: Bool) {
        self.showStack = showStack
    }

    enum Verb {
        case create, destroy, modify

        init(_ operation: StepOperation) {
            self = operation.createsObject ? .create : operation.removesObject ? .destroy : .modify
        }

        var progressive: String {
            switch self {
            case .create: "Creating"
            case .destroy: "Destroying"
            case .modify: "Modifying"
            }
        }

        var still: String {
            switch self {
            case .create: "Still creating"
            case .destroy: "Still destroying"
            case .modify: "Still modifying"
            }
        }

        var complete: String {
            switch self {
            case .create: "Creation complete"
            case .destroy: "Destruction complete"
            case .modify: "Modifications complete"
            }
        }
    }

    public func line(_ event: ExecutionEvent) -> String {
        let verb = Verb(event.step.operation)
        let subject = (showStack ? "\(event.stack): " : "") + "\(event.step.address) (\(event.step.operation.name))"
        switch event.kind {
        case .started:
            return "\(subject): \(verb.progressive)..."
        case .stillRunning(let elapsed):
            return "\(subject): \(verb.still)... [\(Self.seconds(elapsed))s elapsed]"
        case .finished(let elapsed):
            return "\(subject): \(verb.complete) after \(Self.duration(elapsed))"
        case .failed(let message, let elapsed):
            return "\(subject): Failed after \(Self.duration(elapsed)): \(message)"
        case .skipped(let reason):
            return "\(subject): Skipped: \(reason)"
        }
    }

    /// `Apply complete! Resources: 8 added, 0 changed, 0 replaced, 0 destroyed.`, counted as
    /// the plan's `Plan:` line counts them (`resources`, the plans run), or the counts of done,
    /// failed and skipped steps with each failure.
    public func summary(_ report: ExecutionReport, verb: String, resources: StackPlan.Summary) -> String {
        if report.succeeded {
            // A destroy only destroys; Terraform says just that.
            if verb == "Destroy" {
                return "\(verb) complete! Resources: \(resources.delete) destroyed.\n"
            }
            return "\(verb) complete! Resources: \(resources.create) added, \(resources.update) changed, \(resources.replace) replaced, \(resources.delete) destroyed.\n"
        }
        var text = "\(verb) \(report.interrupted ? "interrupted" : "failed"): \(report.done.count) done, \(report.failed.count) failed, \(report.skipped.count) skipped.\n"
        for failure in report.failed {
            text += "  failed: stack \(failure.stack): \(failure.step.address) (\(failure.step.operation.name)): \(failure.error)\n"
        }
        for skipped in report.skipped {
            text += "  skipped: stack \(skipped.stack): \(skipped.step.address) (\(skipped.step.operation.name)): \(skipped.reason)\n"
        }
        text += "Nothing done is lost: run the same command again to converge from where this run stopped.\n"
        return text
    }

    static func seconds(_ duration: Duration) -> Int64 { duration.components.seconds }

    /// `850ms`, `2.4s`, `1m5s`.
    static func duration(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if seconds < 60 { return "\(milliseconds / 1000).\((milliseconds % 1000) / 100)s" }
        return "\(seconds / 60)m\(seconds % 60)s"
    }
}
