/// The pure planner: desired (spec) + live state → a `StackPlan` (DESIGN.md section 3).
public enum Planner {
    public static func plan(spec: Spec, live: LiveState, options: PlanOptions = .init()) -> StackPlan {
        var builder = PlanBuilder(spec: spec, live: live, options: options)
        if options.destroy {
            planDestroy(into: &builder)
        } else {
            builder.append(Preflight.check(spec: spec, live: live))
            var converge = Convergence(builder: builder)
            converge.run()
            builder = converge.builder
        }
        return builder.build()
    }
}
