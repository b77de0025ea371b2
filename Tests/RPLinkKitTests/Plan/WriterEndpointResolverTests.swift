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
        let answers: [String: Result<[String], RPLinkError>]
        let lookups = Mutex<[String: Int]>([:])

        init(_ answers: [String: Result<[String], RPLinkError>]) {
            self.answers = answers
        }

        func ipv4Addresses(of host: String) async throws -> [String] {
            lookups.withLock { $0[host, default: 0] += 1 }
            guard let answer = answers[host] else { throw RPLinkError(.preflight, "Name or service not known") }
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
        let resolved = try await WriterEndpointResolver(names: names).resolve(specs)
        #expect(resolved.map(\.database.writerIP) == ["10.0.0.12", SeedStack.spec.database.writerIP, "10.0.0.12"])
        #expect(resolved.map(\.name) == ["a", "b", "c"])
        #expect(resolved[0].database.writerEndpoint == Self.host)
        #expect(names.total == 1)
    }

    @Test func specsThatGiveAnAddressMakeNoLookup() async throws {
        let names = FakeNames([:])
        let specs = [Self.spec("a", endpoint: nil)]
        #expect(try await WriterEndpointResolver(names: names).resolve(specs) == specs)
        #expect(names.total == 0)
    }

    @Test(arguments: [
        (Result<[String], RPLinkError>.failure(RPLinkError(.preflight, "Name or service not known")),
         "database.writer_endpoint '\(host)' does not resolve (Name or service not known): check the name"),
        (.success(["10.0.0.12", "10.0.1.7"]),
         "database.writer_endpoint '\(host)' resolves to 2 addresses (10.0.0.12, 10.0.1.7), and the target group holds the writer alone"),
        (.success(["127.0.0.1"]),
         "database.writer_endpoint '\(host)' resolves to 127.0.0.1, which cannot be a target: it is a loopback address"),
        (.success([]), "database.writer_endpoint '\(host)' has no IPv4 address"),
    ])
    func aNameThatDoesNotGiveOneWriterIsAnError(answer: Result<[String], RPLinkError>, message: String) async {
        let names = FakeNames([Self.host: answer])
        do {
            _ = try await WriterEndpointResolver(names: names).resolve([Self.spec("a", endpoint: Self.host)])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .preflight)
            #expect(error.message.hasPrefix("a.yaml: \(message)"), "\(error.message)")
            #expect(error.message.hasSuffix("give database.writer_ip"))
        }
    }

    @Test func everySpecWhoseWriterIsNotFoundIsReportedInOrder() async {
        let names = FakeNames(["good.example.com": .success(["10.0.0.5"])])
        let specs = [Self.spec("b", endpoint: "bad-one.example.com"), Self.spec("g", endpoint: "good.example.com"),
                     Self.spec("a", endpoint: "bad-two.example.com")]
        do {
            _ = try await WriterEndpointResolver(names: names).resolve(specs)
            Issue.record("expected an error")
        } catch {
            let lines = error.message.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.first?.hasPrefix("b.yaml: database.writer_endpoint 'bad-one.example.com'") == true)
            #expect(lines.last?.hasPrefix("a.yaml: database.writer_endpoint 'bad-two.example.com'") == true)
        }
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
        #expect(note?.message == "\(Self.host) resolves to 10.0.0.12: the writer the target group holds")
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

    @Test func planLooksTheNameUpBeforeAnyAWSCallAndStopsWhenItFails() async {
        let api = FakeAWS().api()
        let console = RecordingConsole()
        var runner = CommandRunner(console: console, environment: [:], loadSpecs: { _ throws(RPLinkError) in
            SpecLoadResult(specs: [Self.spec("planetscale-import", endpoint: Self.host, file: "rplink.yaml")], diagnostics: [])
        })
        runner.makeAPI = { _ in api }
        runner.names = FakeNames([:])
        #expect(await runner.run(arguments: ["plan"]) == .failure)
        #expect(console.error.contains("Error: rplink.yaml: database.writer_endpoint '\(Self.host)' does not resolve"))
        #expect(await api.calls.isEmpty)
    }

    @Test func applyRegistersTheAddressTheNameHasNow() async {
        let api = FakeAWS().api()
        let console = RecordingConsole(inputIsTerminal: false)
        var runner = CommandRunner(console: console, environment: [:], loadSpecs: { _ throws(RPLinkError) in
            SpecLoadResult(specs: [Self.spec("planetscale-import", endpoint: Self.host, file: "rplink.yaml")], diagnostics: [])
        })
        runner.makeAPI = { _ in api }
        runner.names = FakeNames([Self.host: .success(["10.0.0.12"])])
        #expect(await runner.run(arguments: ["apply", "--auto-approve"]) == .success)
        let registered = await api.calls("RegisterTargets").map { $0.parameters["Targets.member.1.Id"] }
        #expect(registered == ["10.0.0.12"])
    }

    @Test func destroyNeedsNoLookup() async {
        let api = FakeAWS().api()
        let console = RecordingConsole(inputIsTerminal: false)
        let names = FakeNames([:])
        var runner = CommandRunner(console: console, environment: [:], loadSpecs: { _ throws(RPLinkError) in
            SpecLoadResult(specs: [Self.spec("planetscale-import", endpoint: Self.host, file: "rplink.yaml")], diagnostics: [])
        })
        runner.makeAPI = { _ in api }
        runner.names = names
        _ = await runner.run(arguments: ["destroy", "--auto-approve"])
        #expect(names.total == 0)
        #expect(!console.error.contains("writer_endpoint"))
    }
}
