import Foundation
import Testing
@testable import RPLinkKit

@Suite struct CredentialChainTests {
    let imdsDisabled = ["AWS_EC2_METADATA_DISABLED": "true"]

    @Test func environmentKeysWinOverTheDefaultProfile() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/credentials", "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = p\n")
        let context = makeContext(home: home, environment: [
            "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_SESSION_TOKEN": "t",
        ])
        let credentials = try await CredentialChain(context: context).credentials()
        #expect(credentials == AWSCredentials(accessKeyId: "AKIAENV", secretAccessKey: "e", sessionToken: "t"))
    }

    @Test func profileFlagWinsOverEnvironmentKeysButAWSProfileDoesNot() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/credentials", "[named]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = p\n")
        let keys = ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "e"]
        let viaFlag = try await CredentialChain(context: makeContext(home: home, environment: keys, profileFlag: "named")).credentials()
        #expect(viaFlag.accessKeyId == "AKIAPROFILE")
        let viaVariable = try await CredentialChain(context: makeContext(home: home, environment: keys.merging(["AWS_PROFILE": "named"]) { a, _ in a })).credentials()
        #expect(viaVariable.accessKeyId == "AKIAENV")
    }

    /// As in the AWS CLI: the environment keys still sign, but a profile named in AWS_PROFILE
    /// that exists nowhere is a mistake to stop for (a typo would otherwise go unnoticed).
    @Test func anAWSProfileThatDoesNotExistIsAnErrorEvenWithEnvironmentKeys() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        let environment = ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_PROFILE": "prdo"]
        let error = await #expect(throws: RPLinkError.self) {
            _ = try await CredentialChain(context: makeContext(home: home, environment: environment)).credentials()
        }
        #expect(error?.message.hasPrefix("profile prdo (from AWS_PROFILE) is in neither ") == true, "\(String(describing: error))")
        #expect(error?.message.hasSuffix("; those files define no profile") == true)
    }

    @Test(arguments: [["AWS_ACCESS_KEY_ID": "AKIAENV"], ["AWS_SECRET_ACCESS_KEY": "e"]])
    func partialEnvironmentKeysAreAClearError(environment: [String: String]) async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        let error = await #expect(throws: RPLinkError.self) {
            _ = try await CredentialChain(context: makeContext(home: home, environment: environment)).credentials()
        }
        #expect(error?.code == .credentials)
        #expect(error?.message.contains("is set but") == true)
        #expect(error?.message.contains("e,") == false)
    }

    @Test func defaultProfileStaticKeysAreUsedWithoutEnvironment() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/credentials", "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = p\naws_session_token = pt\n")
        let credentials = try await CredentialChain(context: makeContext(home: home, environment: imdsDisabled)).credentials()
        #expect(credentials == AWSCredentials(accessKeyId: "AKIAPROFILE", secretAccessKey: "p", sessionToken: "pt"))
    }

    @Test func profileFlagWinsOverAWSProfile() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/credentials", """
        [flagged]
        aws_access_key_id = AKIAFLAG
        aws_secret_access_key = f
        [fromenv]
        aws_access_key_id = AKIAENVPROFILE
        aws_secret_access_key = v
        """)
        let viaFlag = try await CredentialChain(context: makeContext(home: home, environment: ["AWS_PROFILE": "fromenv"], profileFlag: "flagged")).credentials()
        #expect(viaFlag.accessKeyId == "AKIAFLAG")
        let viaEnvironment = try await CredentialChain(context: makeContext(home: home, environment: ["AWS_PROFILE": "fromenv"])).credentials()
        #expect(viaEnvironment.accessKeyId == "AKIAENVPROFILE")
    }

    @Test func credentialsFileKeysWinOverConfigFileKeysForTheSameProfile() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", "[profile p]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = c\n")
        try home.write(".aws/credentials", "[p]\naws_access_key_id = AKIACREDS\naws_secret_access_key = k\n")
        let credentials = try await CredentialChain(context: makeContext(home: home, profileFlag: "p")).credentials()
        #expect(credentials.accessKeyId == "AKIACREDS")
        #expect(credentials.secretAccessKey == "k")
    }

    @Test func missingExplicitProfileNamesTheProfileAndTheFiles() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/credentials", "[other]\naws_access_key_id = A\naws_secret_access_key = s\n")
        let error = await #expect(throws: RPLinkError.self) {
            _ = try await CredentialChain(context: makeContext(home: home, profileFlag: "prod")).credentials()
        }
        let message = try #require(error?.message)
        #expect(message.contains("profile prod (from --profile)"))
        #expect(message.contains(home.path + "/.aws/credentials"))
        #expect(message.contains(home.path + "/.aws/config"))
        #expect(message.contains("; the profiles there are other"))
    }

    @Test func nothingFoundListsWhatWasTriedAndHowToFixIt() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        let error = await #expect(throws: RPLinkError.self) {
            _ = try await CredentialChain(context: makeContext(home: home, environment: imdsDisabled)).credentials()
        }
        #expect(error?.code == .credentials)
        let message = try #require(error?.message)
        for expected in ["AWS_ACCESS_KEY_ID", "profile default", "AWS_WEB_IDENTITY_TOKEN_FILE", "instance metadata", "AWS_PROFILE", "aws configure"] {
            #expect(message.contains(expected), "missing \(expected)")
        }
    }

    @Test func assumeRoleIsSignedWithTheSourceProfilesCredentials() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = b\n")
        try home.write(".aws/config", """
        [profile admin]
        role_arn = arn:aws:iam::123456789012:role/admin
        source_profile = base
        role_session_name = alice
        external_id = vendor-ext
        duration_seconds = 1800
        """)
        let sts = STSFactory()
        let credentials = try await CredentialChain(context: makeContext(home: home, profileFlag: "admin", sts: sts)).credentials()
        #expect(credentials.accessKeyId == "ASIAASSUMED")
        #expect(credentials.expiration == STSResponses.expirationSeconds)
        let client = try #require(sts.clients.first)
        #expect(sts.clients.count == 1)
        let call = try #require(client.calls.first)
        #expect(call.action == "AssumeRole")
        #expect(call.parameters["RoleArn"] == "arn:aws:iam::123456789012:role/admin")
        #expect(call.parameters["RoleSessionName"] == "alice")
        #expect(call.parameters["ExternalId"] == "vendor-ext")
        #expect(call.parameters["DurationSeconds"] == "1800")
        let signing = try #require(client.signingProvider)
        #expect(try await signing.credentials().accessKeyId == "AKIABASE")
    }

    @Test func chainedSourceProfilesAssumeEachRoleInTurn() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = b\n")
        try home.write(".aws/config", """
        [profile middle]
        role_arn = arn:aws:iam::1:role/middle
        source_profile = base
        [profile top]
        role_arn = arn:aws:iam::2:role/top
        source_profile = middle
        """)
        let sts = STSFactory()
        _ = try await CredentialChain(context: makeContext(home: home, profileFlag: "top", sts: sts)).credentials()
        let roles = sts.clients.flatMap(\.calls).compactMap { $0.parameters["RoleArn"] }
        #expect(roles == ["arn:aws:iam::1:role/middle", "arn:aws:iam::2:role/top"])
    }

    @Test func sourceProfileCycleIsDetected() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", """
        [profile a]
        role_arn = arn:aws:iam::1:role/a
        source_profile = b
        [profile b]
        role_arn = arn:aws:iam::1:role/b
        source_profile = a
        """)
        let error = await #expect(throws: RPLinkError.self) {
            _ = try await CredentialChain(context: makeContext(home: home, profileFlag: "a")).credentials()
        }
        #expect(error?.message.contains("cycle: a -> b -> a") == true)
    }

    @Test func profileMaySourceItsOwnStaticKeys() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/credentials", "[self]\naws_access_key_id = AKIASELF\naws_secret_access_key = s\n")
        try home.write(".aws/config", "[profile self]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = self\n")
        let sts = STSFactory()
        let credentials = try await CredentialChain(context: makeContext(home: home, profileFlag: "self", sts: sts)).credentials()
        #expect(credentials.accessKeyId == "ASIAASSUMED")
        let signing = try #require(sts.clients.first?.signingProvider)
        #expect(try await signing.credentials().accessKeyId == "AKIASELF")
    }

    @Test func webIdentityFromTheEnvironmentIsUnsignedAndSendsTheToken() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write("token", "eyJ.token.sig\n")
        let sts = STSFactory()
        let context = makeContext(home: home, environment: [
            "AWS_WEB_IDENTITY_TOKEN_FILE": home.path + "/token",
            "AWS_ROLE_ARN": "arn:aws:iam::1:role/ci",
            "AWS_ROLE_SESSION_NAME": "gha",
        ], sts: sts)
        let credentials = try await CredentialChain(context: context).credentials()
        #expect(credentials.accessKeyId == "ASIAASSUMED")
        let client = try #require(sts.clients.first)
        #expect(client.signingProvider == nil)
        let call = try #require(client.calls.first)
        #expect(call.action == "AssumeRoleWithWebIdentity")
        #expect(call.parameters["WebIdentityToken"] == "eyJ.token.sig")
        #expect(call.parameters["RoleArn"] == "arn:aws:iam::1:role/ci")
        #expect(call.parameters["RoleSessionName"] == "gha")
    }

    @Test func webIdentityFromAProfile() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write("token", "profile-token")
        try home.write(".aws/config", "[profile oidc]\nrole_arn = arn:aws:iam::1:role/oidc\nweb_identity_token_file = \(home.path)/token\n")
        let sts = STSFactory()
        _ = try await CredentialChain(context: makeContext(home: home, profileFlag: "oidc", sts: sts)).credentials()
        let call = try #require(sts.clients.first?.calls.first)
        #expect(call.action == "AssumeRoleWithWebIdentity")
        #expect(call.parameters["WebIdentityToken"] == "profile-token")
        #expect(call.parameters["RoleSessionName"] == "rplink-1795550000")
    }

    @Test func defaultProfileWinsOverWebIdentity() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/credentials", "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = p\n")
        let sts = STSFactory()
        let context = makeContext(home: home, environment: [
            "AWS_WEB_IDENTITY_TOKEN_FILE": home.path + "/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/ci",
        ], sts: sts)
        #expect(try await CredentialChain(context: context).credentials().accessKeyId == "AKIAPROFILE")
        #expect(sts.clients.isEmpty)
    }

    @Test func credentialProcessJSONIsParsed() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write("issue.sh", """
        #!/bin/sh
        echo '{"Version": 1, "AccessKeyId": "AKIAPROCESS", "SecretAccessKey": "ps", "SessionToken": "pt", "Expiration": "2026-11-24T21:00:00Z"}'
        """, executable: true)
        try home.write(".aws/config", "[profile tool]\ncredential_process = \(home.path)/issue.sh --flag\n")
        let credentials = try await CredentialChain(context: makeContext(home: home, profileFlag: "tool")).credentials()
        #expect(credentials == AWSCredentials(accessKeyId: "AKIAPROCESS", secretAccessKey: "ps", sessionToken: "pt", expiration: STSResponses.expirationSeconds))
    }

    @Test(arguments: [
        "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIALEAK\", \"SecretAccessKey\": \"TOPSECRETVALUE\"}'; exit 3",
        "echo 'not json TOPSECRETVALUE'",
        "echo '{\"Version\": 2, \"AccessKeyId\": \"AKIALEAK\", \"SecretAccessKey\": \"TOPSECRETVALUE\"}'",
    ])
    func failingCredentialProcessDoesNotLeakItsOutput(script: String) async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write("issue.sh", "#!/bin/sh\n\(script)\n", executable: true)
        try home.write(".aws/config", "[profile tool]\ncredential_process = \(home.path)/issue.sh\n")
        let error = await #expect(throws: RPLinkError.self) {
            _ = try await CredentialChain(context: makeContext(home: home, profileFlag: "tool")).credentials()
        }
        let text = try #require(error.map { "\($0)" })
        #expect(text.contains("credential_process of profile tool"))
        #expect(!text.contains("TOPSECRETVALUE"))
        #expect(!text.contains("AKIALEAK"))
    }

    @Test func instanceMetadataIsTheLastResort() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        let fake = FakeMetadataService()
        let credentials = try await CredentialChain(context: makeContext(home: home, fetchHTTP: fake.fetch)).credentials()
        #expect(credentials.accessKeyId == "ASIAIMDS")
        #expect(fake.requests.first?.url.absoluteString.hasPrefix("http://169.254.169.254/") == true)
    }

    @Test func unreachableInstanceMetadataEndsInTheNothingFoundError() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        let error = await #expect(throws: RPLinkError.self) {
            _ = try await CredentialChain(context: makeContext(home: home, fetchHTTP: { _ in throw URLError(.timedOut) })).credentials()
        }
        #expect(error?.message.contains("no AWS credentials found") == true)
        #expect(error?.message.contains("instance metadata service at http://169.254.169.254") == true)
    }

    @Test func namedProfileWithoutCredentialsIsAnError() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", "[profile regiononly]\nregion = us-east-1\n")
        let error = await #expect(throws: RPLinkError.self) {
            _ = try await CredentialChain(context: makeContext(home: home, environment: ["AWS_PROFILE": "regiononly"])).credentials()
        }
        #expect(error?.message.contains("profile regiononly has no credentials") == true)
    }

    @Test func defaultProfileWithoutCredentialsFallsThroughToTheNextSource() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", "[default]\nregion = us-east-1\n")
        let fake = FakeMetadataService()
        let credentials = try await CredentialChain(context: makeContext(home: home, fetchHTTP: fake.fetch)).credentials()
        #expect(credentials.accessKeyId == "ASIAIMDS")
    }

    @Test func roleWithoutASourceIsAnError() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", "[profile lonely]\nrole_arn = arn:aws:iam::1:role/x\n")
        let error = await #expect(throws: RPLinkError.self) {
            _ = try await CredentialChain(context: makeContext(home: home, profileFlag: "lonely")).credentials()
        }
        #expect(error?.message.contains("neither source_profile nor credential_source") == true)
    }

    @Test func webIdentityTokenWithoutRoleIsAnError() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        let error = await #expect(throws: RPLinkError.self) {
            _ = try await CredentialChain(context: makeContext(home: home, environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/t"])).credentials()
        }
        #expect(error?.message.contains("AWS_ROLE_ARN is not") == true)
    }

    @Test func cachedChainAsksTheSourceOnlyOnceWhileValid() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = b\n")
        try home.write(".aws/config", "[profile admin]\nrole_arn = arn:aws:iam::1:role/admin\nsource_profile = base\n")
        let sts = STSFactory()
        let provider = CredentialChain(context: makeContext(home: home, profileFlag: "admin", sts: sts)).cached()
        _ = try await provider.credentials()
        _ = try await provider.credentials()
        #expect(sts.clients.flatMap(\.calls).count == 1)
    }
}
