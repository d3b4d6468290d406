import Foundation
import InfraAWS
import InfraBackends
import InfraEngine
import InfraTestSupport
import XCTest

final class S3BootstrapTests: S3BackendTestCase {
    func testBootstrapTwiceSecondRunChangesNothing() async throws {
        let fresh = Bootstrap(client: client, bucket: "fresh-state", lockTable: "fresh-locks")
        let first = try await fresh.run()
        XCTAssertTrue(first.changedAnything)
        XCTAssertEqual(first.steps.first?.action, .created)
        let second = try await fresh.run()
        XCTAssertFalse(second.changedAnything, second.description)
        XCTAssertTrue(second.description.contains("nothing changed"))
        XCTAssertEqual(second.steps.count, 6)

        let b: AWSDocument = ["Bucket": "fresh-state"]
        let versioning = try await client.call(.s3, "GetBucketVersioning", b)
        XCTAssertEqual(versioning["Status"].string, "Enabled")
        let encryption = try await client.call(.s3, "GetBucketEncryption", b)
        let rule = encryption["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
        XCTAssertEqual(rule["SSEAlgorithm"].string, "AES256")
        let block = try await client.call(.s3, "GetPublicAccessBlock", b)["PublicAccessBlockConfiguration"]
        for name in ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"] {
            XCTAssertEqual(block[name].bool, true, name)
        }
        let tags = try await client.call(.s3, "GetBucketTagging", b)["TagSet"].array ?? []
        XCTAssertTrue(tags.contains { $0["Key"].string == "ManagedBy" && $0["Value"].string == "infra" })
        let described = try await client.call(.dynamoDB, "DescribeTable", ["TableName": "fresh-locks"])["Table"]
        XCTAssertEqual(described["KeySchema"][0]["AttributeName"].string, "LockID")
        XCTAssertEqual(described["KeySchema"][0]["KeyType"].string, "HASH")
        XCTAssertEqual(described["AttributeDefinitions"][0]["AttributeType"].string, "S")
        XCTAssertEqual(described["BillingModeSummary"]["BillingMode"].string, "PAY_PER_REQUEST")
    }

    func testBootstrapFixesAnExistingBucket() async throws {
        _ = try await client.call(.s3, "CreateBucket", ["Bucket": "legacy-state"])
        let report = try await Bootstrap(client: client, bucket: "legacy-state", lockTable: nil).run()
        XCTAssertEqual(report.steps.first?.action, .unchanged)
        XCTAssertEqual(report.steps.first(where: { $0.subject == "versioning" })?.action, .updated)
        XCTAssertEqual(report.steps.count, 5)
        let again = try await Bootstrap(client: client, bucket: "legacy-state", lockTable: nil).run()
        XCTAssertFalse(again.changedAnything)
    }

    func testMigrateRefusesAnotherLineageAndCopiesOrPushes() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("infra-migrate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let local = LocalBackend(root: root, environment: "dev", stack: "platform")

        let nothing = try await migrateState(from: local, to: try backend())
        XCTAssertEqual(nothing, .nothingToMigrate(local: local.statePath))

        try await local.write(state(serial: 4, lineage: "local-lineage"))
        let remote = try backend()
        try await remote.write(state(serial: 7, lineage: "remote-lineage"))
        do {
            _ = try await migrateState(from: local, to: try backend())
            XCTFail("another lineage must be refused")
        } catch let error as S3BackendError {
            guard case .migrationRefused(_, _, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("remote-lineage") && reason.contains("local-lineage"), reason)
        }
        let untouched = try await backend().read()?.state
        XCTAssertEqual(untouched, state(serial: 7, lineage: "remote-lineage"))

        // An empty remote receives the local state as is.
        let copied = try await migrateState(from: local, to: try backend(stack: "copy"))
        XCTAssertEqual(copied, .copied(serial: 4))

        // Same lineage, older remote: pushed.
        let older = try backend(stack: "older")
        try await older.write(state(serial: 2, lineage: "local-lineage"))
        let pushed = try await migrateState(from: local, to: try backend(stack: "older"))
        XCTAssertEqual(pushed, .pushed(serial: 4, remoteSerial: 2))
        let now = try await backend(stack: "older").read()?.state
        XCTAssertEqual(now?.serial, 4)
        XCTAssertEqual(now?.lineage, "local-lineage")
    }
}
