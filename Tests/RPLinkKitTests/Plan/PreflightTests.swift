import Testing
@testable import RPLinkKit

@Suite struct PreflightTests {
    let spec = SeedStack.spec

    @Test func seedPassesPreflight() {
        #expect(Preflight.check(spec: spec, live: SeedStack.empty).isEmpty)
    }

    @Test func anUnhealthyWriterIsAWarningThatSaysWhichGroupToOpen() throws {
        var live = SeedStack.converged()
        live.targets = [.init(id: spec.database.writerIP, port: spec.database.port, state: "unhealthy", reason: "Target.Timeout")]
        let groupId = try #require(live.loadBalancer?.securityGroupIds.first)
        let warning = try #require(Preflight.check(spec: spec, live: live).first)
        #expect(warning.severity == .warning)
        #expect(warning.subject == "database.writer_ip")
        #expect(warning.message == "the writer \(spec.database.writerIP):\(spec.database.port) fails the load balancer's health checks (Target.Timeout), so the consumer cannot connect through it: the database's own security group must let TCP \(spec.database.port) in from the load balancer's security group \(groupId)")
        // A converged stack stays converged: the warning changes nothing.
        #expect(Planner.plan(spec: spec, live: live).actions.isEmpty)
    }

    @Test(arguments: ["healthy", "initial", "draining"])
    func aWriterNotFailingItsChecksIsNoWarning(state: String) {
        var live = SeedStack.converged()
        live.targets = [.init(id: spec.database.writerIP, port: spec.database.port, state: state)]
        #expect(!Preflight.check(spec: spec, live: live).contains { $0.message.contains("health checks") })
    }

    @Test func missingVPCIsAnError() throws {
        var live = SeedStack.empty
        live.vpc = nil
        let messages = Preflight.check(spec: spec, live: live)
        let error = try #require(messages.first)
        #expect(error.severity == .error)
        #expect(error.subject == "vpc-0f00")
        #expect(error.description.contains("stack planetscale-import"))
    }

    @Test func azIdMismatchNamesBothIds() throws {
        var live = SeedStack.empty
        live.subnets[1].azId = "use1-az6"
        let error = try #require(Preflight.check(spec: spec, live: live).first)
        #expect(error.severity == .error)
        #expect(error.subject == "subnet-0c0ffee")
        #expect(error.message.contains("use1-az6") && error.message.contains("use1-az2"))
    }

    @Test func missingSubnetAndSubnetInAnotherVPCAreErrors() {
        var live = SeedStack.empty
        live.subnets.removeFirst()
        live.missingSubnetIds = ["subnet-0cafed00d"]
        live.subnets[0].vpcId = "vpc-0other"
        let messages = Preflight.check(spec: spec, live: live)
        #expect(messages.map(\.subject) == ["subnet-0cafed00d", "subnet-0c0ffee"])
        #expect(messages[0].message.contains("does not exist"))
        #expect(messages[1].message.contains("vpc-0other"))
    }

    @Test func referencedGroupMissingOrElsewhereIsAnError() {
        var spec = spec
        spec.producer.securityGroupId = "sg-0f00"
        var live = LiveState.empty(for: spec, accountId: SeedStack.account)
        live.referencedSecurityGroup = nil
        #expect(Preflight.check(spec: spec, live: live).map(\.message) == ["the security group sg-0f00 does not exist"])
        live.referencedSecurityGroup = .init(id: "sg-0f00", name: "x", vpcId: "vpc-0other")
        #expect(Preflight.check(spec: spec, live: live).first?.message.contains("vpc-0other") == true)
    }

    @Test(arguments: [("10.0.0.1", false), ("10.1.0.1", true), ("172.16.0.5", false)])
    func writerOutsideTheVPCIsAWarning(ip: String, warns: Bool) {
        var spec = spec
        spec.database.writerIP = ip
        var live = SeedStack.empty
        live.vpc?.cidrBlocks = ["10.0.0.0/16", "172.16.0.0/12"]
        let messages = Preflight.check(spec: spec, live: live)
        #expect(messages.contains { $0.severity == .warning && $0.message.contains("need routing") } == warns)
        #expect(messages.allSatisfy { $0.severity == .warning })
    }

    @Test func preflightErrorsReachThePlan() {
        var live = SeedStack.empty
        live.subnets[0].azId = "use1-az9"
        let plan = Planner.plan(spec: spec, live: live)
        #expect(plan.hasErrors)
        #expect(plan.errors.first?.subject == "subnet-0cafed00d")
    }

    @Test func moreCIDRBlocksThanTheDefaultRuleQuotaAreWarnedAbout() {
        var spec = SeedStack.spec
        spec.consumer.cidrBlocks = (0..<61).map { "10.\($0 / 256).\($0 % 256).0/24" }
        #expect(Preflight.check(spec: spec, live: SeedStack.empty).contains { $0.severity == .warning && $0.description.contains("61 CIDR blocks make as many inbound rules") })
        spec.consumer.cidrBlocks = Array(spec.consumer.cidrBlocks.prefix(60))
        #expect(!Preflight.check(spec: spec, live: SeedStack.empty).contains { $0.description.contains("CIDR blocks make") })
    }
}
