import Foundation
import Testing

/// AWS throttles each account's ELBv2 Describe* calls per Region with a token bucket: 40 at
/// once, then 10 a second (the ELB user guide, "Request throttling for the ELB API"). A
/// converged plan of 30 stacks asks for 95 of them, most in one burst, so retries alone meet
/// an empty bucket again and the plan failed (it did before rplink paced its calls). Here
/// the proxy in front of the emulator throttles as AWS does, and the plan must get through.
@Suite(.serialized) struct ThrottlingTests {
    static let shared = SharedEmulator()
    static let stackCount = 30

    let rplink: RPLinkBinary

    init() throws {
        rplink = try RPLinkBinary.locate()
    }

    @Test func aPlanOfManyStacksGetsThroughAWSsThrottlingByPacingItsCalls() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared)
        defer { setup.removeFolder() }
        _ = try await setup.applyStacks((1...Self.stackCount).map { String(format: "paced-%02d", $0) }, with: rplink)
        let proxy = try await FaultProxy.start(upstream: setup.emulator, rateLimiting: "elasticloadbalancing", capacity: 40, refill: 10)
        defer { proxy.stop() }

        let plan = try await rplink.run(
            ["plan", "--detailed-exitcode", "--debug", "--endpoint-url", proxy.endpoint.absoluteString, setup.folder.path],
            emulator: setup.emulator, timeout: .seconds(120))
        let log = try proxy.rateLog()
        print("throttled plan of \(Self.stackCount) stacks: \(log.requests) ELBv2 Describe* requests, \(log.throttled) throttled")
        #expect(log.throttled > 0, "the proxy's limit must bite for this test to mean anything: \(log)")
        #expect(plan.exitCode == 0, "a converged plan must get through throttling and find nothing to do: \(plan)")
        #expect(plan.stdout.contains("No changes"), "\(plan.stdout)")
        #expect(plan.stderr.contains("aws: elasticloadbalancing is throttling: its calls now go out"))
        // Only ELBv2 throttled, so only its calls waited their turn.
        #expect(!plan.stderr.contains("aws: ec2 is throttling"))
    }
}
