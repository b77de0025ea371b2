import Foundation
import Testing

/// How many AWS calls, in how many rounds, a converged `plan` makes for 1 and for 20 stacks
/// (DESIGN.md section 7, issue 4), counted from the `--debug` call log of the real binary.
///
/// The reader's model, which the counts are held to exactly:
/// - first step, one call per action whatever the number of stacks (names, ids and tags of every
///   stack go into one call): DescribeVpcs, DescribeSubnets, DescribeSecurityGroups,
///   DescribeLoadBalancers, DescribeTargetGroups, DescribeVpcEndpointServiceConfigurations;
/// - second step, by what the first found, each call as soon as the answers it needs are in:
///   DescribeTags (20 ARNs a call: an NLB and a target group per stack),
///   DescribeSecurityGroupRules (one filter for every group), and one call per stack of
///   DescribeLoadBalancerAttributes, DescribeListeners, DescribeTargetHealth and
///   DescribeVpcEndpointServicePermissions, which take a single ARN or id;
/// - no GetCallerIdentity: the account id is read from the ARNs found.
@Suite(.serialized) struct PlanIntegrationCallCountTests {
    static let shared = SharedEmulator()
    static let stackCount = 20

    static let roundOne: Set = [
        "DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups",
        "DescribeLoadBalancers", "DescribeTargetGroups", "DescribeVpcEndpointServiceConfigurations",
    ]
    static let perStack: Set = [
        "DescribeLoadBalancerAttributes", "DescribeListeners", "DescribeTargetHealth", "DescribeVpcEndpointServicePermissions",
    ]
    static let roundTwo: Set = perStack.union(["DescribeTags", "DescribeSecurityGroupRules"])
    /// The first-step answers each second-step action needs.
    static let needs: [String: Set<String>] = [
        "DescribeLoadBalancerAttributes": ["DescribeLoadBalancers"], "DescribeListeners": ["DescribeLoadBalancers"],
        "DescribeTargetHealth": ["DescribeTargetGroups"], "DescribeTags": ["DescribeLoadBalancers", "DescribeTargetGroups"],
        "DescribeSecurityGroupRules": ["DescribeSecurityGroups"],
        "DescribeVpcEndpointServicePermissions": ["DescribeVpcEndpointServiceConfigurations", "DescribeLoadBalancers"],
    ]

    /// The calls per action a converged plan of `stacks` owned-security-group stacks makes.
    static func expectedCounts(stacks: Int) -> [String: Int] {
        var counts: [String: Int] = [:]
        for action in roundOne { counts[action] = 1 }
        for action in perStack { counts[action] = stacks }
        // The stacks' own NLBs and target groups: others in the VPC only when a name is missing.
        counts["DescribeTags"] = (2 * stacks + 19) / 20
        counts["DescribeSecurityGroupRules"] = 1
        return counts
    }

    let rplink: RPLinkBinary

    init() throws {
        rplink = try RPLinkBinary.locate()
    }

    @Test func convergedPlanCallsGrowWithResourceTypesNotWithStacks() async throws {
        let setup = try await PlanSetup.make(suite: Self.shared)
        defer { setup.removeFolder() }
        let names = (1...Self.stackCount).map { String(format: "calls-%02d", $0) }
        let specs = try await setup.applyStacks(names, with: rplink)
        let made: [String: Int] = try await setup.boto.run("""
            wanted = {"\(names.joined(separator: "\", \""))"}
            lbs = [lb for lb in elbv2.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"][:-4] in wanted]
            services = [s for s in ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
                        if any(t["Key"] == "rplink:stack" and t["Value"] in wanted for t in s.get("Tags", []))]
            emit({"load_balancers": len(lbs), "services": len(services)})
            """)
        try #require(made == ["load_balancers": Self.stackCount, "services": Self.stackCount], "boto3 sees \(made) after apply")

        let single = try await convergedPlan([specs[0].path], setup)
        let all = try await convergedPlan([setup.folder.path], setup)

        #expect(single.countsByAction == Self.expectedCounts(stacks: 1))
        #expect(all.countsByAction == Self.expectedCounts(stacks: Self.stackCount))
        #expect(single.total == 12)
        #expect(all.total == 89)
        // The point of batching: 20 stacks cost far less than 20 single-stack plans.
        #expect(Double(all.total) < 0.5 * Double(Self.stackCount * single.total),
                "\(all.total) calls for \(Self.stackCount) stacks vs \(single.total) for one")
        for action in Self.roundOne {
            #expect(all.count(action) == single.count(action), "\(action) must not grow with stacks")
        }
        for log in [single, all] {
            expectTwoRounds(log)
            #expect(log.count("GetCallerIdentity") == 0, "the account id is in the ARNs found")
        }
        print("converged plan, 1 stack: \(single.total) calls \(single.countsByAction.sorted { $0.key < $1.key })")
        print("converged plan, \(Self.stackCount) stacks: \(all.total) calls \(all.countsByAction.sorted { $0.key < $1.key })")
    }

    /// Runs a `plan --debug --detailed-exitcode` that must find nothing to do; returns its calls.
    func convergedPlan(_ arguments: [String], _ setup: PlanSetup) async throws -> DebugCallLog {
        let result = try await rplink.run(["plan", "--debug", "--detailed-exitcode"] + arguments, emulator: setup.emulator)
        try #require(result.exitCode == 0, "the applied stacks should be converged:\n\(result)")
        return DebugCallLog(stderr: result.stderr)
    }

    /// The `--debug` log prints a call as it ends, so a second-step call shows after every
    /// first-step call it needs. (That nothing waits for more is ReadProgressTests' to show.)
    func expectTwoRounds(_ log: DebugCallLog, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(log.actions == Self.roundOne.union(Self.roundTwo), sourceLocation: sourceLocation)
        #expect(Set(Self.needs.keys) == Self.roundTwo, sourceLocation: sourceLocation)
        for (action, inputs) in Self.needs {
            guard let asked = log.span(of: [action]), let answered = log.span(of: inputs) else {
                Issue.record("\(action) or what it needs is missing: \(log.calls)", sourceLocation: sourceLocation)
                continue
            }
            #expect(answered.upperBound < asked.lowerBound, "\(action) ended before \(inputs) did: \(log.calls.map(\.action))",
                    sourceLocation: sourceLocation)
        }
    }
}
