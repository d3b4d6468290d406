import Crypto
import Foundation
import InfraAWS
import InfraEngine

/// The remote state backend: one JSON object per stack and environment in a versioned, encrypted
/// bucket (`s3://<bucket>/<prefix/><env>/<stack>.json`), locked by a ``StateLock``.
///
/// Lost updates are impossible by construction: every write is a conditional put, `If-Match`
/// on the ETag this backend last read or wrote (or `If-None-Match: *` when there was no state),
/// so a racing writer gets ``S3BackendError/writeConflict(location:)`` instead of silently
/// replacing someone's work. With a DynamoDB lock table the backend also keeps Terraform's digest
/// item `<bucket>/<key>-md5` (attribute `Digest`, the MD5 hex of the state bytes), written after
/// each put and checked on each read, so a read served an older object is retried, then reported.
public struct S3Backend: StateBackend {
    public let client: AWSClient
    public let location: S3StateLocation
    public let environment: String
    public let stack: String
    /// SSE-KMS with this key when set (`aws:kms`), else SSE-S3 (`AES256`).
    public let kmsKeyID: String?
    /// The table holding the digest item (the DynamoDB lock table); nil with the S3-native lock.
    public let digestTable: String?
    public let stateLock: any StateLock
    public let digestRetry: DigestRetry
    private let tracker = VersionTracker()

    /// How often and how patiently a read whose digest does not match is retried.
    public struct DigestRetry: Sendable {
        public var attempts: Int
        public var initialDelay: Duration
        public var sleep: @Sendable (Duration) async throws -> Void

        public init(attempts: Int = 5, initialDelay: Duration = .milliseconds(500),
                    sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) })
        {
            self.attempts = max(1, attempts)
            self.initialDelay = initialDelay
            self.sleep = sleep
        }
    }

    public init(client: AWSClient, location: S3StateLocation, environment: String, stack: String,
                kmsKeyID: String? = nil, digestTable: String?, lock: any StateLock,
                digestRetry: DigestRetry = DigestRetry())
    {
        self.client = client
        self.location = location
        self.environment = environment
        self.stack = stack
        self.kmsKeyID = kmsKeyID
        self.digestTable = digestTable
        self.stateLock = lock
        self.digestRetry = digestRetry
    }

    public var key: String { location.description }

    // MARK: Read

    public func read() async throws -> StoredState? {
        var delay = digestRetry.initialDelay
        var mismatch: S3BackendError?
        for attempt in 0..<digestRetry.attempts {
            if attempt > 0 {
                try await digestRetry.sleep(delay)
                delay *= 2
            }
            let expected = try await storedDigest()
            let object = try await getObject()
            let actual = object.map { Self.md5Hex($0.data) }
            if let expected, expected != actual {
                mismatch = .digestMismatch(location: key, digestItem: location.digestID, expected: expected,
                                           actual: actual ?? "(no object)")
                continue
            }
            guard let object else {
                tracker.set(.init(state: nil, etag: nil))
                return nil
            }
            let state = try StateFileCodec.decode(object.data, path: key)
            tracker.set(.init(state: state, etag: object.etag))
            return StoredState(state: state, versionTag: object.etag)
        }
        throw mismatch ?? S3BackendError.digestMismatch(location: key, digestItem: location.digestID,
                                                        expected: "?", actual: "?")
    }

    // MARK: Write

    /// Writes `state` over the version this backend last read or wrote (reading it first if this
    /// backend has not), applying ``StateWriteCheck``.
    public func write(_ state: StateSnapshot) async throws {
        let base: Remembered
        if let remembered = tracker.get() {
            base = remembered
        } else {
            let current = try await read()
            base = Remembered(state: current?.state, etag: current?.versionTag)
        }
        try StateWriteCheck.validate(stored: base.state, new: state, key: key)
        try await put(state, ifMatch: base.etag)
    }

    /// `infra state push`: replaces the remote state with `state`. Without `force`, refuses
    /// another lineage or a serial lower than the remote one. The state is written with a serial
    /// above the remote one, so every reader sees it as newer; returns what was written.
    @discardableResult
    public func push(_ state: StateSnapshot, force: Bool) async throws -> StateSnapshot {
        let current = try await read()
        var written = state
        if let remote = current?.state {
            if !force, remote.lineage != state.lineage {
                throw S3BackendError.pushRefused(
                    location: key, reason: "the remote state has lineage \(remote.lineage), this one \(state.lineage)")
            }
            if !force, state.serial < remote.serial {
                throw S3BackendError.pushRefused(
                    location: key,
                    reason: "the remote state has serial \(remote.serial), newer than this one's \(state.serial)")
            }
            written.serial = max(state.serial, remote.serial + 1)
        }
        try await put(written, ifMatch: current?.versionTag)
        return written
    }

    /// The conditional put, then the digest item.
    private func put(_ state: StateSnapshot, ifMatch etag: String?) async throws {
        let data = try StateFileCodec.encode(state)
        var input: AWSDocument = [
            "Bucket": .string(location.bucket), "Key": .string(location.key), "Body": .blob(Array(data)),
            "ContentType": "application/json",
        ]
        if let kmsKeyID {
            input["ServerSideEncryption"] = "aws:kms"
            input["SSEKMSKeyId"] = .string(kmsKeyID)
        } else {
            input["ServerSideEncryption"] = "AES256"
        }
        if let etag { input["IfMatch"] = .string(etag) } else { input["IfNoneMatch"] = "*" }
        let out: AWSDocument
        do {
            out = try await client.call(.s3, "PutObject", input)
        } catch let error as AWSError where error.isPreconditionFailed || error.isConditionalConflict {
            // A put whose answer was lost and that the client retried meets its own write:
            // the object holds exactly our bytes. Anything else is another writer.
            if let object = try await getObject(), object.data == data {
                out = ["ETag": .string(object.etag)]
            } else {
                // Forget what we read: the next read starts from the winner's state.
                tracker.set(nil)
                throw S3BackendError.writeConflict(location: key)
            }
        }
        tracker.set(.init(state: state, etag: out["ETag"].string))
        if let digestTable {
            _ = try await client.call(.dynamoDB, "PutItem", [
                "TableName": .string(digestTable),
                "Item": ["LockID": ["S": .string(location.digestID)], "Digest": ["S": .string(Self.md5Hex(data))]],
            ])
        }
    }

    // MARK: Locks

    public func lock(_ info: LockInfo) async throws -> LockHandle {
        try await stateLock.acquire(info)
    }

    public func unlock(_ handle: LockHandle) async throws {
        try await stateLock.release(handle)
    }

    public func forceUnlock(id: String) async throws {
        try await stateLock.forceUnlock(id: id)
    }

    // MARK: Pieces

    /// The state object's bytes and ETag, or nil when there is none (`NoSuchKey`).
    func getObject(versionID: String? = nil) async throws -> (data: Data, etag: String)? {
        var input: AWSDocument = ["Bucket": .string(location.bucket), "Key": .string(location.key)]
        if let versionID { input["VersionId"] = .string(versionID) }
        let out: AWSDocument
        do {
            out = try await client.call(.s3, "GetObject", input)
        } catch let error as AWSError where error.isNotFound {
            return nil
        }
        return (Data(out["Body"].bytes ?? []), out["ETag"].string ?? "")
    }

    /// The digest recorded by the last writer, or nil (no table, no item, or an empty digest).
    public func storedDigest() async throws -> String? {
        guard let digestTable else { return nil }
        let out = try await client.call(.dynamoDB, "GetItem", [
            "TableName": .string(digestTable), "Key": ["LockID": ["S": .string(location.digestID)]],
            "ConsistentRead": true,
        ])
        guard let digest = out["Item"]["Digest"]["S"].string, !digest.isEmpty else { return nil }
        return digest
    }

    /// The MD5 of `data` as 32 lowercase hex digits (the digest item's format).
    public static func md5Hex(_ data: Data) -> String {
        Insecure.MD5.hash(data: data).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// What the backend last read or wrote: the base of its next conditional write.
struct Remembered: Sendable {
    var state: StateSnapshot?
    var etag: String?
}

/// Shared by copies of one ``S3Backend`` value, so the ETag read by `read()` guards `write()`.
final class VersionTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Remembered?

    func get() -> Remembered? { lock.withLock { value } }
    func set(_ new: Remembered?) { lock.withLock { value = new } }
}
