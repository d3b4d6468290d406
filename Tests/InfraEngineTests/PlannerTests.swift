import InfraEngine
import InfraTestSupport
import XCTest

final class PlannerTests: XCTestCase {
    func testFirstPlanCreatesInOrderWithUnknownComputedValues() async throws {
        let h = Harness()
        let plan = try await h.plan(webConfig())
        XCTAssertEqual(plan.changes.map(\.action), [.create, .create, .create])
        XCTAssertEqual(plan.changes.map(\.address.description), [network, subnet, server])
        XCTAssertEqual(plan.summary, PlanSummary(add: 3, change: 0, destroy: 0))
        let sub = try XCTUnwrap(plan.change(subnet))
        XCTAssertEqual(sub.after?["network_id"], .unknown)
        XCTAssertEqual(sub.afterUnknown, ["id", "network_id", "zone"])
        XCTAssertNotNil(sub.token)
        XCTAssertNil(plan.priorLineage)
    }

    func testPlanAfterApplyIsEmpty() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        let again = try await h.plan(webConfig())
        XCTAssertEqual(again.actionable, [])
        XCTAssertFalse(again.hasChanges)
        XCTAssertEqual(again.summary, PlanSummary())
    }

    func testInPlaceUpdate() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        let plan = try await h.plan(webConfig(size: "large"))
        XCTAssertEqual(plan.actionable.map(\.action), [.update])
        XCTAssertEqual(plan.change(server)?.changedAttributes, ["size"])
        XCTAssertEqual(plan.change(server)?.reasons, [])
        XCTAssertEqual(plan.summary, PlanSummary(add: 0, change: 1, destroy: 0))
    }

    func testForceNewChangeReplacesWithPerAttributeReasonAndCascades() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        let plan = try await h.plan(webConfig(cidr: "10.1.0.0/16"))
        XCTAssertEqual(plan.change(network)?.action, .deleteThenCreate)
        XCTAssertEqual(plan.change(network)?.reasons, ["cidr_block: 10.0.0.0/16 → 10.1.0.0/16 forces replacement"])
        XCTAssertEqual(plan.change(network)?.replacePaths, ["cidr_block"])
        // The subnet's network_id becomes unknown (its network is replaced) and forces new.
        XCTAssertEqual(plan.change(subnet)?.action, .deleteThenCreate)
        XCTAssertEqual(plan.change(subnet)?.reasons,
                       ["network_id: \(h.state?.resources[addr(network)]?.id ?? "?") → (known after apply) forces replacement"])
        XCTAssertEqual(plan.summary, PlanSummary(add: 3, change: 0, destroy: 3))
        let result = try await h.apply(plan)
        XCTAssertTrue(result.succeeded, "\(result.failures)")
        let replanned = try await h.plan(webConfig(cidr: "10.1.0.0/16")).actionable
        XCTAssertEqual(replanned, [])
    }

    func testReplaceReasonFromSchemaIsQuoted() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        let plan = try await h.plan(webConfig(image: "img-2"))
        XCTAssertEqual(plan.change(server)?.reasons,
                       ["image: img-1 → img-2 forces replacement (the image is fixed at launch)"])
    }

    func testUnknownInForceNewAttributeOfUnchangedTargetDoesNotReplace() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        // Only the server changes in place; the subnet's reference resolves to the known id.
        let plan = try await h.plan(webConfig(size: "medium"))
        XCTAssertEqual(plan.change(subnet)?.action, .noOp)
        XCTAssertEqual(plan.change(server)?.action, .update)
    }

    func testCreateBeforeDestroyAndSensitiveReason() async throws {
        let h = Harness()
        let cbd = Lifecycle(createBeforeDestroy: true)
        try await h.converge(webConfig(serverLifecycle: cbd))
        let plan = try await h.plan(webConfig(image: "img-9", serverLifecycle: cbd))
        XCTAssertEqual(plan.change(server)?.action, .createThenDelete)
        XCTAssertNotNil(plan.change(server)?.deposedKey)
        let result = try await h.apply(plan)
        XCTAssertTrue(result.succeeded, "\(result.failures)")
        XCTAssertEqual(h.state?.deposed, [:])
        XCTAssertEqual(h.cloud.allObjects.count, 3)
    }

    func testOptionalAttributesTheCodeDoesNotSetAreNotDiffed() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        let networkID = try XCTUnwrap(h.state?.resources[addr(network)]?.id)
        // AWS fills in a description nobody asked for: not a change.
        h.cloud.tamper(id: networkID) { $0["description"] = "set by AWS" }
        let plan = try await h.plan(webConfig())
        XCTAssertEqual(plan.actionable, [])
        XCTAssertEqual(plan.drift.map(\.address), [addr(network)], "still reported as drift")
    }

    func testDriftIsReportedPerAttributeAndRevertedByThePlan() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        let serverID = try XCTUnwrap(h.state?.resources[addr(server)]?.id)
        h.cloud.tamper(id: serverID) { $0["size"] = "huge" }
        let plan = try await h.plan(webConfig())
        XCTAssertEqual(plan.drift, [Drift(address: addr(server), kind: .changed, attributes: [
            AttributeDrift(name: "size", recorded: "small", observed: "huge"),
        ])])
        XCTAssertEqual(plan.change(server)?.action, .update)
        XCTAssertEqual(plan.change(server)?.before?["size"], "huge")
    }

    func testComputedAttributesMovingIsNotDrift() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        let serverID = try XCTUnwrap(h.state?.resources[addr(server)]?.id)
        h.cloud.tamper(id: serverID) { $0["endpoint"] = "moved.example.com" }  // computed in mem_server
        let plan = try await h.plan(webConfig())
        XCTAssertEqual(plan.drift, [])
        XCTAssertFalse(plan.hasChanges)
        XCTAssertEqual(plan.priorState?.resources[addr(server)]?.attributes["endpoint"], "moved.example.com",
                       "the refreshed state still records the new value")
    }

    func testDeletedOutsideInfraIsDriftAndRecreated() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        let serverID = try XCTUnwrap(h.state?.resources[addr(server)]?.id)
        h.cloud.remove(id: serverID)
        let plan = try await h.plan(webConfig())
        XCTAssertEqual(plan.drift, [Drift(address: addr(server), kind: .deleted)])
        XCTAssertEqual(plan.change(server)?.action, .create)
    }

    func testRefreshOffUsesPriorStateAsIs() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        let serverID = try XCTUnwrap(h.state?.resources[addr(server)]?.id)
        h.cloud.remove(id: serverID)
        let reads = h.cloud.counters["read"] ?? 0
        let plan = try await h.plan(webConfig(), PlanOptions(refresh: false))
        XCTAssertEqual(plan.actionable, [])
        XCTAssertEqual(plan.drift, [])
        XCTAssertEqual(h.cloud.counters["read"] ?? 0, reads, "no reads with refresh off")
    }

    func testRefreshReadsOncePerType() async throws {
        let h = Harness()
        try await h.converge(config((0..<30).map { spec("mem_thing_\(["a", "b", "c"][$0 % 3]).r\($0)", ["name": "n"]) }))
        let before = h.cloud.counters["read"] ?? 0
        _ = try await h.plan(config((0..<30).map { spec("mem_thing_\(["a", "b", "c"][$0 % 3]).r\($0)", ["name": "n"]) }))
        XCTAssertEqual((h.cloud.counters["read"] ?? 0) - before, 3)
    }

    func testRefreshOnlyChangesNothingButRecordsReality() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        let serverID = try XCTUnwrap(h.state?.resources[addr(server)]?.id)
        h.cloud.tamper(id: serverID) { $0["size"] = "huge" }
        let plan = try await h.plan(webConfig(), PlanOptions(refreshOnly: true))
        XCTAssertEqual(plan.changes, [])
        XCTAssertTrue(plan.hasChanges)
        XCTAssertEqual(plan.drift.count, 1)
        let mutationsBefore = (h.cloud.counters["update"] ?? 0) + (h.cloud.counters["create"] ?? 0)
        let result = try await h.apply(plan)
        XCTAssertTrue(result.succeeded)
        XCTAssertEqual(h.state?.resources[addr(server)]?.attributes["size"], "huge")
        XCTAssertEqual((h.cloud.counters["update"] ?? 0) + (h.cloud.counters["create"] ?? 0), mutationsBefore)
    }

    func testIgnoreChangesKeepsOutsideChanges() async throws {
        let h = Harness()
        let ignoring = Lifecycle(ignoreChanges: ["size", "image"])
        try await h.converge(webConfig(serverLifecycle: ignoring))
        let serverID = try XCTUnwrap(h.state?.resources[addr(server)]?.id)
        h.cloud.tamper(id: serverID) { $0["size"] = "huge" }
        let plan = try await h.plan(webConfig(size: "small", image: "img-2", serverLifecycle: ignoring))
        XCTAssertEqual(plan.change(server)?.action, .noOp)
    }

    func testPreventDestroyFailsAPlanThatWouldReplaceOrDelete() async throws {
        let h = Harness()
        let kept = Lifecycle(preventDestroy: true)
        try await h.converge(webConfig(serverLifecycle: kept))
        do {
            _ = try await h.plan(webConfig(image: "img-2", serverLifecycle: kept))
            XCTFail("expected preventDestroy to refuse")
        } catch let error as PlanErrors {
            XCTAssertEqual(error.errors.count, 1)
            XCTAssertTrue(error.description.hasPrefix("mem_server.web has preventDestroy set, but this plan would replace it"),
                          error.description)
        }
        do {
            _ = try await h.plan(webConfig(serverLifecycle: kept), PlanOptions(destroy: true))
            XCTFail("expected preventDestroy to refuse destroy")
        } catch let error as PlanErrors {
            XCTAssertEqual(error.errors, [.preventDestroy(address: addr(server), action: .delete, reasons: ["--destroy"])])
        }
        let action = try await h.plan(webConfig(size: "big", serverLifecycle: kept)).change(server)?.action
        XCTAssertEqual(action, .update)
    }

    func testTargetsPlanOnlyTheTargetAndItsDependencies() async throws {
        let h = Harness()
        let cfg = config(webConfig().resources + [spec("mem_thing_a.other", ["name": "o"])])
        let plan = try await h.plan(cfg, PlanOptions(targets: [addr(subnet)]))
        XCTAssertEqual(plan.changes.map(\.address), [addr(network), addr(subnet)])
        let result = try await h.apply(plan)
        XCTAssertTrue(result.succeeded)
        XCTAssertEqual(Set(h.cloud.allObjects.values.compactMap(\.address)), [addr(network), addr(subnet)])
        do {
            _ = try await h.plan(cfg, PlanOptions(targets: [addr("mem_thing_a.nope")]))
            XCTFail("unknown target")
        } catch let error as PlanErrors {
            XCTAssertEqual(error.errors, [.unknownTarget(addr("mem_thing_a.nope"))])
        }
    }

    func testReplaceOptionForcesReplacement() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        let plan = try await h.plan(webConfig(), PlanOptions(replace: [addr(server)]))
        XCTAssertEqual(plan.actionable.map(\.address), [addr(server)])
        XCTAssertEqual(plan.change(server)?.action, .deleteThenCreate)
        XCTAssertEqual(plan.change(server)?.cause, .replaceRequested)
    }

    func testDestroyDeletesEverythingDependentsFirst() async throws {
        let h = Harness()
        try await h.converge(webConfig(outputs: [OutputSpec(name: "net", value: ref(network))]))
        let plan = try await h.plan(webConfig(), PlanOptions(destroy: true))
        XCTAssertEqual(plan.changes.map(\.address), [addr(server), addr(subnet), addr(network)])
        XCTAssertEqual(plan.changes.map(\.action), [.delete, .delete, .delete])
        XCTAssertEqual(plan.summary, PlanSummary(add: 0, change: 0, destroy: 3))
        XCTAssertEqual(plan.outputChanges.map(\.action), [.delete])
        let result = try await h.apply(plan)
        XCTAssertTrue(result.succeeded, "\(result.failures)")
        XCTAssertEqual(h.cloud.allObjects.count, 0)
        XCTAssertEqual(h.state?.resources, [:])
        XCTAssertEqual(h.state?.outputs, [:])
    }

    func testRemovedResourceIsDeleted() async throws {
        let h = Harness()
        try await h.converge(webConfig())
        let smaller = config(Array(webConfig().resources.prefix(2)))
        let plan = try await h.plan(smaller)
        XCTAssertEqual(plan.change(server)?.action, .delete)
        XCTAssertEqual(plan.change(server)?.cause, .notInConfiguration)
    }

    func testTaintedResourceIsReplaced() async throws {
        let h = Harness()
        h.cloud.notReady = [addr(server)]
        let first = try await h.apply(try await h.plan(webConfig()))
        XCTAssertEqual(first.failures.map(\.operation.address), [addr(server)])
        XCTAssertEqual(h.state?.resources[addr(server)]?.status, .tainted)
        h.cloud.notReady = []
        let plan = try await h.plan(webConfig())
        XCTAssertEqual(plan.change(server)?.action, .deleteThenCreate)
        XCTAssertEqual(plan.change(server)?.cause, .tainted)
        let result = try await h.apply(plan)
        XCTAssertTrue(result.succeeded)
        XCTAssertEqual(h.state?.resources[addr(server)]?.status, .created)
        XCTAssertEqual(h.cloud.allObjects.count, 3)
    }

    func testOutputsArePlannedAndRecorded() async throws {
        let h = Harness()
        let outputs = [OutputSpec(name: "endpoint", value: .concat([ref(server, "endpoint"), ":443"])),
                       OutputSpec(name: "secret", value: "x", sensitive: true)]
        let plan = try await h.plan(webConfig(outputs: outputs))
        XCTAssertEqual(plan.outputChanges.map(\.action), [.create, .create])
        XCTAssertFalse(plan.outputChanges[0].after?.isWhollyKnown ?? true)
        try await h.apply(plan)
        let id = try XCTUnwrap(h.state?.resources[addr(server)]?.id)
        XCTAssertEqual(h.state?.outputs["endpoint"], OutputState(value: .string("endpoint-\(id):443")))
        XCTAssertEqual(h.state?.outputs["secret"]?.sensitive, true)
        let outputActions = try await h.plan(webConfig(outputs: outputs)).outputChanges.map(\.action)
        XCTAssertEqual(outputActions, [.noOp, .noOp])
    }

    func testUnknownTypeAndMissingRequiredAttribute() async throws {
        let h = Harness()
        do {
            _ = try await h.plan(config([spec("aws_nope.x", [:]), spec("mem_server.s", ["size": "s"])]))
            XCTFail("expected errors")
        } catch let error as PlanErrors {
            XCTAssertEqual(error.errors, [
                .unknownResourceType(address: addr("aws_nope.x"), type: "aws_nope"),
                .missingRequiredAttribute(address: addr("mem_server.s"), attribute: "name"),
            ])
        }
    }
}
