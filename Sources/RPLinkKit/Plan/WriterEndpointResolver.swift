import Foundation

/// Looks up the IPv4 addresses of a host name.
public protocol NameResolver: Sendable {
    /// The name's IPv4 addresses, without repeats; throws `NameLookupError` when there are none to be had.
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
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var first: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &first)
        guard status == 0 else {
            throw NameLookupError(String(cString: gai_strerror(status)), isTemporary: status == EAI_AGAIN)
        }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor = first
        while let info = cursor {
            if info.pointee.ai_family == AF_INET, let address = info.pointee.ai_addr {
                var inet = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                if inet_ntop(AF_INET, &inet, &text, socklen_t(INET_ADDRSTRLEN)) != nil {
                    addresses.append(String(cString: text))
                }
            }
            cursor = info.pointee.ai_next
        }
        return unique(addresses)
    }
}

/// Finds the writer of each spec that names `database.writer_endpoint`: looks the name up and
/// sets `writerIP` to its one address, so that the planner registers whichever instance the
/// name points at now (after a failover, the new writer).
///
/// Run when specs are planned (plan, apply, and apply of a saved plan to check that the name
/// still points where it did), never by `validate` (offline), `destroy` (which must work when
/// the database is gone) or `output`.
public struct WriterEndpointResolver: Sendable {
    public var names: any NameResolver

    public init(names: any NameResolver = SystemNameResolver()) {
        self.names = names
    }

    /// The specs, each with its writer found; and, by stack name, why a spec's writer was not.
    public struct Outcome: Sendable {
        public var specs: [Spec]
        public var problems: [String: String]

        public init(specs: [Spec], problems: [String: String] = [:]) {
            self.specs = specs
            self.problems = problems
        }
    }

    /// Looks up each distinct name once, all at once. Specs that give `writer_ip` come back as
    /// they are, and so do those whose name gave no writer (with `writerIP` empty), each with
    /// its problem.
    public func resolve(_ specs: [Spec]) async -> Outcome {
        let hosts = unique(specs.compactMap(\.database.writerEndpoint))
        guard !hosts.isEmpty else { return Outcome(specs: specs) }
        let names = names
        let lookups = await concurrentMap(hosts, limit: hosts.count) { host in try await names.ipv4Addresses(of: host) }
        let found = Dictionary(uniqueKeysWithValues: zip(hosts, lookups))
        var outcome = Outcome(specs: [])
        for var spec in specs {
            if let host = spec.database.writerEndpoint, let lookup = found[host] {
                switch Self.writer(host, lookup) {
                case .success(let address): spec.database.writerIP = address
                case .failure(let problem): outcome.problems[spec.name] = problem.description
                }
            }
            outcome.specs.append(spec)
        }
        return outcome
    }

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// The one target address a lookup gave, or what is wrong with it.
    static func writer(_ host: String, _ lookup: Result<[String], any Error>) -> Result<String, Problem> {
        let subject = "'\(host)'"
        let instead = "or give database.writer_ip"
        switch lookup {
        case .failure(let error as NameLookupError) where error.isTemporary:
            return .failure(Problem(description: "\(subject) could not be looked up just now (\(error.reason)): the DNS server did not answer; run again"))
        case .failure(let error):
            let reason = (error as? NameLookupError)?.reason ?? "\(error)"
            return .failure(Problem(description: "\(subject) does not resolve (\(reason)): check the name and that this machine's DNS can see it (an RDS endpoint resolves from anywhere, a private hosted zone only inside its VPCs), \(instead)"))
        case .success(let addresses):
            guard let address = addresses.first else {
                return .failure(Problem(description: "\(subject) has no IPv4 address: \(instead)"))
            }
            guard addresses.count == 1 else {
                return .failure(Problem(description: "\(subject) resolves to \(addresses.count) addresses (\(addresses.joined(separator: ", "))), and the target group holds the writer alone: name an endpoint that resolves to the writer only, \(instead)"))
            }
            if let value = SpecFormat.ipv4(address), let reason = SpecFormat.nonTargetReason(value) {
                return .failure(Problem(description: "\(subject) resolves to \(address), which cannot be a target: \(reason); \(instead)"))
            }
            return .success(address)
        }
    }
}
