import Foundation

/// Locates spec fixtures and examples from this file's path (no SwiftPM resources).
enum SpecFixtures {
    static let specsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/specs")

    static let invalidFolder = specsFolder.appendingPathComponent("invalid")

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    static let example = repositoryRoot.appendingPathComponent("Examples/planetscale-import.yaml")

    /// The names (without extension) of every invalid fixture.
    static var invalidNames: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: invalidFolder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func text(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }

    static func validBase() throws -> String {
        try text(specsFolder.appendingPathComponent("valid/base.yaml"))
    }
}
