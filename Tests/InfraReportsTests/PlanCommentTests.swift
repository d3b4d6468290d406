import Foundation
import InfraEngine
import InfraReports
import XCTest

final class PlanCommentTests: XCTestCase {
    func render(_ plan: Plan, waive: [String: String] = [:]) throws -> String {
        var views = ResourceView.views(of: plan)
        for i in views.indices {
            for (address, rule) in waive where views[i].address.description == address {
                views[i].annotations[PolicyEngine.waiverKey(rule)] = "accepted until the migration in INFRA-42"
            }
        }
        let policy = PolicyEngine().evaluate(views, context: PolicyContext(environment: "prod"), threshold: .high)
        let cost = CostEstimator(table: try PriceTable.shipped(), region: "us-east-1").estimate(views)
        return PlanComment.render(plan: plan, policy: policy, cost: cost, environment: "prod", stack: "platform",
                                  planFileLocation: "artifact tfplan-prod")
    }

    func testSummaryLineCountsEachKindAndGivesCostAndVerdict() async throws {
        let text = try render(try await PlanFixtures.handPlan())
        // create: vpc, task definition, ingress rule; update: role; replace: db, eks; destroy: nat.
        XCTAssertTrue(text.contains("**Plan:** 3 to add, 1 to change, 2 to replace, 1 to destroy"), text)
        XCTAssertTrue(text.contains("**Cost:** "), text)
        XCTAssertTrue(text.contains("**Policy:** ❌ failed ("), text)
        XCTAssertTrue(text.hasPrefix(PlanComment.marker(environment: "prod", stack: "platform")))
        XCTAssertEqual(PlanComment.marker(environment: "prod", stack: "platform"), "<!-- infra:prod/platform -->")
    }

    func testWarningBlockListsDestroysAndReplacements() async throws {
        let text = try render(try await PlanFixtures.handPlan())
        let warning = try XCTUnwrap(text.range(of: "> [!CAUTION]"))
        let block = text[warning.lowerBound...].split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { $0.hasPrefix(">") }.joined(separator: "\n")
        XCTAssertTrue(block.contains("**replace** `aws_db_instance.ledger`: storage_encrypted: false → true forces replacement"), block)
        XCTAssertTrue(block.contains("**replace** `aws_eks_cluster.apps`"), block)
        XCTAssertTrue(block.contains("**destroy** `aws_nat_gateway.old`: no longer in the configuration"), block)
        XCTAssertFalse(block.contains("aws_vpc.main"), block)
    }

    func testBroadeningTableComesFirstAndNamesWidenedAccess() async throws {
        let text = try render(try await PlanFixtures.handPlan())
        let table = try XCTUnwrap(text.range(of: "Access widened"))
        let policy = try XCTUnwrap(text.range(of: "#### Policy"))
        let diffs = try XCTUnwrap(text.range(of: "#### Changes"))
        XCTAssertLessThan(table.lowerBound, policy.lowerBound)
        XCTAssertLessThan(policy.lowerBound, diffs.lowerBound)
        XCTAssertTrue(text.contains("| 🔴 | `aws_vpc_security_group_ingress_rule.ssh` | ingress | from 0.0.0.0/0 on tcp 22 |"), text)
        XCTAssertTrue(text.contains("| 🟡 | `aws_iam_role.api_task` | trust | may be assumed by AWS: arn:aws:iam::999999999999:root |"), text)
        // An unchanged trust principal is not a widening.
        XCTAssertFalse(text.contains("may be assumed by Service: ecs-tasks.amazonaws.com"), text)
    }

    func testBroadeningFindsPolicyActionsResourcesAndAttachments() {
        func view(_ type: String, _ before: [String: Value]?, _ after: [String: Value]) -> ResourceView {
            ResourceView(address: ResourceAddress(type: type, name: "x"), before: before, after: after)
        }
        let oldPolicy: Value = ["Statement": [["Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::a/*"]]]
        let newPolicy: Value = .string(#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:*"],"Resource":["arn:aws:s3:::a/*","*"]}]}"#)
        let found = Broadening.find(in: [
            view("aws_iam_role_policy", ["policy": oldPolicy], ["policy": newPolicy]),
            view("aws_iam_role_policy_attachment", nil, ["policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"]),
            view("aws_iam_role_policy", ["policy": oldPolicy], ["policy": oldPolicy]),
            view("aws_vpc_security_group_ingress_rule", ["cidr_ipv4": "10.0.0.0/8"], ["cidr_ipv4": "10.0.0.0/8", "ip_protocol": "tcp", "from_port": 5432]),
        ])
        XCTAssertEqual(found.map(\.kind), ["actions", "resources", "attachment"])
        XCTAssertEqual(found[0].detail, "allows s3:*")
        XCTAssertTrue(found[0].toWorld)
        XCTAssertEqual(found[1].detail, "on *")
        XCTAssertTrue(found[2].toWorld)
    }

    func testPolicyFindingsWithFixesAndWaivers() async throws {
        let text = try render(try await PlanFixtures.handPlan(), waive: ["aws_db_instance.ledger": "INFRA-RDS-003"])
        XCTAssertTrue(text.contains("| Severity | Rule | Resource | Finding | Fix |"), text)
        // The ingress from 0.0.0.0/0 on 22 is a finding, with its fix.
        XCTAssertTrue(text.contains("INFRA-SG-001") || text.contains("`aws_vpc_security_group_ingress_rule.ssh`"), text)
        XCTAssertTrue(text.contains("Waived:\n- INFRA-RDS-003 on `aws_db_instance.ledger`: accepted until the migration in INFRA-42"), text)
    }

    func testCostTablePerResourceAndTotal() async throws {
        let text = try render(try await PlanFixtures.platformPlan())
        XCTAssertTrue(text.contains("<summary><b>Estimated monthly cost</b>"), text)
        XCTAssertTrue(text.contains("| `aws_db_instance.ledger` |"), text)
        XCTAssertTrue(text.contains("| **Total** |"), text)
        XCTAssertTrue(text.contains("Prices: us-east-1"), text)
    }

    func testDiffsAreCollapsibleDiffBlocksWithoutColour() async throws {
        let text = try render(try await PlanFixtures.handPlan())
        XCTAssertTrue(text.contains("<details><summary>♻️ <code>aws_db_instance.ledger</code> (delete, create)</summary>"), text)
        XCTAssertTrue(text.contains("````diff\n"), text)
        XCTAssertFalse(text.contains("\u{1B}["), "no ANSI colour codes")
        // The change symbol is moved to the first column so GitHub colours the line.
        XCTAssertTrue(text.contains("\n!       storage_encrypted"), text)
        XCTAssertTrue(text.contains("\n+       cidr_block"), text)
    }

    func testNoSensitiveValueAppears() async throws {
        var plan = try await PlanFixtures.handPlan()
        plan.changes.append(ResourceChange(
            address: ResourceAddress(type: "aws_secretsmanager_secret_version", name: "api_key"),
            type: "aws_secretsmanager_secret_version", action: .create,
            after: ["secret_id": .unknown, "secret_string": .sensitive(.string(PlanFixtures.secretPlaintext))],
            afterUnknown: ["secret_id"], sensitiveAttributes: ["secret_string"]))
        let text = try render(plan)
        XCTAssertFalse(text.contains(PlanFixtures.secretPlaintext))
        XCTAssertTrue(text.contains("(sensitive value)"))
    }

    func testTwoThousandResourcesStayUnderGitHubsLimit() async throws {
        var plan = try await PlanFixtures.handPlan()
        plan.changes = (0..<2000).map { i in
            ResourceChange(
                address: ResourceAddress(type: i % 2 == 0 ? "aws_subnet" : "aws_db_instance", name: "r\(i)"),
                type: i % 2 == 0 ? "aws_subnet" : "aws_db_instance", action: i % 10 == 0 ? .delete : .create,
                before: i % 10 == 0 ? ["cidr_block": "10.0.0.0/24", "password": .sensitive(.string(PlanFixtures.secretPlaintext))] : nil,
                after: i % 10 == 0 ? nil : [
                    "cidr_block": .string("10.\(i / 256).\(i % 256).0/24"), "vpc_id": .unknown,
                    "tags": ["Name": .string("resource-\(i)"), "Environment": "prod"],
                    "password": .sensitive(.string(PlanFixtures.secretPlaintext)),
                    "instance_class": "db.t4g.micro", "engine": "postgres", "publicly_accessible": true,
                ],
                afterUnknown: ["vpc_id"], sensitiveAttributes: ["password"])
        }
        plan.summary = PlanSummary(plan.changes)
        let text = try render(plan)
        XCTAssertLessThanOrEqual(text.utf16.count, PlanComment.githubLimit)
        XCTAssertFalse(text.contains(PlanFixtures.secretPlaintext))
        XCTAssertTrue(text.contains("not shown to stay within GitHub's comment limit"), String(text.suffix(2000)))
        XCTAssertTrue(text.contains("artifact tfplan-prod"))
        XCTAssertTrue(text.contains("**Plan:** 1800 to add, 0 to change, 0 to replace, 200 to destroy"))
    }

    func testOneHugeResourceIsTruncatedWithANote() async throws {
        var plan = try await PlanFixtures.handPlan()
        plan.changes = [ResourceChange(
            address: ResourceAddress(type: "aws_iam_policy", name: "big"), type: "aws_iam_policy", action: .create,
            after: ["name": "big", "description": .string(String(repeating: "x", count: 100)),
                    "tags": .map(Dictionary(uniqueKeysWithValues: (0..<500).map { ("key\($0)", Value.string("value \($0)")) }))])]
        plan.summary = PlanSummary(plan.changes)
        let text = try render(plan)
        XCTAssertTrue(text.contains("more lines of this resource truncated; the full plan is in artifact tfplan-prod"), text)
        XCTAssertLessThan(text.utf16.count, PlanComment.perResourceLimit + 5_000)
    }

    func testAnOversizedLimitIsStillHonoured() async throws {
        let plan = try await PlanFixtures.handPlan()
        let views = ResourceView.views(of: plan)
        let text = PlanComment.render(
            plan: plan, policy: PolicyEngine().evaluate(views, context: PolicyContext(environment: "prod"), threshold: .high),
            cost: CostEstimator(table: try PriceTable.shipped(), region: "us-east-1").estimate(views),
            environment: "prod", stack: "platform", planFileLocation: "tfplan", limit: 1_500)
        XCTAssertLessThanOrEqual(text.utf16.count, 1_500)
        XCTAssertTrue(text.hasSuffix("<!-- infra:prod/platform -->"))
    }
}
