import Testing
@testable import RPLinkKit

@Suite struct ProgressRendererTests {
    static let createNLB = PlanStep(id: "load_balancer.nlb:createLoadBalancer", address: .loadBalancer, operation: .createLoadBalancer(
        name: "pl-nlb", subnetIds: [], securityGroups: [], tags: []))
    static let deleteNLB = PlanStep(id: "load_balancer.nlb:deleteLoadBalancer", address: .loadBalancer, operation: .deleteLoadBalancer(loadBalancerArn: "arn:nlb"))
    static let setCrossZone = PlanStep(id: "load_balancer.nlb:setCrossZone", address: .loadBalancer, operation: .setCrossZone(loadBalancer: .id("arn:nlb"), enabled: true))
    static let createService = PlanStep(id: "endpoint_service.main:createEndpointService", address: .endpointService, operation: .createEndpointService(
        loadBalancer: .ref(.loadBalancer), acceptanceRequired: false, clientToken: "t", tags: []))

    static func line(_ step: PlanStep, _ kind: ExecutionEvent.Kind, showStack: Bool = false) -> String {
        ProgressRenderer(showStack: showStack).line(ExecutionEvent(stack: "planetscale-import", step: step, kind: kind))
    }

    @Test func startedLineSaysWhatIsBeingDone() {
        #expect(Self.line(Self.createNLB, .started) == "load_balancer.nlb (createLoadBalancer): Creating...")
        #expect(Self.line(Self.deleteNLB, .started) == "load_balancer.nlb (deleteLoadBalancer): Destroying...")
        #expect(Self.line(Self.setCrossZone, .started) == "load_balancer.nlb (setCrossZone): Modifying...")
    }

    @Test func stillRunningLineShowsWholeSecondsElapsed() {
        #expect(Self.line(Self.createService, .stillRunning(elapsed: .seconds(10))) == "endpoint_service.main (createEndpointService): Still creating... [10s elapsed]")
        #expect(Self.line(Self.deleteNLB, .stillRunning(elapsed: .milliseconds(20_900))) == "load_balancer.nlb (deleteLoadBalancer): Still destroying... [20s elapsed]")
        #expect(Self.line(Self.setCrossZone, .stillRunning(elapsed: .seconds(30))).hasSuffix("Still modifying... [30s elapsed]"))
    }

    @Test(arguments: [
        (Duration.milliseconds(850), "850ms"), (.milliseconds(2_460), "2.4s"), (.seconds(59), "59.0s"), (.seconds(65), "1m5s"), (.seconds(600), "10m0s"),
    ])
    func finishedLineHasTheDuration(elapsed: Duration, shown: String) {
        #expect(Self.line(Self.createNLB, .finished(elapsed: elapsed)) == "load_balancer.nlb (createLoadBalancer): Creation complete after \(shown)")
    }

    @Test func finishedDeleteAndModifyUseTheirOwnWords() {
        #expect(Self.line(Self.deleteNLB, .finished(elapsed: .seconds(3))).hasSuffix("Destruction complete after 3.0s"))
        #expect(Self.line(Self.setCrossZone, .finished(elapsed: .milliseconds(40))).hasSuffix("Modifications complete after 40ms"))
    }

    @Test func failedLineHasTheDurationAndTheError() {
        let line = Self.line(Self.createNLB, .failed(message: "AccessDenied: not allowed (request id r-1)", elapsed: .milliseconds(1_200)))
        #expect(line == "load_balancer.nlb (createLoadBalancer): Failed after 1.2s: AccessDenied: not allowed (request id r-1)")
    }

    @Test func skippedLineHasTheReason() {
        #expect(Self.line(Self.createService, .skipped(reason: "a step it depends on did not complete"))
            == "endpoint_service.main (createEndpointService): Skipped: a step it depends on did not complete")
    }

    @Test func stackNamePrefixesLinesWhenSeveralStacksRun() {
        #expect(Self.line(Self.createNLB, .started, showStack: true) == "planetscale-import: load_balancer.nlb (createLoadBalancer): Creating...")
    }

    // MARK: - Summary

    /// Resources as the `Plan:` line counts them, not steps (cross-zone is a step of its own).
    @Test func successSummaryCountsTheResourcesAsThePlanDid() {
        var report = ExecutionReport()
        report.done = [("s", Self.createNLB), ("s", Self.setCrossZone), ("s", Self.createService)]
        #expect(ProgressRenderer(showStack: false).summary(report, verb: "Apply", resources: .init(create: 2, update: 1))
            == "Apply complete! Resources: 2 added, 1 changed, 0 replaced, 0 destroyed.\n")
        report.done = [("s", Self.deleteNLB)]
        #expect(ProgressRenderer(showStack: false).summary(report, verb: "Destroy", resources: .init(delete: 1))
            == "Destroy complete! Resources: 1 destroyed.\n")
        #expect(ProgressRenderer(showStack: false).summary(report, verb: "Apply", resources: .init(delete: 1))
            == "Apply complete! Resources: 0 added, 0 changed, 0 replaced, 1 destroyed.\n")
    }

    @Test func failureSummaryCountsAndListsEachFailureWithItsErrorAndEachSkip() {
        var report = ExecutionReport()
        report.done = [("planetscale-import", Self.setCrossZone)]
        let error = AWSError(service: .elbv2, action: "CreateLoadBalancer", code: "TooManyLoadBalancers", message: "quota reached", requestId: "req-9", httpStatus: 400)
        report.failed = [.init(stack: "planetscale-import", step: Self.createNLB, error: error)]
        report.skipped = [("planetscale-import", Self.createService, "a step it depends on did not complete")]
        let summary = ProgressRenderer(showStack: false).summary(report, verb: "Apply", resources: .init(create: 3))
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "Apply failed: 1 done, 1 failed, 1 skipped.")
        #expect(lines[1].hasPrefix("  failed: stack planetscale-import: load_balancer.nlb (createLoadBalancer): "))
        #expect(lines[1].contains("TooManyLoadBalancers"))
        #expect(lines[1].contains("quota reached"))
        #expect(lines[2] == "  skipped: stack planetscale-import: endpoint_service.main (createEndpointService): a step it depends on did not complete")
        #expect(lines[3].contains("run the same command again"))
    }

    @Test func interruptedSummarySaysSo() {
        var report = ExecutionReport()
        report.interrupted = true
        report.done = [("s", Self.createNLB)]
        report.skipped = [("s", Self.createService, "interrupted before it started")]
        let summary = ProgressRenderer(showStack: false).summary(report, verb: "Destroy", resources: .init(delete: 2))
        #expect(summary.hasPrefix("Destroy interrupted: 1 done, 0 failed, 1 skipped.\n"))
        #expect(!summary.contains("  failed:"))
    }
}
