/// How an AWS call is retried: the AWS SDKs' "standard" retry mode.
///
/// The caller reads `AWS_MAX_ATTEMPTS` / `max_attempts` and `retry_mode` from the environment
/// or profile and passes the number here; this type reads no environment itself.
public struct RetryConfiguration: Sendable, Equatable {
    /// Attempts in total, the first one included (1 = never retry).
    public var maxAttempts: Int
    /// The delay scale: after failed attempt `n` the delay is `random(0..1) * base * 2^(n-1)`.
    public var baseDelay: Duration
    /// The longest delay between two attempts.
    public var maxBackoff: Duration
    /// How far the server's `Date` may differ from the local clock before a signature or
    /// expiry error is put down to clock skew.
    public var clockSkewThreshold: Duration

    /// The SDKs' standard mode: 3 attempts, base 1 s, at most 20 s, skew beyond 4 minutes.
    public init(
        maxAttempts: Int = 3, baseDelay: Duration = .seconds(1), maxBackoff: Duration = .seconds(20),
        clockSkewThreshold: Duration = .seconds(240)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
        self.clockSkewThreshold = clockSkewThreshold
    }

    public static let standard = RetryConfiguration()
}

/// The retry quota's costs (the SDKs' token bucket), per client and endpoint.
public struct RetryQuotaConfiguration: Sendable, Equatable {
    /// Tokens in a full bucket.
    public var capacity: Int
    /// Tokens a retry takes.
    public var retryCost: Int
    /// Tokens a retry after a timeout takes (a timeout suggests an overloaded endpoint).
    public var timeoutRetryCost: Int
    /// Tokens a call that succeeded at the first attempt gives back.
    public var successIncrement: Int

    public init(capacity: Int = 500, retryCost: Int = 5, timeoutRetryCost: Int = 10, successIncrement: Int = 1) {
        self.capacity = capacity
        self.retryCost = retryCost
        self.timeoutRetryCost = timeoutRetryCost
        self.successIncrement = successIncrement
    }

    public static let standard = RetryQuotaConfiguration()
}
