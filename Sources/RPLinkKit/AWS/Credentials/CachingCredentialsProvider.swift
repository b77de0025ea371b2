import Foundation

/// Keeps credentials until shortly before they expire, with at most one refresh in flight.
public actor CachingCredentialsProvider: CredentialsProvider {
    private let base: any CredentialsProvider
    /// Refresh this many seconds before expiry, so a long apply never signs with dying credentials.
    private let refreshMargin: Double
    private let now: @Sendable () -> Double
    private var cached: AWSCredentials?
    private var refresh: Task<AWSCredentials, any Error>?

    public init(_ base: any CredentialsProvider, refreshMargin: Double = 300, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.base = base
        self.refreshMargin = refreshMargin
        self.now = now
    }

    public func credentials() async throws -> AWSCredentials {
        if let cached, isFresh(cached) { return cached }
        if let refresh { return try await refresh.value }
        let base = base
        let task = Task { try await base.credentials() }
        refresh = task
        defer { refresh = nil }
        let value = try await task.value
        cached = value
        return value
    }

    private func isFresh(_ credentials: AWSCredentials) -> Bool {
        guard let expiration = credentials.expiration else { return true }
        return now() < expiration - refreshMargin
    }
}
