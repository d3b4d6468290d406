import InfraEngine
import InfraTestSupport
import XCTest

/// A random configuration as a list of nodes; a node only references nodes with a lower ordinal,
/// so the graph is acyclic.
struct RandomEstate {
    struct Node {
        var ordinal: Int
        var fixed: String?
        var size: Int?
        var link: Int?
        var peer: Int?
        var createBeforeDestroy: Bool
    }

    var nodes: [Int: Node] = [:]
    var nextOrdinal = 0

    static func address(_ ordinal: Int) -> ResourceAddress {
        ResourceAddress(type: "mem_thing_\(["a", "b", "c"][ordinal % 3])", name: "r\(ordinal)")
    }

    mutating func add(_ rng: inout SeededRandom) {
        let ordinal = nextOrdinal
        nextOrdinal += 1
        let earlier = nodes.keys.sorted()
        nodes[ordinal] = Node(
            ordinal: ordinal,
            fixed: rng.chance(0.6) ? ["x", "y"].randomElement(using: &rng) : nil,
            size: rng.chance(0.6) ? Int.random(in: 1...3, using: &rng) : nil,
            link: !earlier.isEmpty && rng.chance(0.5) ? earlier.randomElement(using: &rng) : nil,
            peer: !earlier.isEmpty && rng.chance(0.3) ? earlier.randomElement(using: &rng) : nil,
            createBeforeDestroy: rng.chance(0.25))
    }

    static func random(_ rng: inout SeededRandom, count: Int) -> RandomEstate {
        var estate = RandomEstate()
        for _ in 0..<count { estate.add(&rng) }
        return estate
    }

    /// Removes, changes (in place and force-new), retargets and adds nodes.
    func mutated(_ rng: inout SeededRandom) -> RandomEstate {
        var next = self
        for ordinal in nodes.keys.sorted() where rng.chance(0.15) { next.remove(ordinal) }
        for ordinal in next.nodes.keys.sorted() {
            guard var node = next.nodes[ordinal] else { continue }
            if rng.chance(0.2) { node.fixed = ["x", "y", "z"].randomElement(using: &rng) }
            if rng.chance(0.25) { node.size = Int.random(in: 1...5, using: &rng) }
            if rng.chance(0.1) { node.createBeforeDestroy.toggle() }
            let earlier = next.nodes.keys.filter { $0 < ordinal }
            // A link, once set, is retargeted but never unset: unset optional attributes are
            // not diffed, so the object would keep pointing at its old target.
            if node.link != nil, rng.chance(0.15), let other = earlier.randomElement(using: &rng) { node.link = other }
            if rng.chance(0.15) { node.peer = earlier.randomElement(using: &rng) }
            next.nodes[ordinal] = node
        }
        for _ in 0..<Int.random(in: 0...3, using: &rng) { next.add(&rng) }
        return next
    }

    /// Removing a node removes what links to it (transitively) and clears peers pointing at it.
    mutating func remove(_ ordinal: Int) {
        guard nodes.removeValue(forKey: ordinal) != nil else { return }
        for other in nodes.keys.sorted() where nodes[other]?.link == ordinal { remove(other) }
        for other in nodes.keys where nodes[other]?.peer == ordinal { nodes[other]?.peer = nil }
    }

    var configuration: Configuration {
        let resources = nodes.keys.sorted().compactMap { ordinal -> ResourceSpec? in
            guard let node = nodes[ordinal] else { return nil }
            var attributes: [String: Value] = ["name": .string("n\(ordinal)")]
            if let fixed = node.fixed { attributes["fixed"] = .string(fixed) }
            if let size = node.size { attributes["size"] = .int(size) }
            if let link = node.link { attributes["link"] = .reference(Reference(Self.address(link), "id")) }
            if let peer = node.peer {
                attributes["peer"] = .concat(["peer:", .reference(Reference(Self.address(peer), "arn"))])
            }
            return ResourceSpec(address: Self.address(ordinal), attributes: attributes,
                                lifecycle: Lifecycle(createBeforeDestroy: node.createBeforeDestroy))
        }
        return Configuration(stack: "prop", environment: "test", resources: resources.shuffledStable())
    }
}

extension Array {
    /// A deterministic reordering, so graph building does not rely on declaration order.
    func shuffledStable() -> [Element] {
        var rng = SeededRandom(seed: UInt64(count))
        return shuffled(using: &rng)
    }
}

final class PropertyTests: XCTestCase {
    /// Every cloud object is recorded exactly once (as a resource or a deposed object) and
    /// every recorded object exists.
    private func assertStateMatchesCloud(_ h: Harness, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        let state = h.state
        let recorded = (state?.resources.values.map(\.id) ?? []) + (state?.deposed.values.map(\.object.id) ?? [])
        XCTAssertEqual(recorded.count, Set(recorded).count, "an object recorded twice: \(context)", file: file, line: line)
        XCTAssertEqual(Set(recorded), Set(h.cloud.allObjects.keys), "state and cloud differ: \(context)", file: file, line: line)
        XCTAssertEqual(state?.pendingCreates ?? [:], [:], "pending creates left: \(context)", file: file, line: line)
    }

    /// Checks the apply's call log against the configuration and the prior state.
    private func assertOrdering(_ log: [InMemoryCloud.LogEntry], configuration: Configuration, prior: StateSnapshot?,
                                _ context: String, file: StaticString = #filePath, line: UInt = #line)
    {
        var ends: [String: [Int]] = [:]  // "create addr" / "delete id" -> end sequences
        for e in log where e.phase == .end {
            if e.operation == "delete", let id = e.id { ends["delete \(id)", default: []].append(e.sequence) }
            if e.operation != "delete", let a = e.address { ends["write \(a)", default: []].append(e.sequence) }
        }
        var specs: [ResourceAddress: ResourceSpec] = [:]
        for s in configuration.resources { specs[s.address] = s }
        var priorDependents: [ResourceAddress: [ResourceAddress]] = [:]
        for (a, r) in prior?.resources ?? [:] { for d in r.dependencies { priorDependents[d, default: []].append(a) } }
        for e in log where e.phase == .begin {
            if e.operation == "create" || e.operation == "update", let a = e.address {
                for d in specs[a]?.dependencies ?? [] {
                    for end in ends["write \(d)"] ?? [] {
                        XCTAssertLessThan(end, e.sequence, "\(a) started before \(d) finished: \(context)",
                                          file: file, line: line)
                    }
                }
            }
            if e.operation == "delete", let id = e.id,
                let x = prior?.resources.first(where: { $0.value.id == id })?.key
            {
                for y in priorDependents[x] ?? [] {
                    guard let yID = prior?.resources[y]?.id else { continue }
                    for end in ends["delete \(yID)"] ?? [] {
                        XCTAssertLessThan(end, e.sequence, "\(x) deleted before its dependent \(y): \(context)",
                                          file: file, line: line)
                    }
                }
            }
        }
    }

    func testPlanApplyPlanIsEmptyAndOrderRespectsEveryEdge() async throws {
        for seed in 0..<300 as Range<UInt64> {
            var rng = SeededRandom(seed: seed)
            let h = Harness()
            var estate = RandomEstate.random(&rng, count: Int.random(in: 1...12, using: &rng))
            for round in 0..<3 {
                let context = "seed \(seed) round \(round)"
                let cfg = estate.configuration
                let prior = h.state
                let logStart = h.cloud.log.count
                let plan = try await h.plan(cfg)
                let result = try await h.apply(plan)
                XCTAssertTrue(result.succeeded, "\(context): \(result.failures)")
                assertOrdering(Array(h.cloud.log[logStart...]), configuration: cfg, prior: prior, context)
                let again = try await h.plan(cfg)
                XCTAssertEqual(again.actionable.map(\.address), [], "not converged: \(context)")
                assertStateMatchesCloud(h, context)
                XCTAssertEqual(h.cloud.allObjects.count, cfg.resources.count, context)
                if plan.hasChanges {
                    do {
                        _ = try await h.apply(plan)
                        XCTFail("an applied plan must be stale: \(context)")
                    } catch is ApplyRefusal {}
                }
                estate = estate.mutated(&rng)
            }
            let destroy = try await h.plan(estate.configuration, PlanOptions(destroy: true))
            let result = try await h.apply(destroy)
            XCTAssertTrue(result.succeeded, "destroy seed \(seed): \(result.failures)")
            XCTAssertEqual(h.cloud.allObjects.count, 0, "destroy seed \(seed)")
            if !result.succeeded || h.cloud.allObjects.count != 0 { return }
        }
    }

    func testCrashAfterAnyOperationThenReplanConverges() async throws {
        var cases = 0
        for seed in 1000..<1060 as Range<UInt64> {
            var rng = SeededRandom(seed: seed)
            let before = rng.chance(0.3) ? RandomEstate() : RandomEstate.random(&rng, count: Int.random(in: 1...8, using: &rng))
            let after = before.mutated(&rng)
            var k = 1
            while true {
                let context = "seed \(seed) crash after operation \(k)"
                let h = Harness()
                if !before.nodes.isEmpty { try await h.converge(before.configuration) }
                let backend = h.backend
                h.cloud.onCrash = { backend.frozen = true }
                let mutationsBefore = ["create", "update", "delete"].reduce(0) { $0 + (h.cloud.counters[$1] ?? 0) }
                h.cloud.fault = .crashAfterOperation(mutationsBefore + k)
                let plan = try await h.plan(after.configuration)
                _ = try await h.apply(plan)
                guard backend.frozen else { break }  // fewer than k operations: every point is covered
                cases += 1
                h.cloud.recover()
                backend.frozen = false
                let recovery = try await h.plan(after.configuration)
                let result = try await h.apply(recovery)
                XCTAssertTrue(result.succeeded, "\(context): \(result.failures)")
                let remaining = try await h.plan(after.configuration).actionable.map(\.address)
                XCTAssertEqual(remaining, [], context)
                assertStateMatchesCloud(h, context)
                XCTAssertEqual(h.cloud.allObjects.count, after.configuration.resources.count, "lost or duplicated: \(context)")
                k += 1
            }
        }
        XCTAssertGreaterThan(cases, 100, "the crash points must actually be exercised")
    }
}
