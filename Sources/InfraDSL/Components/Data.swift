import InfraEngine

/// The size of a database, as environment files give it.
public struct DatabaseSize: Hashable, Sendable, Decodable {
    public var instanceClass: InstanceClass
    /// Allocated storage in GiB.
    public var storage: Int
    /// Storage autoscaling ceiling in GiB; nil turns autoscaling off.
    public var maxStorage: Int?
    public var multiAZ: Bool?
    public var backupRetention: TimeSpan?
    /// nil: on in production, off elsewhere. A production database is destroyed only after
    /// an apply with this set to false, as with Terraform's `deletion_protection`.
    public var deletionProtection: Bool?

    public init(
        instanceClass: InstanceClass, storage: Int, maxStorage: Int? = nil, multiAZ: Bool? = nil,
        backupRetention: TimeSpan? = nil, deletionProtection: Bool? = nil
    ) {
        self.instanceClass = instanceClass
        self.storage = storage
        self.maxStorage = maxStorage
        self.multiAZ = multiAZ
        self.backupRetention = backupRetention
        self.deletionProtection = deletionProtection
    }

    enum CodingKeys: String, CodingKey {
        case instanceClass, storage, maxStorage
        case multiAZ = "multiAz"
        case backupRetention, deletionProtection
    }
}

/// A PostgreSQL database on RDS with safe defaults: in the database subnets, reachable only
/// from the named security groups on 5432, storage encrypted, master password managed by RDS,
/// deletion protection and a final snapshot in production.
public struct PostgresDatabase: Component {
    public let name: String
    public let subnetGroup: DBSubnetGroup
    public let parameterGroup: DBParameterGroup
    public let access: GuardedGroup
    public let instance: DBInstance

    public init(
        _ name: String, version: EngineVersion, size: DatabaseSize, subnets: SubnetSet,
        admit: [Ref<SecurityGroup.ID>] = [], admitCIDRs: [CIDRBlock] = [], parameters: [String: String] = [:],
        username: String = "app_admin", databaseName: String? = nil
    ) {
        self.name = name
        subnetGroup = DBSubnetGroup(name, subnets: subnets.ids, description: "Subnets of the \(name) database")
        parameterGroup = DBParameterGroup(
            name, family: "postgres\(version.major)", parameters: parameters,
            description: "Parameters of the \(name) database")
        access = GuardedGroup(
            "\(name)_db", vpc: subnets.vpc, description: "PostgreSQL \(name): admits only its clients on 5432",
            port: .postgres, admit: admit, admitCIDRs: admitCIDRs, allowEgress: false)
        instance = DBInstance(
            name, engineVersion: version, instanceClass: size.instanceClass, allocatedStorage: size.storage,
            maxAllocatedStorage: size.maxStorage, username: username, databaseName: databaseName,
            subnetGroup: subnetGroup.groupName, parameterGroup: parameterGroup.groupName,
            securityGroups: [access.id], multiAZ: size.multiAZ ?? false,
            backupRetention: size.backupRetention ?? .days(7), deletionProtection: size.deletionProtection)
    }

    public var endpoint: Ref<Attribute.Endpoint> { instance.endpoint }
    public var address: Ref<Attribute.Host> { instance.address }
    public var port: Ref<Attribute.Port> { instance.port }
    public var masterUserSecretARN: Ref<SecretsManagerSecret.ARN> { instance.masterUserSecretARN }
    public var securityGroup: Ref<SecurityGroup.ID> { access.id }

    public var body: Resources {
        Resources {
            subnetGroup
            parameterGroup
            access
            instance
        }
    }
}

/// The size of a cache, as environment files give it.
public struct CacheSize: Hashable, Sendable, Decodable {
    public var nodeType: InstanceClass
    public var nodes: Int

    public init(nodeType: InstanceClass, nodes: Int) {
        self.nodeType = nodeType
        self.nodes = nodes
    }
}

/// Redis on ElastiCache: subnet group, a security group admitting only the named sources on
/// 6379, a replication group encrypted at rest and in transit, failover when there is a replica.
public struct RedisCache: Component {
    public let name: String
    public let subnetGroup: ElastiCacheSubnetGroup
    public let access: GuardedGroup
    public let replicationGroup: ElastiCacheReplicationGroup

    public init(
        _ name: String, version: EngineVersion = "7.1", size: CacheSize, subnets: SubnetSet,
        admit: [Ref<SecurityGroup.ID>] = [], admitCIDRs: [CIDRBlock] = []
    ) {
        self.name = name
        subnetGroup = ElastiCacheSubnetGroup(name, subnets: subnets.ids, description: "Subnets of the \(name) cache")
        access = GuardedGroup(
            "\(name)_cache", vpc: subnets.vpc, description: "Redis \(name): admits only its clients on 6379",
            port: .redis, admit: admit, admitCIDRs: admitCIDRs, allowEgress: false)
        replicationGroup = ElastiCacheReplicationGroup(
            name, description: "Redis \(name)", engineVersion: version, nodeType: size.nodeType, nodeCount: size.nodes,
            subnetGroup: subnetGroup.groupName, securityGroups: [access.id])
    }

    public var primaryEndpoint: Ref<Attribute.Host> { replicationGroup.primaryEndpointAddress }
    public var readerEndpoint: Ref<Attribute.Host> { replicationGroup.readerEndpointAddress }
    public var port: PortNumber { replicationGroup.port }
    public var securityGroup: Ref<SecurityGroup.ID> { access.id }

    public var body: Resources {
        Resources {
            subnetGroup
            access
            replicationGroup
        }
    }
}

/// Memcached on ElastiCache: subnet group, a security group admitting only the named sources
/// on 11211, and the cache cluster (TLS in transit, spread across zones when it has several nodes).
public struct MemcachedCache: Component {
    public let name: String
    public let subnetGroup: ElastiCacheSubnetGroup
    public let access: GuardedGroup
    public let cluster: ElastiCacheCluster

    public init(
        _ name: String, version: EngineVersion = "1.6.22", size: CacheSize, subnets: SubnetSet,
        admit: [Ref<SecurityGroup.ID>] = [], admitCIDRs: [CIDRBlock] = []
    ) {
        self.name = name
        subnetGroup = ElastiCacheSubnetGroup(name, subnets: subnets.ids, description: "Subnets of the \(name) cache")
        access = GuardedGroup(
            "\(name)_cache", vpc: subnets.vpc, description: "Memcached \(name): admits only its clients on 11211",
            port: .memcached, admit: admit, admitCIDRs: admitCIDRs, allowEgress: false)
        cluster = ElastiCacheCluster(
            name, engineVersion: version, nodeType: size.nodeType, nodeCount: size.nodes,
            subnetGroup: subnetGroup.groupName, securityGroups: [access.id])
    }

    public var configurationEndpoint: Ref<Attribute.Endpoint> { cluster.configurationEndpoint }
    public var securityGroup: Ref<SecurityGroup.ID> { access.id }

    public var body: Resources {
        Resources {
            subnetGroup
            access
            cluster
        }
    }
}
