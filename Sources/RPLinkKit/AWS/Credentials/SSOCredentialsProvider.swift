import Foundation

/// A role's credentials from AWS IAM Identity Center (SSO), signed in with `aws sso login`:
/// the login's token from the AWS CLI's cache, traded for the role's credentials with the
/// portal's GetRoleCredentials. rplink never refreshes or writes the token; once it has
/// expired, the error says to sign in again.
public struct SSOCredentialsProvider: CredentialsProvider {
    /// A profile's IAM Identity Center settings: from its `[sso-session name]` section, or
    /// (the legacy form) `sso_start_url` and `sso_region` in the profile itself.
    public struct Settings: Sendable, Equatable {
        public var profileName: String
        /// nil for the legacy form, whose token is cached under the start URL.
        public var sessionName: String?
        public var startURL: String
        public var region: String
        public var accountId: String
        public var roleName: String
    }

    public var settings: Settings
    /// The AWS CLI's token cache, `~/.aws/sso/cache`.
    public var cacheDirectory: String
    public var portal: URL
    public var fetch: CredentialsEndpoint.Fetch
    public var now: @Sendable () -> Double

    public init(settings: Settings, cacheDirectory: String, portal: URL, fetch: @escaping CredentialsEndpoint.Fetch, now: @escaping @Sendable () -> Double) {
        self.settings = settings
        self.cacheDirectory = cacheDirectory
        self.portal = portal
        self.fetch = fetch
        self.now = now
    }

    /// `AWS_ENDPOINT_URL_SSO`, then `AWS_ENDPOINT_URL`, as the SDKs read them, else the portal
    /// of the session's region.
    static func portal(region: String, environment: [String: String]) throws -> URL {
        if environment.nonEmpty("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.lowercased() != "true" {
            for variable in ["AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL"] {
                if let value = environment.nonEmpty(variable) {
                    return try EndpointResolver.validated(value, source: variable)
                }
            }
        }
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return try EndpointResolver.validated("https://portal.sso.\(region).\(domain)", source: "sso_region \(region)")
    }

    /// The AWS CLI's name for the cached token: the SHA-1 of the session name (or start URL).
    var tokenFile: String {
        let key = settings.sessionName ?? settings.startURL
        return URL(fileURLWithPath: cacheDirectory).appendingPathComponent(SHA1.hash(Array(key.utf8)).hexEncoded + ".json").path
    }

    private var signInAgain: String { "run `aws sso login --profile \(settings.profileName)`" }

    public func credentials() async throws -> AWSCredentials {
        let token = try cachedToken()
        var base = portal.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let query = "account_id=\(PercentEncoding.encode(settings.accountId))&role_name=\(PercentEncoding.encode(settings.roleName))"
        guard let url = URL(string: base + "/federation/credentials?" + query) else {
            throw RPLinkError(.configuration, "profile \(settings.profileName): cannot build the IAM Identity Center URL from \(portal.absoluteString)")
        }
        let role = "role \(settings.roleName) in account \(settings.accountId)"
        let response: CredentialsEndpoint.Response
        do {
            response = try await fetch(CredentialsEndpoint.Request(method: "GET", url: url, headers: ["x-amz-sso_bearer_token": token], timeout: 30))
        } catch {
            throw RPLinkError(.credentials, "cannot reach IAM Identity Center at \(portal.absoluteString) for \(role): \(error.localizedDescription)")
        }
        switch response.status {
        case 200..<300:
            return try Self.decodeRoleCredentials(response.body, role: role)
        case 401, 403:
            throw RPLinkError(.credentials, "IAM Identity Center refused the sign-in of profile \(settings.profileName) for \(role) (HTTP \(response.status)); \(signInAgain), and check that the role is assigned to you")
        default:
            throw RPLinkError(.credentials, "IAM Identity Center answered HTTP \(response.status) for \(role) of profile \(settings.profileName)")
        }
    }

    /// The access token `aws sso login` cached, if it has not expired.
    func cachedToken() throws -> String {
        struct Token: Decodable {
            var accessToken: String?
            var expiresAt: String?
        }
        let path = tokenFile
        guard let data = FileManager.default.contents(atPath: path) else {
            let login = settings.sessionName.map { "sso-session \($0)" } ?? settings.startURL
            throw RPLinkError(.credentials, "profile \(settings.profileName) uses IAM Identity Center, but there is no sign-in for \(login) (\(path) is missing); \(signInAgain)")
        }
        guard let token = try? JSONDecoder().decode(Token.self, from: data), let accessToken = token.accessToken, !accessToken.isEmpty,
              let expiresAt = token.expiresAt else {
            throw RPLinkError(.credentials, "the IAM Identity Center token cache \(path) is unreadable; \(signInAgain)")
        }
        // The AWS CLI v1 wrote "2026-11-25T12:00:00UTC".
        let normalized = expiresAt.hasSuffix("UTC") ? String(expiresAt.dropLast(3)) + "Z" : expiresAt
        guard let expiry = ISO8601Timestamp.parse(normalized) else {
            throw RPLinkError(.credentials, "the IAM Identity Center token cache \(path) has an unreadable expiresAt; \(signInAgain)")
        }
        guard expiry > now() else {
            throw RPLinkError(.credentials, "the IAM Identity Center sign-in of profile \(settings.profileName) expired at \(expiresAt); \(signInAgain)")
        }
        return accessToken
    }

    /// `{"roleCredentials": {"accessKeyId", "secretAccessKey", "sessionToken", "expiration" (ms since 1970)}}`.
    static func decodeRoleCredentials(_ body: Data, role: String) throws -> AWSCredentials {
        struct Response: Decodable {
            struct RoleCredentials: Decodable {
                var accessKeyId: String?
                var secretAccessKey: String?
                var sessionToken: String?
                var expiration: Double?
            }
            var roleCredentials: RoleCredentials?
        }
        guard let credentials = (try? JSONDecoder().decode(Response.self, from: body))?.roleCredentials,
              let accessKeyId = credentials.accessKeyId, let secretAccessKey = credentials.secretAccessKey else {
            throw RPLinkError(.credentials, "IAM Identity Center returned unreadable credentials for \(role)")
        }
        return AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey,
                              sessionToken: credentials.sessionToken, expiration: credentials.expiration.map { $0 / 1000 })
    }
}
