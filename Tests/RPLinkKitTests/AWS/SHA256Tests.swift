import Testing
@testable import RPLinkKit

struct SHA256Tests {
    // FIPS 180-4 / NIST CSRC example values.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func digestMatchesFIPSExample(message: String, expected: String) {
        #expect(SHA256.hash(Array(message.utf8)).hexEncoded == expected)
    }

    @Test func digestOfOneMillionAMatchesFIPSExample() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)).hexEncoded == expected)
    }

    @Test func streamingInUnevenChunksEqualsOneShot() {
        let message = [UInt8]((0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        var hasher = SHA256()
        var index = 0
        for size in [1, 63, 64, 65, 3, 200, 604] {
            hasher.update(message[index..<(index + size)])
            index += size
        }
        #expect(index == message.count)
        #expect(hasher.finalize() == SHA256.hash(message))
    }

    @Test(arguments: [55, 56, 57, 63, 64, 65, 119, 120])
    func paddingBoundariesMatchByteWiseStreaming(length: Int) {
        let message = [UInt8](repeating: 0x62, count: length)
        var byteWise = SHA256()
        for byte in message { byteWise.update(CollectionOfOne(byte)) }
        #expect(byteWise.finalize() == SHA256.hash(message))
    }
}
