import Foundation
import InfraEngine
import InfraTestSupport
import XCTest

/// A one-shot signal between a test and a provider call.
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var opened = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = lock.withLock { () -> Bool in
                if opened { return true }
                waiters.append(c)
                return false
            }
            if resumeNow { c.resume() }
        }
    }

    func open() {
        let toResume = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            opened = true
            defer { waiters = [] }
            return waiters
        }
        for c in toResume { c.resume() }
    }
}

/// Forwards to a cloud, but holds the create of one address until released.
struct GatedProvider: Provider {
    let cloud: InMemoryCloud
    let gated: ResourceAddress
    let started: Gate
    let release: Gate

    func schema(for type: String) -> ResourceSchema? { cloud.schema(for: type) }
    func read(type: String, ids: [String]) async throws -> [String: ObservedResource] {
        try await cloud.read(type: type, ids: ids)
    }
    func create(_ request: CreateRequest) async throws -> ObservedResource {
        if request.address == gated {
            started.open()
            await release.wait()
        }
        return try await cloud.create(request)
    }
    func update(_ request: UpdateRequest) async throws -> ObservedResource { try await cloud.update(request) }
    func delete(type: String, id: String, attributes: [String: Value]) async throws {
        try await cloud.delete(type: type, id: id, attributes: attributes)
    }
    func find(type: String, token: String) async throws -> ObservedResource? { try await cloud.find(type: type, token: token) }
    func importResource(type: String, id: String) async throws -> ObservedResource? {
        try await cloud.importResource(type: type, id: id)
    }
}

/// Collects apply events from concurrent callbacks.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ApplyEvent] = []
    func append(_ e: ApplyEvent) { lock.withLock { events.append(e) } }
    var all: [ApplyEvent] { lock.withLock { events } }
}

final class ApplierTests: XCTestCase {
    func testFailureSkipsDependentsLetsIndependentWorkFinishAndConvergesLater() async throws {
        let h = Harness()
        h.cloud.failingCreates = [addr(subnet)]
        let cfg = config(webConfig().resources + [spec("mem_thing_a.independent", ["name": "i"])])
        let result = try await h.apply(try await h.plan(cfg))
        XCTAssertFalse(result.succeeded)
        XCTAssertEqual(result.failures.map(\.operation.description), ["create mem_subnet.a"])
        XCTAssertTrue(result.failures[0].message.contains("injected failure"))
        XCTAssertEqual(result.skipped.map(\.description), ["create mem_server.web"])
        XCTAssertEqual(Set(h.state?.resources.keys.map(\.description) ?? []), [network, "mem_thing_a.independent"])
        h.cloud.failingCreates = []
        try await h.converge(cfg)
        XCTAssertEqual(h.cloud.allObjects.count, 4)
        XCTAssertEqual(h.state?.pendingCreates, [:])
    }

    func testEventsAndStateWritesPendingRecordsFirstThenInTheBackground() async throws {
        let h = Harness()
        let log = EventLog()
        let result = try await h.apply(try await h.plan(webConfig()), events: log.append)
        XCTAssertTrue(result.succeeded)
        let started = log.all.compactMap { if case .started(let op) = $0 { op.description } else { nil } }
        let finished = log.all.compactMap { if case .finished(let op, _, _) = $0 { op.description } else { nil } }
        XCTAssertEqual(started, ["create mem_network.main", "create mem_subnet.a", "create mem_server.web"])
        XCTAssertEqual(finished, started)
        let serials = log.all.compactMap { if case .stateSaved(let s) = $0 { s } else { nil } }
        XCTAssertEqual(serials, Array(1...serials.count), "serial grows by one per write")
        // The pending records of all three creates are written before anything starts; then at
        // most one write per step (creates started with what they asked for, an operation
        // finished; fewer when steps happen during a write), and the final one.
        guard case .stateSaved(1)? = log.all.first else { return XCTFail("the first event is the pending records' write") }
        XCTAssertTrue((2...8).contains(serials.count), "\(serials.count) writes")
        XCTAssertEqual(h.state?.serial, serials.last)
    }

    func testSlowOperationReportsStillRunningWithElapsedTime() async throws {
        let h = Harness()
        let started = Gate()
        let release = Gate()
        let provider = GatedProvider(cloud: h.cloud, gated: addr(network), started: started, release: release)
        let plan = try await h.plan(config([spec(network, ["cidr_block": "10.0.0.0/16"])]))
        let log = EventLog()
        // The create is held until a heartbeat arrives, so the test waits on the event, not a clock.
        let applier = Applier(provider: provider, backend: h.backend, progressInterval: .milliseconds(1)) { event in
            log.append(event)
            if case .stillRunning = event { release.open() }
        }
        let result = try await applier.apply(plan)
        XCTAssertTrue(result.succeeded)
        let heartbeats = log.all.compactMap { event -> (String, Duration)? in
            if case .stillRunning(let op, let elapsed) = event { return (op.description, elapsed) }
            return nil
        }
        XCTAssertEqual(heartbeats.first?.0, "create mem_network.main")
        XCTAssertGreaterThan(heartbeats.first?.1 ?? .zero, .zero)
    }

    func testNoCreateStartsWhenItsPendingRecordCannotBeSaved() async throws {
        let h = Harness()
        h.backend.failingWrites = true
        let result = try await h.apply(try await h.plan(webConfig()))
        XCTAssertFalse(result.succeeded)
        XCTAssertTrue(result.stateWriteError?.contains("refused the write") ?? false, "\(String(describing: result.stateWriteError))")
        XCTAssertNil(h.cloud.counters["create"], "nothing may be created without a saved pending record")
        XCTAssertEqual(result.failures.map(\.operation.description), ["create mem_network.main"])
    }

    func testPendingCreateIsSavedBeforeTheCreateIsAttempted() async throws {
        let h = Harness()
        let started = Gate()
        let release = Gate()
        let provider = GatedProvider(cloud: h.cloud, gated: addr(network), started: started, release: release)
        let plan = try await h.plan(webConfig())
        let backend = h.backend
        let task = Task { try await Applier(provider: provider, backend: backend).apply(plan) }
        await started.wait()
        let pending = try XCTUnwrap(h.state?.pendingCreates[addr(network)])
        XCTAssertEqual(pending.token, plan.change(network)?.token)
        release.open()
        _ = try await task.value
    }

    func testCancellationLetsInFlightFinishSavesAndStartsNothingMore() async throws {
        let h = Harness()
        let started = Gate()
        let release = Gate()
        let provider = GatedProvider(cloud: h.cloud, gated: addr(network), started: started, release: release)
        let plan = try await h.plan(webConfig())
        let backend = h.backend
        let task = Task { try await Applier(provider: provider, backend: backend).apply(plan) }
        await started.wait()
        task.cancel()
        release.open()
        let result = try await task.value
        XCTAssertTrue(result.wasCancelled)
        XCTAssertFalse(result.succeeded)
        XCTAssertEqual(result.completed.map(\.description), ["create mem_network.main"])
        XCTAssertEqual(result.notStarted.map(\.description), ["create mem_subnet.a", "create mem_server.web"])
        XCTAssertNotNil(h.state?.resources[addr(network)], "the in-flight create was saved")
        XCTAssertEqual(h.cloud.allObjects.count, 1)
        try await h.converge(webConfig())
        XCTAssertEqual(h.cloud.allObjects.count, 3)
    }

    func testLostCreateResponseIsRecoveredByTokenNotDuplicated() async throws {
        let h = Harness()
        h.cloud.fault = .crashAfterOperation(1)
        let backend = h.backend
        h.cloud.onCrash = { backend.frozen = true }
        let result = try await h.apply(try await h.plan(webConfig()))
        XCTAssertFalse(result.succeeded)
        XCTAssertEqual(h.cloud.allObjects.count, 1)
        XCTAssertNil(h.state?.resources[addr(network)], "the crash lost the response")
        XCTAssertNotNil(h.state?.pendingCreates[addr(network)])
        h.cloud.recover()
        backend.frozen = false
        let plan = try await h.plan(webConfig())
        XCTAssertEqual(plan.change(network)?.action, .noOp, "found by its token")
        try await h.apply(plan)
        XCTAssertEqual(h.cloud.allObjects.count, 3)
        // Every create of the crashed apply had its pending record saved up front: the one that
        // happened is found, the two that never started are looked for once and dropped.
        XCTAssertEqual(h.cloud.counters["find"], 3)
        XCTAssertEqual(h.state?.pendingCreates, [:])
    }
}
