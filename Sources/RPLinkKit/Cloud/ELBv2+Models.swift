extension ELBv2 {
    public struct AvailabilityZone: Sendable, Equatable {
        public var zoneName: String
        public var subnetId: String

        public init(zoneName: String, subnetId: String) {
            self.zoneName = zoneName
            self.subnetId = subnetId
        }

        init(xml: XMLNode) {
            zoneName = xml.string("ZoneName") ?? ""
            subnetId = xml.string("SubnetId") ?? ""
        }
    }

    public struct LoadBalancer: Sendable, Equatable {
        public var arn: String
        public var name: String
        public var dnsName: String
        /// `internal` or `internet-facing`.
        public var scheme: String
        /// `network`, `application` or `gateway`.
        public var type: String
        /// `provisioning`, `active`, `active_impaired` or `failed`.
        public var state: String
        public var vpcId: String
        public var availabilityZones: [AvailabilityZone]
        public var securityGroups: [String]

        public var subnetIds: [String] { availabilityZones.map(\.subnetId) }

        public init(
            arn: String, name: String, dnsName: String, scheme: String, type: String, state: String,
            vpcId: String, availabilityZones: [AvailabilityZone] = [], securityGroups: [String] = []
        ) {
            self.arn = arn
            self.name = name
            self.dnsName = dnsName
            self.scheme = scheme
            self.type = type
            self.state = state
            self.vpcId = vpcId
            self.availabilityZones = availabilityZones
            self.securityGroups = securityGroups
        }

        init(xml: XMLNode) throws {
            arn = try CloudXML.required(xml, "LoadBalancerArn")
            name = try CloudXML.required(xml, "LoadBalancerName")
            dnsName = xml.string("DNSName") ?? ""
            scheme = xml.string("Scheme") ?? ""
            type = xml.string("Type") ?? ""
            state = xml.string("State", "Code") ?? ""
            vpcId = xml.string("VpcId") ?? ""
            availabilityZones = xml.list("AvailabilityZones").map(AvailabilityZone.init(xml:))
            securityGroups = CloudXML.strings(xml, "SecurityGroups")
        }
    }

    /// Health check settings of a target group. Nil fields are left to AWS's defaults on create
    /// and left unchanged on modify.
    public struct HealthCheck: Sendable, Equatable {
        public var enabled: Bool?
        public var `protocol`: String?
        /// A port number or `traffic-port`.
        public var port: String?
        public var path: String?
        public var intervalSeconds: Int?
        public var timeoutSeconds: Int?
        public var healthyThresholdCount: Int?
        public var unhealthyThresholdCount: Int?

        public init(
            enabled: Bool? = nil, protocol: String? = nil, port: String? = nil, path: String? = nil,
            intervalSeconds: Int? = nil, timeoutSeconds: Int? = nil,
            healthyThresholdCount: Int? = nil, unhealthyThresholdCount: Int? = nil
        ) {
            self.enabled = enabled
            self.protocol = `protocol`
            self.port = port
            self.path = path
            self.intervalSeconds = intervalSeconds
            self.timeoutSeconds = timeoutSeconds
            self.healthyThresholdCount = healthyThresholdCount
            self.unhealthyThresholdCount = unhealthyThresholdCount
        }

        init(xml: XMLNode) throws {
            enabled = CloudXML.bool(xml, "HealthCheckEnabled")
            `protocol` = xml.string("HealthCheckProtocol")
            port = xml.string("HealthCheckPort")
            path = xml.string("HealthCheckPath")
            intervalSeconds = try CloudXML.int(xml, "HealthCheckIntervalSeconds")
            timeoutSeconds = try CloudXML.int(xml, "HealthCheckTimeoutSeconds")
            healthyThresholdCount = try CloudXML.int(xml, "HealthyThresholdCount")
            unhealthyThresholdCount = try CloudXML.int(xml, "UnhealthyThresholdCount")
        }

        /// The same names in CreateTargetGroup and ModifyTargetGroup.
        func encode(into parameters: inout QueryParameters) {
            if let enabled { parameters.set("HealthCheckEnabled", enabled) }
            if let `protocol` { parameters.set("HealthCheckProtocol", `protocol`) }
            if let port { parameters.set("HealthCheckPort", port) }
            if let path { parameters.set("HealthCheckPath", path) }
            if let intervalSeconds { parameters.set("HealthCheckIntervalSeconds", intervalSeconds) }
            if let timeoutSeconds { parameters.set("HealthCheckTimeoutSeconds", timeoutSeconds) }
            if let healthyThresholdCount { parameters.set("HealthyThresholdCount", healthyThresholdCount) }
            if let unhealthyThresholdCount { parameters.set("UnhealthyThresholdCount", unhealthyThresholdCount) }
        }
    }

    public struct TargetGroup: Sendable, Equatable {
        public var arn: String
        public var name: String
        public var `protocol`: String
        public var port: Int
        public var vpcId: String
        /// `instance`, `ip`, `lambda` or `alb`.
        public var targetType: String
        public var healthCheck: HealthCheck
        public var loadBalancerArns: [String]

        public init(
            arn: String, name: String, protocol: String, port: Int, vpcId: String, targetType: String,
            healthCheck: HealthCheck, loadBalancerArns: [String] = []
        ) {
            self.arn = arn
            self.name = name
            self.protocol = `protocol`
            self.port = port
            self.vpcId = vpcId
            self.targetType = targetType
            self.healthCheck = healthCheck
            self.loadBalancerArns = loadBalancerArns
        }

        init(xml: XMLNode) throws {
            arn = try CloudXML.required(xml, "TargetGroupArn")
            name = try CloudXML.required(xml, "TargetGroupName")
            `protocol` = xml.string("Protocol") ?? ""
            port = try CloudXML.int(xml, "Port") ?? 0
            vpcId = xml.string("VpcId") ?? ""
            targetType = xml.string("TargetType") ?? ""
            healthCheck = try HealthCheck(xml: xml)
            loadBalancerArns = CloudXML.strings(xml, "LoadBalancerArns")
        }
    }

    /// A target to register or deregister: an IP address (for `ip` target groups) and a port.
    public struct Target: Sendable, Equatable, Hashable {
        public var id: String
        public var port: Int
        /// `all` for an IP outside the target group's VPC (AWS requires it then), else nil.
        public var availabilityZone: String?

        public init(id: String, port: Int, availabilityZone: String? = nil) {
            self.id = id
            self.port = port
            self.availabilityZone = availabilityZone
        }
    }

    /// One registered target and its health, from DescribeTargetHealth.
    public struct TargetHealth: Sendable, Equatable {
        /// With the Availability Zone it was registered with, if any.
        public var target: Target
        /// `initial`, `healthy`, `unhealthy`, `unhealthy.draining`, `unused`, `draining` or `unavailable`.
        public var state: String
        /// `Target.NotRegistered`, `Target.NotInUse`, `Elb.InitialHealthChecking`, …
        public var reason: String?
        public var description: String?

        public init(target: Target, state: String, reason: String? = nil, description: String? = nil) {
            self.target = target
            self.state = state
            self.reason = reason
            self.description = description
        }

        init(xml: XMLNode) throws {
            target = try Target(
                id: CloudXML.required(xml, "Target", "Id"), port: CloudXML.int(xml, "Target", "Port") ?? 0,
                availabilityZone: xml.string("Target", "AvailabilityZone"))
            state = xml.string("TargetHealth", "State") ?? ""
            reason = xml.string("TargetHealth", "Reason")
            description = xml.string("TargetHealth", "Description")
        }
    }

    public struct Listener: Sendable, Equatable {
        public var arn: String
        public var loadBalancerArn: String
        public var port: Int
        public var `protocol`: String
        /// The target groups the default actions forward to, in action order.
        public var targetGroupArns: [String]

        public init(
            arn: String, loadBalancerArn: String, port: Int, protocol: String, targetGroupArns: [String] = []
        ) {
            self.arn = arn
            self.loadBalancerArn = loadBalancerArn
            self.port = port
            self.protocol = `protocol`
            self.targetGroupArns = targetGroupArns
        }

        init(xml: XMLNode) throws {
            arn = try CloudXML.required(xml, "ListenerArn")
            loadBalancerArn = xml.string("LoadBalancerArn") ?? ""
            port = try CloudXML.int(xml, "Port") ?? 0
            `protocol` = xml.string("Protocol") ?? ""
            // A forward action names its group directly or, in the newer form, in ForwardConfig.
            var arns: [String] = []
            for action in xml.list("DefaultActions") {
                let forwarded = [action.string("TargetGroupArn")].compactMap { $0 }
                    + (action.child("ForwardConfig")?.list("TargetGroups").compactMap { $0.string("TargetGroupArn") } ?? [])
                for arn in forwarded where !arns.contains(arn) { arns.append(arn) }
            }
            targetGroupArns = arns
        }
    }
}
