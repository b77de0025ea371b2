import Testing
import RPLinkKit

@Suite struct ColorPolicyTests {
    @Test func colourOnATerminalByDefault() {
        #expect(ColorPolicy.useColor(noColorFlag: false, environment: [:], outputIsTerminal: true))
    }

    @Test func noColourWhenOutputIsNotATerminal() {
        #expect(!ColorPolicy.useColor(noColorFlag: false, environment: [:], outputIsTerminal: false))
    }

    @Test func noColorFlagTurnsColourOff() {
        #expect(!ColorPolicy.useColor(noColorFlag: true, environment: [:], outputIsTerminal: true))
    }

    @Test(arguments: [["NO_COLOR": "1"], ["NO_COLOR": "yes"], ["TERM": "dumb"]])
    func environmentTurnsColourOff(environment: [String: String]) {
        #expect(!ColorPolicy.useColor(noColorFlag: false, environment: environment, outputIsTerminal: true))
    }

    @Test func emptyNoColorIsIgnoredAsNoColorOrgSays() {
        #expect(ColorPolicy.useColor(noColorFlag: false, environment: ["NO_COLOR": ""], outputIsTerminal: true))
    }
}
