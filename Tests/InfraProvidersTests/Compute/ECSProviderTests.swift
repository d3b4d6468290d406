import Foundation
import InfraAWS
import InfraDSL
import InfraEngine
import InfraProviders
import InfraTestSupport
import XCTest

/// ECS clusters, task definitions and services against moto with signature checking on,
/// through Planner + Applier + LocalBackend.
final class ECSProviderTests: XCTestCase {
    struct Knobs {
        var count = 1
        var image = "nginx:1.27"
        var insights = true
        var extraServiceTag = false
    }

    static func stack(_ k: Knobs) throws -> Configuration {
        try NetworkHarness.build {
            let vpc = VPC("main", cidr: "10.0.0.0/16")
            let a = Subnet("a", vpc: vpc, cidr: "10.0.1.0/24", zone: .index(0))
            let group = SecurityGroup("svc", vpc: vpc.id, description: "service")
            let role = IAMRole("exec", assumeRolePolicy: .assumedBy(service: "ecs-tasks.amazonaws.com"))
            let cluster = ECSCluster("apps", containerInsights: k.insights)
            let task = ECSTaskDefinition(
                "web", size: TaskSize(cpu: 256, memory: 512), executionRole: role.arn,
                containers: [ContainerDefinition(name: "web", image: k.image, ports: [8080], environment: ["PORT": 8080, "MODE": "prod"],
                                                 log: LogConfiguration(group: "/ecs/web", streamPrefix: "web"))])
            let service = ECSService("web", cluster: cluster.arn, taskDefinition: task.arn, desiredCount: k.count,
                                     subnets: [a.id], securityGroups: [group.id])
            vpc; a; group; role; cluster; task
            k.extraServiceTag ? service.tagged(["Team": "web"]) : service
        }
    }

    func testClusterTaskDefinitionAndServiceLifecycle() async throws {
        let h = try await NetworkHarness.start()
        try await h.converge(try Self.stack(Knobs()))

        // An in-place update of exactly the desired count.
        let scaled = try await h.plan(try Self.stack(Knobs(count: 2)))
        XCTAssertEqual(scaled.actingChanges.map(\.address.description), ["aws_ecs_service.web"], scaled.describeChanges)
        XCTAssertEqual(scaled.change("aws_ecs_service.web")?.action, .update)
        XCTAssertEqual(scaled.change("aws_ecs_service.web")?.changedAttributes, ["desired_count"])
        try await h.apply(scaled)
        let afterScale = try await h.plan(try Self.stack(Knobs(count: 2)))
        XCTAssertFalse(afterScale.hasChanges, afterScale.describeChanges)

        // Cluster setting and service tags in place.
        let settings = try await h.plan(try Self.stack(Knobs(count: 2, insights: false, extraServiceTag: true)))
        XCTAssertEqual(settings.change("aws_ecs_cluster.apps")?.action, .update)
        XCTAssertEqual(settings.change("aws_ecs_cluster.apps")?.changedAttributes, ["setting"])
        XCTAssertEqual(settings.change("aws_ecs_service.web")?.changedAttributes, ["tags"])
        XCTAssertEqual(settings.actingChanges.count, 2, settings.describeChanges)
        try await h.apply(settings)

        // A new image: a new revision (replacement with the reason), the service follows in place.
        let v2 = try Self.stack(Knobs(count: 2, image: "nginx:1.28", insights: false, extraServiceTag: true))
        let oldARN = try await h.state()?.resources.values.first { $0.type == "aws_ecs_task_definition" }?.attributes.string("arn")
        let revision = try await h.plan(v2)
        let task = try XCTUnwrap(revision.change("aws_ecs_task_definition.web"))
        XCTAssertTrue(task.action.isReplace, revision.describeChanges)
        XCTAssertEqual(task.replacePaths, ["container_definitions"])
        XCTAssertTrue(task.reasons.contains { $0.contains("ECS task definitions are immutable: a new revision is registered") }, "\(task.reasons)")
        XCTAssertEqual(revision.change("aws_ecs_service.web")?.action, .update)
        XCTAssertEqual(revision.change("aws_ecs_service.web")?.changedAttributes, ["task_definition"])
        try await h.apply(revision)
        let afterRevision = try await h.plan(v2)
        XCTAssertFalse(afterRevision.hasChanges, afterRevision.describeChanges)
        let state = try await h.state()
        let newARN = state?.resources.values.first { $0.type == "aws_ecs_task_definition" }?.attributes.string("arn")
        XCTAssertNotEqual(oldARN, newARN)
        XCTAssertTrue(newARN?.hasSuffix(":2") == true, "\(newARN ?? "")")
        XCTAssertEqual(state?.resources.values.first { $0.type == "aws_ecs_service" }?.attributes.string("task_definition"), newARN)
        let old = try await h.client.call(.ecs, "DescribeTaskDefinition", ["taskDefinition": .string(oldARN ?? "")])
        XCTAssertEqual(old["taskDefinition"]["status"].string, "INACTIVE", "the old revision is deregistered")

        // A force-new attribute of the service: its name.
        var renamed = v2
        for i in renamed.resources.indices where renamed.resources[i].type == "aws_ecs_service" {
            renamed.resources[i].attributes["name"] = "dev-web2"
        }
        let rename = try await h.plan(renamed)
        let service = try XCTUnwrap(rename.change("aws_ecs_service.web"))
        XCTAssertTrue(service.action.isReplace)
        XCTAssertEqual(service.replacePaths, ["name"])
        XCTAssertTrue(service.reasons.contains { $0.hasPrefix("name:") && $0.contains("forces replacement") }, "\(service.reasons)")
        try await h.apply(rename)
        let afterRename = try await h.plan(renamed)
        XCTAssertFalse(afterRename.hasChanges, afterRename.describeChanges)

        try await h.destroyAll(renamed)
        let clusters = try await h.client.call(.ecs, "ListClusters", [:])
        let live = try await h.client.call(.ecs, "DescribeClusters", ["clusters": clusters["clusterArns"]])
        XCTAssertEqual((live["clusters"].array ?? []).filter { $0["status"].string == "ACTIVE" }.count, 0)
    }

    func testClusterReplacementOnRename() async throws {
        let h = try await NetworkHarness.start()
        let v0 = try NetworkHarness.build { ECSCluster("apps") }
        try await h.converge(v0)
        var v1 = v0
        v1.resources[0].attributes["name"] = "dev-apps2"
        let plan = try await h.plan(v1)
        XCTAssertEqual(plan.change("aws_ecs_cluster.apps")?.replacePaths, ["name"])
        try await h.apply(plan)
        let again = try await h.plan(v1)
        XCTAssertFalse(again.hasChanges, again.describeChanges)
        try await h.destroyAll(v1)
    }

    func testImportOfAClusterCreatedWithBoto3PlansEmpty() async throws {
        let h = try await NetworkHarness.start()
        let configuration = try NetworkHarness.build { ECSCluster("apps") }
        let tags = try XCTUnwrap(configuration.resources[0].attributes["tags"]?.mapValue).compactMapValues(\.stringValue)
        let tagList = tags.sorted { $0.key < $1.key }.map { "{'key': '\($0.key)', 'value': '\($0.value)'}" }.joined(separator: ", ")
        let arn = try h.python("""
            c = client("ecs").create_cluster(clusterName="dev-apps", settings=[{"name": "containerInsights", "value": "enabled"}], tags=[\(tagList)])
            print(c["cluster"]["clusterArn"])
            """)
        let imported = try await h.provider().importResource(type: "aws_ecs_cluster", id: arn)
        let object = try XCTUnwrap(imported)
        XCTAssertEqual(object.id, arn)
        try await h.recordImport("aws_ecs_cluster.apps", type: "aws_ecs_cluster", object)
        let plan = try await h.plan(configuration)
        XCTAssertFalse(plan.hasChanges, plan.describeChanges)
        let byName = try await h.provider().importResource(type: "aws_ecs_cluster", id: "dev-apps")
        XCTAssertEqual(byName?.id, arn, "a cluster imports by name too")
    }

    func testImportOfTaskDefinitionAndServicePlansEmpty() async throws {
        let h = try await NetworkHarness.start()
        let configuration = try Self.stack(Knobs())
        try await h.converge(configuration)
        let state = try await h.state()
        let task = try XCTUnwrap(state?.resources.first { $0.value.type == "aws_ecs_task_definition" })
        let service = try XCTUnwrap(state?.resources.first { $0.value.type == "aws_ecs_service" })
        let provider = h.provider()
        let importedTask = try await provider.importResource(type: "aws_ecs_task_definition", id: task.value.id)
        XCTAssertEqual(importedTask?.attributes, task.value.attributes)
        let importedService = try await provider.importResource(type: "aws_ecs_service", id: service.value.id)
        XCTAssertEqual(importedService?.attributes, service.value.attributes)
        let name = service.value.attributes.string("name") ?? ""
        let byPath = try await provider.importResource(type: "aws_ecs_service", id: "dev-apps/\(name)")
        XCTAssertEqual(byPath?.id, service.value.id)
    }

    func testTagChangedOutsideInfraIsDriftAndPutBack() async throws {
        let h = try await NetworkHarness.start()
        let configuration = try NetworkHarness.build { ECSCluster("apps") }
        try await h.converge(configuration)
        let recorded = try await h.state()
        let arn = try XCTUnwrap(recorded?.resources.values.first?.id)
        try h.python("""
            e = client("ecs")
            e.tag_resource(resourceArn="\(arn)", tags=[{"key": "Environment", "value": "hand-edited"}])
            """)
        let plan = try await h.plan(configuration)
        let drift = try XCTUnwrap(plan.drift.first)
        XCTAssertEqual(drift.address.description, "aws_ecs_cluster.apps")
        XCTAssertEqual(drift.kind, .changed)
        XCTAssertEqual(drift.attributes.map(\.name), ["tags"])
        XCTAssertEqual(plan.change("aws_ecs_cluster.apps")?.changedAttributes, ["tags"])
        try await h.apply(plan)
        let settled = try await h.plan(configuration)
        XCTAssertFalse(settled.hasChanges, settled.describeChanges)
        XCTAssertTrue(settled.drift.isEmpty)
    }

    func testAServiceOfThisNameInfraDidNotCreateIsNotTakenOver() async throws {
        let h = try await NetworkHarness.start()
        try await h.converge(try Self.stack(Knobs()))
        let state = try await h.state()
        let service = try XCTUnwrap(state?.resources.values.first { $0.type == "aws_ecs_service" })
        var attributes = service.attributes
        attributes["tags"] = .map([:])
        do {
            _ = try await h.provider().create(CreateRequest(
                address: try ResourceAddress(parsing: "aws_ecs_service.copy"), attributes: attributes, token: "another-token"))
            XCTFail("an existing service must not be replaced")
        } catch let error as ECSInputError {
            XCTAssertTrue(error.description.contains("already has a service named"), error.description)
            XCTAssertTrue(error.description.contains("aws_ecs_service.copy"), error.description)
        }
    }

    /// 10 services in 2 clusters are refreshed with one DescribeServices per cluster.
    func testRefreshOfTenServicesInTwoClustersMakesTwoDescribeServicesCalls() async throws {
        let h = try await NetworkHarness.start()
        let configuration = try NetworkHarness.build {
            let vpc = VPC("main", cidr: "10.0.0.0/16")
            let a = Subnet("a", vpc: vpc, cidr: "10.0.1.0/24", zone: .index(0))
            let group = SecurityGroup("svc", vpc: vpc.id, description: "service")
            let role = IAMRole("exec", assumeRolePolicy: .assumedBy(service: "ecs-tasks.amazonaws.com"))
            let clusters = [ECSCluster("one"), ECSCluster("two")]
            let task = ECSTaskDefinition("web", size: TaskSize(cpu: 256, memory: 512), executionRole: role.arn,
                                         containers: [ContainerDefinition(name: "web", image: "nginx")])
            vpc; a; group; role; clusters; task
            for i in 0..<10 {
                ECSService("s\(i)", cluster: clusters[i % 2].arn, taskDefinition: task.arn, desiredCount: 1,
                           subnets: [a.id], securityGroups: [group.id])
            }
        }
        try await h.converge(configuration)
        let counting = DescribeDouble(matches: { DescribeDouble.target($0).hasSuffix(".DescribeServices") })
        let plan = try await h.plan(configuration, provider: h.provider(transport: counting))
        XCTAssertFalse(plan.hasChanges, plan.describeChanges)
        XCTAssertLessThanOrEqual(counting.count, 2, counting.requests.joined(separator: "\n"))
        XCTAssertGreaterThan(counting.count, 0)
    }

    /// Each type finds the object its create tagged with the token (a create whose answer was lost).
    func testFindByToken() async throws {
        let h = try await NetworkHarness.start()
        try await h.converge(try Self.stack(Knobs()))
        let state = try await h.state()
        let provider = h.provider()
        for type in ["aws_ecs_cluster", "aws_ecs_task_definition", "aws_ecs_service"] {
            let recorded = try XCTUnwrap(state?.resources.values.first { $0.type == type })
            let arn = recorded.attributes.string("arn") ?? ""
            let token = try h.python("""
                tags = client("ecs").list_tags_for_resource(resourceArn="\(arn)")["tags"]
                print([t["value"] for t in tags if t["key"] == "infra:token"][0])
                """)
            let found = try await provider.find(type: type, token: token)
            XCTAssertEqual(found?.id, recorded.id, type)
            XCTAssertEqual(found?.attributes.string("arn"), arn, type)
        }
        let none = try await provider.find(type: "aws_ecs_service", token: "no-such-token")
        XCTAssertNil(none)
    }
}

/// Many task definitions refresh with one ListTaskDefinitions: a registered revision never
/// changes, so one still ACTIVE still has its recorded content; a deregistered one is gone.
final class ECSTaskDefinitionBatchTests: XCTestCase {
    func testManyFamiliesRefreshInOneCallAndADeregisteredRevisionIsGone() async throws {
        let h = try await NetworkHarness.start()
        _ = try h.python("""
            for i in range(12):
                client("ecs").register_task_definition(family=f"dev-batch-{i}", requiresCompatibilities=["FARGATE"],
                    networkMode="awsvpc", cpu="256", memory="512",
                    containerDefinitions=[{"name": "app", "image": "nginx:1.27", "essential": True}])
            """)
        let handler = ECSTaskDefinitionHandler()
        let context = ProviderContext(client: h.server.client(), region: "us-east-1")
        var recorded: [String: [String: Value]] = [:]
        for i in 0..<12 {
            let imported = try await handler.importResource(id: "dev-batch-\(i)", in: context)
            let object = try XCTUnwrap(imported)
            recorded[object.id] = object.attributes
        }

        let counting = CountingTransport()
        let countingContext = ProviderContext(client: h.server.client(transport: counting), region: "us-east-1")
        let read = try await handler.read(recorded: recorded, in: countingContext)
        XCTAssertEqual(counting.count, 1, "one ListTaskDefinitions for twelve families")
        XCTAssertEqual(read.count, 12)
        XCTAssertEqual(read["dev-batch-3"]?.attributes, recorded["dev-batch-3"])

        let arn = try XCTUnwrap(recorded["dev-batch-7"]?["arn"]?.stringValue)
        _ = try await h.client.call(.ecs, "DeregisterTaskDefinition", ["taskDefinition": .string(arn)])
        let after = try await handler.read(recorded: recorded, in: context)
        XCTAssertNil(after["dev-batch-7"], "a deregistered revision reads as gone")
        XCTAssertEqual(after.count, 11)
    }
}
