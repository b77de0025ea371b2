import Foundation
import Testing
@testable import RPLinkKit

/// Answers like the IAM Identity Center portal's GetRoleCredentials: the role's credentials
/// for the expected bearer token, 401 otherwise.
final class FakeSSOPortal: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [CredentialsEndpoint.Request] = []
    let token: String
    /// What SSO OIDC's CreateToken answers at POST /token (any host), with its status.
    let refresh: (status: Int, body: String)?

    init(token: String, refresh: (status: Int, body: String)? = nil) {
        self.token = token
        self.refresh = refresh
    }

    var requests: [CredentialsEndpoint.Request] { lock.withLock { recorded } }

    var fetch: CredentialsEndpoint.Fetch {
        { request in
            self.lock.withLock { self.recorded.append(request) }
            if request.method == "POST" && request.url.path == "/token" {
                guard let refresh = self.refresh else { return .init(status: 404, body: Data()) }
                return .init(status: refresh.status, body: Data(refresh.body.utf8))
            }
            guard request.method == "GET", request.url.path == "/federation/credentials",
                  request.headers["x-amz-sso_bearer_token"] == self.token else {
                return .init(status: 401, body: Data(#"{"message": "Session token not found or invalid"}"#.utf8))
            }
            return .init(status: 200, body: Data("""
                {"roleCredentials": {"accessKeyId": "ASIASSO", "secretAccessKey": "sso-secret",
                 "sessionToken": "sso-session-token", "expiration": 1795554000000}}
                """.utf8))
        }
    }
}

@Suite struct SSOCredentialsProviderTests {
    static let roleCredentials = AWSCredentials(accessKeyId: "ASIASSO", secretAccessKey: "sso-secret",
                                                sessionToken: "sso-session-token", expiration: STSResponses.expirationSeconds)
    /// makeContext's clock is 1_795_550_000, 2026-11-24T19:53:20Z.
    static let valid = "2026-11-24T21:00:00Z"
    static let expired = "2026-11-24T19:00:00Z"

    static let sessionConfig = """
        [profile admin]
        sso_session = my-sso
        sso_account_id = 123456789012
        sso_role_name = Admin+Ops@x
        region = us-east-1

        [sso-session my-sso]
        sso_start_url = https://my-org.awsapps.com/start
        sso_region = eu-west-1
        sso_registration_scopes = sso:account:access

        """

    static let cacheNames = ["my-sso": "0ad374308c5a4e22f723adf10145eafad7c4031c",
                             "https://my-org.awsapps.com/start": "acff06c7037450e5a3fddcacb0a34e921da42d68"]

    /// Writes a token where the AWS CLI caches it: file names from Python's hashlib.sha1.
    static func cacheToken(_ home: TemporaryHome, key: String, accessToken: String = "sso-access-token", expiresAt: String = valid,
                           registrationExpiresAt: String = "2027-02-01T00:00:00Z") throws {
        let name = try #require(cacheNames[key])
        try home.write(".aws/sso/cache/\(name).json", """
            {"startUrl": "https://my-org.awsapps.com/start", "region": "eu-west-1", "accessToken": "\(accessToken)",
             "expiresAt": "\(expiresAt)", "clientId": "client-id", "clientSecret": "client-secret-value",
             "registrationExpiresAt": "\(registrationExpiresAt)", "refreshToken": "refresh-token-value"}
            """)
    }

    static func cachedDocument(_ home: TemporaryHome, key: String) throws -> [String: String] {
        let path = home.path + "/.aws/sso/cache/\(try #require(cacheNames[key])).json"
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: String])
    }

    /// 11 minutes 40 seconds left at makeContext's 19:53:20: inside botocore's 15-minute refresh window.
    static let expiringSoon = "2026-11-24T20:05:00Z"
    static let refreshed = (status: 200, body: #"{"accessToken": "refreshed-token", "tokenType": "Bearer", "expiresIn": 3600, "refreshToken": "rotated-refresh"}"#)

    // MARK: - Refreshing the sign-in

    @Test func tokenAboutToExpireIsRefreshedWrittenBackPrivatelyAndUsed() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", Self.sessionConfig)
        try Self.cacheToken(home, key: "my-sso", expiresAt: Self.expiringSoon)
        let portal = FakeSSOPortal(token: "refreshed-token", refresh: Self.refreshed)
        let context = makeContext(home: home, profileFlag: "admin", fetchHTTP: portal.fetch)
        #expect(try await CredentialChain(context: context).credentials() == Self.roleCredentials)

        let refresh = try #require(portal.requests.first)
        #expect(refresh.method == "POST")
        #expect(refresh.url.absoluteString == "https://oidc.eu-west-1.amazonaws.com/token")
        let sent = try #require(try JSONSerialization.jsonObject(with: refresh.body ?? Data()) as? [String: String])
        #expect(sent == ["clientId": "client-id", "clientSecret": "client-secret-value", "grantType": "refresh_token", "refreshToken": "refresh-token-value"])
        #expect(portal.requests.last?.headers["x-amz-sso_bearer_token"] == "refreshed-token")

        let cached = try Self.cachedDocument(home, key: "my-sso")
        #expect(cached["accessToken"] == "refreshed-token")
        #expect(cached["expiresAt"] == "2026-11-24T20:53:20Z", "the clock (19:53:20) plus expiresIn")
        #expect(cached["refreshToken"] == "rotated-refresh")
        #expect(cached["clientSecret"] == "client-secret-value" && cached["startUrl"] == "https://my-org.awsapps.com/start")
        let attributes = try FileManager.default.attributesOfItem(atPath: home.path + "/.aws/sso/cache/\(Self.cacheNames["my-sso"]!).json")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: home.path + "/.aws/sso/cache")
        #expect(leftovers.count == 1, "no temporary file is left: \(leftovers)")
    }

    @Test func refusedRefreshOfAnExpiredTokenSaysWhyAndToSignInAgainWithoutSecrets() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", Self.sessionConfig)
        try Self.cacheToken(home, key: "my-sso", expiresAt: Self.expired)
        let portal = FakeSSOPortal(token: "sso-access-token", refresh: (400, #"{"error": "invalid_grant"}"#))
        let context = makeContext(home: home, profileFlag: "admin", fetchHTTP: portal.fetch)
        let error = await #expect(throws: RPLinkError.self) { _ = try await CredentialChain(context: context).credentials() }
        let text = try #require(error.map { "\($0)" })
        #expect(text.contains("expired at \(Self.expired) and refreshing it failed (https://oidc.eu-west-1.amazonaws.com answered HTTP 400)"), "\(text)")
        #expect(text.contains("aws sso login --profile admin"))
        #expect(!text.contains("client-secret-value") && !text.contains("refresh-token-value") && !text.contains("sso-access-token"))
        #expect(portal.requests.count == 1, "the portal is not asked with an expired token")
    }

    @Test func failedRefreshOfAStillValidTokenUsesTheTokenAndLeavesTheCache() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", Self.sessionConfig)
        try Self.cacheToken(home, key: "my-sso", expiresAt: Self.expiringSoon)
        let before = try Self.cachedDocument(home, key: "my-sso")
        let portal = FakeSSOPortal(token: "sso-access-token", refresh: (500, ""))
        let context = makeContext(home: home, profileFlag: "admin", fetchHTTP: portal.fetch)
        #expect(try await CredentialChain(context: context).credentials() == Self.roleCredentials)
        #expect(try Self.cachedDocument(home, key: "my-sso") == before)
    }

    @Test func noRefreshForALegacyProfileOrAnExpiredRegistration() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", Self.sessionConfig + """
            [profile legacy]
            sso_start_url = https://my-org.awsapps.com/start
            sso_region = eu-west-1
            sso_account_id = 123456789012
            sso_role_name = Admin+Ops@x

            """)
        try Self.cacheToken(home, key: "https://my-org.awsapps.com/start", expiresAt: Self.expiringSoon)
        try Self.cacheToken(home, key: "my-sso", expiresAt: Self.expiringSoon, registrationExpiresAt: "2026-11-24T19:00:00Z")
        for profile in ["legacy", "admin"] {
            let portal = FakeSSOPortal(token: "sso-access-token", refresh: Self.refreshed)
            let context = makeContext(home: home, profileFlag: profile, fetchHTTP: portal.fetch)
            #expect(try await CredentialChain(context: context).credentials() == Self.roleCredentials)
            #expect(portal.requests.map(\.method) == ["GET"], "\(profile): no CreateToken")
        }
    }

    @Test func tokenWithMoreThanTheWindowLeftIsNotRefreshed() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", Self.sessionConfig)
        try Self.cacheToken(home, key: "my-sso", expiresAt: "2026-11-24T20:16:00Z")
        let portal = FakeSSOPortal(token: "sso-access-token", refresh: Self.refreshed)
        _ = try await CredentialChain(context: makeContext(home: home, profileFlag: "admin", fetchHTTP: portal.fetch)).credentials()
        #expect(portal.requests.map(\.method) == ["GET"])
    }

    // MARK: - Settings

    @Test func ssoSessionProfileTradesTheCachedTokenForTheRolesCredentials() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", Self.sessionConfig)
        try Self.cacheToken(home, key: "my-sso")
        let portal = FakeSSOPortal(token: "sso-access-token")
        let context = makeContext(home: home, profileFlag: "admin", fetchHTTP: portal.fetch)
        #expect(try await CredentialChain(context: context).credentials() == Self.roleCredentials)
        let request = try #require(portal.requests.first)
        #expect(portal.requests.count == 1)
        #expect(request.url.absoluteString == "https://portal.sso.eu-west-1.amazonaws.com/federation/credentials?account_id=123456789012&role_name=Admin%2BOps%40x")
        #expect(request.timeout > 1, "the portal is across the internet, not link-local")
    }

    @Test func legacyProfileFindsItsTokenUnderTheStartURLInTheCLIv1DateFormat() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", """
            [default]
            sso_start_url = https://my-org.awsapps.com/start
            sso_region = us-east-2
            sso_account_id = 123456789012
            sso_role_name = ReadOnly

            """)
        try Self.cacheToken(home, key: "https://my-org.awsapps.com/start", expiresAt: "2026-11-24T21:00:00UTC")
        let portal = FakeSSOPortal(token: "sso-access-token")
        let credentials = try await CredentialChain(context: makeContext(home: home, fetchHTTP: portal.fetch)).credentials()
        #expect(credentials == Self.roleCredentials)
        #expect(portal.requests.first?.url.host == "portal.sso.us-east-2.amazonaws.com")
    }

    @Test func expiredSignInSaysToSignInAgainWithoutCallingThePortal() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", Self.sessionConfig)
        // With its client registration expired too, there is nothing to refresh with.
        try Self.cacheToken(home, key: "my-sso", expiresAt: Self.expired, registrationExpiresAt: Self.expired)
        let context = makeContext(home: home, profileFlag: "admin", fetchHTTP: unreachableMetadata)
        let error = await #expect(throws: RPLinkError.self) { _ = try await CredentialChain(context: context).credentials() }
        #expect(error?.message.contains("expired at \(Self.expired)") == true)
        #expect(error?.message.contains("aws sso login --profile admin") == true)
    }

    @Test func missingSignInNamesTheSessionAndTheCacheFile() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", Self.sessionConfig)
        let context = makeContext(home: home, profileFlag: "admin", fetchHTTP: unreachableMetadata)
        let error = await #expect(throws: RPLinkError.self) { _ = try await CredentialChain(context: context).credentials() }
        #expect(error?.message.contains("no sign-in for sso-session my-sso") == true)
        #expect(error?.message.contains(".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json") == true)
    }

    @Test func refusedTokenSaysToSignInAgainAndNeverShowsTheToken() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", Self.sessionConfig)
        try Self.cacheToken(home, key: "my-sso", accessToken: "revoked-token-value")
        let portal = FakeSSOPortal(token: "another-token")
        let context = makeContext(home: home, profileFlag: "admin", fetchHTTP: portal.fetch)
        let error = await #expect(throws: RPLinkError.self) { _ = try await CredentialChain(context: context).credentials() }
        #expect(error?.message.contains("HTTP 401") == true)
        #expect(error?.message.contains("aws sso login --profile admin") == true)
        #expect(error.map { "\($0)" }?.contains("revoked-token-value") == false)
    }

    @Test(arguments: [
        ("[profile admin]\nsso_session = nowhere\nsso_account_id = 1\nsso_role_name = r\n", "no [sso-session nowhere] section"),
        ("[profile admin]\nsso_account_id = 1\nsso_role_name = r\nsso_region = us-east-1\n", "profile admin uses IAM Identity Center but sets no sso_start_url"),
        ("[profile admin]\nsso_session = s\nsso_region = us-east-2\nsso_account_id = 1\nsso_role_name = r\n[sso-session s]\nsso_start_url = u\nsso_region = us-east-1\n",
         "profile admin sets sso_region = us-east-2 but its [sso-session s] sets us-east-1; keep one"),
        ("[profile admin]\nsso_session = my-sso\nsso_role_name = r\n[sso-session my-sso]\nsso_start_url = u\nsso_region = r\n", "profile admin uses IAM Identity Center but sets no sso_account_id"),
        ("[profile admin]\nsso_session = my-sso\nsso_account_id = 1\nsso_role_name = r\n[sso-session my-sso]\nsso_start_url = u\n", "[sso-session my-sso] uses IAM Identity Center but sets no sso_region"),
    ])
    func incompleteSettingsNameWhatIsMissing(config: String, message: String) async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", config)
        let error = await #expect(throws: RPLinkError.self) {
            _ = try await CredentialChain(context: makeContext(home: home, profileFlag: "admin")).credentials()
        }
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func ssoComesBeforeStaticKeysInTheSameProfileAsInBotocore() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", Self.sessionConfig)
        try home.write(".aws/credentials", "[admin]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = s\n")
        try Self.cacheToken(home, key: "my-sso")
        let portal = FakeSSOPortal(token: "sso-access-token")
        let credentials = try await CredentialChain(context: makeContext(home: home, profileFlag: "admin", fetchHTTP: portal.fetch)).credentials()
        #expect(credentials == Self.roleCredentials)
    }

    @Test func aSessionProfileWithoutAnAccountOrRoleUsesItsOtherCredentials() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", "[profile login]\nsso_session = my-sso\naws_access_key_id = AKIAKEYS\naws_secret_access_key = s\n[sso-session my-sso]\nsso_start_url = u\nsso_region = us-east-1\n")
        let credentials = try await CredentialChain(context: makeContext(home: home, profileFlag: "login")).credentials()
        #expect(credentials.accessKeyId == "AKIAKEYS")
    }

    @Test(arguments: ["[sso-session \"my sso\"]", "[sso-session\tmy sso]", "[sso-session 'my sso']"])
    func ssoSessionHeadersAreSplitLikeBotocore(header: String) async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", "\(header)\nsso_start_url = u\nsso_region = us-east-1\n[sso-sessionx]\nsso_region = eu-west-1\n")
        let config = try SharedConfig.load(environment: [:], homeDirectory: home.path)
        #expect(config.ssoSession("my sso") == ["sso_start_url": "u", "sso_region": "us-east-1"])
        #expect(config.ssoSessions.count == 1)
    }

    @Test func oidcEndpointHasItsOwnVariable() throws {
        #expect(try SSOCredentialsProvider.oidc(region: "eu-west-1", environment: [:]).absoluteString == "https://oidc.eu-west-1.amazonaws.com")
        #expect(try SSOCredentialsProvider.oidc(region: "eu-west-1", environment: ["AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:7", "AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:9"]).absoluteString == "http://127.0.0.1:7")
    }

    @Test func portalEndpointFollowsTheSDKVariablesAndChina() throws {
        #expect(try SSOCredentialsProvider.portal(region: "cn-north-1", environment: [:]).absoluteString == "https://portal.sso.cn-north-1.amazonaws.com.cn")
        #expect(try SSOCredentialsProvider.portal(region: "us-east-1", environment: ["AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:9"]).absoluteString == "http://127.0.0.1:9")
        #expect(try SSOCredentialsProvider.portal(region: "us-east-1", environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:8"]).absoluteString == "http://127.0.0.1:8")
        #expect(try SSOCredentialsProvider.portal(region: "us-east-1", environment: [
            "AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:9", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
        ]).absoluteString == "https://portal.sso.us-east-1.amazonaws.com")
        #expect(throws: RPLinkError.self) { _ = try SSOCredentialsProvider.portal(region: "us-east-1", environment: ["AWS_ENDPOINT_URL_SSO": "http://sso.example.com"]) }
    }

    @Test func assumeRoleMaySignWithAnSSOSourceProfile() async throws {
        let home = try TemporaryHome()
        defer { home.cleanUp() }
        try home.write(".aws/config", Self.sessionConfig + "[profile deploy]\nrole_arn = arn:aws:iam::210987654321:role/deploy\nsource_profile = admin\n")
        try Self.cacheToken(home, key: "my-sso")
        let portal = FakeSSOPortal(token: "sso-access-token")
        let sts = STSFactory()
        let credentials = try await CredentialChain(context: makeContext(home: home, profileFlag: "deploy", sts: sts, fetchHTTP: portal.fetch)).credentials()
        #expect(credentials.accessKeyId == "ASIAASSUMED")
        #expect(try await sts.clients.first?.signingProvider?.credentials() == Self.roleCredentials)
    }
}
