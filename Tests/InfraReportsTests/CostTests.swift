import InfraEngine
import XCTest

@testable import InfraReports

final class CostTests: XCTestCase {
    func address(_ type: String, _ name: String) -> ResourceAddress { ResourceAddress(type: type, name: name) }

    func testLinesMatchHandArithmeticFromTheShippedTable() throws {
        let table = try PriceTable.shipped()
        let resources = [
            ResourceView(address: address("aws_db_instance", "ledger"), before: nil, after: [
                "engine": "postgres", "instance_class": "db.r6g.large", "multi_az": true, "storage_type": "gp3", "allocated_storage": 100,
            ]),
            ResourceView(address: address("aws_nat_gateway", "a"), before: nil, after: ["subnet_id": .unknown]),
            ResourceView(address: address("aws_ecs_task_definition", "api"), before: nil, after: ["cpu": "512", "memory": "1024"]),
            ResourceView(address: address("aws_ecs_service", "api"), before: nil, after: ["desired_count": 3, "task_definition": .unknown],
                         references: ["task_definition": address("aws_ecs_task_definition", "api")]),
            ResourceView(address: address("aws_eks_cluster", "apps"), before: nil, after: ["name": "apps"]),
            ResourceView(address: address("aws_vpc", "main"), before: nil, after: ["cidr_block": "10.0.0.0/16"]),
        ]
        let estimate = CostEstimator(table: table, region: "us-east-1").estimate(resources)
        func after(_ type: String, _ name: String) -> Double? {
            estimate.lines.first { $0.address == address(type, name) }?.after?.dollars
        }
        // db.r6g.large 0.225/h × 730 h = 164.25; 100 GB gp3 × 0.115 = 11.50; Multi-AZ doubles: 351.50
        XCTAssertEqual(try XCTUnwrap(after("aws_db_instance", "ledger")), 351.50, accuracy: 0.001)
        // 0.045/h × 730 = 32.85; 100 GB × 0.045 = 4.50 → 37.35
        XCTAssertEqual(try XCTUnwrap(after("aws_nat_gateway", "a")), 37.35, accuracy: 0.001)
        // 0.5 vCPU × 0.04048 + 1 GB × 0.004445 = 0.024685/h × 730 = 18.02005 per task; × 3 = 54.06015
        XCTAssertEqual(try XCTUnwrap(after("aws_ecs_service", "api")), 54.06015, accuracy: 0.0001)
        XCTAssertEqual(try XCTUnwrap(after("aws_eks_cluster", "apps")), 73.0, accuracy: 0.001)
        XCTAssertNil(estimate.lines.first { $0.address.type == "aws_vpc" }, "free resources are not listed")
        XCTAssertEqual(estimate.delta, 351.50 + 37.35 + 54.06015 + 73.0, accuracy: 0.001)
        XCTAssertTrue(estimate.assumptions.contains { $0.contains("100 GB processed per NAT gateway") })
    }

    func testUnknownPricesAreReportedNeverZero() throws {
        let table = try PriceTable.shipped()
        let resources = [
            ResourceView(address: address("aws_db_instance", "x"), before: nil, after: ["engine": "postgres", "instance_class": "db.x9.huge", "allocated_storage": 20]),
            ResourceView(address: address("aws_lambda_function", "f"), before: nil, after: [:]),
        ]
        let estimate = CostEstimator(table: table, region: "us-east-1").estimate(resources)
        XCTAssertEqual(estimate.unknown.count, 2)
        XCTAssertEqual(estimate.totalAfter, 0)
        guard case .unknown(let reason) = estimate.lines[0].after else { return XCTFail("expected unknown") }
        XCTAssertTrue(reason.contains("db.x9.huge"), reason)

        let elsewhere = CostEstimator(table: table, region: "ap-south-1").estimate([
            ResourceView(address: address("aws_eks_cluster", "c"), before: nil, after: [:]),
        ])
        guard case .unknown(let regionReason) = elsewhere.lines[0].after else { return XCTFail("expected unknown") }
        XCTAssertTrue(regionReason.contains("ap-south-1"), regionReason)
    }

    func testDeltaOfAResizeIsTheDifference() throws {
        let estimate = CostEstimator(table: try PriceTable.shipped(), region: "us-east-1").estimate([
            ResourceView(address: address("aws_elasticache_replication_group", "cache"),
                         before: ["node_type": "cache.t4g.small", "num_cache_clusters": 2],
                         after: ["node_type": "cache.r6g.large", "num_cache_clusters": 2]),
        ])
        // (0.206 − 0.032) × 2 × 730 = 254.04
        XCTAssertEqual(try XCTUnwrap(estimate.lines.first?.delta), 254.04, accuracy: 0.001)
    }
}
