import Foundation
import InfraAWS
import InfraEngine
import InfraProviders
import InfraTestSupport
import XCTest

/// moto makes EKS clusters and node groups ACTIVE (and gone) at once and never starts ECS
/// tasks, so the waiters are tested with a double of the describe call that answers the
/// states real AWS goes through.
final class ComputeWaitTests: XCTestCase {
    private func context(_ server: MotoServer, _ transport: any AWSHTTPTransport, timeout: Double = 30) -> ProviderContext {
        ProviderContext(client: server.client(transport: transport), region: "us-east-1",
                        waitPolicy: WaitPolicy(initialDelay: 0.001, maxDelay: 0.005, multiplier: 2, timeout: timeout))
    }

    private func eksSetup() async throws -> (MotoServer, [String: Value]) {
        let server = try await MotoServer.shared()
        try await server.reset()
        try await server.setAuth(enabled: false)
        let client = server.client()
        let vpc = try await client.call(.ec2, "CreateVpc", ["CidrBlock": "10.0.0.0/16"])["Vpc"]["VpcId"]
        let a = try await client.call(.ec2, "CreateSubnet", ["VpcId": vpc, "CidrBlock": "10.0.1.0/24"])["Subnet"]["SubnetId"].string ?? ""
        let b = try await client.call(.ec2, "CreateSubnet", ["VpcId": vpc, "CidrBlock": "10.0.2.0/24"])["Subnet"]["SubnetId"].string ?? ""
        let attributes: [String: Value] = [
            "name": "dev-wait", "role_arn": "arn:aws:iam::123456789012:role/eks", "version": "1.31",
            "vpc_config": .list([.map(["subnet_ids": .list([.string(a), .string(b)]), "security_group_ids": .list([]),
                                       "endpoint_public_access": true, "endpoint_private_access": true])]),
        ]
        return (server, attributes)
    }

    private static let describeCluster: @Sendable (AWSHTTPRequest) -> Bool = { $0.method == "GET" && $0.path == "/clusters/dev-wait" }

    func testClusterCreateWaitsThroughCreatingUntilActive() async throws {
        let (server, attributes) = try await eksSetup()
        let double = DescribeDouble(matches: Self.describeCluster, rewrite: { n, json in
            n <= 3 ? json.editing("cluster") { $0["status"] = "CREATING" } : nil
        })
        let messages = Messages()
        let created = try await EKSClusterHandler().create(CreateRequest(
            address: try ResourceAddress(parsing: "aws_eks_cluster.k8s"), attributes: attributes, token: "tok-eks-wait",
            progress: { messages.append($0) }), in: context(server, double))
        XCTAssertEqual(created.attributes["status"], "ACTIVE")
        XCTAssertEqual(double.count, 5, "three CREATING polls, the ACTIVE one, the read-back")
        XCTAssertEqual(messages.all.count, 3, "\(messages.all)")
        XCTAssertTrue(messages.all.allSatisfy { $0.contains("EKS cluster dev-wait") && $0.contains("CREATING") }, "\(messages.all)")
    }

    func testAFailedClusterEndsTheWaitWithItsReason() async throws {
        let (server, attributes) = try await eksSetup()
        let double = DescribeDouble(matches: Self.describeCluster, rewrite: { _, json in
            json.editing("cluster") {
                $0["status"] = "FAILED"
                $0["health"] = ["issues": [["code": "Ec2SubnetNotFound", "message": "subnet-0abc was deleted"]]]
            }
        })
        do {
            _ = try await EKSClusterHandler().create(CreateRequest(
                address: try ResourceAddress(parsing: "aws_eks_cluster.k8s"), attributes: attributes, token: "tok-eks-fail"),
                in: context(server, double))
            XCTFail("a FAILED cluster must not be reported as created")
        } catch let error as WaitError {
            XCTAssertEqual(error.kind, .failedState)
            XCTAssertEqual(error.lastStatus, "FAILED")
            XCTAssertTrue(error.description.contains("EKS cluster dev-wait"), error.description)
            XCTAssertTrue(error.description.contains("Ec2SubnetNotFound: subnet-0abc was deleted"), error.description)
        }
    }

    func testATimeoutNamesTheClusterAndItsLastStatus() async throws {
        let (server, attributes) = try await eksSetup()
        let double = DescribeDouble(matches: Self.describeCluster, rewrite: { _, json in
            json.editing("cluster") { $0["status"] = "UPDATING" }
        })
        do {
            _ = try await EKSClusterHandler().create(CreateRequest(
                address: try ResourceAddress(parsing: "aws_eks_cluster.k8s"), attributes: attributes, token: "tok-eks-slow"),
                in: context(server, double, timeout: 0.02))
            XCTFail("the wait must time out")
        } catch let error as WaitError {
            XCTAssertEqual(error.kind, .timedOut)
            XCTAssertTrue(error.description.contains("EKS cluster dev-wait"), error.description)
            XCTAssertTrue(error.description.contains("last status: UPDATING"), error.description)
        }
    }

    func testDeleteWaitsWhileDeletingUntilGone() async throws {
        let (server, attributes) = try await eksSetup()
        let handler = EKSClusterHandler()
        _ = try await handler.create(CreateRequest(
            address: try ResourceAddress(parsing: "aws_eks_cluster.k8s"), attributes: attributes, token: "tok-eks-del"),
            in: context(server, HTTPTransport.shared))
        // moto forgets the cluster at once; the double answers DELETING twice first.
        let double = DescribeDouble(matches: Self.describeCluster, replace: { n in
            n <= 2 ? (200, ["cluster": ["name": "dev-wait", "status": "DELETING"]]) : nil
        })
        try await handler.delete(id: "dev-wait", attributes: [:], in: context(server, double))
        XCTAssertEqual(double.count, 3, "two DELETING answers, then not found")
        let after = try await handler.read(ids: ["dev-wait"], in: context(server, HTTPTransport.shared))
        XCTAssertTrue(after.isEmpty)
    }

    func testNodeGroupWaitsThroughCreatingUntilActive() async throws {
        let (server, attributes) = try await eksSetup()
        _ = try await EKSClusterHandler().create(CreateRequest(
            address: try ResourceAddress(parsing: "aws_eks_cluster.k8s"), attributes: attributes, token: "tok-eks-ng"),
            in: context(server, HTTPTransport.shared))
        let double = DescribeDouble(matches: { $0.method == "GET" && $0.path == "/clusters/dev-wait/node-groups/dev-ng" },
                                    rewrite: { n, json in n <= 2 ? json.editing("nodegroup") { $0["status"] = "CREATING" } : nil })
        let messages = Messages()
        let group = try await EKSNodeGroupHandler().create(CreateRequest(
            address: try ResourceAddress(parsing: "aws_eks_node_group.ng"),
            attributes: ["cluster_name": "dev-wait", "node_group_name": "dev-ng", "node_role_arn": "arn:aws:iam::123456789012:role/n",
                         "subnet_ids": attributes.block("vpc_config")?["subnet_ids"] ?? .list([]),
                         "scaling_config": .list([.map(["min_size": 1, "desired_size": 1, "max_size": 2])])],
            token: "tok-ng", progress: { messages.append($0) }), in: context(server, double))
        XCTAssertEqual(group.id, "dev-wait:dev-ng")
        XCTAssertEqual(messages.all.count, 2, "\(messages.all)")
        XCTAssertTrue(messages.all.allSatisfy { $0.contains("EKS node group dev-wait:dev-ng") && $0.contains("CREATING") })
    }

    // MARK: ECS steady state

    private func ecsService(_ server: MotoServer) async throws -> [String: Value] {
        let client = server.client()
        let vpc = try await client.call(.ec2, "CreateVpc", ["CidrBlock": "10.0.0.0/16"])["Vpc"]["VpcId"]
        let subnet = try await client.call(.ec2, "CreateSubnet", ["VpcId": vpc, "CidrBlock": "10.0.1.0/24"])["Subnet"]["SubnetId"].string ?? ""
        let group = try await client.call(.ec2, "CreateSecurityGroup", ["GroupName": "svc", "Description": "svc", "VpcId": vpc])["GroupId"].string ?? ""
        let cluster = try await client.call(.ecs, "CreateCluster", ["clusterName": "steady"])["cluster"]["clusterArn"].string ?? ""
        let task = try await client.call(.ecs, "RegisterTaskDefinition", [
            "family": "steady", "cpu": "256", "memory": "512", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
            "containerDefinitions": [["name": "web", "image": "nginx"]],
        ])["taskDefinition"]["taskDefinitionArn"].string ?? ""
        return [
            "name": "web", "cluster": .string(cluster), "task_definition": .string(task), "desired_count": 2, "launch_type": "FARGATE",
            "network_configuration": .list([.map(["subnets": .list([.string(subnet)]), "security_groups": .list([.string(group)]),
                                                  "assign_public_ip": false])]),
            "wait_for_steady_state": true,
        ]
    }

    private static let describeServices: @Sendable (AWSHTTPRequest) -> Bool = { DescribeDouble.target($0).hasSuffix(".DescribeServices") }

    func testServiceCreateWaitsForASteadyState() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let attributes = try await ecsService(server)
        // Call 1 is the name check before the create; then two rolling polls, then steady.
        let double = DescribeDouble(matches: Self.describeServices, rewrite: { n, json in
            guard var services = json["services"] as? [[String: Any]], !services.isEmpty else { return nil }
            let deployment = (services[0]["deployments"] as? [[String: Any]])?.first ?? [:]
            if n <= 3 {
                services[0]["runningCount"] = 0
                services[0]["deployments"] = [deployment, deployment]
            } else {
                services[0]["runningCount"] = services[0]["desiredCount"]
                services[0]["deployments"] = [deployment]
            }
            var copy = json
            copy["services"] = services
            return copy
        })
        let messages = Messages()
        let created = try await ECSServiceHandler().create(CreateRequest(
            address: try ResourceAddress(parsing: "aws_ecs_service.web"), attributes: attributes, token: "tok-steady",
            progress: { messages.append($0) }), in: context(server, double))
        XCTAssertEqual(created.attributes["desired_count"], 2)
        XCTAssertEqual(created.attributes["wait_for_steady_state"], true)
        XCTAssertEqual(messages.all.count, 2, "\(messages.all)")
        XCTAssertTrue(messages.all.allSatisfy { $0.contains("0 of 2 tasks running, 2 deployments") && $0.contains("ECS service") }, "\(messages.all)")
    }

    func testAFailedRolloutEndsTheServiceWaitWithItsReason() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let attributes = try await ecsService(server)
        let double = DescribeDouble(matches: Self.describeServices, rewrite: { _, json in
            guard var services = json["services"] as? [[String: Any]], !services.isEmpty,
                  var deployments = services[0]["deployments"] as? [[String: Any]], !deployments.isEmpty
            else { return nil }
            deployments[0]["rolloutState"] = "FAILED"
            deployments[0]["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start."
            services[0]["deployments"] = deployments
            var copy = json
            copy["services"] = services
            return copy
        })
        do {
            _ = try await ECSServiceHandler().create(CreateRequest(
                address: try ResourceAddress(parsing: "aws_ecs_service.web"), attributes: attributes, token: "tok-rollout"),
                in: context(server, double))
            XCTFail("a failed rollout must end the wait")
        } catch let error as WaitError {
            XCTAssertEqual(error.kind, .failedState)
            XCTAssertTrue(error.description.contains("circuit breaker"), error.description)
        }
    }

    func testServiceWaitTimesOutNamingTheServiceAndItsLastStatus() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let attributes = try await ecsService(server)
        // moto itself never starts a task: runningCount stays 0.
        do {
            _ = try await ECSServiceHandler().create(CreateRequest(
                address: try ResourceAddress(parsing: "aws_ecs_service.web"), attributes: attributes, token: "tok-slow"),
                in: context(server, HTTPTransport.shared, timeout: 0.02))
            XCTFail("the wait must time out")
        } catch let error as WaitError {
            XCTAssertEqual(error.kind, .timedOut)
            XCTAssertTrue(error.description.contains("ECS service arn:aws:ecs:us-east-1:"), error.description)
            XCTAssertTrue(error.description.contains("last status: 0 of 2 tasks running"), error.description)
        }
    }
}
