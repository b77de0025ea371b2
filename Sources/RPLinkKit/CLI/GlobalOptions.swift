/// The options every command takes (DESIGN.md section 4, "global").
public struct GlobalOptions: Sendable, Equatable {
    public static let defaultParallelism = 10

    public var region: String?
    public var profile: String?
    public var endpointURL: String?
    /// How many independent AWS actions apply runs at once; always positive.
    public var parallelism: Int
    /// Log each AWS call to stderr.
    public var debug: Bool
    /// `--no-color` was given; `NO_COLOR` in the environment is weighed by `ColorPolicy`.
    public var noColor: Bool

    public init(
        region: String? = nil, profile: String? = nil, endpointURL: String? = nil,
        parallelism: Int = GlobalOptions.defaultParallelism, debug: Bool = false, noColor: Bool = false
    ) {
        self.region = region
        self.profile = profile
        self.endpointURL = endpointURL
        self.parallelism = parallelism
        self.debug = debug
        self.noColor = noColor
    }
}
