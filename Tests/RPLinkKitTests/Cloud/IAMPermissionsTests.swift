import Foundation
import Testing
@testable import RPLinkKit

/// The policies users attach (Examples/iam) and their reference (docs/iam-policy.md) grant
/// exactly what rplink calls: a missing permission fails a user's apply, an extra one is a
/// permission given for nothing.
struct IAMPermissionsTests {
    static let root = SpecFixtures.repositoryRoot

    /// The actions each `Allow` statement of a policy file grants, by statement id.
    static func allowed(in file: String) throws -> [String: Set<String>] {
        let data = try Data(contentsOf: root.appendingPathComponent(file))
        let policy = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(policy["Version"] as? String == "2012-10-17")
        let statements = try #require(policy["Statement"] as? [[String: Any]])
        var granted: [String: Set<String>] = [:]
        for statement in statements {
            #expect(statement["Effect"] as? String == "Allow")
            let sid = try #require(statement["Sid"] as? String)
            granted[sid] = Set(try #require(statement["Action"] as? [String]))
        }
        return granted
    }

    @Test func planPolicyGrantsEveryReadAndNoWrite() throws {
        let granted = try Self.allowed(in: "Examples/iam/rplink-plan.json")
        #expect(granted.values.reduce(into: Set<String>()) { $0.formUnion($1) } == Set(IAMPermissions.plan))
        #expect(IAMPermissions.plan.contains("ec2:DescribeVpcs"))
        #expect(IAMPermissions.plan.contains("elasticloadbalancing:DescribeTargetHealth"))
        #expect(!IAMPermissions.plan.contains("ec2:CreateTags"))
    }

    @Test func applyPolicyGrantsEveryCallAndTheServiceLinkedRole() throws {
        let granted = try Self.allowed(in: "Examples/iam/rplink-apply.json")
        let all = granted.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        #expect(all == Set(IAMPermissions.apply))
        // Every EC2 and ELBv2 action rplink calls, under IAM's service names, and what AWS
        // checks with them: EC2 reads of the network, the service-linked role.
        let calls = EC2.Action.allCases.map { "ec2:\($0.rawValue)" } + ELBv2.Action.allCases.map { "elasticloadbalancing:\($0.rawValue)" }
        #expect(Set(IAMPermissions.apply).subtracting(calls) == [
            "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeInternetGateways", "ec2:DescribeInstances",
            IAMPermissions.serviceLinkedRole,
        ])
        // The role is granted in a statement of its own, only for Elastic Load Balancing's.
        #expect(granted.values.contains([IAMPermissions.serviceLinkedRole]))
        let data = try Data(contentsOf: Self.root.appendingPathComponent("Examples/iam/rplink-apply.json"))
        let policy = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let statements = try #require(policy["Statement"] as? [[String: Any]])
        let role = try #require(statements.first { ($0["Action"] as? [String]) == [IAMPermissions.serviceLinkedRole] })
        let condition = (role["Condition"] as? [String: Any])?["StringEquals"] as? [String: String]
        #expect(condition == ["iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"])
    }

    @Test func referenceListsEveryPermissionAndNoOther() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/iam-policy.md"), encoding: .utf8)
        let pattern = try Regex(#"`((?:ec2|elasticloadbalancing|iam):[A-Za-z]+)`"#)
        let named = Set(text.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) })
        #expect(named == Set(IAMPermissions.apply))
    }

    @Test(arguments: [
        (AWSService.ec2, "CreateSecurityGroup", ["ec2:CreateSecurityGroup", "ec2:CreateTags"]),
        (.ec2, "DescribeVpcs", ["ec2:DescribeVpcs"]),
        (.elbv2, "CreateListener", ["elasticloadbalancing:CreateListener", "elasticloadbalancing:AddTags"]),
        (.elbv2, "RegisterTargets", ["elasticloadbalancing:RegisterTargets", "ec2:DescribeInstances", "ec2:DescribeInternetGateways",
                                     "ec2:DescribeSubnets", "ec2:DescribeVpcs"]),
        (.elbv2, "CreateLoadBalancer", ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:AddTags",
                                        "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeInternetGateways",
                                        "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
                                        "iam:CreateServiceLinkedRole"]),
        (.elbv2, "DeleteListener", ["elasticloadbalancing:DeleteListener"]),
        (.sts, "GetCallerIdentity", []),
        (.ec2, "RunInstances", []),
    ])
    func eachCallNeedsItsOwnPermissionAndTaggingOnCreate(service: AWSService, action: String, expected: [String]) {
        #expect(IAMPermissions.needed(service, action) == expected)
    }

    @Test func accessDeniedNamesThePermissionAWSRefused() {
        // AWS's message names what the policy lacks, which may be a permission checked along
        // with the call rather than the call's own.
        let denied = AWSError(
            service: .elbv2, action: "CreateLoadBalancer", code: "AccessDenied",
            message: "User: arn:aws:sts::123456789012:assumed-role/ci/x is not authorized to perform: ec2:DescribeAddresses because no identity-based policy allows the ec2:DescribeAddresses action",
            requestId: "r-1", httpStatus: 403)
        #expect(denied.isAccessDenied)
        #expect("\(denied)".hasSuffix(
            "[request id r-1]. rplink needs the IAM permission ec2:DescribeAddresses here;"
                + " docs/iam-policy.md has a policy with every permission rplink uses"))

        let named = AWSError(service: .elbv2, action: "DescribeListeners", code: "AccessDenied",
                             message: "User: arn:aws:iam::1:user/u is not authorized to perform: elasticloadbalancing:DescribeListeners.", httpStatus: 403)
        #expect("\(named)".contains("rplink needs the IAM permission elasticloadbalancing:DescribeListeners here;"))
    }

    @Test func accessDeniedWithoutANameListsWhatAWSChecks() {
        let denied = AWSError(service: .ec2, action: "CreateSecurityGroup", code: "UnauthorizedOperation",
                              message: "You are not authorized to perform this operation. Encoded authorization failure message: AbC",
                              httpStatus: 403)
        #expect("\(denied)".hasSuffix(
            ". AWS checks the IAM permissions ec2:CreateSecurityGroup and ec2:CreateTags for this call;"
                + " docs/iam-policy.md has a policy with every permission rplink uses"
                + " (`aws sts decode-authorization-message` tells which one was refused)"))
        let plain = AWSError(service: .elbv2, action: "RegisterTargets", code: "AccessDenied", message: "denied", httpStatus: 403)
        #expect("\(plain)".hasSuffix(
            ". AWS checks the IAM permissions elasticloadbalancing:RegisterTargets, ec2:DescribeInstances,"
                + " ec2:DescribeInternetGateways, ec2:DescribeSubnets and ec2:DescribeVpcs for this call;"
                + " docs/iam-policy.md has a policy with every permission rplink uses"))
    }

    @Test(arguments: ["InvalidParameterValue", "AuthFailure", "SignatureDoesNotMatch"])
    func otherErrorsNameNoPermission(code: String) {
        let error = AWSError(service: .ec2, action: "DescribeVpcs", code: code, message: "m", httpStatus: 400)
        #expect(!error.isAccessDenied)
        #expect(!"\(error)".contains("IAM permission"))
    }

    @Test func deniedCallOutsideThePoliciesNamesNone() {
        let error = AWSError(service: .sts, action: "AssumeRole", code: "AccessDenied", message: "User: u is not authorized to perform: sts:AssumeRole on resource: r", httpStatus: 403)
        #expect(!"\(error)".contains("IAM permission"))
    }
}
