import Foundation
import Testing

/// The seed's job end to end: the real rplink binary against the signed emulator, every
/// result checked with boto3 (StackSnapshot), never with rplink's own reads.
@Suite(.serialized) struct ApplyEndToEndTests {
    static let shared = SharedEmulator()

    let rplink: RPLinkBinary

    init() throws {
        rplink = try RPLinkBinary.locate()
    }

    /// A fresh producer VPC and a spec for it, under a stack name no other test uses.
    struct Setup {
        var emulator: Emulator
        var boto: Boto
        var fixture: ProducerFixture
        var folder: URL
        var spec: URL
        var stack: String
        var referenceSecurityGroup: Bool
    }

    func setUp(_ stack: String, referenceSecurityGroup: Bool = false) async throws -> Setup {
        let emulator = try await Self.shared.emulator()
        let boto = Boto(emulator)
        let fixture = try await ProducerFixture.create(with: boto)
        let folder = try TemporaryDirectory.make(prefix: stack)
        let spec = try fixture.writeSpec(name: stack, in: folder, referenceSecurityGroup: referenceSecurityGroup)
        return Setup(emulator: emulator, boto: boto, fixture: fixture, folder: folder, spec: spec, stack: stack,
                     referenceSecurityGroup: referenceSecurityGroup)
    }

    func run(_ arguments: [String], _ setup: Setup, endpoint: URL? = nil) async throws -> ProcessResult {
        var arguments = arguments
        if let endpoint { arguments += ["--endpoint-url", endpoint.absoluteString] }
        return try await rplink.run(arguments, emulator: setup.emulator, timeout: .seconds(120))
    }

    /// The AWS actions a `--debug` run called, in the order their attempts finished.
    static func calledActions(_ result: ProcessResult) -> [String] {
        result.stderr.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            guard words.count >= 3, words[0] == "aws:" else { return nil }
            return String(words[2])
        }
    }

    static func isReadOnly(_ action: String) -> Bool {
        action.hasPrefix("Describe") || action.hasPrefix("Get")
    }

    func snapshot(_ setup: Setup, ruleGroupId: String? = nil) async throws -> StackSnapshot {
        try await StackSnapshot.read(stack: setup.stack, ruleGroupId: ruleGroupId, with: setup.boto)
    }

    /// Asserts the seed's objects, exactly one of each, and returns the NLB's security group.
    @discardableResult
    func expectSeedObjects(_ live: StackSnapshot, _ setup: Setup, writer: String = ProducerFixture.writerIP) throws -> String {
        try #require(live.loadBalancers.count == 1, "load balancers: \(live.loadBalancers)")
        try #require(live.targetGroups.count == 1, "target groups: \(live.targetGroups)")
        try #require(live.listeners.count == 1, "listeners: \(live.listeners)")
        try #require(live.services.count == 1, "services: \(live.services)")
        let nlb = live.loadBalancers[0], group = live.targetGroups[0], listener = live.listeners[0], service = live.services[0]

        #expect(nlb.name == "\(setup.stack)-nlb")
        #expect(nlb.type == "network")
        #expect(nlb.scheme == "internal")
        #expect(nlb.subnets == setup.fixture.subnets.map(\.subnetId).sorted())
        #expect(nlb.crossZone == "true")
        try #require(nlb.securityGroups.count == 1, "NLB groups: \(nlb.securityGroups)")
        let groupId = nlb.securityGroups[0]
        if setup.referenceSecurityGroup {
            #expect(groupId == setup.fixture.securityGroupId)
            #expect(live.securityGroups.isEmpty, "a referenced group is not ours: \(live.securityGroups)")
        } else {
            #expect(groupId != setup.fixture.securityGroupId)
            #expect(live.securityGroups.map(\.id) == [groupId])
            #expect(live.securityGroups.first?.name == "\(setup.stack)-nlb")
            #expect(live.securityGroups.first?.vpcId == setup.fixture.vpcId)
        }

        #expect(group.name == "\(setup.stack)-tg")
        #expect(group.protocol == "TCP")
        #expect(group.port == 3306)
        #expect(group.targetType == "ip")
        #expect(group.vpcId == setup.fixture.vpcId)
        #expect(group.registered == ["\(writer):3306"], "targets: \(group.targets)")

        #expect(listener.loadBalancerArn == nlb.arn)
        #expect(listener.protocol == "TCP")
        #expect(listener.port == 3306)
        #expect(listener.forwardTo == [group.arn])

        #expect(service.loadBalancerArns == [nlb.arn])
        #expect(service.acceptanceRequired == false)
        #expect(service.principals == ["arn:aws:iam::\(ProducerFixture.consumerAccountId):root"])
        #expect(service.name == "com.amazonaws.vpce.us-east-1.\(service.id)")
        return groupId
    }

    func expectConsumerRule(on groupId: String, _ setup: Setup) async throws {
        let rules = try await snapshot(setup, ruleGroupId: groupId).rules.filter { $0.stackTag == setup.stack }
        #expect(rules.count == 1, "our rules: \(rules)")
        #expect(rules.first?.protocol == "tcp")
        #expect(rules.first?.fromPort == 3306)
        #expect(rules.first?.toPort == 3306)
        #expect(rules.first?.cidr == ProducerFixture.consumerCIDR)
    }

    /// The producer side rplink must never touch: VPC, subnets and the fixture's group.
    func expectProducerUntouched(_ setup: Setup) async throws {
        #expect(try await setup.fixture.census(with: setup.boto) == ProducerFixture.untouched)
    }

    // MARK: - The seed's setup, from nothing and back

    @Test(arguments: [false, true])
    func applyCreatesTheSeedsObjectsAndDestroyRemovesThem(referenceSecurityGroup: Bool) async throws {
        let setup = try await setUp(referenceSecurityGroup ? "e2e-refsg" : "e2e-ownsg", referenceSecurityGroup: referenceSecurityGroup)
        defer { try? FileManager.default.removeItem(at: setup.folder) }

        let applied = try await run(["apply", "--auto-approve", "--debug", setup.spec.path], setup)
        #expect(applied.exitCode == 0, "\(applied)")
        // Nothing existed to read these of before the steps, no step reads them, and the
        // read for the outputs afterwards asks only for what the outputs show.
        let appliedActions = Self.calledActions(applied)
        #expect(!appliedActions.contains("DescribeLoadBalancerAttributes") && !appliedActions.contains("DescribeTargetHealth"),
                "\(appliedActions)")
        // Counted as the plan counts: resources, not steps (cross-zone is a step of its own).
        let added = referenceSecurityGroup ? 7 : 8
        #expect(applied.stdout.contains("Plan: \(added) to add, 0 to change, 0 to replace, 0 to destroy."), "\(applied)")
        #expect(applied.stdout.contains("Apply complete! Resources: \(added) added, 0 changed, 0 replaced, 0 destroyed."), "\(applied)")
        let live = try await snapshot(setup)
        let groupId = try expectSeedObjects(live, setup)
        try await expectConsumerRule(on: groupId, setup)

        // output --json names the service that boto3 sees, from a read of only what it shows.
        let output = try await run(["output", "--json", "--debug", setup.spec.path], setup)
        #expect(output.exitCode == 0, "\(output)")
        var outputReads: Set = [
            "DescribeLoadBalancers", "DescribeTargetGroups", "DescribeVpcEndpointServiceConfigurations", "DescribeTags",
            "DescribeListeners", "DescribeVpcEndpointServicePermissions",
        ]
        if !referenceSecurityGroup { outputReads.insert("DescribeSecurityGroups") }
        #expect(Self.calledActions(output).sorted() == outputReads.sorted(), "\(output.stderr)")
        let outputs = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        #expect(outputs?["service_id"] as? String == live.services.first?.id)
        #expect(outputs?["service_name"] as? String == live.services.first?.name)
        #expect(outputs?["load_balancer_arn"] as? String == live.loadBalancers.first?.arn)
        #expect(outputs?["security_group_id"] as? String == groupId)
        // The outputs apply printed (read while the lock was given back) name the same service.
        let serviceId = try #require(live.services.first?.id)
        #expect(applied.stdout.contains(serviceId), "\(applied)")

        let converged = try await run(["plan", "--detailed-exitcode", setup.spec.path], setup)
        #expect(converged.exitCode == 0, "a second plan must find nothing to do: \(converged)")

        // A converged apply prints the outputs from the one read it makes.
        let reapplied = try await run(["apply", "--auto-approve", "--debug", setup.spec.path], setup)
        #expect(reapplied.exitCode == 0, "\(reapplied)")
        #expect(reapplied.stdout.contains(serviceId), "\(reapplied)")
        #expect(Self.calledActions(reapplied).filter { $0 == "DescribeLoadBalancers" }.count == 1, "\(reapplied.stderr)")

        // A new writer IP re-targets: the new one registered, the old one gone.
        let newWriter = "10.0.1.20"
        try String(contentsOf: setup.spec, encoding: .utf8)
            .replacingOccurrences(of: "writer_ip: \(ProducerFixture.writerIP)", with: "writer_ip: \(newWriter)")
            .write(to: setup.spec, atomically: true, encoding: .utf8)
        let changed = try await run(["plan", "--detailed-exitcode", setup.spec.path], setup)
        #expect(changed.exitCode == 2, "\(changed)")
        let retargeted = try await run(["apply", "--auto-approve", setup.spec.path], setup)
        #expect(retargeted.exitCode == 0, "\(retargeted)")
        let afterRetarget = try await snapshot(setup)
        try expectSeedObjects(afterRetarget, setup, writer: newWriter)
        #expect(afterRetarget.targetGroups.first?.arn == live.targetGroups.first?.arn, "re-targeting keeps the target group")
        #expect(afterRetarget.services.first?.id == live.services.first?.id, "re-targeting keeps the service id")

        let destroyed = try await run(["destroy", "--auto-approve", setup.spec.path], setup)
        #expect(destroyed.exitCode == 0, "\(destroyed)")
        #expect(destroyed.stdout.contains("Destroy complete!"), "\(destroyed)")
        let gone = try await snapshot(setup, ruleGroupId: referenceSecurityGroup ? groupId : nil)
        #expect(gone.isEmpty, "left behind: \(gone)")
        try await expectProducerUntouched(setup)
        if referenceSecurityGroup {
            // The referenced group stays; the rule rplink added to it (tagged with the stack) is revoked.
            #expect(gone.rules.filter { $0.stackTag == setup.stack }.isEmpty, "rules: \(gone.rules)")
            #expect(destroyed.stdout.contains("security_group_rule.consumer[\"\(ProducerFixture.consumerCIDR)\"]"), "\(destroyed)")
        }

        let again = try await run(["destroy", "--auto-approve", "--debug", setup.spec.path], setup)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.contains("No changes."), "\(again)")
        let actions = Self.calledActions(again)
        #expect(!actions.isEmpty, "--debug logs the reads: \(again.stderr)")
        #expect(actions.filter { !Self.isReadOnly($0) }.isEmpty, "a no-op destroy changes nothing: \(actions)")
    }

    @Test func destroyDeletesServiceBeforeNLBListenerBeforeTargetGroupAndNLBBeforeItsGroup() async throws {
        let setup = try await setUp("e2e-order")
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let applied = try await run(["apply", "--auto-approve", setup.spec.path], setup)
        try #require(applied.exitCode == 0, "\(applied)")

        let destroyed = try await run(["destroy", "--auto-approve", "--debug", setup.spec.path], setup)
        #expect(destroyed.exitCode == 0, "\(destroyed)")
        // The run's lock is a security group made first and deleted last: set its two calls aside.
        var actions = Self.calledActions(destroyed)
        let lockTaken = actions.firstIndex(of: "CreateSecurityGroup")
        #expect(lockTaken != nil && actions.last == "DeleteSecurityGroup", "the stack lock is taken and given back: \(actions)")
        if let lockTaken { actions.remove(at: lockTaken) }
        if actions.last == "DeleteSecurityGroup" { actions.removeLast() }
        func position(_ action: String) throws -> Int {
            try #require(actions.firstIndex(of: action), "\(action) not called: \(actions)")
        }
        for action in ["DeleteVpcEndpointServiceConfigurations", "DeleteLoadBalancer", "DeleteListener",
                       "DeleteTargetGroup", "DeleteSecurityGroup"] {
            #expect(actions.filter { $0 == action }.count == 1, "\(action) once: \(actions)")
        }
        #expect(try position("DeleteVpcEndpointServiceConfigurations") < position("DeleteLoadBalancer"), "\(actions)")
        #expect(try position("DeleteListener") < position("DeleteTargetGroup"), "\(actions)")
        #expect(try position("DeleteLoadBalancer") < position("DeleteSecurityGroup"), "\(actions)")
        #expect(try await snapshot(setup).isEmpty)
    }

    // MARK: - Failure halfway, then converge

    @Test(arguments: [
        // A listener has no dependents: what runs next to it completes, what waits for the service does not start.
        (action: "CreateListener", failed: "listener.db", skipped: [String]()),
        // The target and the listener need the target group: skipped as its dependents.
        (action: "CreateTargetGroup", failed: "target_group.writer", skipped: ["target.writer[\"\(ProducerFixture.writerIP)\"]", "listener.db"]),
    ])
    func applyFailingHalfwayReportsDoneFailedSkippedAndTheNextApplyConverges(
        action: String, failed: String, skipped dependents: [String]
    ) async throws {
        let setup = try await setUp("e2e-fault-\(action.lowercased())")
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let proxy = try await FaultProxy.start(upstream: setup.emulator, failing: action)
        defer { proxy.stop() }

        let broken = try await run(["apply", "--auto-approve", setup.spec.path], setup, endpoint: proxy.endpoint)
        #expect(broken.exitCode == 1, "\(broken)")
        // The failure report, with each AWS error, is on standard error; progress on standard output.
        let summary = try #require(broken.stderr.firstMatch(of: #/Apply failed: (\d+) done, (\d+) failed, (\d+) skipped\./#), "\(broken)")
        let (done, failures, skips) = (Int(summary.1) ?? -1, Int(summary.2) ?? -1, Int(summary.3) ?? -1)
        #expect(failures == 1, "\(broken)")
        #expect(done + failures + skips == 9, "every step is accounted for: \(broken)")
        #expect(!broken.stdout.contains("Apply failed:") && !broken.stdout.contains("injected"), "\(broken)")
        let failedLines = broken.stderr.split(separator: "\n").filter { $0.hasPrefix("  failed: ") }
        #expect(failedLines.count == 1)
        #expect(failedLines.first?.contains("stack \(setup.stack): \(failed) (") == true, "\(failedLines)")
        #expect(failedLines.first?.contains("\(action) failed: ValidationError") == true, "\(failedLines)")
        #expect(failedLines.first?.contains("injected [request id x]") == true, "\(failedLines)")
        #expect(broken.stderr.contains("apply did not complete"), "\(broken)")
        let skippedLines = broken.stderr.split(separator: "\n").filter { $0.hasPrefix("  skipped: ") }
        #expect(skippedLines.count == skips)
        // Each of the nine steps ends exactly once in the progress lines, as the summary counts it.
        let completions = [": Creation complete after ", ": Modifications complete after "]
        let ends = (broken.stdout + broken.stderr).split(separator: "\n").filter { line in
            !line.hasPrefix(" ") && (completions + [": Failed after ", ": Skipped: "]).contains { line.contains($0) }
        }
        #expect(ends.filter { line in completions.contains { line.contains($0) } }.count == done, "\(ends)")
        #expect(ends.filter { $0.contains(": Skipped: ") }.count == skips, "\(ends)")
        #expect(Set(ends.map { $0.prefix { $0 != ":" } }).count == 9, "\(ends)")
        #expect(ends.contains { $0.hasPrefix("\(failed) (") && $0.contains(": Failed after ") }, "\(ends)")
        for dependent in dependents {
            #expect(skippedLines.contains { $0.contains(": \(dependent) (") && $0.contains("a step it depends on did not complete") },
                    "\(dependent) is skipped as a dependent: \(skippedLines)")
        }
        let partial = try await snapshot(setup)
        if action == "CreateListener" {
            // Everything the listener does not wait on was already done when it failed.
            #expect(done >= 5, "\(broken)")
            #expect(partial.loadBalancers.count == 1 && partial.targetGroups.count == 1)
            #expect(partial.targetGroups.first?.registered == ["\(ProducerFixture.writerIP):3306"])
            #expect(partial.listeners.isEmpty)
        } else {
            #expect(partial.targetGroups.isEmpty && partial.listeners.isEmpty)
        }

        // Without the fault, the same command converges and duplicates nothing.
        let fixed = try await run(["apply", "--auto-approve", setup.spec.path], setup)
        #expect(fixed.exitCode == 0, "\(fixed)")
        let live = try await snapshot(setup)
        try expectSeedObjects(live, setup)
        #expect(live.securityGroups.count == 1, "one owned group: \(live.securityGroups)")
        let converged = try await run(["plan", "--detailed-exitcode", setup.spec.path], setup)
        #expect(converged.exitCode == 0, "\(converged)")

        let destroyed = try await run(["destroy", "--auto-approve", setup.spec.path], setup)
        #expect(destroyed.exitCode == 0, "\(destroyed)")
    }

    // MARK: - Saved plans and confirmation

    /// A load balancer or target group renamed in the spec is replaced: the old one, found by
    /// its tags, is deleted (in AWS's order: service, then NLB with its listener, then target
    /// group), not left running where neither plan nor destroy would see it again.
    @Test func renamingTheLoadBalancerAndTargetGroupReplacesThemAndLeavesNothingBehind() async throws {
        let setup = try await setUp("e2e-rename")
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let first = try await run(["apply", "--auto-approve", setup.spec.path], setup)
        try #require(first.exitCode == 0, "\(first)")
        let oldService = try #require(try await snapshot(setup).services.first).id

        let renamed = setup.fixture.specYAML(name: setup.stack)
            + "load_balancer:\n  name: \(setup.stack)-nlb2\ntarget_group:\n  name: \(setup.stack)-tg2\n"
        try renamed.write(to: setup.spec, atomically: true, encoding: .utf8)
        let plan = try await run(["plan", setup.spec.path], setup)
        #expect(plan.exitCode == 0, "\(plan)")
        #expect(plan.stdout.contains("-/+ load_balancer.nlb"), "\(plan)")
        #expect(plan.stdout.contains("-/+ target_group.writer"), "\(plan)")
        #expect(plan.stdout.contains("its load balancer is replaced; the old listener goes with the old load balancer"), "\(plan)")
        #expect(!plan.stdout.contains("not found"), "nothing of the stack is missing, it is renamed: \(plan)")
        #expect(plan.stdout.contains("must be sent to the consumer again"), "\(plan)")

        let apply = try await run(["apply", "--auto-approve", setup.spec.path], setup)
        try #require(apply.exitCode == 0, "\(apply)")
        let live = try await snapshot(setup)
        #expect(live.loadBalancers.map(\.name) == ["\(setup.stack)-nlb2"], "\(live.loadBalancers)")
        #expect(live.targetGroups.map(\.name) == ["\(setup.stack)-tg2"], "\(live.targetGroups)")
        #expect(live.targetGroups.first?.registered == ["\(ProducerFixture.writerIP):3306"])
        #expect(live.listeners.map(\.forwardTo) == [live.targetGroups.map(\.arn)], "\(live.listeners)")
        #expect(live.services.count == 1 && live.services.first?.id != oldService, "\(live.services)")
        #expect(live.services.first?.loadBalancerArns == live.loadBalancers.map(\.arn))

        let again = try await run(["plan", "--detailed-exitcode", setup.spec.path], setup)
        #expect(again.exitCode == 0, "converged after the rename: \(again)")

        let destroy = try await run(["destroy", "--auto-approve", setup.spec.path], setup)
        try #require(destroy.exitCode == 0, "\(destroy)")
        let gone = try await snapshot(setup)
        #expect(gone.loadBalancers.isEmpty && gone.targetGroups.isEmpty && gone.services.isEmpty, "\(gone)")
    }

    /// Switching between a referenced group and an owned one leaves nothing of the old
    /// arrangement: not this stack's rule on the referenced group (often the database's own,
    /// where it would keep the consumer let in), not the owned group. Checked with boto3.
    @Test func switchingBetweenAReferencedAndAnOwnedGroupLeavesNoRuleOrGroupBehind() async throws {
        let setup = try await setUp("e2e-sg-switch", referenceSecurityGroup: true)
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        func leftovers() async throws -> [String: Int] {
            try await setup.boto.run("""
                def ours(tags):
                    return any(t["Key"] == "rplink:stack" and t["Value"] == "\(setup.stack)" for t in tags or [])
                rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": ["\(setup.fixture.securityGroupId)"]}])["SecurityGroupRules"]
                groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["\(setup.stack)-nlb"]}])["SecurityGroups"]
                emit({"rules_on_referenced": sum(1 for r in rules if ours(r.get("Tags"))), "owned_groups": len(groups)})
                """)
        }
        try #require(try await run(["apply", "--auto-approve", setup.spec.path], setup).exitCode == 0)
        #expect(try await leftovers() == ["rules_on_referenced": 1, "owned_groups": 0])

        try setup.fixture.specYAML(name: setup.stack).write(to: setup.spec, atomically: true, encoding: .utf8)
        let toOwned = try await run(["apply", "--auto-approve", setup.spec.path], setup)
        try #require(toOwned.exitCode == 0, "\(toOwned)")
        #expect(try await leftovers() == ["rules_on_referenced": 0, "owned_groups": 1], "\(toOwned)")
        #expect(try await run(["plan", "--detailed-exitcode", setup.spec.path], setup).exitCode == 0)

        try setup.fixture.specYAML(name: setup.stack, referenceSecurityGroup: true).write(to: setup.spec, atomically: true, encoding: .utf8)
        let toReferenced = try await run(["apply", "--auto-approve", setup.spec.path], setup)
        try #require(toReferenced.exitCode == 0, "\(toReferenced)")
        #expect(try await leftovers() == ["rules_on_referenced": 1, "owned_groups": 0], "\(toReferenced)")
        #expect(try await run(["plan", "--detailed-exitcode", setup.spec.path], setup).exitCode == 0)

        try #require(try await run(["destroy", "--auto-approve", setup.spec.path], setup).exitCode == 0)
        #expect(try await leftovers() == ["rules_on_referenced": 0, "owned_groups": 0])
    }

    /// A tag key dropped from the spec is removed from the objects (not just never added
    /// again), the listener too, whose tags follow its NLB's; a tag someone else put on them
    /// stays. Checked with boto3.
    @Test func aTagDroppedFromTheSpecIsRemovedAndOthersTagsStay() async throws {
        let setup = try await setUp("e2e-untag")
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let tagged = setup.fixture.specYAML(name: setup.stack) + "tags:\n  team: data\n  env: prod\n"
        try tagged.write(to: setup.spec, atomically: true, encoding: .utf8)
        try #require(try await run(["apply", "--auto-approve", setup.spec.path], setup).exitCode == 0)
        func keys() async throws -> [String: [String]] {
            try await setup.boto.run("""
                stack = "\(setup.stack)"
                def ours(tags):
                    return any(t["Key"] == "rplink:stack" and t["Value"] == stack for t in tags or [])
                found = {}
                arns = [lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]]
                arns += [tg["TargetGroupArn"] for tg in elbv2.describe_target_groups()["TargetGroups"]]
                arns += [l["ListenerArn"] for lb in list(arns) if ":loadbalancer/" in lb
                         for l in elbv2.describe_listeners(LoadBalancerArn=lb)["Listeners"]]
                for d in elbv2.describe_tags(ResourceArns=arns)["TagDescriptions"]:
                    if ours(d["Tags"]):
                        arn = d["ResourceArn"]
                        kind = "listener" if ":listener/" in arn else "load_balancer" if ":loadbalancer/" in arn else "target_group"
                        found[kind] = sorted(t["Key"] for t in d["Tags"])
                for g in ec2.describe_security_groups(Filters=[{"Name": "tag:rplink:stack", "Values": [stack]}])["SecurityGroups"]:
                    found["security_group"] = sorted(t["Key"] for t in g.get("Tags", []))
                    for r in ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [g["GroupId"]]}])["SecurityGroupRules"]:
                        if ours(r.get("Tags")):
                            found["rule"] = sorted(t["Key"] for t in r["Tags"])
                for c in ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]:
                    if ours(c.get("Tags")):
                        found["service"] = sorted(t["Key"] for t in c["Tags"])
                emit(found)
                """)
        }
        let all = ["env", "rplink:resource", "rplink:stack", "rplink:tags", "team"]
        #expect(try await keys() == ["load_balancer": all, "listener": all, "target_group": all, "security_group": all, "rule": all, "service": all])
        let nlb = try #require(try await snapshot(setup).loadBalancers.first).arn
        let added: Bool = try await setup.boto.run("""
            elbv2.add_tags(ResourceArns=["\(nlb)"], Tags=[{"Key": "owner", "Value": "dba"}])
            emit(True)
            """)
        try #require(added)

        let fewer = setup.fixture.specYAML(name: setup.stack) + "tags:\n  team: data\n"
        try fewer.write(to: setup.spec, atomically: true, encoding: .utf8)
        let apply = try await run(["apply", "--auto-approve", setup.spec.path], setup)
        try #require(apply.exitCode == 0, "\(apply)")
        let kept = ["rplink:resource", "rplink:stack", "rplink:tags", "team"]
        #expect(try await keys() == ["load_balancer": (kept + ["owner"]).sorted(), "listener": kept, "target_group": kept, "security_group": kept, "rule": kept, "service": kept])
        #expect(try await run(["plan", "--detailed-exitcode", setup.spec.path], setup).exitCode == 0)
    }

    @Test func savedPlanAppliesWithoutAskingAndConverges() async throws {
        let setup = try await setUp("e2e-saved")
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let planFile = setup.folder.appendingPathComponent("plan.json")

        let planned = try await run(["plan", "--out", planFile.path, setup.spec.path], setup)
        #expect(planned.exitCode == 0, "\(planned)")
        #expect(try await snapshot(setup).isEmpty, "plan --out changes nothing")

        let applied = try await run(["apply", planFile.path], setup)
        #expect(applied.exitCode == 0, "\(applied)")
        try expectSeedObjects(try await snapshot(setup), setup)
        let converged = try await run(["plan", "--detailed-exitcode", setup.spec.path], setup)
        #expect(converged.exitCode == 0, "\(converged)")

        // Applied once, the same file describes a state that no longer exists.
        let replayed = try await run(["apply", planFile.path], setup)
        #expect(replayed.exitCode == 1, "\(replayed)")
        #expect(replayed.stderr.contains("stale"), "\(replayed)")
        let live = try await snapshot(setup)
        try expectSeedObjects(live, setup)

        let destroyed = try await run(["destroy", "--auto-approve", setup.spec.path], setup)
        #expect(destroyed.exitCode == 0, "\(destroyed)")
    }

    @Test func savedPlanIsRefusedWhenLiveStateChangedAfterIt() async throws {
        let setup = try await setUp("e2e-stale")
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let applied = try await run(["apply", "--auto-approve", setup.spec.path], setup)
        try #require(applied.exitCode == 0, "\(applied)")
        let before = try await snapshot(setup)
        let groupArn = try #require(before.targetGroups.first?.arn)

        // A plan made now has nothing to do; then someone deregisters the writer by hand.
        let planFile = setup.folder.appendingPathComponent("plan.json")
        let planned = try await run(["plan", "--out", planFile.path, setup.spec.path], setup)
        #expect(planned.exitCode == 0, "\(planned)")
        let _: [String: String] = try await setup.boto.run("""
            elbv2.deregister_targets(TargetGroupArn="\(groupArn)", Targets=[{"Id": "\(ProducerFixture.writerIP)", "Port": 3306}])
            emit({})
            """)
        let drifted = try await snapshot(setup)
        #expect(drifted.targetGroups.first?.registered == [], "the writer is deregistered: \(drifted.targetGroups)")

        let refused = try await run(["apply", "--debug", planFile.path], setup)
        #expect(refused.exitCode == 1, "\(refused)")
        #expect(refused.stderr.contains("stale"), "\(refused)")
        #expect(Self.calledActions(refused).filter { !Self.isReadOnly($0) }.isEmpty, "\(Self.calledActions(refused))")
        #expect(try await snapshot(setup).targetGroups.first?.registered == [], "nothing changed")

        let destroyed = try await run(["destroy", "--auto-approve", setup.spec.path], setup)
        #expect(destroyed.exitCode == 0, "\(destroyed)")
    }

    @Test func applyWithoutTerminalOrAutoApproveRefusesAndCreatesNothing() async throws {
        let setup = try await setUp("e2e-noterm")
        defer { try? FileManager.default.removeItem(at: setup.folder) }

        let refused = try await run(["apply", "--debug", setup.spec.path], setup)
        #expect(refused.exitCode == 1, "\(refused)")
        #expect(refused.stderr.contains("--auto-approve"), "\(refused)")
        #expect(refused.stderr.contains("not a terminal"), "\(refused)")
        #expect(Self.calledActions(refused).filter { !Self.isReadOnly($0) }.isEmpty, "\(Self.calledActions(refused))")
        #expect(try await snapshot(setup).isEmpty)
        let stillToDo = try await run(["plan", "--detailed-exitcode", setup.spec.path], setup)
        #expect(stillToDo.exitCode == 2, "\(stillToDo)")
    }
}
