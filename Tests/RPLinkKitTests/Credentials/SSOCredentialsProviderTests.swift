import Foundation
import Testing
@testable import RPLinkKit

/// Answers like the IAM Identity Center portal's GetRoleCredentials: the role's credentials
/// for the expected bearer token, 401 otherwise.
final class FakeSSOPortal: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [CredentialsEndpoint.Request] = []
    let token: String

    init(token: String) { self.token = token }

    var requests: [CredentialsEndpoint.Request] { lock.withLock { recorded } }

    var fetch: CredentialsEndpoint.Fetch {
        { request in
            self.lock.withLock { self.recorded.append(request) }
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
    /// 1_795_550_000 is makeContext's clock: an hour before STSResponses.expiration.
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

    /// Writes a token where the AWS CLI caches it: file names from Python's hashlib.sha1.
    static func cacheToken(_ home: TemporaryHome, key: String, accessToken: String = "sso-access-token", expiresAt: String = valid) throws {
        let names = ["my-sso": "0ad374308c5a4e22f723adf10145eafad7c4031c",
                     "https://my-org.awsapps.com/start": "acff06c7037450e5a3fddcacb0a34e921da42d68"]
        let name = try #require(names[key])
        try home.write(".aws/sso/cache/\(name).json", """
            {"startUrl": "https://my-org.awsapps.com/start", "region": "eu-west-1", "accessToken": "\(accessToken)",
             "expiresAt": "\(expiresAt)", "clientId": "c", "clientSecret": "s", "refreshToken": "r"}
            """)
    }

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
        try Self.cacheToken(home, key: "my-sso", expiresAt: Self.expired)
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
