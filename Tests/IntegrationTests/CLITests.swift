import Foundation
import Testing
import RPLinkKit

/// The built binary's command line: help, version, usage errors and `validate`, all offline.
@Suite struct CLITests {
    let rplink: RPLinkBinary

    init() throws {
        rplink = try RPLinkBinary.locate()
    }

    @Test func versionPrintsTheVersion() async throws {
        let result = try await rplink.run(["--version"])
        #expect(result.exitCode == 0)
        #expect(result.stdout == "rplink \(RPLink.version)\n")
    }

    @Test func topLevelHelpListsTheSubcommands() async throws {
        let result = try await rplink.run(["--help"])
        #expect(result.exitCode == 0)
        for section in ["OVERVIEW:", "USAGE:", "OPTIONS:", "SUBCOMMANDS:"] {
            #expect(result.stdout.contains(section))
        }
        #expect(result.stderr.isEmpty)
    }

    @Test(arguments: CommandName.allCases)
    func everyCommandHasHelp(command: CommandName) async throws {
        let result = try await rplink.run([command.rawValue, "--help"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("USAGE: rplink \(command.rawValue)"))
        for section in ["OVERVIEW:", "ARGUMENTS:", "OPTIONS:", "--region <region>"] {
            #expect(result.stdout.contains(section))
        }
    }

    @Test(arguments: [
        (["plna"], "Unknown command 'plna'. Did you mean 'plan'?"),
        (["plan", "--jsno"], "Unknown option '--jsno' for 'rplink plan'. Did you mean '--json'?"),
        (["apply", "--json"], "Unknown option '--json' for 'rplink apply'."),
        (["plan", "--out"], "Missing value for '--out <file>'."),
        (["destroy", "--parallelism", "many"], "The value 'many' is invalid for '--parallelism <n>'"),
        ([], "Missing command"),
    ])
    func badCommandLineExits64WithErrorAndUsage(arguments: [String], message: String) async throws {
        let result = try await rplink.run(arguments)
        #expect(result.exitCode == 64)
        #expect(result.stderr.hasPrefix("Error: \(message)"))
        #expect(result.stderr.contains("\nUsage: rplink"))
        #expect(result.stdout.isEmpty)
    }

    @Test func validateOfTheExampleSucceedsWithoutCredentials() async throws {
        let example = RepositoryPaths.examples.appendingPathComponent("planetscale-import.yaml")
        let result = try await rplink.run(["validate", example.path])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.hasPrefix("Valid: 1 spec (planetscale-import)"), "\(result)")
    }

    @Test func validateOfABrokenSpecReportsFileLineAndColumn() async throws {
        let folder = try TemporaryDirectory.make(prefix: "broken-spec")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("broken.yaml")
        try """
            version: 1
            name: broken
            region: us-east-1
            producer:
              vpc_id: vpc-0f00
              subnets:
                - subnet_id: subnet-0a
                  az_id: use1-az1
            database:
              writer_ip: 10.0.0.1
              port: 70000
            consumer:
              account_id: "123456789012"
              cidr_blocks: [10.0.1.0/24]

            """.write(to: spec, atomically: true, encoding: .utf8)
        let result = try await rplink.run(["validate", spec.path])
        #expect(result.exitCode == 1)
        let pattern = #/^.*broken\.yaml:11:\d+: error: .+$/#.anchorsMatchLineEndings()
        #expect(result.stderr.contains(pattern), "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test func planWithoutASpecNamesTheDefaultPathItLookedFor() async throws {
        let directory = try TemporaryDirectory.make(prefix: "no-spec")
        let result = try await rplink.run(["plan"], currentDirectory: directory)
        #expect(result.exitCode == 1)
        #expect(result.stderr == "Error: cannot read 'rplink.yaml': no such file or directory; with no SPEC argument rplink reads ./rplink.yaml: name spec files or folders\n")
        #expect(result.stdout.isEmpty)
    }
}
