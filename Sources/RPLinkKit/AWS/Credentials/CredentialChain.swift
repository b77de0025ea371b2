/// The default credential chain, in the SDKs' order: environment, profile, web identity,
/// container credentials (ECS, CodeBuild, EKS Pod Identity), IMDS.
///
/// The profile is used when one is named (`--profile`, `AWS_PROFILE`) or `default` exists;
/// a named profile that is missing or empty is an error rather than a silent fall-through.
///
/// The source is chosen afresh on each call from the environment and the shared files; wrap the
/// chain in `CachingCredentialsProvider` so that happens only when credentials are near expiry.
public struct CredentialChain: CredentialsProvider {
    public var context: CredentialsContext

    public init(context: CredentialsContext) {
        self.context = context
    }

    /// The chain behind a cache: what the AWS client should sign with.
    public func cached() -> CachingCredentialsProvider {
        CachingCredentialsProvider(self, now: context.now)
    }

    public func credentials() async throws -> AWSCredentials {
        var tried: [String] = []
        if let provider = try resolve(tried: &tried) {
            return try await provider.credentials()
        }
        if let imds = try InstanceMetadataCredentialsProvider(environment: context.environment, fetch: context.fetchHTTP) {
            tried.append("the EC2 instance metadata service at \(imds.endpoint.absoluteString)")
            do {
                return try await imds.credentials()
            } catch {
                throw noCredentials(tried: tried, cause: error)
            }
        }
        tried.append("the EC2 instance metadata service (disabled by AWS_EC2_METADATA_DISABLED)")
        throw noCredentials(tried: tried, cause: nil)
    }

    /// The first source before IMDS that has credentials configured, or nil.
    func resolve(tried: inout [String]) throws -> (any CredentialsProvider)? {
        // A profile the user named must exist, even when the environment keys are what signs
        // (as in the AWS CLI): a typo in AWS_PROFILE would otherwise go unnoticed. The files
        // are read only when a profile is named or the environment has no keys.
        if let named = context.namedProfile, let config = try? loadConfig(), config.profile(named) == nil {
            let source = context.profileFlag?.isEmpty == false ? "--profile" : "AWS_PROFILE"
            throw RPLinkError(.credentials, "profile \(named) (from \(source)) is in neither \(config.credentialsPath) nor \(config.configPath); \(known(config))")
        }
        // An explicit --profile negates the environment keys, as in the AWS CLI; AWS_PROFILE does not.
        if context.profileFlag?.isEmpty ?? true {
            if let provider = try EnvironmentCredentialsProvider(environment: context.environment) {
                return provider
            }
            tried.append("environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }

        let config = try loadConfig()
        let resolver = ProfileCredentialsResolver(config: config, context: context)
        if let named = context.namedProfile {
            // A profile the user asked for must hold credentials; falling through would use someone else's.
            guard let provider = try resolver.provider(forProfile: named) else {
                throw RPLinkError(.credentials, "profile \(named) has no credentials: set aws_access_key_id and aws_secret_access_key, role_arn with source_profile, or credential_process")
            }
            return provider
        }
        if config.profile("default") != nil, let provider = try resolver.provider(forProfile: "default") {
            return provider
        }
        tried.append("profile default in \(config.credentialsPath) and \(config.configPath)")

        if let tokenFile = context.variable("AWS_WEB_IDENTITY_TOKEN_FILE") {
            guard let roleArn = context.variable("AWS_ROLE_ARN") else {
                throw RPLinkError(.credentials, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the role to assume")
            }
            return WebIdentityCredentialsProvider(
                sts: STS(api: context.makeSTS(nil)),
                tokenFile: tokenFile,
                roleArn: roleArn,
                sessionName: context.variable("AWS_ROLE_SESSION_NAME") ?? context.defaultSessionName()
            )
        }
        tried.append("web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)")

        if let container = try ContainerCredentialsProvider(environment: context.environment, fetch: context.fetchHTTP) {
            return container
        }
        tried.append("container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI)")
        return nil
    }

    private func loadConfig() throws -> SharedConfig {
        try SharedConfig.load(environment: context.environment, homeDirectory: context.homeDirectory)
    }

    private func known(_ config: SharedConfig) -> String {
        config.profileNames.isEmpty ? "those files define no profile" : "the profiles there are " + config.profileNames.joined(separator: ", ")
    }

    private func noCredentials(tried: [String], cause: (any Error)?) -> RPLinkError {
        var message = "no AWS credentials found. Tried: " + tried.joined(separator: "; ") + "."
        if let cause { message += " The instance metadata service failed: \(cause)." }
        message += " Fix: set AWS_PROFILE or pass --profile, export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure`."
        return RPLinkError(.credentials, message)
    }
}
