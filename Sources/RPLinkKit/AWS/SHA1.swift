/// SHA-1 (FIPS 180-4), only to name files the way the AWS CLI does: its IAM Identity Center
/// token cache is `~/.aws/sso/cache/<sha1 of the session name or start URL>.json`. Never
/// used for signing or integrity.
enum SHA1 {
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var state: [UInt32] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
        var padded = message
        padded.append(0x80)
        while padded.count % 64 != 56 { padded.append(0) }
        let bitCount = UInt64(message.count) &* 8
        for shift in stride(from: 56, through: 0, by: -8) { padded.append(UInt8(truncatingIfNeeded: bitCount >> UInt64(shift))) }

        var words = [UInt32](repeating: 0, count: 80)
        for blockStart in stride(from: 0, to: padded.count, by: 64) {
            for index in 0..<16 {
                let byte = blockStart + index * 4
                words[index] = UInt32(padded[byte]) << 24 | UInt32(padded[byte + 1]) << 16 | UInt32(padded[byte + 2]) << 8 | UInt32(padded[byte + 3])
            }
            for index in 16..<80 {
                words[index] = (words[index - 3] ^ words[index - 8] ^ words[index - 14] ^ words[index - 16]).rotatedLeft(1)
            }
            var (a, b, c, d, e) = (state[0], state[1], state[2], state[3], state[4])
            for index in 0..<80 {
                let (mixed, constant): (UInt32, UInt32)
                switch index {
                case 0..<20: (mixed, constant) = ((b & c) | (~b & d), 0x5A827999)
                case 20..<40: (mixed, constant) = (b ^ c ^ d, 0x6ED9EBA1)
                case 40..<60: (mixed, constant) = ((b & c) | (b & d) | (c & d), 0x8F1BBCDC)
                default: (mixed, constant) = (b ^ c ^ d, 0xCA62C1D6)
                }
                let next = a.rotatedLeft(5) &+ mixed &+ e &+ constant &+ words[index]
                (a, b, c, d, e) = (next, a, b.rotatedLeft(30), c, d)
            }
            state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d; state[4] &+= e
        }
        return state.flatMap { word in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> UInt32($0)) } }
    }
}
