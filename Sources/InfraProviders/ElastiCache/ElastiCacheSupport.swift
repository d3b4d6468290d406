import InfraAWS
import InfraEngine

/// Reads shared by the ElastiCache handlers.
enum CacheReads {
    /// The objects named `ids`: one call by id for a single id (NotFound → none), otherwise one
    /// paginated list of all, filtered locally (these Describe calls take one id, no filter).
    static func describe(_ context: ProviderContext, _ operation: String, idMember: String, listKey: String,
                         ids: [String], extra: AWSDocument = [:]) async throws -> [String: AWSDocument]
    {
        let wanted = Set(ids)
        guard !wanted.isEmpty else { return [:] }
        var input = extra
        if wanted.count == 1, let only = wanted.first { input[idMember] = .string(only) }
        let output: AWSDocument
        do {
            output = try await context.client.paginate(.elastiCache, operation, input)
        } catch where QueryService.isNotFound(error) {
            return [:]
        }
        var result: [String: AWSDocument] = [:]
        for item in output[listKey].array ?? [] {
            guard let id = item[idMember].string, wanted.contains(id) else { continue }
            result[id] = item
        }
        return result
    }

    /// With the emulator quirk on, `recorded[key]` when AWS's answer lacks it; otherwise AWS's.
    static func orRecorded(_ value: InfraEngine.Value?, _ key: String, _ recorded: Attributes, _ context: ProviderContext)
        -> InfraEngine.Value?
    {
        if let value { return value }
        return context.emulator.elastiCacheOmitsMemberDetails ? recorded[key] : nil
    }

    /// AWS reports the full version ("7.1.0") where the code may give a prefix ("7.1"): the
    /// recorded form is kept when it is a prefix of the actual one.
    static func version(_ actual: String?, recorded: String?) -> String? {
        guard let actual else { return nil }
        if let recorded, actual == recorded || actual.hasPrefix(recorded + ".") { return recorded }
        return actual
    }

    static func securityGroups(_ cluster: AWSDocument, recorded: Attributes) -> InfraEngine.Value? {
        guard let groups = cluster["SecurityGroups"].array, !groups.isEmpty else { return nil }
        return QueryService.idList(groups.compactMap { $0["SecurityGroupId"].string }, recorded: recorded["security_group_ids"])
    }
}

/// `aws_elasticache_subnet_group`: id = name. Subnets and description change in place.
public struct CacheSubnetGroupHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_elasticache_subnet_group"
    public let schema = ResourceSchema(type: "aws_elasticache_subnet_group", attributes: [
        "name": AttributeSchema(.required, forcesReplacement: true, replaceReason: "ElastiCache cannot rename a subnet group"),
        "description": .optional,
        "subnet_ids": .required,
        "tags": .optional,
        "id": .computed,
        "arn": .computed,
        "vpc_id": .computed,
    ])

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        try await read(recorded: Dictionary(ids.map { ($0, [:]) }, uniquingKeysWith: { a, _ in a }), in: context)
    }

    public func read(recorded: [String: [String: InfraEngine.Value]], in context: ProviderContext) async throws
        -> [String: ObservedResource]
    {
        let groups = try await CacheReads.describe(context, ElastiCache.Operation.describeCacheSubnetGroups,
                                                    idMember: "CacheSubnetGroupName", listKey: "CacheSubnetGroups",
                                                    ids: Array(recorded.keys))
        return try await SubnetGroupAPI.elastiCache.observe(groups, recorded: recorded, in: context)
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let created = try await SubnetGroupAPI.elastiCache.create(request, in: context) {
            try await find(token: request.token, in: context)
        }
        if let found = created.found { return found }
        return try await readOne(created.name, recorded: request.attributes, in: context)
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        try await SubnetGroupAPI.elastiCache.update(request, in: context)
        return try await readOne(request.id, recorded: request.attributes, in: context)
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        // In use until the clusters in it are gone: retry while ElastiCache says so.
        _ = try await AWSWaiter.wait(for: "cache subnet group \(id) to be deleted", policy: context.waitPolicy) { () async throws -> WaitState<Bool> in
            do {
                _ = try await context.client.call(.elastiCache, ElastiCache.Operation.deleteCacheSubnetGroup,
                                                  ["CacheSubnetGroupName": .string(id)])
                return .done(true)
            } catch where QueryService.isNotFound(error) {
                return .done(true)
            } catch let error as AWSError where error.code.contains("InUse") {
                return .pending(status: "in use")
            } catch where context.emulator.elastiCacheCannotDeleteSubnetGroups && QueryService.isUnimplemented(error) {
                // moto 5.2.1 has no DeleteCacheSubnetGroup: the group stays in the emulator.
                return .done(true)
            }
        }
    }

    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        let output = try await context.client.paginate(.elastiCache, ElastiCache.Operation.describeCacheSubnetGroups, [:])
        let groups = output["CacheSubnetGroups"].array ?? []
        guard let arn = try await QueryService.arn(taggedWith: token, among: groups.compactMap { $0["ARN"].string }, context, .elastiCache),
              let name = groups.first(where: { $0["ARN"].string == arn })?["CacheSubnetGroupName"].string
        else { return nil }
        return try await read(ids: [name], in: context)[name]
    }
}
