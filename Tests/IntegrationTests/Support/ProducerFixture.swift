import Foundation

/// The producer side that exists before rplink runs: a VPC, one subnet in each of three
/// AZs and a security group, made with boto3 on the emulator.
struct ProducerFixture: Sendable, Codable {
    struct Subnet: Sendable, Codable, Equatable {
        var subnetId: String
        var azId: String
        var cidr: String

        enum CodingKeys: String, CodingKey {
            case subnetId = "subnet_id"
            case azId = "az_id"
            case cidr
        }
    }

    static let vpcCIDR = "10.0.0.0/16"
    /// Inside the first subnet, so inside the VPC: the "RDS writer".
    static let writerIP = "10.0.0.10"
    static let consumerAccountId = "111122223333"
    static let consumerCIDR = "10.1.0.0/24"
    /// The emulator's us-east-1 maps b→use1-az1, c→use1-az2, d→use1-az4.
    static let subnetLayout = [
        (zone: "us-east-1b", azId: "use1-az1", cidr: "10.0.0.0/24"),
        (zone: "us-east-1c", azId: "use1-az2", cidr: "10.0.1.0/24"),
        (zone: "us-east-1d", azId: "use1-az4", cidr: "10.0.2.0/24"),
    ]

    var vpcId: String
    var subnets: [Subnet]
    var securityGroupId: String

    enum CodingKeys: String, CodingKey {
        case vpcId = "vpc_id"
        case subnets
        case securityGroupId = "security_group_id"
    }

    static func create(with boto: Boto) async throws -> ProducerFixture {
        let layout = subnetLayout.map { "(\"\($0.zone)\", \"\($0.cidr)\")" }.joined(separator: ", ")
        return try await boto.run("""
            vpc = ec2.create_vpc(CidrBlock="\(vpcCIDR)")["Vpc"]["VpcId"]
            subnets = []
            for zone, cidr in [\(layout)]:
                subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]
                subnets.append({"subnet_id": subnet["SubnetId"], "az_id": subnet["AvailabilityZoneId"], "cidr": cidr})
            group = ec2.create_security_group(GroupName="producer-db", Description="producer database", VpcId=vpc)["GroupId"]
            emit({"vpc_id": vpc, "subnets": subnets, "security_group_id": group})
            """)
    }

    /// How many of the producer's objects boto3 still sees: a VPC, its subnets and its group.
    /// rplink must never touch them, so this stays `untouched` whatever it does.
    func census(with boto: Boto) async throws -> [String: Int] {
        let ids = subnets.map { "\"\($0.subnetId)\"" }.joined(separator: ", ")
        return try await boto.run("""
            emit({
                "vpcs": len(ec2.describe_vpcs(VpcIds=["\(vpcId)"])["Vpcs"]),
                "subnets": len(ec2.describe_subnets(SubnetIds=[\(ids)])["Subnets"]),
                "groups": len(ec2.describe_security_groups(GroupIds=["\(securityGroupId)"])["SecurityGroups"]),
            })
            """)
    }

    /// The census of a producer nothing has touched.
    static let untouched = ["vpcs": 1, "subnets": 3, "groups": 1]

    /// The spec for this producer. `referenceSecurityGroup` puts the fixture's group in the
    /// spec; otherwise rplink creates and owns one.
    func specYAML(name: String, referenceSecurityGroup: Bool = false, port: Int = 3306) -> String {
        var lines = [
            "version: 1",
            "name: \(name)",
            "region: \(Emulator.region)",
            "",
            "producer:",
            "  vpc_id: \(vpcId)",
            "  subnets:",
        ]
        for subnet in subnets {
            lines += ["    - subnet_id: \(subnet.subnetId)", "      az_id: \(subnet.azId)"]
        }
        if referenceSecurityGroup { lines.append("  security_group_id: \(securityGroupId)") }
        lines += [
            "",
            "database:",
            "  writer_ip: \(Self.writerIP)",
            "  port: \(port)",
            "",
            "consumer:",
            "  account_id: \"\(Self.consumerAccountId)\"",
            "  cidr_blocks: [\(Self.consumerCIDR)]",
            "  az_ids: [\(subnets.map(\.azId).joined(separator: ", "))]",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `specYAML` to `<directory>/<name>.yaml` and returns its URL.
    func writeSpec(name: String, in directory: URL, referenceSecurityGroup: Bool = false) throws -> URL {
        let url = directory.appendingPathComponent("\(name).yaml")
        try specYAML(name: name, referenceSecurityGroup: referenceSecurityGroup)
            .write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
