import Foundation

/// What every test starts from: the suite's emulator, boto3 on it, a fresh producer VPC and
/// a scratch folder for specs.
struct PlanSetup: Sendable {
    var emulator: Emulator
    var boto: Boto
    var fixture: ProducerFixture
    var folder: URL

    static func make(suite: SharedEmulator) async throws -> PlanSetup {
        let emulator = try await suite.emulator()
        let boto = Boto(emulator)
        return PlanSetup(
            emulator: emulator, boto: boto, fixture: try await ProducerFixture.create(with: boto),
            folder: try TemporaryDirectory.make(prefix: "plan-specs"))
    }

    /// The scratch folder goes with the test; the emulator's objects go with the emulator.
    func removeFolder() {
        try? FileManager.default.removeItem(at: folder)
    }
}
