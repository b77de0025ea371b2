import Foundation

/// Looks up the IPv4 addresses of a host name.
public protocol NameResolver: Sendable {
    /// The name's IPv4 addresses, without repeats (none for a name with IPv6 addresses only);
    /// throws `NameLookupError` when the name cannot be looked up.
    func ipv4Addresses(of host: String) async throws -> [String]
}

/// Why a name could not be looked up, in the resolver's words.
public struct NameLookupError: Error, Sendable, Equatable {
    public var reason: String
    /// The resolver could not get an answer just now (`EAI_AGAIN`): the name may well exist.
    public var isTemporary: Bool

    public init(_ reason: String, isTemporary: Bool = false) {
        self.reason = reason
        self.isTemporary = isTemporary
    }
}

/// The system's resolver (`getaddrinfo`: /etc/hosts, then DNS), as every other program on the
/// machine sees names. Its blocking call runs off the concurrency pool.
public struct SystemNameResolver: NameResolver {
    public init() {}

    public func ipv4Addresses(of host: String) async throws -> [String] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.lookUp(host) })
            }
        }
    }

    static func lookUp(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        var first: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &first)
        guard status == 0 else {
            // getaddrinfo fails a name with IPv6 addresses only, as if it did not exist: ask
            // for any family to tell the two apart.
            if status != EAI_AGAIN && hasAnyAddress(host) { return [] }
            throw NameLookupError(String(cString: gai_strerror(status)), isTemporary: status == EAI_AGAIN)
        }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor = first
        while let info = cursor {
            if info.pointee.ai_family == AF_INET, let address = info.pointee.ai_addr {
                let inet = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                addresses.append(SpecFormat.ipv4Text(UInt32(bigEndian: inet.s_addr)))
            }
            cursor = info.pointee.ai_next
        }
        // One entry per socket type: each address comes back more than once.
        return unique(addresses)
    }

    static func hasAnyAddress(_ host: String) -> Bool {
        var first: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, nil, &first) == 0 else { return false }
        freeaddrinfo(first)
        return true
    }
}
