import Testing
@testable import RPLinkKit

/// Invariants of the executable step DAG, checked over many scenarios.
@Suite struct PlanStepOrderTests {
    struct Scenario: CustomTestStringConvertible, Sendable {
        var name: String
        var spec: Spec
        var live: LiveState
        var options = PlanOptions()
        var testDescription: String { name }
    }

    static var scenarios: [Scenario] {
        let spec = SeedStack.spec
        var portChanged = spec
        portChanged.database.port = 3307
        var removedSubnet = SeedStack.converged()
        removedSubnet.loadBalancer?.subnetIds.append("subnet-0old")
        var noGroups = SeedStack.converged()
        noGroups.loadBalancer?.securityGroupIds = []
        var vpcMoved = SeedStack.converged()
        vpcMoved.ownedSecurityGroup?.vpcId = "vpc-0old"
        var referenced = spec
        referenced.producer.securityGroupId = "sg-0f00"
        var everythingGone = SeedStack.converged()
        everythingGone.endpointServices[0].loadBalancerArns = ["arn:gone"]
        everythingGone.loadBalancer = nil
        everythingGone.listeners = []
        return [
            Scenario(name: "create from empty", spec: spec, live: SeedStack.empty),
            Scenario(name: "port change", spec: portChanged, live: SeedStack.converged()),
            Scenario(name: "subnet removed", spec: spec, live: removedSubnet),
            Scenario(name: "groups none to some", spec: spec, live: noGroups),
            Scenario(name: "owned group in another VPC", spec: spec, live: vpcMoved),
            Scenario(name: "switch to referenced group", spec: referenced, live: SeedStack.converged()),
            Scenario(name: "NLB deleted out of band", spec: spec, live: everythingGone),
            Scenario(name: "destroy", spec: spec, live: SeedStack.converged(), options: .init(destroy: true)),
        ]
    }

    @Test(arguments: scenarios)
    func stepsAreAValidLinearOrder(scenario: Scenario) throws {
        let plan = Planner.plan(spec: scenario.spec, live: scenario.live, options: scenario.options)
        #expect(!plan.steps.isEmpty)
        #expect(!plan.errors.contains { $0.message.contains("internal error") })
        let ids = plan.steps.map(\.id)
        #expect(Set(ids).count == ids.count, "step ids are unique")
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        for (index, step) in plan.steps.enumerated() {
            for dependency in step.dependsOn {
                let before = try #require(position[dependency], "\(step.id) depends on unknown \(dependency)")
                #expect(before < index, "\(dependency) runs before \(step.id)")
            }
            for reference in step.operation.references {
                let creator = plan.steps.firstIndex { $0.address == reference && $0.operation.createsObject }
                #expect(creator.map { $0 < index } == true, "\(step.id) needs \(reference) created first")
            }
        }
        // Every planned action has steps, and every step belongs to an action.
        #expect(Set(plan.actions.map(\.address)) == Set(plan.steps.map(\.address)))
    }

    @Test func ownedGroupInAnotherVPCIsReplacedAfterTheNLBLetsGo() throws {
        var live = SeedStack.converged()
        live.ownedSecurityGroup?.vpcId = "vpc-0old"
        let plan = Planner.plan(spec: SeedStack.spec, live: live)
        #expect(plan.kind(of: .securityGroup) == .replace)
        let deleteGroup = try #require(plan.stepIndex("deleteSecurityGroup", .securityGroup))
        let moveNLB = try #require(plan.stepIndex("setSecurityGroups", .loadBalancer))
        #expect(moveNLB < deleteGroup)
    }

    @Test func linearOrderIsDeterministic() {
        let first = Planner.plan(spec: SeedStack.spec, live: SeedStack.empty)
        let second = Planner.plan(spec: SeedStack.spec, live: SeedStack.empty)
        #expect(first.steps.map(\.id) == second.steps.map(\.id))
        #expect(first.steps.map(\.id) == [
            "security_group.nlb:createSecurityGroup",
            "load_balancer.nlb:createLoadBalancer",
            "endpoint_service.main:createEndpointService",
            "endpoint_service_principal[\"arn:aws:iam::123456789012:root\"]:addPrincipals",
            "load_balancer.nlb:setCrossZone",
            "security_group_rule.consumer[\"10.0.1.0/24\"]:authorizeIngress",
            "target_group.writer:createTargetGroup",
            "listener.db:createListener",
            "target.writer[\"10.0.0.1\"]:registerTarget",
        ])
    }
}
