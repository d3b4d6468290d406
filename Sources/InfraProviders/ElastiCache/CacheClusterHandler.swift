import InfraAWS
import InfraEngine

/// `aws_elasticache_cluster` running Memcached; id = cluster_id.
///
/// Reads: ONE paginated DescribeCacheClusters for all clusters plus one ListTagsForResource
/// per cluster (no batch tag read; concurrent, bounded). A cluster in `deleting` reads as
/// absent. In place via ModifyCacheCluster (ApplyImmediately=true): num_cache_nodes (nodes
/// removed from the end), node_type, security groups, engine version. Tags via the tag API.
public struct CacheClusterHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_elasticache_cluster"

    public var schema: ResourceSchema {
        func forceNew(_ presence: AttributeSchema.Presence, _ why: String) -> AttributeSchema {
            AttributeSchema(presence, forcesReplacement: true, replaceReason: why)
        }
        return ResourceSchema(type: type, attributes: [
            "cluster_id": forceNew(.required, "a cache cluster cannot be renamed"),
            "engine": forceNew(.required, "the engine is fixed at creation"),
            "port": forceNew(.optionalComputed, "the port is fixed at creation"),
            "subnet_group_name": forceNew(.optionalComputed, "a cluster cannot move to another subnet group"),
            "az_mode": forceNew(.optionalComputed, "infra does not move nodes between zones in place"),
            "transit_encryption_enabled": forceNew(.optionalComputed, "encryption in transit is chosen at creation"),
            "engine_version": .optionalComputed,
            "node_type": .required,
            "num_cache_nodes": .required,
            "security_group_ids": .optionalComputed,
            "tags": .optional,
            "id": .computed,
            "arn": .computed,
            "configuration_endpoint": .computed,
            "cluster_address": .computed,
        ])
    }

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        try await read(recorded: Dictionary(ids.map { ($0, [:]) }, uniquingKeysWith: { a, _ in a }), in: context)
    }

    public func read(recorded: [String: [String: InfraEngine.Value]], in context: ProviderContext) async throws
        -> [String: ObservedResource]
    {
        let clusters = try await CacheReads.describe(context, ElastiCache.Operation.describeCacheClusters, idMember: "CacheClusterId",
                                                     listKey: "CacheClusters", ids: Array(recorded.keys))
            .filter { $0.value["CacheClusterStatus"].string != "deleting" }
        let ids = clusters.keys.sorted()
        let tags = try await QueryService.tags(context, .elastiCache, arns: ids.compactMap { clusters[$0]?["ARN"].string })
        var result: [String: ObservedResource] = [:]
        for id in ids {
            guard let cluster = clusters[id] else { continue }
            result[id] = observe(cluster, tags: tags[cluster["ARN"].string ?? ""] ?? .null, recorded: recorded[id] ?? [:], context)
        }
        return result
    }

    func observe(_ c: AWSDocument, tags: AWSDocument, recorded: Attributes, _ context: ProviderContext) -> ObservedResource {
        let id = c["CacheClusterId"].string ?? ""
        var a: Attributes = ["id": .string(id), "cluster_id": .string(id)]
        a.put("arn", c["ARN"].string)
        a.put("engine", c["Engine"].string)
        a.put("engine_version", CacheReads.version(c["EngineVersion"].string, recorded: recorded.string("engine_version")))
        a.put("node_type", c["CacheNodeType"].string)
        a.put("num_cache_nodes", c["NumCacheNodes"].int)
        let endpoint = c["ConfigurationEndpoint"]
        if let address = endpoint["Address"].string {
            let port = endpoint["Port"].int ?? 11211
            a["cluster_address"] = .string(address)
            a["configuration_endpoint"] = .string("\(address):\(port)")
        }
        a["port"] = CacheReads.orRecorded(endpoint["Port"].int.map { .int($0) }, "port", recorded, context)
        a["subnet_group_name"] = CacheReads.orRecorded(c["CacheSubnetGroupName"].string.map { .string($0) }, "subnet_group_name",
                                                       recorded, context)
        a["security_group_ids"] = CacheReads.orRecorded(CacheReads.securityGroups(c, recorded: recorded), "security_group_ids", recorded, context)
        // AWS reports "Multiple" as the preferred zone of a cluster spread across zones.
        let zone = c["PreferredAvailabilityZone"].string
        a["az_mode"] = CacheReads.orRecorded(zone.map { .string($0 == "Multiple" ? "cross-az" : "single-az") }, "az_mode",
                                             recorded, context)
        a["transit_encryption_enabled"] = CacheReads.orRecorded(
            c["TransitEncryptionEnabled"].bool.map { .bool($0) }, "transit_encryption_enabled", recorded, context)
        a["tags"] = Tags.attribute(from: tags)
        // What the emulator leaves out and no record supplies: said, so that an object found
        // after a crash takes what its create asked for (see ObservedResource.unreported).
        let unreported: Set<String> = context.emulator.elastiCacheOmitsMemberDetails
            ? Set(["port", "subnet_group_name", "security_group_ids", "az_mode", "transit_encryption_enabled"].filter { a[$0] == nil }) : []
        return ObservedResource(id: id, attributes: a, unreported: unreported)
    }

    static func describeOne(_ id: String, in context: ProviderContext) async throws -> AWSDocument? {
        try await CacheReads.describe(context, ElastiCache.Operation.describeCacheClusters, idMember: "CacheClusterId",
                                      listKey: "CacheClusters", ids: [id])[id]
    }

    static func waitAvailable(_ id: String, in context: ProviderContext, progress: @escaping @Sendable (String) -> Void) async throws {
        try await QueryService.wait("cache cluster \(id) to become available", in: context, progress: progress,
                                    describe: { try await describeOne(id, in: context) }) { cluster in
            guard let cluster else { return .pending(status: "not listed yet") }
            let status = cluster["CacheClusterStatus"].string ?? "unknown"
            switch status {
            case "available": return .done(true)
            case "create-failed", "incompatible-network", "restore-failed", "deleting", "deleted":
                return .failed(status: status, reason: "ElastiCache reports the cluster as \(status)")
            default: return .pending(status: status)
            }
        }
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let id = a.string("cluster_id") ?? ""
        var input: AWSDocument = [
            "CacheClusterId": .string(id),
            "Tags": Tags.list(Tags.withToken(a.stringMap("tags"), token: request.token)),
        ]
        func set(_ member: String, _ key: String) {
            if let value = a[key], value.unmarked != .null { input[member] = AWSDocument(value) }
        }
        set("Engine", "engine")
        set("EngineVersion", "engine_version")
        set("CacheNodeType", "node_type")
        set("NumCacheNodes", "num_cache_nodes")
        set("AZMode", "az_mode")
        set("Port", "port")
        set("CacheSubnetGroupName", "subnet_group_name")
        set("SecurityGroupIds", "security_group_ids")
        set("TransitEncryptionEnabled", "transit_encryption_enabled")
        do {
            _ = try await context.client.call(.elastiCache, ElastiCache.Operation.createCacheCluster, input)
        } catch where QueryService.isAlreadyExists(error) {
            guard let existing = try await Self.describeOne(id, in: context), let arn = existing["ARN"].string,
                  try await QueryService.arn(taggedWith: request.token, among: [arn], context, .elastiCache) != nil
            else {
                throw DataResourceError(resource: "\(request.address)", message:
                    "a cache cluster named \(id) already exists (or is still being deleted) and infra did not create it; "
                        + "import it or choose another name")
            }
        }
        do {
            try await Self.waitAvailable(id, in: context, progress: request.progress)
        } catch let error as WaitError {
            throw ResourceNotReadyError(object: try await readOne(id, recorded: a, in: context), reason: error.description)
        }
        return try await readOne(id, recorded: a, in: context)
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        var input: AWSDocument = ["CacheClusterId": .string(request.id), "ApplyImmediately": true]
        var any = false
        for (attribute, member) in [("node_type", "CacheNodeType"), ("security_group_ids", "SecurityGroupIds"),
                                    ("engine_version", "EngineVersion"), ("num_cache_nodes", "NumCacheNodes")]
        where request.changed.contains(attribute) {
            guard let value = a[attribute], value.unmarked != .null else { continue }
            input[member] = AWSDocument(value)
            any = true
        }
        if request.changed.contains("num_cache_nodes"), let old = request.prior.int("num_cache_nodes"),
           let new = a.int("num_cache_nodes"), new < old
        {
            // Node ids are 0001, 0002, ...: shrinking removes the newest.
            input["CacheNodeIdsToRemove"] = .list(((new + 1)...old).map { .string(Self.nodeID($0)) })
        }
        if any {
            do {
                _ = try await context.client.call(.elastiCache, ElastiCache.Operation.modifyCacheCluster, input)
            } catch {
                throw DataResourceError(resource: "\(request.address) (cache cluster \(request.id))", message:
                    "ModifyCacheCluster failed: \(error). moto 5.2.1 does not implement ModifyCacheCluster; "
                        + "against AWS, check the change is allowed for this cluster")
            }
            try await Self.waitAvailable(request.id, in: context, progress: request.progress)
        }
        if request.changed.contains("tags"), let arn = request.prior.string("arn") {
            try await QueryService.updateTags(context, .elastiCache, arn: arn, prior: request.prior, desired: a)
        }
        return try await readOne(request.id, recorded: a, in: context)
    }

    static func nodeID(_ n: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        do {
            _ = try await context.client.call(.elastiCache, ElastiCache.Operation.deleteCacheCluster, ["CacheClusterId": .string(id)])
        } catch where QueryService.isNotFound(error) {
            return
        } catch let error as AWSError where error.code == "InvalidCacheClusterState" && error.message.contains("deleting") {
            // Already being deleted: wait below.
        }
        let deletingIsGone = context.emulator.deletingCountsAsGone
        try await QueryService.wait("cache cluster \(id) to be deleted", in: context, progress: { _ in },
                                    describe: { try await Self.describeOne(id, in: context) }) { cluster in
            guard let cluster else { return .done(true) }
            let status = cluster["CacheClusterStatus"].string ?? "deleting"
            if status == "deleting", deletingIsGone { return .done(true) }  // moto: see EmulatorQuirks
            return .pending(status: status)
        }
    }

    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        let output = try await context.client.paginate(.elastiCache, ElastiCache.Operation.describeCacheClusters, [:])
        let clusters = (output["CacheClusters"].array ?? []).filter { $0["CacheClusterStatus"].string != "deleting" }
        guard let arn = try await QueryService.arn(taggedWith: token, among: clusters.compactMap { $0["ARN"].string }, context, .elastiCache),
              let id = clusters.first(where: { $0["ARN"].string == arn })?["CacheClusterId"].string
        else { return nil }
        try await Self.waitAvailable(id, in: context, progress: { _ in })
        return try await read(ids: [id], in: context)[id]
    }
}
