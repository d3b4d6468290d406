import InfraDSL

/// CantonDEX: what its Terraform modules `vpc`, `eks`, `rds`, `redis` and `vault` held, as one
/// stack: the network, the EKS cluster running the Canton participant and the exchange's
/// services, PostgreSQL for the participant's ledger, Redis for the order book cache, and the
/// secrets (the `vault` module) in Secrets Manager.
public struct CantonDEX: Stack {
    public struct Settings: Decodable, Sendable {
        var vpc: VPCSettings
        var eks: EKSSettings
        var rds: DatabaseSize
        var redis: CacheSize
    }

    /// The `vpc` module's inputs.
    public struct VPCSettings: Decodable, Sendable {
        var cidr: CIDRBlock
        var zones: AvailabilityZoneCount
        var nat: NATMode
    }

    /// The `eks` module's inputs.
    public struct EKSSettings: Decodable, Sendable {
        var version: EngineVersion
        var nodes: NodeGroupSize
        /// Off unless set: the API then answers only inside the VPC.
        var publicEndpoint: Bool?
    }

    public static let name = "cantondex"

    public init() {}

    public func resources(in env: Environment<Settings>) -> Resources {
        let s = env.settings
        let vpc = Network("cantondex", cidr: s.vpc.cidr, zones: s.vpc.zones, nat: s.vpc.nat)
        let eks = KubernetesCluster(
            "cantondex", version: s.eks.version, subnets: vpc.privateSubnets, nodeGroup: s.eks.nodes,
            endpointPublicAccess: s.eks.publicEndpoint ?? false)
        let rds = PostgresDatabase(
            "canton", version: "16", size: s.rds, subnets: vpc.databaseSubnets, admit: [eks.nodes],
            parameters: ["max_connections": "400"], databaseName: "participant")
        let redis = RedisCache("orderbook", size: s.redis, subnets: vpc.databaseSubnets, admit: [eks.nodes])
        // The `vault` module: every secret generated at apply, none ever written in the code.
        let participantAdminToken = Secret(
            "participant_admin_token", value: .generated(length: 48, excludePunctuation: true),
            description: "Admin API token of the Canton participant")
        let ledgerAPIKey = Secret("ledger_api_key", value: .generated(length: 40, excludePunctuation: true),
                                  description: "Key the exchange's services present to the Ledger API")
        let matchingEngineKey = Secret("matching_engine_signing_key", value: .generated(length: 64),
                                       description: "Signs the matching engine's trade confirmations")

        return Resources {
            vpc
            eks
            rds
            redis
            participantAdminToken
            ledgerAPIKey
            matchingEngineKey
            Output("vpc_id", vpc.vpc.id)
            Output("private_subnet_ids", vpc.privateSubnets)
            Output("eks_cluster_name", eks.clusterName)
            Output("eks_endpoint", eks.endpoint)
            Output("rds_endpoint", rds.endpoint)
            Output("rds_credentials_secret_arn", rds.masterUserSecretARN)
            Output("redis_primary_endpoint", redis.primaryEndpoint)
        }
    }
}
