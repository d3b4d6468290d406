import Foundation
import InfraAWS
import InfraBackends
import InfraEngine
import InfraTestSupport
import XCTest

/// Shared setup of the S3 backend tests: a freshly reset moto (signature checking on), a
/// bootstrapped bucket and lock table, and backends on them.
class S3BackendTestCase: XCTestCase {
    var server: MotoServer!
    var client: AWSClient!
    let bucket = "infra-state-test"
    let table = "infra-locks"

    override func setUp() async throws {
        server = try await MotoServer.shared()
        try await server.reset()
        client = server.client()
        _ = try await Bootstrap(client: client, bucket: bucket, lockTable: table).run()
    }

    func backend(lock: S3LockKind = .dynamodb, stack: String = "platform",
                 digestRetry: S3Backend.DigestRetry = .init(attempts: 3, initialDelay: .milliseconds(1))) throws
        -> S3Backend
    {
        try S3Backend.configured(client: client, bucket: bucket, lockTable: lock == .dynamodb ? table : nil,
                                 lock: lock.rawValue, environment: "dev", stack: stack, digestRetry: digestRetry)
    }

    func state(serial: Int, lineage: String = "lineage-1", size: String = "small") -> StateSnapshot {
        StateSnapshot(lineage: lineage, serial: serial, stack: "platform", environment: "dev", resources: [
            ResourceAddress(type: "mem_server", name: "web"):
                ResourceState(type: "mem_server", id: "mid-1", attributes: ["size": .string(size)]),
        ])
    }

    /// The DynamoDB item with this `LockID`, or nil.
    func item(_ lockID: String) async throws -> AWSDocument? {
        let out = try await client.call(.dynamoDB, "GetItem", [
            "TableName": .string(table), "Key": ["LockID": ["S": .string(lockID)]], "ConsistentRead": true,
        ])
        // `nil` alone would convert to AWSDocument.null (it is nil-literal expressible).
        if out["Item"].isNull { return Optional<AWSDocument>.none }
        return out["Item"]
    }

    /// Whether the object exists.
    func objectExists(_ key: String) async throws -> Bool {
        do {
            _ = try await client.call(.s3, "HeadObject", ["Bucket": .string(bucket), "Key": .string(key)])
            return true
        } catch let error as AWSError where error.statusCode == 404 {
            return false
        }
    }
}

/// Records the waits asked of it and returns at once, so retry tests take no time.
final class RecordingSleep: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Duration] = []
    var waits: [Duration] { lock.withLock { recorded } }

    func sleep(_ d: Duration) {
        lock.withLock { recorded.append(d) }
    }
}
