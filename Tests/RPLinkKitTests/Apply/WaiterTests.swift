import Synchronization
import Testing
@testable import RPLinkKit

@Suite struct WaiterTests {
    /// Counts the checks and answers true from the `succeedOn`-th one on (nil: never).
    final class Poll: Sendable {
        let succeedOn: Int?
        private let count = Mutex(0)
        init(succeedOn: Int?) { self.succeedOn = succeedOn }
        var checks: Int { count.withLock { $0 } }
        func check() -> Bool {
            let n = count.withLock { $0 += 1; return $0 }
            return succeedOn.map { n >= $0 } ?? false
        }
    }

    static func waiter(first: Duration = .seconds(1), max: Duration = .seconds(8), timeout: Duration = .seconds(900), sleeps: SleepLog) -> Waiter {
        Waiter(firstInterval: first, maxInterval: max, timeout: timeout, sleep: { sleeps.append($0) })
    }

    @Test func backoffDoublesUpToTheMaximum() async throws {
        let sleeps = SleepLog()
        let poll = Poll(succeedOn: 7)
        try await Self.waiter(sleeps: sleeps).until("the thing") { poll.check() }
        #expect(sleeps.durations == [1, 2, 4, 8, 8, 8].map { .seconds($0) })
        #expect(poll.checks == 7)
    }

    @Test func aConditionThatAlreadyHoldsIsCheckedOnceWithoutSleeping() async throws {
        let sleeps = SleepLog()
        let poll = Poll(succeedOn: 1)
        try await Self.waiter(sleeps: sleeps).until("the thing") { poll.check() }
        #expect(sleeps.durations.isEmpty)
        #expect(poll.checks == 1)
    }

    @Test func timeoutNamesWhatItWaitedForAndStopsAtTheLimit() async throws {
        let sleeps = SleepLog()
        let poll = Poll(succeedOn: nil)
        let error = try await #require(throws: RPLinkError.self) {
            try await Self.waiter(timeout: .seconds(10), sleeps: sleeps).until("load balancer pl-nlb to become active") { poll.check() }
        }
        #expect(error.code == .timeout)
        #expect(error.message.contains("waiting for load balancer pl-nlb to become active"))
        #expect(error.message.contains("timed out after 10s"))
        // 1 + 2 + 4, then only the 3 s left of the 10: the last sleep does not overshoot the limit.
        #expect(sleeps.durations == [1, 2, 4, 3].map { .seconds($0) })
        #expect(poll.checks == 5)
    }

    @Test(.timeLimit(.minutes(1))) func timeSpentInChecksCountsTowardTheTimeout() async throws {
        // Sleeps return at once, checks take real time: the clock must end the wait, not the sleep sum.
        let sleeps = SleepLog()
        let poll = Poll(succeedOn: nil)
        let waiter = Waiter(firstInterval: .nanoseconds(1), maxInterval: .nanoseconds(1), timeout: .milliseconds(60), sleep: { sleeps.append($0) })
        let clock = ContinuousClock()
        let elapsed = await clock.measure {
            await #expect(throws: RPLinkError.self) {
                try await waiter.until("a slow check") {
                    try await Task.sleep(for: .milliseconds(20))
                    return poll.check()
                }
            }
        }
        #expect(poll.checks <= 6)
        #expect(elapsed < .seconds(2))
    }

    @Test func anErrorFromTheCheckEndsTheWait() async throws {
        struct Boom: Error {}
        let sleeps = SleepLog()
        await #expect(throws: Boom.self) {
            try await Self.waiter(sleeps: sleeps).until("the thing") { throw Boom() }
        }
        #expect(sleeps.durations.isEmpty)
    }
}

/// Records the sleeps a `Waiter` asked for instead of sleeping.
final class SleepLog: Sendable {
    private let storage = Mutex<[Duration]>([])
    func append(_ duration: Duration) { storage.withLock { $0.append(duration) } }
    var durations: [Duration] { storage.withLock { $0 } }
}
