import InfraDSL
import InfraEngine
import XCTest

/// A small platform stack, written as users would write one.
struct Platform: Stack {
    struct Settings: Decodable, Sendable {
        var cidr: CIDRBlock
        var zones: AvailabilityZoneCount
        var natPerZone: Bool
        var database: DatabaseSize
        var services: [String: ServiceSize]
        var cache: CacheSize?
    }

    static let name = "platform"

    func resources(in env: Environment<Settings>) -> Resources {
        let net = Network(
            "main", cidr: env.settings.cidr, zones: env.settings.zones, nat: env.settings.natPerZone ? .perZone : .shared)
        let cluster = KubernetesCluster("apps", version: "1.31", subnets: net.privateSubnets)
        let ledger = PostgresDatabase(
            "ledger", version: "17", size: env.settings.database, subnets: net.databaseSubnets, admit: [cluster.nodes])
        let apiKey = Secret("api_key", value: .generated(length: 40))
        let ecs = ECSCluster("services")
        return Resources {
            net; cluster; ledger; apiKey; ecs
            for (name, size) in env.settings.services {
                FargateService(
                    name, image: "registry.example.com/\(name):stable", size: size, cluster: ecs.arn,
                    subnets: net.privateSubnets, port: 8000,
                    secrets: ["API_KEY": apiKey, "DATABASE_PASSWORD": ledger.masterUserSecretARN],
                    environment: ["DATABASE_HOST": ledger.address, "MODE": "production"])
            }
            if let cache = env.settings.cache {
                RedisCache("sessions", size: cache, subnets: net.databaseSubnets, admit: [cluster.nodes])
            }
            Output("ledger_endpoint", ledger.endpoint)
            Output("vpc_id", net.vpc.id)
        }
    }
}

/// Shared helpers for the DSL tests.
enum Fixture {
    static func context(_ environment: String = "prod", production: Bool = true, tags: [String: String] = [:])
        -> RenderContext
    {
        var defaults = ["Environment": environment, "Stack": "test", "ManagedBy": "infra"]
        defaults.merge(tags) { _, new in new }
        return RenderContext(
            environment: environment, stack: "test", region: "eu-west-1", isProduction: production, defaultTags: defaults)
    }

    static func build(_ context: RenderContext = context(), @ResourcesBuilder _ content: () -> [any ResourceConvertible])
        throws -> Configuration
    {
        try ConfigurationBuilder.build(Resources(content), context: context)
    }

    static func settings(zones: AvailabilityZoneCount = 3, natPerZone: Bool = true, services: [String: ServiceSize] = [:])
        -> Platform.Settings
    {
        Platform.Settings(
            cidr: "10.30.0.0/16", zones: zones, natPerZone: natPerZone,
            database: DatabaseSize(instanceClass: "db.t4g.micro", storage: 20), services: services, cache: nil)
    }
}

extension Configuration {
    func resource(_ address: String, file: StaticString = #filePath, line: UInt = #line) throws -> ResourceSpec {
        let parsed = try ResourceAddress(parsing: address)
        return try XCTUnwrap(resources.first { $0.address == parsed }, "no \(address) in the configuration", file: file, line: line)
    }

    func addresses(ofType type: String) -> [String] {
        resources.filter { $0.type == type }.map(\.address.name)
    }
}

func ref(_ address: String, _ attribute: String) throws -> Value {
    .reference(Reference(try ResourceAddress(parsing: address), attribute))
}
