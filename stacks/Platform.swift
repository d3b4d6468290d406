import InfraDSL

/// The shared platform of this repository: the network every service runs in, the load
/// balancer's security group, the application's secrets, a Kubernetes cluster, the `api` and
/// `web` services on ECS Fargate, the PostgreSQL ledger and the Redis session cache.
///
/// Each of `kubernetes`, `services`, `database` and `cache` is optional in the environment file:
/// a section left out is not deployed (a network-only sandbox is a valid environment).
public struct Platform: Stack {
    public struct Settings: Decodable, Sendable {
        /// The VPC's address block; subnets are carved from it per zone and tier.
        var cidr: CIDRBlock
        var zones: AvailabilityZoneCount
        /// One NAT gateway per zone (production) or one shared (cheaper, one zone is a single point of failure).
        var natPerZone: Bool
        /// Where HTTPS to the load balancer may come from.
        var publicIngress: CIDRBlock
        var kubernetes: KubernetesSettings?
        var services: ServicesSettings?
        var database: DatabaseSize?
        var cache: CacheSize?
        /// N more small copies of the api service (`svc-001` ...): load for benchmarks, 0 elsewhere.
        var extraServices: ServiceCount?
    }

    /// The EKS cluster: version, node group, and whether its API answers on the internet.
    public struct KubernetesSettings: Decodable, Sendable {
        var version: EngineVersion
        var nodes: NodeGroupSize
        /// Off by default: the API is then reachable only from inside the VPC (VPN, bastion).
        var publicEndpoint: Bool?
    }

    /// The two Fargate services and the image tag they run.
    public struct ServicesSettings: Decodable, Sendable {
        var api: ServiceSize
        var web: ServiceSize
        /// The image tag both services run (`stable`, a release, a commit).
        var imageTag: String?
    }

    /// A number of extra services: 0 to 999 (their names have three digits).
    public struct ServiceCount: Decodable, Sendable {
        var count: Int

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            count = try container.decode(Int.self)
            guard (0...999).contains(count) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "extra_services must be 0 to 999, not \(count)")
            }
        }
    }

    public static let name = "platform"

    public init() {}

    public func resources(in env: Environment<Settings>) -> Resources {
        let settings = env.settings
        let net = Network("main", cidr: settings.cidr, zones: settings.zones, nat: settings.natPerZone ? .perZone : .shared)
        let alb = SecurityGroup("alb", vpc: net.vpc.id, description: "HTTPS from the internet to the load balancer")
        let apiKey = Secret("api_key", value: .generated(length: 40, excludePunctuation: true),
                            description: "API key the services present to each other")
        let djangoKey = Secret("django_secret_key", value: .generated(length: 50),
                               description: "Django SECRET_KEY of the web frontend")
        let taskRole = IAMRole("app_task", assumeRolePolicy: .assumedBy(service: "ecs-tasks.amazonaws.com"),
                               description: "What the application's tasks may do")

        let kubernetes = settings.kubernetes.map {
            KubernetesCluster("apps", version: $0.version, subnets: net.privateSubnets, nodeGroup: $0.nodes,
                              endpointPublicAccess: $0.publicEndpoint ?? false)
        }
        let extraCount = settings.extraServices?.count ?? 0
        let ecs = settings.services == nil && extraCount == 0 ? nil : ECSCluster("apps")
        let tag = settings.services?.imageTag ?? "stable"

        func service(_ name: String, size: ServiceSize, port: PortNumber, image: String,
                     secrets: [String: any SecretARNConvertible],
                     environment: [String: any ValueConvertible]) -> FargateService? {
            guard let ecs else { return nil }
            return FargateService(
                name, image: image, size: size, cluster: ecs.arn, subnets: net.privateSubnets, port: port,
                admit: [alb.id], secrets: secrets, environment: environment,
                log: LogConfiguration(group: "/\(env.name)/\(name)", streamPrefix: name))
        }
        func api(secrets: [String: any SecretARNConvertible] = [:],
                 environment: [String: any ValueConvertible] = [:]) -> FargateService? {
            settings.services.flatMap {
                service("api", size: $0.api, port: 8000, image: "ghcr.io/acme/api:\(tag)", secrets: secrets,
                        environment: environment)
            }
        }
        func web(secrets: [String: any SecretARNConvertible] = [:],
                 environment: [String: any ValueConvertible] = [:]) -> FargateService? {
            settings.services.flatMap {
                service("web", size: $0.web, port: 3000, image: "ghcr.io/acme/web:\(tag)", secrets: secrets,
                        environment: environment)
            }
        }
        // The services read the database's and cache's addresses, and the database and cache
        // admit the services' security groups. A service's group does not depend on its
        // environment, so a service declared without one names the group the real one has.
        let clients = [api(), web()].compactMap { $0?.securityGroup } + (kubernetes.map { [$0.nodes] } ?? [])

        let ledger = settings.database.map {
            PostgresDatabase("ledger", version: "17", size: $0, subnets: net.databaseSubnets, admit: clients,
                             databaseName: "ledger")
        }
        let sessions = settings.cache.map {
            RedisCache("sessions", size: $0, subnets: net.databaseSubnets, admit: clients)
        }

        var secrets: [String: any SecretARNConvertible] = ["API_KEY": apiKey]
        var environment: [String: any ValueConvertible] = ["ENVIRONMENT": env.name]
        if let ledger {
            secrets["DATABASE_CREDENTIALS"] = ledger.masterUserSecretARN
            environment["DATABASE_HOST"] = ledger.address
        }
        if let sessions { environment["REDIS_HOST"] = sessions.primaryEndpoint }
        var webSecrets = secrets
        webSecrets["DJANGO_SECRET_KEY"] = djangoKey
        // Benchmark load: small copies of the api without database access, on the shared cluster.
        let extras = (0..<extraCount).compactMap { i -> FargateService? in
            let digits = String(i + 1)
            let name = "svc-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
            return service(name, size: ServiceSize(cpu: 256, memory: 512, count: 1), port: 8000,
                           image: "ghcr.io/acme/api:\(tag)", secrets: ["API_KEY": apiKey],
                           environment: ["ENVIRONMENT": env.name])
        }

        return Resources {
            net
            alb
            SecurityGroupIngressRule("alb_https", group: alb.id, from: .cidr(settings.publicIngress), ports: 443,
                                     description: "HTTPS")
            SecurityGroupEgressRule("alb_out", group: alb.id, to: .cidr(.anywhere), description: "to the services")
            apiKey
            djangoKey
            taskRole
            IAMRolePolicy("app_task_secrets", role: taskRole.roleName, policy: PolicyDocument(
                .init(.allow, actions: ["secretsmanager:GetSecretValue"], resources: [apiKey.arn, djangoKey.arn])))
            kubernetes
            ecs
            api(secrets: secrets, environment: environment)
            web(secrets: webSecrets, environment: environment)
            extras
            ledger
            sessions
            Output("vpc_id", net.vpc.id)
            Output("alb_security_group_id", alb.id)
            Output("task_role_arn", taskRole.arn)
            if let kubernetes {
                Output("kubernetes_cluster_name", kubernetes.clusterName)
                Output("kubernetes_endpoint", kubernetes.endpoint)
            }
            if let ecs { Output("ecs_cluster_arn", ecs.arn) }
            if let ledger {
                Output("ledger_endpoint", ledger.endpoint)
                Output("ledger_credentials_secret_arn", ledger.masterUserSecretARN)
            }
            if let sessions { Output("sessions_primary_endpoint", sessions.primaryEndpoint) }
        }
    }
}

/// Every stack this repository deploys, by the names environment files list.
public let repositoryStacks: [any Stack.Type] = [Platform.self]
