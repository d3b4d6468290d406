import Examples
import Foundation
import InfraDSL
import InfraEngine
import Stacks
import XCTest

/// The repository's own platform and every example of `examples/`: every environment loads and
/// passes `infra validate` through the real binary, and the environments differ as they must.
final class ProjectsTests: XCTestCase {
    /// The repository root: three levels above this file (Tests/InfraCLITests/ProjectsTests.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Each project folder, the stack its environment files deploy and their environments.
    static let projects: [(folder: String, stack: String, environments: [String])] = [
        (".", "platform", ["dev", "prod", "scale", "staging"]),
        ("examples/CantonDEX", "cantondex", ["dev", "prod", "staging"]),
        ("examples/FinanceHub", "financehub", ["dev", "prod", "staging"]),
        ("examples/FinancialStronghold", "stronghold", ["development", "production", "staging", "testing"]),
        ("examples/SCISoliaInvest", "solia", ["dev", "prod", "staging"]),
    ]

    func load(_ folder: String, _ environment: String) throws -> LoadedEnvironment {
        let loader = ProjectLoader(
            directory: Self.root.appendingPathComponent(folder), registry: StackRegistry(repositoryStacks + exampleStacks))
        return try loader.load(environment: environment)
    }

    func configuration(_ folder: String, _ environment: String) throws -> Configuration {
        let loaded = try load(folder, environment)
        let only = try XCTUnwrap(loaded.configurations.first, "\(folder) \(environment) builds no stack")
        XCTAssertEqual(loaded.configurations.count, 1, "\(folder)/environments/\(environment).yaml deploys one stack")
        return only
    }

    func testEveryEnvironmentOfEveryProjectPassesValidateThroughTheBinary() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        for project in Self.projects {
            let directory = Self.root.appendingPathComponent(project.folder).standardizedFileURL.path
            let found = ProjectLoader(directory: URL(fileURLWithPath: directory), registry: StackRegistry([]))
                .environmentNames()
            XCTAssertEqual(found, project.environments, "the environments of \(project.folder)")
            for environment in project.environments {
                let result = try cli.run(["-chdir=\(directory)", "validate", environment])
                XCTAssertEqual(result.status, 0, "\(project.folder) \(environment): \(result.all)")
                XCTAssertTrue(result.stdout.contains("\(project.stack): "), result.all)
                XCTAssertTrue(result.stdout.contains("The configuration of \(environment) is valid"), result.all)
            }
        }
    }

    func testEachEnvironmentFileDeploysOnlyItsOwnProjectsStack() throws {
        for project in Self.projects {
            for environment in project.environments {
                let loaded = try load(project.folder, environment)
                XCTAssertEqual(loaded.header.stacks, [project.stack], "\(project.folder) \(environment)")
            }
        }
    }

    func testNoSecretIsWrittenInTheCode() throws {
        for project in Self.projects {
            for environment in project.environments {
                let config = try configuration(project.folder, environment)
                let versions = config.resources.filter { $0.type == "aws_secretsmanager_secret_version" }
                XCTAssertFalse(versions.isEmpty, "\(project.folder) \(environment) declares secrets")
                for version in versions {
                    let kind = version.attributes["value_source"]?.mapValue?["kind"]?.stringValue
                    XCTAssertTrue(
                        ["generated", "environment_variable", "file"].contains(kind ?? ""),
                        "\(project.folder) \(environment) \(version.address): value from \(kind ?? "nowhere")")
                }
            }
        }
    }

    // MARK: The shape of each environment

    /// What sets a production environment apart from a development one, read off a configuration.
    struct Shape {
        var zones: Int
        var natGateways: Int
        var multiAZ: Bool?
        var deletionProtection: Bool?
        var cacheNodes: Int?
        var databaseClass: String?

        init(_ config: Configuration) {
            let resources = config.resources
            zones = resources.filter { $0.type == "aws_subnet" && $0.attributes["tags"]?.mapValue?["Tier"]?.stringValue == "private" }
                .count
            natGateways = resources.filter { $0.type == "aws_nat_gateway" }.count
            let database = resources.first { $0.type == "aws_db_instance" }
            multiAZ = database?.attributes["multi_az"]?.boolValue
            deletionProtection = database?.attributes["deletion_protection"]?.boolValue
            databaseClass = database?.attributes["instance_class"]?.stringValue
            if let redis = resources.first(where: { $0.type == "aws_elasticache_replication_group" }) {
                cacheNodes = redis.attributes["num_cache_clusters"]?.intValue
            } else if let memcached = resources.first(where: { $0.type == "aws_elasticache_cluster" }) {
                cacheNodes = memcached.attributes["num_cache_nodes"]?.intValue
            }
        }
    }

    /// Development: two zones, one shared NAT, single-AZ, no deletion protection, one cache node.
    func assertDevelopment(_ folder: String, _ environment: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let shape = Shape(try configuration(folder, environment))
        XCTAssertEqual(shape.zones, 2, "\(folder) \(environment): zones", file: file, line: line)
        XCTAssertEqual(shape.natGateways, 1, "\(folder) \(environment): one shared NAT", file: file, line: line)
        XCTAssertEqual(shape.multiAZ, false, "\(folder) \(environment): single-AZ database", file: file, line: line)
        XCTAssertEqual(shape.deletionProtection, false, "\(folder) \(environment)", file: file, line: line)
        XCTAssertEqual(shape.cacheNodes, 1, "\(folder) \(environment): one cache node", file: file, line: line)
    }

    /// Production: three zones, a NAT per zone, Multi-AZ with deletion protection, 2+ cache nodes.
    func assertProduction(_ folder: String, _ environment: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let loaded = try load(folder, environment)
        XCTAssertTrue(loaded.isProduction, "\(folder) \(environment) is production", file: file, line: line)
        XCTAssertEqual(loaded.header.policy["fail_on"]?.stringValue, "high", "\(folder) \(environment): strict gate",
                       file: file, line: line)
        let shape = Shape(try configuration(folder, environment))
        XCTAssertEqual(shape.zones, 3, "\(folder) \(environment): zones", file: file, line: line)
        XCTAssertEqual(shape.natGateways, 3, "\(folder) \(environment): a NAT gateway per zone", file: file, line: line)
        XCTAssertEqual(shape.multiAZ, true, "\(folder) \(environment): Multi-AZ database", file: file, line: line)
        XCTAssertEqual(shape.deletionProtection, true, "\(folder) \(environment): deletion protection", file: file, line: line)
        XCTAssertGreaterThanOrEqual(shape.cacheNodes ?? 0, 2, "\(folder) \(environment): cache nodes", file: file, line: line)
    }

    func testDevelopmentAndProductionDifferAsTheyMust() throws {
        try assertDevelopment(".", "dev")
        try assertProduction(".", "prod")
        try assertDevelopment("examples/FinanceHub", "dev")
        try assertProduction("examples/FinanceHub", "prod")
        try assertDevelopment("examples/SCISoliaInvest", "dev")
        try assertProduction("examples/SCISoliaInvest", "prod")
        try assertDevelopment("examples/CantonDEX", "dev")
        try assertProduction("examples/CantonDEX", "prod")
        try assertDevelopment("examples/FinancialStronghold", "development")
        try assertDevelopment("examples/FinancialStronghold", "testing")
        try assertProduction("examples/FinancialStronghold", "production")
    }

    func testStagingSitsBetweenDevelopmentAndProduction() throws {
        for (folder, dev, staging, prod) in [
            (".", "dev", "staging", "prod"), ("examples/FinanceHub", "dev", "staging", "prod"),
            ("examples/SCISoliaInvest", "dev", "staging", "prod"), ("examples/CantonDEX", "dev", "staging", "prod"),
            ("examples/FinancialStronghold", "development", "staging", "production"),
        ] {
            let shapes = try [dev, staging, prod].map { Shape(try configuration(folder, $0)) }
            XCTAssertTrue((2...3).contains(shapes[1].zones), "\(folder) \(staging): 2-3 zones")
            XCTAssertEqual(shapes[1].natGateways, 1, "\(folder) \(staging): one shared NAT")
            XCTAssertEqual(shapes[1].deletionProtection, false, "\(folder) \(staging) is not production")
            XCTAssertNotEqual(shapes[1].databaseClass, shapes[0].databaseClass, "\(folder) \(staging): bigger than \(dev)")
            XCTAssertNotEqual(shapes[1].databaseClass, shapes[2].databaseClass, "\(folder) \(staging): smaller than \(prod)")
            XCTAssertGreaterThanOrEqual(shapes[1].cacheNodes ?? 0, shapes[0].cacheNodes ?? 0, folder)
        }
    }

    func testStrongholdRunsPostgreSQL17AndMemcached() throws {
        for environment in ["development", "testing", "staging", "production"] {
            let config = try configuration("examples/FinancialStronghold", environment)
            let database = try XCTUnwrap(config.resources.first { $0.type == "aws_db_instance" })
            XCTAssertEqual(database.attributes["engine_version"]?.stringValue, "17", environment)
            let cache = try XCTUnwrap(config.resources.first { $0.type == "aws_elasticache_cluster" })
            XCTAssertEqual(cache.attributes["engine"]?.stringValue, "memcached", environment)
        }
    }

    func testCantonDEXKeepsStagingAndProdStateInS3LockedInDynamoDB() throws {
        for environment in ["staging", "prod"] {
            guard case .s3(let settings) = try load("examples/CantonDEX", environment).header.backend else {
                return XCTFail("CantonDEX \(environment) keeps its state in S3")
            }
            XCTAssertEqual(settings.lockTable, "cantondex-infra-locks", environment)
            XCTAssertEqual(settings.lock, .dynamodb, environment)
        }
    }

    func testThePlatformRunsApiAndWebOnOneClusterReadingSecretsAndTheDatabaseAdmitsThemAndTheNodes() throws {
        let config = try configuration(".", "prod")
        XCTAssertEqual(config.resources.filter { $0.type == "aws_ecs_cluster" }.count, 1)
        XCTAssertEqual(config.resources.filter { $0.type == "aws_eks_cluster" }.count, 1)
        let services = config.resources.filter { $0.type == "aws_ecs_service" }.map(\.address.name).sorted()
        XCTAssertEqual(services, ["api", "web"])
        let api = try XCTUnwrap(config.resources.first { $0.address.description == "aws_ecs_task_definition.api" })
        let container = try XCTUnwrap(api.attributes["container_definitions"]?.listValue?.first?.mapValue)
        let secretNames = (container["secrets"]?.listValue ?? []).compactMap { $0.mapValue?["name"]?.stringValue }
        XCTAssertEqual(secretNames, ["API_KEY", "DATABASE_CREDENTIALS"])
        let admitted = config.resources.filter {
            $0.type == "aws_vpc_security_group_ingress_rule" && $0.address.name.hasPrefix("ledger_db_from_")
        }.map(\.address.name).sorted()
        XCTAssertEqual(admitted, ["ledger_db_from_api_service", "ledger_db_from_apps_nodes", "ledger_db_from_web_service"])
        let eks = try XCTUnwrap(config.resources.first { $0.type == "aws_eks_cluster" })
        XCTAssertEqual(eks.attributes["vpc_config"]?.listValue?.first?.mapValue?["endpoint_public_access"]?.boolValue, false)
    }

    func testTheScaleEnvironmentHoldsAboutAThousandResources() throws {
        let config = try configuration(".", "scale")
        XCTAssertTrue((900...1100).contains(config.resources.count), "\(config.resources.count) resources")
        let services = config.resources.filter { $0.type == "aws_ecs_service" }.map(\.address.name)
        XCTAssertTrue(services.contains("svc-001"), "\(services.prefix(5))")
        guard case .local = try load(".", "scale").header.backend else { return XCTFail("scale keeps its state locally") }
    }

    func testWithoutExtraServicesTheOtherEnvironmentsHaveOnlyApiAndWeb() throws {
        for environment in ["dev", "staging", "prod"] {
            let services = try configuration(".", environment).resources.filter { $0.type == "aws_ecs_service" }
            XCTAssertEqual(services.count, 2, environment)
        }
    }

    func testFinanceHubsDatabaseAdmitsOnlyTheBackendAndItsCacheBothServices() throws {
        let config = try configuration("examples/FinanceHub", "prod")
        func admitted(_ prefix: String) -> [String] {
            config.resources.filter { $0.type == "aws_vpc_security_group_ingress_rule" && $0.address.name.hasPrefix(prefix) }
                .map(\.address.name).sorted()
        }
        XCTAssertEqual(admitted("financehub_db_from_"), ["financehub_db_from_backend_service"])
        XCTAssertEqual(admitted("financehub_cache_from_"),
                       ["financehub_cache_from_backend_service", "financehub_cache_from_frontend_service"])
    }

    func testExtraServicesOutOfRangeAreRefusedWithTheirLine() throws {
        let loader = ProjectLoader(directory: Self.root, registry: StackRegistry(repositoryStacks))
        let yaml = """
            region: us-east-1
            backend:
              local: { path: state }
            stacks: [platform]
            platform:
              cidr: 10.10.0.0/16
              zones: 2
              nat_per_zone: false
              public_ingress: 0.0.0.0/0
              extra_services: -1
            """
        XCTAssertThrowsError(try loader.load(environment: "x", yaml: yaml, file: "environments/x.yaml")) { error in
            XCTAssertTrue("\(error)".contains("environments/x.yaml:10"), "\(error)")
            XCTAssertTrue("\(error)".contains("0 to 999"), "\(error)")
        }
        let networkOnly = try loader.load(
            environment: "x", yaml: yaml.replacingOccurrences(of: "extra_services: -1", with: "extra_services: 0"),
            file: "environments/x.yaml")
        let types = Set(try XCTUnwrap(networkOnly.configurations.first).resources.map(\.type))
        XCTAssertFalse(types.contains("aws_ecs_cluster"), "no services, no cluster")
        XCTAssertFalse(types.contains("aws_db_instance"), "a section left out is not deployed")
    }
}
