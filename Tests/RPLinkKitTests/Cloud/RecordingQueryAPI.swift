import Foundation
@testable import RPLinkKit

/// A `QueryAPI` that records every call and answers from canned responses, one queue per action.
actor RecordingQueryAPI: QueryAPI {
    enum Reply: Sendable {
        case xml(XMLNode)
        case error(AWSError)
    }

    struct Call: Sendable, Equatable {
        var service: AWSService
        var action: String
        var parameters: QueryParameters
    }

    private(set) var calls: [Call] = []
    private var replies: [String: [Reply]]

    init(_ replies: [String: [Reply]] = [:]) {
        self.replies = replies
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
        calls.append(Call(service: service, action: action, parameters: parameters))
        guard var queue = replies[action], !queue.isEmpty else {
            throw AWSError(service: service, action: action, code: "NoCannedReply", message: "test has no reply for \(action)", httpStatus: 599)
        }
        // The last reply repeats, so a test can answer many identical calls with one fixture.
        let reply = queue.count > 1 ? queue.removeFirst() : queue[0]
        replies[action] = queue
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
}
