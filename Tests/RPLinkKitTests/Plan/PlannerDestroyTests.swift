import Testing
@testable import RPLinkKit

@Suite struct PlannerDestroyTests {
    let spec = SeedStack.spec
    let destroy = PlanOptions(destroy: true)

    @Test func destroyDeletesEverythingTaggedInTheOrderAWSEnforces() throws {
        let plan = Planner.plan(spec: spec, live: SeedStack.converged(), options: destroy)
        #expect(plan.actions.allSatisfy { $0.action == .delete })
        #expect(Set(plan.actions.map(\.address)) == [.endpointService, .listener, .loadBalancer, .targetGroup, .securityGroup])
        let service = try #require(plan.stepIndex("deleteEndpointService", .endpointService))
        let listener = try #require(plan.stepIndex("deleteListener", .listener))
        let loadBalancer = try #require(plan.stepIndex("deleteLoadBalancer", .loadBalancer))
        let targetGroup = try #require(plan.stepIndex("deleteTargetGroup", .targetGroup))
        let group = try #require(plan.stepIndex("deleteSecurityGroup", .securityGroup))
        #expect(service < loadBalancer)
        #expect(listener < targetGroup)
        #expect(loadBalancer < group)
        #expect(plan.steps[loadBalancer].dependsOn == ["endpoint_service.main:deleteEndpointService", "listener.db:deleteListener"])
        #expect(plan.steps[targetGroup].dependsOn == ["listener.db:deleteListener", "load_balancer.nlb:deleteLoadBalancer"])
        #expect(plan.steps[group].dependsOn == ["load_balancer.nlb:deleteLoadBalancer"])
        #expect(plan.summary == .init(delete: 5))
    }

    @Test func destroyLeavesUntaggedAndReferencedThingsAlone() {
        var spec = spec
        spec.producer.securityGroupId = "sg-0f00"
        var live = SeedStack.converged(spec)
        live.referencedSecurityGroup = .init(id: "sg-0f00", name: "db", vpcId: "vpc-0f00")
        live.loadBalancer?.tags = []
        live.securityGroupRules.append(.init(id: "sgr-handmade", groupId: "sg-0f00", ipProtocol: "tcp", fromPort: 3306, toPort: 3306, cidrIPv4: "10.9.0.0/16"))
        let plan = Planner.plan(spec: spec, live: live, options: destroy)
        #expect(plan.action(for: .loadBalancer) == nil)
        #expect(plan.action(for: .listener) == nil)
        #expect(plan.action(for: .securityGroup) == nil)
        #expect(plan.kind(of: .securityGroupRule(cidr: "10.0.1.0/24")) == .delete)
        #expect(plan.action(for: .securityGroupRule(cidr: "10.9.0.0/16")) == nil)
        #expect(!plan.steps.contains { $0.operation == .deleteSecurityGroup(groupId: "sg-0f00") })
        #expect(plan.notes.contains { $0.subject == "load_balancer.nlb" && $0.message.contains("leaves it alone") })
    }

    @Test func destroyOfNothingHasNoChanges() {
        let plan = Planner.plan(spec: spec, live: SeedStack.empty, options: destroy)
        #expect(!plan.hasChanges)
        #expect(plan.errors.isEmpty)
    }

    @Test func destroyWhereTheVPCIsMissingAndNothingIsFoundIsAnErrorNotAnAllClear() {
        var live = SeedStack.empty
        live.vpc = nil
        let plan = Planner.plan(spec: spec, live: live, options: destroy)
        #expect(plan.errors.map(\.message) == ["the VPC \(spec.producer.vpcId) does not exist in account \(SeedStack.account), region \(spec.region), so no object of this stack can be found here; check the spec's region and the account of your credentials"])
        #expect(!plan.hasChanges)
    }

    @Test func destroyIsNotBlockedByPreflight() {
        var live = SeedStack.converged()
        live.vpc = nil
        let plan = Planner.plan(spec: spec, live: live, options: destroy)
        #expect(plan.errors.isEmpty)
        #expect(plan.hasChanges)
    }
}
