import Foundation

/// Keeps two applies (or destroys) of one stack from running at once.
///
/// Re-reading before each create is not enough when two runs create at the same moment, and
/// not every AWS create is idempotent (the emulator makes duplicate NLBs and listeners). The
/// lock is the one thing EC2 guarantees to be unique: a security group name in a VPC. It is
/// created before the first change and deleted after the last; its tags say who holds it.
/// A lock left behind by a run that was killed on this machine is taken over when its process
/// is gone; any other holder stops the run with an error that says how to clear it.
public struct StackLock: Sendable {
    public var ec2: EC2
    public var holder: Holder

    public struct Holder: Sendable, Equatable {
        public var host: String
        public var pid: Int32
        public var since: String

        public init(host: String, pid: Int32, since: String) {
            self.host = host
            self.pid = pid
            self.since = since
        }

        /// This process.
        public static func current(now: Date = Date()) -> Holder {
            Holder(host: ProcessInfo.processInfo.hostName, pid: ProcessInfo.processInfo.processIdentifier,
                   since: ISO8601DateFormatter().string(from: now))
        }

        var tagValue: String { "\(host)|\(pid)|\(since)" }

        init?(tagValue: String) {
            let parts = tagValue.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let pid = Int32(parts[1]) else { return nil }
            self.init(host: parts[0], pid: pid, since: parts[2])
        }
    }

    public static let holderTagKey = "rplink:lock"

    public init(ec2: EC2, holder: Holder = .current()) {
        self.ec2 = ec2
        self.holder = holder
    }

    public static func groupName(for stack: String) -> String { "rplink-lock-\(stack)" }

    /// Takes the lock of `spec`'s stack and returns the lock group's id, for `release`.
    public func acquire(_ spec: Spec, isAlive: @Sendable (Int32) -> Bool = Self.processIsAlive) async throws -> String {
        let name = Self.groupName(for: spec.name)
        let tags = [Spec.Tag(key: Self.holderTagKey, value: holder.tagValue), Spec.Tag(key: StackConventions.stackTagKey, value: spec.name)]
        for _ in 0..<3 {
            do {
                return try await ec2.createSecurityGroup(
                    name: name, description: "rplink lock: an apply or destroy of stack \(spec.name) is running",
                    vpcId: spec.producer.vpcId, tags: tags)
            } catch let error as AWSError where error.code == "InvalidGroup.Duplicate" {
                if let mine = try await inspectExisting(spec, isAlive: isAlive) { return mine }
            } catch where RetryPolicy.outcomeIsUnknown(error) {
                // The create may have happened: the lock is ours if it carries our holder tag.
                if let mine = try await inspectExisting(spec, isAlive: isAlive) { return mine }
            }
        }
        throw RPLinkError(.configuration, "stack \(spec.name): could not take the lock \(name); run again")
    }

    /// Looks at the lock group under our name: returns its id when it is ours (an earlier
    /// attempt of this run made it), deletes it when a killed run of this machine left it
    /// (nil: try again), and throws, saying how to clear it, when someone else holds it.
    func inspectExisting(_ spec: Spec, isAlive: @Sendable (Int32) -> Bool) async throws -> String? {
        let name = Self.groupName(for: spec.name)
        guard let (lock, other) = try await existingLock(spec) else { return nil }
        if other == holder { return lock.groupId }
        if let other, other.host == holder.host, !isAlive(other.pid) {
            try await release(lock.groupId)
            return nil
        }
        let who = other.map { "rplink (pid \($0.pid) on \($0.host), since \($0.since))" } ?? "another rplink"
        throw RPLinkError(.configuration, "stack \(spec.name) is being changed by \(who): wait for it to finish. If no rplink is running, delete security group \(lock.groupId) (\(name)) in \(spec.producer.vpcId) and run again")
    }

    /// Deletes a lock that a run killed on this machine left behind, for a run that changes
    /// nothing and so takes no lock: a kill after the last step would otherwise leave the lock
    /// there for good, and block the next run from another machine. Returns the group deleted.
    @discardableResult
    public func clearAbandoned(_ spec: Spec, isAlive: @Sendable (Int32) -> Bool = Self.processIsAlive) async throws -> String? {
        guard let (lock, other) = try await existingLock(spec), let other, other.host == holder.host, !isAlive(other.pid)
        else { return nil }
        try await release(lock.groupId)
        return lock.groupId
    }

    /// The stack's lock group, if there is one, with the holder its tag names.
    func existingLock(_ spec: Spec) async throws -> (group: EC2.SecurityGroup, holder: Holder?)? {
        let name = Self.groupName(for: spec.name)
        let existing = try await ec2.describeSecurityGroups(filters: [.init("group-name", [name]), .init("vpc-id", [spec.producer.vpcId])])
        guard let lock = existing.first else { return nil }
        return (lock, lock.tags.first { $0.key == Self.holderTagKey }.flatMap { Holder(tagValue: $0.value) })
    }

    /// Gives the lock back; a lock already gone is fine.
    public func release(_ groupId: String) async throws {
        do {
            try await ec2.deleteSecurityGroup(id: groupId)
        } catch let error as AWSError where error.isNotFound {
            return
        }
    }

    /// Whether a process of this machine still runs (signal 0 checks without signalling).
    public static let processIsAlive: @Sendable (Int32) -> Bool = { pid in
        kill(pid, 0) == 0 || errno == EPERM
    }
}
