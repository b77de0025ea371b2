import Foundation

/// What `plan`, `apply` and `destroy` share: specs, the live state they were planned against, and the plans.
struct PlannedRun: Sendable {
    struct Stack: Sendable {
        var spec: Spec
        var plan: StackPlan
    }

    var sessions: [RegionSession]
    var stacks: [Stack]
    var options: PlanOptions
    /// The live state each stack was planned against, by stack name; empty when the plans
    /// come from a saved file (whose fingerprints were checked instead).
    var live: [String: LiveState] = [:]

    var plans: [StackPlan] { stacks.map(\.plan) }
    var hasErrors: Bool { stacks.contains { $0.plan.hasErrors } }
    var hasChanges: Bool { stacks.contains { $0.plan.hasChanges } }

    /// The plans as a file for `apply`, each with its live state's fingerprint. Made only when
    /// a plan is saved: fingerprinting costs about a millisecond a stack.
    func planFile() -> PlanFile {
        PlanFile(options: options, stacks: stacks.compactMap { stack in
            live[stack.spec.name].map { PlanFile.Entry(spec: stack.spec, plan: stack.plan, live: $0) }
        })
    }
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
            // In the document for programs, and on standard error for whoever runs it.
            console.writeError(PlanTextRenderer(color: false).errors(run.plans))
        } else {
            showPlan(run, options: options)
        }
        if run.hasErrors {
            throw RPLinkError(.preflight, "the plan has errors (listed above); fix them before applying")
        }
        if let outFile = command.outFile {
            try save(run.planFile(), to: outFile)
            if !command.json {
                console.writeOutput("Saved the plan to \(outFile). To apply exactly this plan: rplink apply \(outFile)\n")
            }
        }
        return command.detailedExitCode && run.hasChanges ? .changesPresent : .success
    }

    /// Loads the specs, reads their live state, and plans every stack.
    func makePlan(_ paths: [String], _ planOptions: PlanOptions, options: GlobalOptions) async throws(RPLinkError) -> PlannedRun {
        let loaded = try loadValidSpecs(paths)
        let sessions = try sessions(for: loaded, options: options)
        // Writers named by a DNS name are looked up while the live state is read. A teardown
        // needs no writer: it must work when the database (and its name) is gone.
        let writers = lookUpWriters(loaded, needed: !planOptions.destroy, debug: options.debug)
        let live = try await readLiveStates(sessions)
        let found = await writers.value
        var stacks: [PlannedRun.Stack] = []
        for spec in found.specs {
            guard let state = live[spec.name] else {
                throw RPLinkError(.aws, "internal error: no live state was read for stack \(spec.name)")
            }
            let plan: StackPlan
            if let problem = found.problems[spec.name] {
                // A stack whose writer is unknown has nothing to plan; the others are planned.
                plan = StackPlan(stack: spec.name, region: spec.region, accountId: state.accountId,
                                 errors: [PlanMessage(.error, stack: spec.name, subject: "database.writer_endpoint", problem)])
            } else {
                plan = Planner.plan(spec: spec, live: state, options: planOptions)
            }
            stacks.append(PlannedRun.Stack(spec: spec, plan: plan))
        }
        return PlannedRun(sessions: sessions, stacks: stacks, options: planOptions, live: live)
    }

    /// Starts looking up the specs' writer names. A task of its own rather than `async let`:
    /// when the read fails, the error is reported at once, not after a slow DNS server answers.
    func lookUpWriters(_ specs: [Spec], needed: Bool, debug: Bool) -> Task<WriterEndpointResolver.Outcome, Never> {
        let resolver = WriterEndpointResolver(names: nameResolver, debugSink: debug ? AWSClient.standardErrorSink : nil)
        return Task { needed ? await resolver.resolve(specs) : WriterEndpointResolver.Outcome(specs: specs) }
    }

    /// The plans on standard output, their errors on standard error.
    func showPlan(_ run: PlannedRun, options: GlobalOptions) {
        let renderer = PlanTextRenderer(color: useColor(options))
        console.writeOutput(renderer.render(run.plans))
        console.writeError(renderer.errors(run.plans))
    }

    func save(_ planFile: PlanFile, to path: String) throws(RPLinkError) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw RPLinkError(.io, "cannot write the plan to '\(path)': there is no folder '\(folder)'")
        }
        do {
            try planFile.encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            // Foundation's NSError dump is noise; the POSIX reason underneath is the answer.
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            let reason = underlying.flatMap { $0.domain == NSPOSIXErrorDomain ? RPLinkError.systemReason(Int32($0.code)) : nil }
                ?? error.localizedDescription
            throw RPLinkError(.io, "cannot write the plan to '\(path)': \(reason)")
        }
    }
}
