import Foundation
import Synchronization
import Testing
@testable import RPLinkKit

/// `apply`'s confirmation and refusal rules, run through `CommandRunner` against a fake AWS
/// account (no network): nothing may change in AWS unless the user approved a sound plan.
@Suite struct CommandRunnerApplyTests {
    static func runner(_ console: RecordingConsole, api: RecordingQueryAPI) -> CommandRunner {
        var runner = CommandRunner(console: console, environment: [:], loadSpecs: { _ throws(RPLinkError) in
            SpecLoadResult(specs: [SeedStack.spec], diagnostics: [])
        })
        runner.makeAPI = { _ in api }
        return runner
    }

    static let creates: Set<String> = ["CreateSecurityGroup", "CreateLoadBalancer", "CreateTargetGroup", "CreateListener", "CreateVpcEndpointServiceConfiguration"]

    @Test func applyWithoutATerminalAndWithoutAutoApproveRefusesAndChangesNothing() async {
        let api = FakeAWS().api()
        let console = RecordingConsole(inputIsTerminal: false)
        #expect(await Self.runner(console, api: api).run(arguments: ["apply"]) == .failure)
        #expect(console.error.contains("standard input is not a terminal"))
        #expect(console.error.contains("--auto-approve"))
        #expect(console.output.contains("Plan:"))
        #expect(await api.mutatingCalls.isEmpty)
        #expect(!(await api.calls.isEmpty))
    }

    @Test(arguments: [["no"], ["y"], ["YES"], ["yes please"], [""], []])
    func applyOnATerminalCancelsOnAnyAnswerButYes(input: [String]) async {
        let api = FakeAWS().api()
        let console = RecordingConsole(input: input, inputIsTerminal: true)
        #expect(await Self.runner(console, api: api).run(arguments: ["apply"]) == .failure)
        #expect(console.output.contains("Only 'yes' will be accepted"))
        #expect(console.error.contains("Apply cancelled; nothing was changed."))
        #expect(await api.mutatingCalls.isEmpty)
    }

    @Test(arguments: [["yes"], ["  yes  "]])
    func applyOnATerminalRunsOnYes(input: [String]) async {
        let api = FakeAWS().api()
        let console = RecordingConsole(input: input, inputIsTerminal: true)
        #expect(await Self.runner(console, api: api).run(arguments: ["apply"]) == .success)
        #expect(Set(await api.mutatingCalls.map(\.action)).isSuperset(of: Self.creates))
        #expect(console.output.contains("Apply complete!"))
        #expect(console.output.contains("load_balancer.nlb (createLoadBalancer): Creation complete after"))
        #expect(console.error.isEmpty)
    }

    @Test func autoApproveRunsWithoutATerminalAndWithoutAsking() async {
        let api = FakeAWS().api()
        let console = RecordingConsole(inputIsTerminal: false)
        #expect(await Self.runner(console, api: api).run(arguments: ["apply", "--auto-approve"]) == .success)
        #expect(!console.output.contains("Enter a value"))
        #expect(Set(await api.mutatingCalls.map(\.action)).isSuperset(of: Self.creates))
    }

    @Test func aFailedStepMakesApplyExitOneWithTheSummary() async {
        let api = FakeAWS().api(failing: { call in
            call.action == "CreateTargetGroup"
                ? AWSError(service: .elbv2, action: "CreateTargetGroup", code: "TooManyTargetGroups", message: "quota", httpStatus: 400) : nil
        })
        let console = RecordingConsole()
        #expect(await Self.runner(console, api: api).run(arguments: ["apply", "--auto-approve"]) == .failure)
        // The failure report, with the AWS error, is on standard error.
        #expect(console.error.contains("Apply failed:"))
        #expect(console.error.contains("TooManyTargetGroups"))
        #expect(!console.output.contains("TooManyTargetGroups"))
        #expect(await api.calls("CreateListener").isEmpty)
        #expect(await api.calls("RegisterTargets").isEmpty)
    }

    @Test func aPlanWithPreflightErrorsIsRefusedBeforeAnyChangeEvenWithAutoApprove() async {
        let aws = FakeAWS()
        aws.world.withLock { $0.subnetAZ["subnet-0c0ffee"] = "use1-az6" }
        let api = aws.api()
        let console = RecordingConsole()
        #expect(await Self.runner(console, api: api).run(arguments: ["apply", "--auto-approve"]) == .failure)
        #expect(console.error.contains("the plan has errors"))
        #expect(console.error.contains("Error: stack planetscale-import: subnet-0c0ffee: the subnet subnet-0c0ffee is in AZ id use1-az6"))
        #expect(!console.output.contains("Error:"))
        #expect(await api.mutatingCalls.isEmpty)
    }

    /// With --json the errors are in the document, and on standard error too: the closing
    /// "listed above" must have something above it.
    @Test func planJSONWithErrorsListsThemOnStandardErrorAsWell() async throws {
        let aws = FakeAWS()
        aws.world.withLock { $0.subnetAZ["subnet-0c0ffee"] = "use1-az6" }
        let console = RecordingConsole()
        #expect(await Self.runner(console, api: aws.api()).run(arguments: ["plan", "--json"]) == .failure)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [String: Any])
        let errors = try #require((document["stacks"] as? [[String: Any]])?.first?["errors"] as? [String])
        #expect(errors.count == 1)
        #expect(console.error.hasPrefix("Error: \(errors[0])\nError: the plan has errors (listed above)"), "\(console.error)")
    }

    // MARK: - Saved plans

    func savedPlan(_ aws: FakeAWS) async throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rplink-apply-\(UUID().uuidString).json").path
        let console = RecordingConsole()
        let api = aws.api()
        #expect(await Self.runner(console, api: api).run(arguments: ["plan", "--out", path]) == .success, "\(console.error)")
        #expect(await api.mutatingCalls.isEmpty)
        return path
    }

    @Test func aFreshSavedPlanRunsWithoutAsking() async throws {
        let aws = FakeAWS()
        let path = try await savedPlan(aws)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let api = aws.api()
        let console = RecordingConsole(inputIsTerminal: false)
        #expect(await Self.runner(console, api: api).run(arguments: ["apply", path]) == .success, "\(console.error)")
        #expect(Set(await api.mutatingCalls.map(\.action)).isSuperset(of: Self.creates))
    }

    @Test func aStaleSavedPlanIsRefusedBeforeAnyChange() async throws {
        let aws = FakeAWS()
        let path = try await savedPlan(aws)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Someone changed the account since the plan was saved.
        aws.world.withLock { $0.vpcCidr = "10.9.0.0/16" }
        let api = aws.api()
        let console = RecordingConsole()
        #expect(await Self.runner(console, api: api).run(arguments: ["apply", path]) == .failure)
        #expect(console.error.contains("the saved plan is stale"))
        #expect(console.error.contains("stack planetscale-import"))
        #expect(await api.mutatingCalls.isEmpty)
    }

    @Test(arguments: [["apply", "PLAN", "spec.yaml"], ["apply", "spec.yaml", "PLAN"], ["destroy", "PLAN", "--auto-approve"]])
    func aSavedPlanAmongSpecsOrGivenToDestroyIsAUsageError(arguments: [String]) async throws {
        let aws = FakeAWS()
        let path = try await savedPlan(aws)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let api = aws.api()
        let console = RecordingConsole()
        let exit = await Self.runner(console, api: api).run(arguments: arguments.map { $0 == "PLAN" ? path : $0 })
        #expect(exit == .usage, "\(console.error)")
        #expect(console.error.hasPrefix("Error: '\(path)' is a saved plan"), "\(console.error)")
        #expect(console.error.contains("rplink apply \(path)"))
        #expect(await api.calls.isEmpty, "refused before any AWS call")
    }

    /// A spec written as a YAML flow mapping starts with `{` too; it is a spec, not a plan.
    @Test func aSpecInFlowStyleIsNotTakenForAPlanFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rplink-flow-\(UUID().uuidString).yaml").path
        try Data("{version: 1, name: planetscale-import}\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let console = RecordingConsole()
        #expect(await Self.runner(console, api: FakeAWS().api()).run(arguments: ["destroy", path, "--auto-approve"]) == .success, "\(console.error)")
        #expect(!console.error.contains("is a saved plan"))
    }

    @Test func aPlanSavedToAMissingFolderSaysSoInPlainWords() async {
        let console = RecordingConsole()
        let path = "/nonexistent-\(UUID().uuidString)/x.plan"
        #expect(await Self.runner(console, api: FakeAWS().api()).run(arguments: ["plan", "--out", path]) == .failure)
        #expect(console.error.hasSuffix("Error: cannot write the plan to '\(path)': there is no folder '\((path as NSString).deletingLastPathComponent)'\n"), "\(console.error)")
    }

    // MARK: - Regions

    /// Stacks in different regions are read at once: each region's answers are held until the
    /// other region has made a call too (10 s at most, for a failing test not to hang), so read
    /// one after the other, the first region would end before the second began.
    @Test func stacksInDifferentRegionsAreReadAtOnce() async throws {
        var europe = SeedStack.spec
        europe.name = "europe"
        europe.region = "eu-west-1"
        let regionsCalling = Mutex(Set<String>())
        func api(_ region: String) -> RecordingQueryAPI {
            let aws = FakeAWS()
            return RecordingQueryAPI { call in
                regionsCalling.withLock { _ = $0.insert(region) }
                let deadline = ContinuousClock.now + .seconds(10)
                while regionsCalling.withLock({ $0.count }) < 2 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                return try aws.answer(call)
            }
        }
        let apis = ["us-east-1": api("us-east-1"), "eu-west-1": api("eu-west-1")]
        let specs = [SeedStack.spec, europe]
        var runner = CommandRunner(console: RecordingConsole(), environment: [:], loadSpecs: { _ throws(RPLinkError) in
            SpecLoadResult(specs: specs, diagnostics: [])
        })
        runner.makeAPI = { region in apis[region] ?? FakeAWS().api() }
        #expect(await runner.run(arguments: ["plan"]) == .success)
        let virginia = try #require(apis["us-east-1"]), ireland = try #require(apis["eu-west-1"])
        let firstStarts = [await virginia.calls.map(\.startedAt).min(), await ireland.calls.map(\.startedAt).min()].compactMap { $0 }
        let lastEnds = [await virginia.spans.map(\.endedAt).max(), await ireland.spans.map(\.endedAt).max()].compactMap { $0 }
        try #require(firstStarts.count == 2 && lastEnds.count == 2, "both regions were read")
        #expect(firstStarts[1] < lastEnds[0] && firstStarts[0] < lastEnds[1], "one region waited for the other")
    }
}
