import InfraAWS
import InfraEngine

/// What RDS and ElastiCache subnet groups share: the same attributes, the same create, modify
/// and tag calls, under each service's member names. Each handler adds only how it lists
/// groups and how it deletes them.
struct SubnetGroupAPI: Sendable {
    var service: AWSService
    /// How messages name the object: "DB subnet group", "cache subnet group".
    var noun: String
    var nameMember: String
    var descriptionMember: String
    var arnMember: String
    var createOperation: String
    var modifyOperation: String

    static let rds = SubnetGroupAPI(
        service: .rds, noun: "DB subnet group", nameMember: "DBSubnetGroupName",
        descriptionMember: "DBSubnetGroupDescription", arnMember: "DBSubnetGroupArn",
        createOperation: RDS.Operation.createDBSubnetGroup, modifyOperation: RDS.Operation.modifyDBSubnetGroup)

    static let elastiCache = SubnetGroupAPI(
        service: .elastiCache, noun: "cache subnet group", nameMember: "CacheSubnetGroupName",
        descriptionMember: "CacheSubnetGroupDescription", arnMember: "ARN",
        createOperation: ElastiCache.Operation.createCacheSubnetGroup,
        modifyOperation: ElastiCache.Operation.modifyCacheSubnetGroup)

    /// The listed `groups` (by name) as attributes. Neither Describe call carries tags: one
    /// ListTagsForResource per group, concurrently.
    func observe(_ groups: [String: AWSDocument], recorded: [String: Attributes], in context: ProviderContext)
        async throws -> [String: ObservedResource]
    {
        let names = groups.keys.sorted()
        let tags = try await QueryService.tags(context, service, arns: names.compactMap { groups[$0]?[arnMember].string })
        var result: [String: ObservedResource] = [:]
        for name in names {
            guard let group = groups[name] else { continue }
            let arn = group[arnMember].string ?? ""
            var a: Attributes = ["id": .string(name), "name": .string(name), "arn": .string(arn)]
            a.put("description", group[descriptionMember].string)
            a.put("vpc_id", group["VpcId"].string)
            a["subnet_ids"] = QueryService.idList((group["Subnets"].array ?? []).compactMap { $0["SubnetIdentifier"].string },
                                                  recorded: recorded[name]?["subnet_ids"])
            a["tags"] = Tags.attribute(from: tags[arn] ?? .null)
            result[name] = ObservedResource(id: name, attributes: a)
        }
        return result
    }

    /// Creates the group with the token tag; a group of that name that is ours (`find`) is
    /// taken as created, any other is an error saying what to do. Returns the group's name.
    func create(_ request: CreateRequest, in context: ProviderContext,
                find: () async throws -> ObservedResource?) async throws -> (name: String, found: ObservedResource?)
    {
        let a = request.attributes
        let name = a.string("name") ?? ""
        do {
            _ = try await context.client.call(service, createOperation, [
                nameMember: .string(name),
                descriptionMember: .string(a.string("description") ?? "Managed by infra"),
                "SubnetIds": .list(a.strings("subnet_ids").map { .string($0) }),
                "Tags": Tags.list(Tags.withToken(a.stringMap("tags"), token: request.token)),
            ])
        } catch where QueryService.isAlreadyExists(error) {
            if let ours = try await find() { return (name, ours) }
            throw DataResourceError(resource: "\(request.address)", message:
                "a \(noun) named \(name) already exists and infra did not create it; import it "
                    + "(infra import <env> \(request.address) \(name)) or choose another name")
        }
        return (name, nil)
    }

    /// Subnets and description in place (one modify call), tags with the tag API.
    func update(_ request: UpdateRequest, in context: ProviderContext) async throws {
        let a = request.attributes
        if request.changed.contains("subnet_ids") || request.changed.contains("description") {
            _ = try await context.client.call(service, modifyOperation, [
                nameMember: .string(request.id),
                descriptionMember: .string(a.string("description") ?? "Managed by infra"),
                "SubnetIds": .list(a.strings("subnet_ids").map { .string($0) }),
            ])
        }
        if request.changed.contains("tags"), let arn = request.prior.string("arn") {
            try await QueryService.updateTags(context, service, arn: arn, prior: request.prior, desired: a)
        }
    }
}
