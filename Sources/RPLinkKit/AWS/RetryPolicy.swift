import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// When and how long to wait before trying a failed call again: the AWS SDKs' "standard" mode.
///
/// A call is tried at most `maxAttempts` times. Only failures that another attempt can fix
/// are retried: throttling, transient server errors (500/502/503/504) and lost or refused
/// connections. A 4xx client error would fail the same way again, so it never is.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    /// The first backoff ceiling; it doubles with each attempt.
    public var baseDelay: TimeInterval
    public var maxBackoff: TimeInterval
    /// A uniformly distributed number in `0..<1`; injectable so tests are deterministic.
    public var random: @Sendable () -> Double
    /// Waits the given number of seconds; injectable so tests do not wait.
    public var sleep: @Sendable (TimeInterval) async throws -> Void

    public static let defaultMaxAttempts = 3

    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]
    public static let transientCodes: Set<String> = ["RequestTimeout", "RequestTimeoutException", "InternalError"]
    public static let transientStatuses: Set<Int> = [500, 502, 503, 504]
    /// Failures to get any response that a new connection may not have. `.unknown` is what
    /// Linux's URLSession reports for a reply cut short (fewer bytes than its Content-Length).
    public static let retryableURLErrorCodes: Set<URLError.Code> = [
        .timedOut, .cannotConnectToHost, .networkConnectionLost, .cannotFindHost,
        .dnsLookupFailed, .notConnectedToInternet, .badServerResponse, .unknown,
    ]

    public init(maxAttempts: Int = defaultMaxAttempts, baseDelay: TimeInterval = 1, maxBackoff: TimeInterval = 20,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                sleep: @escaping @Sendable (TimeInterval) async throws -> Void = RetryPolicy.taskSleep) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
        self.random = random
        self.sleep = sleep
    }

    /// The policy the SDKs use, with `AWS_MAX_ATTEMPTS` from the environment.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RetryPolicy {
        guard let text = environment["AWS_MAX_ATTEMPTS"]?.trimmingWhitespace, !text.isEmpty else { return RetryPolicy() }
        guard let attempts = Int(text), attempts >= 1 else {
            throw RPLinkError(.configuration, "AWS_MAX_ATTEMPTS must be a whole number of at least 1, not \"\(text)\"")
        }
        return RetryPolicy(maxAttempts: attempts)
    }

    /// Whether another attempt may succeed where this one failed.
    public func isRetryable(_ error: any Error) -> Bool {
        switch error {
        case let error as AWSError:
            Self.throttlingCodes.contains(error.code) || Self.transientCodes.contains(error.code)
                || Self.transientStatuses.contains(error.httpStatus)
        case let error as URLError:
            Self.retryableURLErrorCodes.contains(error.code)
        default:
            false
        }
    }

    /// Whether another attempt of `action` may be sent. A create that failed without a clear
    /// refusal (a lost connection, a 5xx, an unreadable reply) may have happened, and not every
    /// create is idempotent (the emulator makes duplicates), so only throttling — the server
    /// did nothing — is retried here; the executor looks before it creates again.
    public func isRetryable(_ error: any Error, action: String) -> Bool {
        guard Self.isCreate(action) else { return isRetryable(error) }
        return (error as? AWSError).map { Self.throttlingCodes.contains($0.code) } ?? false
    }

    static func isCreate(_ action: String) -> Bool { action.hasPrefix("Create") }

    /// True when a failed call may nonetheless have taken effect: no reply, or a server error.
    public static func outcomeIsUnknown(_ error: any Error) -> Bool {
        switch error {
        case let error as AWSError:
            error.httpStatus >= 500 || error.code == AWSError.nonXMLResponseCode
        case is URLError:
            true
        case let error as RPLinkError:
            error.code == .aws && error.cause is URLError
        default:
            false
        }
    }

    /// The wait after failed attempt number `attempt` (1-based): full jitter, a uniform random
    /// share of `min(maxBackoff, baseDelay × 2^(attempt − 1))`.
    public func delay(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(max(0, min(attempt - 1, 62)))
        let ceiling = min(maxBackoff, baseDelay * pow(2, exponent))
        return min(max(0, random()), 1) * ceiling
    }

    public static let taskSleep: @Sendable (TimeInterval) async throws -> Void = { seconds in
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }
}
