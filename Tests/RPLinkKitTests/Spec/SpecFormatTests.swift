import Testing
@testable import RPLinkKit

@Suite struct SpecFormatTests {
    @Test(arguments: ["us-east-1", "eu-central-1", "us-gov-west-1", "ap-southeast-3", "cn-north-1"])
    func regionsAreAccepted(region: String) { #expect(SpecFormat.isRegion(region)) }

    @Test(arguments: ["us-east1", "US-EAST-1", "useast-1", "us--1", "us-east-", "u-east-1", "east-1"])
    func malformedRegionsAreRefused(region: String) { #expect(!SpecFormat.isRegion(region)) }

    @Test(arguments: ["use1-az1", "usw2-az4", "apne1-az11", "eu1-az2"])
    func azIdsAreAccepted(az: String) { #expect(SpecFormat.isAZId(az)) }

    @Test(arguments: ["us-east-1a", "use1az1", "use-az1", "u1-az1", "use1-az", "USE1-AZ1", "abcde1-az1"])
    func malformedAZIdsAreRefused(az: String) { #expect(!SpecFormat.isAZId(az)) }

    @Test func resourceIdsTakeOneToSeventeenLowercaseHexDigits() {
        #expect(SpecFormat.isResourceId("vpc-0f00", prefix: "vpc-"))
        #expect(SpecFormat.isResourceId("subnet-0123456789abcdef0", prefix: "subnet-"))
        #expect(!SpecFormat.isResourceId("subnet-0123456789abcdef01", prefix: "subnet-"))
        #expect(!SpecFormat.isResourceId("sg-", prefix: "sg-"))
        #expect(!SpecFormat.isResourceId("sg-0F00", prefix: "sg-"))
        #expect(!SpecFormat.isResourceId("vpc-0f00", prefix: "sg-"))
    }

    @Test func ipv4NeedsFourOctetsWithoutLeadingZeros() {
        #expect(SpecFormat.ipv4("10.0.0.1") == 0x0A00_0001)
        #expect(SpecFormat.ipv4("255.255.255.255") == UInt32.max)
        for bad in ["10.0.0", "10.0.0.256", "10.0.0.01", "10.0.0.1.", "a.b.c.d", "10..0.1", "+1.0.0.1", " 10.0.0.1"] {
            #expect(SpecFormat.ipv4(bad) == nil, "\(bad)")
        }
    }

    @Test func cidrChecksHostBitsAndSuggestsTheNetwork() {
        #expect(SpecFormat.checkCIDR("10.0.1.0/24") == .valid)
        #expect(SpecFormat.checkCIDR("0.0.0.0/0") == .valid)
        #expect(SpecFormat.checkCIDR("10.0.1.7/32") == .valid)
        #expect(SpecFormat.checkCIDR("10.0.1.7/20") == .hostBitsSet(network: "10.0.0.0/20"))
        #expect(SpecFormat.checkCIDR("1.2.3.4/0") == .hostBitsSet(network: "0.0.0.0/0"))
        for bad in ["10.0.1.0", "10.0.1.0/33", "10.0.1.0/024", "10.0.1.0/", "10.0.1/24", "10.0.1.0/2a"] {
            #expect(SpecFormat.checkCIDR(bad) == .malformed, "\(bad)")
        }
    }

    @Test func principalARNs() {
        #expect(SpecFormat.isPrincipalARN("arn:aws:iam::123456789012:root"))
        #expect(SpecFormat.isPrincipalARN("arn:aws-cn:iam::123456789012:role/Role+x=y,z@a.b-c_d"))
        // Endpoint service permissions refuse principal ARNs with a path.
        #expect(!SpecFormat.isPrincipalARN("arn:aws:iam::123456789012:role/path/to/Role"))
        #expect(!SpecFormat.isPrincipalARN("arn:aws:iam::123456789012:role/" + String(repeating: "r", count: 65)))
        #expect(SpecFormat.isPrincipalARN("arn:aws:iam::123456789012:user/alice"))
        #expect(!SpecFormat.isPrincipalARN("*"))
        #expect(!SpecFormat.isPrincipalARN("arn:aws:iam::123456789012:group/admins"))
        #expect(!SpecFormat.isPrincipalARN("arn:aws:iam::123456789012:role/"))
        #expect(!SpecFormat.isPrincipalARN("arn:aws:iam:us-east-1:123456789012:root"))
        #expect(!SpecFormat.isPrincipalARN("arn:aws:iam::123456789012:role/a b"))
    }

    @Test func elbNames() {
        #expect(SpecFormat.isELBName("pl-nlb"))
        #expect(SpecFormat.isELBName(String(repeating: "a", count: 32)))
        #expect(!SpecFormat.isELBName(String(repeating: "a", count: 33)))
        #expect(!SpecFormat.isELBName("-a"))
        #expect(!SpecFormat.isELBName("a-"))
        #expect(!SpecFormat.isELBName("a_b"))
        #expect(!SpecFormat.isELBName(""))
    }

    @Test func suggestionsFindNearMissesOnly() {
        let keys = ["vpc_id", "subnets", "security_group_id"]
        #expect(SpecFormat.suggestion(for: "subnet", among: keys) == "subnets")
        #expect(SpecFormat.suggestion(for: "VPC_ID", among: keys) == "vpc_id")
        #expect(SpecFormat.suggestion(for: "vpc", among: keys) == "vpc_id")
        #expect(SpecFormat.suggestion(for: "colour", among: keys) == nil)
    }
}
