import InfraEngine
import XCTest

final class SchedulerTests: XCTestCase {
    private func change(_ a: String, _ action: ChangeAction, deps: [String] = [], prior: [String] = [],
                        deposedKey: String? = nil) -> ResourceChange
    {
        ResourceChange(address: addr(a), type: addr(a).type, action: action, priorID: "id-\(a)",
                       dependencies: deps.map(addr), priorDependencies: prior.map(addr), deposedKey: deposedKey)
    }

    /// Runs the scheduler to completion, finishing operations in start order; returns the start order.
    private func drain(_ s: inout ApplyScheduler, failing: Set<String> = []) -> [String] {
        var started: [String] = []
        var running: [ApplyOperation] = []
        while !s.isFinished {
            let next = s.nextOperations()
            started += next.map(\.description)
            running += next
            guard !running.isEmpty else { break }
            let op = running.removeFirst()
            if failing.contains(op.description) { s.failed(op) } else { s.completed(op) }
        }
        return started
    }

    func testCreatesFollowDependenciesAndDeletesFollowDependents() throws {
        var s = try ApplyScheduler(changes: [
            change("t.a", .create), change("t.b", .create, deps: ["t.a"]),
            change("t.old_child", .delete, prior: ["t.old_parent"]), change("t.old_parent", .delete),
        ], parallelism: 1)
        let order = drain(&s)
        XCTAssertLessThan(try XCTUnwrap(order.firstIndex(of: "create t.a")), try XCTUnwrap(order.firstIndex(of: "create t.b")))
        XCTAssertLessThan(try XCTUnwrap(order.firstIndex(of: "delete t.old_child")),
                          try XCTUnwrap(order.firstIndex(of: "delete t.old_parent")))
    }

    func testReplacementHalvesAreOrderedForBothModes() throws {
        var dtc = try ApplyScheduler(changes: [change("t.a", .deleteThenCreate)])
        XCTAssertEqual(drain(&dtc), ["delete t.a", "create t.a"])
        var cbd = try ApplyScheduler(changes: [change("t.a", .createThenDelete, deposedKey: "k")])
        XCTAssertEqual(drain(&cbd), ["create t.a", "delete-deposed t.a"])
    }

    func testCreateBeforeDestroyDeletesOldOnlyAfterDependentsMoved() throws {
        var s = try ApplyScheduler(changes: [
            change("t.net", .createThenDelete, deposedKey: "k"),
            change("t.sub", .update, deps: ["t.net"], prior: ["t.net"]),
        ], parallelism: 5)
        XCTAssertEqual(drain(&s), ["create t.net", "update t.sub", "delete-deposed t.net"])
    }

    func testParallelismIsBounded() throws {
        var s = try ApplyScheduler(changes: (0..<25).map { change("t.r\($0)", .create) }, parallelism: 10)
        XCTAssertEqual(s.nextOperations().count, 10)
        XCTAssertEqual(s.nextOperations().count, 0)
        XCTAssertEqual(s.runningCount, 10)
    }

    func testFailureSkipsTransitiveDependentsButNotIndependentWork() throws {
        var s = try ApplyScheduler(changes: [
            change("t.a", .create), change("t.b", .create, deps: ["t.a"]), change("t.c", .create, deps: ["t.b"]),
            change("t.x", .create),
        ], parallelism: 2)
        let first = s.nextOperations()
        XCTAssertEqual(first.map(\.description), ["create t.a", "create t.x"])
        let skipped = s.failed(first[0])
        XCTAssertEqual(Set(skipped.map(\.description)), ["create t.b", "create t.c"])
        XCTAssertFalse(s.isFinished)
        s.completed(first[1])
        XCTAssertTrue(s.isFinished)
        XCTAssertEqual(s.status, [.failed, .skipped, .skipped, .completed])
    }

    func testCancelStopsStartsAndLetsRunningFinish() throws {
        var s = try ApplyScheduler(changes: [change("t.a", .create), change("t.b", .create, deps: ["t.a"])])
        let running = s.nextOperations()
        XCTAssertEqual(s.cancel().map(\.description), ["create t.b"])
        XCTAssertFalse(s.isFinished, "t.a is still running")
        s.completed(running[0])
        XCTAssertEqual(s.nextOperations(), [])
        XCTAssertTrue(s.isFinished)
    }
}
