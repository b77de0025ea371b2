import Testing
@testable import RPLinkKit

@Suite struct RegionResolverTests {
    let environment = ["AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "ap-south-1"]

    @Test func specRegionWinsOverEverythingElse() throws {
        let resolver = RegionResolver(flag: nil, environment: environment, profileRegion: "sa-east-1")
        #expect(try resolver.resolve(specRegion: "us-east-1", specFile: "a.yaml") == "us-east-1")
    }

    @Test func flagAgreeingWithTheSpecIsAccepted() throws {
        let resolver = RegionResolver(flag: "us-east-1", environment: [:], profileRegion: nil)
        #expect(try resolver.resolve(specRegion: "us-east-1", specFile: "a.yaml") == "us-east-1")
    }

    @Test func flagConflictingWithTheSpecIsAnError() {
        let resolver = RegionResolver(flag: "eu-west-1", environment: [:], profileRegion: nil)
        let error = #expect(throws: RPLinkError.self) { try resolver.resolve(specRegion: "us-east-1", specFile: "specs/db.yaml") }
        #expect(error?.message.hasPrefix("--region eu-west-1 conflicts with region us-east-1 in spec specs/db.yaml") == true)
    }

    @Test(arguments: [
        (String?.some("us-west-1"), ["AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "ap-south-1"], String?.some("sa-east-1"), "us-west-1"),
        (nil, ["AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "ap-south-1"], "sa-east-1", "eu-central-1"),
        (nil, ["AWS_REGION": "", "AWS_DEFAULT_REGION": "ap-south-1"], "sa-east-1", "ap-south-1"),
        (nil, [:], "sa-east-1", "sa-east-1"),
    ])
    func withoutASpecRegionFlagThenEnvironmentThenProfile(flag: String?, environment: [String: String], profileRegion: String?, expected: String) throws {
        let resolver = RegionResolver(flag: flag, environment: environment, profileRegion: profileRegion)
        #expect(try resolver.resolve(specRegion: nil) == expected)
    }

    @Test func noRegionAnywhereIsAConfigurationError() {
        let resolver = RegionResolver(flag: nil, environment: [:], profileRegion: nil)
        let error = #expect(throws: RPLinkError.self) { try resolver.resolve(specRegion: nil) }
        #expect(error?.code == .configuration)
    }

    @Test func profileRegionComesFromTheConfigOfTheProfileInEffect() throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", "[default]\nregion = eu-west-1\n[profile work]\nregion = eu-north-1\n")
        let resolver = try RegionResolver(flag: nil, context: makeContext(home: home, environment: ["AWS_PROFILE": "work"]))
        #expect(try resolver.resolve(specRegion: nil) == "eu-north-1")
    }
}
