import Foundation
import Testing
@testable import RPLinkKit

/// Hostile input: seeded mutations of the example spec must give a valid spec or positioned
/// diagnostics — never a crash, a hang or a value that smuggles query syntax into AWS calls.
@Suite struct SpecMutationTests {
    static let example = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/planetscale-import.yaml")

    static let hostileFragments = [
        "&Action=DeleteVpc", "\n", "\t", "*", "\"*\"", "\0", "{", "}", "[", "]", ": ", "- ", "&a", "*a", "!!binary",
        "%", "'", "\"", "#", "\u{202E}", "é", "\u{FEFF}", "~", "null", "1e309", "-1", "0x10", "99999999999999999999",
    ]

    /// One mutation of one line: delete, duplicate, swap with the next, or splice a fragment into it.
    static func mutate(_ lines: [String], using generator: inout SeededRandom) -> [String] {
        var lines = lines
        let index = Int.random(in: 0..<lines.count, using: &generator)
        switch Int.random(in: 0..<5, using: &generator) {
        case 0:
            lines.remove(at: index)
        case 1:
            lines.insert(lines[index], at: index)
        case 2 where index + 1 < lines.count:
            lines.swapAt(index, index + 1)
        default:
            let fragment = hostileFragments.randomElement(using: &generator) ?? "*"
            var line = Array(lines[index])
            let position = Int.random(in: 0...line.count, using: &generator)
            line.insert(contentsOf: fragment, at: position)
            lines[index] = String(line)
        }
        return lines
    }

    @Test(arguments: 0..<8)
    func mutatedSpecsGiveASpecOrPositionedDiagnostics(batch: UInt64) throws {
        let original = try String(contentsOf: Self.example, encoding: .utf8).components(separatedBy: "\n")
        for case_ in 0..<40 {
            let seed = batch * 1000 + UInt64(case_)
            var generator = SeededRandom(seed: seed)
            var lines = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                lines = Self.mutate(lines, using: &generator)
            }
            let text = lines.joined(separator: "\n")
            let (spec, diagnostics) = SpecLoader.parse(text: text, file: "mutant.yaml")
            let errors = diagnostics.filter { $0.severity == .error }
            #expect((spec == nil) == !errors.isEmpty, "seed \(seed): a spec must come with no errors, and no spec with at least one")
            for diagnostic in diagnostics {
                #expect(diagnostic.line >= 1 && diagnostic.column >= 1, "seed \(seed): \(diagnostic)")
                #expect(!diagnostic.message.isEmpty, "seed \(seed)")
            }
            if let spec {
                // Whatever got through validation is safe to put in a request: ids and names
                // carry no query syntax, no wildcard principal, no control characters.
                let checked = [spec.name, spec.region, spec.producer.vpcId, spec.database.writerIP, spec.consumer.accountId,
                               spec.loadBalancer.name, spec.targetGroup.name]
                    + spec.producer.subnets.flatMap { [$0.subnetId, $0.azId] } + spec.consumer.cidrBlocks + spec.consumer.principals
                for value in checked {
                    #expect(!value.contains("&") && !value.contains("=") && !value.contains("*"), "seed \(seed): \(value)")
                    #expect(!value.unicodeScalars.contains { $0.properties.generalCategory == .control }, "seed \(seed): \(value)")
                }
            }
        }
    }

    @Test func hugeSpecIsRefusedWithADiagnostic() {
        // 5 MB of comments and one long list: linear work, no quadratic blow-up.
        let body = String(repeating: "# \(String(repeating: "x", count: 70))\n", count: 70_000)
        let text = "version: 1\n" + body + "name: [" + String(repeating: "a, ", count: 20_000) + "a]\n"
        let (spec, diagnostics) = SpecLoader.parse(text: text, file: "huge.yaml")
        #expect(spec == nil)
        #expect(diagnostics.contains { $0.message.contains("name") })
    }
}
