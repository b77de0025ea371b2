import Foundation
import Testing
@testable import RPLinkKit

@Suite struct SpecParseTests {
    @Test func exampleParsesToTheSeedSetup() throws {
        let text = try SpecFixtures.text(SpecFixtures.example)
        let result = SpecLoader.parse(text: text, file: "planetscale-import.yaml")
        #expect(result.diagnostics == [])
        let expected = Spec(
            file: "planetscale-import.yaml", version: 1, name: "planetscale-import", region: "us-east-1",
            producer: .init(
                vpcId: "vpc-0f00d1e5c0ffee123",
                subnets: [
                    .init(subnetId: "subnet-0cafed00d5eed1234", azId: "use1-az1"),
                    .init(subnetId: "subnet-0c0ffee00ba5eba11", azId: "use1-az2"),
                    .init(subnetId: "subnet-0cafef00d1234abcd", azId: "use1-az4"),
                ],
                securityGroupId: "sg-0f00ba11ab1e5eed0"
            ),
            database: .init(writerIP: "10.0.0.1", port: 3306),
            consumer: .init(
                accountId: "123456789012", cidrBlocks: ["10.0.1.0/24"],
                azIds: ["use1-az1", "use1-az2", "use1-az4"], principals: []
            ),
            loadBalancer: .init(name: "pl-nlb", crossZone: true),
            targetGroup: .init(name: "pl-nlb-target-group"),
            endpointService: .init(acceptanceRequired: false),
            tags: [.init(key: "purpose", value: "planetscale-import"), .init(key: "team", value: "data")]
        )
        #expect(result.spec == expected)
    }

    @Test func designDocumentExampleValidates() throws {
        let design = URL(fileURLWithPath: "../shared/DESIGN.md", relativeTo: SpecFixtures.repositoryRoot)
        let markdown = try String(contentsOf: design, encoding: .utf8)
        let start = try #require(markdown.range(of: "```yaml\n"))
        let end = try #require(markdown.range(of: "```", range: start.upperBound..<markdown.endIndex))
        let result = SpecLoader.parse(text: String(markdown[start.upperBound..<end.lowerBound]), file: "DESIGN.md")
        #expect(result.diagnostics == [])
        #expect(result.spec?.producer.vpcId == "vpc-0f00")
    }

    static let minimal = """
        version: 1
        name: orders
        region: eu-central-1
        producer:
          vpc_id: vpc-0a1b2c3d
          subnets:
            - {subnet_id: subnet-0a1b2c3d, az_id: euc1-az1}
        database:
          writer_ip: 172.31.5.9
        consumer:
          account_id: ACCOUNT
          cidr_blocks: [192.168.0.0/16]
        """

    @Test func defaultsAreFilledIn() throws {
        let text = Self.minimal.replacingOccurrences(of: "ACCOUNT", with: "123456789012")
        let result = SpecLoader.parse(text: text, file: "orders.yaml")
        let spec = try #require(result.spec, "\(result.diagnostics)")
        #expect(spec.database.port == 3306)
        #expect(spec.loadBalancer == .init(name: "orders-nlb", crossZone: true))
        #expect(spec.targetGroup == .init(name: "orders-tg"))
        #expect(spec.endpointService.acceptanceRequired == false)
        #expect(spec.producer.securityGroupId == nil)
        #expect(spec.ownsSecurityGroup)
        #expect(spec.consumer.azIds == [])
        #expect(spec.consumer.principals == [])
        #expect(spec.tags == [])
    }

    @Test(arguments: ["012345678901", "\"012345678901\"", "'012345678901'"])
    func accountIdKeepsItsLeadingZero(written: String) throws {
        let text = Self.minimal.replacingOccurrences(of: "ACCOUNT", with: written)
        let spec = try #require(SpecLoader.parse(text: text, file: "orders.yaml").spec)
        #expect(spec.consumer.accountId == "012345678901")
        #expect(spec.allowedPrincipals == ["arn:aws:iam::012345678901:root"])
    }

    @Test func tagValuesAreTakenAsWritten() throws {
        let text = Self.minimal.replacingOccurrences(of: "ACCOUNT", with: "123456789012")
            + "\ntags:\n  on_call: true\n  cost_center: 04711\n  note:\n"
        let spec = try #require(SpecLoader.parse(text: text, file: "orders.yaml").spec)
        #expect(spec.tags == [
            .init(key: "cost_center", value: "04711"), .init(key: "note", value: ""), .init(key: "on_call", value: "true"),
        ])
    }

    @Test func validPrincipalsAreKept() throws {
        let text = Self.minimal.replacingOccurrences(of: "ACCOUNT", with: "123456789012")
            + "\n  principals: [arn:aws:iam::123456789012:role/import-reader, arn:aws:iam::210987654321:user/ops]\n"
        let spec = try #require(SpecLoader.parse(text: text, file: "orders.yaml").spec)
        #expect(spec.consumer.principals == [
            "arn:aws:iam::123456789012:role/import-reader", "arn:aws:iam::210987654321:user/ops",
        ])
    }

    @Test(arguments: [
        ("us-east-1", "arn:aws:iam::123456789012:root"),
        ("cn-north-1", "arn:aws-cn:iam::123456789012:root"),
        ("us-gov-west-1", "arn:aws-us-gov:iam::123456789012:root"),
    ])
    func theConsumerRootIsInTheRegionsPartition(region: String, root: String) throws {
        let text = Self.minimal.replacingOccurrences(of: "ACCOUNT", with: "123456789012")
            .replacingOccurrences(of: "region: eu-central-1", with: "region: \(region)")
            + "\n  principals: [\(root.replacingOccurrences(of: ":root", with: ":role/reader"))]\n"
        let spec = try #require(SpecLoader.parse(text: text, file: "orders.yaml").spec)
        #expect(spec.allowedPrincipals == [root, root.replacingOccurrences(of: ":root", with: ":role/reader")])
    }

    @Test func aNullTagValueIsTheEmptyValue() throws {
        let text = Self.minimal.replacingOccurrences(of: "ACCOUNT", with: "123456789012") + "\ntags:\n  a: ~\n  b: null\n  c:\n"
        let spec = try #require(SpecLoader.parse(text: text, file: "orders.yaml").spec)
        #expect(spec.tags == [.init(key: "a", value: ""), .init(key: "b", value: ""), .init(key: "c", value: "")])
    }

    @Test func malformedYAMLReportsLibyamlMessageAndPosition() {
        let result = SpecLoader.parse(text: "version: 1\nname: [a, b\nregion: x\n", file: "f.yaml")
        #expect(result.spec == nil)
        #expect(result.diagnostics.map(\.description) == [
            "f.yaml:3:7: error: did not find expected ',' or ']' while parsing a flow sequence that starts at 2:7",
        ])
    }

    @Test func mappingValueInPlainScalarIsLibyamlsError() {
        let result = SpecLoader.parse(text: "version: 1\nname: a\nregion: us-east-1: x\n", file: "f.yaml")
        #expect(result.diagnostics.map(\.description) == ["f.yaml:3:18: error: mapping values are not allowed in this context"])
    }

    @Test(arguments: [
        "\u{1}\u{2}\u{3}garbage\u{7f}",
        "\t\t: : : - - ] } {",
        "%YAML 9.9\n--- x",
        "'unterminated",
        "key: \"\\xZZ\"",
        String(repeating: "\u{feff}", count: 3),
    ])
    func garbageGivesDiagnosticsNotCrashes(text: String) {
        let result = SpecLoader.parse(text: text, file: "g.yaml")
        #expect(result.spec == nil)
        #expect(!result.diagnostics.isEmpty)
    }

    @Test func randomBytesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 1...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let result = SpecLoader.parse(text: String(decoding: bytes, as: UTF8.self), file: "r.yaml")
            #expect(result.spec == nil)
            #expect(!result.diagnostics.isEmpty)
        }
    }

    @Test(arguments: ["[", "{a: ", "- "])
    func deepNestingIsCapped(opener: String) {
        let text = String(repeating: opener, count: 10_000)
        let result = SpecLoader.parse(text: text, file: "deep.yaml")
        #expect(result.spec == nil)
        #expect(result.diagnostics.map(\.message) == ["nesting deeper than 64 levels is not supported"])
    }

    @Test func nestingAtTheLimitIsAcceptedByTheReader() {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(YAMLReader.read(text).problems == [])
        let deeper = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(YAMLReader.read(deeper).problems.map(\.message) == ["nesting deeper than 64 levels is not supported"])
    }

    @Test func billionLaughsIsRefusedWithoutExpansion() {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        let result = SpecLoader.parse(text: text, file: "lol.yaml")
        #expect(result.spec == nil)
        #expect(result.diagnostics.count == 1 + 8 + 8 * 9)
        #expect(result.diagnostics.allSatisfy { $0.message == "anchors and aliases are not supported in rplink specs" })
        #expect(result.diagnostics.first?.description == "lol.yaml:1:4: error: anchors and aliases are not supported in rplink specs")
    }
}
