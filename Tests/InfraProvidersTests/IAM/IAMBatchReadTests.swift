import Foundation
import InfraAWS
import InfraDSL
import InfraEngine
import InfraProviders
import InfraTestSupport
import XCTest

/// A refresh of many roles lists the account (GetAccountAuthorizationDetails and ListRoles)
/// instead of reading each role, inline policy and attachment; it sees the same values,
/// drift included.
final class IAMBatchReadTests: XCTestCase {
    func testManyRolesRefreshInAFewCallsAndStillSeeDrift() async throws {
        let h = try await IAMSecretsHarness()
        defer { h.cleanUp() }
        let stack = Resources {
            for i in 0..<12 {
                let role = IAMRole(
                    "svc\(i)", assumeRolePolicy: .assumedBy(service: "ecs-tasks.amazonaws.com"),
                    description: "service \(i)"
                ).tagged(["Team": "payments"])
                role
                IAMRolePolicy("svc\(i)_read", role: role.roleName, policy: PolicyDocument(
                    .init(.allow, actions: ["s3:GetObject"], resources: ["arn:aws:s3:::bucket-\(i)/*"])))
                IAMRolePolicyAttachment("svc\(i)_exec", role: role.roleName,
                                        policy: ManagedPolicy.amazonECSTaskExecutionRolePolicy)
            }
        }
        try await h.converge(stack)

        let counting = CountingTransport()
        let provider = AWSProvider(context: ProviderContext(client: h.server.client(transport: counting), region: "us-east-1"))
        let plan = try await Planner(provider: provider).plan(
            h.configuration(stack), prior: h.state(), backendKey: "k", options: PlanOptions())
        XCTAssertEqual(h.actions(plan), [:], "the batched read sees exactly what per-id reads see")
        // Roles: GetAccountAuthorizationDetails + ListRoles; policies and attachments: one
        // GetAccountAuthorizationDetails each (moto answers in one page) — not 36 calls.
        XCTAssertLessThanOrEqual(counting.count, 4, "refresh made \(counting.count) calls")

        // Drift seen through the batch: a description, an inline policy and an attachment.
        _ = try await h.client.call(.iam, IAM.Operation.updateRole, ["RoleName": "dev-svc3", "Description": "edited"])
        _ = try await h.client.call(.iam, IAM.Operation.putRolePolicy, [
            "RoleName": "dev-svc4", "PolicyName": "dev-svc4-read",
            "PolicyDocument": #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        ])
        _ = try await h.client.call(.iam, IAM.Operation.detachRolePolicy, [
            "RoleName": "dev-svc5", "PolicyArn": .string(ManagedPolicy.amazonECSTaskExecutionRolePolicy.text),
        ])
        let drifted = try await h.plan(stack)
        XCTAssertEqual(h.actions(drifted), [
            "aws_iam_role.svc3": .update, "aws_iam_role_policy.svc4_read": .update,
            "aws_iam_role_policy_attachment.svc5_exec": .create,
        ])
    }
}
