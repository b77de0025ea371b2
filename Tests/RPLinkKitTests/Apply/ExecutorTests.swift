import Foundation
import Synchronization
import Testing
@testable import RPLinkKit

/// Scheduling, failure handling, interruption and id passing of the executor, against a fake
/// AWS whose answers can be slowed down or made to fail.
@Suite struct ExecutorTests {
    /// A step that makes one quick AWS call (CreateTags on `id`), so its timing is the fake's.
    static func tagStep(_ id: String, after dependencies: [String] = []) -> PlanStep {
        PlanStep(id: id, address: .target(ip: id), operation: .tagResource(service: .ec2, resourceId: id, tags: [.init(key: "k", value: "v")]),
                 dependsOn: dependencies)
    }

    static func plan(_ steps: [PlanStep]) -> StackPlan {
        StackPlan(stack: SeedStack.spec.name, region: "us-east-1", accountId: SeedStack.account, steps: steps)
    }

    static func tagged(_ call: RecordingQueryAPI.Call) -> String? { call.parameters["ResourceId.1"] }

    static func failing(_ ids: Set<String>) -> @Sendable (RecordingQueryAPI.Call) -> AWSError? {
        { call in
            guard call.action == "CreateTags", let id = tagged(call), ids.contains(id) else { return nil }
            return AWSError(service: .ec2, action: "CreateTags", code: "UnauthorizedOperation", message: "not allowed on \(id)", requestId: "req-1", httpStatus: 403)
        }
    }

    func run(
        _ steps: [PlanStep], api: RecordingQueryAPI, parallelism: Int = 10, progressInterval: Duration = .seconds(10),
        stop: StopSignal = StopSignal(), events: EventLog = EventLog()
    ) async -> ExecutionReport {
        let executor = Executor(api: api, configuration: .init(parallelism: parallelism, progressInterval: progressInterval))
        return await executor.run([(SeedStack.spec, Self.plan(steps))], stop: stop) { events.append($0) }
    }

    // MARK: - Concurrency

    @Test(arguments: [1, 3])
    func independentStepsRunAtOnceUpToTheParallelism(parallelism: Int) async {
        let api = FakeAWS().api(delays: ["CreateTags": .milliseconds(100)])
        let steps = (1...7).map { Self.tagStep("s\($0)") }
        let report = await run(steps, api: api, parallelism: parallelism)
        #expect(report.succeeded)
        #expect(report.done.count == 7)
        #expect(await api.calls.count == 7)
        #expect(await api.maxInFlight == parallelism)
    }

    @Test func dependentStepStartsOnlyAfterItsDependencyEnded() async throws {
        let api = FakeAWS().api(delays: ["CreateTags": .milliseconds(150)])
        let report = await run([Self.tagStep("a"), Self.tagStep("b", after: ["a"]), Self.tagStep("c")], api: api)
        #expect(report.succeeded)
        let spans = await api.spans
        let a = try #require(spans.first { Self.tagged($0.call) == "a" })
        let b = try #require(spans.first { Self.tagged($0.call) == "b" })
        let c = try #require(spans.first { Self.tagged($0.call) == "c" })
        #expect(b.call.startedAt >= a.endedAt)
        // c depends on nothing, so it ran alongside a rather than after it.
        #expect(c.call.startedAt < a.endedAt)
    }

    // MARK: - Failure

    @Test func afterAFailureRunningStepsFinishNothingNewStartsAndTheReportSaysWhy() async throws {
        // Parallelism 2: a (fails at once) and b (slow) start; c depends on a; d waits for a free
        // slot, which b frees only long after a failed.
        let api = FakeAWS().api(slow: { Self.tagged($0) == "b" ? .milliseconds(150) : nil }, failing: Self.failing(["a"]))
        let events = EventLog()
        let steps = [Self.tagStep("a"), Self.tagStep("b"), Self.tagStep("c", after: ["a"]), Self.tagStep("d")]
        let report = await run(steps, api: api, parallelism: 2, events: events)

        #expect(!report.succeeded)
        #expect(!report.interrupted)
        #expect(report.done.map(\.step.id) == ["b"])
        #expect(report.failed.map(\.step.id) == ["a"])
        let failure = try #require(report.failed.first)
        #expect("\(failure.error)".contains("UnauthorizedOperation"))
        #expect("\(failure.error)".contains("not allowed on a"))
        let skipped = Dictionary(uniqueKeysWithValues: report.skipped.map { ($0.step.id, $0.reason) })
        #expect(skipped == ["c": "a step it depends on did not complete", "d": "not started after an earlier failure"])
        #expect(await api.calls.compactMap(Self.tagged).sorted() == ["a", "b"])
        let kinds = events.events.map { "\($0.step.id) \(Self.kindName($0.kind))" }
        #expect(kinds.contains("a failed") && kinds.contains("b finished") && kinds.contains("c skipped") && kinds.contains("d skipped"))
        #expect(!kinds.contains("c started") && !kinds.contains("d started"))
    }

    @Test func aStepTwoLevelsBelowAFailureIsSkippedAsADependentWhateverTheStepOrder() async {
        let api = FakeAWS().api(failing: Self.failing(["a"]))
        // The grandchild is listed before its parent: the skip must still follow the chain.
        let steps = [Self.tagStep("a"), Self.tagStep("c", after: ["b"]), Self.tagStep("b", after: ["a"])]
        let report = await run(steps, api: api)
        let reasons = Dictionary(uniqueKeysWithValues: report.skipped.map { ($0.step.id, $0.reason) })
        #expect(reasons == ["b": "a step it depends on did not complete", "c": "a step it depends on did not complete"])
    }

    @Test func failuresInTwoRunningStepsAreBothReported() async {
        let api = FakeAWS().api(delays: ["CreateTags": .milliseconds(20)], failing: Self.failing(["a", "b"]))
        let report = await run([Self.tagStep("a"), Self.tagStep("b"), Self.tagStep("c", after: ["a", "b"])], api: api)
        #expect(Set(report.failed.map(\.step.id)) == ["a", "b"])
        #expect(report.skipped.map(\.step.id) == ["c"])
        #expect(report.done.isEmpty)
    }

    // MARK: - Interruption

    @Test func stopMidRunLetsRunningStepsFinishAndStartsNothingNew() async {
        let api = FakeAWS().api(delays: ["CreateTags": .milliseconds(300)])
        let stop = StopSignal()
        let steps = (1...5).map { Self.tagStep("s\($0)") }
        let stopper = Task {
            while await api.calls.count < 2 { try? await Task.sleep(for: .milliseconds(5)) }
            stop.stop()
        }
        let report = await run(steps, api: api, parallelism: 2, stop: stop)
        await stopper.value

        #expect(report.interrupted)
        #expect(!report.succeeded)
        #expect(report.done.map(\.step.id).sorted() == ["s1", "s2"])
        #expect(report.failed.isEmpty)
        #expect(report.skipped.map(\.step.id) == ["s3", "s4", "s5"])
        #expect(report.skipped.allSatisfy { $0.reason == "interrupted before it started" })
        #expect(await api.calls.count == 2)
        #expect(await api.spans.allSatisfy { !$0.failed })
    }

    @Test func stopBeforeTheRunStartsNothing() async {
        let api = FakeAWS().api()
        let stop = StopSignal()
        stop.stop()
        let report = await run([Self.tagStep("a"), Self.tagStep("b")], api: api, stop: stop)
        #expect(report.interrupted)
        #expect(report.done.isEmpty)
        #expect(report.skipped.count == 2)
        #expect(await api.calls.isEmpty)
    }

    @Test func stopAfterTheLastStepStartedIsNotAnInterruption() async {
        // Ctrl-C while the last step runs: nothing was left to hold back, so the run completed.
        let api = FakeAWS().api(delays: ["CreateTags": .milliseconds(300)])
        let stop = StopSignal()
        let stopper = Task {
            while await api.calls.count < 1 { try? await Task.sleep(for: .milliseconds(5)) }
            stop.stop()
        }
        let report = await run([Self.tagStep("only")], api: api, stop: stop)
        await stopper.value
        #expect(report.done.map(\.step.id) == ["only"])
        #expect(!report.interrupted)
        #expect(report.succeeded)
    }

    // MARK: - Ids and progress

    @Test func createdIdsResolveReferencesOfLaterSteps() async throws {
        let plan = Planner.plan(spec: SeedStack.spec, live: SeedStack.empty)
        #expect(plan.errors.isEmpty)
        let api = FakeAWS().api()
        let report = await Executor(api: api).run([(SeedStack.spec, plan)])
        #expect(report.succeeded)
        #expect(report.done.count == plan.steps.count)

        let listener = try #require(await api.calls("CreateListener").first)
        #expect(listener.parameters["LoadBalancerArn"] == FakeAWS.loadBalancerArn)
        #expect(listener.parameters["DefaultActions.member.1.TargetGroupArn"] == FakeAWS.targetGroupArn)
        let loadBalancer = try #require(await api.calls("CreateLoadBalancer").first)
        #expect(loadBalancer.parameters["SecurityGroups.member.1"] == FakeAWS.groupId)
        #expect(await api.calls("AuthorizeSecurityGroupIngress").first?.parameters["GroupId"] == FakeAWS.groupId)
        #expect(await api.calls("RegisterTargets").first?.parameters["TargetGroupArn"] == FakeAWS.targetGroupArn)
        #expect(await api.calls("CreateVpcEndpointServiceConfiguration").first?.parameters["NetworkLoadBalancerArn.1"] == FakeAWS.loadBalancerArn)
        #expect(await api.calls("ModifyVpcEndpointServicePermissions").first?.parameters["ServiceId"] == FakeAWS.serviceId)
        // Exactly one of each create, in the seed's order where it matters.
        let mutating = await api.mutatingCalls.map(\.action)
        for action in ["CreateSecurityGroup", "CreateLoadBalancer", "CreateTargetGroup", "CreateListener", "CreateVpcEndpointServiceConfiguration", "RegisterTargets"] {
            #expect(mutating.filter { $0 == action }.count == 1, "\(action)")
        }
        let order = ["CreateSecurityGroup", "CreateLoadBalancer", "CreateVpcEndpointServiceConfiguration", "ModifyVpcEndpointServicePermissions"]
        #expect(order.compactMap { mutating.firstIndex(of: $0) } == order.compactMap { mutating.firstIndex(of: $0) }.sorted())
    }

    @Test func aMissingReferenceFailsTheStepWithAClearMessage() async throws {
        let step = PlanStep(id: "listener", address: .listener, operation: .createListener(
            loadBalancer: .ref(.loadBalancer), protocolName: "TCP", port: 3306, targetGroup: .id(FakeAWS.targetGroupArn), tags: []))
        let api = FakeAWS().api()
        let report = await run([step], api: api)
        let failure = try #require(report.failed.first)
        #expect("\(failure.error)".contains("load_balancer.nlb has no id yet"))
        #expect(await api.mutatingCalls.isEmpty)
    }

    @Test func aLongStepReportsStillRunningUntilItEnds() async throws {
        // 24 intervals long, so that even a loaded machine's scheduler ticks at least twice.
        let api = FakeAWS().api(delays: ["CreateTags": .milliseconds(600)])
        let events = EventLog()
        let report = await run([Self.tagStep("slow")], api: api, progressInterval: .milliseconds(25), events: events)
        #expect(report.succeeded)
        let kinds = events.events.map(\.kind)
        #expect(kinds.first == .started)
        guard case .finished(let total) = try #require(kinds.last) else {
            Issue.record("last event is \(String(describing: kinds.last))")
            return
        }
        let elapsed = kinds.compactMap { kind -> Duration? in
            if case .stillRunning(let elapsed) = kind { elapsed } else { nil }
        }
        #expect(elapsed.count >= 2)
        #expect(elapsed == elapsed.sorted())
        #expect(elapsed.allSatisfy { $0 < total })
        #expect(total >= .milliseconds(600))
    }

    @Test func aQuickStepReportsNoStillRunning() async {
        let events = EventLog()
        _ = await run([Self.tagStep("quick")], api: FakeAWS().api(), progressInterval: .seconds(5), events: events)
        #expect(events.events.map { Self.kindName($0.kind) } == ["started", "finished"])
    }

    @Test func stepsOfSeveralStacksAreKeptApart() async throws {
        var other = SeedStack.spec
        other.name = "other"
        let api = FakeAWS().api()
        let steps = [Self.tagStep("a"), Self.tagStep("b", after: ["a"])]
        let report = await Executor(api: api).run([
            (SeedStack.spec, Self.plan(steps)),
            (other, StackPlan(stack: "other", region: "us-east-1", accountId: SeedStack.account, steps: steps)),
        ])
        #expect(report.succeeded)
        #expect(report.done.map { "\($0.stack)/\($0.step.id)" }.sorted() == ["other/a", "other/b", "planetscale-import/a", "planetscale-import/b"])
    }

    static func kindName(_ kind: ExecutionEvent.Kind) -> String {
        switch kind {
        case .started: "started"
        case .stillRunning: "stillRunning"
        case .finished: "finished"
        case .failed: "failed"
        case .skipped: "skipped"
        }
    }
}

/// Collects executor events from any task.
final class EventLog: Sendable {
    private let storage = Mutex<[ExecutionEvent]>([])
    func append(_ event: ExecutionEvent) { storage.withLock { $0.append(event) } }
    var events: [ExecutionEvent] { storage.withLock { $0 } }
}
