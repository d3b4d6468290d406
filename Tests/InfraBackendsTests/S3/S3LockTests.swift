import Foundation
import InfraAWS
import InfraBackends
import InfraEngine
import InfraTestSupport
import XCTest

final class S3LockTests: S3BackendTestCase {
    /// Ten lock attempts at once: exactly one wins; every other one names the winner.
    private func assertOneWinnerOfTen(_ kind: S3LockKind) async throws {
        let b = try backend(lock: kind)
        let results = try await withThrowingTaskGroup(of: Result<LockHandle, LockContentionError>.self) { group in
            for n in 0..<10 {
                group.addTask {
                    do {
                        return .success(try await b.lock(LockInfo(operation: "apply", info: "run \(n)", path: "")))
                    } catch let error as LockContentionError {
                        return .failure(error)
                    }
                }
            }
            var all: [Result<LockHandle, LockContentionError>] = []
            for try await result in group { all.append(result) }
            return all
        }
        let winners = results.compactMap { try? $0.get() }
        XCTAssertEqual(winners.count, 1, "\(kind): exactly one winner")
        guard let winner = winners.first else { return }
        let losers = results.compactMap { result -> LockContentionError? in
            if case .failure(let e) = result { return e }
            return nil
        }
        XCTAssertEqual(losers.count, 9)
        for loser in losers {
            XCTAssertEqual(loser.holder.id, winner.info.id)
            XCTAssertEqual(loser.holder.operation, "apply")
            XCTAssertEqual(loser.holder.who, winner.info.who)
            XCTAssertEqual(loser.holder.info, winner.info.info)
            XCTAssertTrue(loser.description.contains("infra force-unlock dev \(winner.info.id)"), loser.description)
            XCTAssertTrue(loser.description.contains(winner.info.who))
        }
        try await b.unlock(winner)
        let holder = try await b.stateLock.holder()
        XCTAssertNil(holder)
    }

    func testTenConcurrentDynamoDBLocksOneWinnerAndReleaseLeavesNoItem() async throws {
        try await assertOneWinnerOfTen(.dynamodb)
        let left = try await item("\(bucket)/dev/platform.json")
        XCTAssertNil(left, "release must leave no lock item")
    }

    func testTenConcurrentS3LocksOneWinnerAndReleaseLeavesNoObject() async throws {
        try await assertOneWinnerOfTen(.s3)
        let exists = try await objectExists("dev/platform.json.lock")
        XCTAssertFalse(exists, "release must leave no lock object")
    }

    func testDynamoDBLockItemHoldsTerraformInfo() async throws {
        let b = try backend()
        let handle = try await b.lock(LockInfo(id: "id-1", operation: "plan", info: "ci", who: "ci@runner",
                                               version: "1.2.3", path: ""))
        let stored = try await item("\(bucket)/dev/platform.json")
        XCTAssertEqual(stored?["ID"]["S"].string, "id-1")
        let json = try XCTUnwrap(stored?["Info"]["S"].string)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["ID", "Operation", "Info", "Who", "Version", "Created", "Path"])
        XCTAssertEqual(object["Who"] as? String, "ci@runner")
        XCTAssertEqual(object["Path"] as? String, "\(bucket)/dev/platform.json")
        try await b.unlock(handle)
    }

    private func assertForceUnlock(_ kind: S3LockKind) async throws {
        let b = try backend(lock: kind)
        let handle = try await b.lock(LockInfo(operation: "apply", who: "alice@laptop", path: ""))
        do {
            try await b.forceUnlock(id: "not-the-id")
            XCTFail("a wrong ID must be refused")
        } catch let error as UnlockError {
            guard case .idMismatch(_, let given, let holder, let who) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(given, "not-the-id")
            XCTAssertEqual(holder, handle.info.id)
            XCTAssertEqual(who, "alice@laptop")
        }
        let still = try await b.stateLock.holder()
        XCTAssertEqual(still?.id, handle.info.id, "a refused force-unlock leaves the lock")
        try await b.forceUnlock(id: handle.info.id)
        let after = try await b.stateLock.holder()
        XCTAssertNil(after)
        do {
            try await b.forceUnlock(id: handle.info.id)
            XCTFail("unlocking twice must say it is not locked")
        } catch UnlockError.notLocked {}
        // Free again: a new lock is granted.
        let again = try await b.lock(LockInfo(operation: "plan", path: ""))
        try await b.unlock(again)
    }

    func testDynamoDBForceUnlockWrongIDRefusedRightIDFrees() async throws {
        try await assertForceUnlock(.dynamodb)
    }

    func testS3ForceUnlockWrongIDRefusedRightIDFrees() async throws {
        try await assertForceUnlock(.s3)
    }

    func testLockTimeoutWaitsReportingTheHolderThenAcquires() async throws {
        let b = try backend()
        let holder = try await b.lock(LockInfo(operation: "apply", who: "bob@ci", path: ""))
        let seen = Seen()
        let handle = try await LockAcquisition.lock(
            b, info: LockInfo(operation: "plan", path: ""), timeout: .seconds(30),
            progress: { info, _ in seen.add(info.who) },
            sleep: { _ in
                // The holder finishes while we wait for the second time.
                if seen.count == 2 { try await b.unlock(holder) }
            })
        XCTAssertEqual(seen.values, ["bob@ci", "bob@ci"])
        let current = try await b.stateLock.holder()
        XCTAssertEqual(current?.id, handle.info.id)
        try await b.unlock(handle)
    }

    func testLockTimeoutGivesUpWithTheHolder() async throws {
        let b = try backend()
        let holder = try await b.lock(LockInfo(operation: "apply", who: "bob@ci", path: ""))
        do {
            _ = try await LockAcquisition.lock(b, info: LockInfo(operation: "plan", path: ""), timeout: .seconds(2),
                                               sleep: { _ in })
            XCTFail("must time out")
        } catch let error as LockContentionError {
            XCTAssertEqual(error.holder.id, holder.info.id)
        }
        // Without a timeout: fails at once.
        do {
            _ = try await LockAcquisition.lock(b, info: LockInfo(operation: "plan", path: ""), timeout: .zero,
                                               progress: { _, _ in XCTFail("no waiting without a timeout") })
            XCTFail("must fail at once")
        } catch is LockContentionError {}
        try await b.unlock(holder)
    }
}

private final class Seen: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.withLock { items.append(s) } }
    var values: [String] { lock.withLock { items } }
    var count: Int { values.count }
}
