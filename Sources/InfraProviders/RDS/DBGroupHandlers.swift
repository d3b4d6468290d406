import InfraAWS
import InfraEngine

/// Lists RDS groups by name: one call by name for a single id (NotFound → none), otherwise one
/// paginated list of all groups filtered locally (these Describe calls take one name and no
/// filter, so a list serves a state with several groups in one call).
private func describeGroups(_ context: ProviderContext, _ operation: String, nameMember: String, listKey: String,
                            names: [String]) async throws -> [String: AWSDocument]
{
    let wanted = Set(names)
    guard !wanted.isEmpty else { return [:] }
    var input: AWSDocument = [:]
    if wanted.count == 1, let only = wanted.first { input[nameMember] = .string(only) }
    let output: AWSDocument
    do {
        output = try await context.client.paginate(.rds, operation, input)
    } catch where QueryService.isNotFound(error) {
        return [:]
    }
    var result: [String: AWSDocument] = [:]
    for item in output[listKey].array ?? [] {
        guard let name = item[nameMember].string, wanted.contains(name) else { continue }
        result[name] = item
    }
    return result
}

/// `aws_db_subnet_group`: id = name. Subnets and description change in place
/// (ModifyDBSubnetGroup); tags via the RDS tag API.
public struct DBSubnetGroupHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_db_subnet_group"
    public let schema = ResourceSchema(type: "aws_db_subnet_group", attributes: [
        "name": AttributeSchema(.required, forcesReplacement: true, replaceReason: "RDS cannot rename a DB subnet group"),
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
        let groups = try await describeGroups(context, "DescribeDBSubnetGroups", nameMember: "DBSubnetGroupName",
                                              listKey: "DBSubnetGroups", names: Array(recorded.keys))
        return try await SubnetGroupAPI.rds.observe(groups, recorded: recorded, in: context)
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let created = try await SubnetGroupAPI.rds.create(request, in: context) {
            try await find(token: request.token, in: context)
        }
        if let found = created.found { return found }
        return try await readOne(created.name, recorded: request.attributes, in: context)
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        try await SubnetGroupAPI.rds.update(request, in: context)
        return try await readOne(request.id, recorded: request.attributes, in: context)
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        // A subnet group stays in use until its instance is really gone: retry while AWS says so.
        _ = try await AWSWaiter.wait(for: "DB subnet group \(id) to be deleted", policy: context.waitPolicy) { () async throws -> WaitState<Bool> in
            do {
                _ = try await context.client.call(.rds, RDS.Operation.deleteDBSubnetGroup, ["DBSubnetGroupName": .string(id)])
                return .done(true)
            } catch where QueryService.isNotFound(error) {
                return .done(true)
            } catch let error as AWSError where error.code == "InvalidDBSubnetGroupStateFault" {
                return .pending(status: "in use")
            }
        }
    }

    /// Lists all subnet groups and their tags (crash recovery only).
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        let output = try await context.client.paginate(.rds, RDS.Operation.describeDBSubnetGroups, [:])
        let groups = output["DBSubnetGroups"].array ?? []
        let arns = groups.compactMap { $0["DBSubnetGroupArn"].string }
        guard let arn = try await QueryService.arn(taggedWith: token, among: arns, context, .rds),
              let name = groups.first(where: { $0["DBSubnetGroupArn"].string == arn })?["DBSubnetGroupName"].string
        else { return nil }
        return try await read(ids: [name], in: context)[name]
    }
}

/// `aws_db_parameter_group`: id = name. The `parameter` set (the user-set parameters, read
/// with DescribeDBParameters Source=user) changes in place: ModifyDBParameterGroup for set or
/// changed parameters, ResetDBParameterGroup for removed ones. The family forces a new group.
public struct DBParameterGroupHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_db_parameter_group"
    public let schema = ResourceSchema(type: "aws_db_parameter_group", attributes: [
        "name": AttributeSchema(.required, forcesReplacement: true, replaceReason: "RDS cannot rename a DB parameter group"),
        "family": AttributeSchema(.required, forcesReplacement: true,
                                  replaceReason: "a parameter group's engine family is fixed at creation"),
        "description": AttributeSchema(.optional, forcesReplacement: true,
                                       replaceReason: "RDS cannot change a parameter group's description"),
        "parameter": .optional,
        "tags": .optional,
        "id": .computed,
        "arn": .computed,
    ])

    /// ModifyDBParameterGroup takes at most 20 parameters per call.
    static let parametersPerCall = 20

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        let groups = try await describeGroups(context, "DescribeDBParameterGroups", nameMember: "DBParameterGroupName",
                                              listKey: "DBParameterGroups", names: ids)
        let names = groups.keys.sorted()
        // No batch form for parameters or tags: per group, concurrently (bounded).
        let details = try await concurrentMap(names, limit: context.concurrency) { name -> (AWSDocument, AWSDocument) in
            let parameters = try await context.client.paginate(.rds, RDS.Operation.describeDBParameters, [
                "DBParameterGroupName": .string(name), "Source": "user",
            ])["Parameters"]
            let arn = groups[name]?["DBParameterGroupArn"].string ?? ""
            let tags = try await QueryService.tags(context, .rds, arns: [arn])[arn] ?? .null
            return (parameters, tags)
        }
        var result: [String: ObservedResource] = [:]
        for (name, (parameters, tags)) in zip(names, details) {
            guard let group = groups[name] else { continue }
            var a: Attributes = ["id": .string(name), "name": .string(name)]
            a.put("arn", group["DBParameterGroupArn"].string)
            a.put("family", group["DBParameterGroupFamily"].string)
            a.put("description", group["Description"].string)
            let list = (parameters.array ?? []).compactMap { p -> InfraEngine.Value? in
                guard let key = p["ParameterName"].string else { return nil }
                return .map(["name": .string(key), "value": .string(p["ParameterValue"].string ?? ""),
                             "apply_method": .string(p["ApplyMethod"].string ?? "pending-reboot")])
            }.sorted { ($0.mapValue?["name"]?.stringValue ?? "") < ($1.mapValue?["name"]?.stringValue ?? "") }
            a["parameter"] = .list(list)
            a["tags"] = Tags.attribute(from: tags)
            result[name] = ObservedResource(id: name, attributes: a)
        }
        return result
    }

    static func parameters(_ value: InfraEngine.Value?) -> [String: (value: String, method: String)] {
        var result: [String: (value: String, method: String)] = [:]
        for item in value?.listValue ?? [] {
            guard let map = item.mapValue, let name = map["name"]?.stringValue else { continue }
            result[name] = (map["value"]?.stringValue ?? "", map["apply_method"]?.stringValue ?? "pending-reboot")
        }
        return result
    }

    private func modify(_ name: String, _ parameters: [String: (value: String, method: String)], in context: ProviderContext) async throws {
        let keys = parameters.keys.sorted()
        var start = 0
        while start < keys.count {
            let chunk = keys[start..<min(start + Self.parametersPerCall, keys.count)]
            start += Self.parametersPerCall
            let list: [AWSDocument] = chunk.map { key in
                ["ParameterName": .string(key), "ParameterValue": .string(parameters[key]?.value ?? ""),
                 "ApplyMethod": .string(parameters[key]?.method ?? "pending-reboot")]
            }
            _ = try await context.client.call(.rds, RDS.Operation.modifyDBParameterGroup, [
                "DBParameterGroupName": .string(name), "Parameters": .list(list),
            ])
        }
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let name = a.string("name") ?? ""
        do {
            _ = try await context.client.call(.rds, RDS.Operation.createDBParameterGroup, [
                "DBParameterGroupName": .string(name),
                "DBParameterGroupFamily": .string(a.string("family") ?? ""),
                "Description": .string(a.string("description") ?? "Managed by infra"),
                "Tags": Tags.list(Tags.withToken(a.stringMap("tags"), token: request.token)),
            ])
        } catch where QueryService.isAlreadyExists(error) {
            guard let ours = try await find(token: request.token, in: context) else {
                throw DataResourceError(resource: "\(request.address)", message:
                    "a DB parameter group named \(name) already exists and infra did not create it; import it or choose another name")
            }
            _ = ours
        }
        let parameters = Self.parameters(a["parameter"])
        if !parameters.isEmpty { try await modify(name, parameters, in: context) }
        return try await readOne(name, in: context)
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        if request.changed.contains("parameter") {
            let old = Self.parameters(request.prior["parameter"])
            let new = Self.parameters(request.attributes["parameter"])
            let set = new.filter { old[$0.key]?.value != $0.value.value || old[$0.key]?.method != $0.value.method }
            if !set.isEmpty { try await modify(request.id, set, in: context) }
            let removed = old.keys.filter { new[$0] == nil }.sorted()
            if !removed.isEmpty {
                _ = try await context.client.call(.rds, RDS.Operation.resetDBParameterGroup, [
                    "DBParameterGroupName": .string(request.id),
                    "Parameters": .list(removed.map { ["ParameterName": .string($0), "ApplyMethod": "pending-reboot"] }),
                ])
            }
        }
        if request.changed.contains("tags"), let arn = request.prior.string("arn") {
            try await QueryService.updateTags(context, .rds, arn: arn, prior: request.prior, desired: request.attributes)
        }
        return try await readOne(request.id, in: context)
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        _ = try await AWSWaiter.wait(for: "DB parameter group \(id) to be deleted", policy: context.waitPolicy) { () async throws -> WaitState<Bool> in
            do {
                _ = try await context.client.call(.rds, RDS.Operation.deleteDBParameterGroup, ["DBParameterGroupName": .string(id)])
                return .done(true)
            } catch where QueryService.isNotFound(error) {
                return .done(true)
            } catch let error as AWSError where error.code == "InvalidDBParameterGroupState" {
                return .pending(status: "in use")
            }
        }
    }

    /// Lists all parameter groups and their tags (crash recovery only).
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        let output = try await context.client.paginate(.rds, RDS.Operation.describeDBParameterGroups, [:])
        let groups = output["DBParameterGroups"].array ?? []
        let arns = groups.compactMap { $0["DBParameterGroupArn"].string }
        guard let arn = try await QueryService.arn(taggedWith: token, among: arns, context, .rds),
              let name = groups.first(where: { $0["DBParameterGroupArn"].string == arn })?["DBParameterGroupName"].string
        else { return nil }
        return try await read(ids: [name], in: context)[name]
    }
}
