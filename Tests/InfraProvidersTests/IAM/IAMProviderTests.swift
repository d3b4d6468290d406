import Foundation
import InfraAWS
import InfraDSL
import InfraEngine
import InfraProviders
import XCTest

/// aws_iam_role, aws_iam_role_policy and aws_iam_role_policy_attachment against moto through
/// the planner, the applier and the local backend.
final class IAMProviderTests: XCTestCase {
    private var h: IAMSecretsHarness!

    override func setUp() async throws {
        h = try await IAMSecretsHarness()
    }

    override func tearDown() async throws {
        h?.cleanUp()
    }

    private func role(description: String = "cluster role", path: String = "/", hours: Int = 1,
                      tags: [String: String] = ["Team": "platform"]) -> IAMRole
    {
        IAMRole(
            "cluster", assumeRolePolicy: .assumedBy(service: "eks.amazonaws.com"), description: description, path: path,
            maxSessionDuration: .hours(hours)
        ).tagged(tags)
    }

    private func getRole(_ name: String) async throws -> AWSDocument? {
        do {
            return try await h.client.call(.iam, IAM.Operation.getRole, ["RoleName": .string(name)])["Role"]
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            return nil
        }
    }

    func testRoleCreateNoChangesUpdateReplaceDestroy() async throws {
        let created = try await h.converge(Resources { role() })
        XCTAssertEqual(h.actions(created), ["aws_iam_role.cluster": .create])
        let aws = try await getRole("dev-cluster")
        XCTAssertEqual(aws?["Description"].string, "cluster role")
        let stored = try await h.state()
        let recorded = stored?.resources.values.first
        XCTAssertEqual(recorded?.id, "dev-cluster")
        XCTAssertEqual(recorded?.attributes["arn"]?.stringValue, "arn:aws:iam::123456789012:role/dev-cluster")

        let again = try await h.plan(Resources { role() })
        XCTAssertEqual(h.actions(again), [:], "a fresh role plans no changes (trust policy, tags, defaults)")
        XCTAssertEqual(again.drift, [])

        let update = try await h.plan(Resources { role(description: "EKS control plane", hours: 2) })
        XCTAssertEqual(h.actions(update), ["aws_iam_role.cluster": .update])
        XCTAssertEqual(h.change(update, "aws_iam_role.cluster")?.changedAttributes, ["description", "max_session_duration"])
        try await h.apply(update)
        let updated = try await getRole("dev-cluster")
        XCTAssertEqual(updated?["Description"].string, "EKS control plane")
        XCTAssertEqual(updated?["MaxSessionDuration"].int, 7200)
        let settled = try await h.plan(Resources { role(description: "EKS control plane", hours: 2) })
        XCTAssertEqual(h.actions(settled), [:])

        let tagged = try await h.plan(Resources { role(description: "EKS control plane", hours: 2, tags: ["Team": "infra"]) })
        XCTAssertEqual(h.change(tagged, "aws_iam_role.cluster")?.changedAttributes, ["tags"])
        try await h.apply(tagged)

        let moved = try await h.plan(Resources { role(description: "EKS control plane", path: "/eks/", hours: 2, tags: ["Team": "infra"]) })
        let replace = h.change(moved, "aws_iam_role.cluster")
        XCTAssertEqual(replace?.action.isReplace, true)
        XCTAssertEqual(replace?.replacePaths, ["path"])
        XCTAssertTrue(replace?.reasons.contains { $0.hasPrefix("path:") && $0.contains("forces replacement") } ?? false)
        try await h.apply(moved)
        let replaced = try await getRole("dev-cluster")
        XCTAssertEqual(replaced?["Path"].string, "/eks/")
        XCTAssertEqual(replaced?["Description"].string, "EKS control plane")

        let destroy = try await h.plan(Resources { role(path: "/eks/") }, destroy: true)
        XCTAssertEqual(h.actions(destroy), ["aws_iam_role.cluster": .delete])
        try await h.apply(destroy)
        let gone = try await getRole("dev-cluster")
        XCTAssertNil(gone)
        let empty = try await h.state()
        XCTAssertEqual(empty?.resources.count, 0)
    }

    func testInlinePolicyAndAttachmentLifecycle() async throws {
        func stack(actions: [String], policyName: String = "read", managed: ARN = ManagedPolicy.amazonEKSClusterPolicy) -> Resources {
            let r = role()
            return Resources {
                r
                IAMRolePolicy(policyName, role: r.roleName, policy: PolicyDocument(
                    .init(.allow, actions: actions, resources: ["arn:aws:s3:::b/*", "arn:aws:s3:::a"])))
                IAMRolePolicyAttachment("cluster", role: r.roleName, policy: managed)
            }
        }
        let created = try await h.converge(stack(actions: ["s3:GetObject", "s3:ListBucket"]))
        XCTAssertEqual(h.actions(created).count, 3)
        let ids = try await h.state()?.resources.values.map(\.id).sorted()
        XCTAssertEqual(ids, [
            "dev-cluster", "dev-cluster/arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", "dev-cluster:dev-read",
        ])
        let again = try await h.plan(stack(actions: ["s3:GetObject", "s3:ListBucket"]))
        XCTAssertEqual(h.actions(again), [:])

        let update = try await h.plan(stack(actions: ["s3:GetObject", "s3:PutObject"]))
        XCTAssertEqual(h.actions(update), ["aws_iam_role_policy.read": .update])
        XCTAssertEqual(h.change(update, "aws_iam_role_policy.read")?.changedAttributes, ["policy"])
        try await h.apply(update)
        let document = try await h.client.call(
            .iam, IAM.Operation.getRolePolicy, ["RoleName": "dev-cluster", "PolicyName": "dev-read"])["PolicyDocument"].string
        XCTAssertTrue((document?.removingPercentEncoding ?? "").contains("s3:PutObject"))
        let settled = try await h.plan(stack(actions: ["s3:GetObject", "s3:PutObject"]))
        XCTAssertEqual(h.actions(settled), [:])

        let renamed = try await h.plan(
            stack(actions: ["s3:GetObject", "s3:PutObject"], policyName: "write", managed: ManagedPolicy.amazonEKSWorkerNodePolicy))
        XCTAssertEqual(h.change(renamed, "aws_iam_role_policy.write")?.action, .create, "a new address is a create")
        XCTAssertEqual(h.change(renamed, "aws_iam_role_policy.read")?.action, .delete)
        let attachment = h.change(renamed, "aws_iam_role_policy_attachment.cluster")
        XCTAssertEqual(attachment?.action.isReplace, true)
        XCTAssertEqual(attachment?.replacePaths, ["policy_arn"])
        try await h.apply(renamed)
        let attached = try await h.client.paginate(.iam, IAM.Operation.listAttachedRolePolicies, ["RoleName": "dev-cluster"])
        XCTAssertEqual(attached["AttachedPolicies"].array?.compactMap { $0["PolicyName"].string }, ["AmazonEKSWorkerNodePolicy"])
        let inline = try await h.client.paginate(.iam, IAM.Operation.listRolePolicies, ["RoleName": "dev-cluster"])
        XCTAssertEqual(inline["PolicyNames"].array?.compactMap(\.string), ["dev-write"])
        let settledAgain = try await h.plan(
            stack(actions: ["s3:GetObject", "s3:PutObject"], policyName: "write", managed: ManagedPolicy.amazonEKSWorkerNodePolicy))
        XCTAssertEqual(h.actions(settledAgain), [:])

        let destroy = try await h.plan(stack(actions: ["s3:GetObject"]), destroy: true)
        try await h.apply(destroy)
        let gone = try await getRole("dev-cluster")
        XCTAssertNil(gone, "policies detached and deleted before the role")
    }

    /// A role made by hand (boto3, its own JSON layout and key order) is imported; the plan is
    /// then empty: the trust policy's formatting never shows as a change.
    func testImportOfRoleCreatedWithBoto3PlansNoChanges() async throws {
        try h.boto3("iam", """
            doc = '{ "Statement": [ { "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole", "Effect": "Allow" } ], "Version": "2012-10-17" }'
            client.create_role(RoleName="dev-cluster", AssumeRolePolicyDocument=doc, Description="cluster role",
                Tags=[{"Key": "Team", "Value": "platform"}, {"Key": "ManagedBy", "Value": "infra"}, {"Key": "Name", "Value": "dev-cluster"}])
            """)
        let imported = try await h.provider.importResource(type: "aws_iam_role", id: "dev-cluster")
        let object = try XCTUnwrap(imported)
        let address = ResourceAddress(type: "aws_iam_role", name: "cluster")
        try await h.backend.write(StateSnapshot(
            lineage: UUID().uuidString.lowercased(), serial: 1, stack: "access", environment: "dev",
            resources: [address: ResourceState(type: "aws_iam_role", id: object.id, attributes: object.attributes)]))
        let plan = try await h.plan(Resources { role() })
        XCTAssertEqual(h.actions(plan), [:], "\(plan.changes.map { "\($0.address) \($0.changedAttributes)" })")
    }

    /// A tag and the description changed with boto3 show as drift, and the plan puts them back.
    func testDriftOfTagAndDescriptionIsReportedAndReverted() async throws {
        try await h.converge(Resources { role() })
        try h.boto3("iam", """
            client.update_role(RoleName="dev-cluster", Description="changed by hand")
            client.tag_role(RoleName="dev-cluster", Tags=[{"Key": "Team", "Value": "someone-else"}])
            """)
        let plan = try await h.plan(Resources { role() })
        let drift = try XCTUnwrap(plan.drift.first)
        XCTAssertEqual("\(drift.address)", "aws_iam_role.cluster")
        XCTAssertEqual(drift.kind, .changed)
        XCTAssertEqual(drift.attributes.map(\.name), ["description", "tags"])
        XCTAssertEqual(drift.attributes.first?.observed, "changed by hand")
        XCTAssertEqual(h.change(plan, "aws_iam_role.cluster")?.changedAttributes, ["description", "tags"])
        try await h.apply(plan)
        let current = try await getRole("dev-cluster")
        XCTAssertEqual(current?["Description"].string, "cluster role")
        let tags = try await h.client.paginate(.iam, IAM.Operation.listRoleTags, ["RoleName": "dev-cluster"])
        XCTAssertTrue(tags["Tags"].array?.contains { $0["Key"].string == "Team" && $0["Value"].string == "platform" } ?? false)
        let settled = try await h.plan(Resources { role() })
        XCTAssertEqual(h.actions(settled), [:])
    }

    func testPolicyDocumentsCompareByMeaningNotLayout() throws {
        let aws = try PolicyJSON.decode(
            "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%5B%22s3%3AB%22%2C%22s3%3AA%22%5D%2C%22Resource%22%3A%22*%22%7D%7D",
            resource: "r", attribute: "policy")
        let dsl = PolicyDocument(.init(.allow, actions: ["s3:A", "s3:B"], resources: ["*"])).value
        XCTAssertEqual(aws, dsl)
        XCTAssertTrue(PolicyJSON.equivalent(aws, dsl))
        let json = try PolicyJSON.encode(dsl, resource: "r", attribute: "policy")
        XCTAssertEqual(json, #"{"Statement":[{"Action":["s3:A","s3:B"],"Effect":"Allow","Resource":["*"]}],"Version":"2012-10-17"}"#)
        XCTAssertThrowsError(try PolicyJSON.decode("not json", resource: "aws_iam_role.x", attribute: "assume_role_policy")) {
            XCTAssertTrue("\($0)".contains("aws_iam_role.x"))
        }
    }
}
