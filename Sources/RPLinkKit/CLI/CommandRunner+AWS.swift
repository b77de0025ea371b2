import Foundation

/// The AWS side of a command: one signed client per region, and the specs planned in it.
struct RegionSession: Sendable {
    var region: String
    var specs: [Spec]
    var api: any QueryAPI
}

extension CommandRunner {
    /// Loads specs and stops with their diagnostics (exit 1) when any is invalid.
    func loadValidSpecs(_ paths: [String]) throws(RPLinkError) -> [Spec] {
        let result = try loadSpecs(paths)
        for diagnostic in result.diagnostics {
            console.writeError("\(diagnostic)\n")
        }
        if result.hasErrors {
            throw RPLinkError(.invalidSpec, "the spec has errors (listed above); nothing was read or changed")
        }
        guard !result.specs.isEmpty else {
            throw RPLinkError(.invalidSpec, "no spec found in \(paths.joined(separator: ", "))")
        }
        return result.specs
    }

    /// Groups the specs by region and makes a client for each, with credentials, endpoints,
    /// retries and `--debug` logging resolved once.
    func sessions(for specs: [Spec], options: GlobalOptions, callLog: AWSCallLog? = nil) throws(RPLinkError) -> [RegionSession] {
        do {
            let endpoints = EndpointResolver(endpointURLFlag: options.endpointURL, environment: environment)
            let retryPolicy = try RetryPolicy.standard(environment: environment)
            let transport = URLSessionTransport(requestTimeout: try Self.httpTimeout(environment: environment))
            let debugSink = options.debug ? AWSClient.standardErrorSink : nil
            var byRegion: [(String, [Spec])] = []
            let regionResolver = try RegionResolver(flag: options.region, context: credentialsContext(options, makeSTS: { _ in NoSTS() }))
            for spec in specs {
                let region = try regionResolver.resolve(specRegion: spec.region, specFile: spec.file)
                if let index = byRegion.firstIndex(where: { $0.0 == region }) {
                    byRegion[index].1.append(spec)
                } else {
                    byRegion.append((region, [spec]))
                }
            }
            return try byRegion.map { region, specs in
                if let makeAPI { return RegionSession(region: region, specs: specs, api: makeAPI(region)) }
                let urls = try endpoints.resolve(region: region)
                // AWS throttles per account and Region: one pace for every client of the Region.
                let pacer = RequestPacer()
                let makeClient: @Sendable ((any CredentialsProvider)?) -> AWSClient = { credentials in
                    AWSClient(region: region, endpoints: urls, credentials: credentials, transport: transport,
                              retryPolicy: retryPolicy, callLog: callLog, debugSink: debugSink, pacer: pacer)
                }
                let context = credentialsContext(options, makeSTS: { makeClient($0) })
                let credentials = CredentialChain(context: context).cached()
                return RegionSession(region: region, specs: specs, api: makeClient(credentials))
            }
        } catch let error as RPLinkError {
            throw error
        } catch {
            throw RPLinkError(.configuration, "cannot set up the AWS client", cause: error)
        }
    }

    /// The longest wait for a response to one HTTP request: `RPLINK_HTTP_TIMEOUT` seconds, else 30.
    /// A hung endpoint then fails the attempt, which is retried like any lost connection.
    static func httpTimeout(environment: [String: String]) throws(RPLinkError) -> TimeInterval {
        guard let text = environment[httpTimeoutVariable]?.trimmingWhitespace, !text.isEmpty else {
            return defaultHTTPTimeout
        }
        guard let seconds = Int(text), (1...3600).contains(seconds) else {
            throw RPLinkError(.configuration, "\(httpTimeoutVariable) must be a whole number of seconds from 1 to 3600, not \"\(text)\"")
        }
        return TimeInterval(seconds)
    }

    static let httpTimeoutVariable = "RPLINK_HTTP_TIMEOUT"
    static let defaultHTTPTimeout: TimeInterval = 30

    func credentialsContext(_ options: GlobalOptions, makeSTS: @escaping @Sendable ((any CredentialsProvider)?) -> any QueryAPI) -> CredentialsContext {
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return CredentialsContext(environment: environment, homeDirectory: home, profileFlag: options.profile, makeSTS: makeSTS)
    }

    /// Reads the live state of every spec's stack, the regions at once.
    func readLiveStates(_ sessions: [RegionSession]) async throws(RPLinkError) -> [String: LiveState] {
        try await readEachRegion(sessions) { reader, specs in try await reader.read(specs) }
    }

    /// Every stack's outputs, from a read of only what they show, all regions at once.
    func readOutputs(_ sessions: [RegionSession]) async throws(RPLinkError) -> [String: StackOutputs] {
        try await readEachRegion(sessions) { reader, specs in try await reader.readOutputs(specs) }
    }

    /// Runs one read per region, all at once, and merges what they found by stack name.
    private func readEachRegion<Value: Sendable>(
        _ sessions: [RegionSession], _ read: @escaping @Sendable (LiveStateReader, [Spec]) async throws -> [String: Value]
    ) async throws(RPLinkError) -> [String: Value] {
        let reads = await concurrentMap(sessions, limit: sessions.count) { session in
            try await read(LiveStateReader(api: session.api), session.specs)
        }
        var states: [String: Value] = [:]
        // Reported in the sessions' order, so the same failure gives the same error every time.
        for (session, read) in zip(sessions, reads) {
            switch read {
            case .success(let read):
                states.merge(read) { $1 }
            case .failure(let error as RPLinkError) where error.code != .aws:
                // Credential and configuration errors concern no stack; an unreachable
                // endpoint (code .aws) is wrapped below so the error names the stack.
                throw error
            case .failure(let error):
                let stacks = session.specs.map(\.name).joined(separator: ", ")
                throw RPLinkError(.aws, "reading the live state of stack \(stacks) in \(session.region) failed", cause: error)
            }
        }
        return states
    }
}

/// Stands in for STS where only the shared config files are read (region lookup).
private struct NoSTS: QueryAPI {
    func call(_ service: AWSService, _ action: String, _ parameters: QueryParameters) async throws -> XMLNode {
        throw RPLinkError(.configuration, "internal error: STS is not available while resolving the region")
    }
}
