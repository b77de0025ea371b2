import Foundation
import Testing

/// Two `rplink apply` of one spec at the same moment. The emulator happily makes duplicate
/// NLBs and listeners, so only rplink's stack lock and its re-reads keep the end state to one
/// copy of each object; boto3 checks that, and that the lock group is gone afterwards.
@Suite(.serialized) struct ConcurrentApplyTests {
    static let shared = SharedEmulator()

    let rplink: RPLinkBinary

    init() throws {
        rplink = try RPLinkBinary.locate()
    }

    /// `delayed`: both runs go through a proxy that holds every request 200 ms, so their
    /// planning overlaps for certain and both reach the lock while the other is still running.
    @Test(arguments: [(delayed: false, round: 1), (delayed: false, round: 2), (delayed: true, round: 1), (delayed: true, round: 2)])
    func twoSimultaneousAppliesEndWithOneCopyOfEachObjectAndTheLoserBlamesTheLock(delayed: Bool, round: Int) async throws {
        let emulator = try await Self.shared.emulator()
        let boto = Boto(emulator)
        let fixture = try await ProducerFixture.create(with: boto)
        let folder = try TemporaryDirectory.make(prefix: "concurrent")
        defer { try? FileManager.default.removeItem(at: folder) }
        let stack = "concurrent-\(delayed ? "delayed" : "direct")-\(round)"
        let spec = try fixture.writeSpec(name: stack, in: folder)

        var proxy: FaultProxy?
        if delayed { proxy = try await FaultProxy.start(upstream: emulator, seed: 0, rate: 1, kinds: [.delay]) }
        defer { proxy?.stop() }
        var arguments = ["apply", "--auto-approve", spec.path]
        if let proxy { arguments += ["--endpoint-url", proxy.endpoint.absoluteString] }

        let rplink = rplink
        async let first = rplink.run(arguments, emulator: emulator, timeout: .seconds(120))
        async let second = rplink.run(arguments, emulator: emulator, timeout: .seconds(120))
        let results = try await [first, second]

        for result in results {
            #expect(!result.timedOut && (result.exitCode == 0 || result.exitCode == 1), "\(result)")
        }
        let losers = results.filter { $0.exitCode != 0 }
        print("concurrent-apply delayed=\(delayed) round=\(round) exits=\(results.map(\.exitCode))")
        #expect(losers.count < 2, "one of the two must win: \(results)")
        if delayed {
            // Both plans are made before either takes the lock: one of them must find it taken.
            #expect(losers.count == 1, "the runs overlapped, so one must lose: \(results)")
        }
        for loser in losers {
            #expect(loser.stderr.contains("Error: stack \(stack) is being changed by rplink (pid "), "\(loser)")
            #expect(loser.stderr.contains("wait for it to finish"), "\(loser)")
        }
        if let proxy {
            #expect(try proxy.injected()?.count(.delay) ?? 0 > 20, "every request was delayed")
        }

        let live = try await StackSnapshot.read(stack: stack, with: boto)
        #expect(live.loadBalancers.count == 1, "\(live.loadBalancers)")
        #expect(live.targetGroups.count == 1, "\(live.targetGroups)")
        #expect(live.listeners.count == 1, "\(live.listeners)")
        #expect(live.services.count == 1, "\(live.services)")
        #expect(live.securityGroups.count == 1, "\(live.securityGroups)")
        #expect(live.services.first?.principals.count == 1, "\(live.services)")
        #expect(live.targetGroups.first?.registered.count == 1, "\(live.targetGroups)")
        let groupId = try #require(live.securityGroups.first?.id)
        let rules = try await StackSnapshot.read(stack: stack, ruleGroupId: groupId, with: boto).rules
        #expect(rules.filter { $0.cidr == ProducerFixture.consumerCIDR }.count == 1, "\(rules)")

        let locks: Int = try await boto.run("""
            emit(len(ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["rplink-lock-\(stack)"]}])["SecurityGroups"]))
            """)
        #expect(locks == 0, "no lock group is left behind")

        let plan = try await rplink.run(["plan", "--detailed-exitcode", spec.path], emulator: emulator)
        #expect(plan.exitCode == 0, "a plan after both runs finds nothing to do: \(plan)")

        let destroyed = try await rplink.run(["destroy", "--auto-approve", spec.path], emulator: emulator)
        #expect(destroyed.exitCode == 0, "\(destroyed)")
        #expect(try await StackSnapshot.read(stack: stack, with: boto).isEmpty)
    }
}
