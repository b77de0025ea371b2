import Foundation
import Synchronization

/// What the executor reports while it runs, for the progress lines the renderer prints.
public struct ExecutionEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case started
        /// The step is still waiting on AWS; sent every progress interval.
        case stillRunning(elapsed: Duration)
        case finished(elapsed: Duration)
        case failed(message: String, elapsed: Duration)
        /// Not run, because a step it depends on failed or the run was interrupted.
        case skipped(reason: String)
    }

    public var stack: String
    public var step: PlanStep
    public var kind: Kind

    public init(stack: String, step: PlanStep, kind: Kind) {
        self.stack = stack
        self.step = step
        self.kind = kind
    }
}

/// The outcome of one run: which steps were done, which failed (with the error), which were skipped.
public struct ExecutionReport: Sendable {
    public struct Failure: Sendable {
        public var stack: String
        public var step: PlanStep
        public var error: any Error
    }

    public var done: [(stack: String, step: PlanStep)] = []
    public var failed: [Failure] = []
    public var skipped: [(stack: String, step: PlanStep, reason: String)] = []
    /// True when an interruption stopped the scheduling of new steps.
    public var interrupted = false

    public var succeeded: Bool { failed.isEmpty && skipped.isEmpty && !interrupted }
}

/// Set on the first Ctrl-C: running steps finish, no new step starts.
public final class StopSignal: Sendable {
    private let flag = Mutex(false)
    public init() {}
    public func stop() { flag.withLock { $0 = true } }
    public var isStopped: Bool { flag.withLock { $0 } }
}
