import Foundation
import Testing
@testable import RPLinkKit

@Suite struct SharedConfigTests {
    @Test func iniParserHandlesCommentsWhitespaceAndNestedBlocks() throws {
        let text = """
        # leading comment
        ; another comment
        [ default ]
          region=us-east-1
        aws_access_key_id   =   AKIADEFAULT   
        output = json # trailing comment
        s3 =
          max_concurrent_requests = 1
        [profile dev]
        endpoint = https://example.com/#fragment
        """
        let file = try INIFile(parsing: text, path: "config")
        #expect(file.sections["default"]?["region"] == "us-east-1")
        #expect(file.sections["default"]?["aws_access_key_id"] == "AKIADEFAULT")
        #expect(file.sections["default"]?["output"] == "json")
        #expect(file.sections["default"]?["s3"] == "")
        #expect(file.sections["default"]?["max_concurrent_requests"] == nil)
        #expect(file.sections["profile dev"]?["endpoint"] == "https://example.com/#fragment")
    }

    @Test func iniParserReportsTheLineOfASettingOutsideASection() {
        let error = #expect(throws: RPLinkError.self) { try INIFile(parsing: "\nkey = value\n", path: "/x/config") }
        #expect(error?.message.contains("/x/config:2") == true)
    }

    @Test func configProfilesUseTheProfilePrefixAndCredentialsFileWins() throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", """
        [default]
        region = eu-west-1
        [profile dev]
        region = us-west-2
        aws_access_key_id = AKIACONFIG
        [dev]
        region = ignored-without-profile-prefix
        """)
        try home.write(".aws/credentials", """
        [dev]
        aws_access_key_id = AKIACREDENTIALS
        """)
        let config = try SharedConfig.load(environment: [:], homeDirectory: home.path)
        #expect(config.region(profile: "default") == "eu-west-1")
        #expect(config.region(profile: "dev") == "us-west-2")
        #expect(config.profile("dev")?["aws_access_key_id"] == "AKIACREDENTIALS")
        #expect(config.profileNames == ["default", "dev"])
    }

    @Test func fileLocationsComeFromTheEnvironment() throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write("elsewhere/creds", "[ci]\naws_access_key_id = A\n")
        try home.write("elsewhere/conf", "[profile ci]\nregion = ap-south-1\n")
        let config = try SharedConfig.load(environment: [
            "AWS_SHARED_CREDENTIALS_FILE": home.path + "/elsewhere/creds",
            "AWS_CONFIG_FILE": home.path + "/elsewhere/conf",
        ], homeDirectory: home.path)
        #expect(config.profile("ci")?["aws_access_key_id"] == "A")
        #expect(config.region(profile: "ci") == "ap-south-1")
        #expect(config.credentialsPath == home.path + "/elsewhere/creds")
    }

    @Test func missingFilesAreEmpty() throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        let config = try SharedConfig.load(environment: [:], homeDirectory: home.path)
        #expect(config.profileNames.isEmpty)
        #expect(config.configPath == home.path + "/.aws/config")
    }
}
