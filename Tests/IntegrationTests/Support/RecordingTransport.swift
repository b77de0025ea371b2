import Foundation
import RPLinkKit

/// A real transport that also keeps every request it sent, so a test can check what went
/// on the wire (signed or not, with which key id) after the emulator has answered.
final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    private let base: any HTTPTransport
    private let lock = NSLock()
    private var sent: [HTTPRequest] = []

    init(_ base: any HTTPTransport = URLSessionTransport()) {
        self.base = base
    }

    var requests: [HTTPRequest] { lock.withLock { sent } }

    /// The requests whose form body names this action.
    func requests(action: String) -> [HTTPRequest] {
        requests.filter { String(decoding: $0.body, as: UTF8.self).hasPrefix("Action=\(action)&") }
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { sent.append(request) }
        return try await base.send(request)
    }
}
