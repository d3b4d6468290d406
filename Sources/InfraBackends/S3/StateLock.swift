import Foundation
import InfraAWS
import InfraEngine

/// A lock on one remote state: the DynamoDB item (``DynamoDBLock``) or the S3 lock object
/// (``S3Lock``). ``S3Backend`` delegates its lock calls to one of them.
public protocol StateLock: Sendable {
    /// Takes the lock or throws ``LockContentionError`` naming the holder.
    func acquire(_ info: LockInfo) async throws -> LockHandle
    /// Releases a lock we hold; throws ``UnlockError`` when it is gone or held by another ID.
    func release(_ handle: LockHandle) async throws
    /// Releases the lock if its ID is `id`; a wrong ID throws ``UnlockError/idMismatch``.
    func forceUnlock(id: String) async throws
    /// The current holder, or nil when unlocked.
    func holder() async throws -> LockInfo?
}

/// Which lock an S3 backend uses.
public enum S3LockKind: String, Sendable, Hashable, CaseIterable {
    /// An item in a DynamoDB table (Terraform's classic S3 backend lock).
    case dynamodb
    /// A `<key>.lock` object written with `If-None-Match: *` (no table needed).
    case s3
}

/// Taking a lock with `--lock-timeout`: retries with backoff while someone else holds it.
public enum LockAcquisition {
    /// Calls `take` until it succeeds or `timeout` has passed, reporting the holder to
    /// `progress` before each wait. A zero timeout fails at once with the holder's details.
    ///
    /// - Parameters:
    ///   - initialDelay: the first wait; each next one doubles, up to `maxDelay`.
    ///   - sleep: how to wait (tests pass one that returns at once).
    public static func acquire(
        timeout: Duration, initialDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8),
        progress: @Sendable (LockInfo, _ waited: Duration) -> Void = { _, _ in },
        sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        take: () async throws -> LockHandle
    ) async throws -> LockHandle {
        var waited = Duration.zero
        var delay = initialDelay
        while true {
            do {
                return try await take()
            } catch let contention as LockContentionError {
                guard waited < timeout else { throw contention }
                progress(contention.holder, waited)
                let step = min(delay, timeout - waited)
                try await sleep(step)
                waited += step
                delay = min(delay * 2, maxDelay)
            }
        }
    }

    /// ``acquire(timeout:initialDelay:maxDelay:progress:sleep:take:)`` for any backend's `lock`.
    public static func lock(
        _ backend: some StateBackend, info: LockInfo, timeout: Duration,
        progress: @Sendable (LockInfo, _ waited: Duration) -> Void = { _, _ in },
        sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) async throws -> LockHandle {
        try await acquire(timeout: timeout, progress: progress, sleep: sleep) { try await backend.lock(info) }
    }
}

/// A placeholder holder when the lock exists but vanished (or was unreadable) before we could
/// read it: the contention error still says the lock was busy.
func unknownHolder(path: String) -> LockInfo {
    LockInfo(id: "unknown", operation: "unknown", who: "unknown", created: Date(), path: path)
}

extension AWSError {
    /// S3 "not found" answers: GetObject's `NoSuchKey`, HEAD's bare 404.
    var isNotFound: Bool { statusCode == 404 || code == "NoSuchKey" || code == "NotFound" }
    /// A failed S3 precondition (`If-Match` / `If-None-Match`).
    var isPreconditionFailed: Bool { statusCode == 412 || code == "PreconditionFailed" }
    /// S3 answers a racing conditional write with 409 ConditionalRequestConflict.
    var isConditionalConflict: Bool { statusCode == 409 && code == "ConditionalRequestConflict" }
}
