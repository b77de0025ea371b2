import Foundation
import Testing
@testable import RPLinkKit

/// Idempotency of single steps: takeover instead of duplicates, refusal of objects that are not
/// ours, deletes of what is already gone, and the waits that are part of a step.
@Suite struct StepRunnerTests {
    typealias Reply = RecordingQueryAPI.Reply

    static let spec = SeedStack.spec
    static let ours = SeedStack.tags(.loadBalancer)
    static let othersTags = [Spec.Tag(key: StackConventions.stackTagKey, value: "someone-else")]

    static func runner(_ api: RecordingQueryAPI, sleeps: SleepLog = SleepLog(), timeout: Duration = .seconds(60)) -> StepRunner {
        StepRunner(api: api, waiter: Waiter(firstInterval: .milliseconds(1), maxInterval: .milliseconds(4), timeout: timeout, sleep: { sleeps.append($0) }))
    }

    static func run(
        _ operation: StepOperation, _ api: RecordingQueryAPI, spec: Spec = spec, sleeps: SleepLog = SleepLog(), timeout: Duration = .seconds(60),
        ids: CreatedIDs = CreatedIDs()
    ) async throws -> String? {
        try await runner(api, sleeps: sleeps, timeout: timeout).run(operation, spec: spec, ids: ids)
    }

    static func xml(_ body: String) throws -> Reply { .xml(try FakeAWS.xml(body)) }

    static func error(_ service: AWSService, _ action: String, _ code: String) -> Reply {
        .error(AWSError(service: service, action: action, code: code, message: "\(code) from the test", httpStatus: 400))
    }

    static func ec2Tags(_ tags: [Spec.Tag]) -> String {
        "<tagSet>" + tags.map { "<item><key>\($0.key)</key><value>\($0.value)</value></item>" }.joined() + "</tagSet>"
    }

    static func elbTags(_ arn: String, _ tags: [Spec.Tag]) throws -> Reply {
        let members = tags.map { "<member><Key>\($0.key)</Key><Value>\($0.value)</Value></member>" }.joined()
        return try xml("<DescribeTagsResponse><DescribeTagsResult><TagDescriptions><member><ResourceArn>\(arn)</ResourceArn><Tags>\(members)</Tags></member></TagDescriptions></DescribeTagsResult></DescribeTagsResponse>")
    }

    static func loadBalancers(_ states: String...) throws -> Reply {
        let members = states.map { FakeAWS.loadBalancerMember(arn: FakeAWS.loadBalancerArn, state: $0) }.joined()
        return try xml("<DescribeLoadBalancersResponse><DescribeLoadBalancersResult><LoadBalancers>\(members)</LoadBalancers></DescribeLoadBalancersResult></DescribeLoadBalancersResponse>")
    }

    static func services(_ items: String...) throws -> Reply {
        try xml("<DescribeVpcEndpointServiceConfigurationsResponse><serviceConfigurationSet>\(items.joined())</serviceConfigurationSet></DescribeVpcEndpointServiceConfigurationsResponse>")
    }

    static func fake(_ action: String) throws -> Reply {
        let node = try #require(try FakeAWS().answer(.init(service: .ec2, action: action, parameters: QueryParameters())))
        return .xml(node)
    }

    static let createGroup = StepOperation.createSecurityGroup(name: "planetscale-import-nlb", description: "d", vpcId: "vpc-0f00", tags: SeedStack.tags(.securityGroup))
    static let createTargetGroup = StepOperation.createTargetGroup(name: "pl-nlb-target-group", protocolName: "TCP", port: 3306, vpcId: "vpc-0f00", targetType: "ip", tags: SeedStack.tags(.targetGroup))
    static let createLoadBalancer = StepOperation.createLoadBalancer(name: "pl-nlb", subnetIds: ["subnet-0cafed00d"], securityGroups: [.id("sg-1")], tags: ours)
    static let createService = StepOperation.createEndpointService(
        loadBalancer: .id(FakeAWS.loadBalancerArn), acceptanceRequired: false, clientToken: "rplink-planetscale-import-0123456789abcdef", tags: SeedStack.tags(.endpointService))

    // MARK: - Takeover instead of duplicates

    @Test func securityGroupThatAppearedWithOurTagsIsTakenOver() async throws {
        let api = RecordingQueryAPI(["DescribeSecurityGroups": [try Self.xml(
            "<DescribeSecurityGroupsResponse><securityGroupInfo><item><groupId>sg-0existing</groupId><groupName>planetscale-import-nlb</groupName><vpcId>vpc-0f00</vpcId>\(Self.ec2Tags(SeedStack.tags(.securityGroup)))</item></securityGroupInfo></DescribeSecurityGroupsResponse>")]])
        #expect(try await Self.run(Self.createGroup, api) == "sg-0existing")
        #expect(await api.actions == ["DescribeSecurityGroups"])
    }

    @Test func createWhoseOutcomeIsUnknownLooksAgainInsteadOfCreatingTwice() async throws {
        let found = "<DescribeSecurityGroupsResponse><securityGroupInfo><item><groupId>sg-0made</groupId><groupName>planetscale-import-nlb</groupName><vpcId>vpc-0f00</vpcId>\(Self.ec2Tags(SeedStack.tags(.securityGroup)))</item></securityGroupInfo></DescribeSecurityGroupsResponse>"
        let api = RecordingQueryAPI([
            "DescribeSecurityGroups": [try Self.xml("<DescribeSecurityGroupsResponse><securityGroupInfo/></DescribeSecurityGroupsResponse>"), try Self.xml(found)],
            // The group was made, but the reply was lost in a server error.
            "CreateSecurityGroup": [.error(AWSError(service: .ec2, action: "CreateSecurityGroup", code: "InternalError", message: "lost", httpStatus: 500))],
        ])
        #expect(try await Self.run(Self.createGroup, api) == "sg-0made")
        #expect(await api.actions == ["DescribeSecurityGroups", "CreateSecurityGroup", "DescribeSecurityGroups"])
    }

    @Test func createRefusedOutrightIsNotTriedAgain() async throws {
        let api = RecordingQueryAPI([
            "DescribeSecurityGroups": [try Self.xml("<DescribeSecurityGroupsResponse><securityGroupInfo/></DescribeSecurityGroupsResponse>")],
            "CreateSecurityGroup": [Self.error(.ec2, "CreateSecurityGroup", "InvalidVpcID.NotFound")],
        ])
        let error = try await #require(throws: AWSError.self) { try await Self.run(Self.createGroup, api) }
        #expect(error.code == "InvalidVpcID.NotFound")
        #expect(await api.actions == ["DescribeSecurityGroups", "CreateSecurityGroup"])
    }

    @Test(arguments: [[], othersTags])
    func securityGroupUnderOurNameWithoutOurTagIsRefused(tags: [Spec.Tag]) async throws {
        let api = RecordingQueryAPI(["DescribeSecurityGroups": [try Self.xml(
            "<DescribeSecurityGroupsResponse><securityGroupInfo><item><groupId>sg-0byhand</groupId><groupName>planetscale-import-nlb</groupName>\(Self.ec2Tags(tags))</item></securityGroupInfo></DescribeSecurityGroupsResponse>")]])
        let error = try await #require(throws: RPLinkError.self) { try await Self.run(Self.createGroup, api) }
        #expect(error.code == .notOurs)
        #expect(error.message.contains("security group planetscale-import-nlb (sg-0byhand)"))
        #expect(error.message.contains("rplink:stack=planetscale-import"))
        #expect(error.message.contains("--adopt"))
        #expect(await api.mutatingCalls.isEmpty)
    }

    @Test func targetGroupThatAppearedWithOurTagsIsTakenOver() async throws {
        let api = RecordingQueryAPI([
            "DescribeTargetGroups": [try Self.xml("<DescribeTargetGroupsResponse><DescribeTargetGroupsResult><TargetGroups><member><TargetGroupArn>\(FakeAWS.targetGroupArn)</TargetGroupArn><TargetGroupName>pl-nlb-target-group</TargetGroupName></member></TargetGroups></DescribeTargetGroupsResult></DescribeTargetGroupsResponse>")],
            "DescribeTags": [try Self.elbTags(FakeAWS.targetGroupArn, SeedStack.tags(.targetGroup))],
        ])
        #expect(try await Self.run(Self.createTargetGroup, api) == FakeAWS.targetGroupArn)
        #expect(await api.mutatingCalls.isEmpty)
    }

    @Test func targetGroupUnderOurNameWithoutOurTagIsRefused() async throws {
        let api = RecordingQueryAPI([
            "DescribeTargetGroups": [try Self.xml("<DescribeTargetGroupsResponse><DescribeTargetGroupsResult><TargetGroups><member><TargetGroupArn>\(FakeAWS.targetGroupArn)</TargetGroupArn><TargetGroupName>pl-nlb-target-group</TargetGroupName></member></TargetGroups></DescribeTargetGroupsResult></DescribeTargetGroupsResponse>")],
            "DescribeTags": [try Self.elbTags(FakeAWS.targetGroupArn, Self.othersTags)],
        ])
        let error = try await #require(throws: RPLinkError.self) { try await Self.run(Self.createTargetGroup, api) }
        #expect(error.code == .notOurs)
        #expect(error.message.contains("target group pl-nlb-target-group"))
        #expect(await api.mutatingCalls.isEmpty)
    }

    /// Taken over, not created again; its cross-zone setting is the next step's to converge.
    @Test func loadBalancerThatAppearedWithOurTagsIsTakenOverWithoutACreate() async throws {
        let api = RecordingQueryAPI([
            "DescribeLoadBalancers": [try Self.loadBalancers("active")],
            "DescribeTags": [try Self.elbTags(FakeAWS.loadBalancerArn, Self.ours)],
        ])
        #expect(try await Self.run(Self.createLoadBalancer, api) == FakeAWS.loadBalancerArn)
        #expect(await api.mutatingCalls.isEmpty)
    }

    @Test func loadBalancerUnderOurNameWithoutOurTagIsRefused() async throws {
        let api = RecordingQueryAPI([
            "DescribeLoadBalancers": [try Self.loadBalancers("active")],
            "DescribeTags": [try Self.elbTags(FakeAWS.loadBalancerArn, [])],
        ])
        let error = try await #require(throws: RPLinkError.self) { try await Self.run(Self.createLoadBalancer, api) }
        #expect(error.code == .notOurs)
        #expect(error.message.contains("load balancer pl-nlb"))
        #expect(await api.mutatingCalls.isEmpty)
    }

    @Test func listenerOnOurPortIsTakenOverAndPointedAtOurTargetGroup() async throws {
        let api = RecordingQueryAPI([
            "DescribeListeners": [try Self.xml("<DescribeListenersResponse><DescribeListenersResult><Listeners><member><ListenerArn>\(FakeAWS.listenerArn)</ListenerArn><Port>3306</Port><Protocol>TCP</Protocol><DefaultActions><member><Type>forward</Type><TargetGroupArn>arn:old-tg</TargetGroupArn></member></DefaultActions></member></Listeners></DescribeListenersResult></DescribeListenersResponse>")],
            "ModifyListener": [try Self.xml("<ModifyListenerResponse><ModifyListenerResult><Listeners><member><ListenerArn>\(FakeAWS.listenerArn)</ListenerArn></member></Listeners></ModifyListenerResult></ModifyListenerResponse>")],
        ])
        let operation = StepOperation.createListener(loadBalancer: .id(FakeAWS.loadBalancerArn), protocolName: "TCP", port: 3306, targetGroup: .id(FakeAWS.targetGroupArn), tags: [])
        #expect(try await Self.run(operation, api) == FakeAWS.listenerArn)
        let modify = try #require(await api.mutatingCalls.only)
        #expect(modify.action == "ModifyListener")
        #expect(modify.parameters["DefaultActions.member.1.TargetGroupArn"] == FakeAWS.targetGroupArn)
        #expect(modify.parameters["Protocol"] == "TCP")
    }

    /// A listener on the port with another protocol (a TLS one, taken over with --adopt) is
    /// switched to TCP: without Protocol in ModifyListener, every plan would show the same diff.
    @Test func modifyingAListenerSendsItsProtocol() async throws {
        let api = RecordingQueryAPI([
            "ModifyListener": [try Self.xml("<ModifyListenerResponse><ModifyListenerResult><Listeners><member><ListenerArn>\(FakeAWS.listenerArn)</ListenerArn></member></Listeners></ModifyListenerResult></ModifyListenerResponse>")],
        ])
        let operation = StepOperation.modifyListener(listenerArn: FakeAWS.listenerArn, protocolName: "TCP", port: 3306, targetGroup: .id(FakeAWS.targetGroupArn))
        _ = try await Self.run(operation, api)
        let modify = try #require(await api.mutatingCalls.only)
        #expect(modify.parameters["Protocol"] == "TCP")
        #expect(modify.parameters["Port"] == "3306")
    }

    // MARK: - Eventual consistency

    static let registered = "<RegisterTargetsResponse><RegisterTargetsResult/></RegisterTargetsResponse>"

    /// A target group made a moment ago by this apply may be "not found" for a while: the step
    /// looks again, backing off, instead of failing the apply (the emulator never shows this).
    @Test func aStepUsingAnObjectJustMadeRetriesWhileAWSDoesNotSeeItYet() async throws {
        let api = RecordingQueryAPI(["RegisterTargets": [
            Self.error(.elbv2, "RegisterTargets", "TargetGroupNotFound"), Self.error(.elbv2, "RegisterTargets", "TargetGroupNotFound"),
            try Self.xml(Self.registered),
        ]])
        let ids = CreatedIDs()
        await ids.record(FakeAWS.targetGroupArn, for: .targetGroup, stack: Self.spec.name)
        let sleeps = SleepLog()
        _ = try await Self.run(.registerTarget(targetGroup: .ref(.targetGroup), ip: "10.0.0.1", port: 3306), api, sleeps: sleeps, ids: ids)
        #expect(await api.actions == ["RegisterTargets", "RegisterTargets", "RegisterTargets"])
        #expect(sleeps.durations == [.milliseconds(1), .milliseconds(2)])
    }

    /// An object that existed before the apply (named by id) is not waited for: not found is an answer.
    @Test func aStepUsingAnObjectThatExistedBeforeFailsAtOnceWhenItIsGone() async throws {
        let api = RecordingQueryAPI(["RegisterTargets": [Self.error(.elbv2, "RegisterTargets", "TargetGroupNotFound"), try Self.xml(Self.registered)]])
        await #expect(throws: AWSError.self) {
            _ = try await Self.run(.registerTarget(targetGroup: .id(FakeAWS.targetGroupArn), ip: "10.0.0.1", port: 3306), api)
        }
        #expect(await api.actions == ["RegisterTargets"])
    }

    @Test func aFreshObjectThatNeverAppearsFailsAfterABoundedNumberOfLooks() async throws {
        let api = RecordingQueryAPI(["RegisterTargets": [Self.error(.elbv2, "RegisterTargets", "TargetGroupNotFound")]])
        let ids = CreatedIDs()
        await ids.record(FakeAWS.targetGroupArn, for: .targetGroup, stack: Self.spec.name)
        await #expect(throws: AWSError.self) {
            _ = try await Self.run(.registerTarget(targetGroup: .ref(.targetGroup), ip: "10.0.0.1", port: 3306), api, ids: ids)
        }
        #expect(await api.actions.count == StepRunner.freshObjectAttempts)
    }

    @Test func aServiceJustMadeThatIsNotVisibleYetIsWaitedFor() async throws {
        let api = RecordingQueryAPI([
            "DescribeVpcEndpointServiceConfigurations": [
                try Self.services(),
                Self.error(.ec2, "DescribeVpcEndpointServiceConfigurations", "InvalidVpcEndpointServiceId.NotFound"),
                try Self.services(FakeAWS.serviceItem(id: FakeAWS.serviceId, state: "Available")),
            ],
            "CreateVpcEndpointServiceConfiguration": [try Self.fake("CreateVpcEndpointServiceConfiguration")],
        ])
        #expect(try await Self.run(Self.createService, api) == FakeAWS.serviceId)
        #expect(await api.calls("CreateVpcEndpointServiceConfiguration").count == 1)
    }

    // MARK: - Load balancer: wait for active; cross-zone as a step of its own

    @Test func newLoadBalancerIsWaitedForUntilActive() async throws {
        let sleeps = SleepLog()
        let api = RecordingQueryAPI([
            "DescribeLoadBalancers": [try Self.loadBalancers(), try Self.loadBalancers("provisioning"), try Self.loadBalancers("provisioning"), try Self.loadBalancers("active")],
            "CreateLoadBalancer": [try Self.fake("CreateLoadBalancer")],
        ])
        #expect(try await Self.run(Self.createLoadBalancer, api, sleeps: sleeps) == FakeAWS.loadBalancerArn)
        #expect(await api.actions == ["DescribeLoadBalancers", "CreateLoadBalancer", "DescribeLoadBalancers", "DescribeLoadBalancers", "DescribeLoadBalancers"])
        #expect(sleeps.durations.count == 2)
        let create = try #require(await api.calls("CreateLoadBalancer").first)
        #expect(create.parameters["Scheme"] == "internal")
        #expect(create.parameters["Type"] == "network")
        #expect(create.parameters["SecurityGroups.member.1"] == "sg-1")
    }

    @Test func loadBalancerThatFailsToProvisionFailsTheStep() async throws {
        let api = RecordingQueryAPI([
            "DescribeLoadBalancers": [try Self.loadBalancers(), try Self.loadBalancers("failed")],
            "CreateLoadBalancer": [try Self.fake("CreateLoadBalancer")],
        ])
        let error = try await #require(throws: RPLinkError.self) { try await Self.run(Self.createLoadBalancer, api) }
        #expect(error.message.contains("load balancer pl-nlb failed to provision"))
        #expect(await api.calls("ModifyLoadBalancerAttributes").isEmpty)
    }

    /// A new NLB's cross-zone step finds the ARN its create recorded; an existing one's is given.
    @Test(arguments: [(true, true), (false, true), (true, false)])
    func crossZoneIsSetOnTheLoadBalancerTheCreateMade(enabled: Bool, referenced: Bool) async throws {
        let api = RecordingQueryAPI(["ModifyLoadBalancerAttributes": [try Self.fake("ModifyLoadBalancerAttributes")]])
        let ids = CreatedIDs()
        await ids.record(FakeAWS.loadBalancerArn, for: .loadBalancer, stack: Self.spec.name)
        let reference: ResourceReference = referenced ? .ref(.loadBalancer) : .id(FakeAWS.loadBalancerArn)
        _ = try await Self.run(.setCrossZone(loadBalancer: reference, enabled: enabled), api, ids: ids)
        let attributes = try #require(await api.onlyCall)
        #expect(attributes.action == "ModifyLoadBalancerAttributes")
        #expect(attributes.parameters["LoadBalancerArn"] == FakeAWS.loadBalancerArn)
        #expect(attributes.parameters["Attributes.member.1.Key"] == "load_balancing.cross_zone.enabled")
        #expect(attributes.parameters["Attributes.member.1.Value"] == (enabled ? "true" : "false"))
    }

    // MARK: - Endpoint service

    @Test func newEndpointServiceIsWaitedForUntilAvailable() async throws {
        let sleeps = SleepLog()
        let api = RecordingQueryAPI([
            "DescribeVpcEndpointServiceConfigurations": [
                try Self.services(), try Self.services(FakeAWS.serviceItem(id: FakeAWS.serviceId, state: "Pending")),
                try Self.services(FakeAWS.serviceItem(id: FakeAWS.serviceId, state: "Available")),
            ],
            "CreateVpcEndpointServiceConfiguration": [try Self.fake("CreateVpcEndpointServiceConfiguration")],
        ])
        #expect(try await Self.run(Self.createService, api, sleeps: sleeps) == FakeAWS.serviceId)
        #expect(await api.actions == ["DescribeVpcEndpointServiceConfigurations", "CreateVpcEndpointServiceConfiguration",
                                      "DescribeVpcEndpointServiceConfigurations", "DescribeVpcEndpointServiceConfigurations"])
        #expect(sleeps.durations.count == 1)
        let create = try #require(await api.calls("CreateVpcEndpointServiceConfiguration").first)
        #expect(create.parameters["NetworkLoadBalancerArn.1"] == FakeAWS.loadBalancerArn)
        #expect(create.parameters["AcceptanceRequired"] == "false")
        #expect(await api.calls.last?.parameters["ServiceId.1"] == FakeAWS.serviceId)
    }

    /// The planner's client token for a stack, run through the step with the given NLB ARN.
    static func sentClientToken(stack: String, loadBalancerArn: String) async throws -> String {
        var spec = SeedStack.spec
        spec.name = stack
        let plan = Planner.plan(spec: spec, live: LiveState.empty(for: spec, accountId: SeedStack.account))
        guard case .createEndpointService(_, let acceptance, let token, let tags) = plan.steps.first(where: { $0.address == .endpointService })?.operation else {
            throw RPLinkError(.configuration, "the plan has no createEndpointService step")
        }
        let api = FakeAWS().api()
        _ = try await run(.createEndpointService(loadBalancer: .id(loadBalancerArn), acceptanceRequired: acceptance, clientToken: token, tags: tags), api, spec: spec)
        return try #require(await api.calls("CreateVpcEndpointServiceConfiguration").first?.parameters["ClientToken"])
    }

    @Test(arguments: ["a", "planetscale-import", String(repeating: "x", count: 32)])
    func clientTokenFitsAWSLimitAndFollowsTheLoadBalancer(stack: String) async throws {
        let first = try await Self.sentClientToken(stack: stack, loadBalancerArn: FakeAWS.loadBalancerArn)
        let again = try await Self.sentClientToken(stack: stack, loadBalancerArn: FakeAWS.loadBalancerArn)
        let otherNLB = try await Self.sentClientToken(stack: stack, loadBalancerArn: FakeAWS.loadBalancerArn + "0")
        #expect(first.count <= 64)
        #expect(!first.isEmpty)
        #expect(first == again)
        #expect(first != otherNLB)
        let otherStack = try await Self.sentClientToken(stack: stack + "-b", loadBalancerArn: FakeAWS.loadBalancerArn)
        #expect(first != otherStack)
    }

    @Test func endpointServiceAlreadyOnOurLoadBalancerWithOurTagsIsTakenOver() async throws {
        let existing = FakeAWS.serviceItem(id: "vpce-svc-0existing", state: "Available", tags: SeedStack.tags(.endpointService))
        let api = RecordingQueryAPI(["DescribeVpcEndpointServiceConfigurations": [try Self.services(existing)]])
        #expect(try await Self.run(Self.createService, api) == "vpce-svc-0existing")
        #expect(await api.mutatingCalls.isEmpty)
    }

    @Test func endpointServiceOnOurLoadBalancerWithoutOurTagIsRefused() async throws {
        let existing = FakeAWS.serviceItem(id: "vpce-svc-0byhand", state: "Available")
        let api = RecordingQueryAPI(["DescribeVpcEndpointServiceConfigurations": [try Self.services(existing)]])
        let error = try await #require(throws: RPLinkError.self) { try await Self.run(Self.createService, api) }
        #expect(error.code == .notOurs)
        #expect(error.message.contains("endpoint service vpce-svc-0byhand"))
        #expect(await api.mutatingCalls.isEmpty)
    }

    @Test func endpointServiceBeingDeletedIsNotTakenOver() async throws {
        let deleting = FakeAWS.serviceItem(id: "vpce-svc-0old", state: "Deleting", tags: SeedStack.tags(.endpointService))
        let api = RecordingQueryAPI([
            "DescribeVpcEndpointServiceConfigurations": [try Self.services(deleting), try Self.services(FakeAWS.serviceItem(id: FakeAWS.serviceId, state: "Available"))],
            "CreateVpcEndpointServiceConfiguration": [try Self.fake("CreateVpcEndpointServiceConfiguration")],
        ])
        #expect(try await Self.run(Self.createService, api) == FakeAWS.serviceId)
        #expect(await api.calls("CreateVpcEndpointServiceConfiguration").count == 1)
    }

    @Test func endpointServiceThatFailsFailsTheStep() async throws {
        let api = RecordingQueryAPI([
            "DescribeVpcEndpointServiceConfigurations": [try Self.services(), try Self.services(FakeAWS.serviceItem(id: FakeAWS.serviceId, state: "Failed"))],
            "CreateVpcEndpointServiceConfiguration": [try Self.fake("CreateVpcEndpointServiceConfiguration")],
        ])
        let error = try await #require(throws: RPLinkError.self) { try await Self.run(Self.createService, api) }
        #expect(error.message.contains("\(FakeAWS.serviceId) is in state Failed"))
    }

    // MARK: - Deletes

    struct DeleteCase: Sendable, CustomTestStringConvertible {
        var operation: StepOperation
        var replies: [String: [Reply]]
        var testDescription: String { operation.name }
    }

    static var deletesOfWhatIsGone: [DeleteCase] {
        let arn = FakeAWS.loadBalancerArn
        return [
            DeleteCase(operation: .deleteSecurityGroup(groupId: "sg-gone"), replies: ["DeleteSecurityGroup": [error(.ec2, "DeleteSecurityGroup", "InvalidGroup.NotFound")]]),
            DeleteCase(operation: .revokeIngress(groupId: "sg-1", ruleId: "sgr-gone"), replies: ["RevokeSecurityGroupIngress": [error(.ec2, "RevokeSecurityGroupIngress", "InvalidSecurityGroupRuleId.NotFound")]]),
            DeleteCase(operation: .deleteLoadBalancer(loadBalancerArn: arn), replies: [
                "DeleteLoadBalancer": [error(.elbv2, "DeleteLoadBalancer", "LoadBalancerNotFound")],
                "DescribeLoadBalancers": [error(.elbv2, "DescribeLoadBalancers", "LoadBalancerNotFound")],
            ]),
            DeleteCase(operation: .deleteTargetGroup(targetGroupArn: FakeAWS.targetGroupArn), replies: ["DeleteTargetGroup": [error(.elbv2, "DeleteTargetGroup", "TargetGroupNotFound")]]),
            DeleteCase(operation: .deregisterTarget(targetGroupArn: FakeAWS.targetGroupArn, ip: "10.0.0.1", port: 3306), replies: ["DeregisterTargets": [error(.elbv2, "DeregisterTargets", "TargetGroupNotFound")]]),
            DeleteCase(operation: .deleteListener(listenerArn: FakeAWS.listenerArn), replies: ["DeleteListener": [error(.elbv2, "DeleteListener", "ListenerNotFound")]]),
            DeleteCase(operation: .deleteEndpointService(serviceId: "vpce-svc-gone"), replies: [
                "DeleteVpcEndpointServiceConfigurations": [error(.ec2, "DeleteVpcEndpointServiceConfigurations", "InvalidVpcEndpointService.NotFound")],
                "DescribeVpcEndpointServiceConfigurations": [error(.ec2, "DescribeVpcEndpointServiceConfigurations", "InvalidVpcEndpointServiceId.NotFound")],
            ]),
            DeleteCase(operation: .removePrincipals(serviceId: "vpce-svc-gone", principals: [SeedStack.root]), replies: [
                "ModifyVpcEndpointServicePermissions": [error(.ec2, "ModifyVpcEndpointServicePermissions", "InvalidVpcEndpointServiceId.NotFound")],
            ]),
        ]
    }

    @Test(arguments: deletesOfWhatIsGone)
    func deleteOfSomethingAlreadyGoneIsDone(_ deleteCase: DeleteCase) async throws {
        let sleeps = SleepLog()
        let api = RecordingQueryAPI(deleteCase.replies)
        #expect(try await Self.run(deleteCase.operation, api, sleeps: sleeps) == nil)
        #expect(sleeps.durations.isEmpty)
        #expect(await api.calls.count == deleteCase.replies.count)
    }

    @Test func deleteOfAnEndpointServiceThatAWSRefusesFailsTheStep() async throws {
        let api = RecordingQueryAPI(["DeleteVpcEndpointServiceConfigurations": [try Self.xml(
            "<DeleteVpcEndpointServiceConfigurationsResponse><unsuccessful><item><error><code>ExistingVpcEndpointConnections</code><message>has connections</message></error><resourceId>vpce-svc-1</resourceId></item></unsuccessful></DeleteVpcEndpointServiceConfigurationsResponse>")]])
        let error = try await #require(throws: RPLinkError.self) { try await Self.run(.deleteEndpointService(serviceId: "vpce-svc-1"), api) }
        // What to do, not only AWS's code: the consumer's endpoint holds the service.
        #expect(error.message.hasPrefix("the endpoint service vpce-svc-1 still has the consumer's endpoints connected: ask the consumer to delete their interface endpoint, or reject it"))
        #expect((error.cause as? AWSError)?.code == "ExistingVpcEndpointConnections")
    }

    @Test func aServiceDeleteRefusedForAnotherReasonIsAWSsError() async throws {
        let api = RecordingQueryAPI(["DeleteVpcEndpointServiceConfigurations": [try Self.xml(
            "<DeleteVpcEndpointServiceConfigurationsResponse><unsuccessful><item><error><code>UnauthorizedOperation</code><message>no</message></error><resourceId>vpce-svc-1</resourceId></item></unsuccessful></DeleteVpcEndpointServiceConfigurationsResponse>")]])
        let error = try await #require(throws: AWSError.self) { try await Self.run(.deleteEndpointService(serviceId: "vpce-svc-1"), api) }
        #expect(error.code == "UnauthorizedOperation")
    }

    @Test func loadBalancerDeleteWaitsUntilItIsGone() async throws {
        let sleeps = SleepLog()
        let api = RecordingQueryAPI([
            "DeleteLoadBalancer": [try Self.fake("DeleteLoadBalancer")],
            "DescribeLoadBalancers": [try Self.loadBalancers("active"), try Self.loadBalancers("active"), try Self.loadBalancers()],
        ])
        _ = try await Self.run(.deleteLoadBalancer(loadBalancerArn: FakeAWS.loadBalancerArn), api, sleeps: sleeps)
        #expect(await api.calls("DescribeLoadBalancers").count == 3)
        #expect(sleeps.durations.count == 2)
    }

    @Test func securityGroupDeleteRetriesDependencyViolationUntilTheInterfacesAreReleased() async throws {
        let sleeps = SleepLog()
        let api = RecordingQueryAPI([
            "DeleteSecurityGroup": [
                Self.error(.ec2, "DeleteSecurityGroup", "DependencyViolation"), Self.error(.ec2, "DeleteSecurityGroup", "DependencyViolation"),
                try Self.fake("DeleteSecurityGroup"),
            ],
            // No other group's rule refers to it: the interfaces are what hold it.
            "DescribeSecurityGroups": [try Self.xml("<DescribeSecurityGroupsResponse><securityGroupInfo/></DescribeSecurityGroupsResponse>")],
        ])
        #expect(try await Self.run(.deleteSecurityGroup(groupId: "sg-0owned"), api, sleeps: sleeps) == nil)
        #expect(await api.calls("DeleteSecurityGroup").count == 3)
        #expect(await api.calls("DeleteSecurityGroup").allSatisfy { $0.parameters["GroupId"] == "sg-0owned" })
        #expect(sleeps.durations == [.milliseconds(1), .milliseconds(2)])
    }

    @Test func securityGroupDeleteThatStaysInUseTimesOutNamingTheGroup() async throws {
        let api = RecordingQueryAPI(["DeleteSecurityGroup": [Self.error(.ec2, "DeleteSecurityGroup", "DependencyViolation")]])
        let error = try await #require(throws: RPLinkError.self) {
            try await Self.run(.deleteSecurityGroup(groupId: "sg-0owned"), api, timeout: .milliseconds(20))
        }
        #expect(error.code == .timeout)
        #expect(error.message.contains("waiting for security group sg-0owned to be released by the load balancer's network interfaces"))
        #expect(await api.calls.count > 2)
    }

    /// A rule of another group (the database's, letting the NLB in) that refers to ours keeps
    /// it in use for good: no wait ends that, so the step fails at once and names the group.
    @Test func securityGroupReferencedByAnotherGroupsRuleFailsAtOnceNamingIt() async throws {
        let sleeps = SleepLog()
        let referring = "<DescribeSecurityGroupsResponse><securityGroupInfo><item><groupId>sg-0database</groupId><groupName>rds</groupName><vpcId>vpc-0f00</vpcId></item></securityGroupInfo></DescribeSecurityGroupsResponse>"
        let api = RecordingQueryAPI([
            "DeleteSecurityGroup": [Self.error(.ec2, "DeleteSecurityGroup", "DependencyViolation")],
            "DescribeSecurityGroups": [try Self.xml(referring), try Self.xml("<DescribeSecurityGroupsResponse><securityGroupInfo/></DescribeSecurityGroupsResponse>")],
        ])
        let error = try await #require(throws: RPLinkError.self) { try await Self.run(.deleteSecurityGroup(groupId: "sg-0owned"), api, sleeps: sleeps) }
        #expect(error.message.hasPrefix("the security group sg-0owned cannot be deleted while rules of sg-0database (rds) refer to it"))
        #expect(await api.calls("DeleteSecurityGroup").count == 1)
        #expect(sleeps.durations.isEmpty)
    }

    @Test func securityGroupDeleteFailsAtOnceOnAnyOtherError() async throws {
        let sleeps = SleepLog()
        let api = RecordingQueryAPI(["DeleteSecurityGroup": [Self.error(.ec2, "DeleteSecurityGroup", "UnauthorizedOperation")]])
        let error = try await #require(throws: AWSError.self) { try await Self.run(.deleteSecurityGroup(groupId: "sg-0owned"), api, sleeps: sleeps) }
        #expect(error.code == "UnauthorizedOperation")
        #expect(await api.calls.count == 1)
        #expect(sleeps.durations.isEmpty)
    }

    @Test func targetGroupDeleteRetriesWhileItsListenerStillHoldsIt() async throws {
        let api = RecordingQueryAPI(["DeleteTargetGroup": [Self.error(.elbv2, "DeleteTargetGroup", "ResourceInUse"), try Self.fake("DeleteTargetGroup")]])
        _ = try await Self.run(.deleteTargetGroup(targetGroupArn: FakeAWS.targetGroupArn), api)
        #expect(await api.actions == ["DeleteTargetGroup", "DeleteTargetGroup"])
    }
}

extension Array {
    /// The only element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}
