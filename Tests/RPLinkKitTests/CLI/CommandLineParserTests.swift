import Foundation
import Testing
@testable import RPLinkKit

@Suite struct CommandLineParserTests {
    private func invocation(_ arguments: [String]) throws -> Invocation {
        guard case .run(let invocation) = try CommandLineParser.parse(arguments) else {
            Issue.record("\(arguments) did not parse to a command to run")
            throw UsageError("not a run", command: nil)
        }
        return invocation
    }

    private func usageError(_ arguments: [String]) -> UsageError? {
        do {
            _ = try CommandLineParser.parse(arguments)
            return nil
        } catch {
            return error
        }
    }

    @Test func specDefaultsToRplinkYamlInTheCurrentFolder() throws {
        #expect(try invocation(["validate"]).command == .validate(ValidateCommandOptions(specPaths: ["rplink.yaml"])))
        #expect(try invocation(["destroy"]).command == .destroy(DestroyCommandOptions(specPaths: ["rplink.yaml"])))
    }

    @Test func planTakesEveryOneOfItsOptions() throws {
        let parsed = try invocation(["plan", "a.yaml", "specs/", "--json", "--out", "plan.json",
                                     "--detailed-exitcode", "--destroy", "--adopt"])
        #expect(parsed.command == .plan(PlanCommandOptions(
            specPaths: ["a.yaml", "specs/"], json: true, outFile: "plan.json",
            detailedExitCode: true, destroy: true, adopt: true)))
    }

    @Test func applyTakesAPlanFileOrSpecsAndItsFlags() throws {
        #expect(try invocation(["apply", "saved.plan", "--auto-approve"]).command
            == .apply(ApplyCommandOptions(paths: ["saved.plan"], autoApprove: true)))
        #expect(try invocation(["apply", "--adopt"]).command
            == .apply(ApplyCommandOptions(paths: ["rplink.yaml"], adopt: true)))
    }

    @Test func outputTakesJSON() throws {
        #expect(try invocation(["output", "--json"]).command == .output(OutputCommandOptions(json: true)))
    }

    @Test func globalOptionsAreReadBeforeAndAfterTheCommand() throws {
        let parsed = try invocation(["--region", "eu-west-1", "plan", "--profile=prod",
                                     "--endpoint-url", "http://127.0.0.1:5000", "--parallelism=4",
                                     "--debug", "--no-color"])
        #expect(parsed.options == GlobalOptions(
            region: "eu-west-1", profile: "prod", endpointURL: "http://127.0.0.1:5000",
            parallelism: 4, debug: true, noColor: true))
    }

    @Test func parallelismDefaultsToTen() throws {
        #expect(try invocation(["plan"]).options.parallelism == 10)
    }

    @Test func doubleDashEndsOptions() throws {
        #expect(try invocation(["validate", "--", "--json", "-h"]).command
            == .validate(ValidateCommandOptions(specPaths: ["--json", "-h"])))
    }

    @Test func aLaterValueOfTheSameOptionWins() throws {
        #expect(try invocation(["plan", "--out", "a", "--out=b"]).command == .plan(PlanCommandOptions(outFile: "b")))
    }

    @Test(arguments: [
        (["--help"], nil),
        (["-h"], nil),
        (["help"], nil),
        (["plan", "--help"], CommandName.plan),
        (["help", "apply"], .apply),
        (["destroy", "-h", "--bogus"], .destroy),
        (["--help", "output"], .output),
    ] as [([String], CommandName?)])
    func helpWinsOverEverythingElse(arguments: [String], topic: CommandName?) throws {
        #expect(try CommandLineParser.parse(arguments) == .help(topic))
    }

    @Test(arguments: [["--version"], ["plan", "--version"], ["validate", "x.yaml", "--version"]])
    func versionIsAcceptedAnywhere(arguments: [String]) throws {
        #expect(try CommandLineParser.parse(arguments) == .version)
    }

    @Test func unknownCommandSuggestsTheNearestOne() {
        let error = usageError(["plna"])
        #expect(error == UsageError("Unknown command 'plna'. Did you mean 'plan'?", command: nil))
    }

    @Test func farOffCommandGetsNoSuggestion() {
        #expect(usageError(["frobnicate"])?.message == "Unknown command 'frobnicate'.")
    }

    @Test func unknownOptionSuggestsTheNearestOne() {
        let error = usageError(["plan", "--detailed-exit-code"])
        #expect(error?.message == "Unknown option '--detailed-exit-code' for 'rplink plan'. Did you mean '--detailed-exitcode'?")
        #expect(error?.command == .plan)
    }

    @Test func jsonIsNotAnOptionOfApply() {
        let error = usageError(["apply", "--json"])
        #expect(error?.message == "Unknown option '--json' for 'rplink apply'.")
        #expect(error?.command == .apply)
    }

    @Test func commandOptionsAreRefusedBeforeTheCommand() {
        #expect(usageError(["--json", "plan"])?.message.hasPrefix("Unknown option '--json'") == true)
    }

    @Test(arguments: [["plan", "--out"], ["plan", "--out="], ["plan", "--region", "--json"]])
    func optionWithoutItsValueIsAnError(arguments: [String]) {
        #expect(usageError(arguments)?.message.hasPrefix("Missing value for '--") == true)
    }

    @Test(arguments: ["abc", "0", "-3", "2.5"])
    func parallelismMustBeAPositiveInteger(value: String) {
        let error = usageError(["apply", "--parallelism", value])
        #expect(error?.message == "The value '\(value)' is invalid for '--parallelism <n>': expected a positive integer.")
        #expect(error?.command == .apply)
    }

    @Test func endpointURLMustBeHTTP() {
        #expect(usageError(["plan", "--endpoint-url", "localhost:5000"])?.message.contains("--endpoint-url") == true)
        #expect(usageError(["plan", "--endpoint-url", "https://ec2.example.com"]) == nil)
    }

    @Test(arguments: ["http://example.com", "http://localhost.evil.com:5000", "http://10.0.0.1:4566"])
    func plainHTTPToANonLoopbackHostIsAUsageError(url: String) {
        let host = URL(string: url)?.host ?? ""
        #expect(usageError(["plan", "--endpoint-url", url])?.message
            == "The value '\(url)' is invalid for '--endpoint-url <url>': refusing plain http to non-loopback host \(host); use https.")
    }

    @Test(arguments: ["http://127.0.0.1:5000", "http://localhost:5000"])
    func plainHTTPToLoopbackIsAccepted(url: String) {
        #expect(usageError(["plan", "--endpoint-url", url]) == nil)
    }

    /// The same rule as for AWS_ENDPOINT_URL (EndpointResolver.check), as a usage error.
    @Test func anIPv6EndpointIsAUsageErrorWithTheReason() {
        #expect(usageError(["plan", "--endpoint-url", "http://[::1]:5000"])?.message.contains("has an IPv6 address, which URLSession on Linux cannot reach") == true)
    }

    @Test func flagsTakeNoValue() {
        #expect(usageError(["plan", "--json=yes"])?.message == "The flag '--json' takes no value.")
    }

    @Test func unknownShortOptionIsAnError() {
        #expect(usageError(["plan", "-x"])?.message == "Unknown option '-x'.")
    }

    @Test func missingCommandIsAnError() {
        #expect(usageError([])?.message.hasPrefix("Missing command") == true)
        #expect(usageError(["--debug"])?.command == nil)
    }
}
