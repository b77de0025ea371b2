import Foundation
import Testing

/// The policies of docs/iam-policy.md, enforced: moto checks each signed call against the
/// caller's IAM policy (by action), so users that hold only `Examples/iam/rplink-plan.json` or
/// `rplink-apply.json` show that the policies are enough for what they promise, and no more.
/// Results are checked with boto3 under the emulator's all-powerful test user.
@Suite(.serialized) struct IAMPolicyTests {
    static let shared = SharedEmulator()

    let rplink: RPLinkBinary

    init() throws {
        rplink = try RPLinkBinary.locate()
    }

    /// A fresh producer VPC and the spec of `stack` for it.
    struct Setup {
        var base: PlanSetup
        var spec: URL
        var stack: String
        var boto: Boto { base.boto }
        var fixture: ProducerFixture { base.fixture }
    }

    func setUp(_ stack: String) async throws -> Setup {
        let base = try await PlanSetup.make(suite: Self.shared, folderPrefix: stack)
        return Setup(base: base, spec: try base.fixture.writeSpec(name: stack, in: base.folder), stack: stack)
    }

    /// A new IAM user whose only policy is `policyFile` less the actions in `without`.
    func user(_ name: String, policy policyFile: String, without: [String] = [], _ setup: Setup) async throws -> EmulatorCredentials {
        let path = RepositoryPaths.root.appendingPathComponent(policyFile).path
        let removed = without.map { "\"\($0)\"" }.joined(separator: ", ")
        return try await setup.boto.run("""
            policy = json.load(open("\(path)"))
            for statement in policy["Statement"]:
                statement["Action"] = [a for a in statement["Action"] if a not in [\(removed)]]
            iam = client("iam")
            iam.create_user(UserName="\(name)")
            key = iam.create_access_key(UserName="\(name)")["AccessKey"]
            iam.put_user_policy(UserName="\(name)", PolicyName="rplink", PolicyDocument=json.dumps(policy))
            emit({"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]})
            """)
    }

    func run(_ arguments: [String], as user: EmulatorCredentials, _ setup: Setup) async throws -> ProcessResult {
        try await rplink.run(arguments, emulator: setup.base.emulator, environment: [
            "AWS_ACCESS_KEY_ID": user.accessKeyId, "AWS_SECRET_ACCESS_KEY": user.secretAccessKey,
        ], timeout: .seconds(120))
    }

    func census(_ setup: Setup) async throws -> StackCensus.Stack {
        let census = try await StackCensus.read(stacks: [setup.stack], with: setup.boto)
        return try #require(census.stacks[setup.stack])
    }

    @Test func planPolicyPlansButItsApplyIsRefusedNamingThePermissionAndChangesNothing() async throws {
        let setup = try await setUp("iam-plan-only")
        let reader = try await user("iam-plan-only-reader", policy: "Examples/iam/rplink-plan.json", setup)

        let plan = try await run(["plan", setup.spec.path, "--detailed-exitcode"], as: reader, setup)
        #expect(plan.exitCode == 2, "\(plan)")
        #expect(plan.stdout.contains("Plan: 8 to add, 0 to change, 0 to replace, 0 to destroy."), "\(plan)")
        #expect(!plan.stderr.contains("AccessDenied"), "\(plan)")

        let apply = try await run(["apply", setup.spec.path, "--auto-approve"], as: reader, setup)
        #expect(apply.exitCode == 1, "\(apply)")
        // The stack's lock is the first write.
        #expect(apply.stderr.contains("rplink needs the IAM permission ec2:CreateSecurityGroup here"), "\(apply)")
        #expect(try await census(setup).isEmpty)
        #expect(try await setup.fixture.census(with: setup.boto) == ProducerFixture.untouched)
    }

    @Test func applyPolicyConvergesUpdatesAndDestroysWhileThePlanPolicyReadsEveryState() async throws {
        let setup = try await setUp("iam-full")
        let reader = try await user("iam-full-reader", policy: "Examples/iam/rplink-plan.json", setup)
        let writer = try await user("iam-full-writer", policy: "Examples/iam/rplink-apply.json", setup)

        let created = try await run(["apply", setup.spec.path, "--auto-approve"], as: writer, setup)
        try #require(created.exitCode == 0, "\(created)")
        var live = try await census(setup)
        #expect(live.loadBalancers == 1 && live.targetGroups == 1 && live.services == 1, "\(live)")
        #expect(live.targets == ["\(ProducerFixture.writerIP):3306"], "\(live)")
        #expect(live.principals == ["arn:aws:iam::\(ProducerFixture.consumerAccountId):root"], "\(live)")

        let converged = try await run(["plan", setup.spec.path, "--detailed-exitcode"], as: reader, setup)
        #expect(converged.exitCode == 0, "\(converged)")
        let output = try await run(["output", setup.spec.path, "--json"], as: reader, setup)
        #expect(output.exitCode == 0, "\(output)")
        let outputs = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        #expect((outputs?["service_id"] as? String)?.hasPrefix("vpce-svc-") == true, "\(output)")

        // An update through most write paths: a new port replaces the target group, the
        // listener and the consumer rule; a tag is added to everything.
        let updated = setup.fixture.specYAML(name: setup.stack, port: 3307) + "\ntags:\n  team: data\n"
        try updated.write(to: setup.spec, atomically: true, encoding: .utf8)
        let changed = try await run(["apply", setup.spec.path, "--auto-approve"], as: writer, setup)
        try #require(changed.exitCode == 0, "\(changed)")
        live = try await census(setup)
        #expect(live.targets == ["\(ProducerFixture.writerIP):3307"], "\(live)")
        #expect(live.listeners.count == 1 && live.listeners[0].hasPrefix("3307->"), "\(live)")
        #expect(live.rules.contains { $0.contains("3307-3307") } && !live.rules.contains { $0.contains("3306-3306") }, "\(live)")
        let again = try await run(["plan", setup.spec.path, "--detailed-exitcode"], as: reader, setup)
        #expect(again.exitCode == 0, "\(again)")

        let destroyed = try await run(["destroy", setup.spec.path, "--auto-approve"], as: writer, setup)
        #expect(destroyed.exitCode == 0, "\(destroyed)")
        #expect(try await census(setup).isEmpty)
        #expect(try await setup.fixture.census(with: setup.boto) == ProducerFixture.untouched)
    }

    @Test func aMissingWritePermissionIsNamedAndTheRunFinishesOnceGranted() async throws {
        let setup = try await setUp("iam-partial")
        let partial = try await user("iam-partial-writer", policy: "Examples/iam/rplink-apply.json",
                                     without: ["elasticloadbalancing:CreateListener"], setup)
        let writer = try await user("iam-partial-full", policy: "Examples/iam/rplink-apply.json", setup)

        let failed = try await run(["apply", setup.spec.path, "--auto-approve"], as: partial, setup)
        #expect(failed.exitCode == 1, "\(failed)")
        #expect(failed.stderr.contains(
            "rplink needs the IAM permission elasticloadbalancing:CreateListener here"), "\(failed)")
        #expect(try await census(setup).listeners.isEmpty)

        let finished = try await run(["apply", setup.spec.path, "--auto-approve"], as: writer, setup)
        #expect(finished.exitCode == 0, "\(finished)")
        let live = try await census(setup)
        #expect(live.loadBalancers == 1 && live.listeners.count == 1, "\(live)")
        #expect(live.securityGroups.allSatisfy { !$0.hasPrefix("rplink-lock-") }, "\(live)")

        let destroyed = try await run(["destroy", setup.spec.path, "--auto-approve"], as: writer, setup)
        #expect(destroyed.exitCode == 0, "\(destroyed)")
    }
}
