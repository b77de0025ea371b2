/// Chooses the region a stack is planned in.
///
/// The spec's region wins, because the spec is what was reviewed; a `--region` that says
/// otherwise is a mistake worth stopping for. Without a spec region: `--region`,
/// `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
public struct RegionResolver: Sendable, Equatable {
    public var flag: String?
    public var environment: [String: String]
    /// The `region` of the profile in effect (`SharedConfig.region(profile:)`).
    public var profileRegion: String?

    public init(flag: String?, environment: [String: String], profileRegion: String?) {
        self.flag = flag
        self.environment = environment
        self.profileRegion = profileRegion
    }

    /// Takes the profile's region from the shared config files of the profile in effect.
    public init(flag: String?, context: CredentialsContext) throws {
        let config = try SharedConfig.load(environment: context.environment, homeDirectory: context.homeDirectory)
        self.init(flag: flag, environment: context.environment, profileRegion: config.region(profile: context.profileName))
    }

    /// - Parameters:
    ///   - specRegion: the spec's `region`, when there is a spec.
    ///   - specFile: the spec's path, named in the conflict error.
    public func resolve(specRegion: String?, specFile: String? = nil) throws(RPLinkError) -> String {
        let flag = flag.map(\.trimmingWhitespace).flatMap { $0.isEmpty ? nil : $0 }
        if let specRegion = specRegion.map(\.trimmingWhitespace), !specRegion.isEmpty {
            if let flag, flag != specRegion {
                throw RPLinkError(.usage, "--region \(flag) conflicts with region \(specRegion) in spec \(specFile ?? "(unnamed)"); drop --region or change the spec")
            }
            return specRegion
        }
        if let flag { return flag }
        if let region = environment.nonEmpty("AWS_REGION") { return region }
        if let region = environment.nonEmpty("AWS_DEFAULT_REGION") { return region }
        if let profileRegion = profileRegion?.trimmingWhitespace, !profileRegion.isEmpty { return profileRegion }
        throw RPLinkError(.configuration, "no region: set region in the spec, pass --region, set AWS_REGION, or set region in the profile (aws configure)")
    }
}
