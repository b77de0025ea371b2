import Foundation

/// One attempt of one AWS call, as `--debug` prints it and the performance counts use it.
public struct AWSCallRecord: Sendable, Equatable {
    public var service: AWSService
    public var action: String
    /// 1 for the first try, 2 for the first retry, …
    public var attempt: Int
    /// nil when no response arrived (refused connection, timeout).
    public var httpStatus: Int?
    /// The AWS error code, `NonXMLResponse`, or the transport failure; nil on success.
    public var errorCode: String?
    public var requestId: String?
    public var start: Date
    public var end: Date
    /// Measured with a monotonic clock, so it is right even when `start`/`end` come from a fake clock.
    public var duration: TimeInterval

    public init(service: AWSService, action: String, attempt: Int, httpStatus: Int?, errorCode: String?,
                requestId: String?, start: Date, end: Date, duration: TimeInterval) {
        self.service = service
        self.action = action
        self.attempt = attempt
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.requestId = requestId
        self.start = start
        self.end = end
        self.duration = duration
    }

    /// One log line with no secret in it: only names, numbers and AWS-assigned ids.
    public var logLine: String {
        var line = "aws: \(service.signingName) \(action) attempt \(attempt)"
        line += httpStatus.map { " HTTP \($0)" } ?? " no response"
        if let errorCode { line += " \(errorCode)" }
        line += " in \(Int((duration * 1000).rounded())) ms"
        if let requestId { line += " request-id \(requestId)" }
        return line
    }
}

/// Every attempt the client made, in order. Shared by all concurrent calls of a run.
public final class AWSCallLog: @unchecked Sendable {
    // A lock, not an actor: readers (counters, renderers) are synchronous.
    private let lock = NSLock()
    private var storage: [AWSCallRecord] = []

    public init() {}

    public func record(_ record: AWSCallRecord) {
        lock.lock()
        defer { lock.unlock() }
        storage.append(record)
    }

    public var records: [AWSCallRecord] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }

    /// The number of calls (first attempts), not counting retries.
    public var callCount: Int {
        records.filter { $0.attempt == 1 }.count
    }

    public func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        storage.removeAll()
    }
}
