import Foundation

/// Runs the steps of one or more stack plans in dependency order, independent steps at once.
///
/// After the first failure (or a stop signal) no new step starts; running steps finish, and
/// every step left is reported as skipped with the reason. Ids made by create steps are kept
/// per stack so that later steps can resolve their `.ref(address)` references.
public struct Executor: Sendable {
    public struct Configuration: Sendable {
        /// The most steps running at once (`--parallelism`).
        public var parallelism: Int
        /// How often a long step reports `stillRunning`.
        public var progressInterval: Duration
        public var waits: Waiter

        public init(parallelism: Int = 10, progressInterval: Duration = .seconds(10), waits: Waiter = Waiter()) {
            self.parallelism = max(1, parallelism)
            self.progressInterval = progressInterval
            self.waits = waits
        }
    }

    public var runner: StepRunner
    public var configuration: Configuration

    public init(api: any QueryAPI, configuration: Configuration = .init()) {
        self.runner = StepRunner(api: api, waiter: configuration.waits)
        self.configuration = configuration
    }

    /// A unit of scheduling: one step of one stack's plan.
    struct Job: Sendable {
        var key: String
        var spec: Spec
        var step: PlanStep
        var dependencies: [String]
    }

    enum JobState {
        case pending, running, done, failed, skipped
    }

    public func run(
        _ plans: [(spec: Spec, plan: StackPlan)], stop: StopSignal = StopSignal(),
        onEvent: @escaping @Sendable (ExecutionEvent) -> Void = { _ in }
    ) async -> ExecutionReport {
        let jobs = plans.flatMap { spec, plan in
            plan.steps.map { step in
                Job(key: "\(spec.name)/\(step.id)", spec: spec, step: step,
                    dependencies: step.dependsOn.map { "\(spec.name)/\($0)" })
            }
        }
        var states = Dictionary(uniqueKeysWithValues: jobs.map { ($0.key, JobState.pending) })
        var report = ExecutionReport()
        let ids = CreatedIDs()
        let runner = runner
        let interval = configuration.progressInterval

        await withTaskGroup(of: (Job, Result<Void, any Error>, Duration).self) { group in
            var running = 0
            while true {
                // A step whose dependency failed or was skipped can never run. Repeated until
                // nothing changes, so a whole chain is skipped whatever order the steps come in.
                var skippedAny = true
                while skippedAny {
                    skippedAny = false
                    for job in jobs where states[job.key] == .pending
                        && job.dependencies.contains(where: { states[$0] == .failed || states[$0] == .skipped }) {
                        states[job.key] = .skipped
                        skippedAny = true
                        let reason = "a step it depends on did not complete"
                        report.skipped.append((job.spec.name, job.step, reason))
                        onEvent(ExecutionEvent(stack: job.spec.name, step: job.step, kind: .skipped(reason: reason)))
                    }
                }
                let halted = stop.isStopped || !report.failed.isEmpty
                // Only an interruption that holds back a step counts: a stop after the last step
                // started changes nothing, and the run is complete.
                if stop.isStopped && states.values.contains(.pending) { report.interrupted = true }
                if !halted {
                    for job in jobs where running < configuration.parallelism && states[job.key] == .pending
                        && job.dependencies.allSatisfy({ states[$0] == .done }) {
                        states[job.key] = .running
                        running += 1
                        onEvent(ExecutionEvent(stack: job.spec.name, step: job.step, kind: .started))
                        group.addTask {
                            let start = ContinuousClock.now
                            let result = await Self.runReportingProgress(job, runner: runner, ids: ids, interval: interval, onEvent: onEvent)
                            return (job, result, ContinuousClock.now - start)
                        }
                    }
                }
                guard running > 0, let (job, result, elapsed) = await group.next() else { break }
                running -= 1
                switch result {
                case .success:
                    states[job.key] = .done
                    report.done.append((job.spec.name, job.step))
                    onEvent(ExecutionEvent(stack: job.spec.name, step: job.step, kind: .finished(elapsed: elapsed)))
                case .failure(let error):
                    states[job.key] = .failed
                    report.failed.append(.init(stack: job.spec.name, step: job.step, error: error))
                    onEvent(ExecutionEvent(stack: job.spec.name, step: job.step, kind: .failed(message: "\(error)", elapsed: elapsed)))
                }
            }
        }
        for job in jobs where states[job.key] == .pending {
            let reason = report.interrupted ? "interrupted before it started" : "not started after an earlier failure"
            report.skipped.append((job.spec.name, job.step, reason))
            onEvent(ExecutionEvent(stack: job.spec.name, step: job.step, kind: .skipped(reason: reason)))
        }
        return report
    }

    /// Runs one step while a ticker reports `stillRunning` every interval until it ends.
    static func runReportingProgress(
        _ job: Job, runner: StepRunner, ids: CreatedIDs, interval: Duration,
        onEvent: @escaping @Sendable (ExecutionEvent) -> Void
    ) async -> Result<Void, any Error> {
        await withTaskGroup(of: Result<Void, any Error>?.self) { group in
            group.addTask {
                do {
                    let made = try await runner.run(job.step.operation, spec: job.spec, ids: ids)
                    if let made { await ids.record(made, for: job.step.address, stack: job.spec.name) }
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                let start = ContinuousClock.now
                while (try? await Task.sleep(for: interval)) != nil {
                    onEvent(ExecutionEvent(stack: job.spec.name, step: job.step, kind: .stillRunning(elapsed: ContinuousClock.now - start)))
                }
                return nil
            }
            var outcome: Result<Void, any Error> = .success(())
            for await result in group {
                if let result {
                    outcome = result
                    group.cancelAll()
                }
            }
            return outcome
        }
    }
}

/// The ids (ARNs, group ids, service ids) that create steps made during this run, per stack.
actor CreatedIDs {
    private var ids: [String: [ResourceAddress: String]] = [:]

    func record(_ id: String, for address: ResourceAddress, stack: String) {
        ids[stack, default: [:]][address] = id
    }

    func id(of address: ResourceAddress, stack: String) -> String? {
        ids[stack]?[address]
    }
}
