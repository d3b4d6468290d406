import InfraAWS
import InfraEngine
import XCTest

@testable import InfraProviders

final class CoreTests: XCTestCase {
    func testValuesBecomeAPIInputsAndBack() {
        let value: Value = ["name": "api", "count": 3, "ratio": 0.5, "on": true, "items": ["a", "b"], "secret": .sensitive("x")]
        let document = AWSDocument(value)
        XCTAssertEqual(document["count"], .integer(3))
        XCTAssertEqual(document["ratio"], .double(0.5))
        XCTAssertEqual(document["secret"], .string("x"), "providers get sensitive values unmarked")
        XCTAssertEqual(Value(document)["items"], ["a", "b"])
        XCTAssertEqual(Value(AWSDocument.integer(3)), .number(3))
    }

    func testTokenTagIsWrittenOnCreateAndNeverReadBack() {
        let tags = Tags.withToken(["Name": "dev-main"], token: "tok-1")
        let list = Tags.list(tags)
        XCTAssertEqual(Tags.token(in: list), "tok-1")
        XCTAssertEqual(Tags.attribute(from: list), .map(["Name": "dev-main"]))
        XCTAssertNil(Tags.attribute(from: Tags.list(["infra:token": "t"])), "no user tags: absent, not an empty map")
    }

    func testTagDiffSetsChangesAndRemovesOnlyUserTags() {
        let diff = Tags.diff(from: ["A": "1", "B": "2", "infra:token": "t"], to: ["A": "1", "B": "3", "C": "4"])
        XCTAssertEqual(diff.set, ["B": "3", "C": "4"])
        XCTAssertEqual(diff.remove, [])
        XCTAssertEqual(Tags.diff(from: ["A": "1", "B": "2"], to: ["A": "1"]).remove, ["B"])
    }

    func testConcurrentMapKeepsOrderAndBoundsConcurrency() async throws {
        let counter = Counter()
        let results = try await concurrentMap(Array(0..<50), limit: 4) { n -> Int in
            await counter.enter()
            try await Task.sleep(for: .milliseconds(2))
            await counter.leave()
            return n * 2
        }
        XCTAssertEqual(results, (0..<50).map { $0 * 2 })
        let peak = await counter.peak
        XCTAssertLessThanOrEqual(peak, 4)
        XCTAssertGreaterThan(peak, 1)
    }
}

actor Counter {
    var current = 0
    var peak = 0
    func enter() { current += 1; peak = max(peak, current) }
    func leave() { current -= 1 }
}
