import Foundation
import InfraAWS
import InfraEngine

/// The S3-native state lock, for teams without a DynamoDB table: an object `<key>.lock` created
/// with `If-None-Match: *` (only one creator wins) holding the lock info JSON.
///
/// Release reads the object, checks the ID, then deletes it with `If-Match` on the ETag read, so
/// a lock replaced between the read and the delete is never removed. Both AWS and moto (checked
/// with 5.2.1: a wrong ETag gives 412 PreconditionFailed) honour the conditional delete.
public struct S3Lock: StateLock {
    public let client: AWSClient
    public let location: S3StateLocation
    public let environment: String

    public init(client: AWSClient, location: S3StateLocation, environment: String) {
        self.client = client
        self.location = location
        self.environment = environment
    }

    private var path: String { "s3://\(location.bucket)/\(location.lockObjectKey)" }

    public func acquire(_ info: LockInfo) async throws -> LockHandle {
        var info = info
        info.path = location.description
        let body = try LockInfoCodec.encode(info)
        for _ in 0..<3 {
            do {
                _ = try await client.call(.s3, "PutObject", [
                    "Bucket": .string(location.bucket), "Key": .string(location.lockObjectKey),
                    "Body": .blob(Array(body)), "ContentType": "application/json", "IfNoneMatch": "*",
                ])
                return LockHandle(info: info)
            } catch let error as AWSError where error.isPreconditionFailed || error.isConditionalConflict {
                if let current = try await read() {
                    // Our own put landed on an attempt whose answer was lost, and the retry met it.
                    if current.info.id == info.id { return LockHandle(info: info) }
                    throw LockContentionError(environment: environment, holder: current.info)
                }
            }
        }
        throw LockContentionError(environment: environment, holder: unknownHolder(path: location.description))
    }

    public func release(_ handle: LockHandle) async throws {
        do {
            try await forceUnlock(id: handle.info.id)
        } catch UnlockError.notLocked {
            // Already gone: a delete whose answer was lost, retried, or a force-unlock.
        }
    }

    public func forceUnlock(id: String) async throws {
        guard let current = try await read() else { throw UnlockError.notLocked(path: path) }
        guard current.info.id == id else {
            throw UnlockError.idMismatch(path: path, given: id, holder: current.info.id, who: current.info.who)
        }
        do {
            _ = try await client.call(.s3, "DeleteObject", [
                "Bucket": .string(location.bucket), "Key": .string(location.lockObjectKey), "IfMatch": .string(current.etag),
            ])
        } catch let error as AWSError where error.isPreconditionFailed {
            // Replaced between our read and the delete: report whoever holds it now.
            guard let now = try await read()?.info else { throw UnlockError.notLocked(path: path) }
            throw UnlockError.idMismatch(path: path, given: id, holder: now.id, who: now.who)
        }
    }

    public func holder() async throws -> LockInfo? {
        try await read()?.info
    }

    /// The lock object's info and ETag, or nil when there is none.
    func read() async throws -> (info: LockInfo, etag: String)? {
        let out: AWSDocument
        do {
            out = try await client.call(.s3, "GetObject", [
                "Bucket": .string(location.bucket), "Key": .string(location.lockObjectKey),
            ])
        } catch let error as AWSError where error.isNotFound {
            return nil
        }
        let bytes = out["Body"].bytes ?? []
        do {
            return (try LockInfoCodec.decode(Data(bytes)), out["ETag"].string ?? "")
        } catch {
            throw S3BackendError.unreadableLock(location: path, reason: String(describing: error))
        }
    }
}
