/// 64-bit FNV-1a: a small, stable, non-cryptographic hash for client tokens and plan
/// fingerprints (Swift's `Hasher` is seeded per process, so it cannot be used for these).
enum FNV1a {
    static func hash(_ text: String) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
        return value
    }

    static func hex(_ text: String) -> String {
        let digits = String(hash(text), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
