import Foundation
import Testing
@testable import RPLinkKit

@Suite struct PlanJSONRendererTests {
    func parse(_ plans: [StackPlan]) throws -> [String: Any] {
        let text = try PlanJSONRenderer.render(plans)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func documentHasExactlyTheDocumentedShape() throws {
        let document = try parse([PlanTextRendererTests.mixedPlan])
        #expect(Set(document.keys) == ["format_version", "stacks", "summary"])
        #expect(document["format_version"] as? String == "1.0")
        let stacks = try #require(document["stacks"] as? [[String: Any]])
        let stack = try #require(stacks.first)
        #expect(Set(stack.keys) == ["name", "region", "account_id", "actions", "summary", "errors", "warnings", "notes"])
        #expect(stack["name"] as? String == "planetscale-import")
        #expect(stack["region"] as? String == "us-east-1")
        #expect(stack["account_id"] as? String == "111122223333")
        let actions = try #require(stack["actions"] as? [[String: Any]])
        #expect(!actions.isEmpty)
        for action in actions {
            #expect(Set(action.keys) == ["address", "action", "reason", "before", "after", "after_unknown"])
            #expect(["create", "update", "replace", "delete"].contains(action["action"] as? String ?? ""))
        }
        let summary = try #require(stack["summary"] as? [String: Int])
        #expect(summary == ["create": 1, "update": 1, "replace": 4, "delete": 1])
        #expect((stack["warnings"] as? [String])?.count == 1)
        #expect((stack["notes"] as? [String])?.isEmpty == false)
    }

    @Test func theTopLevelSummaryAddsUpEveryStack() throws {
        var other = PlanTextRendererTests.mixedPlan
        other.stack = "other"
        let document = try parse([PlanTextRendererTests.mixedPlan, other])
        #expect(document["summary"] as? [String: Int] == ["create": 2, "update": 2, "replace": 8, "delete": 2])
    }

    @Test func createHasNullBeforeAndDeleteHasNullAfter() throws {
        let document = try parse([PlanTextRendererTests.mixedPlan])
        let stacks = try #require(document["stacks"] as? [[String: Any]])
        let actions = try #require(stacks.first?["actions"] as? [[String: Any]])
        let create = try #require(actions.first { $0["action"] as? String == "create" })
        #expect(create["before"] is NSNull)
        let after = try #require(create["after"] as? [String: Any])
        #expect(after["ip"] as? String == "10.1.0.1")
        #expect(after["port"] as? Int == 3306)
        let delete = try #require(actions.first { $0["action"] as? String == "delete" })
        #expect(delete["after"] is NSNull)
        #expect(delete["before"] is [String: Any])
    }

    /// What only AWS will know is null in `after` and named in `after_unknown`, as in
    /// Terraform's JSON plan: never a placeholder string a program could take for a value.
    @Test func valuesKnownOnlyAfterApplyAreNullAndNamed() throws {
        let document = try parse([Planner.plan(spec: SeedStack.spec, live: SeedStack.empty)])
        let actions = try #require((document["stacks"] as? [[String: Any]])?.first?["actions"] as? [[String: Any]])
        let listener = try #require(actions.first { $0["address"] as? String == "listener.db" })
        let after = try #require(listener["after"] as? [String: Any])
        #expect(after["load_balancer_arn"] is NSNull && after["target_group_arn"] is NSNull)
        #expect(after["port"] as? Int == 3306)
        #expect(listener["after_unknown"] as? [String] == ["load_balancer_arn", "target_group_arn"])
        let balancer = try #require(actions.first { $0["address"] as? String == "load_balancer.nlb" })
        #expect(balancer["after_unknown"] as? [String] == ["security_groups"])
        #expect((balancer["after"] as? [String: Any])?["security_groups"] as? [NSNull] == [NSNull()])
        let text = try PlanJSONRenderer.render([Planner.plan(spec: SeedStack.spec, live: SeedStack.empty)])
        #expect(!text.contains("known after apply"))
    }

    @Test func outputIsStable() throws {
        let plan = Planner.plan(spec: SeedStack.spec, live: SeedStack.empty)
        let first = try PlanJSONRenderer.render([plan])
        #expect(first == (try PlanJSONRenderer.render([plan])))
        #expect(first.contains("\"cross_zone\" : true"))
        let formatPosition = try #require(first.range(of: "\"format_version\""))
        let stacksPosition = try #require(first.range(of: "\"stacks\""))
        #expect(formatPosition.lowerBound < stacksPosition.lowerBound)
    }
}
