import Testing
@testable import RPLinkKit

@Suite struct SHA1Tests {
    /// FIPS 180-4 examples, and lengths on each side of the padding boundaries (from Python's hashlib).
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        (String(repeating: "a", count: 55), "c1c8bbdc22796e28c0e15163d20899b65621d65a"),
        (String(repeating: "a", count: 56), "c2db330f6083854c99d4b5bfb6e8f29f201be699"),
        (String(repeating: "a", count: 64), "0098ba824b5c16427bd7a1122a5a442a25ec644d"),
        ("my-sso", "0ad374308c5a4e22f723adf10145eafad7c4031c"),
    ])
    func digestsMatchTheStandardVectors(message: String, digest: String) {
        #expect(SHA1.hash(Array(message.utf8)).hexEncoded == digest)
    }

    @Test func aMillionAs() {
        #expect(SHA1.hash([UInt8](repeating: 0x61, count: 1_000_000)).hexEncoded == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }
}
