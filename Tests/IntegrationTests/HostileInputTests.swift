import Foundation
import Testing

/// Hostile and broken specs through the real binary: each gives positioned
/// `FILE:LINE:COLUMN: error:` lines and exit 1 (or is still a valid spec), never a crash
/// signal or a hang, and an invalid spec never causes a single connection to the AWS
/// endpoint, for `validate`, `plan` and `apply --auto-approve` alike. The parser's own
/// line-mutation corpus is Tests/RPLinkKitTests/Spec/SpecMutationTests.swift; this suite
/// uses other mutations and checks the whole program, network included.
@Suite(.serialized) struct HostileInputTests {
    /// SplitMix64, so every generated file is reproduced from its seed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    struct Case {
        var name: String
        var bytes: Data
        /// How to reproduce it, printed with any failure.
        var origin: String
    }

    static let baseSeed: UInt64 = 0x5EED_0006
    static let generatedCount = 70

    static let example = RepositoryPaths.examples.appendingPathComponent("planetscale-import.yaml")

    /// A valid spec whose every string field is a placeholder, each value double-quoted so
    /// that YAML escapes (`\n`, `\r`) land in the value itself.
    static let fields: [(key: String, value: String)] = [
        ("NAME", "hostile"), ("REGION", "us-east-1"), ("VPC", "vpc-0f00d1e5c0ffee123"),
        ("SUBNET", "subnet-0cafed00d5eed1234"), ("AZ", "use1-az1"), ("SG", "sg-0f00ba11ab1e5eed0"),
        ("WRITER", "10.0.0.1"), ("ACCOUNT", "123456789012"), ("CIDR", "10.0.1.0/24"), ("CONSUMER_AZ", "use1-az1"),
        ("PRINCIPAL", "arn:aws:iam::123456789012:role/reader"), ("LB", "pl-nlb"), ("TG", "pl-nlb-target-group"),
        ("TAG_KEY", "team"), ("TAG_VALUE", "data"),
    ]

    static let template = """
        version: 1
        name: "NAME"
        region: "REGION"
        producer:
          vpc_id: "VPC"
          subnets:
            - subnet_id: "SUBNET"
              az_id: "AZ"
            - subnet_id: "subnet-0c0ffee00ba5eba11"
              az_id: "use1-az2"
          security_group_id: "SG"
        database:
          writer_ip: "WRITER"
          port: 3306
        consumer:
          account_id: "ACCOUNT"
          cidr_blocks: ["CIDR"]
          az_ids: ["CONSUMER_AZ"]
          principals: ["PRINCIPAL"]
        load_balancer:
          name: "LB"
        target_group:
          name: "TG"
        tags:
          "TAG_KEY": "TAG_VALUE"

        """

    static func spec(replacing field: String? = nil, with value: String? = nil) -> String {
        var text = template
        for (key, original) in fields.sorted(by: { $0.key.count > $1.key.count }) {
            text = text.replacingOccurrences(of: "\"\(key)\"", with: "\"\(key == field ? value ?? original : original)\"")
        }
        return text
    }

    /// Query syntax and line breaks in every string field, one field per file.
    static func injections() -> [Case] {
        let payloads = [("amp", "&Action=DeleteVpc&VpcId=vpc-1"), ("lf", "\\nAction=DeleteVpc"), ("crlf", "\\r\\nX-Amz-Target: DeleteVpc")]
        return fields.flatMap { field in
            payloads.map { payload in
                Case(name: "inject-\(payload.0)-\(field.key.lowercased())",
                     bytes: Data(spec(replacing: field.key, with: field.value + payload.1).utf8),
                     origin: "\(payload.1) appended to \(field.key)")
            }
        }
    }

    /// Seeded mutations of the example, at the byte and value level.
    static func mutations(of original: Data) -> [Case] {
        let hostileValues = [
            "\"*\"", "\"arn:aws:iam::*:root\"", "&x", "*x", "!!binary AAAA", "!!python/object/apply:os.system ['true']",
            "[", "{", "~", "-1", "99999999999999999999", "1e309", "0x0BAD", "\"\\0\"", "\"\\u202E\"", "|\n  two\n  lines",
            "\"a\\nb\"", "\"&Action=DeleteVpc\"", "'", "\"", "? complex", "<<: {}", "\"\(String(repeating: "x", count: 300))\"",
        ]
        return (0..<generatedCount).map { index in
            let seed = baseSeed &+ UInt64(index)
            var generator = SeededGenerator(state: seed)
            var bytes = [UInt8](original)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<max(bytes.count, 1), using: &generator)
                switch Int.random(in: 0..<6, using: &generator) {
                case 0:
                    bytes = Array(bytes.prefix(position))
                case 1:
                    bytes[min(position, bytes.count - 1)] ^= UInt8.random(in: 1...255, using: &generator)
                case 2:
                    bytes.removeSubrange(position..<min(position + Int.random(in: 1...40, using: &generator), bytes.count))
                case 3:
                    // Replace the value after the next ": " with a hostile one.
                    let text = bytes[position...]
                    if let colon = text.firstIndex(of: UInt8(ascii: ":")), colon + 1 < bytes.count {
                        let end = bytes[colon...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                        let value = hostileValues.randomElement(using: &generator) ?? "*"
                        bytes.replaceSubrange((colon + 1)..<end, with: Array(" \(value)".utf8))
                    }
                case 4:
                    // Shift the indentation of the line under `position`.
                    let start = (bytes[..<position].lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
                    bytes.insert(contentsOf: Array(repeating: UInt8(ascii: " "), count: Int.random(in: 1...3, using: &generator)), at: start)
                default:
                    let fragment = ["\t", "\0", "\u{FEFF}", "\r", ": ", "- ", "---\n", "...", "%YAML 1.1\n", "#"].randomElement(using: &generator) ?? "\t"
                    bytes.insert(contentsOf: Array(fragment.utf8), at: position)
                }
            }
            return Case(name: "mutation-\(index)", bytes: Data(bytes), origin: "seed \(seed) (baseSeed \(baseSeed) + \(index))")
        }
    }

    /// Hand-made hostile files.
    static func handMade(example: Data) -> [Case] {
        var generator = SeededGenerator(state: baseSeed)
        let valid = spec()
        let text = String(decoding: example, as: UTF8.self)
        var cases: [(String, Data)] = []
        func add(_ name: String, _ text: String) { cases.append((name, Data(text.utf8))) }

        cases.append(("binary-garbage", Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })))
        let halves = valid.components(separatedBy: "\"data\"")
        cases.append(("non-utf8-value", Data((halves[0] + "\"d").utf8) + Data([0xE9]) + Data(("ta\"" + halves[1]).utf8)))
        cases.append(("non-utf8-comment", Data("# caf".utf8) + Data([0xE9, 0x0A]) + Data(valid.utf8)))
        cases.append(("utf16", valid.data(using: .utf16) ?? Data()))
        add("nul-byte-in-value", valid.replacingOccurrences(of: "\"team\"", with: "\"te\0am\""))
        add("nul-bytes-raw", "version: 1\n\0\0\0name: x\n")
        add("tab-indent", valid.replacingOccurrences(of: "\n  vpc_id", with: "\n\tvpc_id"))
        add("tab-in-flow", valid.replacingOccurrences(of: "port: 3306", with: "port:\t3306\t\t"))
        add("duplicate-top-key", valid + "name: \"other\"\n")
        add("duplicate-nested-key", valid.replacingOccurrences(of: "  port: 3306\n", with: "  port: 3306\n  port: 3307\n"))
        add("duplicate-subnet", valid.replacingOccurrences(of: "subnet-0c0ffee00ba5eba11", with: "subnet-0cafed00d5eed1234"))
        var laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<12 { laughs += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        add("alias-bomb", laughs)
        add("alias-bomb-in-spec", valid.replacingOccurrences(of: "tags:\n", with: "x-bomb: &b [*b]\ntags:\n"))
        add("merge-key", valid.replacingOccurrences(of: "target_group:\n", with: "target_group:\n  <<: {name: x}\n"))
        add("deep-mapping-100", "version: 1\n" + (0..<100).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n") + " 1\n")
        add("deep-flow-100000", "version: 1\nname: " + String(repeating: "[", count: 100_000) + "\n")
        add("deep-flow-map-65", "version: 1\ntags: " + String(repeating: "{a: ", count: 65) + "1" + String(repeating: "}", count: 65) + "\n")
        add("five-megabyte-tags", valid + (0..<170_000).map { "  k\($0): \"v\"" }.joined(separator: "\n") + "\n")
        add("five-megabyte-value", valid.replacingOccurrences(of: "\"data\"", with: "\"" + String(repeating: "d", count: 5_000_000) + "\""))
        add("long-key", valid + String(repeating: "k", count: 200_000) + ": 1\n")
        add("star-principal", spec(replacing: "PRINCIPAL", with: "*"))
        add("star-in-principal-arn", spec(replacing: "PRINCIPAL", with: "arn:aws:iam::*:root"))
        add("star-account", spec(replacing: "ACCOUNT", with: "*"))
        add("empty", "")
        add("only-comments", "# nothing here\n# at all\n")
        add("scalar-document", "just a string\n")
        add("sequence-document", "- version: 1\n- name: x\n")
        add("two-documents", valid + "---\n" + valid)
        add("version-2", valid.replacingOccurrences(of: "version: 1", with: "version: 2"))
        add("version-string", valid.replacingOccurrences(of: "version: 1", with: "version: \"1\"x"))
        add("binary-tag", valid.replacingOccurrences(of: "port: 3306", with: "port: !!binary AAAA"))
        add("python-tag", valid.replacingOccurrences(of: "\"data\"", with: "!!python/object/apply:os.system [\"touch /tmp/pwned\"]"))
        add("cr-only-lines", valid.replacingOccurrences(of: "\n", with: "\r"))
        add("unknown-key", valid.replacingOccurrences(of: "database:", with: "databse:"))
        add("port-overflow", valid.replacingOccurrences(of: "port: 3306", with: "port: 99999999999999999999999"))
        add("port-negative", valid.replacingOccurrences(of: "port: 3306", with: "port: -3306"))
        add("account-11-digits", spec(replacing: "ACCOUNT", with: "12345678901"))
        add("null-required", valid.replacingOccurrences(of: "writer_ip: \"10.0.0.1\"", with: "writer_ip: ~"))
        add("missing-everything", "version: 1\n")
        add("unterminated-quote", valid.replacingOccurrences(of: "\"pl-nlb\"", with: "\"pl-nlb"))
        add("example-truncated-mid-line", String(text.prefix(text.count / 2)))
        add("control-characters", valid.replacingOccurrences(of: "\"data\"", with: "\"da\u{07}\u{1B}[31mta\""))
        add("bidi-override", spec(replacing: "NAME", with: "host\u{202E}ile"))
        add("reserved-tag-prefix", spec(replacing: "TAG_KEY", with: "rplink:stack"))
        add("aws-tag-prefix", spec(replacing: "TAG_KEY", with: "aws:owner"))
        return cases.map { Case(name: $0.0, bytes: $0.1, origin: "hand-made \($0.0)") }
    }

    struct Run {
        var outcome: RunningRPLink.Outcome
        /// Requests this run sent to the recorder (told by their path).
        var requests: Int
        var bodies: [String]
    }

    /// Runs rplink against the recorder and reports the requests it sent there.
    func run(_ arguments: [String], recorder: KillProxy) async throws -> Run {
        // Other suites run beside this one and may reach the recorder's port (a "closed" port
        // they picked can be the one it got), so this run's requests are told by their path.
        let marker = "/hostile-\(UUID().uuidString)"
        let requestsBefore = recorder.paths().count
        let running = try RunningRPLink(try RPLinkBinary.locate(), arguments, emulator: nil, environment: [
            "AWS_ACCESS_KEY_ID": "AKIDHOSTILEINPUT0000",
            "AWS_SECRET_ACCESS_KEY": "hostile/input/secret/key/0000000000000000",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": recorder.endpoint.absoluteString + marker,
            "AWS_MAX_ATTEMPTS": "1",
        ])
        let outcome = await running.finish(timeout: .seconds(20))
        // A request is recorded when the recorder reads it; give a late one a moment to show.
        try await Task.sleep(for: .milliseconds(2))
        let paths = recorder.paths(), bodies = recorder.bodies()
        let mine = paths.indices.dropFirst(requestsBefore).filter { paths[$0].hasPrefix(marker) }
        return Run(outcome: outcome, requests: mine.count, bodies: mine.compactMap { $0 < bodies.count ? bodies[$0] : nil })
    }

    static func positionedErrors(in stderr: String, for path: String) -> [Substring] {
        let pattern = #/^(?<file>.+):(?<line>[0-9]+):(?<column>[0-9]+): error: .+/#
        return stderr.split(separator: "\n").filter { line in
            line.wholeMatch(of: pattern).map { $0.file == path } ?? false
        }
    }

    @Test func everyBadSpecGivesPositionedErrorsNeverCrashesOrHangsAndNeverCallsAWS() async throws {
        let example = try Data(contentsOf: Self.example)
        let cases = Self.handMade(example: example) + Self.injections() + Self.mutations(of: example)
        let folder = try TemporaryDirectory.make(prefix: "hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let recorder = try await KillProxy.start(upstream: nil)
        defer { recorder.stop() }

        // The template itself is valid: every injected file differs from a good spec in one field.
        let base = folder.appendingPathComponent("base.yaml")
        try Data(Self.spec().utf8).write(to: base)
        let validated = try await run(["validate", base.path], recorder: recorder)
        try #require(validated.outcome.status == 0, "the template is not valid: \(validated.outcome)")
        // The control: a valid spec does reach the recorder, so a count of 0 below means something.
        let control = try await run(["plan", base.path], recorder: recorder)
        try #require(control.requests > 0, "a valid spec's plan never reached the recorder: \(control.outcome)")

        var invalid = 0, valid: [String] = [], refusedWithoutCalls = 0
        for (index, item) in cases.enumerated() {
            let path = folder.appendingPathComponent(String(format: "%03d-%@.yaml", index, item.name)).path
            try item.bytes.write(to: URL(fileURLWithPath: path))
            let context = "\(item.name) (\(item.origin)), file \(path)"
            let checked = try await run(["validate", path], recorder: recorder)
            #expect(!checked.outcome.signaled && !checked.outcome.timedOut && [0, 1].contains(checked.outcome.status),
                    "validate \(context): \(checked.outcome)")
            #expect(checked.requests == 0, "validate is offline, yet sent requests: \(context)")
            let isValid = checked.outcome.status == 0
            if isValid { valid.append(item.name) } else { invalid += 1 }
            if !isValid {
                #expect(!Self.positionedErrors(in: checked.outcome.stderr, for: path).isEmpty, "validate \(context): \(checked.outcome)")
            }

            for command in [["plan"], ["apply", "--auto-approve"]] {
                let result = try await run(command + [path], recorder: recorder)
                let outcome = result.outcome
                #expect(!outcome.signaled && !outcome.timedOut, "\(command[0]) \(context): \(outcome)")
                if isValid {
                    // Still a spec: it may reach the (dead) endpoint, but never smuggle a second action in.
                    for body in result.bodies {
                        let actions = body.split(separator: "&").filter { $0.hasPrefix("Action=") }
                        #expect(actions.count == 1 && !body.contains("DeleteVpc&") && !body.contains("Action=DeleteVpc"),
                                "\(command[0]) \(context) sent \(body)")
                    }
                    continue
                }
                #expect(outcome.status == 1, "\(command[0]) \(context): \(outcome)")
                #expect(!Self.positionedErrors(in: outcome.stderr, for: path).isEmpty, "\(command[0]) \(context): \(outcome)")
                #expect(result.requests == 0, "\(command[0]) of an invalid spec sent \(result.requests) requests to AWS: \(context)")
                if result.requests == 0 && outcome.status == 1 { refusedWithoutCalls += 1 }
            }
        }
        #expect(invalid >= 100, "only \(invalid) of \(cases.count) files were invalid")
        // Query syntax or a line break is refused in every field, tags included (ELBv2's tag
        // pattern allows no `&`, no control character).
        let injectedAndAccepted = valid.filter { $0.hasPrefix("inject-") }
        #expect(injectedAndAccepted.isEmpty, "accepted: \(injectedAndAccepted)")
        print("HostileInputTests: \(cases.count) files (\(invalid) invalid, \(valid.count) still valid: \(valid.joined(separator: " "))), \(refusedWithoutCalls) plan/apply runs refused with 0 requests, recorder saw \(recorder.state().connections) connections in all")
    }
}
