import Foundation
import XCTest

@testable import InfraAWS

/// A clock that only moves when the waiter sleeps, recording each pause.
private final class FakeClock: WaitClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0.0
    private var recorded: [Double] = []

    func now() -> Double { lock.withLock { current } }

    func sleep(seconds: Double) async throws {
        lock.withLock {
            recorded.append(seconds)
            current += seconds
        }
    }

    var sleeps: [Double] { lock.withLock { recorded } }
}

/// Answers the scripted states in order, counting polls.
private final class Script: @unchecked Sendable {
    private let lock = NSLock()
    private var states: [WaitState<String>]
    private(set) var polls = 0

    init(_ states: [WaitState<String>]) { self.states = states }

    func next() -> WaitState<String> {
        lock.withLock {
            polls += 1
            return states.count > 1 ? states.removeFirst() : states[0]
        }
    }
}

private final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [WaitProgress] = []
    func append(_ item: WaitProgress) { lock.withLock { items.append(item) } }
    var all: [WaitProgress] { lock.withLock { items } }
}

final class WaiterTests: XCTestCase {
    func testPollsWithGrowingCappedDelaysUntilDone() async throws {
        let clock = FakeClock()
        let script = Script([.pending(status: "creating"), .pending(status: "creating"), .pending(status: "modifying"),
                             .pending(status: "creating"), .done("available")])
        let log = ProgressLog()
        let value = try await AWSWaiter.wait(
            for: "db ledger", policy: WaitPolicy(initialDelay: 1, maxDelay: 3, multiplier: 2, timeout: 100),
            clock: clock, progress: { log.append($0) }, poll: { script.next() })
        XCTAssertEqual(value, "available")
        XCTAssertEqual(script.polls, 5)
        XCTAssertEqual(clock.sleeps, [1, 2, 3, 3])
        XCTAssertEqual(log.all.map(\.status), ["creating", "creating", "modifying", "creating"])
        XCTAssertEqual(log.all.map(\.attempt), [1, 2, 3, 4])
        XCTAssertEqual(log.all.map(\.elapsed), [0, 1, 3, 6])
    }

    func testTimesOutWithTheLastStatus() async {
        let clock = FakeClock()
        let script = Script([.pending(status: "pending")])
        do {
            _ = try await AWSWaiter.wait(for: "NAT gateway nat-1", policy: WaitPolicy(initialDelay: 4, maxDelay: 4,
                                                                                       multiplier: 1, timeout: 10),
                                         clock: clock, poll: { script.next() })
            XCTFail("expected a timeout")
        } catch let error as WaitError {
            XCTAssertEqual(error.kind, .timedOut)
            XCTAssertEqual(error.lastStatus, "pending")
            XCTAssertEqual(clock.sleeps, [4, 4, 2])
            XCTAssertEqual(error.attempts, 4)
            XCTAssertTrue(error.description.contains("NAT gateway nat-1"), error.description)
        } catch {
            XCTFail("unexpected \(error)")
        }
    }

    func testFailedStateStopsAtOnce() async {
        let script = Script([.pending(status: "creating"), .failed(status: "failed", reason: "quota exceeded")])
        do {
            _ = try await AWSWaiter.wait(for: "cluster apps", policy: WaitPolicy(initialDelay: 1), clock: FakeClock(),
                                         poll: { script.next() })
            XCTFail("expected a failure")
        } catch let error as WaitError {
            XCTAssertEqual(error.kind, .failedState)
            XCTAssertEqual(error.reason, "quota exceeded")
            XCTAssertEqual(script.polls, 2)
        } catch {
            XCTFail("unexpected \(error)")
        }
    }

    func testPollErrorsPropagate() async {
        struct Boom: Error {}
        do {
            let _: String = try await AWSWaiter.wait(for: "x", clock: FakeClock(), poll: { throw Boom() })
            XCTFail("expected the poll's error")
        } catch {
            XCTAssertTrue(error is Boom)
        }
    }
}
