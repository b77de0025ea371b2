import Synchronization

/// Spaces out a service's calls once it has throttled them, and lets the pace rise again
/// while it does not.
///
/// AWS throttles each account per Region with token buckets: ELBv2's Describe* calls, for
/// one, may come 40 at once and then 10 a second. A plan of a dozen stacks or more asks for
/// more than that at once (three per-NLB reads a stack), and retries alone do not get
/// through: a burst of retries meets an empty bucket again. So after a service's first
/// throttle every call to it waits for its turn, `startRate` a second, a little under that
/// refill rate; each later throttle halves the rate (once a `decreaseInterval`, since calls
/// sent together are refused together), and each second without one adds `increasePerSecond`.
/// A service that never throttles, such as the emulator, is never paced.
public final class RequestPacer: Sendable {
    public struct Settings: Sendable, Equatable {
        public var startRate: Double = 8
        public var minimumRate: Double = 0.5
        public var increasePerSecond: Double = 0.5
        public var decreaseInterval: Duration = .seconds(1)

        public init() {}
    }

    /// The pace of one throttled service.
    struct Lane: Equatable {
        var rate: Double
        /// When the next call may be sent.
        var nextSend: ContinuousClock.Instant
        var lastDecrease: ContinuousClock.Instant
        var lastUpdate: ContinuousClock.Instant

        /// Adds the increase earned since the last update.
        mutating func grow(to now: ContinuousClock.Instant, by perSecond: Double) {
            guard now > lastUpdate else { return }
            rate += perSecond * (now - lastUpdate).seconds
            lastUpdate = now
        }
    }

    public let settings: Settings
    private let now: @Sendable () -> ContinuousClock.Instant
    private let sleep: @Sendable (Duration) async throws -> Void
    private let lanes = Mutex<[String: Lane]>([:])

    public init(
        settings: Settings = Settings(),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.settings = settings
        self.now = now
        self.sleep = sleep
    }

    /// Waits for this call's turn; returns at once while the service has not throttled.
    ///
    /// Turns are not handed out ahead: a waiting call takes the next free one when it wakes,
    /// so a halved rate applies to every call still waiting.
    public func admit(_ service: String) async throws {
        while true {
            let wait = lanes.withLock { lanes -> Duration in
                guard var lane = lanes[service] else { return .zero }
                let now = now()
                lane.grow(to: now, by: settings.increasePerSecond)
                defer { lanes[service] = lane }
                guard now >= lane.nextSend else { return lane.nextSend - now }
                lane.nextSend = now + .seconds(1 / lane.rate)
                return .zero
            }
            if wait <= .zero { return }
            try await sleep(wait)
        }
    }

    /// Records a throttled call. Returns the new rate when it changed, for the debug log.
    @discardableResult
    public func throttled(_ service: String) -> Double? {
        lanes.withLock { lanes -> Double? in
            let now = now()
            guard var lane = lanes[service] else {
                lanes[service] = Lane(rate: settings.startRate, nextSend: now, lastDecrease: now, lastUpdate: now)
                return settings.startRate
            }
            lane.grow(to: now, by: settings.increasePerSecond)
            var changed: Double?
            if now - lane.lastDecrease >= settings.decreaseInterval {
                lane.rate = max(settings.minimumRate, lane.rate / 2)
                lane.lastDecrease = now
                changed = lane.rate
            }
            lanes[service] = lane
            return changed
        }
    }

    /// The calls a second a service is paced at; nil while it is not paced.
    public func rate(of service: String) -> Double? {
        lanes.withLock { $0[service]?.rate }
    }
}
