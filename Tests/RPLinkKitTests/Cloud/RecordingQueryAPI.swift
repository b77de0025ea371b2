import Foundation
@testable import RPLinkKit

/// A `QueryAPI` that records every call and answers from canned responses, one queue per action.
///
/// For the executor's tests it can also answer through a `responder` (per call, from its
/// parameters), delay an action's answers, and keeps when each call started and ended and how
/// many were in flight at once.
actor RecordingQueryAPI: QueryAPI {
    enum Reply: Sendable {
        case xml(XMLNode)
        case error(AWSError)
    }

    struct Call: Sendable, Equatable {
        var service: AWSService
        var action: String
        var parameters: QueryParameters
        var startedAt = ContinuousClock.now
    }

    /// A call that has been answered (or failed), with when it ended.
    struct Span: Sendable {
        var call: Call
        var endedAt: ContinuousClock.Instant
        var failed: Bool
    }

    /// Answers a call from its parameters; nil falls back to the canned queue of its action.
    typealias Responder = @Sendable (Call) async throws -> XMLNode?

    private(set) var calls: [Call] = []
    private(set) var spans: [Span] = []
    private(set) var inFlight = 0
    private(set) var maxInFlight = 0
    private var replies: [String: [Reply]]
    private var delays: [String: Duration]
    private let responder: Responder?

    init(_ replies: [String: [Reply]] = [:], delays: [String: Duration] = [:], responder: Responder? = nil) {
        self.replies = replies
        self.delays = delays
        self.responder = responder
    }

    /// Answers `action` with the named fixture (`ec2/DescribeVpcs`), as many times as it is listed.
    init(fixtures: [String: [String]]) throws {
        var replies: [String: [Reply]] = [:]
        for (action, names) in fixtures {
            replies[action] = try names.map { .xml(try XMLFixture.load($0)) }
        }
        self.init(replies)
    }

    func call(_ service: AWSService, _ action: String, _ parameters: QueryParameters) async throws -> XMLNode {
        let call = Call(service: service, action: action, parameters: parameters)
        calls.append(call)
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
        defer { inFlight -= 1 }
        do {
            // Awaiting here lets other calls into the actor, so delayed calls overlap as real ones do.
            if let delay = delays[action] { try await Task.sleep(for: delay) }
            let node = try await answer(call)
            spans.append(Span(call: call, endedAt: .now, failed: false))
            return node
        } catch {
            spans.append(Span(call: call, endedAt: .now, failed: true))
            throw error
        }
    }

    private func answer(_ call: Call) async throws -> XMLNode {
        if let responder, let node = try await responder(call) { return node }
        guard var queue = replies[call.action], !queue.isEmpty else {
            throw AWSError(service: call.service, action: call.action, code: "NoCannedReply", message: "test has no reply for \(call.action)", httpStatus: 599)
        }
        // The last reply repeats, so a test can answer many identical calls with one fixture.
        let reply = queue.count > 1 ? queue.removeFirst() : queue[0]
        replies[call.action] = queue
        switch reply {
        case .xml(let node): return node
        case .error(let error): throw error
        }
    }

    /// The only call made, or nil when there were none or several.
    var onlyCall: Call? { calls.count == 1 ? calls[0] : nil }

    /// The parameters of the only call, as name/value pairs in the order they were sent.
    var sentPairs: [String] {
        (onlyCall?.parameters.pairs ?? []).map { "\($0.name)=\($0.value)" }
    }

    /// The names of the actions called, in order.
    var actions: [String] { calls.map(\.action) }

    /// Calls that change something in AWS (everything but Describe*, Get*, List*).
    var mutatingCalls: [Call] {
        calls.filter { call in !["Describe", "Get", "List"].contains { call.action.hasPrefix($0) } }
    }

    func calls(_ action: String) -> [Call] { calls.filter { $0.action == action } }
}
