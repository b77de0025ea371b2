/// Polls until a condition holds, with intervals that start short and back off, and a timeout.
///
/// AWS takes seconds to minutes to provision an NLB or an endpoint service; the emulator takes
/// none. Starting at a quarter second keeps fast cases fast without hammering slow ones.
public struct Waiter: Sendable {
    public var firstInterval: Duration
    public var maxInterval: Duration
    public var timeout: Duration
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(
        firstInterval: Duration = .milliseconds(250), maxInterval: Duration = .seconds(5), timeout: Duration = .seconds(900),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.firstInterval = firstInterval
        self.maxInterval = maxInterval
        self.timeout = timeout
        self.sleep = sleep
    }

    /// Calls `check` until it returns true; throws a `.timeout` error naming `what` when time runs out.
    public func until(_ what: String, _ check: @Sendable () async throws -> Bool) async throws {
        var waited = Duration.zero
        var interval = firstInterval
        while try await !check() {
            guard waited < timeout else {
                throw RPLinkError(.timeout, "timed out after \(waited.components.seconds)s waiting for \(what); run the command again to resume waiting")
            }
            try await sleep(interval)
            waited += interval
            interval = min(interval * 2, maxInterval)
        }
    }
}
