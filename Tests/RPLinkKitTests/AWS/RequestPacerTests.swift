import Foundation
import Synchronization
import Testing
@testable import RPLinkKit

/// The pace of a throttled service: none until it throttles, then `startRate` a second,
/// halved by a later throttle (once a second at most), and rising while none comes.
struct RequestPacerTests {
    /// A clock that moves only when the pacer sleeps, and the waits it slept.
    final class VirtualTime: Sendable {
        private let state = Mutex((now: ContinuousClock.now, waits: [Duration]()))

        var now: ContinuousClock.Instant { state.withLock { $0.now } }
        var waits: [Duration] { state.withLock { $0.waits } }

        func advance(_ duration: Duration) {
            state.withLock { $0.now += duration }
        }

        func sleep(_ duration: Duration) {
            state.withLock {
                $0.now += duration
                $0.waits.append(duration)
            }
        }

        func pacer(_ settings: RequestPacer.Settings = .init()) -> RequestPacer {
            RequestPacer(settings: settings, now: { self.now }, sleep: { self.sleep($0) })
        }
    }

    /// Seconds between consecutive admissions of `count` calls made one after another.
    static func gaps(_ pacer: RequestPacer, _ time: VirtualTime, service: String = "elasticloadbalancing", count: Int) async throws -> [Double] {
        var admitted: [ContinuousClock.Instant] = []
        for _ in 0..<count {
            try await pacer.admit(service)
            admitted.append(time.now)
        }
        return zip(admitted.dropFirst(), admitted).map { ($0 - $1).seconds }
    }

    @Test func aServiceThatNeverThrottledIsNotPaced() async throws {
        let time = VirtualTime()
        let pacer = time.pacer()
        _ = try await Self.gaps(pacer, time, count: 200)
        #expect(time.waits.isEmpty)
        #expect(pacer.rate(of: "elasticloadbalancing") == nil)
    }

    @Test func afterAThrottleCallsGoOutAtTheStartRate() async throws {
        let time = VirtualTime()
        let pacer = time.pacer()
        #expect(pacer.throttled("elasticloadbalancing") == 8)
        let gaps = try await Self.gaps(pacer, time, count: 9)
        // 8 a second, plus the little the rate has grown in the second it took.
        #expect(gaps.allSatisfy { $0 > 0.11 && $0 <= 0.125 })
        #expect(gaps.reduce(0, +) > 0.9)
    }

    /// Calls sent together are refused together: the throttles that come back in the same
    /// second are one event, not a halving each.
    @Test func throttlesTogetherHalveTheRateOnceAndALaterOneAgain() {
        let time = VirtualTime()
        let pacer = time.pacer()
        pacer.throttled("elasticloadbalancing")
        for _ in 0..<50 { #expect(pacer.throttled("elasticloadbalancing") == nil) }
        #expect(pacer.rate(of: "elasticloadbalancing") == 8)
        time.advance(.seconds(1))
        #expect(pacer.throttled("elasticloadbalancing") == 4.25)
        time.advance(.seconds(1))
        #expect(pacer.throttled("elasticloadbalancing") == 2.375)
    }

    @Test func theRateNeverFallsBelowTheMinimum() {
        let time = VirtualTime()
        var settings = RequestPacer.Settings()
        settings.increasePerSecond = 0
        let pacer = time.pacer(settings)
        pacer.throttled("ec2")
        for _ in 0..<20 {
            time.advance(.seconds(1))
            pacer.throttled("ec2")
        }
        #expect(pacer.rate(of: "ec2") == settings.minimumRate)
    }

    @Test func theRateRisesWhileNoThrottleComes() async throws {
        let time = VirtualTime()
        let pacer = time.pacer()
        pacer.throttled("elasticloadbalancing")
        time.advance(.seconds(10))
        try await pacer.admit("elasticloadbalancing")
        #expect(pacer.rate(of: "elasticloadbalancing") == 13)
    }

    @Test func aLaterThrottleHalvesThePace() async throws {
        let time = VirtualTime()
        let pacer = time.pacer()
        pacer.throttled("elasticloadbalancing")
        try await pacer.admit("elasticloadbalancing")
        time.advance(.seconds(1))
        pacer.throttled("elasticloadbalancing")
        let gaps = try await Self.gaps(pacer, time, count: 5)
        #expect(gaps.allSatisfy { $0 > 0.2 && $0 <= 0.25 })
    }

    @Test func oneServicesThrottlesDoNotPaceAnother() async throws {
        let time = VirtualTime()
        let pacer = time.pacer()
        pacer.throttled("elasticloadbalancing")
        _ = try await Self.gaps(pacer, time, service: "ec2", count: 50)
        #expect(time.waits.isEmpty)
        #expect(pacer.rate(of: "ec2") == nil)
    }

    /// The client paces by what the replies say: after a throttling reply its later calls to
    /// that service wait their turn, and the debug log says so.
    @Test func theClientPacesAServiceAfterItsThrottlingReply() async throws {
        let time = VirtualTime()
        let transport = FakeHTTPTransport([
            FakeHTTPTransport.xml(400, AWSTestSamples.ec2Throttling),
            FakeHTTPTransport.xml(200, AWSTestSamples.describeVpcs),
            FakeHTTPTransport.xml(200, AWSTestSamples.describeVpcs),
            FakeHTTPTransport.xml(200, AWSTestSamples.describeVpcs),
        ])
        let debug = LineCollector()
        var client = AWSTestSamples.client(transport, debug: debug)
        client.pacer = time.pacer()
        for _ in 0..<3 { _ = try await client.call(.ec2, "DescribeVpcs", QueryParameters()) }
        #expect(client.pacer.rate(of: "ec2") != nil)
        // The retry takes the first turn; the two calls after it wait one each.
        #expect(time.waits.count == 2)
        #expect(debug.lines.contains("aws: ec2 is throttling: its calls now go out 8.00 a second"))
    }
}
