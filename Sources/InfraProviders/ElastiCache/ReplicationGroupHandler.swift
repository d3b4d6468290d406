import InfraAWS
import InfraEngine

/// `aws_elasticache_replication_group` (Redis / Valkey, cluster mode off); id =
/// replication_group_id.
///
/// Reads: ONE paginated DescribeReplicationGroups for all groups, plus ONE paginated
/// DescribeCacheClusters for the member clusters (engine version, subnet group, security
/// groups live there, as Terraform reads them), plus one ListTagsForResource per group
/// (ElastiCache has no batch tag read; run concurrently, bounded).
/// A group in `deleting` reads as absent, as Terraform's provider does.
/// In place (ModifyReplicationGroup, ApplyImmediately=true since the DSL has no maintenance
/// window setting for caches): description, node type, security groups, snapshot retention,
/// failover, Multi-AZ, engine version, minor upgrades; tags via the tag API. Everything else,
/// including num_cache_clusters (needs Increase/DecreaseReplicaCount, not wired), forces a new group.
public struct ReplicationGroupHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_elasticache_replication_group"

    public var schema: ResourceSchema {
        func forceNew(_ presence: AttributeSchema.Presence, _ why: String) -> AttributeSchema {
            AttributeSchema(presence, forcesReplacement: true, replaceReason: why)
        }
        return ResourceSchema(type: type, attributes: [
            "replication_group_id": forceNew(.required, "a replication group cannot be renamed"),
            "engine": forceNew(.optionalComputed, "the engine is fixed at creation"),
            "port": forceNew(.optionalComputed, "the port is fixed at creation"),
            "subnet_group_name": forceNew(.optionalComputed, "a replication group cannot move to another subnet group"),
            "at_rest_encryption_enabled": forceNew(.optionalComputed, "encryption at rest is fixed at creation"),
            "transit_encryption_enabled": forceNew(.optionalComputed,
                                                   "infra does not migrate transit encryption in place (AWS needs a preferred-then-required sequence)"),
            "kms_key_id": forceNew(.optional, "the KMS key is fixed at creation"),
            "num_cache_clusters": forceNew(.optionalComputed,
                                           "infra does not change the replica count in place yet (Increase/DecreaseReplicaCount)"),
            "description": .required,
            "engine_version": .optionalComputed,
            "node_type": .required,
            "security_group_ids": .optionalComputed,
            "automatic_failover_enabled": .optionalComputed,
            "multi_az_enabled": .optionalComputed,
            "snapshot_retention_limit": .optionalComputed,
            "auto_minor_version_upgrade": .optionalComputed,
            "tags": .optional,
            "id": .computed,
            "arn": .computed,
            "primary_endpoint_address": .computed,
            "reader_endpoint_address": .computed,
            "member_clusters": .computed,
        ])
    }

    // MARK: Read

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        try await read(recorded: Dictionary(ids.map { ($0, [:]) }, uniquingKeysWith: { a, _ in a }), in: context)
    }

    public func read(recorded: [String: [String: InfraEngine.Value]], in context: ProviderContext) async throws
        -> [String: ObservedResource]
    {
        let groups = try await CacheReads.describe(context, ElastiCache.Operation.describeReplicationGroups,
                                                   idMember: "ReplicationGroupId", listKey: "ReplicationGroups",
                                                   ids: Array(recorded.keys))
            .filter { $0.value["Status"].string != "deleting" }
        guard !groups.isEmpty else { return [:] }
        let ids = groups.keys.sorted()
        let memberIDs = Set(groups.values.flatMap { ($0["MemberClusters"].array ?? []).compactMap(\.string) })
        let members = memberIDs.isEmpty ? [:] : try await CacheReads.describe(
            context, ElastiCache.Operation.describeCacheClusters, idMember: "CacheClusterId", listKey: "CacheClusters",
            ids: Array(memberIDs))
        let tags = try await QueryService.tags(context, .elastiCache, arns: ids.compactMap { groups[$0]?["ARN"].string })
        var result: [String: ObservedResource] = [:]
        for id in ids {
            guard let group = groups[id] else { continue }
            let member = (group["MemberClusters"].array ?? []).compactMap(\.string).lazy.compactMap { members[$0] }.first
            result[id] = observe(group, member: member, tags: tags[group["ARN"].string ?? ""] ?? .null,
                                 recorded: recorded[id] ?? [:], context)
        }
        return result
    }

    func observe(_ group: AWSDocument, member: AWSDocument?, tags: AWSDocument, recorded: Attributes,
                 _ context: ProviderContext) -> ObservedResource
    {
        let id = group["ReplicationGroupId"].string ?? ""
        let nodeGroup = group["NodeGroups"][0]
        var a: Attributes = ["id": .string(id), "replication_group_id": .string(id)]
        a.put("arn", group["ARN"].string)
        a.put("description", group["Description"].string)
        a.put("node_type", group["CacheNodeType"].string)
        a.put("engine", group["Engine"].string ?? member?["Engine"].string ?? "redis")
        a.put("at_rest_encryption_enabled", group["AtRestEncryptionEnabled"].bool ?? false)
        a.put("transit_encryption_enabled", group["TransitEncryptionEnabled"].bool ?? false)
        a.put("kms_key_id", group["KmsKeyId"].string)
        let failover = group["AutomaticFailover"].string
        a.put("automatic_failover_enabled", failover.map { $0 == "enabled" || $0 == "enabling" })
        a.put("multi_az_enabled", group["MultiAZ"].string.map { $0 == "enabled" })
        a.put("snapshot_retention_limit", group["SnapshotRetentionLimit"].int)
        a.put("primary_endpoint_address", nodeGroup["PrimaryEndpoint"]["Address"].string)
        a.put("reader_endpoint_address", nodeGroup["ReaderEndpoint"]["Address"].string)
        let memberList = (group["MemberClusters"].array ?? []).compactMap(\.string).sorted()
        a["member_clusters"] = .list(memberList.map { .string($0) })
        // moto ignores NumCacheClusters (one member, whatever was asked): only with the quirk
        // on does the recorded count stand in for the member count.
        if context.emulator.elastiCacheOmitsMemberDetails {
            a["num_cache_clusters"] = recorded["num_cache_clusters"]
        } else {
            a["num_cache_clusters"] = .int(memberList.count)
        }
        let port = nodeGroup["PrimaryEndpoint"]["Port"].int ?? group["ConfigurationEndpoint"]["Port"].int
        a["port"] = CacheReads.orRecorded(port.map { .int($0) }, "port", recorded, context)
        a["engine_version"] = CacheReads.orRecorded(
            CacheReads.version(member?["EngineVersion"].string, recorded: recorded.string("engine_version")).map { .string($0) },
            "engine_version", recorded, context)
        a["subnet_group_name"] = CacheReads.orRecorded(member?["CacheSubnetGroupName"].string.map { .string($0) },
                                                       "subnet_group_name", recorded, context)
        a["security_group_ids"] = CacheReads.orRecorded(member.flatMap { CacheReads.securityGroups($0, recorded: recorded) }, "security_group_ids",
                                                        recorded, context)
        a["auto_minor_version_upgrade"] = CacheReads.orRecorded(
            (group["AutoMinorVersionUpgrade"].bool ?? member?["AutoMinorVersionUpgrade"].bool).map { .bool($0) },
            "auto_minor_version_upgrade", recorded, context)
        a["tags"] = Tags.attribute(from: tags)
        // What the emulator leaves out and no record supplies: said, so that an object found
        // after a crash takes what its create asked for (see ObservedResource.unreported).
        let unreported: Set<String> = context.emulator.elastiCacheOmitsMemberDetails
            ? Set(["port", "engine_version", "subnet_group_name", "security_group_ids", "auto_minor_version_upgrade",
                 "num_cache_clusters"].filter { a[$0] == nil }) : []
        return ObservedResource(id: id, attributes: a, unreported: unreported)
    }

    static func describeOne(_ id: String, in context: ProviderContext) async throws -> AWSDocument? {
        try await CacheReads.describe(context, ElastiCache.Operation.describeReplicationGroups, idMember: "ReplicationGroupId",
                                      listKey: "ReplicationGroups", ids: [id])[id]
    }

    // MARK: Wait

    static func waitAvailable(_ id: String, in context: ProviderContext, progress: @escaping @Sendable (String) -> Void) async throws {
        try await QueryService.wait("replication group \(id) to become available", in: context, progress: progress,
                                    describe: { try await describeOne(id, in: context) }) { group in
            guard let group else { return .pending(status: "not listed yet") }
            let status = group["Status"].string ?? "unknown"
            switch status {
            case "available": return .done(true)
            case "create-failed", "deleting", "deleted":
                return .failed(status: status, reason: "ElastiCache reports the replication group as \(status)")
            default: return .pending(status: status)
            }
        }
    }

    // MARK: Create, update

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let id = a.string("replication_group_id") ?? ""
        var input: AWSDocument = [
            "ReplicationGroupId": .string(id),
            "ReplicationGroupDescription": .string(a.string("description") ?? "Managed by infra"),
            "Tags": Tags.list(Tags.withToken(a.stringMap("tags"), token: request.token)),
        ]
        func set(_ member: String, _ key: String) {
            if let value = a[key], value.unmarked != .null { input[member] = AWSDocument(value) }
        }
        set("Engine", "engine")
        set("EngineVersion", "engine_version")
        set("CacheNodeType", "node_type")
        set("NumCacheClusters", "num_cache_clusters")
        set("Port", "port")
        set("CacheSubnetGroupName", "subnet_group_name")
        set("SecurityGroupIds", "security_group_ids")
        set("AtRestEncryptionEnabled", "at_rest_encryption_enabled")
        set("TransitEncryptionEnabled", "transit_encryption_enabled")
        set("KmsKeyId", "kms_key_id")
        set("AutomaticFailoverEnabled", "automatic_failover_enabled")
        set("MultiAZEnabled", "multi_az_enabled")
        set("SnapshotRetentionLimit", "snapshot_retention_limit")
        set("AutoMinorVersionUpgrade", "auto_minor_version_upgrade")
        do {
            _ = try await context.client.call(.elastiCache, ElastiCache.Operation.createReplicationGroup, input)
        } catch where QueryService.isAlreadyExists(error) {
            guard let existing = try await Self.describeOne(id, in: context), let arn = existing["ARN"].string,
                  try await QueryService.arn(taggedWith: request.token, among: [arn], context, .elastiCache) != nil
            else {
                throw DataResourceError(resource: "\(request.address)", message:
                    "a replication group named \(id) already exists (or is still being deleted) and infra did not create it; "
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

    /// Terraform attribute → ModifyReplicationGroup member.
    static let modifiable: [(attribute: String, member: String)] = [
        ("description", "ReplicationGroupDescription"), ("node_type", "CacheNodeType"),
        ("security_group_ids", "SecurityGroupIds"), ("snapshot_retention_limit", "SnapshotRetentionLimit"),
        ("automatic_failover_enabled", "AutomaticFailoverEnabled"), ("multi_az_enabled", "MultiAZEnabled"),
        ("engine_version", "EngineVersion"), ("auto_minor_version_upgrade", "AutoMinorVersionUpgrade"),
    ]

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        var input: AWSDocument = ["ReplicationGroupId": .string(request.id), "ApplyImmediately": true]
        var any = false
        for (attribute, member) in Self.modifiable where request.changed.contains(attribute) {
            guard let value = a[attribute], value.unmarked != .null else { continue }
            input[member] = AWSDocument(value)
            any = true
        }
        if any {
            do {
                _ = try await context.client.call(.elastiCache, ElastiCache.Operation.modifyReplicationGroup, input)
            } catch {
                throw DataResourceError(resource: "\(request.address) (replication group \(request.id))", message:
                    "ModifyReplicationGroup failed: \(error). If this is moto 5.2.1, it does not implement "
                        + "ModifyReplicationGroup (5.2.5 does); against AWS, check the change is allowed for this group")
            }
            try await Self.waitAvailable(request.id, in: context, progress: request.progress)
        }
        if request.changed.contains("tags"), let arn = request.prior.string("arn") {
            try await QueryService.updateTags(context, .elastiCache, arn: arn, prior: request.prior, desired: a)
        }
        return try await readOne(request.id, recorded: a, in: context)
    }

    // MARK: Delete, find

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        do {
            _ = try await context.client.call(.elastiCache, ElastiCache.Operation.deleteReplicationGroup,
                                              ["ReplicationGroupId": .string(id)])
        } catch where QueryService.isNotFound(error) {
            return
        } catch let error as AWSError where error.code == "InvalidReplicationGroupState" && error.message.contains("deleting") {
            // Already being deleted: wait below.
        }
        let deletingIsGone = context.emulator.deletingCountsAsGone
        try await QueryService.wait("replication group \(id) to be deleted", in: context, progress: { _ in },
                                    describe: { try await Self.describeOne(id, in: context) }) { group in
            guard let group else { return .done(true) }
            let status = group["Status"].string ?? "deleting"
            // moto keeps deleted groups `deleting` forever; only with the emulator switch on is
            // that gone (see EmulatorQuirks). Against AWS the wait ends at NotFound.
            if status == "deleting", deletingIsGone { return .done(true) }
            return .pending(status: status)
        }
    }

    /// Lists all groups and their tags (crash recovery only).
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        let output = try await context.client.paginate(.elastiCache, ElastiCache.Operation.describeReplicationGroups, [:])
        let groups = (output["ReplicationGroups"].array ?? []).filter { $0["Status"].string != "deleting" }
        guard let arn = try await QueryService.arn(taggedWith: token, among: groups.compactMap { $0["ARN"].string }, context, .elastiCache),
              let id = groups.first(where: { $0["ARN"].string == arn })?["ReplicationGroupId"].string
        else { return nil }
        try await Self.waitAvailable(id, in: context, progress: { _ in })
        return try await read(ids: [id], in: context)[id]
    }
}
