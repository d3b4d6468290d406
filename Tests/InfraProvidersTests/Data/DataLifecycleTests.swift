import Foundation
import InfraAWS
import InfraDSL
import InfraEngine
import InfraProviders
import InfraTestSupport
import XCTest

/// RDS and ElastiCache against moto (signature checking on) through Planner + Applier +
/// LocalBackend, with the shared ``NetworkHarness`` (emulator quirks: moto).
final class DataLifecycleTests: XCTestCase {
    /// moto 5.2.1 has no DeleteCacheSubnetGroup (HTTP 500): the groups stay in the emulator.
    static let motoKeeps: Set<String> = ["aws_elasticache_subnet_group"]

    enum Expect {
        case update([String])
        case replace(String)
    }

    /// A VPC, two subnets in two zones and a security group: what the data resources sit in.
    struct Net {
        let vpc = VPC("main", cidr: "10.0.0.0/16")
        var a: Subnet { Subnet("a", vpc: vpc, cidr: "10.0.1.0/24", zone: .index(0)) }
        var b: Subnet { Subnet("b", vpc: vpc, cidr: "10.0.2.0/24", zone: .index(1)) }
        var c: Subnet { Subnet("c", vpc: vpc, cidr: "10.0.3.0/24", zone: .index(2)) }
        var group: SecurityGroup { SecurityGroup("db", vpc: vpc.id, description: "data") }
        var subnets: SubnetSet { SubnetSet(vpc: vpc.id, ids: [a.id, b.id]) }
    }

    /// create → empty plan → in-place update → apply → empty → second change (update or
    /// replacement naming the attribute) → apply (unless `applySecond` is false) → destroy.
    private func lifecycle(_ address: String, second: Expect, applySecond: Bool = true, file: StaticString = #filePath,
                           line: UInt = #line, _ make: (Int) throws -> Configuration) async throws
    {
        let h = try await NetworkHarness.start()
        let v0 = try make(0), v1 = try make(1), v2 = try make(2)
        try await h.converge(v0, file: file, line: line)

        let update = try await h.plan(v1)
        let change = try XCTUnwrap(update.change(address), "no change for \(address)", file: file, line: line)
        XCTAssertEqual(change.action, .update, update.describeChanges, file: file, line: line)
        XCTAssertEqual(update.actingChanges.count, 1, "exactly one change: \(update.describeChanges)", file: file, line: line)
        try await h.apply(update, file: file, line: line)
        let afterUpdate = try await h.plan(v1)
        XCTAssertFalse(afterUpdate.hasChanges, afterUpdate.describeChanges, file: file, line: line)

        let next = try await h.plan(v2)
        let second2 = try XCTUnwrap(next.change(address), file: file, line: line)
        switch second {
        case .update(let attributes):
            XCTAssertEqual(second2.action, .update, next.describeChanges, file: file, line: line)
            XCTAssertEqual(second2.changedAttributes, attributes, file: file, line: line)
        case .replace(let attribute):
            XCTAssertTrue(second2.action.isReplace, next.describeChanges, file: file, line: line)
            XCTAssertEqual(second2.replacePaths, [attribute], file: file, line: line)
            XCTAssertTrue(second2.reasons.contains { $0.hasPrefix("\(attribute):") && $0.contains("forces replacement") },
                          "\(second2.reasons)", file: file, line: line)
        }
        if applySecond {
            try await h.apply(next, file: file, line: line)
            let afterSecond = try await h.plan(v2)
            XCTAssertFalse(afterSecond.hasChanges, afterSecond.describeChanges, file: file, line: line)
            try await h.destroyAll(v2, leftBehind: Self.motoKeeps, file: file, line: line)
        } else {
            try await h.destroyAll(v1, leftBehind: Self.motoKeeps, file: file, line: line)
        }
    }

    func testDBSubnetGroup() async throws {
        // moto 5.2.1 loses a DB subnet group on ModifyDBSubnetGroup (it is not found afterwards),
        // so the in-place steps against moto are tag changes.
        try await lifecycle("aws_db_subnet_group.orders", second: .update(["tags"])) { v in
            let n = Net()
            let group = DBSubnetGroup("orders", subnets: [n.a.id, n.b.id], description: "orders")
            return try NetworkHarness.build { n.vpc; n.a; n.b; n.c; v == 0 ? group : group.tagged(["Team": v == 1 ? "db" : "data"]) }
        }
    }

    func testDBParameterGroup() async throws {
        try await lifecycle("aws_db_parameter_group.orders", second: .replace("family")) { v in
            let group = DBParameterGroup("orders", family: v == 2 ? "postgres17" : "postgres16",
                                         parameters: ["log_min_duration_statement": v == 0 ? "500" : "250"], description: "orders")
            return try NetworkHarness.build { group }
        }
    }

    private func instance(_ n: Net, _ subnetGroup: DBSubnetGroup, instanceClass: InstanceClass = "db.t3.micro",
                          username: String = "app_admin") -> DBInstance
    {
        DBInstance("orders", engineVersion: "16.3", instanceClass: instanceClass, allocatedStorage: 20, username: username,
                   subnetGroup: subnetGroup.groupName, securityGroups: [n.group.id])
    }

    func testDBInstance() async throws {
        try await lifecycle("aws_db_instance.orders", second: .replace("username")) { v in
            let n = Net()
            let sg = DBSubnetGroup("orders", subnets: n.subnets.ids, description: "orders")
            let db = instance(n, sg, instanceClass: v == 0 ? "db.t3.micro" : "db.t3.small", username: v == 2 ? "owner" : "app_admin")
            return try NetworkHarness.build { n.vpc; n.a; n.b; n.group; sg; db }
        }
    }

    func testDBInstanceKeepsNoPasswordAndRecordsTheManagedSecret() async throws {
        let h = try await NetworkHarness.start()
        let n = Net()
        let sg = DBSubnetGroup("orders", subnets: n.subnets.ids, description: "orders")
        try await h.converge(try NetworkHarness.build { n.vpc; n.a; n.b; n.group; sg; instance(n, sg) })
        let current = try await h.state()
        let state = try XCTUnwrap(current)
        let db = try XCTUnwrap(state.resources.values.first { $0.type == "aws_db_instance" })
        let secret = db.attributes["master_user_secret"]?.listValue?.first?.mapValue?["secret_arn"]?.stringValue
        XCTAssertTrue(secret?.hasPrefix("arn:aws:secretsmanager:") == true, "\(db.attributes)")
        XCTAssertEqual(db.attributes["manage_master_user_password"], .bool(true))
        XCTAssertNotNil(db.attributes["endpoint"]?.stringValue?.range(of: ":5432"))
        let files = try FileManager.default.subpathsOfDirectory(atPath: h.root.path)
        for file in files {
            let text = (try? String(contentsOf: h.root.appendingPathComponent(file), encoding: .utf8)) ?? ""
            XCTAssertFalse(text.contains("\"password\"") || text.contains("master_password"), "\(file) holds a password attribute")
            XCTAssertFalse(text.contains("MasterUserPassword"), file)
        }
        XCTAssertFalse(db.attributes.keys.contains { $0.contains("password") && $0 != "manage_master_user_password" })
        try await h.destroyAll(try NetworkHarness.build { n.vpc; n.a; n.b; n.group; sg; instance(n, sg) })
    }

    func testCacheSubnetGroup() async throws {
        // moto 5.2.1 has no ModifyCacheSubnetGroup (HTTP 500): in-place steps are tag changes.
        try await lifecycle("aws_elasticache_subnet_group.sessions", second: .update(["tags"])) { v in
            let n = Net()
            let group = ElastiCacheSubnetGroup("sessions", subnets: [n.a.id, n.b.id], description: "sessions")
            return try NetworkHarness.build { n.vpc; n.a; n.b; n.c; v == 0 ? group : group.tagged(["Team": v == 1 ? "web" : "cache"]) }
        }
    }

    /// moto keeps a deleted group's id (`deleting` forever), so the replacement is planned
    /// and checked but not applied; the update path of ModifyReplicationGroup is tested with a
    /// test double in DataWaitTests (moto 5.2.1 lacks it).
    func testReplicationGroup() async throws {
        try await lifecycle("aws_elasticache_replication_group.sessions", second: .replace("port"), applySecond: false) { v in
            let n = Net()
            let sg = ElastiCacheSubnetGroup("sessions", subnets: n.subnets.ids, description: "sessions")
            let redis = ElastiCacheReplicationGroup("sessions", description: "sessions", nodeType: "cache.t3.micro", nodeCount: 2,
                                                    port: v == 2 ? 6380 : 6379, subnetGroup: sg.groupName, securityGroups: [n.group.id])
            return try NetworkHarness.build { n.vpc; n.a; n.b; n.group; sg; v == 0 ? redis : redis.tagged(["Team": "web"]) }
        }
    }

    func testMemcachedCluster() async throws {
        try await lifecycle("aws_elasticache_cluster.pages", second: .replace("port"), applySecond: false) { v in
            let n = Net()
            let sg = ElastiCacheSubnetGroup("pages", subnets: n.subnets.ids, description: "pages")
            let cluster = ElastiCacheCluster("pages", nodeType: "cache.t3.micro", nodeCount: 2, port: v == 2 ? 11212 : 11211,
                                             subnetGroup: sg.groupName, securityGroups: [n.group.id])
            return try NetworkHarness.build { n.vpc; n.a; n.b; n.group; sg; v == 0 ? cluster : cluster.tagged(["Team": "web"]) }
        }
    }

    func testComponentsApplyAndReplanEmpty() async throws {
        let h = try await NetworkHarness.start()
        let n = Net()
        let app = SecurityGroup("app", vpc: n.vpc.id, description: "app")
        let configuration = try NetworkHarness.build {
            n.vpc; n.a; n.b; app
            PostgresDatabase("ledger", version: "16.3", size: DatabaseSize(instanceClass: "db.t3.micro", storage: 20),
                             subnets: n.subnets, admit: [app.id], parameters: ["log_min_duration_statement": "500"])
            RedisCache("sessions", size: CacheSize(nodeType: "cache.t3.micro", nodes: 2), subnets: n.subnets, admit: [app.id])
            MemcachedCache("pages", size: CacheSize(nodeType: "cache.t3.micro", nodes: 2), subnets: n.subnets, admit: [app.id])
        }
        try await h.converge(configuration)
        try await h.destroyAll(configuration, leftBehind: Self.motoKeeps)
    }

    func testImportOfDBInstanceAndSubnetGroupCreatedWithBoto3PlansEmpty() async throws {
        let h = try await NetworkHarness.start()
        let n = Net()
        let sg = DBSubnetGroup("orders", subnets: n.subnets.ids, description: "orders")
        let db = instance(n, sg)
        try await h.converge(try NetworkHarness.build { n.vpc; n.a; n.b; n.group })
        let full = try NetworkHarness.build { n.vpc; n.a; n.b; n.group; sg; db }
        let current = try await h.state()
        let state = try XCTUnwrap(current)
        func id(_ address: String) -> String { state.resources.first { $0.key.description == address }?.value.id ?? "" }
        func spec(_ type: String) -> ResourceSpec? { full.resources.first { $0.type == type } }
        let groupName = spec("aws_db_subnet_group")?.attributes.string("name") ?? ""
        let identifier = spec("aws_db_instance")?.attributes.string("identifier") ?? ""
        let tags = spec("aws_db_instance")?.attributes.stringMap("tags") ?? [:]
        let tagJSON = String(decoding: try JSONSerialization.data(withJSONObject: tags.map { ["Key": $0.key, "Value": $0.value] }), as: UTF8.self)
        _ = try h.boto3("""
            rds = boto3.client("rds", endpoint_url=ec2.meta.endpoint_url, region_name="us-east-1",
                aws_access_key_id=ec2._request_signer._credentials.access_key, aws_secret_access_key=ec2._request_signer._credentials.secret_key)
            tags = \(tagJSON)
            rds.create_db_subnet_group(DBSubnetGroupName="\(groupName)", DBSubnetGroupDescription="orders",
                SubnetIds=["\(id("aws_subnet.a"))", "\(id("aws_subnet.b"))"], Tags=tags)
            rds.create_db_instance(DBInstanceIdentifier="\(identifier)", Engine="postgres", EngineVersion="16.3",
                DBInstanceClass="db.t3.micro", AllocatedStorage=20, StorageType="gp3", StorageEncrypted=True,
                MasterUsername="app_admin", ManageMasterUserPassword=True, DBSubnetGroupName="\(groupName)",
                VpcSecurityGroupIds=["\(id("aws_security_group.db"))"], MultiAZ=False, PubliclyAccessible=False,
                BackupRetentionPeriod=7, DeletionProtection=False, CopyTagsToSnapshot=True, AutoMinorVersionUpgrade=True, Tags=tags)
            """)
        let provider = h.provider()
        var resources = state.resources
        for (type, name, objectID) in [("aws_db_subnet_group", "orders", groupName), ("aws_db_instance", "orders", identifier)] {
            let imported = try await provider.importResource(type: type, id: objectID)
            let object = try XCTUnwrap(imported, "\(type) \(objectID) not found")
            resources[ResourceAddress(type: type, name: name)] = ResourceState(type: type, id: object.id, attributes: object.attributes)
        }
        try await h.backend.write(StateSnapshot(lineage: state.lineage, serial: state.serial + 1, stack: state.stack,
                                                environment: state.environment, resources: resources))
        let plan = try await h.plan(full)
        XCTAssertFalse(plan.hasChanges, plan.describeChanges)
        try await h.destroyAll(full)
    }

    func testDriftOfADBInstanceTagIsReportedAndPutBack() async throws {
        let h = try await NetworkHarness.start()
        let n = Net()
        let sg = DBSubnetGroup("orders", subnets: n.subnets.ids, description: "orders")
        let configuration = try NetworkHarness.build { n.vpc; n.a; n.b; n.group; sg; instance(n, sg) }
        try await h.converge(configuration)
        let current = try await h.state()
        let arn = try XCTUnwrap(current?.resources.values.first { $0.type == "aws_db_instance" }?.attributes.string("arn"))
        _ = try await h.client.call(.rds, "AddTagsToResource", ["ResourceName": .string(arn), "Tags": [["Key": "Stack", "Value": "hand"]]])
        let plan = try await h.plan(configuration)
        let drift = try XCTUnwrap(plan.drift.first, plan.describeChanges)
        XCTAssertEqual(drift.address.description, "aws_db_instance.orders")
        XCTAssertEqual(drift.attributes.map(\.name), ["tags"])
        XCTAssertEqual(plan.change("aws_db_instance.orders")?.changedAttributes, ["tags"])
        try await h.apply(plan)
        let settled = try await h.plan(configuration)
        XCTAssertFalse(settled.hasChanges, settled.describeChanges)
        try await h.destroyAll(configuration, leftBehind: Self.motoKeeps)
    }

    /// 5 DB instances and 5 replication groups refresh with one DescribeDBInstances, one
    /// DescribeReplicationGroups and one DescribeCacheClusters (member details); ElastiCache
    /// has no batch tag read, so each group adds one ListTagsForResource (5). DB instance tags
    /// come with DescribeDBInstances.
    func testRefreshOfFiveInstancesAndFiveGroupsIsBatched() async throws {
        let h = try await NetworkHarness.start()
        let n = Net()
        let dbGroup = DBSubnetGroup("data", subnets: n.subnets.ids, description: "data")
        let cacheGroup = ElastiCacheSubnetGroup("data", subnets: n.subnets.ids, description: "data")
        let configuration = try NetworkHarness.build {
            n.vpc; n.a; n.b; n.group; dbGroup; cacheGroup
            for i in 0..<5 {
                DBInstance("db\(i)", engineVersion: "16.3", instanceClass: "db.t3.micro", allocatedStorage: 20,
                           subnetGroup: dbGroup.groupName, securityGroups: [n.group.id])
                ElastiCacheReplicationGroup("cache\(i)", description: "cache \(i)", nodeType: "cache.t3.micro", nodeCount: 1,
                                            subnetGroup: cacheGroup.groupName, securityGroups: [n.group.id])
            }
        }
        try await h.converge(configuration)
        let current = try await h.state()
        let state = try XCTUnwrap(current)
        let provider = h.provider(transport: CountingTransport())
        for (type, expected) in [("aws_db_instance", 1), ("aws_elasticache_replication_group", 1 + 1 + 5)] {
            let counting = CountingTransport()
            let counted = h.provider(transport: counting)
            let recorded = Dictionary(uniqueKeysWithValues: state.resources.values.filter { $0.type == type }.map { ($0.id, $0.attributes) })
            XCTAssertEqual(recorded.count, 5)
            let found = try await counted.read(type: type, recorded: recorded)
            XCTAssertEqual(found.count, 5, type)
            XCTAssertEqual(counting.count, expected, "\(type) refresh made \(counting.count) calls")
        }
        _ = provider
        try await h.destroyAll(configuration, leftBehind: Self.motoKeeps)
    }
}
