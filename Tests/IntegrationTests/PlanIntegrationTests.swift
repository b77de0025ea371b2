import Foundation
import Testing

/// `rplink plan` against the emulator (issue 4): the producer VPC, subnets and security
/// group come from boto3, stacks are made by rplink or by the runbook's calls in boto3, and
/// what the plan promises is checked against boto3's view. Each test has its own VPC and
/// stack name, so tests never see each other's objects.
@Suite(.serialized) struct PlanIntegrationTests {
    static let shared = SharedEmulator()

    let rplink: RPLinkBinary

    init() throws {
        rplink = try RPLinkBinary.locate()
    }

    static let writerAddress = #"target.writer["\#(ProducerFixture.writerIP)"]"#
    static let ruleAddress = #"security_group_rule.consumer["\#(ProducerFixture.consumerCIDR)"]"#
    static let principalAddress = #"endpoint_service_principal["arn:aws:iam::\#(ProducerFixture.consumerAccountId):root"]"#

    // MARK: - empty account

    @Test func planOfAnEmptyAccountListsEveryCreateAndExitsTwo() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared)
        defer { setup.removeFolder() }
        let spec = try setup.fixture.writeSpec(name: "fresh", in: setup.folder)

        let result = try await rplink.run(["plan", "--detailed-exitcode", spec.path], emulator: setup.emulator)

        #expect(result.exitCode == 2, "\(result)")
        let lines = result.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("    ") }
        #expect(lines.map { String($0) } == [
            "  + security_group.nlb  # not found",
            "  + \(Self.ruleAddress)  # not found",
            "  + load_balancer.nlb  # not found",
            "  + target_group.writer  # not found",
            "  + \(Self.writerAddress)  # not registered",
            "  + listener.db  # not found",
            "  + endpoint_service.main  # not found",
            "  + \(Self.principalAddress)  # not allowed yet",
        ], "\(result)")
        #expect(result.stdout.hasSuffix("Plan: 8 to add, 0 to change, 0 to replace, 0 to destroy.\n"), "\(result)")

        // A plan writes nothing: boto3 finds none of the eight.
        let found: [String: Int] = try await setup.boto.run("""
            lbs = [lb for lb in elbv2.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == "fresh-nlb"]
            groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["fresh-nlb"]}])["SecurityGroups"]
            tgs = [tg for tg in elbv2.describe_target_groups()["TargetGroups"] if tg["TargetGroupName"] == "fresh-tg"]
            emit({"load_balancers": len(lbs), "security_groups": len(groups), "target_groups": len(tgs)})
            """)
        #expect(found == ["load_balancers": 0, "security_groups": 0, "target_groups": 0])
    }

    // MARK: - a runbook-made stack

    @Test func runbookStackCarryingOurTagsPlansNoChangesAndExitsZero() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared)
        defer { setup.removeFolder() }
        _ = try await RunbookStack.create(name: "runbook", fixture: setup.fixture, tagged: true, with: setup.boto)
        let spec = try setup.fixture.writeSpec(name: "runbook", in: setup.folder, referenceSecurityGroup: true)

        let result = try await rplink.run(["plan", "--detailed-exitcode", spec.path], emulator: setup.emulator)

        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.hasSuffix("No changes. The infrastructure matches the spec.\n"), "\(result)")
        #expect(!result.stdout.contains("Error:") && !result.stdout.contains("Warning:"), "\(result)")
    }

    @Test func manualChangesArePlannedAsExactlyThoseActions() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared)
        defer { setup.removeFolder() }
        let stack = try await RunbookStack.create(name: "drifted", fixture: setup.fixture, tagged: true, with: setup.boto)
        let spec = try setup.fixture.writeSpec(name: "drifted", in: setup.folder, referenceSecurityGroup: true)
        let strayIP = "10.0.1.20"
        let principal = "arn:aws:iam::\(ProducerFixture.consumerAccountId):root"
        let live: [String: [String]] = try await setup.boto.run("""
            tg, service = "\(stack.targetGroupArn)", "\(stack.serviceId)"
            elbv2.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": "\(ProducerFixture.writerIP)", "Port": 3306}])
            elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": "\(strayIP)", "Port": 3306}])
            ec2.modify_vpc_endpoint_service_configuration(ServiceId=service, AcceptanceRequired=True)
            ec2.modify_vpc_endpoint_service_permissions(ServiceId=service, RemoveAllowedPrincipals=["\(principal)"])
            emit({
                "targets": [t["Target"]["Id"] for t in elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]],
                "principals": [p["Principal"] for p in ec2.describe_vpc_endpoint_service_permissions(ServiceId=service)["AllowedPrincipals"]],
            })
            """)
        #expect(live == ["targets": [strayIP], "principals": []], "the manual changes did not take")

        let (result, document) = try await planJSON([spec.path], setup)

        #expect(result.exitCode == 0, "\(result)")
        let plan = try #require(document.stacks.first)
        #expect(plan.actionLines == [
            "create \(Self.writerAddress)",
            "delete target.writer[\"\(strayIP)\"]",
            "update endpoint_service.main",
            "create \(Self.principalAddress)",
        ])
        #expect(plan.summary == .init(create: 2, update: 1, replace: 0, delete: 1))
        let service = try #require(plan.actions.first { $0.address == "endpoint_service.main" })
        #expect(service.before?["acceptance_required"] == .bool(true))
        #expect(service.after?["acceptance_required"] == .bool(false))
        #expect(service.before?["id"] == .string(stack.serviceId))
    }

    // MARK: - preflight

    @Test func subnetWhoseAZIdDiffersFromTheSpecIsAPreflightError() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared)
        defer { setup.removeFolder() }
        // The spec swaps the AZ ids of the first two subnets: the slip the seed warns about.
        var swapped = setup.fixture
        swapped.subnets[0].azId = setup.fixture.subnets[1].azId
        swapped.subnets[1].azId = setup.fixture.subnets[0].azId
        let spec = try swapped.writeSpec(name: "wrong-az", in: setup.folder)

        let result = try await rplink.run(["plan", "--detailed-exitcode", spec.path], emulator: setup.emulator)

        #expect(result.exitCode == 1, "\(result)")
        let output = result.stdout + result.stderr
        for (live, claimed) in zip(setup.fixture.subnets.prefix(2), swapped.subnets.prefix(2)) {
            let line = output.split(separator: "\n").first { $0.contains("Error:") && $0.contains(live.subnetId) }
            let text = try #require(line.map(String.init), "no error names \(live.subnetId):\n\(result)")
            #expect(text.contains("AZ id \(live.azId)"), "\(text)")
            #expect(text.contains("the spec says \(claimed.azId)"), "\(text)")
        }
        // The third subnet is where the spec says: no error for it.
        let third = setup.fixture.subnets[2].subnetId
        #expect(!output.split(separator: "\n").contains { $0.contains("Error:") && $0.contains(third) }, "\(result)")
    }

    // MARK: - ownership and --adopt

    @Test func untaggedLoadBalancerWithOurNameIsAnErrorNamingAdopt() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared)
        defer { setup.removeFolder() }
        try await createUntaggedLoadBalancer("handmade-nlb", setup)
        let spec = try setup.fixture.writeSpec(name: "handmade", in: setup.folder, referenceSecurityGroup: true)

        let result = try await rplink.run(["plan", "--detailed-exitcode", spec.path], emulator: setup.emulator)

        #expect(result.exitCode == 1, "\(result)")
        let error = result.stderr.split(separator: "\n").first { $0.hasPrefix("Error:") && $0.contains("load_balancer.nlb") }
        let text = try #require(error.map(String.init), "\(result)")
        #expect(text.contains("handmade-nlb"))
        #expect(text.contains("--adopt"))
        #expect(!result.stdout.contains("+ load_balancer.nlb"), "a second NLB of the same name must never be planned:\n\(result)")
    }

    @Test func adoptPlansTaggingTheUntaggedLoadBalancerInsteadOfCreatingOne() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared)
        defer { setup.removeFolder() }
        let arn = try await createUntaggedLoadBalancer("adopted-nlb", setup)
        let spec = try setup.fixture.writeSpec(name: "adopted", in: setup.folder, referenceSecurityGroup: true)

        let (result, document) = try await planJSON(["--adopt", spec.path], setup)

        #expect(result.exitCode == 0, "\(result)")
        let plan = try #require(document.stacks.first)
        let onLoadBalancer = plan.actions.filter { $0.address == "load_balancer.nlb" }
        #expect(onLoadBalancer.map(\.action) == ["update"], "\(plan.actionLines)")
        let update = try #require(onLoadBalancer.first)
        #expect(update.before?["arn"] == .string(arn))
        #expect(update.after?["tags"] == .object(["rplink:stack": .string("adopted"), "rplink:resource": .string("load_balancer.nlb")]))
        // Everything the hand-made NLB lacks is still planned, on top of it.
        #expect(plan.actionLines.filter { $0.hasPrefix("create ") } == [
            "create \(Self.ruleAddress)", "create target_group.writer", "create \(Self.writerAddress)",
            "create listener.db", "create endpoint_service.main", "create \(Self.principalAddress)",
        ])

        // Planning tags nothing: the NLB is still untagged.
        let tags: [String: String] = try await setup.boto.run("""
            described = elbv2.describe_tags(ResourceArns=["\(arn)"])["TagDescriptions"]
            emit({t["Key"]: t["Value"] for d in described for t in d["Tags"]})
            """)
        #expect(tags.isEmpty)
    }

    @Test func runbookStackWithoutTagsIsAdoptedByTaggingOnly() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared)
        defer { setup.removeFolder() }
        let stack = try await RunbookStack.create(name: "migrating", fixture: setup.fixture, tagged: false, with: setup.boto)
        let spec = try setup.fixture.writeSpec(name: "migrating", in: setup.folder, referenceSecurityGroup: true)

        let (refused, _) = try await planJSON([spec.path], setup)
        #expect(refused.exitCode == 1, "without --adopt the untagged stack is refused:\n\(refused)")

        let (result, document) = try await planJSON(["--adopt", spec.path], setup)

        #expect(result.exitCode == 0, "\(result)")
        let plan = try #require(document.stacks.first)
        // What the runbook made is taken over as it is: tags are added (the listener's like its
        // NLB's), nothing is created or replaced.
        #expect(plan.actionLines == [
            "update \(Self.ruleAddress)",
            "update load_balancer.nlb",
            "update target_group.writer",
            "update listener.db",
            "update endpoint_service.main",
        ])
        let service = try #require(plan.actions.first { $0.address == "endpoint_service.main" })
        #expect(service.before?["id"] == .string(stack.serviceId))
    }

    /// A spec whose stack name changed plans a new stack; the old one, still up in the same VPC
    /// and not in this run, is named in a note. Planned together with the new one, it is not.
    @Test func aRenamedStackIsNamedInANoteAndNotWhenItIsPlannedToo() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared)
        defer { setup.removeFolder() }
        let old = try await setup.applyStacks(["before-rename"], with: rplink)
        let newFolder = setup.folder.appendingPathComponent("new", isDirectory: true)
        try FileManager.default.createDirectory(at: newFolder, withIntermediateDirectories: true)
        let renamed = try setup.fixture.writeSpec(name: "after-rename", in: newFolder)

        let plan = try await rplink.run(["plan", renamed.path], emulator: setup.emulator)
        #expect(plan.exitCode == 0, "\(plan)")
        #expect(plan.stdout.contains("Note: stack after-rename: load_balancer.nlb: \(setup.fixture.vpcId) already has the load balancer of rplink stack before-rename, not planned here"), "\(plan)")

        let both = try await rplink.run(["plan", renamed.path, old[0].path], emulator: setup.emulator)
        #expect(both.exitCode == 0, "\(both)")
        #expect(!both.stdout.contains("not planned here"), "\(both)")
    }

    // MARK: - saved plans

    @Test func savedPlanIsRefusedOnceTheLiveStateItWasMadeFromChanges() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared)
        defer { setup.removeFolder() }
        let stack = try await RunbookStack.create(name: "saved", fixture: setup.fixture, tagged: true, with: setup.boto)
        let spec = try setup.fixture.writeSpec(name: "saved", in: setup.folder, referenceSecurityGroup: true)
        _ = try await setup.boto.run("""
            ec2.modify_vpc_endpoint_service_configuration(ServiceId="\(stack.serviceId)", AcceptanceRequired=True)
            emit({})
            """, as: [String: Int].self)
        let planFile = setup.folder.appendingPathComponent("saved.plan").path
        let planned = try await rplink.run(["plan", "--out", planFile, spec.path], emulator: setup.emulator)
        try #require(planned.exitCode == 0, "\(planned)")
        #expect(planned.stdout.contains("~ endpoint_service.main"), "\(planned)")

        // Someone changes the service after the plan was made (here: removes the consumer).
        _ = try await setup.boto.run("""
            ec2.modify_vpc_endpoint_service_permissions(ServiceId="\(stack.serviceId)",
                RemoveAllowedPrincipals=["arn:aws:iam::\(ProducerFixture.consumerAccountId):root"])
            emit({})
            """, as: [String: Int].self)
        let applied = try await rplink.run(["apply", planFile], emulator: setup.emulator)

        #expect(applied.exitCode == 1, "\(applied)")
        #expect(applied.stderr.contains("stale"), "\(applied)")
        // Nothing of the stale plan ran: acceptance is still as the person left it.
        let acceptance: [String: Bool] = try await setup.boto.run("""
            service = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=["\(stack.serviceId)"])["ServiceConfigurations"][0]
            emit({"acceptance_required": service["AcceptanceRequired"]})
            """)
        #expect(acceptance == ["acceptance_required": true])
    }

    // MARK: - JSON

    @Test func jsonPlanIsExactlyOneDocumentOfTheDocumentedShape() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared)
        defer { setup.removeFolder() }
        let spec = try setup.fixture.writeSpec(name: "json-shape", in: setup.folder)

        // --debug too: its call log must go to stderr, never into the JSON.
        let result = try await rplink.run(["plan", "--json", "--debug", spec.path], emulator: setup.emulator)

        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stderr.contains("aws: elasticloadbalancing DescribeLoadBalancers attempt 1"), "\(result)")
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let document = try #require(parsed as? [String: Any])
        #expect(Set(document.keys).isSuperset(of: ["format_version", "stacks"]))
        #expect(document["format_version"] is String)
        let stacks = try #require(document["stacks"] as? [[String: Any]])
        #expect(stacks.count == 1)
        let stack = try #require(stacks.first)
        #expect(stack["name"] as? String == "json-shape")
        #expect(stack["region"] as? String == "us-east-1")
        #expect((stack["account_id"] as? String).map { $0.count == 12 && $0.allSatisfy(\.isNumber) } == true)
        let summary = try #require(stack["summary"] as? [String: Int])
        #expect(summary == ["create": 8, "update": 0, "replace": 0, "delete": 0])
        let actions = try #require(stack["actions"] as? [[String: Any]])
        #expect(actions.count == 8)
        for action in actions {
            #expect(action["address"] is String)
            #expect(["create", "update", "replace", "delete"].contains(action["action"] as? String ?? ""))
            #expect(action["reason"] is String)
            #expect(action["before"] is NSNull, "a create has no before")
            #expect(action["after"] is [String: Any])
        }
    }

    // MARK: - golden

    /// The seed's stack planned against a real (emulated) empty account renders exactly as the
    /// unit-level golden made from a hand-built live state, once the emulator's ids are mapped
    /// back to the golden's.
    @Test func seedStackTextPlanMatchesTheUnitGolden() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared)
        defer { setup.removeFolder() }
        let goldenSubnets = ["use1-az1": "subnet-0cafed00d", "use1-az2": "subnet-0c0ffee", "use1-az4": "subnet-0cafef00d"]
        let spec = setup.folder.appendingPathComponent("seed.yaml")
        try """
            version: 1
            name: planetscale-import
            region: us-east-1
            producer:
              vpc_id: \(setup.fixture.vpcId)
              subnets:
            \(setup.fixture.subnets.map { "    - subnet_id: \($0.subnetId)\n      az_id: \($0.azId)" }.joined(separator: "\n"))
            database:
              writer_ip: 10.0.0.1
              port: 3306
            consumer:
              account_id: "123456789012"
              cidr_blocks: [10.0.1.0/24]
              az_ids: [use1-az1, use1-az2, use1-az4]
            load_balancer:
              name: pl-nlb
              cross_zone: true
            target_group:
              name: pl-nlb-target-group
            endpoint_service:
              acceptance_required: false

            """.write(to: spec, atomically: true, encoding: .utf8)

        let result = try await rplink.run(["plan", spec.path], emulator: setup.emulator)

        #expect(result.exitCode == 0, "\(result)")
        let accountLine = try #require(result.stdout.split(separator: "\n").first)
        var text = result.stdout.replacingOccurrences(of: String(accountLine), with: "Stack planetscale-import (region us-east-1, account 111122223333)")
        text = text.replacingOccurrences(of: setup.fixture.vpcId, with: "vpc-0f00")
        for subnet in setup.fixture.subnets {
            text = text.replacingOccurrences(of: subnet.subnetId, with: goldenSubnets[subnet.azId] ?? subnet.subnetId)
        }
        text = Self.sortingSubnetLists(text)
        let golden = try String(
            contentsOf: RepositoryPaths.root.appendingPathComponent("Tests/RPLinkKitTests/Fixtures/plan/seed-create.txt"), encoding: .utf8)
        #expect(text == golden)
    }

    // MARK: - helpers

    /// Runs `plan --json` and decodes its stdout.
    func planJSON(_ arguments: [String], _ setup: PlanSetup) async throws -> (ProcessResult, PlanDocument) {
        let result = try await rplink.run(["plan", "--json"] + arguments, emulator: setup.emulator)
        do {
            return (result, try JSONDecoder().decode(PlanDocument.self, from: Data(result.stdout.utf8)))
        } catch {
            Issue.record("plan --json printed no plan document (\(error)):\n\(result)")
            throw error
        }
    }

    /// An internal NLB made by hand in the fixture's subnets with its security group, untagged.
    @discardableResult
    func createUntaggedLoadBalancer(_ name: String, _ setup: PlanSetup) async throws -> String {
        let subnets = setup.fixture.subnets.map { "\"\($0.subnetId)\"" }.joined(separator: ", ")
        return try await setup.boto.run("""
            emit(elbv2.create_load_balancer(Name="\(name)", Type="network", Scheme="internal", Subnets=[\(subnets)],
                                            SecurityGroups=["\(setup.fixture.securityGroupId)"])["LoadBalancers"][0]["LoadBalancerArn"])
            """)
    }

    /// Subnet ids are listed sorted; after renaming ids the list is sorted again.
    static func sortingSubnetLists(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let range = line.range(of: "+ subnets: [") , line.hasSuffix("]") else { return String(line) }
            let items = line[range.upperBound..<line.index(before: line.endIndex)].components(separatedBy: ", ").sorted()
            return String(line[..<range.upperBound]) + items.joined(separator: ", ") + "]"
        }.joined(separator: "\n")
    }
}
