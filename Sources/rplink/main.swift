import Foundation
import RPLinkKit

// First Ctrl-C: let running AWS calls finish and start no new ones; second: stop at once.
let stop = StopSignal()
signal(SIGINT, SIG_IGN)
let interrupts = DispatchSource.makeSignalSource(signal: SIGINT, queue: .main)
nonisolated(unsafe) var interruptCount = 0
interrupts.setEventHandler {
    interruptCount += 1
    if interruptCount == 1 {
        stop.stop()
        FileHandle.standardError.write(Data("\nInterrupt received: waiting for running steps to finish; no new step starts. Press Ctrl-C again to stop at once.\n".utf8))
    } else {
        FileHandle.standardError.write(Data("\nStopped at once. Run the same command again to converge.\n".utf8))
        exit(130)
    }
}
interrupts.resume()

let runner = CommandRunner(console: StandardConsole(), environment: ProcessInfo.processInfo.environment, stop: stop)
let exitCode = await runner.run(arguments: Array(CommandLine.arguments.dropFirst()))
exit(exitCode.rawValue)
