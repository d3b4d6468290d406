import Foundation

/// A call that failed with a retryable error and was not tried again: all attempts were used,
/// or the endpoint's retry quota ran out. Errors that are not retryable are thrown unchanged
/// (callers match on ``AWSError/code``), so this wraps only errors that retries could not fix.
public struct RetryError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case attemptsExhausted
        case quotaExhausted
    }

    public var reason: Reason
    /// Attempts made, the first one included.
    public var attempts: Int
    /// The error of the last attempt.
    public var lastError: any Error

    public init(reason: Reason, attempts: Int, lastError: any Error) {
        self.reason = reason
        self.attempts = attempts
        self.lastError = lastError
    }

    public var description: String {
        let plural = attempts == 1 ? "attempt" : "attempts"
        switch reason {
        case .attemptsExhausted:
            return "\(lastError) (gave up after \(attempts) \(plural); raise AWS_MAX_ATTEMPTS to try longer)"
        case .quotaExhausted:
            return "\(lastError) (gave up after \(attempts) \(plural): the retry quota for this endpoint is exhausted"
                + " because many recent calls failed; the service is unavailable or throttling heavily)"
        }
    }
}

/// A retry the executor is about to make, for logs and progress output.
public struct RetryEvent: Sendable {
    /// The attempt that failed.
    public var failedAttempt: Int
    /// Its error.
    public var error: any Error
    /// The wait before the next attempt.
    public var delay: Duration
    /// Set when the retry corrects the clock: the endpoint's clock is this many seconds ahead.
    public var clockSkewOffset: TimeInterval?
}

/// Runs an AWS call with the standard retry mode: the thin async shell around
/// ``RetryStateMachine`` that sleeps, records clock skew, and honours cancellation.
public struct RetryExecutor: Sendable {
    public var configuration: RetryConfiguration
    /// The retry quota shared by all calls to this endpoint.
    public var quota: SharedRetryQuota
    /// Where clock-skew corrections are recorded; the caller signs with `clockSkew.now(for: host)`.
    public var clockSkew: ClockSkew
    /// The endpoint host the skew is recorded under.
    public var host: String
    /// Jitter source, `0...1`. Injectable so tests see fixed delays.
    public var random: @Sendable () -> Double
    /// Waits between attempts. Injectable so tests record the chosen delays instead of waiting.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// The local clock, uncorrected.
    public var now: @Sendable () -> Date
    /// Told about each retry before its delay.
    public var onRetry: @Sendable (RetryEvent) -> Void

    public init(
        configuration: RetryConfiguration = .standard, host: String, quota: SharedRetryQuota? = nil,
        clockSkew: ClockSkew = .shared,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> Date = { Date() },
        onRetry: @escaping @Sendable (RetryEvent) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.host = host
        self.quota = quota ?? SharedRetryQuota.forEndpoint(host)
        self.clockSkew = clockSkew
        self.random = random
        self.sleep = sleep
        self.now = now
        self.onRetry = onRetry
    }

    /// Runs `operation` (given the attempt number, from 1) until it succeeds, fails with an
    /// error that is not retryable (rethrown unchanged), or retries are used up
    /// (``RetryError``). Cancellation stops at once with `CancellationError`.
    public func withRetries<T: Sendable>(operation: @Sendable (Int) async throws -> T) async throws -> T {
        var machine = RetryStateMachine(configuration: configuration)
        while true {
            try Task.checkCancellation()
            let attempt = machine.attempt
            let offsetUsed = clockSkew.offset(for: host)
            do {
                let value = try await operation(attempt)
                quota.withQuota { machine.attemptSucceeded(quota: &$0) }
                return value
            } catch {
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                let classification = RetryClassification.classify(error)
                let jitter = random()
                let localNow = now()
                let action = quota.withQuota {
                    machine.attemptFailed(classification, quota: &$0, random: jitter, localNow: localNow,
                                          currentSkewOffset: offsetUsed)
                }
                switch action {
                case .fail(.notRetryable):
                    throw error
                case .fail(.attemptsExhausted(let attempts)):
                    throw RetryError(reason: .attemptsExhausted, attempts: attempts, lastError: error)
                case .fail(.quotaExhausted(let attempts)):
                    throw RetryError(reason: .quotaExhausted, attempts: attempts, lastError: error)
                case .retry(_, let delay, let skewOffset):
                    if let skewOffset { clockSkew.record(offset: skewOffset, for: host) }
                    onRetry(RetryEvent(failedAttempt: attempt, error: error, delay: delay, clockSkewOffset: skewOffset))
                    if delay > .zero { try await sleep(delay) }
                }
            }
        }
    }
}
