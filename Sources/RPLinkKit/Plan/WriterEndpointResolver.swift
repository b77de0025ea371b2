/// Finds the writer of each spec that names `database.writer_endpoint`: looks the name up and
/// sets `writerIP` to its one address, so that the planner registers whichever instance the
/// name points at now (after a failover, the new writer).
///
/// Run when specs are planned (plan, apply, and apply of a saved plan to check that the name
/// still points where it did), never by `validate` (offline), `destroy` (which must work when
/// the database is gone) or `output`.
public struct WriterEndpointResolver: Sendable {
    public var names: any NameResolver
    /// `--debug`: one line a lookup, with its answer and duration (as the AWS calls have).
    public var debugSink: AWSClient.DebugSink?

    public init(names: any NameResolver = SystemNameResolver(), debugSink: AWSClient.DebugSink? = nil) {
        self.names = names
        self.debugSink = debugSink
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
    /// they are, and so do those whose name gave no writer, each with its problem.
    public func resolve(_ specs: [Spec]) async -> Outcome {
        let hosts = unique(specs.compactMap(\.database.writerEndpoint))
        guard !hosts.isEmpty else { return Outcome(specs: specs) }
        let names = names, debugSink = debugSink
        let lookups = await concurrentMap(hosts, limit: hosts.count) { host in
            let clock = ContinuousClock(), start = clock.now
            do {
                let addresses = try await names.ipv4Addresses(of: host)
                debugSink?("dns: \(host) \(addresses.isEmpty ? "no IPv4 address" : addresses.joined(separator: " ")) in \(Self.milliseconds(clock.now - start)) ms")
                return addresses
            } catch {
                debugSink?("dns: \(host) failed: \((error as? NameLookupError)?.reason ?? "\(error)") in \(Self.milliseconds(clock.now - start)) ms")
                throw error
            }
        }
        let found = Dictionary(uniqueKeysWithValues: zip(hosts, lookups))
        var outcome = Outcome(specs: [])
        for var spec in specs {
            if let host = spec.database.writerEndpoint, let lookup = found[host] {
                switch Self.writer(host, lookup) {
                case .address(let address): spec.database.writerIP = address
                case .problem(let problem): outcome.problems[spec.name] = problem
                }
            }
            outcome.specs.append(spec)
        }
        return outcome
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int((duration.seconds * 1000).rounded())
    }

    enum Writer: Equatable {
        case address(String)
        case problem(String)
    }

    /// The one target address a lookup gave, or what is wrong with it.
    static func writer(_ host: String, _ lookup: Result<[String], any Error>) -> Writer {
        let subject = "'\(host)'"
        let instead = "or give database.writer_ip"
        switch lookup {
        case .failure(let error as NameLookupError) where error.isTemporary:
            return .problem("\(subject) could not be looked up just now (\(error.reason)): the DNS server did not answer; run again")
        case .failure(let error):
            let reason = (error as? NameLookupError)?.reason ?? "\(error)"
            return .problem("\(subject) does not resolve (\(reason)): check the name and that this machine's DNS can see it (an RDS endpoint resolves from anywhere, a private hosted zone only inside its VPCs), \(instead)")
        case .success(let addresses):
            guard let address = addresses.first else {
                return .problem("\(subject) has no IPv4 address: \(instead)")
            }
            guard addresses.count == 1 else {
                return .problem("\(subject) resolves to \(addresses.count) addresses (\(addresses.joined(separator: ", "))), and the target group holds the writer alone: name an endpoint that resolves to the writer only, \(instead)")
            }
            if let value = SpecFormat.ipv4(address), let reason = SpecFormat.nonTargetReason(value) {
                return .problem("\(subject) resolves to \(address), which cannot be a target: \(reason); \(instead)")
            }
            return .address(address)
        }
    }
}
