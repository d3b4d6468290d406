import InfraEngine

/// `aws_elasticache_subnet_group`.
public struct ElastiCacheSubnetGroup: Resource {
    public enum Name {}
    public static let terraformType = "aws_elasticache_subnet_group"
    public let name: String
    public var subnets: [Ref<Subnet.ID>]
    public var description: String
    public var options = ResourceOptions()

    public init(_ name: String, subnets: [Ref<Subnet.ID>], description: String) {
        self.name = name
        self.subnets = subnets
        self.description = description
    }

    public var groupName: Ref<Name> { ref("name") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("name", context.physicalName(name).lowercased())
        a.set("description", description)
        a.set("subnet_ids", subnets)
        a.require(!subnets.isEmpty, "subnet_ids", "a cache subnet group needs at least one subnet")
    }
}

/// ElastiCache identifiers: lower case, a letter first, at most `limit` characters.
func checkCacheIdentifier(_ id: String, limit: Int, _ key: String, _ a: inout AttributeWriter) {
    a.require(
        id.count <= limit && id.first?.isLetter == true && !id.contains("--") && !id.hasSuffix("-"), key,
        "'\(id)' is not a valid ElastiCache id (a letter first, at most \(limit) characters, no '--'); use a shorter name")
}

/// `aws_elasticache_replication_group` running Redis (or Valkey).
public struct ElastiCacheReplicationGroup: Resource {
    public static let terraformType = "aws_elasticache_replication_group"
    public let name: String
    public var description: String
    public var engine: String
    public var engineVersion: EngineVersion
    public var nodeType: InstanceClass
    public var nodeCount: Int
    public var port: PortNumber
    public var subnetGroup: Ref<ElastiCacheSubnetGroup.Name>
    public var securityGroups: [Ref<SecurityGroup.ID>]
    public var snapshotRetention: TimeSpan
    public var kmsKey: ARN?
    public var options = ResourceOptions()

    public init(
        _ name: String, description: String, engine: String = "redis", engineVersion: EngineVersion = "7.1",
        nodeType: InstanceClass, nodeCount: Int, port: PortNumber = .redis,
        subnetGroup: Ref<ElastiCacheSubnetGroup.Name>, securityGroups: [Ref<SecurityGroup.ID>],
        snapshotRetention: TimeSpan = .days(1), kmsKey: ARN? = nil
    ) {
        self.name = name
        self.description = description
        self.engine = engine
        self.engineVersion = engineVersion
        self.nodeType = nodeType
        self.nodeCount = nodeCount
        self.port = port
        self.subnetGroup = subnetGroup
        self.securityGroups = securityGroups
        self.snapshotRetention = snapshotRetention
        self.kmsKey = kmsKey
    }

    public var primaryEndpointAddress: Ref<Attribute.Host> { ref("primary_endpoint_address") }
    public var readerEndpointAddress: Ref<Attribute.Host> { ref("reader_endpoint_address") }
    public var arn: Ref<ARN> { ref("arn") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        let id = context.physicalName(name).lowercased()
        a.set("replication_group_id", id)
        checkCacheIdentifier(id, limit: 40, "replication_group_id", &a)
        a.set("description", description)
        a.set("engine", engine)
        a.set("engine_version", engineVersion)
        a.set("node_type", nodeType.requiring(.elastiCache, for: "ElastiCache"))
        a.set("num_cache_clusters", nodeCount)
        a.require((1...6).contains(nodeCount), "num_cache_clusters", "must be 1 to 6 (a primary and up to 5 replicas)")
        a.set("port", port)
        a.set("subnet_group_name", subnetGroup)
        a.set("security_group_ids", securityGroups)
        a.set("at_rest_encryption_enabled", true)
        a.set("transit_encryption_enabled", true)
        a.set("kms_key_id", kmsKey)
        // Failover needs a replica to fail over to.
        a.set("automatic_failover_enabled", nodeCount > 1)
        a.set("multi_az_enabled", nodeCount > 1)
        a.set("snapshot_retention_limit", snapshotRetention.days)
        if let problem = snapshotRetention.problem { a.report("snapshot_retention_limit", problem) }
        a.set("auto_minor_version_upgrade", true)
    }
}

/// `aws_elasticache_cluster` running Memcached.
public struct ElastiCacheCluster: Resource {
    public static let terraformType = "aws_elasticache_cluster"
    public let name: String
    public var engineVersion: EngineVersion
    public var nodeType: InstanceClass
    public var nodeCount: Int
    public var port: PortNumber
    public var subnetGroup: Ref<ElastiCacheSubnetGroup.Name>
    public var securityGroups: [Ref<SecurityGroup.ID>]
    /// TLS between clients and nodes (Memcached 1.6.12 and later); it can only be set at creation.
    public var transitEncryption: Bool
    public var options = ResourceOptions()

    public init(
        _ name: String, engineVersion: EngineVersion = "1.6.22", nodeType: InstanceClass, nodeCount: Int,
        port: PortNumber = .memcached, subnetGroup: Ref<ElastiCacheSubnetGroup.Name>, securityGroups: [Ref<SecurityGroup.ID>],
        transitEncryption: Bool = true
    ) {
        self.name = name
        self.engineVersion = engineVersion
        self.nodeType = nodeType
        self.nodeCount = nodeCount
        self.port = port
        self.subnetGroup = subnetGroup
        self.securityGroups = securityGroups
        self.transitEncryption = transitEncryption
    }

    public var configurationEndpoint: Ref<Attribute.Endpoint> { ref("configuration_endpoint") }
    public var clusterAddress: Ref<Attribute.Host> { ref("cluster_address") }
    public var arn: Ref<ARN> { ref("arn") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        let id = context.physicalName(name).lowercased()
        a.set("cluster_id", id)
        checkCacheIdentifier(id, limit: 50, "cluster_id", &a)
        a.set("engine", "memcached")
        a.set("engine_version", engineVersion)
        a.set("node_type", nodeType.requiring(.elastiCache, for: "ElastiCache"))
        a.set("num_cache_nodes", nodeCount)
        a.require((1...40).contains(nodeCount), "num_cache_nodes", "must be 1 to 40")
        a.set("az_mode", nodeCount > 1 ? "cross-az" : "single-az")
        a.set("port", port)
        a.set("subnet_group_name", subnetGroup)
        a.set("security_group_ids", securityGroups)
        a.set("transit_encryption_enabled", transitEncryption)
    }
}
