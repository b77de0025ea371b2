import Foundation

/// A role's credentials from AWS IAM Identity Center (SSO), signed in with `aws sso login`:
/// the sign-in's access token from the AWS CLI's cache, traded for the role's credentials with
/// the portal's GetRoleCredentials.
///
/// As in botocore, an `sso_session` sign-in whose access token (valid about an hour) has less
/// than 15 minutes left is refreshed with the cached refresh token (SSO OIDC CreateToken) and
/// written back to the cache, so a sign-in lasts its whole session; the legacy form cannot be
/// refreshed. Once neither works, the error says to sign in again.
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
    /// GetRoleCredentials' host, `portal.sso.<region>`.
    public var portal: URL
    /// CreateToken's host, `oidc.<region>`.
    public var oidc: URL
    public var fetch: CredentialsEndpoint.Fetch
    public var now: @Sendable () -> Double

    /// botocore's window: a token with less time left than this is refreshed.
    static let refreshWindow: Double = 15 * 60

    public init(settings: Settings, cacheDirectory: String, portal: URL, oidc: URL,
                fetch: @escaping CredentialsEndpoint.Fetch, now: @escaping @Sendable () -> Double) {
        self.settings = settings
        self.cacheDirectory = cacheDirectory
        self.portal = portal
        self.oidc = oidc
        self.fetch = fetch
        self.now = now
    }

    /// The endpoint of IAM Identity Center's `service` (`portal.sso`, `oidc`):
    /// `AWS_ENDPOINT_URL_<variable>`, then `AWS_ENDPOINT_URL`, as the SDKs read them, else the
    /// service in the session's region.
    static func endpoint(_ service: String, variable: String, region: String, environment: [String: String]) throws -> URL {
        if environment.nonEmpty("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.lowercased() != "true" {
            for variable in ["AWS_ENDPOINT_URL_\(variable)", "AWS_ENDPOINT_URL"] {
                if let value = environment.nonEmpty(variable) {
                    return try EndpointResolver.validated(value, source: variable)
                }
            }
        }
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return try EndpointResolver.validated("https://\(service).\(region).\(domain)", source: "sso_region \(region)")
    }

    static func portal(region: String, environment: [String: String]) throws -> URL {
        try endpoint("portal.sso", variable: "SSO", region: region, environment: environment)
    }

    static func oidc(region: String, environment: [String: String]) throws -> URL {
        try endpoint("oidc", variable: "SSO_OIDC", region: region, environment: environment)
    }

    /// The AWS CLI's name for the cached token: the SHA-1 of the session name (or start URL).
    var tokenFile: String {
        let key = settings.sessionName ?? settings.startURL
        return URL(fileURLWithPath: cacheDirectory).appendingPathComponent(SHA1.hash(Array(key.utf8)).hexEncoded + ".json").path
    }

    private var signInAgain: String { "run `aws sso login --profile \(settings.profileName)`" }

    public func credentials() async throws -> AWSCredentials {
        let token = try await accessToken()
        let query = "account_id=\(PercentEncoding.encode(settings.accountId))&role_name=\(PercentEncoding.encode(settings.roleName))"
        guard let url = CredentialsEndpoint.url(portal, "/federation/credentials?" + query) else {
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

    /// The access token `aws sso login` cached, refreshed first when it is about to expire.
    func accessToken() async throws -> String {
        let path = tokenFile
        guard let data = FileManager.default.contents(atPath: path) else {
            let login = settings.sessionName.map { "sso-session \($0)" } ?? settings.startURL
            throw RPLinkError(.credentials, "profile \(settings.profileName) uses IAM Identity Center, but there is no sign-in for \(login) (\(path) is missing); \(signInAgain)")
        }
        guard let cache = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let accessToken = cache["accessToken"] as? String, !accessToken.isEmpty,
              let expiresAt = cache["expiresAt"] as? String else {
            throw RPLinkError(.credentials, "the IAM Identity Center token cache \(path) is unreadable; \(signInAgain)")
        }
        guard let expiry = Self.time(expiresAt) else {
            throw RPLinkError(.credentials, "the IAM Identity Center token cache \(path) has an unreadable expiresAt; \(signInAgain)")
        }
        var refreshFailure = ""
        if settings.sessionName != nil && expiry - now() < Self.refreshWindow {
            do {
                if let refreshed = try await refresh(cache, path: path) { return refreshed }
            } catch {
                // A refresh that fails leaves the sign-in to stand or fall on its own expiry.
                refreshFailure = " and refreshing it failed (\((error as? RPLinkError)?.message ?? error.localizedDescription))"
            }
        }
        guard expiry > now() else {
            throw RPLinkError(.credentials, "the IAM Identity Center sign-in of profile \(settings.profileName) expired at \(expiresAt)\(refreshFailure); \(signInAgain)")
        }
        return accessToken
    }

    /// botocore's refresh: SSO OIDC CreateToken with the cached client registration and refresh
    /// token, the answer written back to the cache (the AWS CLI then sees it too). nil when the
    /// cache holds no usable registration; throws when OIDC refuses.
    private func refresh(_ cache: [String: Any], path: String) async throws -> String? {
        guard let clientId = cache["clientId"] as? String, let clientSecret = cache["clientSecret"] as? String,
              let refreshToken = cache["refreshToken"] as? String,
              let registrationExpiry = (cache["registrationExpiresAt"] as? String).flatMap(Self.time), registrationExpiry > now() else {
            return nil
        }
        let body = try JSONSerialization.data(withJSONObject: [
            "clientId": clientId, "clientSecret": clientSecret, "grantType": "refresh_token", "refreshToken": refreshToken,
        ], options: [.sortedKeys])
        guard let url = CredentialsEndpoint.url(oidc, "/token") else { return nil }
        let response: CredentialsEndpoint.Response
        do {
            response = try await fetch(CredentialsEndpoint.Request(
                method: "POST", url: url, headers: ["Content-Type": "application/json"], timeout: 30, body: body))
        } catch {
            throw RPLinkError(.credentials, "cannot reach \(oidc.absoluteString): \(error.localizedDescription)")
        }
        guard (200..<300).contains(response.status) else {
            throw RPLinkError(.credentials, "\(oidc.absoluteString) answered HTTP \(response.status)")
        }
        guard let answer = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any],
              let accessToken = answer["accessToken"] as? String, !accessToken.isEmpty,
              let expiresIn = (answer["expiresIn"] as? NSNumber)?.doubleValue else {
            throw RPLinkError(.credentials, "\(oidc.absoluteString) returned an unreadable token")
        }
        var updated = cache
        updated["accessToken"] = accessToken
        updated["expiresAt"] = Self.timestamp(now() + expiresIn)
        // Keep the old refresh token when none comes back, so nothing is lost.
        if let rotated = answer["refreshToken"] as? String { updated["refreshToken"] = rotated }
        // The new token is good for this run even if the cache cannot be rewritten.
        try? Self.writePrivately(JSONSerialization.data(withJSONObject: updated, options: [.sortedKeys]), to: path)
        return accessToken
    }

    /// Writes `data` to `path` through a temporary file created 0600 and renamed over it, so
    /// the cache is never half-written nor readable by others.
    static func writePrivately(_ data: Data, to path: String) throws {
        // A random name: a file left by a process killed here never blocks a later one.
        let temporary = path + ".rplink-\(UUID().uuidString).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw RPLinkError(.io, "cannot write \(temporary): \(RPLinkError.systemReason(errno))") }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw RPLinkError(.io, "cannot replace \(path)")
        }
    }

    /// The token cache's times: ISO 8601, or `...UTC` as botocore and the AWS CLI v1 write them.
    static func time(_ text: String) -> Double? {
        ISO8601Timestamp.parse(text.hasSuffix("UTC") ? String(text.dropLast(3)) + "Z" : text)
    }

    static func timestamp(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: seconds.rounded(.down)))
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
