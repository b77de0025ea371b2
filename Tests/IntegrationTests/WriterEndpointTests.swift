import Foundation
import Testing

/// `database.writer_endpoint` end to end: the real binary looks the name up with the system
/// resolver, in a mount namespace of its own whose /etc/hosts says where the name points (the
/// machine's own file is never touched, and no DNS server is asked), against the emulator; boto3
/// checks which writer the target group holds.
@Suite(.serialized) struct WriterEndpointTests {
    static let shared = SharedEmulator()
    static let endpoint = "writer.db-c0ffee.us-east-1.rds.amazonaws.com"

    let rplink: RPLinkBinary

    init() throws {
        rplink = try RPLinkBinary.locate()
    }

    /// Runs rplink with `hosts` as its /etc/hosts (`unshare --mount --map-root-user`, which needs
    /// no root, then a bind mount that only its namespace sees).
    func run(_ arguments: [String], hosts: [String], _ setup: PlanSetup) async throws -> ProcessResult {
        let hostsFile = setup.folder.appendingPathComponent("hosts")
        try (["127.0.0.1 localhost"] + hosts).joined(separator: "\n").appending("\n")
            .write(to: hostsFile, atomically: true, encoding: .utf8)
        let home = try TemporaryDirectory.make(prefix: "rplink-home")
        defer { try? FileManager.default.removeItem(at: home) }
        return try await ProcessRunner.run(
            try ProcessRunner.which("unshare"),
            arguments: ["--mount", "--map-root-user", "sh", "-c", #"mount --bind "$0" /etc/hosts && exec "$@""#, hostsFile.path, rplink.url.path]
                + arguments,
            environment: RPLinkBinary.environment(emulator: setup.emulator, home: home, extra: [:]),
            timeout: .seconds(120))
    }

    func writeSpec(_ stack: String, _ setup: PlanSetup) throws -> URL {
        let spec = setup.folder.appendingPathComponent("\(stack).yaml")
        let text = setup.fixture.specYAML(name: stack)
            .replacingOccurrences(of: "  writer_ip: \(ProducerFixture.writerIP)\n", with: "  writer_endpoint: \(Self.endpoint)\n")
        #expect(text.contains("writer_endpoint"))
        try text.write(to: spec, atomically: true, encoding: .utf8)
        return spec
    }

    func targets(_ stack: String, _ setup: PlanSetup) async throws -> [String] {
        let census = try await StackCensus.read(stacks: [stack], with: setup.boto)
        return try #require(census.stacks[stack]).targets
    }

    @Test func theWriterFollowsItsNameThroughAFailoverAndDestroyNeedsNoName() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared, folderPrefix: "writer-endpoint")
        defer { setup.removeFolder() }
        let stack = "writer-endpoint"
        let spec = try writeSpec(stack, setup)

        let plan = try await run(["plan", spec.path], hosts: ["10.0.0.10 \(Self.endpoint)"], setup)
        #expect(plan.exitCode == 0, "\(plan)")
        #expect(plan.stdout.contains(#"+ target.writer["10.0.0.10"]"#), "\(plan)")
        #expect(plan.stdout.contains("\(Self.endpoint) resolves to 10.0.0.10"), "\(plan)")

        let applied = try await run(["apply", spec.path, "--auto-approve"], hosts: ["10.0.0.10 \(Self.endpoint)"], setup)
        try #require(applied.exitCode == 0, "\(applied)")
        #expect(try await targets(stack, setup) == ["10.0.0.10:3306"])

        // A failover: the name now points at another instance.
        let failedOver = ["10.0.0.11 \(Self.endpoint)"]
        let drift = try await run(["plan", spec.path, "--detailed-exitcode"], hosts: failedOver, setup)
        #expect(drift.exitCode == 2, "\(drift)")
        #expect(drift.stdout.contains(#"target.writer["10.0.0.11"]"#), "\(drift)")
        #expect(drift.stdout.contains(#"target.writer["10.0.0.10"]"#), "\(drift)")
        let followed = try await run(["apply", spec.path, "--auto-approve"], hosts: failedOver, setup)
        try #require(followed.exitCode == 0, "\(followed)")
        #expect(try await targets(stack, setup) == ["10.0.0.11:3306"])
        let converged = try await run(["plan", spec.path, "--detailed-exitcode"], hosts: failedOver, setup)
        #expect(converged.exitCode == 0, "\(converged)")

        // A name with two addresses names no one writer: an error of the plan, and no change.
        let ambiguous = try await run(["apply", spec.path, "--auto-approve"],
                                      hosts: ["10.0.0.10 \(Self.endpoint)", "10.0.0.12 \(Self.endpoint)"], setup)
        #expect(ambiguous.exitCode == 1, "\(ambiguous)")
        #expect(ambiguous.stderr.contains("Error: stack \(stack): database.writer_endpoint: '\(Self.endpoint)' resolves to 2 addresses (10.0.0.10, 10.0.0.12)"), "\(ambiguous)")
        #expect(try await targets(stack, setup) == ["10.0.0.11:3306"])

        // A name with IPv6 addresses only gives no IPv4 target.
        let v6only = try await run(["plan", spec.path], hosts: ["fd00::10 \(Self.endpoint)"], setup)
        #expect(v6only.exitCode == 1, "\(v6only)")
        #expect(v6only.stderr.contains("database.writer_endpoint: '\(Self.endpoint)' has no IPv4 address"), "\(v6only)")

        // A plan saved before the writer moves is refused: it would register the old writer.
        let planFile = setup.folder.appendingPathComponent("saved.plan").path
        let tagged = setup.fixture.specYAML(name: stack)
            .replacingOccurrences(of: "  writer_ip: \(ProducerFixture.writerIP)\n", with: "  writer_endpoint: \(Self.endpoint)\n")
            + "\ntags:\n  team: data\n"
        try tagged.write(to: spec, atomically: true, encoding: .utf8)
        let saved = try await run(["plan", spec.path, "--out", planFile], hosts: failedOver, setup)
        try #require(saved.exitCode == 0, "\(saved)")
        let stale = try await run(["apply", planFile], hosts: ["10.0.0.13 \(Self.endpoint)"], setup)
        #expect(stale.exitCode == 1, "\(stale)")
        #expect(stale.stderr.contains("'\(Self.endpoint)' resolved to 10.0.0.11 when the plan was made and resolves to 10.0.0.13 now (the writer has moved)"), "\(stale)")
        #expect(try await targets(stack, setup) == ["10.0.0.11:3306"])
        let fresh = try await run(["apply", planFile], hosts: failedOver, setup)
        #expect(fresh.exitCode == 0, "\(fresh)")

        // The database and its name may be gone when the stack is torn down.
        let destroyed = try await run(["destroy", spec.path, "--auto-approve"], hosts: [], setup)
        #expect(destroyed.exitCode == 0, "\(destroyed)")
        let census = try await StackCensus.read(stacks: [stack], with: setup.boto)
        #expect(census.stacks[stack]?.isEmpty == true, "\(census)")
    }
}
