import Foundation
import InfraDSL
import InfraEngine
import XCTest

final class SettingsTests: XCTestCase {
    private let loader = ProjectLoader(directory: URL(fileURLWithPath: "/nonexistent"), registry: StackRegistry([Platform.self]))

    private let valid = """
        region: eu-west-1
        account: "123456789012"
        backend:
          s3:
            bucket: acme-infra-state
            key_prefix: platform
            lock_table: acme-infra-locks
        stacks: [platform]
        tags:
          CostCenter: platform
        policy:
          max_monthly_cost: 5000
          severity: high
        platform:
          cidr: 10.30.0.0/16
          zones: 3
          nat_per_zone: true
          database:
            instance_class: db.r6g.large
            storage: 100
            multi_az: true
            backup_retention: 14d
          services:
            api: {cpu: 512, memory: 1024, count: 3}
        """

    /// Replaces `old` in the valid file.
    private func variant(_ old: String, _ new: String) -> String {
        return valid.replacingOccurrences(of: old, with: new)
    }

    private func problems(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        do {
            _ = try loader.load(environment: "prod", yaml: yaml, file: "environments/prod.yaml")
            XCTFail("loaded without error", file: file, line: line)
            return []
        } catch {
            guard case .settings(let settings) = error else { return ["\(error)"] }
            return settings.problems.map(\.description)
        }
    }

    func testLoadsAValidEnvironment() throws {
        let loaded = try loader.load(environment: "prod", yaml: valid, file: "environments/prod.yaml")
        XCTAssertEqual(loaded.header.region, "eu-west-1")
        XCTAssertEqual(loaded.header.account, "123456789012")
        XCTAssertEqual(
            loaded.header.backend,
            .s3(S3Backend(bucket: "acme-infra-state", keyPrefix: "platform", lockTable: "acme-infra-locks", lock: .dynamodb)))
        XCTAssertEqual(loaded.header.stacks, ["platform"])
        XCTAssertEqual(loaded.header.policy, ["max_monthly_cost": 5000, "severity": "high"])
        XCTAssertTrue(loaded.isProduction)
        let config = try XCTUnwrap(loaded.configurations.first)
        XCTAssertEqual(config.stack, "platform")
        XCTAssertEqual(config.environment, "prod")
        let db = try config.resource("aws_db_instance.ledger")
        XCTAssertEqual(db.attributes["instance_class"], "db.r6g.large")
        XCTAssertEqual(db.attributes["multi_az"], true)
        XCTAssertEqual(db.attributes["backup_retention_period"], 14)
        XCTAssertEqual(try config.resource("aws_vpc.main").attributes["tags"]?["CostCenter"], "platform")
        XCTAssertEqual(try config.resource("aws_ecs_service.api").attributes["desired_count"], 3)
    }

    func testTypeErrorNamesFileLineAndKeyPath() {
        XCTAssertEqual(
            problems(variant("zones: 3", "zones: three")),
            ["environments/prod.yaml:16: platform.zones: expected an integer, found 'three'"])
        XCTAssertEqual(
            problems(variant("nat_per_zone: true", "nat_per_zone: sometimes")),
            ["environments/prod.yaml:17: platform.nat_per_zone: expected true or false, found 'sometimes'"])
        XCTAssertEqual(
            problems(variant("api: {cpu: 512, memory: 1024, count: 3}", "api: {cpu: 512, memory: [1024], count: 3}")),
            ["environments/prod.yaml:24: platform.services.api.memory: expected an integer, found a list"])
    }

    func testUnknownKeyWithLineAndSuggestion() {
        XCTAssertEqual(
            problems(variant("nat_per_zone: true", "nat_per_zone: true\n  nat_per_zones: false")),
            ["environments/prod.yaml:18: platform.nat_per_zones: unknown key 'nat_per_zones'; did you mean 'nat_per_zone'?"])
        XCTAssertEqual(
            problems(variant("    storage: 100", "    storage: 100\n    storrage: 200")),
            ["environments/prod.yaml:21: platform.database.storrage: unknown key 'storrage'; did you mean 'storage'?"])
        XCTAssertEqual(
            problems(variant("stacks: [platform]", "stacks: [platform]\nregoin: eu-west-2")),
            ["environments/prod.yaml:9: regoin: unknown key 'regoin'; did you mean 'region'?"])
    }

    func testMissingKey() {
        XCTAssertEqual(
            problems(variant("  cidr: 10.30.0.0/16\n", "")),
            ["environments/prod.yaml:15: platform.cidr: missing key 'cidr'"])
        XCTAssertEqual(
            problems(variant("    instance_class: db.r6g.large\n", "")),
            ["environments/prod.yaml:19: platform.database.instance_class: missing key 'instance_class'"])
    }

    func testBadTypedValuesCarryTheirLine() {
        XCTAssertEqual(
            problems(variant("cidr: 10.30.0.0/16", "cidr: 10.30.0.0/33")),
            ["environments/prod.yaml:15: platform.cidr: '10.30.0.0/33' is not a valid CIDR block: prefix length '33' must be a number from 0 to 32"])
        XCTAssertEqual(
            problems(variant("zones: 3", "zones: 9")),
            ["environments/prod.yaml:16: platform.zones: '9' is not a valid availability zone count: a network spans 1 to 6 availability zones"])
        XCTAssertEqual(
            problems(variant("backup_retention: 14d", "backup_retention: 14")),
            ["environments/prod.yaml:22: platform.database.backup_retention: '14' is not a valid duration: '14' needs a unit: s, m, h or d (e.g. 14s)"])
        XCTAssertEqual(
            problems(variant("region: eu-west-1", "region: europe")),
            ["environments/prod.yaml:1: region: 'europe' is not an AWS region name (e.g. eu-west-1)"])
    }

    func testYAMLSyntaxErrorHasALine() {
        let problems = problems(variant("zones: 3", "zones: [3"))
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].hasPrefix("environments/prod.yaml:"), problems[0])
        XCTAssertTrue(problems[0].contains("not valid YAML"), problems[0])
    }

    func testUnknownStackListsTheKnownOnes() {
        XCTAssertThrowsError(
            try loader.load(environment: "prod", yaml: variant("stacks: [platform]", "stacks: [platform, platfrom_data]"), file: "environments/prod.yaml")
        ) { error in
            XCTAssertEqual("\(error)", "environments/prod.yaml:8: stacks: unknown stack 'platfrom_data'; the known stacks are: platform")
        }
    }

    func testSettingsOfAStackNotDeployedAreReported() {
        XCTAssertEqual(
            problems(variant("stacks: [platform]", "stacks: []")),
            ["environments/prod.yaml:14: platform: settings for stack 'platform', which this environment does not deploy (add it to stacks)"])
    }

    func testUnknownEnvironmentListsTheExistingOnes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("infra-dsl-\(UUID().uuidString)")
        let environments = directory.appendingPathComponent("environments")
        try FileManager.default.createDirectory(at: environments, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try valid.write(to: environments.appendingPathComponent("prod.yaml"), atomically: true, encoding: .utf8)
        try valid.write(to: environments.appendingPathComponent("staging.yaml"), atomically: true, encoding: .utf8)
        let loader = ProjectLoader(directory: directory, registry: StackRegistry([Platform.self]))
        XCTAssertEqual(loader.environmentNames(), ["prod", "staging"])
        XCTAssertThrowsError(try loader.load(environment: "prd")) { error in
            XCTAssertTrue(
                "\(error)".hasSuffix("the environments are: prod, staging (did you mean 'prod'?)"), "\(error)")
        }
        XCTAssertThrowsError(try loader.load(environment: "../prod"))
        let loaded = try loader.load(environment: "staging")
        XCTAssertEqual(loaded.file, "environments/staging.yaml")
        XCTAssertFalse(loaded.isProduction)
        XCTAssertEqual(try loaded.configurations[0].resource("aws_db_instance.ledger").attributes["deletion_protection"], false)
        XCTAssertThrowsError(try loader.load(environment: "prod", stacks: ["cache"])) { error in
            XCTAssertEqual("\(error)", "environments/prod.yaml does not deploy stack 'cache'; it deploys: platform")
        }
    }

    func testBackendVariants() throws {
        let local = try loader.load(
            environment: "dev", yaml: variant("backend:\n  s3:\n    bucket: acme-infra-state\n    key_prefix: platform\n    lock_table: acme-infra-locks\n", "backend:\n  local: {path: state}\n"),
            file: "environments/dev.yaml")
        XCTAssertEqual(local.header.backend, .local(path: "state"))
        XCTAssertFalse(local.isProduction)
        XCTAssertEqual(
            problems(variant("    lock_table: acme-infra-locks\n", "    lock: dynamodb\n")),
            ["environments/prod.yaml:5: backend.s3.lock_table: missing key 'lock_table'"])
        XCTAssertEqual(
            problems(variant("    lock_table: acme-infra-locks", "    lock_table: acme-infra-locks\n    lock: redis")),
            ["environments/prod.yaml:8: backend.s3.lock: expected dynamodb or s3, found 'redis'"])
    }

    private struct Outer: Decodable {
        struct Inner: Decodable { var days: Int }
        var backupPolicy: Inner
        var names: [String]
    }

    func testUnknownKeysInsideCamelCaseStructsAndLists() throws {
        let yaml = "backup_policy:\n  days: 3\n  dayz: 4\nnames: [a, b]\n"
        let root = try SettingsNode.parse(yaml: yaml, file: "x.yaml")
        switch SettingsDecoding.decode(Outer.self, from: root, at: [], root: root, file: "x.yaml") {
        case .success((let value, let unknown)):
            XCTAssertEqual(value.backupPolicy.days, 3)
            XCTAssertEqual(value.names, ["a", "b"])
            XCTAssertEqual(unknown.map(\.description), ["x.yaml:3: backup_policy.dayz: unknown key 'dayz'; did you mean 'days'?"])
        case .failure(let problem):
            XCTFail("\(problem)")
        }
        let wrongItem = try SettingsNode.parse(yaml: "backup_policy: {days: 1}\nnames: [a, {b: c}]\n", file: "x.yaml")
        guard case .failure(let problem) = SettingsDecoding.decode(Outer.self, from: wrongItem, at: [], root: wrongItem, file: "x.yaml")
        else { return XCTFail("decoded a mapping as text") }
        XCTAssertEqual(problem.description, "x.yaml:2: names[1]: expected text, found a mapping")
    }
}
