import InfraDSL

/// Financial Stronghold: a Django application built for several CPU architectures, on
/// PostgreSQL 17 (RDS) with Memcached (ElastiCache), and its secrets: the PostgreSQL password
/// (managed by RDS in Secrets Manager), the Django secret key and the RabbitMQ password.
///
/// The application hosts join the `app` security group, which the database and the cache admit.
public struct FinancialStronghold: Stack {
    public struct Settings: Decodable, Sendable {
        var cidr: CIDRBlock
        var zones: AvailabilityZoneCount
        var natPerZone: Bool
        var database: DatabaseSize
        var memcached: CacheSize
    }

    public static let name = "stronghold"

    public init() {}

    public func resources(in env: Environment<Settings>) -> Resources {
        let s = env.settings
        let net = Network("stronghold", cidr: s.cidr, zones: s.zones, nat: s.natPerZone ? .perZone : .shared)
        let app = SecurityGroup("stronghold_app", vpc: net.vpc.id, description: "Django application hosts")
        let database = PostgresDatabase(
            "stronghold", version: "17", size: s.database, subnets: net.databaseSubnets, admit: [app.id],
            parameters: ["rds.force_ssl": "1"], username: "stronghold", databaseName: "stronghold")
        let memcached = MemcachedCache("stronghold", size: s.memcached, subnets: net.databaseSubnets, admit: [app.id])
        let djangoKey = Secret("django_secret_key", value: .generated(length: 50), description: "Django SECRET_KEY")
        let rabbitPassword = Secret("rabbitmq_password", value: .generated(length: 32, excludePunctuation: true),
                                    description: "Password of the Celery broker's RabbitMQ user")

        return Resources {
            net
            app
            SecurityGroupEgressRule("stronghold_app_out", group: app.id, to: .cidr(.anywhere), description: "all outbound")
            database
            memcached
            djangoKey
            rabbitPassword
            Output("vpc_id", net.vpc.id)
            Output("app_security_group_id", app.id)
            Output("private_subnet_ids", net.privateSubnets)
            Output("database_endpoint", database.endpoint)
            Output("postgres_password_secret_arn", database.masterUserSecretARN)
            Output("memcached_endpoint", memcached.configurationEndpoint)
            Output("django_secret_key_arn", djangoKey.arn)
            Output("rabbitmq_password_arn", rabbitPassword.arn)
        }
    }
}
