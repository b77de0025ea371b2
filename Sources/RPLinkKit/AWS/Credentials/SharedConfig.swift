import Foundation

/// The profiles of `~/.aws/credentials` and `~/.aws/config`, merged as the SDKs do.
public struct SharedConfig: Sendable, Equatable {
    /// Profiles from the credentials file, where sections are `[name]`.
    var credentialsFile: [String: [String: String]]
    /// Profiles from the config file, where sections are `[profile name]` and `[default]`.
    var configFile: [String: [String: String]]
    /// `[sso-session name]` sections of the config file: IAM Identity Center start URL and region.
    var ssoSessions: [String: [String: String]]
    /// Where the two files were looked for, for error messages.
    public var credentialsPath: String
    public var configPath: String

    init(credentialsFile: [String: [String: String]], configFile: [String: [String: String]], ssoSessions: [String: [String: String]] = [:],
         credentialsPath: String, configPath: String) {
        self.credentialsFile = credentialsFile
        self.configFile = configFile
        self.ssoSessions = ssoSessions
        self.credentialsPath = credentialsPath
        self.configPath = configPath
    }

    /// Reads both files; a missing file is the same as an empty one, an unreadable or malformed one is an error.
    public static func load(environment: [String: String], homeDirectory: String) throws -> SharedConfig {
        let credentialsPath = path(environment["AWS_SHARED_CREDENTIALS_FILE"], default: ".aws/credentials", home: homeDirectory)
        let configPath = path(environment["AWS_CONFIG_FILE"], default: ".aws/config", home: homeDirectory)
        let credentials = try read(credentialsPath)
        let config = try read(configPath)
        var configProfiles: [String: [String: String]] = [:]
        var ssoSessions: [String: [String: String]] = [:]
        // `[profile default]` and `[default]` both name the default profile; `[profile x]` wins when both exist.
        for (section, values) in config.sections.sorted(by: { $0.key < $1.key }) {
            if section.hasPrefix("profile ") || section.hasPrefix("profile\t") {
                let name = String(section.dropFirst("profile".count)).trimmingWhitespace
                configProfiles[name, default: [:]].merge(values) { _, new in new }
            } else if section == "default", configProfiles["default"] == nil {
                configProfiles["default"] = values
            } else if section.hasPrefix("sso-session"), let separator = section.dropFirst("sso-session".count).first, separator.isWhitespace {
                // botocore splits the header like a shell word list: `[sso-session "my sso"]` is `my sso`.
                var name = String(section.dropFirst("sso-session".count)).trimmingWhitespace
                if name.count >= 2, let quote = name.first, quote == "\"" || quote == "'", name.last == quote {
                    name = String(name.dropFirst().dropLast())
                }
                ssoSessions[name] = values
            }
            // Other sections (`services x`) hold no credentials.
        }
        return SharedConfig(
            credentialsFile: credentials.sections,
            configFile: configProfiles,
            ssoSessions: ssoSessions,
            credentialsPath: credentialsPath,
            configPath: configPath
        )
    }

    /// The settings of one profile; a key in the credentials file wins over the same key in the config file.
    public func profile(_ name: String) -> [String: String]? {
        let fromConfig = configFile[name]
        let fromCredentials = credentialsFile[name]
        if fromConfig == nil && fromCredentials == nil { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentialsValue in credentialsValue }
    }

    /// The settings of an `[sso-session name]` section.
    public func ssoSession(_ name: String) -> [String: String]? {
        ssoSessions[name]
    }

    /// The `region` of a profile, for `RegionResolver`.
    public func region(profile name: String) -> String? {
        profile(name)?["region"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public var profileNames: [String] {
        Set(credentialsFile.keys).union(configFile.keys).sorted()
    }

    private static func path(_ override: String?, default relative: String, home: String) -> String {
        if let override, !override.isEmpty { return expandingTilde(override, home: home) }
        return URL(fileURLWithPath: home).appendingPathComponent(relative).path
    }

    static func expandingTilde(_ path: String, home: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return home + path.dropFirst()
    }

    private static func read(_ path: String) throws -> INIFile {
        guard FileManager.default.fileExists(atPath: path) else { return INIFile() }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RPLinkError(.io, "cannot read \(path): \(error.localizedDescription)")
        }
        return try INIFile(parsing: text, path: path)
    }
}
