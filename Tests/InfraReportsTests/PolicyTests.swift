import InfraEngine
import XCTest

@testable import InfraReports

final class PolicyTests: XCTestCase {
    let prod = PolicyContext(environment: "prod")
    let dev = PolicyContext(environment: "dev")

    func view(_ type: String, name: String = "x", _ after: [String: Value], annotations: [String: String] = [:]) -> ResourceView {
        ResourceView(address: ResourceAddress(type: type, name: name), before: nil, after: after, annotations: annotations)
    }

    func ids(_ resources: [ResourceView], _ context: PolicyContext) -> [String] {
        PolicyEngine().evaluate(resources, context: context, threshold: .high).findings.map(\.ruleID)
    }

    /// One compliant and one violating case per rule: each rule must fire on the second only.
    func testEachRuleFiresOnItsViolationAndNotOnCompliantResources() {
        let goodDB: [String: Value] = ["publicly_accessible": false, "storage_encrypted": true, "deletion_protection": true, "backup_retention_period": 7]
        let cases: [(rule: String, good: ResourceView, bad: ResourceView, context: PolicyContext)] = [
            ("INFRA-RDS-001", view("aws_db_instance", goodDB), view("aws_db_instance", goodDB.merging(["publicly_accessible": true]) { $1 }), prod),
            ("INFRA-RDS-002", view("aws_db_instance", goodDB), view("aws_db_instance", goodDB.merging(["storage_encrypted": false]) { $1 }), prod),
            ("INFRA-RDS-003", view("aws_db_instance", goodDB), view("aws_db_instance", goodDB.merging(["deletion_protection": false]) { $1 }), prod),
            ("INFRA-RDS-004", view("aws_db_instance", goodDB), view("aws_db_instance", goodDB.merging(["backup_retention_period": 3]) { $1 }), prod),
            ("INFRA-CACHE-001",
             view("aws_elasticache_replication_group", ["transit_encryption_enabled": true, "at_rest_encryption_enabled": true]),
             view("aws_elasticache_replication_group", ["transit_encryption_enabled": false, "at_rest_encryption_enabled": true]), dev),
            ("INFRA-CACHE-002",
             view("aws_elasticache_replication_group", ["transit_encryption_enabled": true, "at_rest_encryption_enabled": true]),
             view("aws_elasticache_replication_group", ["transit_encryption_enabled": true]), dev),
            ("INFRA-SG-001",
             view("aws_vpc_security_group_ingress_rule", ["cidr_ipv4": "0.0.0.0/0", "ip_protocol": "tcp", "from_port": 443, "to_port": 443]),
             view("aws_vpc_security_group_ingress_rule", ["cidr_ipv4": "0.0.0.0/0", "ip_protocol": "tcp", "from_port": 22, "to_port": 22]), dev),
            ("INFRA-EKS-001",
             view("aws_eks_cluster", ["vpc_config": [["endpoint_public_access": false, "endpoint_private_access": true]]]),
             view("aws_eks_cluster", ["vpc_config": [["endpoint_public_access": true]]]), dev),
            ("INFRA-SECRET-001",
             view("aws_secretsmanager_secret", ["kms_key_id": "arn:aws:kms:us-east-1:1:key/k", "recovery_window_in_days": 7]),
             view("aws_secretsmanager_secret", ["recovery_window_in_days": 7]), dev),
            ("INFRA-SECRET-002",
             view("aws_secretsmanager_secret", ["kms_key_id": "k", "recovery_window_in_days": 7]),
             view("aws_secretsmanager_secret", ["kms_key_id": "k", "recovery_window_in_days": 0]), dev),
            ("INFRA-IAM-001",
             view("aws_iam_role_policy", ["policy": ["Version": "2012-10-17", "Statement": [["Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": "arn:x"]]]]),
             view("aws_iam_role_policy", ["policy": .string(#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#)]), dev),
        ]
        XCTAssertEqual(Set(cases.map(\.rule)), Set(BuiltinPolicies.all.map(\.id)), "every built-in rule has a case")
        for c in cases {
            XCTAssertFalse(ids([c.good], c.context).contains(c.rule), "\(c.rule) fired on a compliant resource")
            XCTAssertTrue(ids([c.bad], c.context).contains(c.rule), "\(c.rule) did not fire on a violation")
        }
    }

    func testProductionRulesDoNotApplyOutsideProduction() {
        let db = view("aws_db_instance", ["storage_encrypted": true, "deletion_protection": false, "backup_retention_period": 1])
        XCTAssertEqual(ids([db], dev), [])
        XCTAssertEqual(Set(ids([db], prod)), ["INFRA-RDS-003", "INFRA-RDS-004"])
    }

    func testSecurityGroupRulesAllowWebPortsOnlyAndCatchAllTraffic() {
        let all = view("aws_vpc_security_group_ingress_rule", ["cidr_ipv6": "::/0", "ip_protocol": "-1"])
        let range = view("aws_vpc_security_group_ingress_rule", name: "r", ["cidr_ipv4": "0.0.0.0/0", "ip_protocol": "tcp", "from_port": 80, "to_port": 443])
        let privateRange = view("aws_vpc_security_group_ingress_rule", name: "i", ["cidr_ipv4": "10.0.0.0/8", "ip_protocol": "tcp", "from_port": 22, "to_port": 22])
        let findings = PolicyEngine().evaluate([all, range, privateRange], context: dev, threshold: .high).findings
        XCTAssertEqual(findings.map(\.address.name), ["r", "x"])
        XCTAssertEqual(findings.first { $0.address.name == "x" }?.message, "all ports open to ::/0")
        XCTAssertEqual(findings.first { $0.address.name == "r" }?.message, "tcp ports 80-443 open to 0.0.0.0/0")
    }

    func testAWaiverSilencesExactlyItsResourceAndRule() {
        let waived = view("aws_db_instance", name: "legacy", ["publicly_accessible": true, "storage_encrypted": true],
                          annotations: [PolicyEngine.waiverKey("INFRA-RDS-001"): "vendor access until 2027-01, ticket SEC-12"])
        let other = view("aws_db_instance", name: "ledger", ["publicly_accessible": true, "storage_encrypted": true])
        let evaluation = PolicyEngine().evaluate([waived, other], context: dev, threshold: .high)
        XCTAssertEqual(evaluation.findings.count, 2)
        XCTAssertEqual(evaluation.findings.first { $0.address.name == "legacy" }?.waiver, "vendor access until 2027-01, ticket SEC-12")
        XCTAssertEqual(evaluation.failing.map(\.address.name), ["ledger"])
        XCTAssertFalse(evaluation.passed)
        XCTAssertEqual(evaluation.verdict, "failed (1 critical)")
    }

    func testTheThresholdDecidesTheGate() {
        let secret = view("aws_secretsmanager_secret", ["recovery_window_in_days": 0, "kms_key_id": "k"])  // medium
        XCTAssertTrue(PolicyEngine().evaluate([secret], context: dev, threshold: .high).passed)
        XCTAssertFalse(PolicyEngine().evaluate([secret], context: dev, threshold: .medium).passed)
    }

    func testDestroyedResourcesAreNotJudged() {
        let gone = ResourceView(address: ResourceAddress(type: "aws_db_instance", name: "old"), before: ["publicly_accessible": true], after: nil)
        XCTAssertTrue(PolicyEngine().evaluate([gone], context: prod, threshold: .low).findings.isEmpty)
    }
}
