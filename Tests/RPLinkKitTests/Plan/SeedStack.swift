@testable import RPLinkKit

/// The seed runbook's setup as a `Spec`, and live states around it, for planner tests.
enum SeedStack {
    static let account = "111122223333"
    static let securityGroupId = "sg-0aa11bb22cc33dd44"
    static let loadBalancerArn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/pl-nlb/50dc6c495c0c9188"
    static let targetGroupArn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/pl-nlb-target-group/73e2d6bc24d8a067"
    static let listenerArn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/pl-nlb/50dc6c495c0c9188/f2f7dc8efc522ab2"
    static let serviceId = "vpce-svc-0123456789abcdef0"
    static let root = "arn:aws:iam::123456789012:root"

    static var spec: Spec {
        Spec(
            file: "rplink.yaml", name: "planetscale-import", region: "us-east-1",
            producer: .init(vpcId: "vpc-0f00", subnets: [
                .init(subnetId: "subnet-0cafed00d", azId: "use1-az1"),
                .init(subnetId: "subnet-0c0ffee", azId: "use1-az2"),
                .init(subnetId: "subnet-0cafef00d", azId: "use1-az4"),
            ]),
            database: .init(writerIP: "10.0.0.1", port: 3306),
            consumer: .init(accountId: "123456789012", cidrBlocks: ["10.0.1.0/24"], azIds: ["use1-az1", "use1-az2", "use1-az4"]),
            loadBalancer: .init(name: "pl-nlb", crossZone: true),
            targetGroup: .init(name: "pl-nlb-target-group"),
            endpointService: .init(acceptanceRequired: false))
    }

    static func tags(_ address: ResourceAddress, _ spec: Spec = spec) -> [Spec.Tag] {
        StackConventions.tags(for: address, in: spec)
    }

    static var empty: LiveState { LiveState.empty(for: spec, accountId: account) }

    /// What a successful apply of `spec` leaves behind.
    static func converged(_ spec: Spec = spec) -> LiveState {
        var live = LiveState.empty(for: spec, accountId: account)
        let groupId = spec.producer.securityGroupId ?? securityGroupId
        if spec.ownsSecurityGroup {
            live.ownedSecurityGroup = .init(id: securityGroupId, name: spec.ownedSecurityGroupName, vpcId: spec.producer.vpcId, tags: tags(.securityGroup, spec))
        }
        live.securityGroupRules = spec.consumer.cidrBlocks.enumerated().map { index, cidr in
            .init(id: "sgr-0000000000000000\(index)", groupId: groupId, ipProtocol: "tcp", fromPort: spec.database.port, toPort: spec.database.port,
                  cidrIPv4: cidr, description: StackConventions.ruleDescription(spec), tags: tags(.securityGroupRule(cidr: cidr), spec))
        }
        live.loadBalancer = .init(
            arn: loadBalancerArn, name: spec.loadBalancer.name, dnsName: "pl-nlb-50dc6c495c0c9188.elb.us-east-1.amazonaws.com",
            subnetIds: spec.producer.subnets.map(\.subnetId), securityGroupIds: [groupId],
            attributes: [LiveState.LoadBalancer.crossZoneAttribute: spec.loadBalancer.crossZone ? "true" : "false"],
            tags: tags(.loadBalancer, spec))
        live.targetGroup = .init(arn: targetGroupArn, name: spec.targetGroup.name, port: spec.database.port, vpcId: spec.producer.vpcId, tags: tags(.targetGroup, spec))
        live.targets = [.init(id: spec.database.writerIP, port: spec.database.port)]
        live.listeners = [.init(arn: listenerArn, port: spec.database.port, targetGroupArn: targetGroupArn, tags: tags(.listener, spec))]
        live.endpointServices = [.init(
            id: serviceId, name: "com.amazonaws.vpce.us-east-1.\(serviceId)", acceptanceRequired: spec.endpointService.acceptanceRequired,
            loadBalancerArns: [loadBalancerArn], tags: tags(.endpointService, spec))]
        live.allowedPrincipals = spec.allowedPrincipals
        return live
    }

    /// Removes this stack's tags, as a resource made by hand from the runbook would look.
    static func untagged(_ tags: [Spec.Tag]) -> [Spec.Tag] { tags.filter { !$0.key.hasPrefix("rplink:") } }
}

extension StackPlan {
    func kind(of address: ResourceAddress) -> PlannedAction.Kind? { action(for: address)?.action }

    func stepIndex(_ operationName: String, _ address: ResourceAddress) -> Int? {
        steps.firstIndex { $0.address == address && $0.operation.name == operationName }
    }

    var operationNames: [String] { steps.map(\.operation.name) }
}
