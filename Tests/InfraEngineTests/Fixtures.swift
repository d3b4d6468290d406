import InfraEngine
import InfraTestSupport
import XCTest

func addr(_ text: String) -> ResourceAddress {
    let parts = text.split(separator: ".")
    return ResourceAddress(type: String(parts[0]), name: String(parts[1]))
}

func ref(_ text: String, _ attribute: String = "id") -> Value {
    .reference(Reference(addr(text), attribute))
}

func spec(_ address: String, _ attributes: [String: Value], dependsOn: [String] = [],
          lifecycle: Lifecycle = Lifecycle()) -> ResourceSpec
{
    ResourceSpec(address: addr(address), attributes: attributes, dependsOn: Set(dependsOn.map(addr)),
                 lifecycle: lifecycle)
}

func config(_ resources: [ResourceSpec], outputs: [OutputSpec] = []) -> Configuration {
    Configuration(stack: "platform", environment: "dev", resources: resources, outputs: outputs)
}

/// A cloud, a backend and the engine wired together, as the CLI will do it.
struct Harness {
    let cloud: InMemoryCloud
    let backend: InMemoryBackend
    var parallelism = 10

    init(cloud: InMemoryCloud = InMemoryCloud(), backend: InMemoryBackend = InMemoryBackend()) {
        self.cloud = cloud
        self.backend = backend
    }

    func plan(_ configuration: Configuration, _ options: PlanOptions = PlanOptions()) async throws -> Plan {
        let prior = try await backend.read()?.state
        return try await Planner(provider: cloud).plan(
            configuration, prior: prior, backendKey: backend.key, options: options)
    }

    func apply(_ plan: Plan, events: @escaping @Sendable (ApplyEvent) -> Void = { _ in }) async throws -> ApplyResult {
        try await Applier(provider: cloud, backend: backend, parallelism: parallelism, events: events).apply(plan)
    }

    /// Plans and applies, failing the test when the apply does not fully succeed.
    @discardableResult
    func converge(_ configuration: Configuration, _ options: PlanOptions = PlanOptions(),
                  file: StaticString = #filePath, line: UInt = #line) async throws -> Plan
    {
        let plan = try await plan(configuration, options)
        let result = try await apply(plan)
        XCTAssertTrue(result.succeeded, "apply failed: \(result.failures) \(result.stateWriteError ?? "")",
                      file: file, line: line)
        return plan
    }

    var state: StateSnapshot? { backend.state }
}

extension Plan {
    func change(_ address: String) -> ResourceChange? { changes.first { $0.address == addr(address) } }
    var actionable: [ResourceChange] { changes.filter { $0.action != .noOp } }
}

let network = "mem_network.main"
let subnet = "mem_subnet.a"
let server = "mem_server.web"

/// A network, a subnet in it, a server in the subnet.
func webConfig(cidr: String = "10.0.0.0/16", size: String = "small", image: String = "img-1",
               serverLifecycle: Lifecycle = Lifecycle(), outputs: [OutputSpec] = []) -> Configuration
{
    config([
        spec(network, ["cidr_block": .string(cidr), "name": "main"]),
        spec(subnet, ["network_id": ref(network), "cidr_block": "10.0.1.0/24"]),
        spec(server, ["name": "web", "subnet_id": ref(subnet), "size": .string(size), "image": .string(image)],
             lifecycle: serverLifecycle),
    ], outputs: outputs)
}
