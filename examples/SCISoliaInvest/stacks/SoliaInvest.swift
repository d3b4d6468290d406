import InfraDSL

/// SCI Solia Invest: the investment platform's workloads on an EKS cluster with a managed node
/// group, a PostgreSQL database (Multi-AZ outside dev), Redis, and its secrets in Secrets Manager.
public struct SoliaInvest: Stack {
    public struct Settings: Decodable, Sendable {
        var cidr: CIDRBlock
        var zones: AvailabilityZoneCount
        var natPerZone: Bool
        var kubernetes: KubernetesSettings
        var database: DatabaseSize
        var cache: CacheSize
    }

    /// The EKS cluster: version, its node group, and whether its API answers on the internet.
    public struct KubernetesSettings: Decodable, Sendable {
        var version: EngineVersion
        var nodes: NodeGroupSize
        /// Off unless set: the API then answers only inside the VPC.
        var publicEndpoint: Bool?
    }

    public static let name = "solia"

    public init() {}

    public func resources(in env: Environment<Settings>) -> Resources {
        let s = env.settings
        let net = Network("solia", cidr: s.cidr, zones: s.zones, nat: s.natPerZone ? .perZone : .shared)
        let cluster = KubernetesCluster(
            "solia", version: s.kubernetes.version, subnets: net.privateSubnets, nodeGroup: s.kubernetes.nodes,
            endpointPublicAccess: s.kubernetes.publicEndpoint ?? false)
        let database = PostgresDatabase(
            "solia", version: "16", size: s.database, subnets: net.databaseSubnets, admit: [cluster.nodes],
            parameters: ["log_min_duration_statement": "500"], databaseName: "solia")
        let cache = RedisCache("solia", size: s.cache, subnets: net.databaseSubnets, admit: [cluster.nodes])
        let appKey = Secret("app_secret_key", value: .generated(length: 50), description: "The web application's signing key")
        let jwtKey = Secret("jwt_signing_key", value: .generated(length: 64, excludePunctuation: true),
                            description: "Signs the investor portal's access tokens")

        return Resources {
            net
            cluster
            database
            cache
            appKey
            jwtKey
            Output("vpc_id", net.vpc.id)
            Output("cluster_name", cluster.clusterName)
            Output("cluster_endpoint", cluster.endpoint)
            Output("database_endpoint", database.endpoint)
            Output("database_credentials_secret_arn", database.masterUserSecretARN)
            Output("redis_primary_endpoint", cache.primaryEndpoint)
            Output("app_secret_key_arn", appKey.arn)
            Output("jwt_signing_key_arn", jwtKey.arn)
        }
    }
}
