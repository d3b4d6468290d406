import Foundation

/// Caches temporary credentials and refreshes them shortly before they expire, once, however
/// many callers ask at the same moment (they all await the same refresh).
public actor CachedCredentialProvider: RefreshableCredentialProvider {
    public nonisolated let base: any CredentialProvider
    /// Refresh this long before expiry, so a request signed now is not rejected in flight.
    public nonisolated let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private var cached: AWSCredentials?
    private var refresh: Task<AWSCredentials, any Error>?

    public init(_ base: any CredentialProvider, refreshMargin: TimeInterval = 300, now: @escaping @Sendable () -> Date = Date.init) {
        self.base = base
        self.refreshMargin = refreshMargin
        self.now = now
    }

    public func credentials() async throws -> AWSCredentials {
        if let cached, !needsRefresh(cached) { return cached }
        let task: Task<AWSCredentials, any Error>
        if let refresh {
            task = refresh
        } else {
            let base = self.base
            task = Task { try await base.credentials() }
            refresh = task
        }
        do {
            let fresh = try await task.value
            if refresh == task { refresh = nil }
            cached = fresh
            return fresh
        } catch {
            if refresh == task { refresh = nil }
            // A failed early refresh is not fatal while the old credentials still work.
            if let cached, let expiration = cached.expiration, expiration > now() { return cached }
            throw error
        }
    }

    /// Drops the cached credentials, e.g. after AWS answered `ExpiredToken`.
    public func invalidate() {
        cached = nil
    }

    private func needsRefresh(_ credentials: AWSCredentials) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        return expiration.timeIntervalSince(now()) < refreshMargin
    }
}
