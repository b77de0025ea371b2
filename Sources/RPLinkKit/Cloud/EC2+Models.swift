extension EC2 {
    /// A `Filter.N` of an EC2 Describe call: `vpc-id`, `group-name`, `tag:rplink:stack`, …
    public struct Filter: Sendable, Equatable {
        public var name: String
        public var values: [String]
        public init(_ name: String, _ values: [String]) {
            self.name = name
            self.values = values
        }
    }

    public struct Vpc: Sendable, Equatable {
        public var vpcId: String
        public var state: String
        /// The primary CIDR block first, then every further associated block.
        public var cidrBlocks: [String]
        public var isDefault: Bool
        public var tags: [Spec.Tag]

        public init(
            vpcId: String, state: String, cidrBlocks: [String] = [], isDefault: Bool, tags: [Spec.Tag] = []
        ) {
            self.vpcId = vpcId
            self.state = state
            self.cidrBlocks = cidrBlocks
            self.isDefault = isDefault
            self.tags = tags
        }

        init(xml: XMLNode) throws {
            vpcId = try CloudXML.required(xml, "vpcId")
            state = xml.string("state") ?? ""
            var blocks = xml.string("cidrBlock").map { [$0] } ?? []
            for association in xml.list("cidrBlockAssociationSet") {
                guard let block = association.string("cidrBlock"), !blocks.contains(block) else { continue }
                // A disassociated block no longer routes to the VPC.
                if let state = association.string("cidrBlockState", "state"), state != "associated" { continue }
                blocks.append(block)
            }
            cidrBlocks = blocks
            isDefault = CloudXML.bool(xml, "isDefault") ?? false
            tags = CloudXML.tags(xml, "tagSet")
        }
    }

    public struct Subnet: Sendable, Equatable {
        public var subnetId: String
        public var vpcId: String
        /// The account-specific AZ name (`us-east-1b`).
        public var availabilityZone: String
        /// The AZ id that is the same in every account (`use1-az1`).
        public var availabilityZoneId: String
        public var cidrBlock: String
        public var tags: [Spec.Tag]

        public init(
            subnetId: String, vpcId: String, availabilityZone: String, availabilityZoneId: String,
            cidrBlock: String, tags: [Spec.Tag] = []
        ) {
            self.subnetId = subnetId
            self.vpcId = vpcId
            self.availabilityZone = availabilityZone
            self.availabilityZoneId = availabilityZoneId
            self.cidrBlock = cidrBlock
            self.tags = tags
        }

        init(xml: XMLNode) throws {
            subnetId = try CloudXML.required(xml, "subnetId")
            vpcId = try CloudXML.required(xml, "vpcId")
            availabilityZone = xml.string("availabilityZone") ?? ""
            availabilityZoneId = xml.string("availabilityZoneId") ?? ""
            cidrBlock = xml.string("cidrBlock") ?? ""
            tags = CloudXML.tags(xml, "tagSet")
        }
    }

    public struct SecurityGroup: Sendable, Equatable {
        public var groupId: String
        public var groupName: String
        public var description: String
        public var vpcId: String?
        public var tags: [Spec.Tag]

        public init(
            groupId: String, groupName: String, description: String, vpcId: String? = nil,
            tags: [Spec.Tag] = []
        ) {
            self.groupId = groupId
            self.groupName = groupName
            self.description = description
            self.vpcId = vpcId
            self.tags = tags
        }

        init(xml: XMLNode) throws {
            groupId = try CloudXML.required(xml, "groupId")
            groupName = xml.string("groupName") ?? ""
            description = xml.string("groupDescription") ?? ""
            vpcId = xml.string("vpcId")
            tags = CloudXML.tags(xml, "tagSet")
        }
    }

    /// One rule of a security group, as DescribeSecurityGroupRules reports it.
    public struct SecurityGroupRule: Sendable, Equatable {
        public var ruleId: String
        public var groupId: String
        public var isEgress: Bool
        /// `tcp`, `udp`, `icmp` or `-1` for all.
        public var ipProtocol: String
        /// -1 when the rule covers every port.
        public var fromPort: Int
        public var toPort: Int
        /// Nil for rules that reference a group, a prefix list or an IPv6 range.
        public var cidrIpv4: String?
        public var description: String?
        public var tags: [Spec.Tag]

        public init(
            ruleId: String, groupId: String, isEgress: Bool, ipProtocol: String, fromPort: Int, toPort: Int,
            cidrIpv4: String? = nil, description: String? = nil, tags: [Spec.Tag] = []
        ) {
            self.ruleId = ruleId
            self.groupId = groupId
            self.isEgress = isEgress
            self.ipProtocol = ipProtocol
            self.fromPort = fromPort
            self.toPort = toPort
            self.cidrIpv4 = cidrIpv4
            self.description = description
            self.tags = tags
        }

        init(xml: XMLNode) throws {
            ruleId = try CloudXML.required(xml, "securityGroupRuleId")
            groupId = try CloudXML.required(xml, "groupId")
            isEgress = CloudXML.bool(xml, "isEgress") ?? false
            ipProtocol = xml.string("ipProtocol") ?? "-1"
            fromPort = try CloudXML.int(xml, "fromPort") ?? -1
            toPort = try CloudXML.int(xml, "toPort") ?? -1
            cidrIpv4 = xml.string("cidrIpv4")
            description = xml.string("description").flatMap { $0.isEmpty ? nil : $0 }
            tags = CloudXML.tags(xml, "tagSet")
        }
    }

    /// An IPv4 ingress permission: one protocol, a port range, one source CIDR.
    public struct IngressPermission: Sendable, Equatable {
        public var ipProtocol: String
        public var fromPort: Int
        public var toPort: Int
        public var cidrIpv4: String
        public var description: String?

        public init(ipProtocol: String = "tcp", fromPort: Int, toPort: Int, cidrIpv4: String, description: String? = nil) {
            self.ipProtocol = ipProtocol
            self.fromPort = fromPort
            self.toPort = toPort
            self.cidrIpv4 = cidrIpv4
            self.description = description
        }

        /// TCP on a single port, the only shape rplink creates.
        public init(tcpPort port: Int, cidrIpv4: String, description: String? = nil) {
            self.init(fromPort: port, toPort: port, cidrIpv4: cidrIpv4, description: description)
        }
    }

    /// A VPC endpoint service configuration (the provider side of PrivateLink).
    public struct ServiceConfiguration: Sendable, Equatable {
        public var serviceId: String
        /// `com.amazonaws.vpce.<region>.<service id>`: what the consumer connects to.
        public var serviceName: String
        /// `Pending`, `Available`, `Deleting`, `Deleted` or `Failed`.
        public var serviceState: String
        public var acceptanceRequired: Bool
        public var networkLoadBalancerArns: [String]
        public var availabilityZones: [String]
        public var tags: [Spec.Tag]

        public init(
            serviceId: String, serviceName: String, serviceState: String, acceptanceRequired: Bool,
            networkLoadBalancerArns: [String] = [], availabilityZones: [String] = [], tags: [Spec.Tag] = []
        ) {
            self.serviceId = serviceId
            self.serviceName = serviceName
            self.serviceState = serviceState
            self.acceptanceRequired = acceptanceRequired
            self.networkLoadBalancerArns = networkLoadBalancerArns
            self.availabilityZones = availabilityZones
            self.tags = tags
        }

        init(xml: XMLNode) throws {
            serviceId = try CloudXML.required(xml, "serviceId")
            serviceName = xml.string("serviceName") ?? ""
            serviceState = xml.string("serviceState") ?? ""
            acceptanceRequired = CloudXML.bool(xml, "acceptanceRequired") ?? false
            networkLoadBalancerArns = CloudXML.strings(xml, "networkLoadBalancerArnSet")
            availabilityZones = CloudXML.strings(xml, "availabilityZoneSet")
            tags = CloudXML.tags(xml, "tagSet")
        }
    }
}
