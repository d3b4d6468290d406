import InfraAWS
import InfraEngine

/// `aws_eks_cluster`: a managed Kubernetes control plane. The id is the cluster's name.
///
/// `vpc_config` is one block to the engine (it diffs top-level attributes), so it is updated in
/// place as a whole: UpdateClusterConfig takes the whole `resourcesVpcConfig` (AWS accepts new
/// subnets and security groups there too; moto replaces the block whole). The computed parts of
/// Terraform's block (`cluster_security_group_id`, `vpc_id`) are top-level computed attributes,
/// so the block compares equal to what the code writes.
public struct EKSClusterHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_eks_cluster"

    /// Every control-plane log type; UpdateClusterConfig disables those not wanted.
    static let logTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

    public var schema: ResourceSchema {
        ResourceSchema(type: type, attributes: [
            "name": AttributeSchema(.required, forcesReplacement: true, replaceReason: "EKS cannot rename a cluster"),
            "role_arn": AttributeSchema(.required, forcesReplacement: true, replaceReason: "EKS cannot change a cluster's IAM role"),
            "version": .optionalComputed,
            "vpc_config": .required,
            "enabled_cluster_log_types": .optional,
            "encryption_config": AttributeSchema(
                .optional, forcesReplacement: true, replaceReason: "EKS cannot change a cluster's secrets encryption"),
            "tags": .optional,
            "id": .computed,
            "arn": .computed,
            "endpoint": .computed,
            "certificate_authority": .computed,
            "cluster_security_group_id": .computed,
            "vpc_id": .computed,
            "platform_version": .computed,
            "status": .computed,
        ])
    }

    // MARK: Read

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        // EKS has no batch describe (ListClusters returns names only): one DescribeCluster per
        // id, overlapped, bounded by the context's concurrency.
        let found = try await concurrentMap(ids, limit: context.concurrency) { name in
            try await Self.describe(name, in: context).map(Self.observe)
        }
        var result: [String: ObservedResource] = [:]
        for case let observed? in found { result[observed.id] = observed }
        return result
    }

    static func describe(_ name: String, in context: ProviderContext) async throws -> AWSDocument? {
        do {
            return try await context.client.call(.eks, EKS.Operation.describeCluster, ["name": .string(name)])["cluster"]
        } catch where EKSSupport.isNotFound(error) {
            return nil
        }
    }

    static func observe(_ cluster: AWSDocument) -> ObservedResource {
        let name = cluster["name"].string ?? ""
        let vpc = cluster["resourcesVpcConfig"]
        var block: [String: Value] = [
            "subnet_ids": .list((vpc["subnetIds"].array ?? []).compactMap(\.string).map { .string($0) }),
            "security_group_ids": .list((vpc["securityGroupIds"].array ?? []).compactMap(\.string).map { .string($0) }),
            "endpoint_public_access": .bool(vpc["endpointPublicAccess"].bool ?? true),
            "endpoint_private_access": .bool(vpc["endpointPrivateAccess"].bool ?? false),
        ]
        // AWS's default (open to all) is reported only when the code could have set otherwise.
        let cidrs = (vpc["publicAccessCidrs"].array ?? []).compactMap(\.string)
        if !cidrs.isEmpty, cidrs != ["0.0.0.0/0"] { block["public_access_cidrs"] = .list(cidrs.sorted().map { .string($0) }) }
        var a: [String: Value] = [
            "id": .string(name), "name": .string(name),
            "vpc_config": .list([.map(block)]),
        ]
        a.put("arn", cluster["arn"].string)
        a.put("role_arn", cluster["roleArn"].string)
        a.put("version", cluster["version"].string)
        a.put("endpoint", cluster["endpoint"].string)
        a.put("platform_version", cluster["platformVersion"].string)
        a.put("status", cluster["status"].string)
        a.put("cluster_security_group_id", vpc["clusterSecurityGroupId"].string)
        a.put("vpc_id", vpc["vpcId"].string)
        if let data = cluster["certificateAuthority"]["data"].string {
            a["certificate_authority"] = .list([.map(["data": .string(data)])])
        }
        let enabled = (cluster["logging"]["clusterLogging"].array ?? [])
            .filter { $0["enabled"].bool == true }
            .flatMap { ($0["types"].array ?? []).compactMap(\.string) }
        a["enabled_cluster_log_types"] = .list(Set(enabled).sorted().map { .string($0) })
        let encryption = (cluster["encryptionConfig"].array ?? []).map { config -> Value in
            .map([
                "resources": .list((config["resources"].array ?? []).compactMap(\.string).sorted().map { .string($0) }),
                "provider": .list([.map(["key_arn": .string(config["provider"]["keyArn"].string ?? "")])]),
            ])
        }
        if !encryption.isEmpty { a["encryption_config"] = .list(encryption) }
        a["tags"] = EKSSupport.tagsAttribute(cluster["tags"])
        return ObservedResource(id: name, attributes: a)
    }

    // MARK: Create

    static func vpcConfig(_ attributes: [String: Value]) -> AWSDocument {
        let block = attributes.block("vpc_config") ?? [:]
        var config: AWSDocument = [
            "subnetIds": .list(block.strings("subnet_ids").map { .string($0) }),
            "securityGroupIds": .list(block.strings("security_group_ids").map { .string($0) }),
            "endpointPublicAccess": .bool(block.bool("endpoint_public_access") ?? true),
            "endpointPrivateAccess": .bool(block.bool("endpoint_private_access") ?? false),
        ]
        let cidrs = block.strings("public_access_cidrs")
        if !cidrs.isEmpty { config["publicAccessCidrs"] = .list(cidrs.map { .string($0) }) }
        return config
    }

    static func logging(_ attributes: [String: Value]) -> AWSDocument {
        let wanted = Set(attributes.strings("enabled_cluster_log_types"))
        var entries: [AWSDocument] = []
        let on = logTypes.filter { wanted.contains($0) }, off = logTypes.filter { !wanted.contains($0) }
        if !on.isEmpty { entries.append(["types": .list(on.map { .string($0) }), "enabled": true]) }
        if !off.isEmpty { entries.append(["types": .list(off.map { .string($0) }), "enabled": false]) }
        return ["clusterLogging": .list(entries)]
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let resource = "\(request.address)"
        guard let name = a.string("name"), let role = a.string("role_arn") else {
            throw EKSInputError(resource: resource, reason: "name and role_arn are required")
        }
        var input: AWSDocument = [
            "name": .string(name),
            "roleArn": .string(role),
            "resourcesVpcConfig": Self.vpcConfig(a),
            "logging": Self.logging(a),
            "clientRequestToken": .string(request.token),
            "tags": EKSSupport.tagMap(Tags.withToken(a.stringMap("tags"), token: request.token)),
        ]
        if let version = a.string("version") { input["version"] = .string(version) }
        if let configs = a["encryption_config"]?.listValue, !configs.isEmpty {
            input["encryptionConfig"] = .list(configs.compactMap(\.mapValue).map { config in
                [
                    "resources": .list(config.strings("resources").map { .string($0) }),
                    "provider": ["keyArn": .string(config.block("provider")?.string("key_arn") ?? "")],
                ]
            })
        }
        do {
            _ = try await context.client.call(.eks, EKS.Operation.createCluster, input)
        } catch let error as AWSError where error.code == "ResourceInUseException" {
            // A retried create whose first response was lost finds its own cluster (same token
            // tag); any other cluster of that name is not ours.
            guard let existing = try await Self.describe(name, in: context), EKSSupport.token(existing["tags"]) == request.token else {
                throw EKSInputError(resource: resource, reason: "an EKS cluster named \(name) already exists and infra did not create it; "
                    + "import it (infra import <env> \(request.address) \(name)) or choose another name")
            }
        }
        return try await waitActive(name, resource: resource, in: context, progress: request.progress)
    }

    func waitActive(_ name: String, resource: String, in context: ProviderContext,
                    progress: @escaping @Sendable (String) -> Void) async throws -> ObservedResource
    {
        try await EKSSupport.wait(subject: "EKS cluster \(name)", for: "ACTIVE", in: context, progress: progress) {
            try await Self.describe(name, in: context)
        }
        guard let cluster = try await Self.describe(name, in: context) else {
            throw EKSInputError(resource: resource, reason: "the EKS cluster \(name) vanished right after it became ACTIVE; plan again")
        }
        return Self.observe(cluster)
    }

    // MARK: Update

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let name = request.id
        let resource = "\(request.address)"
        if request.changed.contains("version"), let version = a.string("version") {
            do {
                _ = try await context.client.call(.eks, EKS.Operation.updateClusterVersion, ["name": .string(name), "version": .string(version)])
            } catch let error as AWSError where error.code == "NotFound" {
                // A 404 without an EKS error code: the endpoint has no such operation (moto).
                throw EKSInputError(resource: resource, reason: "the EKS endpoint does not implement UpdateClusterVersion, so cluster "
                    + "\(name) cannot be upgraded to \(version) here; upgrade it where the API exists or keep version "
                    + (request.prior.string("version") ?? "as it is"))
            }
            _ = try await waitActive(name, resource: resource, in: context, progress: request.progress)
        }
        // EKS takes one kind of change per UpdateClusterConfig: the VPC block, then logging.
        if request.changed.contains("vpc_config") {
            _ = try await context.client.call(.eks, EKS.Operation.updateClusterConfig,
                                              ["name": .string(name), "resourcesVpcConfig": Self.vpcConfig(a)])
            _ = try await waitActive(name, resource: resource, in: context, progress: request.progress)
        }
        if request.changed.contains("enabled_cluster_log_types") {
            _ = try await context.client.call(.eks, EKS.Operation.updateClusterConfig, ["name": .string(name), "logging": Self.logging(a)])
            _ = try await waitActive(name, resource: resource, in: context, progress: request.progress)
        }
        if request.changed.contains("tags") {
            let arn = request.prior.string("arn") ?? ""
            try await EKSSupport.updateTags(context, arn: arn, prior: request.prior, desired: a)
        }
        return try await waitActive(name, resource: resource, in: context, progress: request.progress)
    }

    // MARK: Delete

    public func delete(id: String, attributes: [String: Value], in context: ProviderContext) async throws {
        do {
            _ = try await context.client.call(.eks, EKS.Operation.deleteCluster, ["name": .string(id)])
        } catch where EKSSupport.isNotFound(error) {
            return
        }
        try await EKSSupport.wait(subject: "EKS cluster \(id)", for: "deleted", in: context, progress: { _ in }, gone: true) {
            try await Self.describe(id, in: context)
        }
    }

    // MARK: Find

    /// The cluster tagged with `token`: ListClusters gives names only, so each is described.
    /// Runs only for a create whose result was lost.
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        let listed = try await context.client.paginate(.eks, EKS.Operation.listClusters)
        let names = (listed["clusters"].array ?? []).compactMap(\.string)
        let matches = try await concurrentMap(names, limit: context.concurrency) { name -> AWSDocument? in
            guard let cluster = try await Self.describe(name, in: context), EKSSupport.token(cluster["tags"]) == token else { return nil }
            return cluster
        }
        guard let cluster = matches.compactMap({ $0 }).first, let name = cluster["name"].string else { return nil }
        return try await waitActive(name, resource: "aws_eks_cluster \(name)", in: context, progress: { _ in })
    }
}
