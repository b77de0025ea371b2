import Testing
@testable import RPLinkKit

@Suite struct NameSuggestionTests {
    @Test(arguments: [("plan", "plan", 0), ("plna", "plan", 1), ("aply", "apply", 1), ("", "abc", 3), ("kitten", "sitting", 3)])
    func editDistanceCountsTranspositionsAsOneEdit(a: String, b: String, distance: Int) {
        #expect(NameSuggestion.editDistance(a, b) == distance)
        #expect(NameSuggestion.editDistance(b, a) == distance)
    }

    @Test func nearMissIsSuggested() {
        #expect(NameSuggestion.closest(to: "--auto-aprove", among: ["--adopt", "--auto-approve"]) == "--auto-approve")
    }

    @Test func farOffNameIsNotSuggested() {
        #expect(NameSuggestion.closest(to: "--json", among: ["--auto-approve", "--adopt"]) == nil)
        #expect(NameSuggestion.closest(to: "x", among: []) == nil)
    }
}
