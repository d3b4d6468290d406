import InfraAWS
import InfraEngine

/// `aws_ecs_cluster`. The id is the cluster's ARN, as Terraform has it. Settings
/// (containerInsights) change in place through UpdateCluster.
public struct ECSClusterHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_ecs_cluster"

    public var schema: ResourceSchema {
        ResourceSchema(type: type, attributes: [
            "name": AttributeSchema(.required, forcesReplacement: true, replaceReason: "ECS cannot rename a cluster"),
            "setting": .optional,
            "tags": .optional,
            "id": .computed,
            "arn": .computed,
        ])
    }

    // MARK: Read

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        var result: [String: ObservedResource] = [:]
        // DescribeClusters takes up to 100 clusters per call.
        for chunk in ECSSupport.chunks(ids, of: 100) {
            for cluster in try await Self.describe(chunk, in: context) {
                let observed = Self.observe(cluster)
                result[observed.id] = observed
            }
        }
        return result
    }

    /// ACTIVE (or provisioning) clusters among `clusters` (ARNs or names); INACTIVE ones are deleted.
    static func describe(_ clusters: [String], in context: ProviderContext) async throws -> [AWSDocument] {
        let output = try await context.client.call(.ecs, ECS.Operation.describeClusters, [
            "clusters": .list(clusters.map { .string($0) }), "include": ["SETTINGS", "TAGS"],
        ])
        return (output["clusters"].array ?? []).filter { $0["status"].string != "INACTIVE" }
    }

    static func observe(_ cluster: AWSDocument) -> ObservedResource {
        let arn = cluster["clusterArn"].string ?? ""
        var a: [String: Value] = ["id": .string(arn), "arn": .string(arn), "name": .string(cluster["clusterName"].string ?? "")]
        let settings = (cluster["settings"].array ?? []).compactMap { setting -> (String, String)? in
            guard let name = setting["name"].string, let value = setting["value"].string else { return nil }
            return (name, value)
        }.sorted { $0.0 < $1.0 }
        if !settings.isEmpty {
            a["setting"] = .list(settings.map { .map(["name": .string($0.0), "value": .string($0.1)]) })
        }
        a["tags"] = ECSSupport.tagsAttribute(cluster["tags"])
        return ObservedResource(id: arn, attributes: a)
    }

    static func settings(_ attributes: [String: Value]) -> AWSDocument {
        .list((attributes["setting"]?.listValue ?? []).compactMap(\.mapValue).map { setting in
            ["name": .string(setting.string("name") ?? ""), "value": .string(setting.string("value") ?? "")]
        })
    }

    // MARK: Create

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let resource = "\(request.address)"
        guard let name = a.string("name") else { throw ECSInputError(resource: resource, reason: "name is required") }
        // CreateCluster of an existing name answers with (moto: replaces) that cluster: one
        // infra did not create must not be taken over.
        if let existing = try await Self.describe([name], in: context).first {
            // Ours (a retried create whose answer was lost): it is the result.
            if ECSSupport.token(existing["tags"]) == request.token { return Self.observe(existing) }
            throw ECSInputError(resource: resource, reason: "an ECS cluster named \(name) already exists and infra did not create it; "
                + "import it (infra import <env> \(request.address) \(existing["clusterArn"].string ?? name)) or choose another name")
        }
        let output = try await context.client.call(.ecs, ECS.Operation.createCluster, [
            "clusterName": .string(name), "settings": Self.settings(a), "tags": ECSSupport.tags(a, token: request.token),
        ])
        let arn = output["cluster"]["clusterArn"].string ?? name
        return try await readBack(arn, resource: resource, in: context)
    }

    func readBack(_ arn: String, resource: String, in context: ProviderContext) async throws -> ObservedResource {
        guard let cluster = try await Self.describe([arn], in: context).first else {
            throw ECSInputError(resource: resource, reason: "the ECS cluster \(arn) vanished right after it was written; plan again")
        }
        return Self.observe(cluster)
    }

    // MARK: Update

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        if request.changed.contains("setting") {
            _ = try await context.client.call(.ecs, ECS.Operation.updateCluster, [
                "cluster": .string(request.id), "settings": Self.settings(request.attributes),
            ])
        }
        if request.changed.contains("tags") {
            try await ECSSupport.updateTags(context, arn: request.id, prior: request.prior, desired: request.attributes)
        }
        return try await readBack(request.id, resource: "\(request.address)", in: context)
    }

    // MARK: Delete

    public func delete(id: String, attributes: [String: Value], in context: ProviderContext) async throws {
        do {
            // DeleteCluster is synchronous: the cluster is INACTIVE when it answers.
            _ = try await context.client.call(.ecs, ECS.Operation.deleteCluster, ["cluster": .string(id)])
        } catch where ECSSupport.code(error) == "ClusterNotFoundException" {
            return
        }
    }

    // MARK: Find

    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        for chunk in ECSSupport.chunks(try await ECSSupport.clusterARNs(context), of: 100) {
            if let cluster = try await Self.describe(chunk, in: context).first(where: { ECSSupport.token($0["tags"]) == token }) {
                return Self.observe(cluster)
            }
        }
        return nil
    }

    /// Import by ARN or by name.
    public func importResource(id: String, in context: ProviderContext) async throws -> ObservedResource? {
        try await Self.describe([id], in: context).first.map(Self.observe)
    }
}
