import Foundation

/// Fresh folders under the system's temporary directory.
enum TemporaryDirectory {
    static func make(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("rplink-\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Paths inside this repository and beside it.
enum RepositoryPaths {
    /// The repository root: this file is Tests/IntegrationTests/Support/TemporaryDirectory.swift.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let examples = root.appendingPathComponent("Examples", isDirectory: true)
}
