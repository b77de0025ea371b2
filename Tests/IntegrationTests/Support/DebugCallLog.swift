import Foundation

/// The AWS calls a `--debug` run made, read from its stderr lines
/// `aws: <service> <Action> attempt N HTTP 200 in 3 ms request-id …`, in the order they ended.
struct DebugCallLog: Sendable {
    struct Call: Sendable, Hashable {
        var service: String
        var action: String
    }

    /// First attempts only: a retry is the same call again, not another call.
    var calls: [Call]

    init(stderr: String) {
        let pattern = #/^aws: (?<service>\S+) (?<action>[A-Za-z]+) attempt 1 /#
        calls = stderr.split(separator: "\n").compactMap { line in
            line.firstMatch(of: pattern).map { Call(service: String($0.service), action: String($0.action)) }
        }
    }

    var total: Int { calls.count }
    var actions: Set<String> { Set(calls.map(\.action)) }

    func count(_ action: String) -> Int { calls.filter { $0.action == action }.count }

    /// Calls per action, for failure messages and reports.
    var countsByAction: [String: Int] { Dictionary(calls.map { ($0.action, 1) }, uniquingKeysWith: +) }

    /// The position of the first and of the last call to any of `actions`.
    func span(of actions: Set<String>) -> ClosedRange<Int>? {
        let positions = calls.indices.filter { actions.contains(calls[$0].action) }
        guard let first = positions.first, let last = positions.last else { return nil }
        return first...last
    }
}
