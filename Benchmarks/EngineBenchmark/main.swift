// infra-bench-engine: plan time and peak memory of generated graphs with refresh off.
//
//   swift build -c release --product infra-bench-engine && .build/release/infra-bench-engine [sizes...]
//
// Each graph has 20 resource types; every resource references one or two earlier ones.
// Planned against an empty state (everything is created) and against a matching state
// (everything is a no-op). Peak memory is the process's VmHWM, so sizes run in increasing order.
import Foundation
import InfraEngine

struct BenchProvider: Provider {
    static let types = (0..<20).map { "bench_type_\($0)" }
    static let schema: [String: AttributeSchema] = [
        "name": .required, "cidr_block": .requiredForceNew, "size": .optional, "parent_id": .optionalForceNew,
        "peer_arn": .optional, "tags": .optional, "id": .computed, "arn": .computed,
    ]
    func schema(for type: String) -> ResourceSchema? { ResourceSchema(type: type, attributes: Self.schema) }
    func read(type: String, ids: [String]) async throws -> [String: ObservedResource] { [:] }
    func create(_ request: CreateRequest) async throws -> ObservedResource { ObservedResource(id: "", attributes: [:]) }
    func update(_ request: UpdateRequest) async throws -> ObservedResource { ObservedResource(id: "", attributes: [:]) }
    func delete(type: String, id: String, attributes: [String: Value]) async throws {}
    func find(type: String, token: String) async throws -> ObservedResource? { nil }
    func importResource(type: String, id: String) async throws -> ObservedResource? { nil }
}

func address(_ i: Int) -> ResourceAddress {
    ResourceAddress(type: BenchProvider.types[i % BenchProvider.types.count], name: "r\(i)")
}

func configuration(_ n: Int) -> Configuration {
    var resources: [ResourceSpec] = []
    resources.reserveCapacity(n)
    for i in 0..<n {
        var attributes: [String: Value] = [
            "name": .string("r\(i)"), "cidr_block": .string("10.\(i % 256).0.0/16"), "size": .int(i % 7),
            "tags": .map(["env": "bench", "index": .int(i)]),
        ]
        if i > 0 { attributes["parent_id"] = .reference(Reference(address((i &* 7919) % i), "id")) }
        if i > 1 { attributes["peer_arn"] = .reference(Reference(address(i / 2), "arn")) }
        resources.append(ResourceSpec(address: address(i), attributes: attributes))
    }
    return Configuration(stack: "bench", environment: "bench", resources: resources)
}

func matchingState(_ n: Int) -> StateSnapshot {
    var resources: [ResourceAddress: ResourceState] = [:]
    resources.reserveCapacity(n)
    for i in 0..<n {
        var attributes: [String: Value] = [
            "name": .string("r\(i)"), "cidr_block": .string("10.\(i % 256).0.0/16"), "size": .int(i % 7),
            "tags": .map(["env": "bench", "index": .int(i)]), "id": .string("id-\(i)"), "arn": .string("arn-\(i)"),
        ]
        var deps: [ResourceAddress] = []
        if i > 0 {
            attributes["parent_id"] = .string("id-\((i &* 7919) % i)")
            deps.append(address((i &* 7919) % i))
        }
        if i > 1 {
            attributes["peer_arn"] = .string("arn-\(i / 2)")
            deps.append(address(i / 2))
        }
        resources[address(i)] = ResourceState(type: address(i).type, id: "id-\(i)", attributes: attributes,
                                              dependencies: deps)
    }
    return StateSnapshot(lineage: "bench", serial: 1, stack: "bench", environment: "bench", resources: resources)
}

func peakMemoryKB() -> String {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return "n/a" }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces)
    }
    return "n/a"
}

func measure(_ body: () throws -> Plan) rethrows -> (Duration, Plan) {
    let clock = ContinuousClock()
    let start = clock.now
    let plan = try body()
    return (clock.now - start, plan)
}

func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}

func ms(_ d: Duration) -> String {
    let c = d.components
    return String(format: "%.1f ms", Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15)
}

let sizes = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let planner = Planner(provider: BenchProvider())
let options = PlanOptions(refresh: false)
print("resources   state      graph        plan         add     no-op   peak RSS (VmHWM)")
for n in sizes.isEmpty ? [1_000, 10_000, 100_000] : sizes {
    let cfg = configuration(n)
    for (label, state) in [("empty", nil), ("matching", matchingState(n))] as [(String, StateSnapshot?)] {
        do {
            let clock = ContinuousClock()
            let start = clock.now
            let graph = try ResourceGraph(cfg)
            let graphTime = clock.now - start
            let (planTime, plan) = try measure {
                try planner.plan(graph: graph, refreshed: state, drift: [], backendKey: "bench", options: options)
            }
            let noop = plan.changes.count { $0.action == .noOp }
            print(pad("\(n)", 9) + "   " + label.padding(toLength: 8, withPad: " ", startingAt: 0) + pad(ms(graphTime), 12)
                + pad(ms(planTime), 13) + pad("\(plan.summary.add)", 8) + pad("\(noop)", 10) + "   " + peakMemoryKB())
        } catch {
            print("\(n) \(label): \(error)")
        }
    }
}
