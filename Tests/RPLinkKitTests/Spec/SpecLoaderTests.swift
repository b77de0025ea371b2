import Foundation
import Testing
@testable import RPLinkKit

@Suite struct SpecLoaderTests {
    /// A fresh folder under the temporary directory, removed by the caller.
    private func makeFolder(_ files: [String: String]) throws -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("rplink-spec-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        }
        return folder.path
    }

    private func spec(named name: String) throws -> String {
        try SpecFixtures.validBase().replacingOccurrences(of: "name: planetscale-import", with: "name: \(name)")
            .replacingOccurrences(of: "name: pl-nlb-target-group", with: "name: \(name)-tg")
            .replacingOccurrences(of: "name: pl-nlb\n", with: "name: \(name)-nlb\n")
    }

    @Test func folderLoadsItsYAMLFilesInNameOrder() throws {
        let folder = try makeFolder([
            "b.yml": try spec(named: "beta"), "a.yaml": try spec(named: "alpha"),
            "notes.txt": "not a spec", "c.yaml.bak": "ignored",
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try SpecLoader.load(paths: [folder + "/"])
        #expect(result.diagnostics == [])
        #expect(!result.hasErrors)
        #expect(result.specs.map(\.name) == ["alpha", "beta"])
        #expect(result.specs.map(\.file) == ["\(folder)/a.yaml", "\(folder)/b.yml"])
    }

    @Test func exampleLoadsWithoutDiagnostics() throws {
        let result = try SpecLoader.load(paths: [SpecFixtures.example.path])
        #expect(result.diagnostics == [])
        #expect(result.specs.map(\.name) == ["planetscale-import"])
    }

    @Test func duplicateStackNameIsReportedAtTheSecondNameNode() throws {
        let folder = try makeFolder(["a.yaml": try spec(named: "orders"), "b.yaml": try spec(named: "orders")])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try SpecLoader.load(paths: [folder])
        #expect(result.specs.map(\.file) == ["\(folder)/a.yaml"])
        #expect(result.diagnostics.map(\.description) == [
            "\(folder)/b.yaml:2:7: error: stack name 'orders' is already used by \(folder)/a.yaml",
        ])
        #expect(result.hasErrors)
    }

    @Test func problemsInSeveralFilesAreAllReported() throws {
        let folder = try makeFolder([
            "a.yaml": try spec(named: "ok"),
            "b.yaml": try spec(named: "Bad"),
            "c.yaml": "version: 1\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try SpecLoader.load(paths: [folder])
        #expect(result.specs.map(\.name) == ["ok"])
        #expect(result.diagnostics.map(\.file) == ["\(folder)/b.yaml", "\(folder)/c.yaml", "\(folder)/c.yaml", "\(folder)/c.yaml", "\(folder)/c.yaml", "\(folder)/c.yaml"])
    }

    @Test func missingPathThrows() {
        #expect {
            try SpecLoader.load(paths: ["/nonexistent/rplink.yaml"])
        } throws: { error in
            guard let error = error as? RPLinkError else { return false }
            return error.code == .io && error.message == "cannot read '/nonexistent/rplink.yaml': no such file or directory"
        }
    }

    @Test func folderWithoutSpecsThrows() throws {
        let folder = try makeFolder(["README.md": "# hello"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect {
            try SpecLoader.load(paths: [folder])
        } throws: { error in
            (error as? RPLinkError)?.code == .io
                && (error as? RPLinkError)?.message == "cannot read '\(folder)': the folder holds no spec files (*.yaml, *.yml)"
        }
    }

    @Test func invalidUTF8IsReportedWithItsPosition() throws {
        let folder = try makeFolder([:])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = "\(folder)/latin1.yaml"
        try Data("version: 1\nname: caf".utf8 + [0xE9] + Data("\n".utf8)).write(to: URL(fileURLWithPath: file))
        let result = try SpecLoader.load(paths: [file])
        #expect(result.specs.isEmpty)
        #expect(result.diagnostics.map(\.description) == ["\(file):2:10: error: the file is not valid UTF-8 text"])
    }

    @Test func aFileNamedTwiceIsLoadedOnce() throws {
        let folder = try makeFolder(["a.yaml": try spec(named: "orders")])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try SpecLoader.load(paths: ["\(folder)/a.yaml", folder, "\(folder)/./a.yaml"])
        #expect(result.diagnostics == [])
        #expect(result.specs.map(\.file) == ["\(folder)/a.yaml"])
    }

    @Test func aClashingStackNameIsReportedEvenWhenTheFileHasOtherErrors() throws {
        let broken = try spec(named: "orders").replacingOccurrences(of: "region: us-east-1", with: "region: nowhere")
        let folder = try makeFolder(["a.yaml": try spec(named: "orders"), "b.yaml": broken])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try SpecLoader.load(paths: [folder])
        #expect(result.diagnostics.map(\.description) == [
            "\(folder)/b.yaml:2:7: error: stack name 'orders' is already used by \(folder)/a.yaml",
            "\(folder)/b.yaml:3:9: error: invalid region 'nowhere': expected a region code such as us-east-1 or eu-central-1",
        ])
    }

    @Test func hiddenFilesAndFoldersInAFolderAreNotSpecs() throws {
        let folder = try makeFolder(["a.yaml": try spec(named: "orders"), ".#a.yaml": "lock", ".draft.yaml": "draft"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: "\(folder)/old.yaml", withIntermediateDirectories: false)
        let result = try SpecLoader.load(paths: [folder])
        #expect(result.diagnostics == [])
        #expect(result.specs.map(\.file) == ["\(folder)/a.yaml"])
    }

    @Test func aSpecIsReadFromAPipe() throws {
        let folder = try makeFolder([:])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = "\(folder)/spec.yaml"
        #expect(mkfifo(fifo, 0o600) == 0)
        let text = try spec(named: "piped")
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: fifo) {
                handle.write(Data(text.utf8))
                try? handle.close()
            }
        }
        writer.start()
        let result = try SpecLoader.load(paths: [fifo])
        #expect(result.diagnostics == [])
        #expect(result.specs.map(\.name) == ["piped"])
    }

    @Test func anUnreadableFileSaysWhyInPlainWords() throws {
        let folder = try makeFolder([:])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let link = "\(folder)/dangling.yaml"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "\(folder)/gone.yaml")
        #expect {
            try SpecLoader.load(paths: [link])
        } throws: { error in
            (error as? RPLinkError)?.message == "cannot read '\(link)': no such file or directory"
        }
    }

    @Test func anEndlessFileIsRefusedInsteadOfFillingMemory() {
        #expect {
            try SpecLoader.load(paths: ["/dev/zero"])
        } throws: { error in
            (error as? RPLinkError)?.message == "cannot read '/dev/zero': it is larger than 8 MiB, far more than any spec"
        }
    }
}
