import Foundation
import InfraAWS
import InfraEngine
import InfraProviders
import InfraTestSupport
import XCTest

/// moto makes RDS and ElastiCache objects ready (and gone) at once, so the waiters are tested
/// with a provider-level test double of the describe call: a transport that forwards to moto
/// and rewrites its answers to the statuses real AWS goes through.
final class DataWaitTests: XCTestCase {
    /// Forwards to moto; `rewrite(n, body)` may replace the n-th (0-based) answer to `action`.
    final class Rewriter: AWSHTTPTransport, @unchecked Sendable {
        private let lock = NSLock()
        private var calls = 0
        private var requests: [String] = []
        let action: String
        let rewrite: @Sendable (Int, String) -> String?
        /// Answers `intercept` itself (no call to moto) when set.
        let intercept: (action: String, body: String)?

        init(action: String, intercept: (action: String, body: String)? = nil, rewrite: @escaping @Sendable (Int, String) -> String? = { _, _ in nil }) {
            self.action = action
            self.rewrite = rewrite
            self.intercept = intercept
        }

        var count: Int { lock.withLock { calls } }
        var bodies: [String] { lock.withLock { requests } }

        func send(_ request: AWSHTTPRequest, deadline: ContinuousClock.Instant?) async throws -> AWSHTTPResponse {
            let text = String(decoding: request.body, as: UTF8.self)
            lock.withLock { requests.append(text) }
            if let intercept, text.contains("Action=\(intercept.action)&") || text.hasSuffix("Action=\(intercept.action)") {
                return AWSHTTPResponse(status: 200, headers: [("Content-Type", "text/xml")], body: Array(intercept.body.utf8))
            }
            var response = try await HTTPTransport.shared.send(request, deadline: deadline)
            guard text.contains("Action=\(action)&") || text.hasSuffix("Action=\(action)") else { return response }
            let n = lock.withLock { () -> Int in
                calls += 1
                return calls - 1
            }
            if let replaced = rewrite(n, String(decoding: response.body, as: UTF8.self)) { response.body = Array(replaced.utf8) }
            return response
        }
    }

    private func context(_ server: MotoServer, _ transport: any AWSHTTPTransport, timeout: Double = 30,
                         emulator: EmulatorQuirks = .moto) -> ProviderContext
    {
        ProviderContext(client: server.client(transport: transport), region: "us-east-1",
                        waitPolicy: WaitPolicy(initialDelay: 0.001, maxDelay: 0.005, multiplier: 2, timeout: timeout),
                        emulator: emulator)
    }

    private func dbRequest(_ id: String, progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> CreateRequest {
        CreateRequest(address: try ResourceAddress(parsing: "aws_db_instance.orders"),
                      attributes: ["identifier": .string(id), "engine": "postgres", "engine_version": "16.3",
                                   "instance_class": "db.t3.micro", "allocated_storage": .int(20), "username": "app_admin",
                                   "manage_master_user_password": .bool(true), "skip_final_snapshot": .bool(true)],
                      token: "tok-\(id)", progress: progress)
    }

    static func status(_ body: String, _ status: String) -> String {
        body.replacingOccurrences(of: "<DBInstanceStatus>available</DBInstanceStatus>", with: "<DBInstanceStatus>\(status)</DBInstanceStatus>")
    }

    func testDBInstanceCreateWaitsThroughCreatingAndBackingUp() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let sequence = ["creating", "creating", "backing-up"]
        let transport = Rewriter(action: "DescribeDBInstances") { n, body in n < sequence.count ? Self.status(body, sequence[n]) : nil }
        let messages = Messages()
        let created = try await DBInstanceHandler().create(try dbRequest("orders-wait", progress: { messages.append($0) }),
                                                           in: context(server, transport))
        XCTAssertEqual(created.attributes["status"], "available")
        XCTAssertEqual(messages.all.count, 3, "\(messages.all)")
        XCTAssertTrue(messages.all[0].contains("creating") && messages.all[2].contains("backing-up"), "\(messages.all)")
        XCTAssertTrue(messages.all.allSatisfy { $0.contains("orders-wait") }, "\(messages.all)")
    }

    func testDBInstanceDeleteWaitsUntilGone() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let handler = DBInstanceHandler()
        let created = try await handler.create(try dbRequest("orders-del"), in: context(server, HTTPTransport.shared))
        let listed = LockedBox<String>()
        // Answers after the delete are empty lists; the first two are replaced by the
        // instance in `deleting`, as AWS shows it for minutes.
        let transport = Rewriter(action: "DescribeDBInstances") { n, body in
            if n == 0 { listed.set(body); return nil }
            guard n <= 2, let saved = listed.get() else { return nil }
            return Self.status(saved, "deleting")
        }
        _ = try await handler.read(ids: [created.id], in: context(server, transport))
        try await handler.delete(id: created.id, attributes: created.attributes, in: context(server, transport))
        XCTAssertEqual(transport.count, 4, "one read, two polls seeing deleting, one seeing it gone")
        let after = try await handler.read(ids: [created.id], in: context(server, HTTPTransport.shared))
        XCTAssertTrue(after.isEmpty)
    }

    func testIncompatibleParametersEndsTheWaitWithItsReason() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let transport = Rewriter(action: "DescribeDBInstances") { _, body in Self.status(body, "incompatible-parameters") }
        do {
            _ = try await DBInstanceHandler().create(try dbRequest("orders-bad"), in: context(server, transport))
            XCTFail("an instance with incompatible parameters must not count as created")
        } catch let error as ResourceNotReadyError {
            XCTAssertEqual(error.object.id, "orders-bad")
            XCTAssertTrue(error.reason.contains("incompatible-parameters"), error.reason)
            XCTAssertTrue(error.reason.contains("DB instance orders-bad"), error.reason)
        }
    }

    func testATimeoutNamesTheInstanceAndTheLastStatus() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let transport = Rewriter(action: "DescribeDBInstances") { _, body in Self.status(body, "modifying") }
        do {
            _ = try await DBInstanceHandler().create(try dbRequest("orders-slow"), in: context(server, transport, timeout: 0.05))
            XCTFail("expected a timeout")
        } catch let error as ResourceNotReadyError {
            XCTAssertTrue(error.reason.contains("timed out"), error.reason)
            XCTAssertTrue(error.reason.contains("DB instance orders-slow"), error.reason)
            XCTAssertTrue(error.reason.contains("last status: modifying"), error.reason)
        }
    }

    func testDeletionProtectionRefusesTheDeleteWithWhatToDo() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        do {
            try await DBInstanceHandler().delete(id: "orders", attributes: ["deletion_protection": .bool(true)],
                                                 in: context(server, HTTPTransport.shared))
            XCTFail("expected a refusal")
        } catch let error as DataResourceError {
            XCTAssertTrue(error.description.contains("set deletion protection off"), error.description)
            XCTAssertTrue(error.description.contains("orders"), error.description)
        }
    }

    private func createGroup(_ server: MotoServer, _ id: String) async throws -> ObservedResource {
        try await ReplicationGroupHandler().create(CreateRequest(
            address: try ResourceAddress(parsing: "aws_elasticache_replication_group.sessions"),
            attributes: ["replication_group_id": .string(id), "description": "sessions", "engine": "redis",
                         "node_type": "cache.t3.micro", "num_cache_clusters": .int(1), "port": .int(6379)],
            token: "tok-\(id)"), in: context(server, HTTPTransport.shared))
    }

    /// moto keeps the group `deleting`: without the emulator switch the wait times out naming
    /// the group and the status; with it, `deleting` after our delete counts as gone.
    func testReplicationGroupDeletingIsGoneOnlyWithTheEmulatorSwitch() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let handler = ReplicationGroupHandler()
        let a = try await createGroup(server, "sessions-a")
        do {
            try await handler.delete(id: a.id, attributes: a.attributes, in: context(server, HTTPTransport.shared, timeout: 0.05, emulator: .none))
            XCTFail("without the switch, `deleting` is not gone")
        } catch let error as WaitError {
            XCTAssertEqual(error.kind, .timedOut)
            XCTAssertTrue(error.description.contains("replication group sessions-a"), error.description)
            XCTAssertEqual(error.lastStatus, "deleting")
        }
        let b = try await createGroup(server, "sessions-b")
        try await handler.delete(id: b.id, attributes: b.attributes, in: context(server, HTTPTransport.shared, emulator: .moto))
        let left = try await handler.read(ids: [b.id], in: context(server, HTTPTransport.shared))
        XCTAssertTrue(left.isEmpty, "a deleting group reads as absent")
    }

    /// moto 5.2.1 has no ModifyReplicationGroup: the update is tested with a double that
    /// answers it, checking the request carries exactly the changed members.
    func testReplicationGroupUpdateSendsModifyReplicationGroup() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let created = try await createGroup(server, "sessions-m")
        let answer = "<ModifyReplicationGroupResponse xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\"><ModifyReplicationGroupResult>"
            + "<ReplicationGroup><ReplicationGroupId>sessions-m</ReplicationGroupId><Status>modifying</Status></ReplicationGroup>"
            + "</ModifyReplicationGroupResult></ModifyReplicationGroupResponse>"
        let double = Rewriter(action: "DescribeReplicationGroups", intercept: ("ModifyReplicationGroup", answer))
        var desired = created.attributes
        desired["node_type"] = "cache.t3.small"
        let updated = try await ReplicationGroupHandler().update(UpdateRequest(
            address: try ResourceAddress(parsing: "aws_elasticache_replication_group.sessions"), id: created.id,
            prior: created.attributes, attributes: desired, changed: ["node_type"]), in: context(server, double))
        let modify = try XCTUnwrap(double.bodies.first { $0.contains("Action=ModifyReplicationGroup") })
        XCTAssertTrue(modify.contains("CacheNodeType=cache.t3.small"), modify)
        XCTAssertTrue(modify.contains("ApplyImmediately=true"), modify)
        XCTAssertFalse(modify.contains("SnapshotRetentionLimit"), "only the changed member is sent: \(modify)")
        XCTAssertEqual(updated.id, created.id)
    }

    /// Against moto 5.2.1 itself the missing operation comes out as an error naming the resource.
    func testMotosMissingModifyReplicationGroupIsAClearError() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let created = try await createGroup(server, "sessions-x")
        var desired = created.attributes
        desired["node_type"] = "cache.t3.small"
        do {
            _ = try await ReplicationGroupHandler().update(UpdateRequest(
                address: try ResourceAddress(parsing: "aws_elasticache_replication_group.sessions"), id: created.id,
                prior: created.attributes, attributes: desired, changed: ["node_type"]), in: context(server, HTTPTransport.shared))
            XCTFail("moto 5.2.1 has no ModifyReplicationGroup")
        } catch let error as DataResourceError {
            XCTAssertTrue(error.description.contains("aws_elasticache_replication_group.sessions"), error.description)
            XCTAssertTrue(error.description.contains("sessions-x"), error.description)
            XCTAssertTrue(error.description.contains("ModifyReplicationGroup"), error.description)
        }
    }

    /// moto 5.2.1 has no ModifyCacheCluster: shrinking is tested with a double that answers it,
    /// checking the newest node is the one removed.
    func testCacheClusterShrinkSendsModifyCacheClusterRemovingTheNewestNode() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let created = try await CacheClusterHandler().create(CreateRequest(
            address: try ResourceAddress(parsing: "aws_elasticache_cluster.pages"),
            attributes: ["cluster_id": "pages-m", "engine": "memcached", "node_type": "cache.t3.micro",
                         "num_cache_nodes": .int(2), "az_mode": "cross-az", "port": .int(11211)],
            token: "tok-pages-m"), in: context(server, HTTPTransport.shared))
        let answer = "<ModifyCacheClusterResponse xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\"><ModifyCacheClusterResult>"
            + "<CacheCluster><CacheClusterId>pages-m</CacheClusterId></CacheCluster></ModifyCacheClusterResult></ModifyCacheClusterResponse>"
        let double = Rewriter(action: "DescribeCacheClusters", intercept: ("ModifyCacheCluster", answer))
        var desired = created.attributes
        desired["num_cache_nodes"] = .int(1)
        _ = try await CacheClusterHandler().update(UpdateRequest(
            address: try ResourceAddress(parsing: "aws_elasticache_cluster.pages"), id: created.id,
            prior: created.attributes, attributes: desired, changed: ["num_cache_nodes"]), in: context(server, double))
        let modify = try XCTUnwrap(double.bodies.first { $0.contains("Action=ModifyCacheCluster") })
        XCTAssertTrue(modify.contains("NumCacheNodes=1"), modify)
        XCTAssertTrue(modify.contains("CacheNodeIdsToRemove.CacheNodeId.1=0002"), modify)
        XCTAssertTrue(modify.contains("ApplyImmediately=true"), modify)
    }

    /// moto 5.2.1 loses a DB subnet group on ModifyDBSubnetGroup: the update is tested with a
    /// double that answers it.
    func testDBSubnetGroupUpdateSendsModifyDBSubnetGroup() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let client = server.client()
        let vpc = try await client.call(.ec2, "CreateVpc", ["CidrBlock": "10.0.0.0/16"])["Vpc"]["VpcId"]
        var subnets: [String] = []
        for (i, zone) in ["us-east-1a", "us-east-1b", "us-east-1c"].enumerated() {
            let subnet = try await client.call(.ec2, "CreateSubnet", ["VpcId": vpc, "CidrBlock": .string("10.0.\(i).0/24"),
                                                                      "AvailabilityZone": .string(zone)])
            subnets.append(subnet["Subnet"]["SubnetId"].string ?? "")
        }
        let handler = DBSubnetGroupHandler()
        let created = try await handler.create(CreateRequest(
            address: try ResourceAddress(parsing: "aws_db_subnet_group.orders"),
            attributes: ["name": "orders-m", "description": "orders", "subnet_ids": .list(subnets.prefix(2).map { .string($0) })],
            token: "tok-orders-m"), in: context(server, HTTPTransport.shared))
        let answer = "<ModifyDBSubnetGroupResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><ModifyDBSubnetGroupResult>"
            + "<DBSubnetGroup><DBSubnetGroupName>orders-m</DBSubnetGroupName></DBSubnetGroup></ModifyDBSubnetGroupResult></ModifyDBSubnetGroupResponse>"
        let double = Rewriter(action: "DescribeDBSubnetGroups", intercept: ("ModifyDBSubnetGroup", answer))
        var desired = created.attributes
        desired["subnet_ids"] = .list(subnets.map { .string($0) })
        _ = try await handler.update(UpdateRequest(
            address: try ResourceAddress(parsing: "aws_db_subnet_group.orders"), id: created.id,
            prior: created.attributes, attributes: desired, changed: ["subnet_ids"]), in: context(server, double))
        let modify = try XCTUnwrap(double.bodies.first { $0.contains("Action=ModifyDBSubnetGroup") })
        XCTAssertTrue(modify.contains("DBSubnetGroupName=orders-m"), modify)
        XCTAssertTrue(modify.contains(subnets[2]), "the third subnet is sent: \(modify)")
    }

    func testEmulatorSwitchComesOnlyFromINFRA_EMULATOR() {
        XCTAssertEqual(EmulatorQuirks.fromEnvironment(["INFRA_EMULATOR": "moto"]), .moto)
        XCTAssertEqual(EmulatorQuirks.fromEnvironment([:]), .none)
        XCTAssertEqual(EmulatorQuirks.fromEnvironment(["INFRA_EMULATOR": "localstack"]), .none)
    }

    /// A downgrade is refused before any call, saying how to replace the instance instead.
    func testEngineDowngradeIsRefusedWithTheWayOut() async throws {
        let server = try await MotoServer.shared()
        do {
            _ = try await DBInstanceHandler().update(UpdateRequest(
                address: try ResourceAddress(parsing: "aws_db_instance.orders"), id: "orders",
                prior: ["engine_version": "16.3"], attributes: ["engine_version": "15.7"], changed: ["engine_version"]),
                in: context(server, HTTPTransport.shared))
            XCTFail("a downgrade must be refused")
        } catch let error as DataResourceError {
            XCTAssertTrue(error.description.contains("cannot downgrade engine_version from 16.3 to 15.7"), error.description)
            XCTAssertTrue(error.description.contains("--replace aws_db_instance.orders"), error.description)
        }
    }
}

final class LockedBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?
    func set(_ new: T) { lock.withLock { if value == nil { value = new } } }
    func get() -> T? { lock.withLock { value } }
}
