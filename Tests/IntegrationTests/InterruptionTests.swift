import Foundation
import Testing

/// An interrupted apply or destroy is simply run again (DESIGN.md section 1): SIGKILL after
/// any AWS call, then a plain re-run, must end exactly where a clean run ends, with no
/// duplicate, no leftover and no lock left behind. Ctrl-C stops politely once, at once twice.
/// Every end state is read with boto3 (StackCensus), never with rplink's own reads.
@Suite(.serialized) struct InterruptionTests {
    static let shared = SharedEmulator()

    let rplink: RPLinkBinary

    init() throws {
        rplink = try RPLinkBinary.locate()
    }

    typealias Setup = PlanSetup

    /// One producer VPC for a whole test: every kill point gets its own stack (its own names
    /// and lock) in it, which is cheaper than a VPC each and never needs an emulator reset.
    func setUp(_ prefix: String) async throws -> Setup {
        try await PlanSetup.make(suite: Self.shared, folderPrefix: prefix)
    }

    /// What a clean apply leaves for `stack` (rplink owns the NLB's group), as the differences from it.
    static func differencesFromACleanApply(_ live: StackCensus.Stack?, stack: String) -> [String] {
        guard let live else { return ["not read"] }
        let expected = StackCensus.Stack(
            loadBalancers: 1, crossZone: ["true"], targetGroups: 1, targets: ["\(ProducerFixture.writerIP):3306"],
            listeners: ["3306->\(stack)-tg"], services: 1, servicesOnTheLoadBalancer: 1,
            principals: ["arn:aws:iam::\(ProducerFixture.consumerAccountId):root"],
            securityGroups: ["\(stack)-nlb"], rules: ["tcp:3306-3306:\(ProducerFixture.consumerCIDR)"])
        return live == expected ? [] : ["expected \(expected)", "found    \(live)"]
    }

    /// Runs `arguments` through a proxy that answers `calls` calls, lets the next one reach the
    /// emulator unanswered, and SIGKILLs rplink there. Returns nil when rplink was killed as
    /// planned, else how it ended (it made fewer calls than that).
    func killed(after calls: Int, _ arguments: [String], _ setup: Setup) async throws -> RunningRPLink.Outcome? {
        let proxy = try await KillProxy.start(upstream: setup.emulator, freezeAfter: calls)
        defer { proxy.stop() }
        let running = try RunningRPLink(rplink, arguments, emulator: setup.emulator,
                                        environment: ["AWS_ENDPOINT_URL": proxy.endpoint.absoluteString])
        let frozen = await proxy.wait { $0.answered >= calls && $0.held >= 1 || !running.process.isRunning }
        let ranOut = !running.process.isRunning
        running.signal(SIGKILL)
        let outcome = await running.finish(timeout: .seconds(10))
        // Whatever the killed run sent must have landed before the next run reads.
        _ = await proxy.wait(timeout: .seconds(10)) { $0.upstreamInFlight == 0 }
        if ranOut || !frozen || !(outcome.signaled && outcome.status == SIGKILL) { return outcome }
        return nil
    }

    /// The number of calls a clean run of `arguments` makes, counted by the proxy and checked
    /// against rplink's own `--debug` call log.
    func measureCalls(_ arguments: [String], _ setup: Setup) async throws -> Int {
        let proxy = try await KillProxy.start(upstream: setup.emulator)
        defer { proxy.stop() }
        let running = try RunningRPLink(rplink, arguments + ["--debug"], emulator: setup.emulator,
                                        environment: ["AWS_ENDPOINT_URL": proxy.endpoint.absoluteString])
        let outcome = await running.finish()
        try #require(outcome.status == 0 && !outcome.signaled, "\(outcome)")
        let attempts = outcome.stderr.split(separator: "\n").filter { $0.hasPrefix("aws: ") }.count
        let answered = proxy.state().answered
        try #require(answered == attempts, "the proxy answered \(answered) calls, rplink logged \(attempts)")
        return answered
    }

    func writeSpec(_ stack: String, _ setup: Setup) throws -> URL {
        try setup.fixture.writeSpec(name: stack, in: setup.folder)
    }

    // MARK: - SIGKILL after every call

    @Test func applyKilledAfterAnyCallConvergesOnTheNextRunWithoutDuplicatesOrLeftovers() async throws {
        let setup = try await setUp("kill-apply")
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let measured = try writeSpec("kill-apply-clean", setup)
        let calls = try await measureCalls(["apply", "--auto-approve", measured.path], setup)
        #expect((15...60).contains(calls), "a clean apply made \(calls) calls")

        var stacks = ["kill-apply-clean"]
        var failures: [String] = []
        for point in 0..<calls {
            let stack = "kill-apply-\(point)"
            stacks.append(stack)
            let spec = try writeSpec(stack, setup)
            if let early = try await killed(after: point, ["apply", "--auto-approve", spec.path], setup) {
                failures.append("kill point \(point): rplink was not frozen there: \(early)")
                continue
            }
            let again = try await rplink.run(["apply", "--auto-approve", spec.path], emulator: setup.emulator, timeout: .seconds(120))
            if again.exitCode != 0 { failures.append("kill point \(point): the re-run failed: \(again)") }
            if (again.stdout + again.stderr).contains(setup.emulator.credentials.secretAccessKey) {
                failures.append("kill point \(point): the re-run printed the secret key")
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")

        let census = try await StackCensus.read(stacks: stacks, with: setup.boto)
        for stack in stacks {
            let differences = Self.differencesFromACleanApply(census.stacks[stack], stack: stack)
            #expect(differences.isEmpty, "\(stack): \(differences.joined(separator: "\n"))")
        }
        print("InterruptionTests: apply killed at \(calls) points (after call 0..\(calls - 1) of \(calls)), re-runs converged: \(calls - failures.count)")
    }

    /// Every kill point (a destroy makes fewer calls than an apply, and all its stacks are applied in one run).
    static let destroyStride = 1

    @Test func destroyKilledAfterAnyCallFinishesOnTheNextRunAndLeavesTheProducerAlone() async throws {
        let setup = try await setUp("kill-destroy")
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let measured = try writeSpec("kill-destroy-clean", setup)
        let applied = try await rplink.run(["apply", "--auto-approve", measured.path], emulator: setup.emulator, timeout: .seconds(120))
        try #require(applied.exitCode == 0, "\(applied)")
        let calls = try await measureCalls(["destroy", "--auto-approve", measured.path], setup)
        #expect((10...60).contains(calls), "a clean destroy made \(calls) calls")

        // All stacks applied in one run: a folder of specs is planned and applied together.
        let points = Array(stride(from: 0, to: calls, by: Self.destroyStride))
        let specs = setup.folder.appendingPathComponent("batch", isDirectory: true)
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        let stacks = points.map { "kill-destroy-\($0)" }
        for stack in stacks { _ = try setup.fixture.writeSpec(name: stack, in: specs) }
        let batch = try await rplink.run(["apply", "--auto-approve", specs.path], emulator: setup.emulator, timeout: .seconds(300))
        try #require(batch.exitCode == 0, "\(batch)")

        var failures: [String] = []
        for (point, stack) in zip(points, stacks) {
            let spec = specs.appendingPathComponent("\(stack).yaml")
            if let early = try await killed(after: point, ["destroy", "--auto-approve", spec.path], setup) {
                failures.append("kill point \(point): rplink was not frozen there: \(early)")
                continue
            }
            let again = try await rplink.run(["destroy", "--auto-approve", spec.path], emulator: setup.emulator, timeout: .seconds(120))
            if again.exitCode != 0 { failures.append("kill point \(point): the re-run failed: \(again)") }
            if (again.stdout + again.stderr).contains(setup.emulator.credentials.secretAccessKey) {
                failures.append("kill point \(point): the re-run printed the secret key")
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")

        let census = try await StackCensus.read(stacks: ["kill-destroy-clean"] + stacks, with: setup.boto)
        for (stack, live) in census.stacks.sorted(by: { $0.key < $1.key }) {
            #expect(live.isEmpty, "\(stack) left: \(live)")
        }
        #expect(census.vpcs.contains(setup.fixture.vpcId))
        #expect(Set(setup.fixture.subnets.map(\.subnetId)).isSubset(of: Set(census.subnets)))
        print("InterruptionTests: destroy killed at \(points.count) of \(calls) points (stride \(Self.destroyStride)), re-runs converged: \(points.count - failures.count)")
    }

    // MARK: - Ctrl-C

    /// Steps that printed `Creating...` (or another start) in `stdout`, by address.
    static func started(_ stdout: String) -> Set<String> {
        Set(stdout.split(separator: "\n").compactMap { line in
            line.hasSuffix("...") && !line.contains("Still ") ? line.split(separator: " ").first.map(String.init) : nil
        })
    }

    static func completed(_ stdout: String) -> Set<String> {
        Set(stdout.split(separator: "\n").compactMap { line in
            line.contains(" complete after ") ? line.split(separator: " ").first.map(String.init) : nil
        })
    }

    /// Starts an apply whose every AWS answer is held 300 ms, and waits until its first steps started.
    func applyUnderWay(_ stack: String, _ setup: Setup) async throws -> (RunningRPLink, KillProxy, URL) {
        let spec = try writeSpec(stack, setup)
        let proxy = try await KillProxy.start(upstream: setup.emulator, delay: .milliseconds(300))
        let running = try RunningRPLink(rplink, ["apply", "--auto-approve", spec.path], emulator: setup.emulator,
                                        environment: ["AWS_ENDPOINT_URL": proxy.endpoint.absoluteString])
        let started = await running.waitForOutput("Creating...", timeout: .seconds(60))
        if !started {
            let outcome = await running.finish(timeout: .seconds(1))
            try #require(Bool(false), "no step started: \(outcome)")
        }
        // Steps start only when an answer arrives, and answers are 300 ms apart: after 50 ms every
        // step of this batch has printed its line and no further one can have started.
        try await Task.sleep(for: .milliseconds(50))
        return (running, proxy, spec)
    }

    @Test func firstCtrlCLetsRunningStepsFinishStartsNoOtherAndReleasesTheLock() async throws {
        let setup = try await setUp("sigint-once")
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let stack = "sigint-once"
        let (running, proxy, spec) = try await applyUnderWay(stack, setup)
        defer { proxy.stop() }
        let startedBefore = Self.started(running.stdout)
        running.signal(SIGINT)
        let outcome = await running.finish(timeout: .seconds(60))

        #expect(!outcome.signaled && !outcome.timedOut && outcome.status == 1, "\(outcome)")
        #expect(outcome.stderr.contains("Interrupt received"), "\(outcome)")
        #expect(!startedBefore.isEmpty)
        #expect(Self.started(outcome.stdout) == startedBefore, "a step started after the interrupt: \(outcome)")
        #expect(Self.completed(outcome.stdout) == startedBefore, "a running step did not finish: \(outcome)")
        let skipped = outcome.stdout.split(separator: "\n").filter { $0.hasSuffix("Skipped: interrupted before it started") }.count
        #expect(skipped == 9 - startedBefore.count, "\(outcome)")
        #expect(outcome.stderr.contains("Apply interrupted: \(startedBefore.count) done, 0 failed, \(skipped) skipped."), "\(outcome)")
        #expect(outcome.stderr.contains("run the same command again"), "\(outcome)")

        // The interrupted run gave its lock back, and what it did is all there, once.
        let between = try await StackCensus.read(stacks: [stack], with: setup.boto)
        #expect(between.stacks[stack]?.securityGroups.contains("rplink-lock-\(stack)") == false, "\(between.stacks)")
        #expect((between.stacks[stack]?.loadBalancers ?? 0) <= 1 && (between.stacks[stack]?.targetGroups ?? 0) <= 1)

        let again = try await rplink.run(["apply", "--auto-approve", spec.path], emulator: setup.emulator, timeout: .seconds(120))
        #expect(again.exitCode == 0, "\(again)")
        // The re-run completes what its own plan counted: the resources the interrupted run did not get to.
        let planned = try #require(again.stdout.firstMatch(of: #/Plan: (\d+) to add, (\d+) to change, 0 to replace, 0 to destroy\./#), "\(again)")
        #expect(Int(planned.1).map { $0 < 8 } == true, "\(again)")
        #expect(again.stdout.contains("Apply complete! Resources: \(planned.1) added, \(planned.2) changed, 0 replaced, 0 destroyed."), "\(again)")
        let census = try await StackCensus.read(stacks: [stack], with: setup.boto)
        let differences = Self.differencesFromACleanApply(census.stacks[stack], stack: stack)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    @Test func secondCtrlCStopsAtOnceWith130AndTheNextRunTakesTheLockOver() async throws {
        let setup = try await setUp("sigint-twice")
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let stack = "sigint-twice"
        let (running, proxy, spec) = try await applyUnderWay(stack, setup)
        defer { proxy.stop() }
        running.signal(SIGINT)
        try await Task.sleep(for: .milliseconds(20))
        let second = ContinuousClock.now
        running.signal(SIGINT)
        let outcome = await running.finish(timeout: .seconds(30))
        let took = ContinuousClock.now - second

        #expect(!outcome.signaled && outcome.status == 130, "\(outcome)")
        // At once: well before the 300 ms answer that the running steps still wait for.
        #expect(took < .milliseconds(250), "took \(took)")
        #expect(outcome.stderr.contains("Stopped at once. Run the same command again to converge."), "\(outcome)")
        #expect(!(outcome.stdout + outcome.stderr).contains("Apply interrupted"), "no orderly summary after the second Ctrl-C: \(outcome)")

        // Stopped at once, it could not give its lock back; its pid is gone, so the re-run takes it over.
        _ = await proxy.wait(timeout: .seconds(10)) { $0.upstreamInFlight == 0 }
        let between = try await StackCensus.read(stacks: [stack], with: setup.boto)
        #expect(between.stacks[stack]?.securityGroups.contains("rplink-lock-\(stack)") == true, "\(between.stacks)")
        let again = try await rplink.run(["apply", "--auto-approve", spec.path], emulator: setup.emulator, timeout: .seconds(120))
        #expect(again.exitCode == 0, "\(again)")
        let census = try await StackCensus.read(stacks: [stack], with: setup.boto)
        let differences = Self.differencesFromACleanApply(census.stacks[stack], stack: stack)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }
}
