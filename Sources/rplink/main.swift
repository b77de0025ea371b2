import Foundation
import RPLinkKit

let runner = CommandRunner(console: StandardConsole(), environment: ProcessInfo.processInfo.environment)
let exitCode = await runner.run(arguments: Array(CommandLine.arguments.dropFirst()))
exit(exitCode.rawValue)
