import Synchronization
import Testing
@testable import RPLinkKit

@Suite struct ConcurrentMapTests {
    final class InFlight: Sendable {
        let counts = Mutex((now: 0, most: 0))
        func enter() { counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
        func leave() { counts.withLock { $0.now -= 1 } }
        var most: Int { counts.withLock { $0.most } }
    }

    struct Odd: Error {}

    @Test(arguments: [1, 3])
    func keepsOrderAndLimitAndEveryOutcome(limit: Int) async {
        let inFlight = InFlight()
        let outcomes = await concurrentMap(Array(1...9), limit: limit) { value -> Int in
            inFlight.enter()
            defer { inFlight.leave() }
            try await Task.sleep(for: .milliseconds(20))
            if value == 5 { throw Odd() }
            return value * 10
        }
        #expect(outcomes.map { try? $0.get() } == [10, 20, 30, 40, nil, 60, 70, 80, 90])
        #expect(inFlight.most <= limit)
        #expect(inFlight.most >= 1)
    }

    @Test func emptyInputGivesNoOutcomes() async {
        let outcomes = await concurrentMap([Int](), limit: 4) { $0 }
        #expect(outcomes.isEmpty)
    }
}
