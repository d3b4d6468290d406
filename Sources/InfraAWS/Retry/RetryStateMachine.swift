import Foundation

/// The standard retry mode's decisions for one call, free of I/O: the executor reports how each
/// attempt ended, the machine answers whether and when to try again.
///
/// It owns the call's attempt count and the tokens its latest retry took from the quota; the
/// quota itself is passed in (it is shared by every call to the endpoint), as are the random
/// number and the clock, so every decision is reproducible in a test.
public struct RetryStateMachine: Sendable {
    /// What the executor must do after a failed attempt.
    public enum Action: Sendable, Equatable {
        /// Wait `delay`, then make attempt number `attempt`. If `clockSkewOffset` is set, record
        /// it for the endpoint first, so the next attempt is signed with the corrected clock.
        case retry(attempt: Int, delay: Duration, clockSkewOffset: TimeInterval?)
        /// Give up and surface the attempt's error.
        case fail(FailureReason)
    }

    /// Why a call gave up.
    public enum FailureReason: Sendable, Equatable {
        /// The error is not one that a retry can fix; surface it unchanged.
        case notRetryable
        /// Every allowed attempt was made.
        case attemptsExhausted(attempts: Int)
        /// The endpoint's retry quota is empty: too many recent failures.
        case quotaExhausted(attempts: Int)
    }

    public let configuration: RetryConfiguration
    /// The number of the attempt in progress, starting at 1.
    public private(set) var attempt = 1
    /// Tokens the latest retry took from the quota; given back if the call then succeeds.
    private var heldRetryCost: Int?
    /// The clock-skew retry happens at most once per call.
    private var correctedClockSkew = false
    private var finished = false

    public init(configuration: RetryConfiguration = .standard) {
        self.configuration = configuration
    }

    /// Records that the current attempt succeeded and settles the quota: a first-attempt success
    /// adds a token, a success after retries returns the latest retry's cost.
    public mutating func attemptSucceeded(quota: inout RetryQuota) {
        guard !finished else { return }
        finished = true
        if let heldRetryCost {
            quota.release(heldRetryCost)
        } else {
            quota.release(quota.configuration.successIncrement)
        }
    }

    /// Decides what follows a failed attempt.
    ///
    /// - Parameters:
    ///   - classification: how the attempt failed (``RetryClassification/classify(_:)``).
    ///   - quota: the endpoint's retry quota; a retry takes its cost from it.
    ///   - random: a number in `0...1` for the backoff's jitter.
    ///   - localNow: the local clock now, uncorrected.
    ///   - currentSkewOffset: the offset the failed attempt was signed with.
    public mutating func attemptFailed(
        _ classification: RetryClassification, quota: inout RetryQuota, random: Double,
        localNow: Date = Date(), currentSkewOffset: TimeInterval = 0
    ) -> Action {
        guard !finished else { return .fail(.notRetryable) }
        var skewOffset: TimeInterval?
        let afterTimeout: Bool
        switch classification {
        case .notRetryable:
            return finish(.notRetryable)
        case .throttling, .transient:
            afterTimeout = false
        case .transport(let isTimeout):
            afterTimeout = isTimeout
        case .clockSkewCandidate(let serverDate):
            // A wrong secret gives the same codes; only a server clock that disagrees with the
            // one we signed with shows that the clock, not the key, is at fault.
            guard !correctedClockSkew, let serverDate else { return finish(.notRetryable) }
            let signedWith = localNow.addingTimeInterval(currentSkewOffset)
            let threshold = configuration.clockSkewThreshold.seconds
            guard abs(serverDate.timeIntervalSince(signedWith)) > threshold else { return finish(.notRetryable) }
            skewOffset = serverDate.timeIntervalSince(localNow)
            afterTimeout = false
        }

        guard attempt < configuration.maxAttempts else {
            return finish(.attemptsExhausted(attempts: attempt))
        }
        guard let cost = quota.acquire(afterTimeout: afterTimeout) else {
            return finish(.quotaExhausted(attempts: attempt))
        }
        heldRetryCost = cost
        let delay: Duration
        if skewOffset != nil {
            // The server was not overloaded, our clock was wrong: retry at once.
            correctedClockSkew = true
            delay = .zero
        } else {
            delay = backoff(afterAttempt: attempt, random: random)
        }
        attempt += 1
        return .retry(attempt: attempt, delay: delay, clockSkewOffset: skewOffset)
    }

    /// `min(random * base * 2^(n-1), maxBackoff)` after failed attempt `n` ("full jitter").
    public func backoff(afterAttempt failedAttempt: Int, random: Double) -> Duration {
        let jitter = random.isFinite ? min(1, max(0, random)) : 1
        let exponent = Double(min(max(0, failedAttempt - 1), 62))
        let seconds = jitter * configuration.baseDelay.seconds * pow(2, exponent)
        return min(configuration.maxBackoff, Duration.seconds(min(seconds, configuration.maxBackoff.seconds)))
    }

    private mutating func finish(_ reason: FailureReason) -> Action {
        finished = true
        return .fail(reason)
    }
}

extension Duration {
    /// The span in seconds as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
