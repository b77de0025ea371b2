import Foundation
import Synchronization
import Testing
@testable import RPLinkKit

/// `database.writer_endpoint`: the name is looked up when a spec is planned, and only then,
/// and its one address becomes the registered writer.
@Suite struct WriterEndpointResolverTests {
    static let host = "mydb.cluster-c0ffee.us-east-1.rds.amazonaws.com"

    /// Answers from a table and counts the lookups of each name.
    final class FakeNames: NameResolver {
        let answers: [String: Result<[String], NameLookupError>]
        let lookups = Mutex<[String: Int]>([:])

        init(_ answers: [String: Result<[String], NameLookupError>]) {
            self.answers = answers
        }

        func ipv4Addresses(of host: String) async throws -> [String] {
            lookups.withLock { $0[host, default: 0] += 1 }
            guard let answer = answers[host] else { throw NameLookupError("Name or service not known") }
            return try answer.get()
        }

        var total: Int { lookups.withLock { $0.values.reduce(0, +) } }
    }

    static func spec(_ name: String, endpoint: String?, file: String? = nil) -> Spec {
        var spec = SeedStack.spec
        spec.name = name
        spec.file = file ?? "\(name).yaml"
        if let endpoint { spec.database = Spec.Database(writerIP: "", port: 3306, writerEndpoint: endpoint) }
        return spec
    }

    @Test func theDecoderKeepsTheNameAndLeavesTheAddressToThePlan() throws {
        let text = try SpecFixtures.validBase().replacingOccurrences(
            of: "  writer_ip: 10.0.0.1", with: "  writer_endpoint: \(Self.host)")
        let result = SpecLoader.parse(text: text, file: "rplink.yaml")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let spec = try #require(result.spec)
        #expect(spec.database.writerEndpoint == Self.host)
        #expect(spec.database.writerIP == "")
    }

    @Test func eachNameIsLookedUpOnceAndBecomesTheWriter() async throws {
        let names = FakeNames([Self.host: .success(["10.0.0.12"])])
        let specs = [Self.spec("a", endpoint: Self.host), Self.spec("b", endpoint: nil), Self.spec("c", endpoint: Self.host)]
        let outcome = await WriterEndpointResolver(names: names).resolve(specs)
        #expect(outcome.problems.isEmpty)
        #expect(outcome.specs.map(\.database.writerIP) == ["10.0.0.12", SeedStack.spec.database.writerIP, "10.0.0.12"])
        #expect(outcome.specs.map(\.name) == ["a", "b", "c"])
        #expect(outcome.specs[0].database.writerEndpoint == Self.host)
        #expect(names.total == 1)
    }

    @Test func debugLogsEachLookupWithItsAnswer() async {
        let lines = Mutex<[String]>([])
        let names = FakeNames([Self.host: .success(["10.0.0.12"])])
        let resolver = WriterEndpointResolver(names: names, debugSink: { line in lines.withLock { $0.append(line) } })
        _ = await resolver.resolve([Self.spec("a", endpoint: Self.host), Self.spec("b", endpoint: "gone.example.com")])
        let logged = lines.withLock { $0 }.sorted()
        #expect(logged.count == 2)
        #expect(logged[0].hasPrefix("dns: gone.example.com failed: Name or service not known in "))
        #expect(logged[1].hasPrefix("dns: \(Self.host) 10.0.0.12 in "))
        #expect(logged.allSatisfy { $0.hasSuffix(" ms") })
    }

    @Test func specsThatGiveAnAddressMakeNoLookup() async throws {
        let names = FakeNames([:])
        let specs = [Self.spec("a", endpoint: nil)]
        let outcome = await WriterEndpointResolver(names: names).resolve(specs)
        #expect(outcome.specs == specs)
        #expect(outcome.problems.isEmpty)
        #expect(names.total == 0)
    }

    @Test(arguments: [
        (Result<[String], NameLookupError>.failure(NameLookupError("Name or service not known")),
         "'\(host)' does not resolve (Name or service not known): check the name"),
        (.success(["10.0.0.12", "10.0.1.7"]),
         "'\(host)' resolves to 2 addresses (10.0.0.12, 10.0.1.7), and the target group holds the writer alone"),
        (.success(["127.0.0.1"]),
         "'\(host)' resolves to 127.0.0.1, which cannot be a target: it is a loopback address"),
        (.success([]), "'\(host)' has no IPv4 address"),
    ])
    func aNameThatDoesNotGiveOneWriterIsAProblemOfItsStack(answer: Result<[String], NameLookupError>, message: String) async {
        let names = FakeNames([Self.host: answer])
        let outcome = await WriterEndpointResolver(names: names).resolve([Self.spec("a", endpoint: Self.host)])
        let problem = outcome.problems["a"] ?? ""
        #expect(problem.hasPrefix(message), "\(problem)")
        #expect(problem.hasSuffix("give database.writer_ip"))
        #expect(outcome.specs.map(\.database.writerIP) == [""])
    }

    @Test func aResolverThatDidNotAnswerSaysToRunAgain() async {
        let names = FakeNames([Self.host: .failure(NameLookupError("Temporary failure in name resolution", isTemporary: true))])
        let outcome = await WriterEndpointResolver(names: names).resolve([Self.spec("a", endpoint: Self.host)])
        #expect(outcome.problems["a"] == "'\(Self.host)' could not be looked up just now (Temporary failure in name resolution): the DNS server did not answer; run again")
    }

    @Test func everySpecWhoseWriterIsNotFoundHasItsProblem() async {
        let names = FakeNames(["good.example.com": .success(["10.0.0.5"])])
        let specs = [Self.spec("b", endpoint: "bad-one.example.com"), Self.spec("g", endpoint: "good.example.com"),
                     Self.spec("a", endpoint: "bad-two.example.com")]
        let outcome = await WriterEndpointResolver(names: names).resolve(specs)
        #expect(Set(outcome.problems.keys) == ["a", "b"])
        #expect(outcome.problems["b"]?.hasPrefix("'bad-one.example.com' does not resolve") == true)
        #expect(outcome.specs.map(\.database.writerIP) == ["", "10.0.0.5", ""])
    }

    @Test func theSystemResolverReadsTheHostsFile() async throws {
        // Every machine's /etc/hosts names localhost; no DNS server is asked.
        let addresses = try await SystemNameResolver().ipv4Addresses(of: "localhost")
        #expect(addresses.contains("127.0.0.1"))
        #expect(addresses.allSatisfy { SpecFormat.ipv4($0) != nil })
        #expect(Set(addresses).count == addresses.count)
    }

    @Test func thePlanSaysWhereTheWriterCameFrom() {
        var spec = Self.spec("planetscale-import", endpoint: Self.host)
        spec.database.writerIP = "10.0.0.12"
        let plan = Planner.plan(spec: spec, live: SeedStack.empty)
        let note = plan.notes.first { $0.subject == "database.writer_endpoint" }
        #expect(note?.severity == .note)
        #expect(note?.message == "\(Self.host) resolves to 10.0.0.12, the writer's address for the target group")
        #expect(plan.actions.contains { $0.address == .target(ip: "10.0.0.12") && $0.action == .create })
    }

    @Test func aPublicAddressFromANameSaysWhy() {
        var spec = Self.spec("planetscale-import", endpoint: Self.host)
        spec.database.writerIP = "54.1.2.3"
        let plan = Planner.plan(spec: spec, live: SeedStack.empty)
        let error = plan.errors.first
        #expect(error?.subject == "database.writer_endpoint")
        #expect(error?.message.contains("the endpoint of a publicly accessible instance resolves to its public address") == true)
    }

    static func runner(_ console: RecordingConsole, api: RecordingQueryAPI, names: FakeNames, specs: [Spec]) -> CommandRunner {
        var runner = CommandRunner(console: console, environment: [:], loadSpecs: { _ throws(RPLinkError) in
            SpecLoadResult(specs: specs, diagnostics: [])
        })
        runner.makeAPI = { _ in api }
        runner.nameResolver = names
        return runner
    }

    @Test func aNameThatDoesNotResolveIsAnErrorOfItsStackAndTheOthersArePlanned() async {
        let api = FakeAWS().api()
        let console = RecordingConsole()
        var other = SeedStack.spec
        other.name = "other-stack"
        other.loadBalancer.name = "other-nlb"
        other.targetGroup.name = "other-tg"
        let specs = [Self.spec("planetscale-import", endpoint: Self.host, file: "rplink.yaml"), other]
        let runner = Self.runner(console, api: api, names: FakeNames([:]), specs: specs)
        #expect(await runner.run(arguments: ["plan"]) == .failure)
        #expect(console.error.contains("Error: stack planetscale-import: database.writer_endpoint: '\(Self.host)' does not resolve"))
        #expect(console.output.contains("Stack other-stack"))
        #expect(console.output.contains("+ load_balancer.nlb"))
    }

    @Test func applyChangesNothingWhenAWriterIsNotFound() async {
        let api = FakeAWS().api()
        let console = RecordingConsole(inputIsTerminal: false)
        let runner = Self.runner(console, api: api, names: FakeNames([Self.host: .success(["10.0.0.1", "10.0.0.2"])]),
                                 specs: [Self.spec("planetscale-import", endpoint: Self.host, file: "rplink.yaml")])
        #expect(await runner.run(arguments: ["apply", "--auto-approve"]) == .failure)
        #expect(console.error.contains("resolves to 2 addresses (10.0.0.1, 10.0.0.2)"))
        #expect(await api.mutatingCalls.isEmpty)
    }

    @Test func applyRegistersTheAddressTheNameHasNow() async {
        let api = FakeAWS().api()
        let console = RecordingConsole(inputIsTerminal: false)
        let runner = Self.runner(console, api: api, names: FakeNames([Self.host: .success(["10.0.0.12"])]),
                                 specs: [Self.spec("planetscale-import", endpoint: Self.host, file: "rplink.yaml")])
        #expect(await runner.run(arguments: ["apply", "--auto-approve"]) == .success)
        let registered = await api.calls("RegisterTargets").map { $0.parameters["Targets.member.1.Id"] }
        #expect(registered == ["10.0.0.12"])
    }

    @Test func destroyNeedsNoLookup() async {
        let api = FakeAWS().api()
        let console = RecordingConsole(inputIsTerminal: false)
        let names = FakeNames([:])
        let runner = Self.runner(console, api: api, names: names,
                                 specs: [Self.spec("planetscale-import", endpoint: Self.host, file: "rplink.yaml")])
        _ = await runner.run(arguments: ["destroy", "--auto-approve"])
        #expect(names.total == 0)
        #expect(!console.error.contains("writer_endpoint"))
    }

    /// A saved plan against the name as looked up again when it is applied.
    static func savedPlan(writer: String, destroy: Bool = false) -> PlanFile {
        var spec = spec("planetscale-import", endpoint: host)
        spec.database.writerIP = writer
        let live = SeedStack.empty
        let options = PlanOptions(destroy: destroy)
        return PlanFile(options: options, stacks: [.init(spec: spec, plan: Planner.plan(spec: spec, live: live, options: options), live: live)])
    }

    @Test func aSavedPlanWhoseWriterHasMovedIsStale() throws {
        var now = Self.spec("planetscale-import", endpoint: Self.host)
        now.database.writerIP = "10.0.0.13"
        do {
            try Self.savedPlan(writer: "10.0.0.12").checkWriters(.init(specs: [now]))
            Issue.record("expected a stale plan")
        } catch {
            #expect(error.code == .stalePlan)
            #expect(error.message == "the saved plan is stale: stack planetscale-import: database.writer_endpoint '\(Self.host)' resolved to 10.0.0.12 when the plan was made and resolves to 10.0.0.13 now (the writer has moved); run `rplink plan` again")
        }
        now.database.writerIP = "10.0.0.12"
        try Self.savedPlan(writer: "10.0.0.12").checkWriters(.init(specs: [now]))
    }

    @Test func aSavedPlanWhoseNameCannotBeLookedUpNowIsRefusedButNotCalledStale() {
        let now = Self.spec("planetscale-import", endpoint: Self.host)
        do {
            try Self.savedPlan(writer: "10.0.0.12").checkWriters(.init(specs: [now], problems: ["planetscale-import": "'x' could not be looked up just now (Temporary failure in name resolution): the DNS server did not answer; run again"]))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .preflight)
            #expect(error.message == "cannot check the writer of stack planetscale-import before applying the saved plan: database.writer_endpoint 'x' could not be looked up just now (Temporary failure in name resolution): the DNS server did not answer; run again")
        }
    }

    @Test func applyOfASavedPlanLooksTheNameUpAgainAndRefusesItOnceTheWriterHasMoved() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rplink-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let planPath = folder.appendingPathComponent("saved.plan").path
        let specs = [Self.spec("planetscale-import", endpoint: Self.host, file: "rplink.yaml")]
        let aws = FakeAWS()

        let planned = RecordingConsole()
        let before = FakeNames([Self.host: .success(["10.0.0.12"])])
        #expect(await Self.runner(planned, api: aws.api(), names: before, specs: specs).run(arguments: ["plan", "--out", planPath]) == .success)

        let console = RecordingConsole(inputIsTerminal: false)
        let api = aws.api()
        let after = FakeNames([Self.host: .success(["10.0.0.13"])])
        #expect(await Self.runner(console, api: api, names: after, specs: specs).run(arguments: ["apply", planPath]) == .failure)
        #expect(after.total == 1)
        #expect(console.error.contains("resolved to 10.0.0.12 when the plan was made and resolves to 10.0.0.13 now (the writer has moved)"))
        #expect(await api.mutatingCalls.isEmpty)

        let unchanged = RecordingConsole(inputIsTerminal: false)
        let sameAPI = aws.api()
        #expect(await Self.runner(unchanged, api: sameAPI, names: before, specs: specs).run(arguments: ["apply", planPath]) == .success)
        #expect(await sameAPI.calls("RegisterTargets").map { $0.parameters["Targets.member.1.Id"] } == ["10.0.0.12"])
    }
}
