import Foundation

extension CommandRunner {
    /// `rplink apply`: a saved plan runs as saved (if still fresh); specs are planned, shown and confirmed.
    func apply(_ command: ApplyCommandOptions, options: GlobalOptions) async throws(RPLinkError) -> ExitCode {
        if let planFile = try savedPlan(command.paths) {
            return try await applySaved(planFile, options: options)
        }
        let run = try await makePlan(command.paths, PlanOptions(adopt: command.adopt), options: options)
        return try await confirmAndExecute(run, verb: "Apply", autoApprove: command.autoApprove, options: options)
    }

    /// `rplink destroy`: plans the teardown of what carries the stacks' tags, shows it, confirms, runs it.
    func destroy(_ command: DestroyCommandOptions, options: GlobalOptions) async throws(RPLinkError) -> ExitCode {
        if let planFile = command.specPaths.first(where: { planFileData(at: $0) != nil }) {
            throw RPLinkError(.usage, "'\(planFile)' is a saved plan; destroy takes specs. To run a plan saved with `rplink plan --destroy --out`: rplink apply \(planFile)")
        }
        let run = try await makePlan(command.specPaths, PlanOptions(destroy: true), options: options)
        return try await confirmAndExecute(run, verb: "Destroy", autoApprove: command.autoApprove, options: options)
    }

    /// `rplink output`: what the vendor needs, read from the live account (only that).
    func output(_ command: OutputCommandOptions, options: GlobalOptions) async throws(RPLinkError) -> ExitCode {
        let specs = try loadValidSpecs(command.specPaths)
        let sessions = try sessions(for: specs, options: options)
        let read = try await readOutputs(sessions)
        let outputs = specs.compactMap { read[$0.name] }
        if command.json {
            do {
                console.writeOutput(try StackOutputs.renderJSON(outputs) + "\n")
            } catch {
                throw RPLinkError(.io, "cannot render the outputs as JSON", cause: error)
            }
        } else {
            console.writeOutput(outputs.map { $0.renderText() }.joined(separator: "\n"))
        }
        let missing = outputs.filter { $0.serviceId == nil }.map(\.stack)
        guard missing.isEmpty else {
            throw RPLinkError(.notOurs, "stack \(missing.joined(separator: ", ")) has no endpoint service yet; run `rplink apply` first")
        }
        return .success
    }

    /// The plan file named by apply's only argument, or nil when the arguments are specs.
    func savedPlan(_ paths: [String]) throws(RPLinkError) -> PlanFile? {
        // Each file is read once here; the spec loader reads specs itself.
        guard let (path, data) = paths.lazy.compactMap({ path in self.planFileData(at: path).map { (path, $0) } }).first else { return nil }
        guard paths.count == 1 else {
            throw RPLinkError(.usage, "'\(path)' is a saved plan, which apply takes on its own: rplink apply \(path)")
        }
        do {
            return try PlanFile.decode(data)
        } catch let error as RPLinkError {
            throw error
        } catch {
            throw RPLinkError(.invalidSpec, "'\(path)' is neither a spec nor a plan saved by `rplink plan --out`", cause: error)
        }
    }

    /// The file's bytes when it is a saved plan (a JSON object with `formatVersion`) rather
    /// than a spec. Only a regular file is looked into: reading a pipe here would leave
    /// nothing for the spec loader.
    func planFileData(at path: String) -> Data? {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
              let data = FileManager.default.contents(atPath: path),
              data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "{"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["formatVersion"] != nil
        else { return nil }
        return data
    }

    func applySaved(_ planFile: PlanFile, options: GlobalOptions) async throws(RPLinkError) -> ExitCode {
        let specs = planFile.stacks.map(\.spec)
        let sessions = try sessions(for: specs, options: options)
        let writers = lookUpWriters(specs, needed: !planFile.options.destroy, debug: options.debug)
        let live = try await readLiveStates(sessions)
        do {
            try planFile.checkFresh(against: Array(live.values))
        } catch let error as RPLinkError {
            throw error
        } catch {
            throw RPLinkError(.stalePlan, "the saved plan cannot be checked against the live state", cause: error)
        }
        try planFile.checkWriters(await writers.value)
        let stacks = planFile.stacks.map { PlannedRun.Stack(spec: $0.spec, plan: $0.plan) }
        let run = PlannedRun(sessions: sessions, stacks: stacks, options: planFile.options)
        showPlan(run, options: options)
        return try await execute(run, verb: planFile.options.destroy ? "Destroy" : "Apply", options: options)
    }

    /// Shows the plan, refuses it with errors, asks for `yes` (or takes `--auto-approve`), runs it.
    func confirmAndExecute(_ run: PlannedRun, verb: String, autoApprove: Bool, options: GlobalOptions) async throws(RPLinkError) -> ExitCode {
        showPlan(run, options: options)
        if run.hasErrors {
            throw RPLinkError(.preflight, "the plan has errors (listed above); nothing was changed")
        }
        guard run.hasChanges else {
            await clearAbandonedLocks(run.sessions, stacks: Set(run.stacks.map(\.spec.name)), parallelism: options.parallelism)
            // Nothing changes, so the read just made is the state the outputs come from.
            if !run.options.destroy {
                printOutputs(run, run.stacks.reduce(into: [:]) { outputs, stack in
                    outputs[stack.spec.name] = run.live[stack.spec.name].map { StackOutputs(spec: stack.spec, live: $0) }
                })
            }
            return .success
        }
        if !autoApprove {
            guard console.inputIsTerminal else {
                throw RPLinkError(.configuration, "\(verb.lowercased()) needs confirmation, and standard input is not a terminal; review the plan and pass --auto-approve to run it without asking. Nothing was changed")
            }
            console.writeOutput("\nDo you want to perform these actions? Only 'yes' will be accepted to approve.\n  Enter a value: ")
            guard console.readLine()?.trimmingWhitespace == "yes" else {
                console.writeError("\(verb) cancelled; nothing was changed.\n")
                return .failure
            }
        }
        return try await execute(run, verb: verb, options: options)
    }

    /// Runs the plans' steps region by region, printing progress, the summary and the outputs.
    func execute(_ run: PlannedRun, verb: String, options: GlobalOptions) async throws(RPLinkError) -> ExitCode {
        let progress = ProgressRenderer(showStack: run.stacks.count > 1)
        let console = console
        var failed = false
        var finalOutputs: [String: StackOutputs] = [:]
        var outputsError: RPLinkError?
        console.writeOutput("\n")
        for session in run.sessions {
            // As within a region: after a failure, nothing new starts.
            if failed {
                console.writeOutput("Skipped region \(session.region) (stack \(session.specs.map(\.name).joined(separator: ", "))): an earlier region failed.\n")
                continue
            }
            let names = Set(session.specs.map(\.name))
            let work = run.stacks.filter { names.contains($0.spec.name) }.map { (spec: $0.spec, plan: $0.plan) }
            let lock = StackLock(ec2: EC2(api: session.api))
            let locks = try await acquireLocks(lock, for: work.filter { !$0.plan.steps.isEmpty }.map(\.spec), parallelism: options.parallelism)
            await clearAbandonedLocks([session], stacks: Set(work.filter { $0.plan.steps.isEmpty }.map(\.spec.name)), parallelism: options.parallelism)
            let executor = Executor(api: session.api, configuration: .init(parallelism: options.parallelism))
            let report = await executor.run(work, stop: stop) { event in
                if case .failed = event.kind {
                    console.writeError(progress.line(event) + "\n")
                } else {
                    console.writeOutput(progress.line(event) + "\n")
                }
            }
            // The outputs are read while the locks are given back: neither waits for the other.
            async let released: Void = releaseLocks(lock, locks, parallelism: options.parallelism)
            if report.succeeded && !run.options.destroy {
                do {
                    finalOutputs.merge(try await readOutputs([session])) { $1 }
                } catch {
                    outputsError = error
                }
            }
            await released
            // A failure's report, with the AWS error of each failed step, goes where errors go.
            let summary = progress.summary(report, verb: verb, resources: work.map(\.plan.summary).reduce(StackPlan.Summary(), +))
            if report.succeeded {
                console.writeOutput("\n" + summary)
            } else {
                console.writeError("\n" + summary)
            }
            failed = failed || !report.succeeded
        }
        if failed {
            throw RPLinkError(.aws, "\(verb.lowercased()) did not complete (see above)")
        }
        if !run.options.destroy {
            if let outputsError { throw outputsError }
            printOutputs(run, finalOutputs)
        }
        return .success
    }

    /// Takes every stack's lock, all at once, or none: on a failure the ones taken are given back.
    func acquireLocks(_ lock: StackLock, for specs: [Spec], parallelism: Int) async throws(RPLinkError) -> [String] {
        let outcomes = await concurrentMap(specs, limit: parallelism) { spec in try await lock.acquire(spec) }
        let taken = outcomes.compactMap { try? $0.get() }
        for (spec, outcome) in zip(specs, outcomes) {
            guard case .failure(let error) = outcome else { continue }
            await releaseLocks(lock, taken, parallelism: parallelism)
            if let error = error as? RPLinkError { throw error }
            throw RPLinkError(.aws, "stack \(spec.name): cannot take the lock that keeps two runs apart; nothing was changed", cause: error)
        }
        return taken
    }

    /// Deletes the locks that runs killed on this machine left on stacks this run does not
    /// change (and so does not lock); a failure only warns, as the next changing run takes such a lock over.
    func clearAbandonedLocks(_ sessions: [RegionSession], stacks: Set<String>, parallelism: Int) async {
        for session in sessions {
            let lock = StackLock(ec2: EC2(api: session.api))
            let specs = session.specs.filter { stacks.contains($0.name) }
            let outcomes = await concurrentMap(specs, limit: parallelism) { spec in try await lock.clearAbandoned(spec) }
            for (spec, outcome) in zip(specs, outcomes) {
                switch outcome {
                case .success(let groupId?):
                    console.writeError("Deleted the lock security group \(groupId) that a killed run left on stack \(spec.name).\n")
                case .success(nil):
                    break
                case .failure(let error):
                    console.writeError("Warning: could not check stack \(spec.name) for a lock left by a killed run: \(error)\n")
                }
            }
        }
    }

    /// Gives locks back, all at once; one that cannot be deleted is reported, since it would block the next run.
    func releaseLocks(_ lock: StackLock, _ groupIds: [String], parallelism: Int) async {
        let outcomes = await concurrentMap(groupIds, limit: parallelism) { groupId in try await lock.release(groupId) }
        for (groupId, outcome) in zip(groupIds, outcomes) {
            if case .failure(let error) = outcome {
                console.writeError("Warning: could not delete the lock security group \(groupId): \(error). Delete it before the next run.\n")
            }
        }
    }

    /// Prints the stacks' outputs, in the run's order, after a successful apply.
    func printOutputs(_ run: PlannedRun, _ outputs: [String: StackOutputs]) {
        let shown = run.stacks.compactMap { outputs[$0.spec.name] }
        console.writeOutput("\n" + shown.map { $0.renderText() }.joined(separator: "\n"))
    }
}
