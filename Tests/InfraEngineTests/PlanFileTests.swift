import Foundation
import InfraEngine
import InfraTestSupport
import XCTest

final class PlanFileTests: XCTestCase {
    private func samplePlan(_ h: Harness, _ cfg: Configuration = webConfig()) async throws -> Plan {
        try await h.plan(cfg)
    }

    func testRoundTripKeepsEverythingApplyNeeds() async throws {
        let h = Harness()
        let plan = try await samplePlan(h)
        let data = try PlanFile.encode(plan)
        XCTAssertTrue(data.starts(with: Array("INFRA-PLAN 1\ntool \(ToolVersion.current)\nsha256 ".utf8)))
        let back = try PlanFile.decode(data, path: "tfplan")
        XCTAssertEqual(back.changes, plan.changes)
        XCTAssertEqual(back.configuration.resources, plan.configuration.resources)
        XCTAssertEqual(back.lineage, plan.lineage)
        XCTAssertEqual(back.options, plan.options)
        let result = try await h.apply(back)
        XCTAssertTrue(result.succeeded, "\(result.failures)")
        XCTAssertEqual(h.cloud.allObjects.count, 3)
    }

    func testEditedPlanIsRefused() async throws {
        var data = try PlanFile.encode(try await samplePlan(Harness()))
        let range = try XCTUnwrap(data.range(of: Data("10.0.0.0/16".utf8)))
        data.replaceSubrange(range, with: Data("10.9.0.0/16".utf8))
        XCTAssertThrowsError(try PlanFile.decode(data, path: "tfplan")) {
            XCTAssertEqual($0 as? PlanFileError, .checksumMismatch(path: "tfplan"))
            XCTAssertTrue(String(describing: $0).contains("altered"))
        }
    }

    func testTruncatedPlanIsRefused() async throws {
        let data = try PlanFile.encode(try await samplePlan(Harness()))
        for cut in [data.count - 1, data.count / 2, 30, 12] {
            XCTAssertThrowsError(try PlanFile.decode(data.prefix(cut), path: "tfplan")) {
                XCTAssertEqual($0 as? PlanFileError, .truncated(path: "tfplan"), "cut at \(cut)")
            }
        }
        XCTAssertThrowsError(try PlanFile.decode(Data("{\"json\": true}".utf8), path: "x")) {
            XCTAssertEqual($0 as? PlanFileError, .notAPlan(path: "x"))
        }
    }

    func testUnknownFormatAndOtherToolVersionAreRefused() async throws {
        let data = try PlanFile.encode(try await samplePlan(Harness()))
        var newer = data
        newer.replaceSubrange(0..<12, with: Data("INFRA-PLAN 7".utf8))
        XCTAssertThrowsError(try PlanFile.decode(newer, path: "p")) {
            XCTAssertEqual($0 as? PlanFileError, .unsupportedVersion(path: "p", found: 7, supported: 1))
        }
        XCTAssertThrowsError(try PlanFile.decode(data, path: "p", toolVersion: "9.9.9")) {
            XCTAssertEqual($0 as? PlanFileError,
                           .wrongToolVersion(path: "p", planTool: ToolVersion.current, thisTool: "9.9.9"))
            XCTAssertTrue(String(describing: $0).contains("made by infra \(ToolVersion.current)"))
        }
    }

    func testStalePlanIsRefusedAndChangesNothing() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        let stale = try PlanFile.decode(PlanFile.encode(try await h.plan(webConfig(size: "big"))), path: "tfplan")
        try await h.converge(webConfig(size: "medium"))
        let updates = h.cloud.counters["update"]
        let serial = h.state?.serial
        do {
            _ = try await h.apply(stale)
            XCTFail("a stale plan must be refused")
        } catch let refusal as ApplyRefusal {
            guard case .stalePlan = refusal else { return XCTFail("\(refusal)") }
            XCTAssertTrue(refusal.description.contains("Nothing was changed"))
        }
        XCTAssertEqual(h.cloud.counters["update"], updates)
        XCTAssertEqual(h.state?.serial, serial)
    }

    func testPlanAgainstNoStateIsRefusedOnceAStateExists() async throws {
        let h = Harness()
        let first = try await h.plan(webConfig())
        try await h.converge(webConfig())
        do {
            _ = try await h.apply(first)
            XCTFail("expected refusal")
        } catch is ApplyRefusal {}
    }

    func testSensitiveLiteralIsHashedAndApplyRefusesIt() async throws {
        let h = Harness()
        let cfg = config([spec("mem_server.db", ["name": "db", "password": .sensitive("correct horse battery")])])
        let data = try PlanFile.encode(try await h.plan(cfg))
        XCTAssertNil(data.range(of: Data("correct horse".utf8)), "plaintext must not reach the plan file")
        let plan = try PlanFile.decode(data, path: "tfplan")
        do {
            _ = try await h.apply(plan)
            XCTFail("expected refusal")
        } catch let refusal as ApplyRefusal {
            XCTAssertEqual(refusal, .secretNotInPlan(address: addr("mem_server.db"), attribute: "password"))
        }
        XCTAssertEqual(h.cloud.counters["create"], nil)
        // In memory (plan + apply in one run), the same plan applies.
        let result = try await h.apply(try await h.plan(cfg))
        XCTAssertTrue(result.succeeded)
    }
}
