/// HMAC-SHA256 (RFC 2104), the keyed hash SigV4 derives its signing key and signature with.
public enum HMAC {
    public static func sha256<Key: Sequence, Message: Sequence>(key: Key, message: Message) -> [UInt8]
    where Key.Element == UInt8, Message.Element == UInt8 {
        var keyBlock = Array(key)
        if keyBlock.count > SHA256.blockByteCount { keyBlock = SHA256.hash(keyBlock) }
        keyBlock.append(contentsOf: repeatElement(0, count: SHA256.blockByteCount - keyBlock.count))

        var inner = SHA256()
        inner.update(keyBlock.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = inner.finalize()

        var outer = SHA256()
        outer.update(keyBlock.map { $0 ^ 0x5c })
        outer.update(innerDigest)
        return outer.finalize()
    }

    /// HMAC-SHA256 of a UTF-8 string message.
    public static func sha256<Key: Sequence>(key: Key, message: String) -> [UInt8] where Key.Element == UInt8 {
        sha256(key: key, message: Array(message.utf8))
    }
}
