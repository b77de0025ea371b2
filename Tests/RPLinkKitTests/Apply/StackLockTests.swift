import Foundation
import Testing
@testable import RPLinkKit

/// The lock that keeps two runs of one stack apart: taken once, refused while held, and
/// taken over only from a run of this machine whose process is gone.
@Suite struct StackLockTests {
    typealias Reply = RecordingQueryAPI.Reply

    static let me = StackLock.Holder(host: "build-1", pid: 4242, since: "2026-11-24T21:00:00Z")

    static func lockGroup(holder: String) throws -> Reply {
        .xml(try FakeAWS.xml("""
            <DescribeSecurityGroupsResponse><securityGroupInfo><item><groupId>sg-0lock</groupId>\
            <groupName>rplink-lock-planetscale-import</groupName><vpcId>vpc-0f00</vpcId>\
            <tagSet><item><key>rplink:lock</key><value>\(holder)</value></item></tagSet></item></securityGroupInfo></DescribeSecurityGroupsResponse>
            """))
    }

    static let duplicate = Reply.error(AWSError(service: .ec2, action: "CreateSecurityGroup", code: "InvalidGroup.Duplicate", message: "exists", httpStatus: 400))

    static func created(_ id: String) throws -> Reply {
        .xml(try FakeAWS.xml("<CreateSecurityGroupResponse><groupId>\(id)</groupId></CreateSecurityGroupResponse>"))
    }

    @Test func freeLockIsTakenWithItsHolderTagged() async throws {
        let api = RecordingQueryAPI(["CreateSecurityGroup": [try Self.created("sg-0new")]])
        let id = try await StackLock(ec2: EC2(api: api), holder: Self.me).acquire(SeedStack.spec) { _ in true }
        #expect(id == "sg-0new")
        let call = try #require(await api.calls("CreateSecurityGroup").first)
        #expect(call.parameters["GroupName"] == "rplink-lock-planetscale-import")
        #expect(call.parameters.pairs.contains { $0.value == "build-1|4242|2026-11-24T21:00:00Z" })
    }

    @Test func lockHeldByALiveRunIsRefusedWithHowToClearIt() async throws {
        let api = RecordingQueryAPI([
            "CreateSecurityGroup": [Self.duplicate],
            "DescribeSecurityGroups": [try Self.lockGroup(holder: "build-1|77|2026-11-24T20:59:00Z")],
        ])
        let error = try await #require(throws: RPLinkError.self) {
            try await StackLock(ec2: EC2(api: api), holder: Self.me).acquire(SeedStack.spec) { _ in true }
        }
        #expect(error.message.contains("pid 77 on build-1"))
        #expect(error.message.contains("delete security group sg-0lock"))
        #expect(await api.calls("DeleteSecurityGroup").isEmpty)
    }

    @Test func lockOfAnotherMachineIsNeverTakenOver() async throws {
        let api = RecordingQueryAPI([
            "CreateSecurityGroup": [Self.duplicate],
            "DescribeSecurityGroups": [try Self.lockGroup(holder: "ci-runner|77|2026-11-24T20:59:00Z")],
        ])
        await #expect(throws: RPLinkError.self) {
            try await StackLock(ec2: EC2(api: api), holder: Self.me).acquire(SeedStack.spec) { _ in false }
        }
        #expect(await api.calls("DeleteSecurityGroup").isEmpty)
    }

    @Test func lockLeftByAKilledRunOfThisMachineIsTakenOver() async throws {
        let api = RecordingQueryAPI([
            "CreateSecurityGroup": [Self.duplicate, try Self.created("sg-0mine")],
            "DescribeSecurityGroups": [try Self.lockGroup(holder: "build-1|77|2026-11-24T20:59:00Z")],
            "DeleteSecurityGroup": [.xml(try FakeAWS.xml("<DeleteSecurityGroupResponse><return>true</return></DeleteSecurityGroupResponse>"))],
        ])
        let id = try await StackLock(ec2: EC2(api: api), holder: Self.me).acquire(SeedStack.spec) { $0 != 77 }
        #expect(id == "sg-0mine")
        #expect(await api.actions == ["CreateSecurityGroup", "DescribeSecurityGroups", "DeleteSecurityGroup", "CreateSecurityGroup"])
    }

    @Test func lockWhoseCreateReplyWasLostIsRecognisedAsOurs() async throws {
        let api = RecordingQueryAPI([
            "CreateSecurityGroup": [.error(AWSError(service: .ec2, action: "CreateSecurityGroup", code: "InternalError", message: "lost", httpStatus: 500))],
            "DescribeSecurityGroups": [try Self.lockGroup(holder: "build-1|4242|2026-11-24T21:00:00Z")],
        ])
        let id = try await StackLock(ec2: EC2(api: api), holder: Self.me).acquire(SeedStack.spec) { _ in true }
        #expect(id == "sg-0lock")
        #expect(await api.actions == ["CreateSecurityGroup", "DescribeSecurityGroups"])
    }

    @Test func thisProcessIsAliveAndAnUnusedPidIsNot() {
        #expect(StackLock.processIsAlive(ProcessInfo.processInfo.processIdentifier))
        #expect(!StackLock.processIsAlive(Int32.max - 1))
    }
}
