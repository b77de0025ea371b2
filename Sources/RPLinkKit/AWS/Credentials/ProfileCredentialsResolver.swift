import Foundation

/// Turns a shared-config profile into the provider its settings describe.
///
/// Supported: static keys, `role_arn` with `source_profile` (chains allowed, cycles refused)
/// or `credential_source`, `role_arn` with `web_identity_token_file`, `credential_process`, and
/// IAM Identity Center (`sso_session`, or the legacy `sso_start_url`).
struct ProfileCredentialsResolver {
    var config: SharedConfig
    var context: CredentialsContext

    /// The provider for `name`; nil when the profile exists but holds no credential settings.
    func provider(forProfile name: String) throws -> (any CredentialsProvider)? {
        try provider(forProfile: name, chain: [])
    }

    private func provider(forProfile name: String, chain: [String]) throws -> (any CredentialsProvider)? {
        guard let profile = config.profile(name) else {
            throw RPLinkError(.credentials, "profile \(name) (source_profile of \(chain.last ?? name)) is in neither \(config.credentialsPath) nor \(config.configPath)")
        }
        if let roleArn = profile.nonEmpty("role_arn") {
            return try assumeRoleProvider(profileName: name, profile: profile, roleArn: roleArn, chain: chain)
        }
        // IAM Identity Center before keys and credential_process, in botocore's order.
        if let settings = try ssoSettings(profileName: name, profile: profile) {
            return SSOCredentialsProvider(
                settings: settings,
                cacheDirectory: URL(fileURLWithPath: context.homeDirectory).appendingPathComponent(".aws/sso/cache").path,
                portal: try SSOCredentialsProvider.portal(region: settings.region, environment: context.environment),
                oidc: try SSOCredentialsProvider.oidc(region: settings.region, environment: context.environment),
                fetch: context.fetchHTTP,
                now: context.now
            )
        }
        if let keys = try staticKeys(profileName: name, profile: profile) {
            return StaticCredentialsProvider(keys)
        }
        if let command = profile.nonEmpty("credential_process") {
            return ProcessCredentialsProvider(command: command, profileName: name, environment: context.environment)
        }
        return nil
    }

    /// The IAM Identity Center settings of a profile that uses it (one with `sso_account_id` or
    /// `sso_role_name`, as botocore decides): `sso_session` naming an `[sso-session]` section,
    /// or the legacy `sso_start_url` and `sso_region` in the profile.
    private func ssoSettings(profileName: String, profile: [String: String]) throws -> SSOCredentialsProvider.Settings? {
        guard profile.nonEmpty("sso_account_id") != nil || profile.nonEmpty("sso_role_name") != nil else { return nil }
        let sessionName = profile.nonEmpty("sso_session")
        var source = profile
        if let sessionName {
            guard let session = config.ssoSession(sessionName) else {
                throw RPLinkError(.credentials, "profile \(profileName) names sso_session \(sessionName), but \(config.configPath) has no [sso-session \(sessionName)] section")
            }
            // botocore refuses a profile and its session that disagree, rather than pick one.
            for key in ["sso_start_url", "sso_region"] {
                if let own = profile.nonEmpty(key), let shared = session.nonEmpty(key), own != shared {
                    throw RPLinkError(.credentials, "profile \(profileName) sets \(key) = \(own) but its [sso-session \(sessionName)] sets \(shared); keep one")
                }
            }
            source = session
        }
        let origin = sessionName.map { "[sso-session \($0)]" } ?? "profile \(profileName)"
        func required(_ key: String, in settings: [String: String], of owner: String) throws -> String {
            guard let value = settings.nonEmpty(key) else {
                throw RPLinkError(.credentials, "\(owner) uses IAM Identity Center but sets no \(key)")
            }
            return value
        }
        return SSOCredentialsProvider.Settings(
            profileName: profileName,
            sessionName: sessionName,
            startURL: try required("sso_start_url", in: source, of: origin),
            region: try required("sso_region", in: source, of: origin),
            accountId: try required("sso_account_id", in: profile, of: "profile \(profileName)"),
            roleName: try required("sso_role_name", in: profile, of: "profile \(profileName)")
        )
    }

    private func staticKeys(profileName: String, profile: [String: String]) throws -> AWSCredentials? {
        let accessKeyId = profile.nonEmpty("aws_access_key_id")
        let secretAccessKey = profile.nonEmpty("aws_secret_access_key")
        switch (accessKeyId, secretAccessKey) {
        case (nil, nil):
            return nil
        case let (accessKeyId?, secretAccessKey?):
            return AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: profile.nonEmpty("aws_session_token"))
        default:
            throw RPLinkError(.credentials, "profile \(profileName) sets only one of aws_access_key_id and aws_secret_access_key; set both")
        }
    }

    private func assumeRoleProvider(profileName: String, profile: [String: String], roleArn: String, chain: [String]) throws -> any CredentialsProvider {
        let sessionName = profile.nonEmpty("role_session_name") ?? context.defaultSessionName()
        if let tokenFile = profile.nonEmpty("web_identity_token_file") {
            return WebIdentityCredentialsProvider(
                sts: STS(api: context.makeSTS(nil)),
                tokenFile: SharedConfig.expandingTilde(tokenFile, home: context.homeDirectory),
                roleArn: roleArn,
                sessionName: sessionName
            )
        }
        if profile.nonEmpty("mfa_serial") != nil {
            throw RPLinkError(.credentials, "profile \(profileName) needs an MFA code (mfa_serial), which rplink cannot prompt for; use credential_process with a tool such as aws-vault")
        }
        var durationSeconds: Int?
        if let text = profile.nonEmpty("duration_seconds") {
            guard let value = Int(text), value >= 900 else {
                throw RPLinkError(.credentials, "profile \(profileName): duration_seconds \"\(text)\" is not a number of seconds of at least 900")
            }
            durationSeconds = value
        }
        let source = try sourceProvider(profileName: profileName, profile: profile, chain: chain)
        return AssumeRoleCredentialsProvider(
            sts: STS(api: context.makeSTS(CachingCredentialsProvider(source, now: context.now))),
            roleArn: roleArn,
            sessionName: sessionName,
            externalId: profile.nonEmpty("external_id"),
            durationSeconds: durationSeconds
        )
    }

    /// The credentials AssumeRole is signed with.
    private func sourceProvider(profileName: String, profile: [String: String], chain: [String]) throws -> any CredentialsProvider {
        let sourceProfile = profile.nonEmpty("source_profile")
        let credentialSource = profile.nonEmpty("credential_source")
        switch (sourceProfile, credentialSource) {
        case let (source?, nil):
            // A profile may name itself to sign with its own static keys.
            if source == profileName, let keys = try staticKeys(profileName: profileName, profile: profile) {
                return StaticCredentialsProvider(keys)
            }
            let path = chain + [profileName]
            if path.contains(source) {
                throw RPLinkError(.credentials, "source_profile cycle: \((path + [source]).joined(separator: " -> ")); make one profile in the chain hold keys")
            }
            guard let provider = try provider(forProfile: source, chain: path) else {
                throw RPLinkError(.credentials, "profile \(source), the source_profile of \(profileName), holds no credentials")
            }
            return provider
        case let (nil, source?):
            return try credentialSourceProvider(source, profileName: profileName)
        case (nil, nil):
            throw RPLinkError(.credentials, "profile \(profileName) sets role_arn but neither source_profile nor credential_source; add source_profile = <a profile with keys>")
        case (_?, _?):
            throw RPLinkError(.credentials, "profile \(profileName) sets both source_profile and credential_source; keep one")
        }
    }

    private func credentialSourceProvider(_ source: String, profileName: String) throws -> any CredentialsProvider {
        switch source {
        case "Environment":
            guard let provider = try EnvironmentCredentialsProvider(environment: context.environment) else {
                throw RPLinkError(.credentials, "profile \(profileName) has credential_source = Environment but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
            }
            return provider
        case "Ec2InstanceMetadata":
            guard let provider = try InstanceMetadataCredentialsProvider(environment: context.environment, fetch: context.fetchHTTP) else {
                throw RPLinkError(.credentials, "profile \(profileName) has credential_source = Ec2InstanceMetadata but AWS_EC2_METADATA_DISABLED is true")
            }
            return provider
        case "EcsContainer":
            guard let provider = try ContainerCredentialsProvider(environment: context.environment, fetch: context.fetchHTTP) else {
                throw RPLinkError(.credentials, "profile \(profileName) has credential_source = EcsContainer but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set")
            }
            return provider
        default:
            throw RPLinkError(.credentials, "profile \(profileName): credential_source \"\(source)\" is not supported; use Environment, Ec2InstanceMetadata or EcsContainer")
        }
    }
}
