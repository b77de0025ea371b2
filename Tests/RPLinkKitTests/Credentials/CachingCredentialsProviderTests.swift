import Foundation
import Testing
@testable import RPLinkKit

/// Hands out numbered credentials that expire at a set time, counting how often it was asked.
final class CountingProvider: CredentialsProvider, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    let expiration: Double?
    let delay: Duration

    init(expiration: Double?, delay: Duration = .zero) {
        self.expiration = expiration
        self.delay = delay
    }

    var fetches: Int { lock.withLock { count } }

    func credentials() async throws -> AWSCredentials {
        let number = lock.withLock { count += 1; return count }
        if delay > .zero { try await Task.sleep(for: delay) }
        return AWSCredentials(accessKeyId: "AKIA\(number)", secretAccessKey: "s", expiration: expiration)
    }
}

final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double
    init(_ value: Double) { self.value = value }
    var now: Double {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

@Suite struct CachingCredentialsProviderTests {
    @Test func keepsCredentialsUntilFiveMinutesBeforeExpiry() async throws {
        let clock = Clock(1000)
        let base = CountingProvider(expiration: 1000 + 3600)
        let cache = CachingCredentialsProvider(base, now: { clock.now })
        #expect(try await cache.credentials().accessKeyId == "AKIA1")
        clock.now = 1000 + 3600 - 301
        #expect(try await cache.credentials().accessKeyId == "AKIA1")
        clock.now = 1000 + 3600 - 299
        #expect(try await cache.credentials().accessKeyId == "AKIA2")
        #expect(base.fetches == 2)
    }

    @Test func longTermCredentialsAreFetchedOnce() async throws {
        let base = CountingProvider(expiration: nil)
        let cache = CachingCredentialsProvider(base)
        for _ in 0..<3 { _ = try await cache.credentials() }
        #expect(base.fetches == 1)
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        let base = CountingProvider(expiration: nil, delay: .milliseconds(50))
        let cache = CachingCredentialsProvider(base)
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.credentials().accessKeyId } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(keys == ["AKIA1"])
        #expect(base.fetches == 1)
    }

    @Test func failedRefreshIsRetriedOnTheNextCall() async throws {
        final class FlakyProvider: CredentialsProvider, @unchecked Sendable {
            private let lock = NSLock()
            private var calls = 0
            func credentials() async throws -> AWSCredentials {
                let call = lock.withLock { calls += 1; return calls }
                if call == 1 { throw RPLinkError(.credentials, "first attempt fails") }
                return AWSCredentials(accessKeyId: "AKIAOK", secretAccessKey: "s")
            }
        }
        let cache = CachingCredentialsProvider(FlakyProvider())
        await #expect(throws: RPLinkError.self) { _ = try await cache.credentials() }
        #expect(try await cache.credentials().accessKeyId == "AKIAOK")
    }
}
