import Foundation

/// What every test starts from: the suite's emulator, boto3 on it, a fresh producer VPC and
/// a scratch folder for specs.
struct PlanSetup: Sendable {
    var emulator: Emulator
    var boto: Boto
    var fixture: ProducerFixture
    var folder: URL

    static func make(suite: SharedEmulator, folderPrefix: String = "plan-specs") async throws -> PlanSetup {
        let emulator = try await suite.emulator()
        let boto = Boto(emulator)
        return PlanSetup(
            emulator: emulator, boto: boto, fixture: try await ProducerFixture.create(with: boto),
            folder: try TemporaryDirectory.make(prefix: folderPrefix))
    }

    /// Writes a spec for each name into the folder and applies them all with one `rplink apply`
    /// straight to the emulator; returns the spec files, in the names' order.
    func applyStacks(_ names: [String], with rplink: RPLinkBinary) async throws -> [URL] {
        var specs: [URL] = []
        for name in names {
            specs.append(try fixture.writeSpec(name: name, in: folder))
        }
        let applied = try await rplink.run(["apply", "--auto-approve", folder.path], emulator: emulator, timeout: .seconds(240))
        guard applied.exitCode == 0 else {
            throw EmulatorError(description: "rplink apply of \(names.count) stacks failed:\n\(applied)")
        }
        return specs
    }

    /// The scratch folder goes with the test; the emulator's objects go with the emulator.
    func removeFolder() {
        try? FileManager.default.removeItem(at: folder)
    }
}
