import Foundation
import Testing
@testable import RPLinkKit

/// Measures `parse` on a large valid spec. Prints the time; asserts only correctness,
/// because timings depend on the machine. Run with
/// `swift test -c release --filter SpecParsePerformanceTests`.
@Suite struct SpecParsePerformanceTests {
    /// A valid spec of `lines` lines: the base spec, many principals and CIDR blocks,
    /// and comment lines to fill up.
    static func largeSpec(lines: Int) throws -> String {
        var text = try SpecFixtures.validBase()
        text = text.replacingOccurrences(of: "  cidr_blocks: [10.0.1.0/24]\n", with: "  cidr_blocks:\n"
            + (0..<250).map { "    - 10.\($0 / 256).\($0 % 256).0/24   # consumer subnet \($0)\n" }.joined()
            + "  principals:\n"
            + (0..<250).map { "    - arn:aws:iam::123456789012:role/importer-\($0)\n" }.joined())
        var count = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        while count < lines {
            text += "# comment line \(count): reviewers like to explain why each value is what it is\n"
            count += 1
        }
        return text
    }

    @Test func thousandLineSpecParses() throws {
        let text = try Self.largeSpec(lines: 1_000)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count - 1 == 1_000)
        _ = SpecLoader.parse(text: text, file: "large.yaml")  // warm-up
        let runs = 20
        let clock = ContinuousClock()
        var result: (spec: Spec?, diagnostics: [Diagnostic]) = (nil, [])
        let elapsed = clock.measure {
            for _ in 0..<runs { result = SpecLoader.parse(text: text, file: "large.yaml") }
        }
        #expect(result.diagnostics == [])
        #expect(result.spec?.consumer.cidrBlocks.count == 250)
        #expect(result.spec?.consumer.principals.count == 250)
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3
        print("parse of a 1,000-line spec: \(String(format: "%.3f", milliseconds / Double(runs))) ms (mean of \(runs))")
    }
}
