import Foundation
import RPLinkKit

/// A console that keeps what was written, for assertions.
final class RecordingConsole: Console, @unchecked Sendable {
    private let lock = NSLock()
    private var outputText = ""
    private var errorText = ""
    private var inputLines: [String]
    let outputIsTerminal: Bool
    let inputIsTerminal: Bool

    init(input: [String] = [], outputIsTerminal: Bool = false, inputIsTerminal: Bool = false) {
        self.inputLines = input
        self.outputIsTerminal = outputIsTerminal
        self.inputIsTerminal = inputIsTerminal
    }

    var output: String { lock.withLock { outputText } }
    var error: String { lock.withLock { errorText } }

    func writeOutput(_ text: String) { lock.withLock { outputText += text } }
    func writeError(_ text: String) { lock.withLock { errorText += text } }

    func readLine() -> String? {
        lock.withLock { inputLines.isEmpty ? nil : inputLines.removeFirst() }
    }
}
