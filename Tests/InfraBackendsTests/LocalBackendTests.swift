import Foundation
import InfraBackends
import InfraEngine
import InfraTestSupport
import XCTest

final class LocalBackendTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("infra-backend-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    private func backend() -> LocalBackend { LocalBackend(root: root, environment: "dev", stack: "platform") }

    private func state(serial: Int, lineage: String = "lineage-1", size: String = "small") -> StateSnapshot {
        StateSnapshot(lineage: lineage, serial: serial, stack: "platform", environment: "dev", resources: [
            ResourceAddress(type: "mem_server", name: "web"):
                ResourceState(type: "mem_server", id: "mid-1", attributes: ["size": .string(size)]),
        ])
    }

    func testWriteIsReadBackAndKeepsThePreviousVersionAsBackup() async throws {
        let b = backend()
        let initial = try await b.read()
        XCTAssertNil(initial)
        try await b.write(state(serial: 1, size: "small"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: b.backupPath))
        try await b.write(state(serial: 2, size: "large"))
        let reread = try await b.read()?.state
        XCTAssertEqual(reread, state(serial: 2, size: "large"))
        XCTAssertTrue(b.statePath.hasSuffix("state/dev/platform.json"))
        let backup = try StateFileCodec.decode(Data(contentsOf: URL(fileURLWithPath: b.backupPath)), path: b.backupPath)
        XCTAssertEqual(backup, state(serial: 1, size: "small"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: b.directory.path).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [], "no temporary files remain")
    }

    func testForeignLineageAndNewerSerialAreNeverOverwritten() async throws {
        let b = backend()
        try await b.write(state(serial: 5))
        do {
            try await b.write(state(serial: 6, lineage: "someone-else"))
            XCTFail("foreign lineage written")
        } catch let error as StateWriteError {
            XCTAssertEqual(error, .foreignLineage(key: "state/dev/platform.json", stored: "lineage-1", attempted: "someone-else"))
        }
        do {
            try await b.write(state(serial: 4))
            XCTFail("older serial written")
        } catch let error as StateWriteError {
            XCTAssertEqual(error, .staleSerial(key: "state/dev/platform.json", stored: 5, attempted: 4))
        }
        let serial = try await b.read()?.state.serial
        XCTAssertEqual(serial, 5)
    }

    func testCorruptStateFileIsReportedWithItsPath() async throws {
        let b = backend()
        try await b.write(state(serial: 1))
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: b.statePath))
        do {
            _ = try await b.read()
            XCTFail("corrupt state read")
        } catch let error as StateFileError {
            guard case .malformedJSON(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, b.statePath)
        }
        do {
            try await b.write(state(serial: 2))
            XCTFail("wrote over a corrupt state")
        } catch is StateFileError {}
    }

    func testLockContentionNamesHolderAndForceUnlockCommand() async throws {
        let b = backend()
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        let handle = try await b.lock(LockInfo(id: "lock-123", operation: "apply", who: "alice@ci", created: created,
                                               path: ""))
        do {
            _ = try await b.lock(LockInfo(operation: "plan", path: ""))
            XCTFail("second lock granted")
        } catch let error as LockContentionError {
            XCTAssertEqual(error.holder.who, "alice@ci")
            XCTAssertEqual(error.holder.operation, "apply")
            XCTAssertEqual(error.description,
                           "the state state/dev/platform.json is locked by alice@ci (operation apply, since "
                               + "2023-11-14T22:13:20Z, lock ID lock-123). Wait for it to finish; if no infra process is "
                               + "running any more, release it with: infra force-unlock dev lock-123")
        }
        let onDisk = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: b.lockPath))) as? [String: Any]
        XCTAssertEqual(Set(onDisk?.keys.map { $0 } ?? []), ["ID", "Operation", "Info", "Who", "Version", "Created", "Path"])
        try await b.unlock(handle)
        let again = try await b.lock(LockInfo(operation: "plan", path: ""))
        try await b.unlock(again)
        XCTAssertNil(try b.readLock())
    }

    func testForceUnlockWithWrongIDIsRefused() async throws {
        let b = backend()
        _ = try await b.lock(LockInfo(id: "right-id", operation: "apply", who: "bob@laptop", path: ""))
        do {
            try await b.forceUnlock(id: "wrong-id")
            XCTFail("unlocked with a wrong id")
        } catch let error as UnlockError {
            XCTAssertEqual(error, .idMismatch(path: "state/dev/platform.json", given: "wrong-id", holder: "right-id",
                                              who: "bob@laptop"))
        }
        XCTAssertEqual(try b.readLock()?.id, "right-id")
        try await b.forceUnlock(id: "right-id")
        XCTAssertNil(try b.readLock())
        do {
            try await b.forceUnlock(id: "right-id")
            XCTFail("unlocked twice")
        } catch let error as UnlockError {
            XCTAssertEqual(error, .notLocked(path: "state/dev/platform.json"))
        }
    }

    func testPlanAndApplyThroughTheLocalBackend() async throws {
        let b = backend()
        let cloud = InMemoryCloud()
        let network = ResourceAddress(type: "mem_network", name: "main")
        let cfg = Configuration(stack: "platform", environment: "dev", resources: [
            ResourceSpec(address: network, attributes: ["cidr_block": "10.0.0.0/16"]),
            ResourceSpec(address: ResourceAddress(type: "mem_subnet", name: "a"), attributes: [
                "network_id": .reference(Reference(network, "id")), "cidr_block": "10.0.1.0/24",
            ]),
        ])
        let plan = try await Planner(provider: cloud).plan(cfg, prior: nil, backendKey: b.key)
        let result = try await Applier(provider: cloud, backend: b).apply(plan)
        XCTAssertTrue(result.succeeded, "\(result.failures)")
        let stored = try await b.read()?.state
        XCTAssertEqual(stored?.resources.count, 2)
        XCTAssertEqual(stored?.lineage, plan.lineage)
        XCTAssertEqual(stored?.serial, result.state.serial)
        let again = try await Planner(provider: cloud).plan(cfg, prior: stored, backendKey: b.key)
        XCTAssertFalse(again.hasChanges)
    }
}
