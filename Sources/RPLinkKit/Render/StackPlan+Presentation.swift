extension StackPlan {
    /// The actions the renderers show: none for a plan with errors. It cannot be applied, and
    /// the actions planned around an error (a mistyped subnet makes the NLB "replaced") mislead.
    public var presentedActions: [PlannedAction] { hasErrors ? [] : actions }

    /// The summary of `presentedActions`.
    public var presentedSummary: Summary { hasErrors ? Summary() : summary }
}
