import Foundation
import InfraAWS
import InfraDSL
import InfraEngine
import InfraProviders
import InfraTestSupport
import XCTest

/// EKS clusters and node groups against moto with signature checking off (moto rejects
/// correctly signed EKS GET and DELETE requests; see moto-notes.md), through the engine.
final class EKSProviderTests: XCTestCase {
    struct Knobs {
        var publicEndpoint = true
        var logTypes = ["api", "audit", "authenticator"]
        var scaling = NodeScaling(min: 1, desired: 2, max: 3)
        var labels: [String: String] = [:]
        var taints: [NodeTaint] = []
        var instance: InstanceClass = "t3.medium"
        var version: EngineVersion = "1.31"
        var clusterTag = false
    }

    static func stack(_ k: Knobs) throws -> Configuration {
        try NetworkHarness.build {
            let vpc = VPC("main", cidr: "10.0.0.0/16")
            let a = Subnet("a", vpc: vpc, cidr: "10.0.1.0/24", zone: .index(0))
            let b = Subnet("b", vpc: vpc, cidr: "10.0.2.0/24", zone: .index(1))
            let clusterRole = IAMRole("cluster", assumeRolePolicy: .assumedBy(service: "eks.amazonaws.com"))
            let nodeRole = IAMRole("node", assumeRolePolicy: .assumedBy(service: "ec2.amazonaws.com"))
            let cluster = EKSCluster("k8s", version: k.version, role: clusterRole.arn, subnets: [a.id, b.id],
                                     endpointPublicAccess: k.publicEndpoint, logTypes: k.logTypes)
            let nodes = EKSNodeGroup("default", cluster: cluster.clusterName, role: nodeRole.arn, subnets: [a.id, b.id],
                                     instanceTypes: [k.instance], scaling: k.scaling, labels: k.labels, taints: k.taints)
            vpc; a; b; clusterRole; nodeRole
            k.clusterTag ? cluster.tagged(["Team": "platform"]) : cluster
            nodes
        }
    }

    func testClusterAndNodeGroupLifecycle() async throws {
        let h = try await NetworkHarness.startForEKS()
        try await h.converge(try Self.stack(Knobs()))
        let state = try await h.state()
        let group = try XCTUnwrap(state?.resources.values.first { $0.type == "aws_eks_node_group" })
        XCTAssertEqual(group.id, "dev-k8s:dev-default", "the id is cluster_name:node_group_name")

        // Endpoint access: the whole vpc_config block, in place.
        var k = Knobs(publicEndpoint: false)
        let endpoint = try await h.plan(try Self.stack(k))
        XCTAssertEqual(endpoint.actingChanges.count, 1, endpoint.describeChanges)
        XCTAssertEqual(endpoint.change("aws_eks_cluster.k8s")?.action, .update)
        XCTAssertEqual(endpoint.change("aws_eks_cluster.k8s")?.changedAttributes, ["vpc_config"])
        try await h.apply(endpoint)
        let cluster = try await h.client.call(.eks, "DescribeCluster", ["name": "dev-k8s"])["cluster"]
        XCTAssertEqual(cluster["resourcesVpcConfig"]["endpointPublicAccess"].bool, false)
        XCTAssertEqual(cluster["resourcesVpcConfig"]["subnetIds"].array?.count, 2, "the whole block was sent")

        // Logging and tags in place.
        k.logTypes = ["api"]
        k.clusterTag = true
        let logging = try await h.plan(try Self.stack(k))
        XCTAssertEqual(logging.change("aws_eks_cluster.k8s")?.changedAttributes, ["enabled_cluster_log_types", "tags"])
        try await h.apply(logging)
        let afterLogging = try await h.plan(try Self.stack(k))
        XCTAssertFalse(afterLogging.hasChanges, afterLogging.describeChanges)

        // Scaling, labels and taints of the node group in place.
        k.scaling = NodeScaling(min: 1, desired: 3, max: 5)
        k.labels = ["tier": "app"]
        k.taints = [NodeTaint(key: "dedicated", value: "app", effect: .noSchedule), NodeTaint(key: "b", effect: .noExecute)]
        let nodes = try await h.plan(try Self.stack(k))
        XCTAssertEqual(nodes.actingChanges.count, 1, nodes.describeChanges)
        XCTAssertEqual(nodes.change("aws_eks_node_group.default")?.action, .update)
        XCTAssertEqual(nodes.change("aws_eks_node_group.default")?.changedAttributes, ["labels", "scaling_config", "taint"])
        try await h.apply(nodes)
        let afterNodes = try await h.plan(try Self.stack(k))
        XCTAssertFalse(afterNodes.hasChanges, afterNodes.describeChanges)
        k.labels = ["tier": "web"]
        k.taints = [NodeTaint(key: "b", effect: .noExecute)]
        try await h.converge(try Self.stack(k))
        let described = try await h.client.call(.eks, "DescribeNodegroup", ["clusterName": "dev-k8s", "nodegroupName": "dev-default"])
        XCTAssertEqual(described["nodegroup"]["labels"]["tier"].string, "web")
        XCTAssertEqual(described["nodegroup"]["taints"].array?.count, 1)
        XCTAssertEqual(described["nodegroup"]["scalingConfig"]["desiredSize"].int, 3)

        // Instance types force a new node group.
        k.instance = "m5.large"
        let replace = try await h.plan(try Self.stack(k))
        let change = try XCTUnwrap(replace.change("aws_eks_node_group.default"))
        XCTAssertTrue(change.action.isReplace, replace.describeChanges)
        XCTAssertEqual(change.replacePaths, ["instance_types"])
        XCTAssertTrue(change.reasons.contains { $0.hasPrefix("instance_types:") && $0.contains("forces replacement") }, "\(change.reasons)")
        try await h.apply(replace)
        let afterReplace = try await h.plan(try Self.stack(k))
        XCTAssertFalse(afterReplace.hasChanges, afterReplace.describeChanges)

        // The cluster's role forces a new cluster. EKS deletes no cluster that still has node
        // groups, and the group's cluster_name stays the same, so the group goes first.
        var otherRole = try Self.stack(k)
        otherRole.resources.removeAll { $0.type == "aws_eks_node_group" }
        let roleARN = "arn:aws:iam::123456789012:role/other"
        for i in otherRole.resources.indices where otherRole.resources[i].type == "aws_eks_cluster" {
            otherRole.resources[i].attributes["role_arn"] = .string(roleARN)
        }
        let newRole = try await h.plan(otherRole)
        XCTAssertEqual(newRole.change("aws_eks_cluster.k8s")?.replacePaths, ["role_arn"])
        XCTAssertTrue(newRole.change("aws_eks_cluster.k8s")?.reasons.first?.contains("EKS cannot change a cluster's IAM role") == true)
        try await h.apply(newRole)
        let afterNewRole = try await h.plan(otherRole)
        XCTAssertFalse(afterNewRole.hasChanges, afterNewRole.describeChanges)

        try await h.destroyAll(otherRole)
        let clusters = try await h.client.call(.eks, "ListClusters", [:])
        XCTAssertEqual(clusters["clusters"].array?.count ?? 0, 0)
    }

    /// moto has no UpdateClusterVersion (404): the apply fails naming the resource and the
    /// missing operation; with a test double that answers it, the upgrade goes through.
    func testVersionUpgradeNamesTheResourceWhereTheOperationIsMissingAndWorksWhereItExists() async throws {
        let h = try await NetworkHarness.startForEKS()
        try await h.converge(try Self.stack(Knobs()))
        let plan = try await h.plan(try Self.stack(Knobs(version: "1.32")))
        XCTAssertEqual(plan.change("aws_eks_cluster.k8s")?.action, .update)
        XCTAssertEqual(plan.change("aws_eks_cluster.k8s")?.changedAttributes, ["version"])
        let result = try await Applier(provider: h.provider(), backend: h.backend).apply(plan)
        XCTAssertFalse(result.succeeded)
        let message = "\(result.failures)"
        XCTAssertTrue(message.contains("aws_eks_cluster.k8s") && message.contains("UpdateClusterVersion"), message)

        // The double: UpdateClusterVersion answered, later DescribeCluster answers the new version.
        let upgraded = DescribeDouble(matches: { $0.method == "GET" && $0.path == "/clusters/dev-k8s" },
            rewrite: { _, json in
                json["cluster"] == nil ? nil : json.editing("cluster") { $0["version"] = "1.32" }
            })
        let versionCall = VersionDouble(base: upgraded)
        let context = ProviderContext(client: h.server.client(transport: versionCall), region: "us-east-1",
                                      waitPolicy: WaitPolicy(initialDelay: 0.001, maxDelay: 0.005, multiplier: 2, timeout: 30))
        let recorded = try await h.state()
        let prior = try XCTUnwrap(recorded?.resources.values.first { $0.type == "aws_eks_cluster" })
        var desired = prior.attributes
        desired["version"] = "1.32"
        let observed = try await EKSClusterHandler().update(UpdateRequest(
            address: try ResourceAddress(parsing: "aws_eks_cluster.k8s"), id: prior.id, prior: prior.attributes,
            attributes: desired, changed: ["version"]), in: context)
        XCTAssertEqual(observed.attributes["version"], "1.32")
        XCTAssertEqual(versionCall.versionCalls, ["1.32"])
    }

    /// Answers UpdateClusterVersion (which moto lacks) and forwards everything else.
    final class VersionDouble: AWSHTTPTransport, @unchecked Sendable {
        let base: any AWSHTTPTransport
        private let lock = NSLock()
        private var versions: [String] = []
        init(base: any AWSHTTPTransport) { self.base = base }
        var versionCalls: [String] { lock.withLock { versions } }

        func send(_ request: AWSHTTPRequest, deadline: ContinuousClock.Instant?) async throws -> AWSHTTPResponse {
            guard request.method == "POST", request.path.hasSuffix("/updates") else { return try await base.send(request, deadline: deadline) }
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]) ?? [:]
            lock.withLock { versions.append(body["version"] as? String ?? "") }
            return AWSHTTPResponse(status: 200, headers: [("Content-Type", "application/json")],
                                   body: Array(#"{"update": {"id": "u-1", "status": "InProgress", "type": "VersionUpdate"}}"#.utf8))
        }
    }

    func testImportOfAClusterCreatedWithBoto3PlansEmpty() async throws {
        let h = try await NetworkHarness.startForEKS()
        // The network and roles by infra; the cluster by hand with the same settings and tags.
        let full = try Self.stack(Knobs())
        var withoutCluster = full
        withoutCluster.resources.removeAll { $0.type.hasPrefix("aws_eks") }
        try await h.converge(withoutCluster)
        let state = try await h.state()
        let subnets = (state?.resources ?? [:]).filter { $0.value.type == "aws_subnet" }.sorted { $0.key.description < $1.key.description }.map(\.value.id)
        let role = try XCTUnwrap(state?.resources.values.first { $0.type == "aws_iam_role" && $0.id == "dev-cluster" }?.attributes.string("arn"))
        let spec = try XCTUnwrap(full.resources.first { $0.type == "aws_eks_cluster" })
        let tags = (spec.attributes["tags"]?.mapValue ?? [:]).compactMapValues(\.stringValue)
        let tagText = tags.sorted { $0.key < $1.key }.map { "'\($0.key)': '\($0.value)'" }.joined(separator: ", ")
        try h.python("""
            client("eks").create_cluster(name="dev-k8s", version="1.31", roleArn="\(role)",
                resourcesVpcConfig={"subnetIds": ["\(subnets[0])", "\(subnets[1])"], "securityGroupIds": [], "endpointPublicAccess": True, "endpointPrivateAccess": True},
                logging={"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": True}]}, tags={\(tagText)})
            """)
        let imported = try await h.provider().importResource(type: "aws_eks_cluster", id: "dev-k8s")
        let object = try XCTUnwrap(imported)
        var snapshot = try XCTUnwrap(state)
        snapshot.resources[try ResourceAddress(parsing: "aws_eks_cluster.k8s")] =
            ResourceState(type: "aws_eks_cluster", id: object.id, attributes: object.attributes)
        snapshot.serial += 1
        try await h.backend.write(snapshot)
        var clusterOnly = full
        clusterOnly.resources.removeAll { $0.type == "aws_eks_node_group" }
        let plan = try await h.plan(clusterOnly)
        XCTAssertFalse(plan.hasChanges, plan.describeChanges)
        let missing = try await h.provider().importResource(type: "aws_eks_node_group", id: "dev-k8s:nope")
        XCTAssertNil(missing)
    }

    /// Import by id of both types gives exactly what the state holds; find by token recovers
    /// a create whose answer was lost; a tag changed by hand is drift and is put back.
    func testImportFindAndTagDrift() async throws {
        let h = try await NetworkHarness.startForEKS()
        let configuration = try Self.stack(Knobs(labels: ["tier": "app"], taints: [NodeTaint(key: "gpu", effect: .noSchedule)]))
        try await h.converge(configuration)
        let state = try await h.state()
        let provider = h.provider()
        for type in ["aws_eks_cluster", "aws_eks_node_group"] {
            let recorded = try XCTUnwrap(state?.resources.values.first { $0.type == type })
            let imported = try await provider.importResource(type: type, id: recorded.id)
            XCTAssertEqual(imported?.attributes, recorded.attributes, type)
            let token = try await h.python("""
                e = client("eks")
                c = e.describe_cluster(name="dev-k8s")["cluster"]
                \(type == "aws_eks_cluster" ? "print(c['tags']['infra:token'])"
                    : "print(e.describe_nodegroup(clusterName='dev-k8s', nodegroupName='dev-default')['nodegroup']['tags']['infra:token'])")
                """)
            let found = try await provider.find(type: type, token: token)
            XCTAssertEqual(found?.id, recorded.id, type)
        }
        let arn = try XCTUnwrap(state?.resources.values.first { $0.type == "aws_eks_cluster" }?.attributes.string("arn"))
        try h.python("""
            client("eks").tag_resource(resourceArn="\(arn)", tags={"Environment": "hand-edited"})
            """)
        let plan = try await h.plan(configuration)
        let drift = try XCTUnwrap(plan.drift.first)
        XCTAssertEqual(drift.address.description, "aws_eks_cluster.k8s")
        XCTAssertEqual(drift.attributes.map(\.name), ["tags"])
        XCTAssertEqual(plan.change("aws_eks_cluster.k8s")?.changedAttributes, ["tags"])
        try await h.apply(plan)
        let settled = try await h.plan(configuration)
        XCTAssertFalse(settled.hasChanges, settled.describeChanges)
    }

    /// Secrets encryption (Terraform's block shape) reads back equal; another key replaces the cluster.
    func testEncryptionConfigReadsBackEqualAndAnotherKeyReplaces() async throws {
        let h = try await NetworkHarness.startForEKS()
        func configuration(key: String) throws -> Configuration {
            var c = try Self.stack(Knobs())
            c.resources.removeAll { $0.type == "aws_eks_node_group" }
            for i in c.resources.indices where c.resources[i].type == "aws_eks_cluster" {
                c.resources[i].attributes["encryption_config"] = .list([.map([
                    "resources": .list(["secrets"]),
                    "provider": .list([.map(["key_arn": .string("arn:aws:kms:us-east-1:123456789012:key/\(key)")])]),
                ])])
            }
            return c
        }
        try await h.converge(try configuration(key: "one"))
        let described = try await h.client.call(.eks, "DescribeCluster", ["name": "dev-k8s"])
        XCTAssertEqual(described["cluster"]["encryptionConfig"][0]["provider"]["keyArn"].string, "arn:aws:kms:us-east-1:123456789012:key/one")
        let plan = try await h.plan(try configuration(key: "two"))
        let change = try XCTUnwrap(plan.change("aws_eks_cluster.k8s"))
        XCTAssertTrue(change.action.isReplace)
        XCTAssertEqual(change.replacePaths, ["encryption_config"])
        XCTAssertTrue(change.reasons.first?.contains("EKS cannot change a cluster's secrets encryption") == true, "\(change.reasons)")
    }
}
