import InfraEngine
import XCTest

final class GraphTests: XCTestCase {
    func testTopologicalOrderPutsDependenciesFirst() throws {
        let graph = try ResourceGraph(config([
            spec("mem_server.web", ["subnet_id": ref("mem_subnet.a")]),
            spec("mem_subnet.a", ["network_id": ref("mem_network.main")]),
            spec("mem_network.main", [:]),
        ]))
        let order = graph.topologicalOrder.map { graph.resources[$0].address.description }
        XCTAssertEqual(order, ["mem_network.main", "mem_subnet.a", "mem_server.web"])
        XCTAssertEqual(graph.reverseTopologicalOrder.map { graph.resources[$0].address.description },
                       ["mem_server.web", "mem_subnet.a", "mem_network.main"])
        XCTAssertEqual(graph.dependents(of: addr("mem_network.main")), [addr("mem_subnet.a")])
        XCTAssertEqual(graph.dependencies(of: addr("mem_server.web")), [addr("mem_subnet.a")])
        XCTAssertEqual(graph.closure(of: [addr("mem_subnet.a")]), [addr("mem_subnet.a"), addr("mem_network.main")])
    }

    func testDuplicateAddressIsNamed() {
        XCTAssertThrowsError(try ResourceGraph(config([spec("mem_network.main", [:]), spec("mem_network.main", [:])]))) {
            let errors = ($0 as? GraphErrors)?.errors
            XCTAssertEqual(errors, [.duplicateAddress(addr("mem_network.main"))])
            XCTAssertEqual(errors?.first?.description,
                           "mem_network.main is declared more than once: give each resource a unique name")
        }
    }

    func testUndeclaredReferenceNamesBothEndsAndTheLikelyCause() {
        XCTAssertThrowsError(try ResourceGraph(config([
            spec("aws_db_instance.x", ["vpc_security_group_ids": .list([ref("aws_security_group.y")])]),
        ]))) {
            XCTAssertEqual(String(describing: $0),
                           "aws_db_instance.x references aws_security_group.y (in vpc_security_group_ids), which this "
                               + "environment does not declare (is it created only when a setting is on?)")
        }
    }

    func testUndeclaredDependsOnAndOutputReference() {
        XCTAssertThrowsError(try ResourceGraph(config(
            [spec("mem_network.main", [:], dependsOn: ["mem_network.other"])],
            outputs: [OutputSpec(name: "endpoint", value: ref("mem_server.gone", "endpoint"))]))) {
            let errors = ($0 as? GraphErrors)?.errors ?? []
            XCTAssertEqual(errors, [
                .undeclaredReference(from: addr("mem_network.main"), attribute: nil, to: addr("mem_network.other")),
                .undeclaredOutputReference(output: "endpoint", to: addr("mem_server.gone")),
            ])
            XCTAssertTrue(errors[0].description.hasPrefix("mem_network.main depends on mem_network.other, which"))
        }
    }

    func testCycleIsReportedWithItsPath() {
        XCTAssertThrowsError(try ResourceGraph(config([
            spec("mem_thing_a.free", ["name": "f"]),
            spec("mem_thing_a.a", ["link": ref("mem_thing_a.b")]),
            spec("mem_thing_a.b", ["link": ref("mem_thing_a.c")]),
            spec("mem_thing_a.c", ["peer": ref("mem_thing_a.a", "arn")]),
        ]))) {
            XCTAssertEqual(String(describing: $0),
                           "dependency cycle: mem_thing_a.a → mem_thing_a.b → mem_thing_a.c → mem_thing_a.a; "
                               + "break it by removing one of these references or dependsOn")
        }
    }

    func testSelfReferenceIsNotAnEdge() throws {
        let graph = try ResourceGraph(config([spec("mem_thing_a.a", ["peer": ref("mem_thing_a.a", "arn")])]))
        XCTAssertEqual(graph.dependencies[0], [])
    }

    func testLargeChainIsLinearAndOrdered() throws {
        let n = 20_000
        let resources = (0..<n).map { i in
            spec("mem_thing_a.r\(i)", i == 0 ? ["name": "x"] : ["name": "x", "link": ref("mem_thing_a.r\(i - 1)")])
        }
        let graph = try ResourceGraph(config(resources.reversed()))
        XCTAssertEqual(graph.resources[graph.topologicalOrder[0]].address, addr("mem_thing_a.r0"))
        XCTAssertEqual(graph.resources[graph.topologicalOrder[n - 1]].address, addr("mem_thing_a.r\(n - 1)"))
    }
}
