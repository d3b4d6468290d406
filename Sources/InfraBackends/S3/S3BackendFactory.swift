import Foundation
import InfraAWS

extension S3Backend {
    /// Builds the backend and its lock from the environment file's `backend: s3:` section, given
    /// as plain values so this module needs no DSL types.
    ///
    /// - Parameters:
    ///   - client: a client for the environment; when `region` names another region, a client
    ///     with the same credentials, endpoints and transport is made for it.
    ///   - lock: `dynamodb` or `s3`; nil means `dynamodb` when `lockTable` is set, else `s3`.
    /// - Throws: ``S3BackendError/invalidSettings(setting:reason:)`` for an empty bucket, a
    ///   `dynamodb` lock without a table, or an unknown lock kind.
    public static func configured(
        client: AWSClient, bucket: String, keyPrefix: String? = nil, region: String? = nil, lockTable: String? = nil,
        kmsKeyID: String? = nil, lock: String? = nil, environment: String, stack: String,
        digestRetry: DigestRetry = DigestRetry()
    ) throws -> S3Backend {
        guard !bucket.isEmpty else {
            throw S3BackendError.invalidSettings(setting: "backend.s3.bucket", reason: "it is empty; name the state bucket")
        }
        let table = lockTable.flatMap { $0.isEmpty ? nil : $0 }
        let kind: S3LockKind
        if let lock {
            guard let parsed = S3LockKind(rawValue: lock) else {
                throw S3BackendError.invalidSettings(
                    setting: "backend.s3.lock", reason: "'\(lock)' is not a lock kind; use dynamodb or s3")
            }
            kind = parsed
        } else {
            kind = table == nil ? .s3 : .dynamodb
        }
        let regional: AWSClient
        if let region, !region.isEmpty, region != client.region {
            regional = AWSClient(region: region, credentials: client.credentialProvider, endpoints: client.endpoints,
                                 transport: client.transport, retry: client.retry)
        } else {
            regional = client
        }
        let location = S3StateLocation(bucket: bucket, keyPrefix: keyPrefix, environment: environment, stack: stack)
        let stateLock: any StateLock
        switch kind {
        case .dynamodb:
            guard let table else {
                throw S3BackendError.invalidSettings(
                    setting: "backend.s3.lock_table",
                    reason: "the lock kind is dynamodb but no lock_table is set; name the table, or use lock: s3")
            }
            stateLock = DynamoDBLock(client: regional, table: table, location: location, environment: environment)
        case .s3:
            stateLock = S3Lock(client: regional, location: location, environment: environment)
        }
        // The digest item lives in the lock table; an S3-locked backend has none.
        return S3Backend(client: regional, location: location, environment: environment, stack: stack,
                         kmsKeyID: kmsKeyID.flatMap { $0.isEmpty ? nil : $0 },
                         digestTable: kind == .dynamodb ? table : nil, lock: stateLock, digestRetry: digestRetry)
    }
}
