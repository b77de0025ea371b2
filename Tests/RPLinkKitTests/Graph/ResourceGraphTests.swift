import Testing
@testable import RPLinkKit

@Suite struct ResourceGraphTests {
    @Test(arguments: [
        (ResourceAddress.securityGroup, "security_group.nlb"),
        (.securityGroupRule(cidr: "10.0.1.0/24"), "security_group_rule.consumer[\"10.0.1.0/24\"]"),
        (.loadBalancer, "load_balancer.nlb"),
        (.targetGroup, "target_group.writer"),
        (.target(ip: "10.0.0.1"), "target.writer[\"10.0.0.1\"]"),
        (.listener, "listener.db"),
        (.endpointService, "endpoint_service.main"),
        (.principal("arn:aws:iam::123456789012:root"), "endpoint_service_principal[\"arn:aws:iam::123456789012:root\"]"),
    ])
    func addressesReadAsDesigned(address: ResourceAddress, text: String) {
        #expect(address.description == text)
    }

    @Test func seedExpandsInDependencyOrder() throws {
        let graph = try ResourceGraph.expand(SeedStack.spec)
        #expect(graph.addresses.map(\.description) == [
            "security_group.nlb",
            "load_balancer.nlb",
            "endpoint_service.main",
            "endpoint_service_principal[\"arn:aws:iam::123456789012:root\"]",
            "security_group_rule.consumer[\"10.0.1.0/24\"]",
            "target_group.writer",
            "listener.db",
            "target.writer[\"10.0.0.1\"]",
        ])
    }

    @Test func everyResourceFollowsItsDependencies() throws {
        let graph = try ResourceGraph.expand(SeedStack.spec)
        let position = Dictionary(uniqueKeysWithValues: graph.addresses.enumerated().map { ($1, $0) })
        for resource in graph.resources {
            for dependency in resource.dependencies {
                let dependencyPosition = try #require(position[dependency])
                #expect(dependencyPosition < position[resource.address] ?? -1, "\(resource.address) before \(dependency)")
            }
        }
        #expect(graph[.listener]?.dependencies == [.loadBalancer, .targetGroup])
        #expect(graph[.endpointService]?.dependencies == [.loadBalancer])
        #expect(graph[.target(ip: "10.0.0.1")]?.dependencies == [.targetGroup])
        #expect(graph[.principal(SeedStack.root)]?.dependencies == [.endpointService])
        #expect(graph[.loadBalancer]?.dependencies == [.securityGroup])
        #expect(graph[.securityGroupRule(cidr: "10.0.1.0/24")]?.dependencies == [.securityGroup])
    }

    @Test func referencedSecurityGroupIsNotAResourceAndRulesUseIt() throws {
        var spec = SeedStack.spec
        spec.producer.securityGroupId = "sg-0f00"
        let graph = try ResourceGraph.expand(spec)
        #expect(graph[.securityGroup] == nil)
        #expect(graph[.loadBalancer]?.dependencies == [])
        let rule = try #require(graph[.securityGroupRule(cidr: "10.0.1.0/24")])
        #expect(rule.dependencies == [])
        #expect(rule.attributes[named: "security_group_id"] == .string("sg-0f00"))
        #expect(graph[.loadBalancer]?.attributes[named: "security_groups"] == .list([.string("sg-0f00")]))
    }

    @Test func defaultsAndSettingsReachTheAttributes() throws {
        let graph = try ResourceGraph.expand(SeedStack.spec)
        let loadBalancer = try #require(graph[.loadBalancer])
        #expect(loadBalancer.attributes.map(\.name) == ["name", "scheme", "type", "subnets", "security_groups", "cross_zone"])
        #expect(loadBalancer.attributes[named: "scheme"] == .string("internal"))
        #expect(loadBalancer.attributes[named: "cross_zone"] == .bool(true))
        #expect(loadBalancer.attributes[named: "security_groups"] == .list([.unknown]))
        #expect(graph[.targetGroup]?.attributes[named: "port"] == .int(3306))
        #expect(graph[.endpointService]?.attributes[named: "acceptance_required"] == .bool(false))
    }

    @Test func knownIdentifiersReplaceUnknowns() throws {
        let graph = try ResourceGraph.expand(SeedStack.spec, known: .init(securityGroupId: "sg-1", loadBalancerArn: "lb", targetGroupArn: "tg"))
        #expect(graph[.loadBalancer]?.attributes[named: "security_groups"] == .list([.string("sg-1")]))
        #expect(graph[.listener]?.attributes[named: "load_balancer_arn"] == .string("lb"))
        #expect(graph[.listener]?.attributes[named: "target_group_arn"] == .string("tg"))
    }

    @Test func createdResourcesCarryStackResourceAndSpecTags() throws {
        var spec = SeedStack.spec
        spec.tags = [.init(key: "team", value: "data"), .init(key: "env", value: "prod")]
        let graph = try ResourceGraph.expand(spec)
        for address in [ResourceAddress.securityGroup, .loadBalancer, .targetGroup, .listener, .endpointService, .securityGroupRule(cidr: "10.0.1.0/24")] {
            #expect(graph[address]?.tags == [
                .init(key: "rplink:stack", value: "planetscale-import"),
                .init(key: "rplink:resource", value: address.description),
                .init(key: "team", value: "data"),
                .init(key: "env", value: "prod"),
                // The spec's keys, so that one dropped from the spec is removed, and no other.
                .init(key: "rplink:tags", value: "env,team"),
            ])
        }
        spec.tags = []
        #expect(try ResourceGraph.expand(spec)[.loadBalancer]?.tags.map(\.key) == ["rplink:stack", "rplink:resource"])
    }

    @Test func cycleIsReportedWithItsMembers() {
        let a = DesiredResource(address: .loadBalancer, attributes: [], dependencies: [.endpointService])
        let b = DesiredResource(address: .endpointService, attributes: [], dependencies: [.loadBalancer])
        let c = DesiredResource(address: .targetGroup, attributes: [])
        #expect {
            try ResourceGraph.topologicalOrder([a, b, c])
        } throws: { error in
            let message = (error as? RPLinkError)?.message ?? ""
            return message.contains("cycle") && message.contains("load_balancer.nlb") && message.contains("endpoint_service.main")
                && !message.contains("target_group")
        }
    }

    @Test func orderDoesNotDependOnInputOrder() throws {
        let graph = try ResourceGraph.expand(SeedStack.spec)
        let shuffled = try ResourceGraph.topologicalOrder(graph.resources.reversed())
        #expect(shuffled.map(\.address) == graph.addresses)
    }
}
