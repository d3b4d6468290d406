import Foundation
import InfraAWS
import InfraEngine

/// The DynamoDB state lock: item `LockID = "<bucket>/<key>"` with the lock info JSON in `Info`
/// (Terraform's layout) and the lock ID again in `ID`, so releasing is a conditional delete on
/// `ID = :ours` rather than a match inside JSON.
public struct DynamoDBLock: StateLock {
    public let client: AWSClient
    public let table: String
    public let location: S3StateLocation
    /// The environment, for the `infra force-unlock <env> <id>` hint.
    public let environment: String

    public init(client: AWSClient, table: String, location: S3StateLocation, environment: String) {
        self.client = client
        self.table = table
        self.location = location
        self.environment = environment
    }

    private var key: AWSDocument { ["LockID": ["S": .string(location.lockID)]] }

    public func acquire(_ info: LockInfo) async throws -> LockHandle {
        var info = info
        info.path = location.lockID
        let json = String(decoding: try LockInfoCodec.encode(info), as: UTF8.self)
        // A holder that vanishes between our failed put and our read is retried a few times.
        for _ in 0..<3 {
            do {
                _ = try await client.call(.dynamoDB, "PutItem", [
                    "TableName": .string(table),
                    "Item": [
                        "LockID": ["S": .string(location.lockID)],
                        "ID": ["S": .string(info.id)],
                        "Info": ["S": .string(json)],
                    ],
                    "ConditionExpression": "attribute_not_exists(LockID)",
                ])
                return LockHandle(info: info)
            } catch let error as AWSError where error.code == "ConditionalCheckFailedException" {
                if let holder = try await holder() {
                    // Our own put landed on an attempt whose answer was lost, and the retry met it.
                    if holder.id == info.id { return LockHandle(info: info) }
                    throw LockContentionError(environment: environment, holder: holder)
                }
            }
        }
        throw LockContentionError(environment: environment, holder: unknownHolder(path: location.lockID))
    }

    public func release(_ handle: LockHandle) async throws {
        do {
            try await forceUnlock(id: handle.info.id)
        } catch UnlockError.notLocked {
            // Already gone: a delete whose answer was lost, retried, or a force-unlock.
        }
    }

    public func forceUnlock(id: String) async throws {
        do {
            _ = try await client.call(.dynamoDB, "DeleteItem", [
                "TableName": .string(table), "Key": key,
                "ConditionExpression": "#id = :id",
                "ExpressionAttributeNames": ["#id": "ID"],
                "ExpressionAttributeValues": [":id": ["S": .string(id)]],
            ])
        } catch let error as AWSError where error.code == "ConditionalCheckFailedException" {
            guard let holder = try await holder() else { throw UnlockError.notLocked(path: location.lockID) }
            throw UnlockError.idMismatch(path: location.lockID, given: id, holder: holder.id, who: holder.who)
        }
    }

    public func holder() async throws -> LockInfo? {
        let out = try await client.call(.dynamoDB, "GetItem", [
            "TableName": .string(table), "Key": key, "ConsistentRead": true,
        ])
        let item = out["Item"]
        guard !item.isNull else { return nil }
        guard let json = item["Info"]["S"].string else {
            // An item without Info (written by hand?) still blocks; report its ID if it has one.
            var info = unknownHolder(path: location.lockID)
            if let id = item["ID"]["S"].string { info.id = id }
            return info
        }
        do {
            return try LockInfoCodec.decode(Data(json.utf8))
        } catch {
            throw S3BackendError.unreadableLock(
                location: "item \(location.lockID) in table \(table)", reason: String(describing: error))
        }
    }
}
