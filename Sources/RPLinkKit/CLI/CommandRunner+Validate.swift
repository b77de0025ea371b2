extension CommandRunner {
    /// `rplink validate`: offline checks only, so it needs no credentials and no network.
    func validate(_ options: ValidateCommandOptions, options global: GlobalOptions) throws(RPLinkError) -> ExitCode {
        let result = try loadSpecs(options.specPaths)
        for diagnostic in result.diagnostics {
            console.writeError("\(diagnostic)\n")
        }
        if result.hasErrors { return .failure }
        guard !result.specs.isEmpty else {
            throw RPLinkError(.invalidSpec, "no spec found in \(options.specPaths.joined(separator: ", "))")
        }
        // The same refusal plan would give: the spec's region is the one reviewed.
        let regions = RegionResolver(flag: global.region, environment: [:], profileRegion: nil)
        for spec in result.specs {
            _ = try regions.resolve(specRegion: spec.region, specFile: spec.file)
        }
        console.writeOutput(Self.validSummary(result.specs) + "\n")
        return .success
    }

    /// `Valid: 2 specs (a, b)`.
    static func validSummary(_ specs: [Spec]) -> String {
        let noun = specs.count == 1 ? "spec" : "specs"
        return "Valid: \(specs.count) \(noun) (\(specs.map(\.name).joined(separator: ", ")))"
    }
}
