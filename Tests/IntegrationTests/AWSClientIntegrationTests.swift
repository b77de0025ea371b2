import Foundation
import Testing
import RPLinkKit

/// Every typed EC2, ELBv2 and STS operation, through a real signed `AWSClient`, against the
/// emulator with signature checking on; each change is checked with boto3, not with rplink.
/// Then the same calls with a wrong secret, in-process and through the binary.
@Suite(.serialized) struct AWSClientIntegrationTests {
    static let shared = SharedEmulator()

    // MARK: - Every operation with the right key

    @Test func securityGroupScenarioRunsEveryEC2GroupAndRuleOperation() async throws {
        let emulator = try await Self.shared.emulator()
        let boto = Boto(emulator)
        let fixture = try await ProducerFixture.create(with: boto)
        let ec2 = EC2(api: AWSClient.forEmulator(emulator))

        let vpcs = try await ec2.describeVpcs(ids: [fixture.vpcId])
        #expect(vpcs.map(\.vpcId) == [fixture.vpcId])
        #expect(vpcs.first?.cidrBlocks == [ProducerFixture.vpcCIDR])
        let filtered = try await ec2.describeVpcs(filters: [EC2.Filter("vpc-id", [fixture.vpcId])])
        #expect(filtered.map(\.vpcId) == [fixture.vpcId])

        let subnets = try await ec2.describeSubnets(filters: [EC2.Filter("vpc-id", [fixture.vpcId])])
        #expect(Set(subnets.map(\.subnetId)) == Set(fixture.subnets.map(\.subnetId)))
        #expect(Set(subnets.map(\.availabilityZoneId)) == ["use1-az1", "use1-az2", "use1-az4"])
        let one = try await ec2.describeSubnets(ids: [fixture.subnets[1].subnetId])
        #expect(one.map(\.availabilityZoneId) == ["use1-az2"])
        #expect(one.first?.vpcId == fixture.vpcId)

        let existing = try await ec2.describeSecurityGroups(filters: [
            EC2.Filter("vpc-id", [fixture.vpcId]), EC2.Filter("group-name", ["producer-db"]),
        ])
        #expect(existing.map(\.groupId) == [fixture.securityGroupId])

        // Values with spaces, '&', '=', '/' and non-ASCII: the signature only matches when
        // the form encoding is exactly what the emulator re-derives from the body.
        let tags = [Spec.Tag(key: "rplink:stack", value: "sg-scenario"), Spec.Tag(key: "team", value: "data & ops/ü=1")]
        let groupId = try await ec2.createSecurityGroup(
            name: "sg-scenario-nlb", description: "rplink test: NLB group", vpcId: fixture.vpcId, tags: tags)
        let group: [String: String] = try await boto.run("""
            g = ec2.describe_security_groups(GroupIds=["\(groupId)"])["SecurityGroups"][0]
            emit({"name": g["GroupName"], "description": g["Description"], "vpc": g["VpcId"],
                  "stack": {t["Key"]: t["Value"] for t in g.get("Tags", [])}.get("rplink:stack", ""),
                  "team": {t["Key"]: t["Value"] for t in g.get("Tags", [])}.get("team", "")})
            """)
        #expect(group == ["name": "sg-scenario-nlb", "description": "rplink test: NLB group", "vpc": fixture.vpcId,
                          "stack": "sg-scenario", "team": "data & ops/ü=1"])

        let ruleTags = [Spec.Tag(key: "rplink:resource", value: "security_group_rule.consumer[\"10.1.0.0/24\"]")]
        let created = try await ec2.authorizeSecurityGroupIngress(
            groupId: groupId, permissions: [EC2.IngressPermission(tcpPort: 3306, cidrIpv4: "10.1.0.0/24", description: "consumer one")],
            tags: ruleTags)
        let ruleId = try #require(created.first?.ruleId)
        let rulesScript = """
            rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": ["\(groupId)"]}])["SecurityGroupRules"]
            emit([{"id": r["SecurityGroupRuleId"], "protocol": r["IpProtocol"], "ports": "%s-%s" % (r["FromPort"], r["ToPort"]),
                   "cidr": r.get("CidrIpv4", ""), "description": r.get("Description", ""),
                   "resource": {t["Key"]: t["Value"] for t in r.get("Tags", [])}.get("rplink:resource", "")}
                  for r in rules if not r["IsEgress"]])
            """
        let afterAuthorize: [[String: String]] = try await boto.run(rulesScript)
        #expect(afterAuthorize == [["id": ruleId, "protocol": "tcp", "ports": "3306-3306", "cidr": "10.1.0.0/24",
                                    "description": "consumer one", "resource": ruleTags[0].value]])

        let read = try await ec2.describeSecurityGroupRules(groupIds: [groupId]).filter { !$0.isEgress }
        #expect(read.map(\.ruleId) == [ruleId])
        #expect(read.first?.cidrIpv4 == "10.1.0.0/24")
        #expect(read.first?.fromPort == 3306)

        try await ec2.modifySecurityGroupRules(groupId: groupId, rules: [
            (ruleId: ruleId, permission: EC2.IngressPermission(tcpPort: 3306, cidrIpv4: "10.1.0.0/24", description: "consumer one, renamed")),
        ])
        let afterModify: [[String: String]] = try await boto.run(rulesScript)
        #expect(afterModify.map { $0["description"] } == ["consumer one, renamed"])
        #expect(afterModify.map { $0["id"] } == [ruleId])

        try await ec2.createTags(resourceIds: [groupId], tags: [Spec.Tag(key: "owner", value: "platform team")])
        let owner: [String: String] = try await boto.run("""
            g = ec2.describe_security_groups(GroupIds=["\(groupId)"])["SecurityGroups"][0]
            emit({t["Key"]: t["Value"] for t in g.get("Tags", [])})
            """)
        #expect(owner["owner"] == "platform team")
        #expect(owner["rplink:stack"] == "sg-scenario")

        try await ec2.revokeSecurityGroupIngress(groupId: groupId, ruleIds: [ruleId])
        let afterRevoke: [[String: String]] = try await boto.run(rulesScript)
        #expect(afterRevoke.isEmpty)

        try await ec2.deleteSecurityGroup(id: groupId)
        let remaining: [String] = try await boto.run("""
            groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": ["\(fixture.vpcId)"]}])["SecurityGroups"]
            emit([g["GroupId"] for g in groups])
            """)
        #expect(!remaining.contains(groupId))
        #expect(remaining.contains(fixture.securityGroupId))
    }

    @Test func exposureScenarioRunsEveryELBv2AndEndpointServiceOperation() async throws {
        let emulator = try await Self.shared.emulator()
        let boto = Boto(emulator)
        let fixture = try await ProducerFixture.create(with: boto)
        let client = AWSClient.forEmulator(emulator)
        let ec2 = EC2(api: client)
        let elbv2 = ELBv2(api: client)
        let stack = [Spec.Tag(key: "rplink:stack", value: "exposure")]
        let subnetIds = fixture.subnets.map(\.subnetId)

        let groupId = try await ec2.createSecurityGroup(name: "exposure-nlb", description: "exposure NLB", vpcId: fixture.vpcId, tags: stack)

        // Load balancer: create, find by name and ARN, grow, regroup, set cross-zone.
        let created = try await elbv2.createLoadBalancer(
            name: "exposure-nlb", subnetIds: Array(subnetIds.prefix(2)), securityGroupIds: [groupId], tags: stack)
        #expect(created.name == "exposure-nlb")
        let lbScript = """
            lb = elbv2.describe_load_balancers(LoadBalancerArns=["\(created.arn)"])["LoadBalancers"][0]
            tags = elbv2.describe_tags(ResourceArns=["\(created.arn)"])["TagDescriptions"][0]["Tags"]
            emit({"name": lb["LoadBalancerName"], "type": lb["Type"], "scheme": lb["Scheme"], "vpc": lb["VpcId"],
                  "subnets": ",".join(sorted(z["SubnetId"] for z in lb["AvailabilityZones"])),
                  "groups": ",".join(sorted(lb.get("SecurityGroups", []))),
                  "tags": ",".join(sorted("%s=%s" % (t["Key"], t["Value"]) for t in tags))})
            """
        let lbView: [String: String] = try await boto.run(lbScript)
        #expect(lbView == ["name": "exposure-nlb", "type": "network", "scheme": "internal", "vpc": fixture.vpcId,
                           "subnets": subnetIds.prefix(2).sorted().joined(separator: ","), "groups": groupId,
                           "tags": "rplink:stack=exposure"])

        #expect(try await elbv2.describeLoadBalancers(names: ["exposure-nlb", "no-such-nlb"]).map(\.arn) == [created.arn])
        #expect(try await elbv2.describeLoadBalancers(arns: [created.arn]).map(\.name) == ["exposure-nlb"])
        #expect(try await elbv2.describeAllLoadBalancers().map(\.arn).contains(created.arn))

        try await elbv2.setSubnets(loadBalancerArn: created.arn, subnetIds: subnetIds)
        try await elbv2.setSecurityGroups(loadBalancerArn: created.arn, securityGroupIds: [groupId, fixture.securityGroupId])
        let grown: [String: String] = try await boto.run(lbScript)
        #expect(grown["subnets"] == subnetIds.sorted().joined(separator: ","))
        #expect(grown["groups"] == [groupId, fixture.securityGroupId].sorted().joined(separator: ","))

        let crossZone = "load_balancing.cross_zone.enabled"
        try await elbv2.modifyLoadBalancerAttributes(arn: created.arn, attributes: [crossZone: "true"])
        let botoAttributes: [String: String] = try await boto.run("""
            attrs = elbv2.describe_load_balancer_attributes(LoadBalancerArn="\(created.arn)")["Attributes"]
            emit({a["Key"]: a["Value"] for a in attrs})
            """)
        #expect(botoAttributes[crossZone] == "true")
        #expect(try await elbv2.describeLoadBalancerAttributes(arn: created.arn)[crossZone] == "true")

        // Target group and its one target.
        let targetGroup = try await elbv2.createTargetGroup(
            name: "exposure-tg", port: 3306, vpcId: fixture.vpcId, healthCheck: ELBv2.HealthCheck(protocol: "TCP"), tags: stack)
        let tgScript = """
            tg = elbv2.describe_target_groups(TargetGroupArns=["\(targetGroup.arn)"])["TargetGroups"][0]
            tags = elbv2.describe_tags(ResourceArns=["\(targetGroup.arn)"])["TagDescriptions"][0]["Tags"]
            emit({"name": tg["TargetGroupName"], "protocol": tg["Protocol"], "port": str(tg["Port"]), "vpc": tg["VpcId"],
                  "type": tg["TargetType"], "interval": str(tg.get("HealthCheckIntervalSeconds")),
                  "healthy": str(tg.get("HealthyThresholdCount")),
                  "tags": ",".join(sorted("%s=%s" % (t["Key"], t["Value"]) for t in tags))})
            """
        let tgView: [String: String] = try await boto.run(tgScript)
        #expect(tgView["name"] == "exposure-tg")
        #expect(tgView["protocol"] == "TCP")
        #expect(tgView["port"] == "3306")
        #expect(tgView["vpc"] == fixture.vpcId)
        #expect(tgView["type"] == "ip")
        #expect(tgView["tags"] == "rplink:stack=exposure")
        #expect(try await elbv2.describeTargetGroups(names: ["exposure-tg", "no-such-tg"]).map(\.arn) == [targetGroup.arn])
        #expect(try await elbv2.describeTargetGroups(arns: [targetGroup.arn]).map(\.port) == [3306])

        try await elbv2.modifyTargetGroup(arn: targetGroup.arn, healthCheck: ELBv2.HealthCheck(intervalSeconds: 10, healthyThresholdCount: 2))
        let modified: [String: String] = try await boto.run(tgScript)
        #expect(modified["interval"] == "10")
        #expect(modified["healthy"] == "2")

        let writer = ELBv2.Target(id: ProducerFixture.writerIP, port: 3306)
        try await elbv2.registerTargets(targetGroupArn: targetGroup.arn, targets: [writer])
        let healthScript = """
            health = elbv2.describe_target_health(TargetGroupArn="\(targetGroup.arn)")["TargetHealthDescriptions"]
            emit(sorted("%s:%s" % (h["Target"]["Id"], h["Target"]["Port"]) for h in health
                        if h["TargetHealth"]["State"] not in ("draining", "unused")))
            """
        let registered: [String] = try await boto.run(healthScript)
        #expect(registered == ["\(ProducerFixture.writerIP):3306"])
        #expect(try await elbv2.describeTargetHealth(targetGroupArn: targetGroup.arn).map(\.target) == [writer])

        // Listener: create, find, move to another port.
        let listener = try await elbv2.createListener(loadBalancerArn: created.arn, port: 3306, targetGroupArn: targetGroup.arn, tags: stack)
        let listenerScript = """
            ls = elbv2.describe_listeners(LoadBalancerArn="\(created.arn)")["Listeners"]
            emit([{"arn": l["ListenerArn"], "protocol": l["Protocol"], "port": str(l["Port"]),
                   "forward": ",".join(a.get("TargetGroupArn", "") for a in l["DefaultActions"] if a["Type"] == "forward")}
                  for l in ls])
            """
        let listeners: [[String: String]] = try await boto.run(listenerScript)
        #expect(listeners == [["arn": listener.arn, "protocol": "TCP", "port": "3306", "forward": targetGroup.arn]])
        #expect(try await elbv2.describeListeners(loadBalancerArn: created.arn).map(\.arn) == [listener.arn])
        #expect(try await elbv2.describeTargetGroups(loadBalancerArn: created.arn).map(\.arn) == [targetGroup.arn])

        try await elbv2.modifyListener(arn: listener.arn, port: 3307)
        let moved: [[String: String]] = try await boto.run(listenerScript)
        #expect(moved.map { $0["port"] } == ["3307"])
        #expect(moved.map { $0["forward"] } == [targetGroup.arn])

        let owner = Spec.Tag(key: "owner", value: "db platform")
        try await elbv2.addTags(arns: [created.arn, targetGroup.arn, listener.arn], tags: [owner])
        let owners: [String: String] = try await boto.run("""
            descriptions = elbv2.describe_tags(ResourceArns=["\(created.arn)", "\(targetGroup.arn)", "\(listener.arn)"])["TagDescriptions"]
            emit({d["ResourceArn"]: {t["Key"]: t["Value"] for t in d["Tags"]}.get("owner", "") for d in descriptions})
            """)
        #expect(owners == [created.arn: "db platform", targetGroup.arn: "db platform", listener.arn: "db platform"])
        let readTags = try await elbv2.describeTags(arns: [created.arn, targetGroup.arn])
        #expect(readTags[created.arn]?["owner"] == "db platform")
        #expect(readTags[targetGroup.arn]?["rplink:stack"] == "exposure")

        // Endpoint service and its allowed principals.
        let service = try await ec2.createVpcEndpointServiceConfiguration(
            networkLoadBalancerArns: [created.arn], acceptanceRequired: false, tags: stack, clientToken: UUID().uuidString)
        #expect(service.serviceId.hasPrefix("vpce-svc-"))
        let serviceScript = """
            configs = ec2.describe_vpc_endpoint_service_configurations(
                Filters=[{"Name": "service-id", "Values": ["\(service.serviceId)"]}])["ServiceConfigurations"]
            emit([{"name": c["ServiceName"], "acceptance": str(c["AcceptanceRequired"]).lower(),
                   "nlbs": ",".join(c.get("NetworkLoadBalancerArns", [])),
                   "stack": {t["Key"]: t["Value"] for t in c.get("Tags", [])}.get("rplink:stack", "")} for c in configs])
            """
        let serviceView: [[String: String]] = try await boto.run(serviceScript)
        #expect(serviceView == [["name": service.serviceName, "acceptance": "false", "nlbs": created.arn, "stack": "exposure"]])
        #expect(try await ec2.describeVpcEndpointServiceConfigurations(ids: [service.serviceId]).map(\.networkLoadBalancerArns) == [[created.arn]])
        let byTag = try await ec2.describeVpcEndpointServiceConfigurations(filters: [EC2.Filter("tag:rplink:stack", ["exposure"])])
        #expect(byTag.map(\.serviceId) == [service.serviceId])

        try await ec2.modifyVpcEndpointServiceConfiguration(serviceId: service.serviceId, acceptanceRequired: true)
        let accepting: [[String: String]] = try await boto.run(serviceScript)
        #expect(accepting.map { $0["acceptance"] } == ["true"])

        let consumer = "arn:aws:iam::\(ProducerFixture.consumerAccountId):root"
        let other = "arn:aws:iam::444455556666:role/vendor-reader"
        try await ec2.modifyVpcEndpointServicePermissions(serviceId: service.serviceId, add: [consumer, other])
        let principalsScript = """
            allowed = ec2.describe_vpc_endpoint_service_permissions(ServiceId="\(service.serviceId)")["AllowedPrincipals"]
            emit(sorted(p["Principal"] for p in allowed))
            """
        let added: [String] = try await boto.run(principalsScript)
        #expect(added == [consumer, other].sorted())
        #expect(Set(try await ec2.describeVpcEndpointServicePermissions(serviceId: service.serviceId)) == [consumer, other])
        try await ec2.modifyVpcEndpointServicePermissions(serviceId: service.serviceId, remove: [other])
        let kept: [String] = try await boto.run(principalsScript)
        #expect(kept == [consumer])

        // Teardown in the order AWS enforces, each step checked.
        try await ec2.deleteVpcEndpointServiceConfigurations(ids: [service.serviceId])
        let serviceGone: [[String: String]] = try await boto.run(serviceScript)
        #expect(serviceGone.isEmpty)

        try await elbv2.deregisterTargets(targetGroupArn: targetGroup.arn, targets: [writer])
        let deregistered: [String] = try await boto.run(healthScript)
        #expect(deregistered.isEmpty)

        try await elbv2.deleteListener(arn: listener.arn)
        let listenersGone: [[String: String]] = try await boto.run(listenerScript)
        #expect(listenersGone.isEmpty)

        try await elbv2.deleteTargetGroup(arn: targetGroup.arn)
        try await elbv2.deleteLoadBalancer(arn: created.arn)
        try await ec2.deleteSecurityGroup(id: groupId)
        let leftovers: [String: [String]] = try await boto.run("""
            emit({"lbs": [l["LoadBalancerArn"] for l in elbv2.describe_load_balancers()["LoadBalancers"]],
                  "tgs": [t["TargetGroupArn"] for t in elbv2.describe_target_groups()["TargetGroups"]],
                  "groups": [g["GroupId"] for g in ec2.describe_security_groups(
                      Filters=[{"Name": "vpc-id", "Values": ["\(fixture.vpcId)"]}])["SecurityGroups"]]})
            """)
        #expect(leftovers["lbs"]?.contains(created.arn) == false)
        #expect(leftovers["tgs"]?.contains(targetGroup.arn) == false)
        #expect(leftovers["groups"]?.contains(groupId) == false)
    }

    @Test func callerIdentityIsTheEmulatorUser() async throws {
        let emulator = try await Self.shared.emulator()
        let identity = try await STS(api: AWSClient.forEmulator(emulator)).getCallerIdentity()
        let expected: [String: String] = try await Boto(emulator).run("""
            who = client("sts").get_caller_identity()
            emit({"account": who["Account"], "arn": who["Arn"], "user": who["UserId"]})
            """)
        #expect(identity.account == expected["account"])
        #expect(identity.arn == expected["arn"])
        #expect(identity.userId == expected["user"])
        #expect(identity.arn.hasSuffix(":user/rplink-tests"))
    }

    // MARK: - A wrong secret

    /// One signed call per service, reads and writes, with the emulator's answer to a bad signature.
    enum SignedCall: String, CaseIterable, Sendable {
        case describeVpcs, createSecurityGroup, describeLoadBalancers, createTargetGroup, getCallerIdentity

        var expected: (code: String, status: Int) {
            switch self {
            case .describeVpcs, .createSecurityGroup: ("AuthFailure", 401)
            case .describeLoadBalancers, .createTargetGroup, .getCallerIdentity: ("SignatureDoesNotMatch", 403)
            }
        }

        /// The name of what a write would have created, for the check that nothing was.
        static let createdName = "wrong-secret-made-this"

        func run(_ client: AWSClient) async throws {
            switch self {
            case .describeVpcs: _ = try await EC2(api: client).describeVpcs()
            case .createSecurityGroup:
                _ = try await EC2(api: client).createSecurityGroup(name: Self.createdName, description: "must not exist", vpcId: "vpc-0123456789abcdef0", tags: [])
            case .describeLoadBalancers: _ = try await ELBv2(api: client).describeAllLoadBalancers()
            case .createTargetGroup:
                _ = try await ELBv2(api: client).createTargetGroup(name: Self.createdName, port: 3306, vpcId: "vpc-0123456789abcdef0", tags: [])
            case .getCallerIdentity: _ = try await STS(api: client).getCallerIdentity()
            }
        }
    }

    @Test(arguments: SignedCall.allCases)
    func wrongSecretFailsWithTheEmulatorsSignatureErrorOnce(call: SignedCall) async throws {
        let emulator = try await Self.shared.emulator()
        let wrongSecret = String(emulator.credentials.secretAccessKey.reversed())
        let log = AWSCallLog()
        let client = AWSClient.forEmulator(emulator, secret: wrongSecret, callLog: log)

        let error = try await #require(throws: AWSError.self) { try await call.run(client) }
        #expect(error.code == call.expected.code)
        #expect(error.httpStatus == call.expected.status)
        // A 4xx is the caller's fault: another attempt would fail the same way.
        #expect(log.records.count == 1)

        let text = "\(error)"
        #expect(text.contains(call.expected.code))
        #expect(text.contains("HTTP \(call.expected.status)"))
        #expect(!error.message.isEmpty)
        #expect(!text.contains(wrongSecret))
        #expect(!text.contains(emulator.credentials.secretAccessKey))

        let made: [String] = try await Boto(emulator).run("""
            groups = [g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]]
            tgs = [t["TargetGroupName"] for t in elbv2.describe_target_groups()["TargetGroups"]]
            emit([n for n in groups + tgs if n == "\(SignedCall.createdName)"])
            """)
        #expect(made.isEmpty)
    }

    @Test func planWithAWrongSecretExitsOneNamingTheSignatureError() async throws {
        let emulator = try await Self.shared.emulator()
        let fixture = try await ProducerFixture.create(with: Boto(emulator))
        let folder = try TemporaryDirectory.make(prefix: "wrong-secret")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try fixture.writeSpec(name: "wrong-secret", in: folder)
        let wrongSecret = String(emulator.credentials.secretAccessKey.reversed())

        let result = try await RPLinkBinary.locate().run(
            ["plan", spec.path], emulator: emulator, environment: ["AWS_SECRET_ACCESS_KEY": wrongSecret])
        #expect(result.exitCode == 1, "\(result)")
        let errorLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error: ") }
        #expect(errorLines.count == 1, "\(result)")
        // The reads run in parallel, so whichever service answers first names its code.
        let line = String(errorLines.first ?? "")
        #expect(line.contains("AuthFailure (HTTP 401)") || line.contains("SignatureDoesNotMatch (HTTP 403)"), "\(result)")
        #expect(line.contains("wrong-secret"), "the error names the stack: \(line)")
        #expect(!result.stderr.contains(wrongSecret) && !result.stdout.contains(wrongSecret))
        #expect(!result.stderr.contains(emulator.credentials.secretAccessKey))
        #expect(result.stdout.isEmpty, "no plan is printed when the reads fail")
    }

    // MARK: - Endpoints, plain http and retries through the binary

    /// A plain-http endpoint to a host that is not loopback, given one way or another.
    struct PlainHTTPEndpoint: Sendable, CustomTestStringConvertible {
        var flags: [String] = []
        var environment: [String: String] = [:]
        /// How the error names where the URL came from.
        var source: String
        /// The flag is a bad command line (64, with usage); the environment a bad setting (1).
        var exitCode: Int32
        var message: String
        var testDescription: String { source }
    }

    @Test(arguments: [
        PlainHTTPEndpoint(flags: ["--endpoint-url", "http://10.1.2.3:1"], source: "--endpoint-url", exitCode: 64,
                          message: "Error: The value 'http://10.1.2.3:1' is invalid for '--endpoint-url <url>': refusing plain http to non-loopback host 10.1.2.3; use https."),
        PlainHTTPEndpoint(environment: ["AWS_ENDPOINT_URL_EC2": "http://10.1.2.3:1"], source: "AWS_ENDPOINT_URL_EC2", exitCode: 1,
                          message: "Error: AWS_ENDPOINT_URL_EC2: refusing plain http to non-loopback host 10.1.2.3; use https"),
    ])
    func plainHTTPToANonLoopbackHostIsRefusedBeforeAnyCall(endpoint: PlainHTTPEndpoint) async throws {
        let emulator = try await Self.shared.emulator()
        let fixture = try await ProducerFixture.create(with: Boto(emulator))
        let folder = try TemporaryDirectory.make(prefix: "plain-http")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try fixture.writeSpec(name: "plain-http", in: folder)

        let clock = ContinuousClock()
        let started = clock.now
        let result = try await RPLinkBinary.locate().run(
            ["plan", spec.path, "--debug"] + endpoint.flags, emulator: emulator, environment: endpoint.environment)
        let elapsed = clock.now - started
        #expect(result.exitCode == endpoint.exitCode, "\(result)")
        #expect(result.stderr.contains(endpoint.message), "\(result)")
        // No attempt line at all: nothing was sent anywhere, the emulator included.
        #expect(!result.stderr.contains("aws: "), "\(result)")
        // A connection attempt to 10.1.2.3 would hang until the request timeout (30 s).
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }

    @Test func perServiceEndpointVariablesWinOverTheGeneralOne() async throws {
        let emulator = try await Self.shared.emulator()
        let fixture = try await ProducerFixture.create(with: Boto(emulator))
        let folder = try TemporaryDirectory.make(prefix: "per-service")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try fixture.writeSpec(name: "per-service", in: folder)
        let closed = try Emulator.closedLoopbackURL().absoluteString
        let endpoint = emulator.endpoint.absoluteString

        // The general variable points nowhere; every service's own variable rescues it.
        let rescued = try await RPLinkBinary.locate().run(["plan", spec.path, "--debug"], emulator: emulator, environment: [
            "AWS_ENDPOINT_URL": closed, "AWS_MAX_ATTEMPTS": "2",
            "AWS_ENDPOINT_URL_EC2": endpoint, "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2": endpoint, "AWS_ENDPOINT_URL_STS": endpoint,
        ])
        #expect(rescued.exitCode == 0, "\(rescued)")
        #expect(rescued.stdout.contains("Plan: 8 to add, 0 to change, 0 to replace, 0 to destroy."), "\(rescued)")
        #expect(!rescued.stderr.contains("no response"), "\(rescued)")

        // One service's own variable points nowhere: only that service fails, after its retries.
        let broken = try await RPLinkBinary.locate().run(["plan", spec.path, "--debug"], emulator: emulator, environment: [
            "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2": closed, "AWS_MAX_ATTEMPTS": "2",
        ])
        #expect(broken.exitCode == 1, "\(broken)")
        let lines = broken.stderr.split(separator: "\n").map(String.init)
        let lbAttempts = lines.filter { $0.hasPrefix("aws: elasticloadbalancing ") && $0.contains(" no response") }
        #expect(lbAttempts.contains { $0.contains(" attempt 2 ") }, "\(broken)")
        #expect(!lbAttempts.contains { $0.contains(" attempt 3 ") }, "AWS_MAX_ATTEMPTS=2 caps the attempts: \(broken)")
        #expect(lines.contains { $0.hasPrefix("aws: ec2 ") && $0.contains(" HTTP 200 ") }, "EC2 still reached the emulator: \(broken)")
        #expect(!lines.contains { $0.hasPrefix("aws: ec2 ") && $0.contains(" no response") }, "\(broken)")
        let error = lines.first { $0.hasPrefix("Error: ") } ?? ""
        #expect(error.contains("elasticloadbalancing"), "\(broken)")
        #expect(error.contains("no response from \(closed) after 2 attempts: the connection was refused"), "\(broken)")
    }

    @Test func aRefusedConnectionIsRetriedThenReportedClearly() async throws {
        let emulator = try await Self.shared.emulator()
        let fixture = try await ProducerFixture.create(with: Boto(emulator))
        let folder = try TemporaryDirectory.make(prefix: "refused")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try fixture.writeSpec(name: "refused", in: folder)
        let closed = try Emulator.closedLoopbackURL().absoluteString

        let result = try await RPLinkBinary.locate().run(
            ["plan", spec.path, "--debug", "--endpoint-url", closed], emulator: emulator, environment: ["AWS_MAX_ATTEMPTS": "3"])
        #expect(result.exitCode == 1, "\(result)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let errors = lines.filter { $0.hasPrefix("Error: ") }
        #expect(errors.count == 1, "\(result)")
        let error = errors.first ?? ""
        #expect(error.contains("stack refused"), "\(result)")
        // The reads run in parallel and the first failure cancels the rest; the call it
        // names was tried three times, with a wait between tries, and then given up.
        let failed = try #require(error.firstMatch(of: #/: (\w+) (\w+): no response from (\S+) after 3 attempts: the connection was refused/#), "\(result)")
        #expect(String(failed.output.3) == closed)
        let call = "aws: \(failed.output.1) \(failed.output.2)"
        let attempts = lines.filter { $0.hasPrefix("\(call) attempt ") }
        #expect(attempts.map { $0.contains(" no response ") } == [true, true, true], "\(result)")
        #expect(attempts.enumerated().allSatisfy { $1.hasPrefix("\(call) attempt \($0 + 1) ") }, "\(attempts)")
        #expect(lines.filter { $0.hasPrefix("\(call) retrying in ") }.count == 2, "\(result)")
        #expect(!lines.contains { $0.contains(" attempt 4 ") }, "\(result)")
        // Said in words, not as a raw Foundation error dump.
        #expect(!error.contains("NSURLErrorDomain") && !error.contains("UserInfo"), "\(error)")
    }
}
