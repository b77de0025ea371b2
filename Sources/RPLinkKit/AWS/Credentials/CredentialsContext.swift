import Foundation

/// Everything the credential providers read from the outside world, injected so tests control it.
public struct CredentialsContext: Sendable {
    public var environment: [String: String]
    public var homeDirectory: String
    /// The `--profile` flag; nil when it was not given.
    public var profileFlag: String?
    /// Builds the STS client used for AssumeRole (signed with the given credentials) and
    /// AssumeRoleWithWebIdentity (nil: unsigned).
    public var makeSTS: @Sendable ((any CredentialsProvider)?) -> any QueryAPI
    /// How IMDS, the container credentials endpoint and the IAM Identity Center portal are
    /// reached; tests pass a fake so nothing goes to a link-local address or AWS.
    public var fetchHTTP: CredentialsEndpoint.Fetch
    /// The clock, in seconds since 1970; used for default session names.
    public var now: @Sendable () -> Double

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String = FileManager.default.homeDirectoryForCurrentUser.path,
        profileFlag: String? = nil,
        makeSTS: @escaping @Sendable ((any CredentialsProvider)?) -> any QueryAPI,
        fetchHTTP: @escaping CredentialsEndpoint.Fetch = CredentialsEndpoint.urlSessionFetch,
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.environment = environment
        self.homeDirectory = homeDirectory
        self.profileFlag = profileFlag
        self.makeSTS = makeSTS
        self.fetchHTTP = fetchHTTP
        self.now = now
    }

    /// An environment variable, with an empty value treated as unset (as the SDKs do).
    func variable(_ name: String) -> String? {
        environment.nonEmpty(name)
    }

    /// `--profile`, then `AWS_PROFILE`; nil when neither names one.
    var namedProfile: String? {
        if let profileFlag, !profileFlag.isEmpty { return profileFlag }
        return variable("AWS_PROFILE")
    }

    /// The profile in effect: the named one, else `default`.
    public var profileName: String { namedProfile ?? "default" }

    func defaultSessionName(_ prefix: String = "rplink") -> String {
        "\(prefix)-\(Int(now()))"
    }
}

extension Dictionary where Key == String, Value == String {
    /// The trimmed value for `key`, or nil when it is absent or blank.
    func nonEmpty(_ key: String) -> String? {
        guard let value = self[key]?.trimmingWhitespace, !value.isEmpty else { return nil }
        return value
    }
}
