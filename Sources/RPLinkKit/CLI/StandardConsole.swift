import Foundation

/// The process's own standard input, output and error.
public struct StandardConsole: Console {
    public init() {}

    // FileHandle rather than print(): print's buffer would reorder stdout against stderr.
    public func writeOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    public func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    public var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    public var inputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    public func readLine() -> String? {
        Swift.readLine(strippingNewline: true)
    }
}
