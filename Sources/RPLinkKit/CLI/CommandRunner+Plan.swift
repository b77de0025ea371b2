import Foundation

/// What `plan`, `apply` and `destroy` share: specs, the live state they were planned against, and the plans.
struct PlannedRun: Sendable {
    var sessions: [RegionSession]
    var entries: [PlanFile.Entry]
    var options: PlanOptions

    var plans: [StackPlan] { entries.map(\.plan) }
    var hasErrors: Bool { entries.contains { $0.plan.hasErrors } }
    var hasChanges: Bool { entries.contains { $0.plan.hasChanges } }
}

extension CommandRunner {
    /// `rplink plan`: reads, plans, prints; writes nothing to AWS.
    func plan(_ command: PlanCommandOptions, options: GlobalOptions) async throws(RPLinkError) -> ExitCode {
        let planOptions = PlanOptions(destroy: command.destroy, adopt: command.adopt)
        let run = try await makePlan(command.specPaths, planOptions, options: options)
        if command.json {
            do {
                console.writeOutput(try PlanJSONRenderer.render(run.plans) + "\n")
            } catch {
                throw RPLinkError(.io, "cannot render the plan as JSON", cause: error)
            }
        } else {
            console.writeOutput(PlanTextRenderer(color: useColor(options)).render(run.plans))
        }
        if run.hasErrors {
            throw RPLinkError(.preflight, "the plan has errors (listed above); fix them before applying")
        }
        if let outFile = command.outFile {
            try save(PlanFile(options: planOptions, stacks: run.entries), to: outFile)
            if !command.json {
                console.writeOutput("Saved the plan to \(outFile). To apply exactly this plan: rplink apply \(outFile)\n")
            }
        }
        return command.detailedExitCode && run.hasChanges ? .changesPresent : .success
    }

    /// Loads the specs, reads their live state, and plans every stack.
    func makePlan(_ paths: [String], _ planOptions: PlanOptions, options: GlobalOptions) async throws(RPLinkError) -> PlannedRun {
        let specs = try loadValidSpecs(paths)
        let sessions = try sessions(for: specs, options: options)
        let live = try await readLiveStates(sessions)
        var entries: [PlanFile.Entry] = []
        for spec in specs {
            guard let state = live[spec.name] else {
                throw RPLinkError(.aws, "internal error: no live state was read for stack \(spec.name)")
            }
            entries.append(PlanFile.Entry(spec: spec, plan: Planner.plan(spec: spec, live: state, options: planOptions), live: state))
        }
        return PlannedRun(sessions: sessions, entries: entries, options: planOptions)
    }

    func save(_ planFile: PlanFile, to path: String) throws(RPLinkError) {
        do {
            try planFile.encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw RPLinkError(.io, "cannot write the plan to '\(path)'", cause: error)
        }
    }
}
