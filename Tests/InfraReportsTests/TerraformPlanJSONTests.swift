import Foundation
import InfraEngine
import InfraReports
import XCTest

final class TerraformPlanJSONTests: XCTestCase {
    func json(_ plan: Plan) throws -> [String: Any] {
        let data = TerraformPlanJSON.render(plan: plan, timestamp: Date(timeIntervalSince1970: 1_800_000_000))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func reference() throws -> [String: Any] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "terraform-plan-example", withExtension: "json", subdirectory: "Resources"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func keys(_ object: Any?) -> Set<String> { Set((object as? [String: Any])?.keys.map { $0 } ?? []) }
    func first(_ object: Any?) -> Any? { (object as? [Any])?.first }
    func dig(_ object: Any?, _ path: String...) -> Any? {
        path.reduce(object) { ($0 as? [String: Any])?[$1] }
    }

    /// The golden shape: at every level, our keys are Terraform's (from `terraform show -json`
    /// of a comparable platform), apart from keys Terraform itself writes only in some plans.
    func testShapeMatchesTerraformReference() async throws {
        let ours = try json(try await PlanFixtures.handPlan())
        let tf = try reference()
        // Top level: Terraform's keys; `variables`/`relevant_attributes` only when there are
        // some, `output_changes` only when outputs change (the reference has none).
        XCTAssertEqual(keys(ours).subtracting(["output_changes"]), keys(tf).subtracting(["variables", "relevant_attributes"]))
        XCTAssertEqual(ours["format_version"] as? String, "1.2")
        XCTAssertEqual(ours["terraform_version"] as? String, "0.9.0-test")
        XCTAssertEqual(ours["timestamp"] as? String, "2027-01-15T08:00:00Z")

        XCTAssertEqual(keys(dig(ours, "planned_values")).subtracting(["outputs"]), keys(dig(tf, "planned_values")))
        XCTAssertEqual(keys(first(dig(ours, "planned_values", "root_module", "resources"))),
                       keys(first(dig(tf, "planned_values", "root_module", "resources"))))

        let tfChange = try XCTUnwrap((tf["resource_changes"] as? [[String: Any]])?.first { $0["index"] == nil })
        for change in try XCTUnwrap(ours["resource_changes"] as? [[String: Any]]) {
            XCTAssertEqual(keys(change).subtracting(["action_reason", "deposed"]), keys(tfChange))
            XCTAssertEqual(keys(change["change"]).subtracting(["replace_paths"]), keys(tfChange["change"]))
            XCTAssertEqual(change["provider_name"] as? String, "registry.terraform.io/hashicorp/aws")
            XCTAssertEqual(change["mode"] as? String, "managed")
        }

        XCTAssertEqual(keys(dig(ours, "configuration")), keys(dig(tf, "configuration")))
        XCTAssertEqual(keys(dig(ours, "configuration", "root_module")).subtracting(["outputs"]),
                       keys(dig(tf, "configuration", "root_module")).subtracting(["variables"]))
        XCTAssertEqual(keys(first(dig(ours, "configuration", "root_module", "resources"))),
                       keys(first(dig(tf, "configuration", "root_module", "resources"))))
        XCTAssertTrue(keys(dig(ours, "configuration", "provider_config", "aws"))
            .isSubset(of: keys(dig(tf, "configuration", "provider_config", "aws"))))
    }

    func testPriorStateShapeMatchesReference() async throws {
        var plan = try await PlanFixtures.handPlan()
        plan.priorState = StateSnapshot(
            lineage: "l-1", serial: 3, stack: "platform", environment: "prod", toolVersion: "0.9.0-test",
            resources: [ResourceAddress(type: "aws_subnet", name: "a"): ResourceState(
                type: "aws_subnet", id: "subnet-1", attributes: ["cidr_block": "10.0.0.0/20"], dependencies: [])])
        let ours = try json(plan)
        let tf = try reference()
        XCTAssertEqual(keys(ours["prior_state"]), keys(tf["prior_state"]))
        let resource = first(dig(ours, "prior_state", "values", "root_module", "resources"))
        XCTAssertEqual(keys(resource).subtracting(["depends_on"]),
                       keys(first(dig(tf, "prior_state", "values", "root_module", "resources"))))
        XCTAssertEqual(dig(resource, "values", "id") as? String, "subnet-1")
    }

    func testActionsFollowTerraform() async throws {
        let plan = try await PlanFixtures.handPlan()
        let changes = try XCTUnwrap(try json(plan)["resource_changes"] as? [[String: Any]])
        var actions: [String: [String]] = [:]
        for c in changes { actions[c["address"] as? String ?? ""] = dig(c, "change", "actions") as? [String] }
        XCTAssertEqual(actions["aws_vpc.main"], ["create"])
        XCTAssertEqual(actions["aws_iam_role.api_task"], ["update"])
        XCTAssertEqual(actions["aws_db_instance.ledger"], ["delete", "create"])
        XCTAssertEqual(actions["aws_eks_cluster.apps"], ["create", "delete"])
        XCTAssertEqual(actions["aws_nat_gateway.old"], ["delete"])
        XCTAssertEqual(actions["aws_subnet.a"], ["no-op"])
        let ledger = try XCTUnwrap(changes.first { $0["address"] as? String == "aws_db_instance.ledger" })
        XCTAssertEqual(ledger["action_reason"] as? String, "replace_because_cannot_update")
        XCTAssertEqual(dig(ledger, "change", "replace_paths") as? [[String]], [["storage_encrypted"]])
    }

    func testUnknownSensitiveAndJSONStringValues() async throws {
        let plan = try await PlanFixtures.handPlan()
        let data = TerraformPlanJSON.render(plan: plan)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertFalse(text.contains(PlanFixtures.secretPlaintext), "a secret reached the JSON plan")

        let changes = try XCTUnwrap(try json(plan)["resource_changes"] as? [[String: Any]])
        func change(_ address: String) throws -> [String: Any] {
            try XCTUnwrap(changes.first { $0["address"] as? String == address }?["change"] as? [String: Any])
        }
        // Unknown: absent from after, true in after_unknown.
        let vpc = try change("aws_vpc.main")
        XCTAssertNil(dig(vpc, "after", "id"))
        XCTAssertEqual(dig(vpc, "after_unknown", "id") as? Bool, true)
        XCTAssertEqual(dig(vpc, "after", "cidr_block") as? String, "10.0.0.0/16")
        XCTAssertEqual(vpc["before_sensitive"] as? Bool, false)
        XCTAssertTrue(vpc["before"] is NSNull)
        // Sensitive: absent from before and after, marked in both *_sensitive.
        let db = try change("aws_db_instance.ledger")
        XCTAssertNil(dig(db, "after", "password"))
        XCTAssertNil(dig(db, "before", "password"))
        XCTAssertEqual(dig(db, "after_sensitive", "password") as? Bool, true)
        XCTAssertEqual(dig(db, "before_sensitive", "password") as? Bool, true)
        XCTAssertEqual(dig(db, "after_unknown", "endpoint") as? Bool, true)
        XCTAssertEqual(dig(db, "before", "id") as? String, "ledger")
        // Policy documents and container definitions: JSON strings, as the AWS provider has them.
        let role = try change("aws_iam_role.api_task")
        let policy = try XCTUnwrap(dig(role, "after", "assume_role_policy") as? String)
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any])
        XCTAssertEqual(parsed["Version"] as? String, "2012-10-17")
        let containers = try XCTUnwrap(dig(try change("aws_ecs_task_definition.api"), "after", "container_definitions") as? String)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(containers.utf8)) as? [[String: Any]])?.first?["image"] as? String, "api:1")
        // Delete: after null.
        let nat = try change("aws_nat_gateway.old")
        XCTAssertTrue(nat["after"] is NSNull)
        XCTAssertEqual(nat["after_sensitive"] as? Bool, false)
        // Outputs: sensitive value omitted; unknown marked.
        let outputs = try XCTUnwrap(try json(plan)["output_changes"] as? [String: [String: Any]])
        XCTAssertEqual(outputs["vpc_id"]?["after_unknown"] as? Bool, true)
        XCTAssertEqual(outputs["db_password"]?["after_sensitive"] as? Bool, true)
        XCTAssertTrue(outputs["db_password"]?["after"] is NSNull)
    }

    func testConfigurationExpressions() async throws {
        let plan = try await PlanFixtures.handPlan()
        let resources = try XCTUnwrap(dig(try json(plan), "configuration", "root_module", "resources")
            as? [[String: Any]])
        let subnet = try XCTUnwrap(resources.first { $0["address"] as? String == "aws_subnet.a" })
        XCTAssertEqual(dig(subnet, "expressions", "vpc_id", "references") as? [String], ["aws_vpc.main.id", "aws_vpc.main"])
        XCTAssertEqual(dig(subnet, "expressions", "cidr_block", "constant_value") as? String, "10.0.0.0/20")
        XCTAssertEqual(subnet["provider_config_key"] as? String, "aws")
        let db = try XCTUnwrap(resources.first { $0["address"] as? String == "aws_db_instance.ledger" })
        XCTAssertNil(dig(db, "expressions", "password"), "a literal secret must not appear in the configuration")
    }

    func testDSLPlanRendersDeterministically() async throws {
        let plan = try await PlanFixtures.platformPlan()
        let date = Date(timeIntervalSince1970: 0)
        XCTAssertEqual(TerraformPlanJSON.render(plan: plan, timestamp: date), TerraformPlanJSON.render(plan: plan, timestamp: date))
        let changes = try XCTUnwrap(try json(plan)["resource_changes"] as? [[String: Any]])
        XCTAssertEqual(changes.count, plan.changes.count)
        XCTAssertTrue(changes.contains { $0["type"] as? String == "aws_db_instance" })
    }
}
