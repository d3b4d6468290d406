import InfraDSL

/// FinanceHub: a Django backend and a web frontend on ECS Fargate behind a load balancer, a
/// PostgreSQL database, Redis for sessions and task queues, and the application's secrets.
public struct FinanceHub: Stack {
    public struct Settings: Decodable, Sendable {
        var cidr: CIDRBlock
        var zones: AvailabilityZoneCount
        var natPerZone: Bool
        /// Where HTTPS to the load balancer may come from.
        var publicIngress: CIDRBlock
        /// The image tag both services run.
        var release: String
        var backend: ServiceSize
        var frontend: ServiceSize
        var database: DatabaseSize
        var cache: CacheSize
    }

    public static let name = "financehub"

    public init() {}

    public func resources(in env: Environment<Settings>) -> Resources {
        let s = env.settings
        let net = Network("financehub", cidr: s.cidr, zones: s.zones, nat: s.natPerZone ? .perZone : .shared)
        let alb = SecurityGroup("financehub_alb", vpc: net.vpc.id, description: "HTTPS from the internet to the ALB")
        let cluster = ECSCluster("financehub")

        let djangoKey = Secret("django_secret_key", value: .generated(length: 50), description: "Django SECRET_KEY")
        let internalKey = Secret("internal_api_key", value: .generated(length: 40, excludePunctuation: true),
                                 description: "Key the frontend presents to the backend's API")
        // A partner's key cannot be generated: it is read at apply from the deployer's environment.
        let paymentsKey = Secret("payments_api_key", value: .environmentVariable("FINANCEHUB_PAYMENTS_API_KEY"),
                                 description: "API key of the payment provider")

        func service(_ name: String, size: ServiceSize, port: PortNumber,
                     secrets: [String: any SecretARNConvertible], environment: [String: any ValueConvertible])
            -> FargateService
        {
            FargateService(
                name, image: "ghcr.io/financehub/\(name):\(s.release)", size: size, cluster: cluster.arn,
                subnets: net.privateSubnets, port: port, admit: [alb.id], secrets: secrets, environment: environment,
                log: LogConfiguration(group: "/financehub/\(env.name)/\(name)", streamPrefix: name))
        }
        func backend(secrets: [String: any SecretARNConvertible] = [:],
                     environment: [String: any ValueConvertible] = [:]) -> FargateService {
            service("backend", size: s.backend, port: 8000, secrets: secrets, environment: environment)
        }
        func frontend(secrets: [String: any SecretARNConvertible] = [:],
                      environment: [String: any ValueConvertible] = [:]) -> FargateService {
            service("frontend", size: s.frontend, port: 3000, secrets: secrets, environment: environment)
        }
        // The database and cache admit the services' security groups while the services read
        // their addresses: a service's group does not depend on its environment, so a service
        // declared without one names the group the real one has.
        let backendGroup = backend().securityGroup
        let frontendGroup = frontend().securityGroup

        let database = PostgresDatabase("financehub", version: "16", size: s.database, subnets: net.databaseSubnets,
                                        admit: [backendGroup], databaseName: "financehub")
        let redis = RedisCache("financehub", size: s.cache, subnets: net.databaseSubnets,
                               admit: [backendGroup, frontendGroup])

        let backendService = backend(
            secrets: [
                "DJANGO_SECRET_KEY": djangoKey, "INTERNAL_API_KEY": internalKey, "PAYMENTS_API_KEY": paymentsKey,
                // username and password, managed and rotated by RDS
                "DATABASE_CREDENTIALS": database.masterUserSecretARN,
            ],
            environment: [
                "DJANGO_SETTINGS_MODULE": "financehub.settings.\(env.name)", "DATABASE_HOST": database.address,
                "DATABASE_NAME": "financehub", "REDIS_HOST": redis.primaryEndpoint,
            ])
        let frontendService = frontend(
            secrets: ["INTERNAL_API_KEY": internalKey],
            environment: ["API_BASE_PATH": "/api", "REDIS_HOST": redis.primaryEndpoint])

        return Resources {
            net
            alb
            SecurityGroupIngressRule("financehub_alb_https", group: alb.id, from: .cidr(s.publicIngress), ports: 443,
                                     description: "HTTPS")
            SecurityGroupEgressRule("financehub_alb_out", group: alb.id, to: .cidr(.anywhere),
                                    description: "to the services")
            cluster
            djangoKey
            internalKey
            paymentsKey
            backendService
            frontendService
            database
            redis
            Output("vpc_id", net.vpc.id)
            Output("alb_security_group_id", alb.id)
            Output("public_subnet_ids", net.publicSubnets)
            Output("ecs_cluster_arn", cluster.arn)
            Output("database_endpoint", database.endpoint)
            Output("database_credentials_secret_arn", database.masterUserSecretARN)
            Output("redis_primary_endpoint", redis.primaryEndpoint)
        }
    }
}
