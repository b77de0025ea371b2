import Foundation
import Testing
@testable import RPLinkKit

@Suite struct PlanFileTests {
    func savedPlan(live: LiveState = SeedStack.empty) -> PlanFile {
        let plan = Planner.plan(spec: SeedStack.spec, live: live)
        return PlanFile(options: .init(), stacks: [.init(spec: SeedStack.spec, plan: plan, live: live)])
    }

    @Test func roundTripKeepsEverything() throws {
        let file = savedPlan(live: PlanTextRendererTests.mixedPlanLive)
        let decoded = try PlanFile.decode(try file.encoded())
        #expect(decoded == file)
        #expect(decoded.stacks[0].plan.steps == file.stacks[0].plan.steps)
    }

    @Test func referencesAndAddressesAreReadableInTheFile() throws {
        let text = String(decoding: try savedPlan().encoded(), as: UTF8.self)
        #expect(text.contains("\"ref\" : \"load_balancer.nlb\""))
        #expect(text.contains("\"address\" : \"target.writer[\\\"10.0.0.1\\\"]\""))
        #expect(text.contains("\"formatVersion\" : 3"))
    }

    @Test func unchangedLiveStateIsFresh() throws {
        let file = savedPlan()
        #expect(!file.isStale(against: SeedStack.empty))
        try file.checkFresh(against: [SeedStack.empty])
    }

    @Test func changedLiveStateIsStaleAndRefused() {
        let file = savedPlan()
        var changed = SeedStack.empty
        changed.loadBalancer = SeedStack.converged().loadBalancer
        #expect(file.isStale(against: changed))
        #expect(file.staleStacks(against: [changed]) == ["planetscale-import"])
        #expect(file.staleStacks(against: []) == ["planetscale-import"])
        #expect {
            try file.checkFresh(against: [changed])
        } throws: { error in
            (error as? RPLinkError)?.code == .stalePlan && "\(error)".contains("stack planetscale-import")
        }
    }

    @Test func orderAndHealthStatesDoNotMakeAPlanStale() {
        let live = SeedStack.converged()
        var reordered = live
        reordered.subnets.reverse()
        reordered.loadBalancer?.tags.reverse()
        reordered.targets[0].state = "initial"
        reordered.loadBalancer?.state = "provisioning"
        reordered.otherStacks = ["made-meanwhile"]
        #expect(PlanFile.fingerprint(of: live) == PlanFile.fingerprint(of: reordered))
        var drained = live
        drained.targets[0].state = "draining"
        #expect(PlanFile.fingerprint(of: live) != PlanFile.fingerprint(of: drained))
    }

    /// Other stacks in the VPC are not this stack's state: they are not encoded, so plans saved
    /// before the list existed keep their fingerprint.
    @Test func otherStacksAreLeftOutOfTheEncodingAndTheFingerprint() throws {
        var live = SeedStack.converged()
        let before = PlanFile.fingerprint(of: live)
        live.otherStacks = ["made-meanwhile"]
        #expect(PlanFile.fingerprint(of: live) == before)
        #expect(!String(decoding: try JSONEncoder().encode(live), as: UTF8.self).contains("otherStacks"))
    }

    @Test func otherFormatVersionIsRefused() throws {
        var file = savedPlan()
        file.formatVersion = 99
        let data = try file.encoded()
        let error = #expect(throws: RPLinkError.self) { try PlanFile.decode(data) }
        #expect(error?.message.contains("format version 99; this rplink reads version \(PlanFile.currentFormatVersion)") == true)
        #expect(error?.message.contains("Make the plan again with `rplink plan --out FILE`") == true, "\(String(describing: error))")
        #expect(throws: RPLinkError.self) { try PlanFile.decode(Data("not json".utf8)) }
    }

    @Test func aDamagedPlanFileSaysWhatIsWrongInPlainWords() throws {
        let text = String(decoding: try savedPlan().encoded(), as: UTF8.self)
        let withoutVersion = try #require(text.firstRange(of: #/\n\s*"rplinkVersion" : "[^"]*",?/#))
        let damaged = Data(text.replacingCharacters(in: withoutVersion, with: "").utf8)
        let error = #expect(throws: RPLinkError.self) { try PlanFile.decode(damaged) }
        #expect(error?.description == "the plan file is damaged or was edited: 'rplinkVersion' is missing. Make the plan again with `rplink plan --out FILE`")
    }

    @Test(arguments: ["load_balancer.nlb", "target.writer[\"10.0.0.1\"]", "endpoint_service_principal[\"arn:aws:iam::1:root\"]", "endpoint_service.stray[\"vpce-svc-1\"]"])
    func addressesParseBack(text: String) {
        #expect(ResourceAddress(parsing: text)?.description == text)
    }

    @Test(arguments: ["bucket.x", "load_balancer.", "target.writer[\"x"])
    func malformedAddressesDoNotParse(text: String) {
        #expect(ResourceAddress(parsing: text) == nil)
    }
}
