import Testing
@testable import RPLinkKit

/// The resource table of DESIGN.md section 3, row by row: create, no-op, update, replace, delete.
@Suite struct PlannerTests {
    let spec = SeedStack.spec
    let rule = ResourceAddress.securityGroupRule(cidr: "10.0.1.0/24")
    let writer = ResourceAddress.target(ip: "10.0.0.1")
    let root = ResourceAddress.principal(SeedStack.root)

    @Test func emptyAccountCreatesEveryResource() {
        let plan = Planner.plan(spec: spec, live: SeedStack.empty)
        #expect(plan.errors.isEmpty)
        #expect(Set(plan.actions.map(\.address)) == Set([.securityGroup, rule, .loadBalancer, .targetGroup, writer, .listener, .endpointService, root]))
        #expect(plan.actions.allSatisfy { $0.action == .create })
        #expect(plan.summary == .init(create: 8))
        #expect(plan.operationNames.sorted() == [
            "addPrincipals", "authorizeIngress", "createEndpointService", "createListener", "createLoadBalancer",
            "createSecurityGroup", "createTargetGroup", "registerTarget", "setCrossZone",
        ])
    }

    @Test func createStepsReferenceEarlierCreatesSymbolically() throws {
        let plan = Planner.plan(spec: spec, live: SeedStack.empty)
        let loadBalancer = try #require(plan.steps.first { $0.operation.name == "createLoadBalancer" })
        guard case .createLoadBalancer(let name, let subnets, let groups, let tags) = loadBalancer.operation else {
            Issue.record("not a load balancer create")
            return
        }
        #expect(name == "pl-nlb")
        #expect(subnets == ["subnet-0c0ffee", "subnet-0cafed00d", "subnet-0cafef00d"])
        #expect(groups == [.ref(.securityGroup)])
        #expect(tags.contains(.init(key: "rplink:resource", value: "load_balancer.nlb")))
        #expect(loadBalancer.dependsOn == ["security_group.nlb:createSecurityGroup"])
        // Cross-zone follows the create as its own step, and nothing waits for it.
        let crossZone = try #require(plan.steps.first { $0.operation.name == "setCrossZone" })
        #expect(crossZone.operation == .setCrossZone(loadBalancer: .ref(.loadBalancer), enabled: true))
        #expect(crossZone.dependsOn == [loadBalancer.id])
        #expect(!plan.steps.contains { $0.dependsOn.contains(crossZone.id) })
        let listener = try #require(plan.steps.first { $0.address == .listener })
        #expect(listener.operation == .createListener(loadBalancer: .ref(.loadBalancer), protocolName: "TCP", port: 3306,
                                                       targetGroup: .ref(.targetGroup), tags: SeedStack.tags(.listener)))
        #expect(listener.dependsOn == ["load_balancer.nlb:createLoadBalancer", "target_group.writer:createTargetGroup"])
        let service = try #require(plan.steps.first { $0.address == .endpointService })
        guard case .createEndpointService(let reference, let acceptance, let token, _) = service.operation else {
            Issue.record("not a service create")
            return
        }
        #expect(reference == .ref(.loadBalancer))
        #expect(!acceptance)
        #expect(token.hasPrefix("rplink-planetscale-import-") && token.count <= 64)
        #expect(plan.notes.contains { $0.message.contains("send the endpoint service id") })
    }

    @Test func clientTokenIsStableAcrossPlans() {
        let first = Planner.plan(spec: spec, live: SeedStack.empty).steps.first { $0.address == .endpointService }
        let second = Planner.plan(spec: spec, live: SeedStack.empty).steps.first { $0.address == .endpointService }
        #expect(first == second)
    }

    /// A load balancer and target group renamed in the spec: the reader finds the old ones by
    /// their tags, without their listeners (see ReadProgress); the plan replaces both, and the
    /// old target group goes only once the old load balancer (and the listener with it) is gone.
    @Test func renamedLoadBalancerAndTargetGroupAreReplacedNotLeftBehind() throws {
        var renamed = spec
        renamed.loadBalancer.name = "pl-nlb-2"
        renamed.targetGroup.name = "pl-tg-2"
        var live = SeedStack.converged()
        live.listeners = []
        let plan = Planner.plan(spec: renamed, live: live)
        #expect(plan.errors.isEmpty)
        let actions = Dictionary(uniqueKeysWithValues: plan.actions.map { ($0.address, $0) })
        #expect(actions[.loadBalancer]?.action == .replace)
        #expect(actions[.loadBalancer]?.changes.contains { $0.name == "name" && $0.forcesReplacement } == true)
        #expect(actions[.targetGroup]?.action == .replace)
        #expect(actions[.endpointService]?.action == .replace)
        #expect(actions[.listener]?.reason == "its load balancer is replaced; the old listener goes with the old load balancer")
        #expect(plan.notes.contains { $0.description.contains("must be sent to the consumer again") })
        let deleteLoadBalancer = try #require(plan.steps.first { $0.operation == .deleteLoadBalancer(loadBalancerArn: SeedStack.loadBalancerArn) })
        let deleteTargetGroup = try #require(plan.steps.first { $0.operation == .deleteTargetGroup(targetGroupArn: SeedStack.targetGroupArn) })
        let deleteService = try #require(plan.steps.first { $0.operation.name == "deleteEndpointService" })
        #expect(deleteLoadBalancer.dependsOn.contains(deleteService.id))
        #expect(deleteTargetGroup.dependsOn.contains(deleteLoadBalancer.id))
        #expect(plan.steps.contains { $0.operation.name == "createLoadBalancer" } && plan.steps.contains { $0.operation.name == "createListener" })
    }

    /// A new stack in a VPC holding other rplink stacks that the run does not plan says that a
    /// renamed stack would stay up beside it; a stack whose NLB exists says nothing.
    @Test func aNewStackBesideOtherStacksNotesThatARenameLeavesTheOldOneUp() {
        var live = SeedStack.empty
        live.otherStacks = ["old-name"]
        let plan = Planner.plan(spec: spec, live: live)
        let note = plan.notes.first { $0.subject == "load_balancer.nlb" }
        #expect(note?.message.contains("already has the load balancer of rplink stack old-name, not planned here") == true, "\(plan.notes)")
        #expect(note?.message.contains("destroy it with its old spec") == true)
        #expect(!Planner.plan(spec: spec, live: SeedStack.empty).notes.contains { $0.subject == "load_balancer.nlb" })
    }

    /// A tag key dropped from the spec is removed from every object that carries it; a key
    /// someone else added (not listed in `rplink:tags`) is left alone.
    @Test(arguments: [["team": "data"], [:]])
    func aTagKeyDroppedFromTheSpecIsRemovedAndOnlyThatKey(remaining: [String: String]) throws {
        var before = spec
        before.tags = [.init(key: "env", value: "prod"), .init(key: "team", value: "data")]
        var live = SeedStack.converged(before)
        live.loadBalancer?.tags.append(.init(key: "owner", value: "someone"))
        var after = spec
        after.tags = remaining.map { Spec.Tag(key: $0.key, value: $0.value) }
        let plan = Planner.plan(spec: after, live: live)
        #expect(plan.errors.isEmpty)
        let dropped = remaining.isEmpty ? ["env", "team", "rplink:tags"] : ["env"]
        let untagged = plan.steps.compactMap { step -> (String, [String])? in
            if case .untagResource(_, let id, let keys) = step.operation { (id, keys) } else { nil }
        }
        // The security group, its rule, the NLB, its listener (whose tags follow the NLB's), the target group and the service.
        #expect(untagged.count == 6)
        #expect(untagged.contains { $0.0 == SeedStack.listenerArn })
        #expect(untagged.allSatisfy { $0.1 == dropped }, "\(untagged)")
        let change = try #require(plan.action(for: .loadBalancer)?.changes.first { $0.name == "tags" })
        guard case .object(let shown)? = change.after else { Issue.record("no tags after"); return }
        #expect(shown.contains { $0.name == "owner" })
        #expect(!shown.contains { dropped.contains($0.name) })
    }

    /// AWS requires the zone `all` for an IP target outside the VPC, and refuses a public one.
    @Test(arguments: [("10.0.0.1", nil, false), ("192.168.9.9", "all", false), ("8.8.8.8", "all", true)] as [(String, String?, Bool)])
    func theWriterOutsideTheVPCIsRegisteredWithZoneAllAndMustBePrivate(ip: String, zone: String?, refused: Bool) throws {
        var outside = spec
        outside.database.writerIP = ip
        let plan = Planner.plan(spec: outside, live: SeedStack.empty)
        #expect(plan.steps.contains { $0.operation == .registerTarget(targetGroup: .ref(.targetGroup), ip: ip, port: 3306, availabilityZone: zone) })
        #expect(plan.errors.contains { $0.description.contains("is not a private address") } == refused, "\(plan.errors)")
    }

    /// `unused` means absent only when not registered; a registered target the NLB does not use
    /// (no NLB subnet in its zone) stays, with a warning, instead of being registered every apply.
    @Test func aRegisteredButUnusedWriterIsNotRegisteredAgainAndIsWarnedAbout() {
        var live = SeedStack.converged()
        live.targets = [.init(id: "10.0.0.1", port: 3306, state: "unused", reason: "Target.NotInUse")]
        let plan = Planner.plan(spec: spec, live: live)
        #expect(!plan.hasChanges, "\(plan.actions)")
        #expect(plan.warnings.contains { $0.description.contains("Target.NotInUse") })
        live.targets = [.init(id: "10.0.0.1", port: 3306, state: "unused", reason: "Target.NotRegistered")]
        #expect(Planner.plan(spec: spec, live: live).kind(of: writer) == .create)
    }

    /// From a referenced group to an owned one: the stack's rule on the old group is revoked
    /// only after the NLB has moved to the new group and the new rule is in, so the consumer
    /// is never cut off; and it is planned apart from the rule of the same CIDR on the new group.
    @Test func aRuleOnTheGroupTheStackLeftIsRevokedAfterTheMove() throws {
        var referencing = spec
        referencing.producer.securityGroupId = "sg-0db"
        let live = SeedStack.converged(referencing)
        let plan = Planner.plan(spec: spec, live: live)
        #expect(plan.errors.isEmpty)
        let former = try #require(plan.steps.first { $0.address == .formerRule(groupId: "sg-0db", cidr: "10.0.1.0/24") })
        #expect(former.operation.name == "revokeIngress")
        let move = try #require(plan.steps.first { $0.operation.name == "setSecurityGroups" })
        let authorize = try #require(plan.steps.first { $0.address == rule && $0.operation.name == "authorizeIngress" })
        #expect(former.dependsOn.contains(move.id) && former.dependsOn.contains(authorize.id), "\(former.dependsOn)")
        #expect(!authorize.dependsOn.contains(former.id))
        #expect(move.dependsOn.contains(authorize.id), "the new group lets the consumer in before the NLB moves to it")
        #expect(plan.action(for: .formerRule(groupId: "sg-0db", cidr: "10.0.1.0/24"))?.reason == "on sg-0db, which this stack no longer uses")
    }

    @Test func convergedStateIsANoOp() {
        let plan = Planner.plan(spec: spec, live: SeedStack.converged())
        #expect(plan.actions.isEmpty)
        #expect(plan.steps.isEmpty)
        #expect(plan.errors.isEmpty)
        #expect(!plan.hasChanges)
    }

    @Test func convergedWithReferencedGroupIsANoOp() {
        var spec = spec
        spec.producer.securityGroupId = "sg-0f00"
        #expect(Planner.plan(spec: spec, live: SeedStack.converged(spec)).actions.isEmpty)
    }

    // MARK: security group rules

    @Test func ruleDescriptionIsUpdatedInPlace() throws {
        var live = SeedStack.converged()
        live.securityGroupRules[0].description = "hand written"
        let plan = Planner.plan(spec: spec, live: live)
        let action = try #require(plan.action(for: rule))
        #expect(action.action == .update)
        #expect(action.changes.map(\.name) == ["description"])
        #expect(plan.operationNames == ["modifyRuleDescription"])
    }

    @Test func rulePortChangeRevokesThenAuthorizes() throws {
        var spec = spec
        spec.database.port = 3307
        var live = SeedStack.converged()
        live.loadBalancer = nil
        live.targetGroup = nil
        live.listeners = []
        live.targets = []
        live.endpointServices = []
        live.allowedPrincipals = []
        let plan = Planner.plan(spec: spec, live: live)
        let action = try #require(plan.action(for: rule))
        #expect(action.action == .replace)
        #expect(action.changes.filter(\.forcesReplacement).map(\.name) == ["from_port", "to_port"])
        let revoke = try #require(plan.stepIndex("revokeIngress", rule))
        let authorize = try #require(plan.stepIndex("authorizeIngress", rule))
        #expect(revoke < authorize)
        #expect(plan.steps[authorize].dependsOn.contains(plan.steps[revoke].id))
    }

    @Test func ruleForARemovedCIDRIsDeletedOnlyWhenTagged() {
        var spec = spec
        spec.consumer.cidrBlocks = ["10.0.2.0/24"]
        var live = SeedStack.converged()
        live.securityGroupRules.append(.init(id: "sgr-handmade", groupId: SeedStack.securityGroupId, ipProtocol: "tcp",
                                             fromPort: 22, toPort: 22, cidrIPv4: "192.168.0.0/16"))
        let plan = Planner.plan(spec: spec, live: live)
        #expect(plan.kind(of: .securityGroupRule(cidr: "10.0.2.0/24")) == .create)
        #expect(plan.kind(of: rule) == .delete)
        #expect(plan.action(for: .securityGroupRule(cidr: "192.168.0.0/16")) == nil)
        #expect(plan.steps.contains { $0.operation == .revokeIngress(groupId: SeedStack.securityGroupId, ruleId: "sgr-00000000000000000") })
        #expect(!plan.steps.contains { $0.operation == .revokeIngress(groupId: SeedStack.securityGroupId, ruleId: "sgr-handmade") })
    }

    // MARK: load balancer

    @Test func addedSubnetIsSetInPlace() throws {
        var live = SeedStack.converged()
        live.loadBalancer?.subnetIds.removeLast()
        let plan = Planner.plan(spec: spec, live: live)
        let action = try #require(plan.action(for: .loadBalancer))
        #expect(action.action == .update)
        #expect(plan.steps.map(\.operation) == [.setSubnets(loadBalancerArn: SeedStack.loadBalancerArn, subnetIds: ["subnet-0c0ffee", "subnet-0cafed00d", "subnet-0cafef00d"])])
    }

    @Test func removedSubnetReplacesTheLoadBalancerWithListenerAndService() throws {
        var live = SeedStack.converged()
        live.loadBalancer?.subnetIds.append("subnet-0old")
        let plan = Planner.plan(spec: spec, live: live)
        let action = try #require(plan.action(for: .loadBalancer))
        #expect(action.action == .replace)
        #expect(action.changes.first { $0.name == "subnets" }?.forcesReplacement == true)
        #expect(action.reason.contains("subnet"))
        #expect(plan.kind(of: .listener) == .replace)
        #expect(plan.kind(of: .endpointService) == .replace)
        #expect(plan.kind(of: root) == .replace)
        #expect(plan.kind(of: .targetGroup) == nil)
        let note = try #require(plan.notes.first { $0.subject == "endpoint_service.main" })
        #expect(note.message.contains("id changes"))
        #expect(note.message.contains(SeedStack.serviceId))
        #expect(note.message.contains("sent to the consumer again"))
        // The service goes before its NLB; the new NLB comes after the old one is gone.
        let deleteService = try #require(plan.stepIndex("deleteEndpointService", .endpointService))
        let deleteListener = try #require(plan.stepIndex("deleteListener", .listener))
        let deleteNLB = try #require(plan.stepIndex("deleteLoadBalancer", .loadBalancer))
        let createNLB = try #require(plan.stepIndex("createLoadBalancer", .loadBalancer))
        let createService = try #require(plan.stepIndex("createEndpointService", .endpointService))
        let addPrincipal = try #require(plan.stepIndex("addPrincipals", root))
        #expect(deleteService < deleteNLB && deleteListener < deleteNLB && deleteNLB < createNLB)
        #expect(createNLB < createService && createService < addPrincipal)
        #expect(plan.steps[deleteNLB].dependsOn == [plan.steps[deleteService].id, plan.steps[deleteListener].id].sorted())
    }

    @Test(arguments: [
        ([SeedStack.securityGroupId, "sg-0extra"], false),
        ([], true),
    ])
    func securityGroupChangeUpdatesOnlyWhenGroupsBeforeAndAfter(liveGroups: [String], replaces: Bool) throws {
        var live = SeedStack.converged()
        live.loadBalancer?.securityGroupIds = liveGroups
        let plan = Planner.plan(spec: spec, live: live)
        let action = try #require(plan.action(for: .loadBalancer))
        #expect(action.action == (replaces ? .replace : .update))
        #expect(action.changes.first { $0.name == "security_groups" }?.forcesReplacement == replaces)
        if !replaces {
            #expect(plan.steps.map(\.operation) == [.setSecurityGroups(loadBalancerArn: SeedStack.loadBalancerArn, securityGroups: [.id(SeedStack.securityGroupId)])])
        } else {
            #expect(action.reason.contains("creation time"))
        }
    }

    @Test func crossZoneIsAnAttributeUpdate() throws {
        var live = SeedStack.converged()
        live.loadBalancer?.attributes = [:]
        let plan = Planner.plan(spec: spec, live: live)
        let action = try #require(plan.action(for: .loadBalancer))
        #expect(action.action == .update)
        #expect(action.changes == [AttributeChange("cross_zone", .bool(false), .bool(true))])
        #expect(plan.steps.map(\.operation) == [.setCrossZone(loadBalancer: .id(SeedStack.loadBalancerArn), enabled: true)])
    }

    @Test(arguments: ["scheme", "type"])
    func schemeOrTypeForcesReplacement(attribute: String) throws {
        var live = SeedStack.converged()
        if attribute == "scheme" { live.loadBalancer?.scheme = "internet-facing" } else { live.loadBalancer?.type = "application" }
        let plan = Planner.plan(spec: spec, live: live)
        let action = try #require(plan.action(for: .loadBalancer))
        #expect(action.action == .replace)
        #expect(action.changes.filter(\.forcesReplacement).map(\.name) == [attribute])
    }

    // MARK: target group, targets, listener

    @Test func targetGroupPortChangeReplacesInFixedNameOrder() throws {
        var spec = spec
        spec.database.port = 3307
        let plan = Planner.plan(spec: spec, live: SeedStack.converged())
        #expect(plan.kind(of: .targetGroup) == .replace)
        #expect(plan.action(for: .targetGroup)?.changes.first { $0.name == "port" }?.forcesReplacement == true)
        #expect(plan.kind(of: .listener) == .replace)
        let order = try ["deleteListener", "deleteTargetGroup", "createTargetGroup", "createListener"].map { name in
            try #require(plan.steps.firstIndex { $0.operation.name == name })
        }
        #expect(order == order.sorted())
        let createTargetGroup = plan.steps[order[2]]
        #expect(createTargetGroup.dependsOn == ["target_group.writer:deleteTargetGroup"])
        #expect(plan.steps[order[1]].dependsOn == ["listener.db:deleteListener"])
        #expect(plan.steps[order[3]].dependsOn.contains(createTargetGroup.id))
        // The NLB stays: the listener is recreated on the live ARN.
        #expect(plan.kind(of: .loadBalancer) == nil)
        #expect(plan.steps[order[3]].operation == .createListener(
            loadBalancer: .id(SeedStack.loadBalancerArn), protocolName: "TCP", port: 3307, targetGroup: .ref(.targetGroup), tags: SeedStack.tags(.listener)))
        // The writer's replacement shows the new port, not only the new target group.
        let writerChanges = plan.action(for: writer)?.changes.map(\.name) ?? []
        #expect(writerChanges.sorted() == ["port", "target_group_arn"])
        #expect(plan.action(for: writer)?.changes.first { $0.name == "target_group_arn" }?.forcesReplacement == true)
    }

    @Test func writerIPChangeRegistersNewAndDeregistersOld() {
        var spec = spec
        spec.database.writerIP = "10.0.0.2"
        let plan = Planner.plan(spec: spec, live: SeedStack.converged())
        #expect(plan.kind(of: .target(ip: "10.0.0.2")) == .create)
        #expect(plan.kind(of: writer) == .delete)
        #expect(plan.steps.map(\.operation).contains(.registerTarget(targetGroup: .id(SeedStack.targetGroupArn), ip: "10.0.0.2", port: 3306)))
        #expect(plan.steps.map(\.operation).contains(.deregisterTarget(targetGroupArn: SeedStack.targetGroupArn, ip: "10.0.0.1", port: 3306)))
        // The NLB is never without a target: the old one goes only after the new one is in.
        let register = plan.steps.first { $0.operation.name == "registerTarget" }
        let deregister = plan.steps.first { $0.operation.name == "deregisterTarget" }
        #expect(register.map { deregister?.dependsOn.contains($0.id) ?? false } == true)
    }

    @Test func strayTargetIsDeregisteredAndDrainingCountsAsAbsent() {
        var live = SeedStack.converged()
        live.targets = [.init(id: "10.0.0.1", port: 3306, state: "draining"), .init(id: "10.0.9.9", port: 3306)]
        let plan = Planner.plan(spec: spec, live: live)
        #expect(plan.kind(of: writer) == .create)
        #expect(plan.kind(of: .target(ip: "10.0.9.9")) == .delete)
        #expect(plan.action(for: .target(ip: "10.0.9.9"))?.reason.hasPrefix("not the writer 10.0.0.1:3306, which is the only target") == true)
    }

    @Test func listenerForwardingElsewhereIsModified() throws {
        var live = SeedStack.converged()
        live.listeners[0].targetGroupArn = "arn:other"
        let plan = Planner.plan(spec: spec, live: live)
        #expect(plan.kind(of: .listener) == .update)
        #expect(plan.steps.map(\.operation) == [.modifyListener(listenerArn: SeedStack.listenerArn, protocolName: "TCP", port: 3306, targetGroup: .id(SeedStack.targetGroupArn))])
    }

    @Test func missingListenerIsCreatedOnTheLiveLoadBalancer() {
        var live = SeedStack.converged()
        live.listeners = []
        let plan = Planner.plan(spec: spec, live: live)
        #expect(plan.kind(of: .listener) == .create)
        #expect(plan.steps.first?.dependsOn == [])
    }

    // MARK: endpoint service and principals

    @Test func acceptanceIsUpdatedInPlace() {
        var spec = spec
        spec.endpointService.acceptanceRequired = true
        let plan = Planner.plan(spec: spec, live: SeedStack.converged())
        #expect(plan.kind(of: .endpointService) == .update)
        #expect(plan.steps.map(\.operation) == [.modifyEndpointServiceAcceptance(serviceId: SeedStack.serviceId, acceptanceRequired: true)])
        #expect(plan.notes.isEmpty)
    }

    @Test func strayPrincipalIsRemovedAndNewOneAdded() {
        var spec = spec
        spec.consumer.principals = ["arn:aws:iam::123456789012:role/importer"]
        var live = SeedStack.converged()
        live.allowedPrincipals.append("arn:aws:iam::999999999999:root")
        let plan = Planner.plan(spec: spec, live: live)
        #expect(plan.kind(of: .principal("arn:aws:iam::123456789012:role/importer")) == .create)
        #expect(plan.kind(of: .principal("arn:aws:iam::999999999999:root")) == .delete)
        #expect(plan.kind(of: root) == nil)
        #expect(plan.steps.map(\.operation).contains(.removePrincipals(serviceId: SeedStack.serviceId, principals: ["arn:aws:iam::999999999999:root"])))
        #expect(plan.steps.map(\.operation).contains(.addPrincipals(service: .id(SeedStack.serviceId), principals: ["arn:aws:iam::123456789012:role/importer"])))
    }

    @Test func strayTaggedServiceIsDeleted() {
        var live = SeedStack.converged()
        live.endpointServices.append(.init(id: "vpce-svc-0stray", name: "x", acceptanceRequired: false, loadBalancerArns: ["arn:old"],
                                           tags: [.init(key: "rplink:stack", value: "planetscale-import")]))
        let plan = Planner.plan(spec: spec, live: live)
        #expect(plan.kind(of: .strayEndpointService(id: "vpce-svc-0stray")) == .delete)
        #expect(plan.actions.count == 1)
    }

    // MARK: owned versus referenced security group

    @Test func switchingToAReferencedGroupDeletesTheOwnedOneAfterTheNLBMoves() throws {
        var spec = spec
        spec.producer.securityGroupId = "sg-0f00"
        var live = SeedStack.converged()
        live.referencedSecurityGroup = .init(id: "sg-0f00", name: "db", vpcId: "vpc-0f00")
        let plan = Planner.plan(spec: spec, live: live)
        #expect(plan.kind(of: .securityGroup) == .delete)
        #expect(plan.kind(of: .loadBalancer) == .update)
        let move = try #require(plan.stepIndex("setSecurityGroups", .loadBalancer))
        let delete = try #require(plan.stepIndex("deleteSecurityGroup", .securityGroup))
        #expect(move < delete)
        #expect(plan.steps[delete].dependsOn.contains(plan.steps[move].id))
        #expect(plan.kind(of: rule) == .create)
        // The consumer is never cut off: the new rule is in before the NLB moves, and the old
        // rule on the owned group goes only after the move.
        let authorize = try #require(plan.steps.first { $0.address == rule && $0.operation.name == "authorizeIngress" })
        #expect(plan.steps[move].dependsOn.contains(authorize.id), "\(plan.steps[move].dependsOn)")
        let revoke = try #require(plan.steps.first { $0.operation.name == "revokeIngress" })
        #expect(revoke.dependsOn.contains(plan.steps[move].id) && revoke.dependsOn.contains(authorize.id), "\(revoke)")
    }
}
