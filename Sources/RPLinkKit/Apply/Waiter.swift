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
    ///
    /// Time spent in `check` counts too (a describe call with retries can take seconds), so the
    /// clock decides; the sum of the sleeps also counts, so an injected sleep that returns at
    /// once still ends in a timeout.
    public func until(_ what: String, _ check: @Sendable () async throws -> Bool) async throws {
        let start = ContinuousClock.now
        var slept = Duration.zero
        var interval = firstInterval
        while try await !check() {
            let waited = max(slept, ContinuousClock.now - start)
            guard waited < timeout else {
                throw RPLinkError(.timeout, "timed out after \(waited.components.seconds)s waiting for \(what); run the command again to resume waiting")
            }
            let pause = min(interval, timeout - waited)
            try await sleep(pause)
            slept += pause
            interval = min(interval * 2, maxInterval)
        }
    }
}
