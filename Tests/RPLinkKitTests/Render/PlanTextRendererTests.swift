import Foundation
import Testing
@testable import RPLinkKit

@Suite struct PlanTextRendererTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/plan")

    /// Compares with a golden file; `RPLINK_UPDATE_GOLDEN=1` rewrites it after a deliberate change.
    func expectGolden(_ text: String, _ name: String) throws {
        let url = Self.fixtures.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RPLINK_UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(text == golden)
    }

    /// Several changes at once: a replacement with its fallout, a changed target, a stray
    /// principal that goes with the old service, a warning and a note.
    static var mixedPlan: StackPlan {
        Planner.plan(spec: mixedPlanSpec, live: mixedPlanLive)
    }

    static var mixedPlanSpec: Spec {
        var spec = SeedStack.spec
        spec.database.writerIP = "10.1.0.1"
        return spec
    }

    static var mixedPlanLive: LiveState {
        var live = SeedStack.converged()
        live.loadBalancer?.attributes = [:]
        live.securityGroupRules[0].description = "added by hand"
        live.loadBalancer?.subnetIds.append("subnet-0old")
        live.allowedPrincipals.append("arn:aws:iam::999999999999:root")
        return live
    }

    @Test func seedCreatedFromEmptyMatchesGolden() throws {
        let plan = Planner.plan(spec: SeedStack.spec, live: SeedStack.empty)
        try expectGolden(PlanTextRenderer().render([plan]), "seed-create.txt")
    }

    @Test func mixedPlanMatchesGolden() throws {
        try expectGolden(PlanTextRenderer().render([Self.mixedPlan]), "mixed.txt")
    }

    @Test func seedDestroyMatchesGolden() throws {
        let plan = Planner.plan(spec: SeedStack.spec, live: SeedStack.converged(), options: .init(destroy: true))
        try expectGolden(PlanTextRenderer().render([plan]), "seed-destroy.txt")
    }

    @Test func replacementIsMarkedAndSummarised() {
        let text = PlanTextRenderer().render(Self.mixedPlan)
        #expect(text.contains("  -/+ load_balancer.nlb"))
        #expect(text.contains("# forces replacement"))
        #expect(text.contains("~ cross_zone: false -> true"))
        #expect(text.contains("  ~ security_group_rule.consumer[\"10.0.1.0/24\"]  # differs from the spec: description"))
        #expect(text.contains("Note: stack planetscale-import: endpoint_service.main: the endpoint service is replaced"))
        #expect(text.contains("Warning: "))
        #expect(text.hasSuffix("Plan: 1 to add, 1 to change, 4 to replace, 1 to destroy.\n"))
    }

    @Test func convergedPlanSaysNoChanges() {
        let plan = Planner.plan(spec: SeedStack.spec, live: SeedStack.converged())
        #expect(PlanTextRenderer().render(plan) ==
            "Stack planetscale-import (region us-east-1, account 111122223333)\n\nNo changes. The infrastructure matches the spec.\n")
    }

    @Test func destroyWithNothingTaggedSaysThereIsNothingToDestroy() {
        let plan = Planner.plan(spec: SeedStack.spec, live: SeedStack.empty, options: .init(destroy: true))
        #expect(PlanTextRenderer().render(plan) ==
            "Stack planetscale-import (region us-east-1, account 111122223333)\n\nNo changes. Nothing carries this stack's tag, so there is nothing to destroy.\n")
    }

    @Test func colourOnlyWhenAsked() {
        let plan = Self.mixedPlan
        #expect(!PlanTextRenderer(color: false).render(plan).contains("\u{1B}["))
        let coloured = PlanTextRenderer(color: true).render(plan)
        #expect(coloured.contains("\u{1B}[35m-/+\u{1B}[0m load_balancer.nlb"))
        #expect(coloured.contains("\u{1B}[32m+\u{1B}[0m target.writer"))
        #expect(coloured.contains("\u{1B}[31m-\u{1B}[0m target.writer"))
    }

    /// A mistyped subnet: the planner still "replaces" the NLB around it, which is not shown.
    @Test func aPlanWithErrorsShowsNoActionsNotesOrCounts() throws {
        var spec = SeedStack.spec
        spec.producer.subnets[0].subnetId = "subnet-0cafed00dc"
        var live = SeedStack.converged()
        live.missingSubnetIds = ["subnet-0cafed00dc"]
        let plan = Planner.plan(spec: spec, live: live)
        try #require(plan.hasErrors && plan.hasChanges, "the planner made actions around the error: \(plan.actions)")
        let text = PlanTextRenderer().render(plan)
        #expect(!text.contains("load_balancer.nlb") && !text.contains("Note:"), "\(text)")
        #expect(text == "Stack planetscale-import (region us-east-1, account \(SeedStack.account))\n\nNo plan: 1 error to fix first.\n")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(PlanJSONRenderer.render([plan]).utf8)) as? [String: Any])
        let stack = try #require((json["stacks"] as? [[String: Any]])?.first)
        #expect((stack["actions"] as? [Any])?.isEmpty == true && (stack["notes"] as? [Any])?.isEmpty == true)
        #expect(json["summary"] as? [String: Int] == ["create": 0, "update": 0, "replace": 0, "delete": 0])
        #expect((stack["errors"] as? [String])?.count == 1)
    }

    @Test func errorsAreShownWithTheStack() {
        var live = SeedStack.empty
        live.vpc = nil
        let plan = Planner.plan(spec: SeedStack.spec, live: live)
        let renderer = PlanTextRenderer()
        #expect(renderer.errors([plan]).contains("Error: stack planetscale-import: vpc-0f00: the VPC vpc-0f00 does not exist in account 111122223333, region us-east-1"))
        let text = renderer.render(plan)
        #expect(!text.contains("Error:"))
        // A plan that cannot be applied neither counts changes nor claims there are none.
        #expect(!text.contains("Plan:") && !text.contains("No changes"))
        #expect(text.hasSuffix("No plan: \(plan.errors.count) error\(plan.errors.count == 1 ? "" : "s") to fix first.\n"))
    }
}
