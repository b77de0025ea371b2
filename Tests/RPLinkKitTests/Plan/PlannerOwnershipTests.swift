import Testing
@testable import RPLinkKit

/// Resources under our names without our tag: refused, or adopted with `--adopt`.
@Suite struct PlannerOwnershipTests {
    let spec = SeedStack.spec

    /// The runbook followed by hand: the same objects, none tagged.
    var handMade: LiveState {
        var live = SeedStack.converged()
        live.ownedSecurityGroup?.tags = []
        for index in live.securityGroupRules.indices { live.securityGroupRules[index].tags = [] }
        live.loadBalancer?.tags = []
        live.targetGroup?.tags = []
        live.listeners[0].tags = []
        live.endpointServices[0].tags = []
        return live
    }

    @Test func untaggedLoadBalancerWithoutAdoptIsAnErrorNamingIt() throws {
        var live = SeedStack.empty
        live.loadBalancer = SeedStack.converged().loadBalancer
        live.loadBalancer?.tags = [.init(key: "owner", value: "someone")]
        let plan = Planner.plan(spec: spec, live: live)
        let error = try #require(plan.errors.first { $0.subject == "load_balancer.nlb" })
        #expect(error.message.contains("pl-nlb"))
        #expect(error.message.contains("--adopt"))
        #expect(error.description.hasPrefix("stack planetscale-import: load_balancer.nlb: "))
        #expect(plan.action(for: .loadBalancer) == nil)
        // Nothing may be built on a load balancer we do not own.
        #expect(plan.action(for: .listener) == nil)
        #expect(plan.action(for: .endpointService) == nil)
    }

    @Test func adoptTagsEveryHandMadeResourceAndChangesNothingElse() {
        let plan = Planner.plan(spec: spec, live: handMade, options: .init(adopt: true))
        #expect(plan.errors.isEmpty)
        // The listener is taken over with its load balancer, and tagged like it.
        let adopted: Set<ResourceAddress> = [.securityGroup, .securityGroupRule(cidr: "10.0.1.0/24"), .loadBalancer, .listener, .targetGroup, .endpointService]
        #expect(Set(plan.actions.map(\.address)) == adopted)
        #expect(plan.actions.allSatisfy { $0.action == .update && $0.reason.contains("adopt") })
        #expect(plan.operationNames.allSatisfy { $0 == "tagResource" })
        #expect(plan.steps.contains { $0.operation == .tagResource(service: .elbv2, resourceId: SeedStack.loadBalancerArn, tags: SeedStack.tags(.loadBalancer)) })
        #expect(plan.steps.contains { $0.operation == .tagResource(service: .ec2, resourceId: SeedStack.serviceId, tags: SeedStack.tags(.endpointService)) })
        #expect(plan.steps.contains { $0.operation == .tagResource(service: .elbv2, resourceId: SeedStack.listenerArn, tags: SeedStack.tags(.listener)) })
    }

    /// An adopted NLB that already carries the spec's tag: its listener is still tagged in full.
    @Test func adoptTagsTheListenerInFullEvenWhenTheNLBAlreadyHasTheSpecsTags() {
        var spec = spec
        spec.tags = [.init(key: "env", value: "prod")]
        var live = handMade
        live.loadBalancer?.tags = [.init(key: "env", value: "prod")]
        let plan = Planner.plan(spec: spec, live: live, options: .init(adopt: true))
        #expect(plan.steps.contains { $0.operation == .tagResource(service: .elbv2, resourceId: SeedStack.listenerArn, tags: StackConventions.tags(for: .listener, in: spec)) },
                "\(plan.steps.map(\.operation))")
    }

    @Test func withoutAdoptEveryHandMadeResourceIsRefused() {
        let plan = Planner.plan(spec: spec, live: handMade)
        #expect(plan.errors.map(\.subject) == ["security_group.nlb", "load_balancer.nlb", "target_group.writer"])
        #expect(plan.errors.allSatisfy { $0.message.contains("--adopt") })
    }

    @Test func adoptAlsoConvergesWhatCanChangeInPlace() throws {
        var live = handMade
        live.loadBalancer?.attributes = [:]
        let plan = Planner.plan(spec: spec, live: live, options: .init(adopt: true))
        let action = try #require(plan.action(for: .loadBalancer))
        #expect(action.action == .update)
        #expect(Set(action.changes.map(\.name)) == ["cross_zone", "tags"])
        #expect(plan.steps.filter { $0.address == .loadBalancer }.map(\.operation.name) == ["setCrossZone", "tagResource"])
    }

    @Test func adoptRefusesWhatWouldNeedReplacing() throws {
        var live = handMade
        live.loadBalancer?.scheme = "internet-facing"
        let plan = Planner.plan(spec: spec, live: live, options: .init(adopt: true))
        let error = try #require(plan.errors.first { $0.subject == "load_balancer.nlb" })
        #expect(error.message.contains("cannot be converged in place"))
        #expect(error.message.contains("scheme"))
        #expect(plan.action(for: .loadBalancer) == nil)
    }

    @Test func resourceOfAnotherStackIsNeverAdopted() throws {
        var live = SeedStack.converged()
        live.targetGroup?.tags = [.init(key: "rplink:stack", value: "other-stack")]
        let plan = Planner.plan(spec: spec, live: live, options: .init(adopt: true))
        let error = try #require(plan.errors.first { $0.subject == "target_group.writer" })
        #expect(error.message.contains("other-stack"))
    }

    @Test func untaggedRuleForOurCIDRIsRefusedWithoutAdopt() {
        var spec = spec
        spec.producer.securityGroupId = "sg-0f00"
        var live = SeedStack.converged(spec)
        live.securityGroupRules[0].tags = []
        let plan = Planner.plan(spec: spec, live: live)
        #expect(plan.errors.map(\.subject) == ["security_group_rule.consumer[\"10.0.1.0/24\"]"])
        let adopted = Planner.plan(spec: spec, live: live, options: .init(adopt: true))
        #expect(adopted.errors.isEmpty)
        #expect(adopted.steps.map(\.operation) == [.tagResource(service: .ec2, resourceId: "sgr-00000000000000000", tags: SeedStack.tags(.securityGroupRule(cidr: "10.0.1.0/24")))])
    }
}

@Suite struct OwnershipTests {
    @Test func ownershipFollowsTheStackTag() {
        var live = SeedStack.converged()
        #expect(live.ownership(of: live.loadBalancer?.tags) == .ours)
        live.loadBalancer?.tags = []
        #expect(live.ownership(of: live.loadBalancer?.tags) == .foreign(otherStack: nil))
        live.loadBalancer?.tags = [.init(key: "rplink:stack", value: "other")]
        #expect(live.ownership(of: live.loadBalancer?.tags) == .foreign(otherStack: "other"))
        live.loadBalancer = nil
        #expect(live.ownership(of: live.loadBalancer?.tags) == .absent)
    }
}
