import Foundation
import Testing
@testable import RPLinkKit

@Suite struct InvalidSpecFixtureTests {
    @Test func thereIsAFixtureForEveryRule() {
        #expect(SpecFixtures.invalidNames.count >= 35)
    }

    @Test(arguments: SpecFixtures.invalidNames)
    func invalidSpecReportsExactlyTheExpectedDiagnostics(name: String) throws {
        let text = try SpecFixtures.text(SpecFixtures.invalidFolder.appendingPathComponent("\(name).yaml"))
        let expected = try SpecFixtures.text(SpecFixtures.invalidFolder.appendingPathComponent("\(name).expected"))
        let result = SpecLoader.parse(text: text, file: "\(name).yaml")
        #expect(result.spec == nil)
        let actual = result.diagnostics.map(\.description).joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["RPLINK_WRITE_EXPECTED"] == "1" {
            try actual.write(to: SpecFixtures.invalidFolder.appendingPathComponent("\(name).expected"), atomically: true, encoding: .utf8)
        }
        #expect(actual == expected)
    }
}
