import Foundation
import Testing
@testable import RPLinkKit

@Suite struct StackOutputsTests {
    static let keys: Set<String> = [
        "service_id", "service_name", "load_balancer_arn", "load_balancer_dns_name", "target_group_arn",
        "listener_arn", "security_group_id", "allowed_principals",
    ]

    static func json(_ outputs: [StackOutputs]) throws -> [String: Any] {
        let text = try StackOutputs.renderJSON(outputs)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func convergedStackReportsEveryOutput() {
        let outputs = StackOutputs(spec: SeedStack.spec, live: SeedStack.converged())
        #expect(outputs.serviceId == SeedStack.serviceId)
        #expect(outputs.serviceName == "com.amazonaws.vpce.us-east-1.\(SeedStack.serviceId)")
        #expect(outputs.loadBalancerArn == SeedStack.loadBalancerArn)
        #expect(outputs.loadBalancerDNSName == "pl-nlb-50dc6c495c0c9188.elb.us-east-1.amazonaws.com")
        #expect(outputs.targetGroupArn == SeedStack.targetGroupArn)
        #expect(outputs.listenerArn == SeedStack.listenerArn)
        #expect(outputs.securityGroupId == SeedStack.securityGroupId)
        #expect(outputs.allowedPrincipals == [SeedStack.root])
    }

    @Test func jsonHasExactlyTheDocumentedKeys() throws {
        let object = try Self.json([StackOutputs(spec: SeedStack.spec, live: SeedStack.converged())])
        #expect(Set(object.keys) == Self.keys)
        #expect(object["service_id"] as? String == SeedStack.serviceId)
        #expect(object["service_name"] as? String == "com.amazonaws.vpce.us-east-1.\(SeedStack.serviceId)")
        #expect(object["load_balancer_arn"] as? String == SeedStack.loadBalancerArn)
        #expect(object["listener_arn"] as? String == SeedStack.listenerArn)
        #expect(object["target_group_arn"] as? String == SeedStack.targetGroupArn)
        #expect(object["security_group_id"] as? String == SeedStack.securityGroupId)
        #expect(object["allowed_principals"] as? [String] == [SeedStack.root])
    }

    @Test func jsonOfAnEmptyStackHasEveryKeyWithNullsAndAnEmptyList() throws {
        let object = try Self.json([StackOutputs(spec: SeedStack.spec, live: SeedStack.empty)])
        #expect(Set(object.keys) == Self.keys)
        for key in Self.keys.subtracting(["allowed_principals"]) {
            #expect(object[key] is NSNull, "\(key)")
        }
        #expect(object["allowed_principals"] as? [String] == [])
    }

    @Test func jsonOfSeveralStacksIsKeyedByStackName() throws {
        var other = SeedStack.spec
        other.name = "other"
        let object = try Self.json([
            StackOutputs(spec: SeedStack.spec, live: SeedStack.converged()),
            StackOutputs(spec: other, live: LiveState.empty(for: other, accountId: SeedStack.account)),
        ])
        #expect(Set(object.keys) == ["planetscale-import", "other"])
        let seed = try #require(object["planetscale-import"] as? [String: Any])
        #expect(Set(seed.keys) == Self.keys)
        #expect(seed["service_id"] as? String == SeedStack.serviceId)
        #expect((object["other"] as? [String: Any])?["service_id"] is NSNull)
    }

    @Test func objectsWithoutOurTagAreNotReported() {
        var live = SeedStack.converged()
        let loadBalancerTags = live.loadBalancer?.tags ?? [], targetGroupTags = live.targetGroup?.tags ?? []
        let groupTags = live.ownedSecurityGroup?.tags ?? []
        live.loadBalancer?.tags = SeedStack.untagged(loadBalancerTags)
        live.targetGroup?.tags = SeedStack.untagged(targetGroupTags)
        live.ownedSecurityGroup?.tags = SeedStack.untagged(groupTags)
        live.endpointServices[0].tags = SeedStack.untagged(live.endpointServices[0].tags)
        let outputs = StackOutputs(spec: SeedStack.spec, live: live)
        #expect(outputs.serviceId == nil)
        #expect(outputs.serviceName == nil)
        #expect(outputs.loadBalancerArn == nil)
        #expect(outputs.loadBalancerDNSName == nil)
        // The listener belongs to whoever owns its NLB, the principals to whoever owns the service.
        #expect(outputs.listenerArn == nil)
        #expect(outputs.allowedPrincipals.isEmpty)
        #expect(outputs.targetGroupArn == nil)
        #expect(outputs.securityGroupId == nil)
    }

    @Test func anotherStacksObjectsAreNotReported() {
        var live = SeedStack.converged()
        let theirs = [Spec.Tag(key: StackConventions.stackTagKey, value: "someone-else")]
        live.loadBalancer?.tags = theirs
        live.endpointServices[0].tags = theirs
        let outputs = StackOutputs(spec: SeedStack.spec, live: live)
        #expect(outputs.loadBalancerArn == nil)
        #expect(outputs.serviceId == nil)
        #expect(outputs.targetGroupArn == SeedStack.targetGroupArn)
    }

    @Test func referencedSecurityGroupIsTheSpecsOwn() {
        var spec = SeedStack.spec
        spec.producer.securityGroupId = "sg-0referenced000000"
        let outputs = StackOutputs(spec: spec, live: SeedStack.converged(spec))
        #expect(outputs.securityGroupId == "sg-0referenced000000")
    }

    @Test func textListsEveryKeyAndSaysWhatToSendToTheVendor() {
        let text = StackOutputs(spec: SeedStack.spec, live: SeedStack.converged()).renderText()
        #expect(text.hasPrefix("Outputs of stack planetscale-import:\n"))
        #expect(text.contains("  service_id = \"\(SeedStack.serviceId)\"\n"))
        #expect(text.contains("  service_name = \"com.amazonaws.vpce.us-east-1.\(SeedStack.serviceId)\"\n"))
        #expect(text.contains("  allowed_principals = [\"\(SeedStack.root)\"]\n"))
        for key in Self.keys {
            #expect(text.contains("  \(key) = "), "\(key)")
        }
        #expect(text.contains("Send the endpoint service name com.amazonaws.vpce.us-east-1.\(SeedStack.serviceId) (id \(SeedStack.serviceId)) to your vendor"))
        #expect(text.contains("account 123456789012 is allowed"))
    }

    @Test func vendorSentenceCountsTheOtherAllowedPrincipals() {
        var spec = SeedStack.spec
        spec.consumer.principals = ["arn:aws:iam::123456789012:role/importer"]
        let text = StackOutputs(spec: spec, live: SeedStack.converged(spec)).renderText()
        #expect(text.contains("account 123456789012 and 1 more principal (allowed_principals) are allowed to create an interface endpoint"), "\(text)")
    }

    @Test func textOfAnEmptyStackShowsNoneAndNoVendorSentence() {
        let text = StackOutputs(spec: SeedStack.spec, live: SeedStack.empty).renderText()
        #expect(text.contains("  service_id = (none)\n"))
        #expect(text.contains("  allowed_principals = []\n"))
        #expect(!text.contains("Send the endpoint service"))
    }
}
