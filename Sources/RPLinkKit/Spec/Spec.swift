/// A validated rplink spec, version 1 (DESIGN.md section 2), with every default filled in.
public struct Spec: Sendable, Equatable, Codable {
    /// The file the spec was read from, as given on the command line.
    public var file: String
    public var version: Int
    /// The stack name: the value of the `rplink:stack` tag.
    public var name: String
    public var region: String
    public var producer: Producer
    public var database: Database
    public var consumer: Consumer
    public var loadBalancer: LoadBalancerSettings
    public var targetGroup: TargetGroupSettings
    public var endpointService: EndpointServiceSettings
    /// Extra tags on everything rplink creates, sorted by key.
    public var tags: [Tag]

    public init(
        file: String, version: Int = 1, name: String, region: String,
        producer: Producer, database: Database, consumer: Consumer,
        loadBalancer: LoadBalancerSettings, targetGroup: TargetGroupSettings,
        endpointService: EndpointServiceSettings = .init(), tags: [Tag] = []
    ) {
        self.file = file
        self.version = version
        self.name = name
        self.region = region
        self.producer = producer
        self.database = database
        self.consumer = consumer
        self.loadBalancer = loadBalancer
        self.targetGroup = targetGroup
        self.endpointService = endpointService
        self.tags = tags
    }

    public struct Producer: Sendable, Equatable, Codable {
        public var vpcId: String
        public var subnets: [Subnet]
        /// An existing security group the spec only references; nil means rplink owns one.
        public var securityGroupId: String?
        public init(vpcId: String, subnets: [Subnet], securityGroupId: String? = nil) {
            self.vpcId = vpcId
            self.subnets = subnets
            self.securityGroupId = securityGroupId
        }
    }

    public struct Subnet: Sendable, Equatable, Codable {
        public var subnetId: String
        public var azId: String
        public init(subnetId: String, azId: String) {
            self.subnetId = subnetId
            self.azId = azId
        }
    }

    public struct Database: Sendable, Equatable, Codable {
        /// The writer's private IP: as written, or, when the spec names `writerEndpoint`, what
        /// that name resolved to when the spec was planned (empty until `WriterEndpointResolver`
        /// has looked it up).
        public var writerIP: String
        public var port: Int
        /// A DNS name that resolves to the writer (an RDS instance's or an Aurora cluster's
        /// writer endpoint), which follows the writer through a failover where an IP does not.
        public var writerEndpoint: String?
        public init(writerIP: String, port: Int = 3306, writerEndpoint: String? = nil) {
            self.writerIP = writerIP
            self.port = port
            self.writerEndpoint = writerEndpoint
        }
    }

    public struct Consumer: Sendable, Equatable, Codable {
        /// Twelve digits, kept as written (a leading zero survives).
        public var accountId: String
        public var cidrBlocks: [String]
        /// AZ ids the consumer uses; empty means "not stated".
        public var azIds: [String]
        /// Further principal ARNs to allow, besides the account root.
        public var principals: [String]
        public init(accountId: String, cidrBlocks: [String], azIds: [String] = [], principals: [String] = []) {
            self.accountId = accountId
            self.cidrBlocks = cidrBlocks
            self.azIds = azIds
            self.principals = principals
        }

    }

    public struct LoadBalancerSettings: Sendable, Equatable, Codable {
        public var name: String
        public var crossZone: Bool
        public init(name: String, crossZone: Bool = true) {
            self.name = name
            self.crossZone = crossZone
        }
    }

    public struct TargetGroupSettings: Sendable, Equatable, Codable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    public struct EndpointServiceSettings: Sendable, Equatable, Codable {
        public var acceptanceRequired: Bool
        public init(acceptanceRequired: Bool = false) { self.acceptanceRequired = acceptanceRequired }
    }

    public struct Tag: Sendable, Equatable, Hashable, Codable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The consumer account's root (`arn:aws:iam::<account>:root`, in the region's partition)
    /// followed by the extra principals, without repeats.
    public var allowedPrincipals: [String] {
        var seen = Set<String>()
        let root = "arn:\(SpecFormat.partition(ofRegion: region)):iam::\(consumer.accountId):root"
        return ([root] + consumer.principals).filter { seen.insert($0).inserted }
    }

    /// True when rplink creates and owns the NLB's security group.
    public var ownsSecurityGroup: Bool { producer.securityGroupId == nil }
    /// The name of the owned security group.
    public var ownedSecurityGroupName: String { "\(name)-nlb" }
}
