import InfraAWS
import InfraEngine

/// `aws_eks_node_group`: managed worker nodes. The id is `cluster_name:node_group_name`, as
/// Terraform writes it. Scaling, labels and taints change in place (UpdateNodegroupConfig);
/// everything that shapes the nodes themselves replaces the group.
public struct EKSNodeGroupHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_eks_node_group"

    public var schema: ResourceSchema {
        let nodes = "EKS cannot change this on an existing node group; a new group is created"
        return ResourceSchema(type: type, attributes: [
            "cluster_name": AttributeSchema(.required, forcesReplacement: true, replaceReason: "a node group cannot move to another cluster"),
            "node_group_name": AttributeSchema(.required, forcesReplacement: true, replaceReason: "EKS cannot rename a node group"),
            "node_role_arn": AttributeSchema(.required, forcesReplacement: true, replaceReason: nodes),
            "subnet_ids": AttributeSchema(.required, forcesReplacement: true, replaceReason: nodes),
            "instance_types": AttributeSchema(.optionalComputed, forcesReplacement: true, replaceReason: nodes),
            "disk_size": AttributeSchema(.optionalComputed, forcesReplacement: true, replaceReason: nodes),
            "scaling_config": .required,
            "labels": .optional,
            "taint": .optional,
            "tags": .optional,
            "id": .computed,
            "arn": .computed,
            "status": .computed,
        ])
    }

    static func split(_ id: String) -> (cluster: String, nodeGroup: String)? {
        guard let colon = id.firstIndex(of: ":") else { return nil }
        let cluster = String(id[..<colon]), group = String(id[id.index(after: colon)...])
        return cluster.isEmpty || group.isEmpty ? nil : (cluster, group)
    }

    // MARK: Read

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        // EKS has no batch describe of node groups: one DescribeNodegroup per id, overlapped,
        // bounded by the context's concurrency.
        let found = try await concurrentMap(ids, limit: context.concurrency) { id -> ObservedResource? in
            guard let (cluster, group) = Self.split(id) else { return nil }
            return try await Self.describe(cluster, group, in: context).map(Self.observe)
        }
        var result: [String: ObservedResource] = [:]
        for case let observed? in found { result[observed.id] = observed }
        return result
    }

    static func describe(_ cluster: String, _ group: String, in context: ProviderContext) async throws -> AWSDocument? {
        do {
            return try await context.client.call(
                .eks, EKS.Operation.describeNodegroup, ["clusterName": .string(cluster), "nodegroupName": .string(group)])["nodegroup"]
        } catch where EKSSupport.isNotFound(error) {
            return nil
        }
    }

    /// Taints as the DSL writes them: sorted by key then effect, `value` null when unset.
    static func taints(_ document: AWSDocument) -> [Value] {
        (document.array ?? []).map { taint -> (String, String, Value) in
            let key = taint["key"].string ?? "", effect = taint["effect"].string ?? ""
            let value: Value = taint["value"].string.map { .string($0) } ?? .null
            return (key, effect, .map(["key": .string(key), "value": value, "effect": .string(effect)]))
        }
        .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        .map(\.2)
    }

    static func observe(_ group: AWSDocument) -> ObservedResource {
        let cluster = group["clusterName"].string ?? "", name = group["nodegroupName"].string ?? ""
        let id = "\(cluster):\(name)"
        let scaling = group["scalingConfig"]
        var a: [String: Value] = [
            "id": .string(id),
            "cluster_name": .string(cluster),
            "node_group_name": .string(name),
            "subnet_ids": .list((group["subnets"].array ?? []).compactMap(\.string).map { .string($0) }),
            "instance_types": .list((group["instanceTypes"].array ?? []).compactMap(\.string).map { .string($0) }),
            "scaling_config": .list([.map([
                "min_size": .int(scaling["minSize"].int ?? 0),
                "desired_size": .int(scaling["desiredSize"].int ?? 0),
                "max_size": .int(scaling["maxSize"].int ?? 0),
            ])]),
            "labels": .map((group["labels"].dictionary ?? [:]).mapValues { .string($0.string ?? "") }),
            "taint": .list(taints(group["taints"])),
        ]
        a.put("arn", group["nodegroupArn"].string)
        a.put("node_role_arn", group["nodeRole"].string)
        a.put("status", group["status"].string)
        if let disk = group["diskSize"].int { a["disk_size"] = .int(disk) }
        a["tags"] = EKSSupport.tagsAttribute(group["tags"])
        return ObservedResource(id: id, attributes: a)
    }

    // MARK: Create

    static func scaling(_ attributes: [String: Value]) -> AWSDocument {
        let block = attributes.block("scaling_config") ?? [:]
        return [
            "minSize": .integer(Int64(block.int("min_size") ?? 1)),
            "desiredSize": .integer(Int64(block.int("desired_size") ?? 1)),
            "maxSize": .integer(Int64(block.int("max_size") ?? 1)),
        ]
    }

    static func taintDocuments(_ value: Value?) -> [AWSDocument] {
        (value?.listValue ?? []).compactMap(\.mapValue).map { taint in
            var t: AWSDocument = ["key": .string(taint.string("key") ?? ""), "effect": .string(taint.string("effect") ?? "")]
            if let value = taint.string("value") { t["value"] = .string(value) }
            return t
        }
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let resource = "\(request.address)"
        guard let cluster = a.string("cluster_name"), let name = a.string("node_group_name"), let role = a.string("node_role_arn") else {
            throw EKSInputError(resource: resource, reason: "cluster_name, node_group_name and node_role_arn are required")
        }
        var input: AWSDocument = [
            "clusterName": .string(cluster),
            "nodegroupName": .string(name),
            "nodeRole": .string(role),
            "subnets": .list(a.strings("subnet_ids").map { .string($0) }),
            "scalingConfig": Self.scaling(a),
            "clientRequestToken": .string(request.token),
            "tags": EKSSupport.tagMap(Tags.withToken(a.stringMap("tags"), token: request.token)),
        ]
        let types = a.strings("instance_types")
        if !types.isEmpty { input["instanceTypes"] = .list(types.map { .string($0) }) }
        if let disk = a.int("disk_size") { input["diskSize"] = .integer(Int64(disk)) }
        let labels = a.stringMap("labels")
        if !labels.isEmpty { input["labels"] = EKSSupport.tagMap(labels) }
        let taints = Self.taintDocuments(a["taint"])
        if !taints.isEmpty { input["taints"] = .list(taints) }
        do {
            _ = try await context.client.call(.eks, EKS.Operation.createNodegroup, input)
        } catch let error as AWSError where error.code == "ResourceInUseException" {
            guard let existing = try await Self.describe(cluster, name, in: context), EKSSupport.token(existing["tags"]) == request.token else {
                throw EKSInputError(resource: resource, reason: "cluster \(cluster) already has a node group named \(name) that infra did not "
                    + "create; import it (infra import <env> \(request.address) \(cluster):\(name)) or choose another name")
            }
        }
        return try await waitActive(cluster, name, resource: resource, in: context, progress: request.progress)
    }

    func waitActive(_ cluster: String, _ name: String, resource: String, in context: ProviderContext,
                    progress: @escaping @Sendable (String) -> Void) async throws -> ObservedResource
    {
        try await EKSSupport.wait(subject: "EKS node group \(cluster):\(name)", for: "ACTIVE", in: context, progress: progress) {
            try await Self.describe(cluster, name, in: context)
        }
        guard let group = try await Self.describe(cluster, name, in: context) else {
            throw EKSInputError(resource: resource, reason: "the node group \(cluster):\(name) vanished right after it became ACTIVE; plan again")
        }
        return Self.observe(group)
    }

    // MARK: Update

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes, prior = request.prior
        let resource = "\(request.address)"
        guard let (cluster, name) = Self.split(request.id) else {
            throw EKSInputError(resource: resource, reason: "the id \(request.id) is not cluster_name:node_group_name")
        }
        var input: AWSDocument = ["clusterName": .string(cluster), "nodegroupName": .string(name)]
        var changes = false
        if request.changed.contains("scaling_config") {
            input["scalingConfig"] = Self.scaling(a)
            changes = true
        }
        if request.changed.contains("labels") {
            let old = prior.stringMap("labels"), new = a.stringMap("labels")
            let set = new.filter { old[$0.key] != $0.value }
            let remove = old.keys.filter { new[$0] == nil }.sorted()
            var payload: AWSDocument = [:]
            if !set.isEmpty { payload["addOrUpdateLabels"] = EKSSupport.tagMap(set) }
            if !remove.isEmpty { payload["removeLabels"] = .list(remove.map { .string($0) }) }
            input["labels"] = payload
            changes = true
        }
        if request.changed.contains("taint") {
            // A taint is identified by key and effect; a changed value is an add-or-update.
            let old = Self.taintDocuments(prior["taint"]), new = Self.taintDocuments(a["taint"])
            let identity: (AWSDocument) -> String = { "\($0["key"].string ?? "")\u{0}\($0["effect"].string ?? "")" }
            let newKeys = Set(new.map(identity))
            let add = new.filter { !old.contains($0) }
            let remove = old.filter { !newKeys.contains(identity($0)) }
            var payload: AWSDocument = [:]
            if !add.isEmpty { payload["addOrUpdateTaints"] = .list(add) }
            if !remove.isEmpty { payload["removeTaints"] = .list(remove) }
            input["taints"] = payload
            changes = true
        }
        if changes {
            _ = try await context.client.call(.eks, EKS.Operation.updateNodegroupConfig, input)
            _ = try await waitActive(cluster, name, resource: resource, in: context, progress: request.progress)
        }
        if request.changed.contains("tags") {
            try await EKSSupport.updateTags(context, arn: prior.string("arn") ?? "", prior: prior, desired: a)
        }
        return try await waitActive(cluster, name, resource: resource, in: context, progress: request.progress)
    }

    // MARK: Delete

    public func delete(id: String, attributes: [String: Value], in context: ProviderContext) async throws {
        guard let (cluster, name) = Self.split(id) else { return }
        do {
            _ = try await context.client.call(
                .eks, EKS.Operation.deleteNodegroup, ["clusterName": .string(cluster), "nodegroupName": .string(name)])
        } catch where EKSSupport.isNotFound(error) {
            return
        }
        try await EKSSupport.wait(subject: "EKS node group \(id)", for: "deleted", in: context, progress: { _ in }, gone: true) {
            try await Self.describe(cluster, name, in: context)
        }
    }

    // MARK: Find

    /// The node group tagged with `token`: the token does not name the cluster, so every
    /// cluster's groups are listed and described. Runs only for a create whose result was lost.
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        let listed = try await context.client.paginate(.eks, EKS.Operation.listClusters)
        let clusters = (listed["clusters"].array ?? []).compactMap(\.string)
        let perCluster = try await concurrentMap(clusters, limit: context.concurrency) { cluster -> [String] in
            let groups = try await context.client.paginate(.eks, EKS.Operation.listNodegroups, ["clusterName": .string(cluster)])
            return (groups["nodegroups"].array ?? []).compactMap(\.string).map { "\(cluster):\($0)" }
        }
        let ids = perCluster.flatMap { $0 }
        let matches = try await concurrentMap(ids, limit: context.concurrency) { id -> AWSDocument? in
            guard let (cluster, name) = Self.split(id), let group = try await Self.describe(cluster, name, in: context),
                  EKSSupport.token(group["tags"]) == token
            else { return nil }
            return group
        }
        guard let group = matches.compactMap({ $0 }).first, let cluster = group["clusterName"].string,
              let name = group["nodegroupName"].string
        else { return nil }
        return try await waitActive(cluster, name, resource: "aws_eks_node_group \(cluster):\(name)", in: context, progress: { _ in })
    }
}
