import Foundation

/// Parses the ISO 8601 times that STS, IMDS and credential processes use for `Expiration`.
enum ISO8601Timestamp {
    /// Seconds since 1970, or nil when `text` is not an ISO 8601 date-time with a time zone.
    static func parse(_ text: String) -> Double? {
        // A formatter per call: ISO8601DateFormatter is not Sendable, and expirations are parsed rarely.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}
