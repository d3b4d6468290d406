import InfraAWS
import InfraEngine

/// `aws_iam_role_policy`: an inline policy of a role. The id is `role:name`, as Terraform's.
public struct IAMRolePolicyHandler: AWSResourceHandler {
    public init() {}

    public let type = "aws_iam_role_policy"

    public var schema: ResourceSchema {
        ResourceSchema(type: type, attributes: [
            "name": AttributeSchema(.required, forcesReplacement: true, replaceReason: "an inline policy cannot be renamed"),
            "role": AttributeSchema(.required, forcesReplacement: true, replaceReason: "an inline policy belongs to one role"),
            "policy": .required,
        ])
    }

    static func split(_ id: String) -> (role: String, name: String)? {
        guard let colon = id.firstIndex(of: ":") else { return nil }
        return (String(id[..<colon]), String(id[id.index(after: colon)...]))
    }

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        try await read(recorded: Dictionary(uniqueKeysWithValues: ids.map { ($0, [:]) }), in: context)
    }

    public func read(recorded: [String: [String: Value]], in context: ProviderContext) async throws
        -> [String: ObservedResource]
    {
        let ids = recorded.keys.sorted()
        if ids.count >= IAMAccountDetails.batchThreshold {
            let account = try await IAMAccountDetails.fetch(withListRoles: false, in: context)
            var result: [String: ObservedResource] = [:]
            for id in ids {
                guard let (role, name) = Self.split(id),
                      let entry = account.roles[role]?["RolePolicyList"].array?.first(where: { $0["PolicyName"].string == name })
                else { continue }
                result[id] = try Self.observe(role: role, name: name, document: entry["PolicyDocument"].string ?? "",
                                              recorded: recorded[id] ?? [:])
            }
            return result
        }
        // A few policies: one GetRolePolicy per id, overlapped (bounded by the context's concurrency).
        let found = try await concurrentMap(ids, limit: context.concurrency) { id -> ObservedResource? in
            guard let (role, name) = Self.split(id) else { return nil }
            return try await Self.get(role: role, name: name, recorded: recorded[id] ?? [:], in: context)
        }
        var result: [String: ObservedResource] = [:]
        for case let observed? in found { result[observed.id] = observed }
        return result
    }

    static func get(role: String, name: String, recorded: [String: Value], in context: ProviderContext) async throws
        -> ObservedResource?
    {
        let output: AWSDocument
        do {
            output = try await context.client.call(
                .iam, IAM.Operation.getRolePolicy, ["RoleName": .string(role), "PolicyName": .string(name)])
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            return nil
        }
        return try observe(role: role, name: name, document: output["PolicyDocument"].string ?? "", recorded: recorded)
    }

    /// The policy in its recorded form when it means the same, so AWS's re-formatting never
    /// shows as a change.
    static func observe(role: String, name: String, document: String, recorded: [String: Value]) throws -> ObservedResource {
        var policy = try PolicyJSON.decode(document, resource: "aws_iam_role_policy \(role):\(name)", attribute: "policy")
        if let previous = recorded["policy"], PolicyJSON.equivalent(previous, policy) { policy = previous }
        return ObservedResource(
            id: "\(role):\(name)", attributes: ["role": .string(role), "name": .string(name), "policy": policy])
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        try await put(request.attributes, resource: "\(request.address)", in: context)
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        try await put(request.attributes, resource: "\(request.address)", in: context)
    }

    /// PutRolePolicy creates or replaces: idempotent, so a retried create needs no token.
    func put(_ a: [String: Value], resource: String, in context: ProviderContext) async throws -> ObservedResource {
        guard let role = a.string("role"), let name = a.string("name"), let policy = a["policy"] else {
            throw IAMInputError(resource: resource, reason: "role, name and policy are required")
        }
        _ = try await context.client.call(.iam, IAM.Operation.putRolePolicy, [
            "RoleName": .string(role), "PolicyName": .string(name),
            "PolicyDocument": .string(try PolicyJSON.encode(policy, resource: resource, attribute: "policy")),
        ])
        guard let observed = try await Self.get(role: role, name: name, recorded: a, in: context) else {
            throw IAMInputError(resource: resource, reason: "the policy \(name) of role \(role) vanished right after it was written")
        }
        return observed
    }

    public func delete(id: String, attributes: [String: Value], in context: ProviderContext) async throws {
        guard let (role, name) = Self.split(id) else { return }
        do {
            _ = try await context.client.call(
                .iam, IAM.Operation.deleteRolePolicy, ["RoleName": .string(role), "PolicyName": .string(name)])
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            return
        }
    }

    /// Inline policies carry no tags; PutRolePolicy being idempotent, a lost create is simply
    /// made again.
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? { nil }
}

/// `aws_iam_role_policy_attachment`: a managed policy attached to a role. The id is
/// `role/policy-arn`, as Terraform's.
public struct IAMRolePolicyAttachmentHandler: AWSResourceHandler {
    public init() {}

    public let type = "aws_iam_role_policy_attachment"

    public var schema: ResourceSchema {
        ResourceSchema(type: type, attributes: [
            "role": AttributeSchema(.required, forcesReplacement: true, replaceReason: "an attachment belongs to one role"),
            "policy_arn": AttributeSchema(.required, forcesReplacement: true, replaceReason: "an attachment names one policy"),
        ])
    }

    /// Role names cannot contain `/`; policy ARNs can, so the first `/` separates them.
    static func split(_ id: String) -> (role: String, arn: String)? {
        guard let slash = id.firstIndex(of: "/") else { return nil }
        return (String(id[..<slash]), String(id[id.index(after: slash)...]))
    }

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        var byRole: [String: [String]] = [:]
        for id in ids { if let (role, arn) = Self.split(id) { byRole[role, default: []].append(arn) } }
        let roles = byRole.keys.sorted()
        let attached: [Set<String>]
        if roles.count >= IAMAccountDetails.batchThreshold {
            let account = try await IAMAccountDetails.fetch(withListRoles: false, in: context)
            attached = roles.map { role in
                Set((account.roles[role]?["AttachedManagedPolicies"].array ?? []).compactMap { $0["PolicyArn"].string })
            }
        } else {
            // One ListAttachedRolePolicies per role (not per attachment), roles overlapped.
            attached = try await concurrentMap(roles, limit: context.concurrency) { role -> Set<String> in
                try await Self.attachedPolicies(of: role, in: context)
            }
        }
        var result: [String: ObservedResource] = [:]
        for (role, arns) in zip(roles, attached) {
            for arn in byRole[role] ?? [] where arns.contains(arn) {
                let id = "\(role)/\(arn)"
                result[id] = ObservedResource(id: id, attributes: ["role": .string(role), "policy_arn": .string(arn)])
            }
        }
        return result
    }

    static func attachedPolicies(of role: String, in context: ProviderContext) async throws -> Set<String> {
        do {
            let output = try await context.client.paginate(
                .iam, IAM.Operation.listAttachedRolePolicies, ["RoleName": .string(role)])
            return Set((output["AttachedPolicies"].array ?? []).compactMap { $0["PolicyArn"].string })
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            return []
        }
    }

    /// AttachRolePolicy is idempotent: a retried create needs no token.
    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        guard let role = request.attributes.string("role"), let arn = request.attributes.string("policy_arn") else {
            throw IAMInputError(resource: "\(request.address)", reason: "role and policy_arn are required")
        }
        _ = try await context.client.call(
            .iam, IAM.Operation.attachRolePolicy, ["RoleName": .string(role), "PolicyArn": .string(arn)])
        return ObservedResource(id: "\(role)/\(arn)", attributes: ["role": .string(role), "policy_arn": .string(arn)])
    }

    /// Every attribute forces replacement: nothing to change in place.
    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        ObservedResource(id: request.id, attributes: request.prior)
    }

    public func delete(id: String, attributes: [String: Value], in context: ProviderContext) async throws {
        guard let (role, arn) = Self.split(id) else { return }
        do {
            _ = try await context.client.call(
                .iam, IAM.Operation.detachRolePolicy, ["RoleName": .string(role), "PolicyArn": .string(arn)])
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            return
        }
    }

    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? { nil }
}
