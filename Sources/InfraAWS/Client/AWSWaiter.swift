import Foundation

/// What one poll of a waiter found.
public enum WaitState<Value: Sendable>: Sendable {
    /// The resource reached the wanted state.
    case done(Value)
    /// Not yet; `status` is shown in progress reports ("pending", "creating").
    case pending(status: String)
    /// The resource reached a state it will never leave for the wanted one ("failed").
    case failed(status: String, reason: String)
}

/// A progress report after each poll that was not final.
public struct WaitProgress: Sendable, Hashable {
    /// What is being waited for ("NAT gateway nat-0abc to become available").
    public var subject: String
    public var status: String
    public var attempt: Int
    /// Seconds since the wait started, by the waiter's clock.
    public var elapsed: Double
    /// Seconds until the next poll.
    public var nextDelay: Double
}

/// How a waiter paces itself: exponential backoff between polls, capped, within a timeout.
public struct WaitPolicy: Sendable, Hashable {
    public var initialDelay: Double
    public var maxDelay: Double
    public var multiplier: Double
    public var timeout: Double

    public init(initialDelay: Double = 2, maxDelay: Double = 30, multiplier: Double = 1.5, timeout: Double = 1800) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
        self.timeout = timeout
    }
}

/// Time for waiters, injectable so tests run without sleeping.
public protocol WaitClock: Sendable {
    /// Seconds since an arbitrary fixed point.
    func now() -> Double
    func sleep(seconds: Double) async throws
}

/// The real clock: monotonic time and `Task.sleep` (which honours cancellation).
public struct ContinuousWaitClock: WaitClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Double {
        let elapsed = ContinuousClock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    public func sleep(seconds: Double) async throws {
        try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded())))
    }
}

/// Why a wait ended without the wanted state.
public struct WaitError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case timedOut
        case failedState
    }

    public var kind: Kind
    public var subject: String
    public var lastStatus: String
    public var attempts: Int
    public var elapsed: Double
    public var reason: String

    public var description: String {
        switch kind {
        case .timedOut:
            return "timed out after \(Int(elapsed)) s and \(attempts) checks waiting for \(subject) "
                + "(last status: \(lastStatus)); raise the timeout or check the resource in the AWS console"
        case .failedState:
            return "\(subject) went to \(lastStatus): \(reason)"
        }
    }
}

/// Polls until a predicate says done, with backoff, a timeout and progress reports.
public enum AWSWaiter {
    /// Calls `poll` until it returns `.done` (its value is returned), `.failed` (throws
    /// ``WaitError``), or the policy's timeout passes (throws ``WaitError``). Errors from `poll`
    /// end the wait and propagate.
    public static func wait<Value: Sendable>(
        for subject: String,
        policy: WaitPolicy = WaitPolicy(),
        clock: any WaitClock = ContinuousWaitClock(),
        progress: @Sendable (WaitProgress) -> Void = { _ in },
        poll: @Sendable () async throws -> WaitState<Value>
    ) async throws -> Value {
        let start = clock.now()
        var delay = policy.initialDelay
        var attempt = 0
        while true {
            attempt += 1
            let state = try await poll()
            let elapsed = clock.now() - start
            switch state {
            case .done(let value):
                return value
            case .failed(let status, let reason):
                throw WaitError(kind: .failedState, subject: subject, lastStatus: status, attempts: attempt,
                                elapsed: elapsed, reason: reason)
            case .pending(let status):
                let remaining = policy.timeout - elapsed
                if remaining <= 0 {
                    throw WaitError(kind: .timedOut, subject: subject, lastStatus: status, attempts: attempt,
                                    elapsed: elapsed, reason: "")
                }
                let pause = min(delay, remaining)
                progress(WaitProgress(subject: subject, status: status, attempt: attempt, elapsed: elapsed,
                                      nextDelay: pause))
                try await clock.sleep(seconds: pause)
                delay = min(delay * policy.multiplier, policy.maxDelay)
            }
        }
    }
}
