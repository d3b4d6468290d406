import Foundation
import InfraAWS
import InfraDSL
import InfraEngine
import InfraProviders
import InfraTestSupport
import XCTest

/// The KubernetesCluster and FargateService components apply against moto and re-plan empty.
final class ComputeComponentTests: XCTestCase {
    static func network() -> (VPC, Subnet, Subnet, SubnetSet) {
        let vpc = VPC("main", cidr: "10.0.0.0/16")
        let a = Subnet("a", vpc: vpc, cidr: "10.0.1.0/24", zone: .index(0))
        let b = Subnet("b", vpc: vpc, cidr: "10.0.2.0/24", zone: .index(1))
        return (vpc, a, b, SubnetSet(vpc: vpc.id, ids: [a.id, b.id]))
    }

    func testKubernetesClusterAppliesAndReplansEmpty() async throws {
        let h = try await NetworkHarness.startForEKS()
        let (vpc, a, b, subnets) = Self.network()
        let configuration = try NetworkHarness.build {
            vpc; a; b
            KubernetesCluster("platform", version: "1.31", subnets: subnets,
                              nodeGroup: NodeGroupSize(instanceTypes: ["t3.large"], min: 2, desired: 3, max: 6))
        }
        try await h.converge(configuration)
        let state = try await h.state()
        let cluster = try XCTUnwrap(state?.resources.values.first { $0.type == "aws_eks_cluster" })
        XCTAssertEqual(cluster.attributes["status"], "ACTIVE")
        let group = try XCTUnwrap(state?.resources.values.first { $0.type == "aws_eks_node_group" })
        XCTAssertEqual(group.id, "dev-platform:dev-platform-default")
        let attached = try await h.client.paginate(.iam, "ListAttachedRolePolicies", ["RoleName": "dev-platform-node"])
        XCTAssertEqual(attached["AttachedPolicies"].array?.count, 3, "worker, CNI and ECR read-only policies")

        // A scaling change from the environment is exactly one in-place update.
        let bigger = try NetworkHarness.build {
            vpc; a; b
            KubernetesCluster("platform", version: "1.31", subnets: subnets,
                              nodeGroup: NodeGroupSize(instanceTypes: ["t3.large"], min: 2, desired: 4, max: 6))
        }
        let plan = try await h.plan(bigger)
        XCTAssertEqual(plan.actingChanges.map(\.address.description), ["aws_eks_node_group.platform_default"], plan.describeChanges)
        XCTAssertEqual(plan.change("aws_eks_node_group.platform_default")?.changedAttributes, ["scaling_config"])
        try await h.apply(plan)
        try await h.destroyAll(bigger)
    }

    func testFargateServiceWithASecretAppliesAndReplansEmpty() async throws {
        let h = try await NetworkHarness.start()
        let (vpc, a, b, subnets) = Self.network()
        let apiKey = Secret("api_key", value: .generated(length: 24), recoveryWindow: .days(0))
        let configuration = try NetworkHarness.build {
            vpc; a; b
            apiKey
            FargateService("api", image: "nginx:1.27", size: ServiceSize(cpu: 512, memory: 1024, count: 2), subnets: subnets,
                           port: 8080, admitCIDRs: ["10.0.0.0/16"], secrets: ["API_KEY": apiKey],
                           environment: ["PORT": 8080, "LOG_LEVEL": "info"],
                           log: LogConfiguration(group: "/ecs/api", streamPrefix: "api"))
        }
        try await h.converge(configuration)
        let state = try await h.state()
        let secretARN = try XCTUnwrap(state?.resources.values.first { $0.type == "aws_secretsmanager_secret" }?.attributes.string("arn"))
        let task = try XCTUnwrap(state?.resources.values.first { $0.type == "aws_ecs_task_definition" })
        let described = try await h.client.call(.ecs, "DescribeTaskDefinition", ["taskDefinition": .string(task.attributes.string("arn") ?? "")])
        let container = described["taskDefinition"]["containerDefinitions"][0]
        XCTAssertEqual(container["secrets"][0]["name"].string, "API_KEY")
        XCTAssertEqual(container["secrets"][0]["valueFrom"].string, secretARN, "the task reads the secret by its ARN")
        XCTAssertEqual(container["environment"].array?.first { $0["name"].string == "PORT" }?["value"].string, "8080")
        let service = try XCTUnwrap(state?.resources.values.first { $0.type == "aws_ecs_service" })
        XCTAssertEqual(service.attributes.string("task_definition"), task.attributes.string("arn"))
        XCTAssertEqual(service.attributes["desired_count"], 2)
        try await h.destroyAll(configuration)
    }
}
