import Foundation
import Testing

/// Proves the harness: moto starts with signature checking on, boto3 reaches it with the
/// test user's key, and the producer fixture lands in the AZ ids the specs name.
@Suite(.serialized) struct EmulatorSmokeTests {
    static let shared = SharedEmulator()

    @Test func producerSubnetsReportTheExpectedAvailabilityZoneIds() async throws {
        let emulator = try await Self.shared.emulator()
        let boto = Boto(emulator)
        let fixture = try await ProducerFixture.create(with: boto)
        #expect(fixture.vpcId.hasPrefix("vpc-"))
        #expect(fixture.securityGroupId.hasPrefix("sg-"))

        // Read back independently rather than trusting what creation returned.
        let ids = fixture.subnets.map { "\"\($0.subnetId)\"" }.joined(separator: ", ")
        let live: [String: String] = try await boto.run("""
            subnets = ec2.describe_subnets(SubnetIds=[\(ids)])["Subnets"]
            emit({s["SubnetId"]: s["AvailabilityZoneId"] for s in subnets if s["VpcId"] == "\(fixture.vpcId)"})
            """)
        let expected = Dictionary(uniqueKeysWithValues: zip(
            fixture.subnets.map(\.subnetId), ProducerFixture.subnetLayout.map(\.azId)))
        #expect(live == expected)
        #expect(Set(live.values) == ["use1-az1", "use1-az2", "use1-az4"])
    }

    @Test func wrongSecretIsRefusedSoSignaturesAreChecked() async throws {
        let emulator = try await Self.shared.emulator()
        var credentials = emulator.credentials
        credentials.secretAccessKey = String(credentials.secretAccessKey.reversed())
        let impostor = Boto(endpoint: emulator.endpoint, credentials: credentials)
        let outcome: [String: String] = try await impostor.run("""
            from botocore.exceptions import ClientError
            try:
                ec2.describe_vpcs()
                emit({"code": "none"})
            except ClientError as error:
                emit({"code": error.response["Error"]["Code"]})
            """)
        #expect(["AuthFailure", "SignatureDoesNotMatch"].contains(outcome["code"] ?? ""), "\(outcome)")
    }

    @Test func rightSecretIsAccepted() async throws {
        let emulator = try await Self.shared.emulator()
        let regions: [String] = try await Boto(emulator).run("""
            emit([r["RegionName"] for r in ec2.describe_regions()["Regions"]])
            """)
        #expect(regions.contains("us-east-1"))
    }

    @Test func specWrittenForTheFixtureNamesItsIds() throws {
        let fixture = ProducerFixture(
            vpcId: "vpc-0abc", subnets: [.init(subnetId: "subnet-01", azId: "use1-az1", cidr: "10.0.0.0/24")],
            securityGroupId: "sg-0abc")
        let owned = fixture.specYAML(name: "itest")
        #expect(owned.contains("vpc_id: vpc-0abc\n"))
        #expect(owned.contains("- subnet_id: subnet-01\n      az_id: use1-az1\n"))
        #expect(owned.contains("writer_ip: 10.0.0.10\n"))
        #expect(!owned.contains("security_group_id"))
        #expect(fixture.specYAML(name: "itest", referenceSecurityGroup: true).contains("security_group_id: sg-0abc\n"))
    }
}
