import Foundation

/// The retry quota's token bucket as a value: retries take tokens, successes give them back,
/// and an empty bucket means no more retries, so a dead or overloaded endpoint is not hammered
/// by every call retrying at once.
public struct RetryQuota: Sendable, Equatable {
    public let configuration: RetryQuotaConfiguration
    /// Tokens left.
    public private(set) var available: Int

    public init(configuration: RetryQuotaConfiguration = .standard) {
        self.configuration = configuration
        self.available = configuration.capacity
    }

    /// Takes the tokens a retry costs; returns the amount taken, or `nil` (taking nothing) if
    /// the bucket holds too few.
    public mutating func acquire(afterTimeout: Bool) -> Int? {
        let cost = afterTimeout ? configuration.timeoutRetryCost : configuration.retryCost
        guard available >= cost else { return nil }
        available -= cost
        return cost
    }

    /// Gives tokens back, never above capacity.
    public mutating func release(_ amount: Int) {
        available = min(configuration.capacity, available + max(0, amount))
    }
}

/// A ``RetryQuota`` shared by all the calls of one client/endpoint, safe to use from any task.
public final class SharedRetryQuota: @unchecked Sendable {
    // @unchecked: `quota` is only touched while `lock` is held.
    private let lock = NSLock()
    private var quota: RetryQuota

    public init(configuration: RetryQuotaConfiguration = .standard) {
        self.quota = RetryQuota(configuration: configuration)
    }

    /// Tokens left now.
    public var available: Int {
        withQuota { $0.available }
    }

    /// Runs `body` with exclusive access to the bucket.
    public func withQuota<R>(_ body: (inout RetryQuota) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&quota)
    }

    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var registry: [String: SharedRetryQuota] = [:]

    /// The process-wide quota of an endpoint (`host[:port]`), created on first use.
    public static func forEndpoint(_ endpoint: String) -> SharedRetryQuota {
        registryLock.lock()
        defer { registryLock.unlock() }
        if let existing = registry[endpoint] { return existing }
        let created = SharedRetryQuota()
        registry[endpoint] = created
        return created
    }
}

/// How far the local clock is behind (positive) or ahead of (negative) each endpoint's clock,
/// learned from the `Date` of a skew-related error. The signer signs with ``now(for:)``.
public final class ClockSkew: @unchecked Sendable {
    // @unchecked: `offsets` is only touched while `lock` is held.
    private let lock = NSLock()
    private var offsets: [String: TimeInterval] = [:]

    /// The process-wide record, keyed by endpoint host.
    public static let shared = ClockSkew()

    public init() {}

    /// Seconds to add to the local clock when signing for `host` (0 if never corrected).
    public func offset(for host: String) -> TimeInterval {
        lock.lock()
        defer { lock.unlock() }
        return offsets[host] ?? 0
    }

    /// Records that `host`'s clock is `offset` seconds ahead of ours.
    public func record(offset: TimeInterval, for host: String) {
        lock.lock()
        defer { lock.unlock() }
        offsets[host] = offset
    }

    /// The time to sign a request for `host` with: the local clock corrected by the recorded offset.
    public func now(for host: String, localNow: Date = Date()) -> Date {
        localNow.addingTimeInterval(offset(for: host))
    }
}
