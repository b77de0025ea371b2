import Foundation

/// A saved plan (`plan --out FILE`), run later by `apply FILE` without asking.
///
/// It holds, per stack, the spec, the plan with its steps, and a fingerprint of the live
/// state the plan was made from: apply re-reads the account and refuses the file when any
/// fingerprint differs. It holds ids, names and settings only, never credentials.
public struct PlanFile: Sendable, Equatable, Codable {
    /// 2: cross-zone became a step of its own (`setCrossZone` after `createLoadBalancer`).
    /// 3: a spec may name `writer_endpoint`, which apply looks up again (`checkWriters`).
    public static let currentFormatVersion = 3

    public var formatVersion: Int
    public var rplinkVersion: String
    public var options: PlanOptions
    public var stacks: [Entry]

    public struct Entry: Sendable, Equatable, Codable {
        public var spec: Spec
        public var plan: StackPlan
        public var liveFingerprint: String

        public init(spec: Spec, plan: StackPlan, live: LiveState) {
            self.spec = spec
            self.plan = plan
            self.liveFingerprint = PlanFile.fingerprint(of: live)
        }

        public func isStale(against live: LiveState) -> Bool {
            live.stack != spec.name || PlanFile.fingerprint(of: live) != liveFingerprint
        }
    }

    public init(options: PlanOptions, stacks: [Entry]) {
        self.formatVersion = Self.currentFormatVersion
        self.rplinkVersion = RPLink.version
        self.options = options
        self.stacks = stacks
    }

    /// True when the single-stack file's live state has changed. A file with several stacks
    /// is stale against one state unless it holds exactly that one stack.
    public func isStale(against live: LiveState) -> Bool {
        staleStacks(against: [live]) != [] || stacks.count != 1
    }

    /// Names of stacks whose live state changed, or that have no fresh state at all.
    public func staleStacks(against live: [LiveState]) -> [String] {
        let byStack = Dictionary(live.map { ($0.stack, $0) }, uniquingKeysWith: { first, _ in first })
        return stacks.filter { entry in byStack[entry.spec.name].map(entry.isStale(against:)) ?? true }.map(\.spec.name)
    }

    /// Refuses a stale file with the error apply reports (exit 1).
    public func checkFresh(against live: [LiveState]) throws {
        let stale = staleStacks(against: live)
        guard stale.isEmpty else {
            throw RPLinkError(.stalePlan, "the saved plan is stale: the live state of \(stale.map { "stack \($0)" }.joined(separator: ", ")) has changed since it was made; run `rplink plan` again")
        }
    }

    /// Refuses a plan made when a stack's `writer_endpoint` pointed elsewhere than it does now
    /// (`lookedUp`: the specs as just looked up again): the writer has moved since, and the plan
    /// would register the old one. A name that cannot be looked up now cannot be checked.
    public func checkWriters(_ lookedUp: WriterEndpointResolver.Outcome) throws(RPLinkError) {
        let now = Dictionary(lookedUp.specs.map { ($0.name, $0.database.writerIP) }) { first, _ in first }
        var moved: [String] = []
        for entry in stacks {
            guard let host = entry.spec.database.writerEndpoint else { continue }
            let saved = entry.spec.database.writerIP
            if let problem = lookedUp.problems[entry.spec.name] {
                throw RPLinkError(.preflight, "cannot check the writer of stack \(entry.spec.name) before applying the saved plan: database.writer_endpoint \(problem)")
            }
            if let address = now[entry.spec.name], address != saved {
                moved.append("stack \(entry.spec.name): database.writer_endpoint '\(host)' resolved to \(saved) when the plan was made and resolves to \(address) now (the writer has moved)")
            }
        }
        guard moved.isEmpty else {
            throw RPLinkError(.stalePlan, "the saved plan is stale: \(moved.joined(separator: "; ")); run `rplink plan` again")
        }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> PlanFile {
        struct Header: Decodable { var formatVersion: Int }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw RPLinkError(.io, "not an rplink plan file", cause: error)
        }
        guard header.formatVersion == currentFormatVersion else {
            throw RPLinkError(.io, "the plan file has format version \(header.formatVersion); this rplink reads version \(currentFormatVersion). Make the plan again with `rplink plan --out FILE`")
        }
        do {
            return try JSONDecoder().decode(PlanFile.self, from: data)
        } catch {
            // The decoder's own account names Swift types and coding paths; no use to a reader.
            throw RPLinkError(.io, "the plan file is damaged or was edited: \(Self.whatIsWrong(error)). Make the plan again with `rplink plan --out FILE`")
        }
    }

    private static func whatIsWrong(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            let place = path(context)
            return "'\(place.isEmpty ? "" : place + ".")\(key.stringValue)' is missing"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "'\(path(context))' has the wrong type"
        case .dataCorrupted(let context)?:
            return context.codingPath.isEmpty ? "it is not valid JSON" : "'\(path(context))' is not valid"
        default:
            return "it cannot be read"
        }
    }

    /// FNV-1a over a canonical encoding of what the plan depends on. Lists are sorted and
    /// transient states (a target's health, an NLB provisioning) are reduced to what the
    /// planner looks at, so a plan does not go stale because a health check passed.
    public static func fingerprint(of live: LiveState) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(live.canonicalized())) ?? Data()
        return "fnv1a64:" + FNV1a.hex(String(decoding: data, as: UTF8.self))
    }
}

extension LiveState {
    /// The same state with every list in a fixed order and transient states normalised.
    func canonicalized() -> LiveState {
        func sortedTags(_ tags: [Spec.Tag]) -> [Spec.Tag] { tags.sorted { ($0.key, $0.value) < ($1.key, $1.value) } }
        var copy = self
        copy.vpc?.cidrBlocks.sort()
        copy.subnets.sort { $0.id < $1.id }
        copy.missingSubnetIds.sort()
        copy.referencedSecurityGroup?.tags = sortedTags(referencedSecurityGroup?.tags ?? [])
        copy.ownedSecurityGroup?.tags = sortedTags(ownedSecurityGroup?.tags ?? [])
        copy.securityGroupRules = securityGroupRules.map { rule in
            var rule = rule
            rule.tags = sortedTags(rule.tags)
            return rule
        }.sorted { $0.id < $1.id }
        if var loadBalancer = copy.loadBalancer {
            loadBalancer.subnetIds.sort()
            loadBalancer.securityGroupIds.sort()
            loadBalancer.tags = sortedTags(loadBalancer.tags)
            loadBalancer.state = ""
            copy.loadBalancer = loadBalancer
        }
        copy.targetGroup?.tags = sortedTags(targetGroup?.tags ?? [])
        copy.targets = targets.filter(\.isRegistered).map { Target(id: $0.id, port: $0.port, state: "registered") }
            .sorted { ($0.id, $0.port) < ($1.id, $1.port) }
        copy.listeners = listeners.map { listener in
            var listener = listener
            listener.tags = sortedTags(listener.tags)
            return listener
        }.sorted { $0.arn < $1.arn }
        copy.endpointServices = endpointServices.map { service in
            var service = service
            service.tags = sortedTags(service.tags)
            service.loadBalancerArns.sort()
            service.state = ""
            return service
        }.sorted { $0.id < $1.id }
        copy.allowedPrincipals.sort()
        return copy
    }
}
