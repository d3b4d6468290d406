import InfraEngine
import InfraTestSupport
import XCTest

@testable import InfraReports

final class PlanTextTests: XCTestCase {
    let cloud = InMemoryCloud()
    let backend = InMemoryBackend()

    func address(_ type: String, _ name: String) -> ResourceAddress { ResourceAddress(type: type, name: name) }

    func configuration(cidr: String, size: String, password: Value = .sensitive("hunter2-never-shown")) -> Configuration {
        Configuration(stack: "platform", environment: "dev", resources: [
            ResourceSpec(address: address("mem_network", "main"), attributes: ["cidr_block": .string(cidr), "name": "main"]),
            ResourceSpec(address: address("mem_server", "api"), attributes: [
                "name": "api", "size": .string(size), "password": password,
                "subnet_id": .reference(Reference(address("mem_network", "main"), "id")),
            ]),
        ], outputs: [OutputSpec(name: "endpoint", value: .reference(Reference(address("mem_server", "api"), "endpoint")))])
    }

    func plan(_ configuration: Configuration) async throws -> Plan {
        try await Planner(provider: cloud).plan(configuration, prior: try await backend.read()?.state, backendKey: backend.key)
    }

    func apply(_ plan: Plan) async throws {
        let result = try await Applier(provider: cloud, backend: backend).apply(plan)
        XCTAssertTrue(result.succeeded)
    }

    func testCreateShowsEveryAttributeUnknownsAndTheSummary() async throws {
        let text = PlanText().render(try await plan(configuration(cidr: "10.0.0.0/16", size: "small")))
        XCTAssertTrue(text.contains("# mem_network.main will be created"), text)
        XCTAssertTrue(text.contains("  + resource \"mem_network\" \"main\" {"), text)
        XCTAssertTrue(text.contains("+ cidr_block = \"10.0.0.0/16\""), text)
        XCTAssertTrue(text.contains("+ subnet_id = (known after apply)"), text)
        XCTAssertTrue(text.contains("+ password  = (sensitive value)"), text)
        XCTAssertTrue(text.contains("Plan: 2 to add, 0 to change, 0 to destroy."), text)
        XCTAssertTrue(text.contains("Changes to Outputs:\n  + endpoint = (known after apply)"), text)
        XCTAssertFalse(text.contains("hunter2"), "a sensitive value must never be rendered")
        XCTAssertFalse(text.contains("\u{1B}["), "no colour unless asked")
    }

    func testUpdateReplaceAndNoChangeRead() async throws {
        try await apply(try await plan(configuration(cidr: "10.0.0.0/16", size: "small")))
        let unchanged = PlanText().render(try await plan(configuration(cidr: "10.0.0.0/16", size: "small")))
        XCTAssertTrue(unchanged.hasPrefix("No changes."), unchanged)

        let update = PlanText().render(try await plan(configuration(cidr: "10.0.0.0/16", size: "large")))
        XCTAssertTrue(update.contains("# mem_server.api will be updated in-place"), update)
        XCTAssertTrue(update.contains("~ size      = \"small\" -> \"large\""), update)
        XCTAssertTrue(update.contains("unchanged attribute"), update)
        XCTAssertTrue(update.contains("Plan: 0 to add, 1 to change, 0 to destroy."), update)

        let replace = PlanText().render(try await plan(configuration(cidr: "10.9.0.0/16", size: "small")))
        XCTAssertTrue(replace.contains("# mem_network.main must be replaced"), replace)
        XCTAssertTrue(replace.contains("-/+ resource \"mem_network\" \"main\" {"), replace)
        XCTAssertTrue(replace.contains("~ cidr_block = \"10.0.0.0/16\" -> \"10.9.0.0/16\" # forces replacement"), replace)
        XCTAssertTrue(replace.contains("cidr_block"), replace)
    }

    func testDriftHasItsOwnSectionAndColoursOnlyWhenAsked() async throws {
        try await apply(try await plan(configuration(cidr: "10.0.0.0/16", size: "small")))
        let id = try XCTUnwrap(backend.state?.resources[address("mem_server", "api")]?.id)
        cloud.tamper(id: id) { $0["size"] = "huge" }
        let plan = try await plan(configuration(cidr: "10.0.0.0/16", size: "small"))
        let text = PlanText().render(plan)
        XCTAssertTrue(text.hasPrefix("Note: Objects have changed outside of infra"), text)
        XCTAssertTrue(text.contains("# mem_server.api has changed"), text)
        XCTAssertTrue(text.contains("~ size = \"small\" -> \"huge\""), text)
        XCTAssertTrue(text.contains("~ size      = \"huge\" -> \"small\""), "the plan puts it back: \(text)")
        XCTAssertTrue(PlanText(style: TextStyle(colors: true)).render(plan).contains("\u{1B}[33m~\u{1B}[0m"))
    }
}
