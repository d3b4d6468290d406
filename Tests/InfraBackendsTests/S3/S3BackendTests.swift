import Foundation
import InfraAWS
import InfraBackends
import InfraEngine
import InfraTestSupport
import XCTest

final class S3BackendTests: S3BackendTestCase {
    func testRoundTripEncryptedWithDigest() async throws {
        let b = try backend()
        let empty = try await b.read()
        XCTAssertNil(empty)
        try await b.write(state(serial: 1))
        try await b.write(state(serial: 2, size: "large"))

        let fresh = try backend()
        let read = try await fresh.read()
        XCTAssertEqual(read?.state, state(serial: 2, size: "large"))
        XCTAssertEqual(fresh.key, "s3://\(bucket)/dev/platform.json")

        let object = try await client.call(.s3, "GetObject", ["Bucket": .string(bucket), "Key": "dev/platform.json"])
        XCTAssertEqual(object["ServerSideEncryption"].string, "AES256")
        let digest = try await item("\(bucket)/dev/platform.json-md5")
        XCTAssertEqual(digest?["Digest"]["S"].string, S3Backend.md5Hex(Data(object["Body"].bytes ?? [])))
    }

    func testWriterWithStaleETagIsRefusedAndNothingIsLost() async throws {
        let first = try backend()
        try await first.write(state(serial: 1))

        let alice = try backend()
        let bob = try backend()
        _ = try await alice.read()
        _ = try await bob.read()
        try await alice.write(state(serial: 2, size: "alice"))
        do {
            try await bob.write(state(serial: 2, size: "bob"))
            XCTFail("a stale writer must be refused")
        } catch let error as S3BackendError {
            XCTAssertEqual(error, .writeConflict(location: "s3://\(bucket)/dev/platform.json"))
            XCTAssertTrue(error.description.contains("nothing was lost"))
        }
        let kept = try await backend().read()?.state
        XCTAssertEqual(kept, state(serial: 2, size: "alice"))

        // The first write of a state is conditional too: two creators, one wins.
        let one = try backend(stack: "other")
        let two = try backend(stack: "other")
        _ = try await one.read()
        _ = try await two.read()
        try await one.write(state(serial: 1, size: "one"))
        do {
            try await two.write(state(serial: 1, lineage: "lineage-2", size: "two"))
            XCTFail("the second creator must be refused")
        } catch S3BackendError.writeConflict {}
        let other = try await backend(stack: "other").read()?.state
        XCTAssertEqual(other?.resources.values.first?.attributes["size"], .string("one"))
    }

    func testSerialAndLineageChecksApply() async throws {
        let b = try backend()
        try await b.write(state(serial: 3))
        do {
            try await b.write(state(serial: 3, size: "x"))
            XCTFail("an equal serial must be refused")
        } catch let error as StateWriteError {
            XCTAssertEqual(error, .staleSerial(key: b.key, stored: 3, attempted: 3))
        }
        do {
            try await b.write(state(serial: 9, lineage: "other"))
            XCTFail("another lineage must be refused")
        } catch StateWriteError.foreignLineage {}
    }

    func testDigestDetectsStaleReadThenRetriesAndReports() async throws {
        let b = try backend()
        try await b.write(state(serial: 1))
        // The digest item says a newer state was written than the object S3 hands back.
        let newer = try StateFileCodec.encode(state(serial: 2, size: "newer"))
        let newerDigest = S3Backend.md5Hex(newer)
        _ = try await client.call(.dynamoDB, "PutItem", [
            "TableName": .string(table),
            "Item": ["LockID": .map(["S": .string("\(bucket)/dev/platform.json-md5")]),
                     "Digest": .map(["S": .string(newerDigest)])],
        ])
        let sleeps = RecordingSleep()
        let reader = try backend(digestRetry: .init(attempts: 4, initialDelay: .milliseconds(10)) { sleeps.sleep($0) })
        do {
            _ = try await reader.read()
            XCTFail("a stale read must be detected")
        } catch let error as S3BackendError {
            guard case .digestMismatch(let location, let item, let expected, let actual) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(location, "s3://\(bucket)/dev/platform.json")
            XCTAssertEqual(item, "\(bucket)/dev/platform.json-md5")
            XCTAssertEqual(expected, newerDigest)
            XCTAssertEqual(actual, S3Backend.md5Hex(try StateFileCodec.encode(state(serial: 1))))
            XCTAssertTrue(error.description.contains(newerDigest))
        }
        XCTAssertEqual(sleeps.waits, [.milliseconds(10), .milliseconds(20), .milliseconds(40)])
    }

    func testPushRefusesLowerSerialOrOtherLineageUnlessForced() async throws {
        let b = try backend()
        try await b.write(state(serial: 5))
        do {
            try await b.push(state(serial: 4), force: false)
            XCTFail("a lower serial must be refused")
        } catch S3BackendError.pushRefused(_, let reason) {
            XCTAssertTrue(reason.contains("serial 5"))
        }
        do {
            try await b.push(state(serial: 9, lineage: "other"), force: false)
            XCTFail("another lineage must be refused")
        } catch S3BackendError.pushRefused(_, let reason) {
            XCTAssertTrue(reason.contains("lineage"))
        }
        let same = try await b.push(state(serial: 5, size: "pushed"), force: false)
        XCTAssertEqual(same.serial, 6)
        let forced = try await b.push(state(serial: 1, lineage: "other"), force: true)
        XCTAssertEqual(forced.serial, 7)
        let read = try await backend().read()?.state
        XCTAssertEqual(read?.lineage, "other")
        XCTAssertEqual(read?.serial, 7)
    }

    func testVersionsAfterThreeWritesNewestFirst() async throws {
        let b = try backend()
        for serial in 1...3 { try await b.write(state(serial: serial, size: "s\(serial)")) }
        // Another stack of the environment and a lock object share the listed prefix: neither
        // may show up as a version of this state.
        try await backend(stack: "platform-extra").write(state(serial: 1, lineage: "other"))
        let handle = try await backend(lock: .s3).lock(LockInfo(operation: "plan", path: ""))
        let versions = StateVersions(backend: b)
        let listed = try await versions.list(readSerials: true)
        XCTAssertEqual(listed.count, 3)
        XCTAssertEqual(listed.map(\.serial), [3, 2, 1])
        XCTAssertEqual(listed.map(\.isLatest), [true, false, false])
        XCTAssertTrue(listed.allSatisfy { $0.size > 0 && $0.lastModified != nil })
        let oldest = try await versions.read(version: listed[2].versionID)
        XCTAssertEqual(oldest, state(serial: 1, size: "s1"))
        try await backend(lock: .s3).unlock(handle)
    }

    func testSettingsMapping() throws {
        let prefixed = try S3Backend.configured(client: client, bucket: "b", keyPrefix: "/infra/", lockTable: "t",
                                                environment: "prod", stack: "net")
        XCTAssertEqual(prefixed.location.key, "infra/prod/net.json")
        XCTAssertEqual(prefixed.location.lockID, "b/infra/prod/net.json")
        XCTAssertEqual(prefixed.digestTable, "t")
        XCTAssertTrue(prefixed.stateLock is DynamoDBLock)

        let native = try S3Backend.configured(client: client, bucket: "b", kmsKeyID: "alias/state",
                                              environment: "prod", stack: "net")
        XCTAssertTrue(native.stateLock is S3Lock)
        XCTAssertNil(native.digestTable)
        XCTAssertEqual(native.kmsKeyID, "alias/state")

        let other = try S3Backend.configured(client: client, bucket: "b", region: "eu-west-1", environment: "p",
                                             stack: "s")
        XCTAssertEqual(other.client.region, "eu-west-1")

        XCTAssertThrowsError(try S3Backend.configured(client: client, bucket: "b", lock: "dynamodb",
                                                      environment: "p", stack: "s")) { error in
            XCTAssertTrue(String(describing: error).contains("lock_table"))
        }
        XCTAssertThrowsError(try S3Backend.configured(client: client, bucket: "b", lock: "zookeeper",
                                                      environment: "p", stack: "s"))
        XCTAssertThrowsError(try S3Backend.configured(client: client, bucket: "", environment: "p", stack: "s"))
    }

    func testKMSEncryptionIsRequested() async throws {
        let kms = try S3Backend.configured(client: client, bucket: bucket, lockTable: table, kmsKeyID: "alias/infra-state",
                                           environment: "dev", stack: "kms")
        try await kms.write(state(serial: 1))
        let head = try await client.call(.s3, "HeadObject", ["Bucket": .string(bucket), "Key": "dev/kms.json"])
        XCTAssertEqual(head["ServerSideEncryption"].string, "aws:kms")
        let again = try await kms.read()?.state
        XCTAssertEqual(again, state(serial: 1))
    }
}
