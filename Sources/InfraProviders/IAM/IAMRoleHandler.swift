import InfraAWS
import InfraEngine

/// `aws_iam_role`: a role with its trust policy, description, session length and tags. The id
/// is the role's name (unique in the account).
public struct IAMRoleHandler: AWSResourceHandler {
    public init() {}

    public let type = "aws_iam_role"

    public var schema: ResourceSchema {
        ResourceSchema(type: type, attributes: [
            "name": AttributeSchema(.required, forcesReplacement: true, replaceReason: "IAM cannot rename a role"),
            "path": AttributeSchema(.optional, forcesReplacement: true, replaceReason: "IAM cannot move a role to another path"),
            "assume_role_policy": .required,
            "description": .optional,
            "max_session_duration": .optional,
            // Only infra knows it (kept in state): whether delete detaches policies first.
            "force_detach_policies": .optional,
            "tags": .optional,
            "arn": .computed,
            "unique_id": .computed,
        ])
    }

    // MARK: Read

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        try await read(recorded: Dictionary(uniqueKeysWithValues: ids.map { ($0, [:]) }), in: context)
    }

    public func read(recorded: [String: [String: Value]], in context: ProviderContext) async throws
        -> [String: ObservedResource]
    {
        let ids = recorded.keys.sorted()
        if ids.count >= IAMAccountDetails.batchThreshold {
            let account = try await IAMAccountDetails.fetch(withListRoles: true, in: context)
            var result: [String: ObservedResource] = [:]
            for name in ids {
                guard let role = account.roles[name] else { continue }
                result[name] = try Self.observe(role, recorded: recorded[name] ?? [:])
            }
            return result
        }
        // A few roles: one GetRole per id, overlapped (bounded by the context's concurrency).
        let found = try await concurrentMap(ids, limit: context.concurrency) { name -> ObservedResource? in
            guard let role = try await Self.getRole(name, in: context) else { return nil }
            return try Self.observe(role, recorded: recorded[name] ?? [:])
        }
        var result: [String: ObservedResource] = [:]
        for case let observed? in found { result[observed.id] = observed }
        return result
    }

    static func getRole(_ name: String, in context: ProviderContext) async throws -> AWSDocument? {
        do {
            let output = try await context.client.call(.iam, IAM.Operation.getRole, ["RoleName": .string(name)])
            return output["Role"]
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            return nil
        }
    }

    /// The role's attributes. The trust policy is reported in its recorded form when it is the
    /// same policy, so AWS's re-formatting never shows as a change.
    static func observe(_ role: AWSDocument, recorded: [String: Value]) throws -> ObservedResource {
        let name = role["RoleName"].string ?? ""
        var a: [String: Value] = [
            "name": .string(name),
            "path": .string(role["Path"].string ?? "/"),
            "arn": .string(role["Arn"].string ?? ""),
            "unique_id": .string(role["RoleId"].string ?? ""),
            "max_session_duration": .int(role["MaxSessionDuration"].int ?? 3600),
            "force_detach_policies": recorded["force_detach_policies"] ?? .bool(false),
        ]
        if let description = role["Description"].string, !description.isEmpty { a["description"] = .string(description) }
        if let tags = Tags.attribute(from: role["Tags"]) { a["tags"] = tags }
        if let document = role["AssumeRolePolicyDocument"].string {
            let policy = try PolicyJSON.decode(document, resource: "aws_iam_role \(name)", attribute: "assume_role_policy")
            if let previous = recorded["assume_role_policy"], PolicyJSON.equivalent(previous, policy) {
                a["assume_role_policy"] = previous
            } else {
                a["assume_role_policy"] = policy
            }
        }
        return ObservedResource(id: name, attributes: a)
    }

    // MARK: Create

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let resource = "\(request.address)"
        guard let name = a.string("name"), let policy = a["assume_role_policy"] else {
            throw IAMInputError(resource: resource, reason: "name and assume_role_policy are required")
        }
        var input: AWSDocument = [
            "RoleName": .string(name),
            "AssumeRolePolicyDocument": .string(try PolicyJSON.encode(policy, resource: resource, attribute: "assume_role_policy")),
            "Tags": Tags.list(Tags.withToken(a.stringMap("tags"), token: request.token)),
        ]
        if let path = a.string("path") { input["Path"] = .string(path) }
        if let description = a.string("description") { input["Description"] = .string(description) }
        if let seconds = a.int("max_session_duration") { input["MaxSessionDuration"] = .integer(Int64(seconds)) }
        do {
            _ = try await context.client.call(.iam, IAM.Operation.createRole, input)
        } catch let error as AWSError where error.code == "EntityAlreadyExists" {
            // CreateRole has no idempotency token: a retried create whose first response was
            // lost finds its own role (same token tag); any other role of that name is not ours.
            guard let existing = try await Self.getRole(name, in: context),
                Tags.token(in: existing["Tags"]) == request.token
            else {
                throw IAMInputError(
                    resource: resource,
                    reason: "a role named \(name) already exists and infra did not create it; import it "
                        + "(infra import <env> \(request.address) \(name)) or choose another name")
            }
        }
        return try await readBack(name, recorded: a, resource: resource, in: context)
    }

    func readBack(_ name: String, recorded: [String: Value], resource: String, in context: ProviderContext) async throws
        -> ObservedResource
    {
        guard let role = try await Self.getRole(name, in: context) else {
            throw IAMInputError(resource: resource, reason: "the role \(name) vanished right after it was written; plan again")
        }
        return try Self.observe(role, recorded: recorded)
    }

    // MARK: Update

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let resource = "\(request.address)"
        let name = request.id
        if request.changed.contains("assume_role_policy"), let policy = a["assume_role_policy"] {
            _ = try await context.client.call(.iam, IAM.Operation.updateAssumeRolePolicy, [
                "RoleName": .string(name),
                "PolicyDocument": .string(try PolicyJSON.encode(policy, resource: resource, attribute: "assume_role_policy")),
            ])
        }
        if request.changed.contains("description") || request.changed.contains("max_session_duration") {
            var input: AWSDocument = ["RoleName": .string(name)]
            if let description = a.string("description") { input["Description"] = .string(description) }
            if let seconds = a.int("max_session_duration") { input["MaxSessionDuration"] = .integer(Int64(seconds)) }
            _ = try await context.client.call(.iam, IAM.Operation.updateRole, input)
        }
        if request.changed.contains("tags") {
            let diff = Tags.diff(from: request.prior.stringMap("tags"), to: a.stringMap("tags"))
            if !diff.set.isEmpty {
                _ = try await context.client.call(.iam, IAM.Operation.tagRole, ["RoleName": .string(name), "Tags": Tags.list(diff.set)])
            }
            if !diff.remove.isEmpty {
                _ = try await context.client.call(
                    .iam, IAM.Operation.untagRole, ["RoleName": .string(name), "TagKeys": .list(diff.remove.map { .string($0) })])
            }
        }
        // force_detach_policies has no API: the new value is recorded in state by readBack.
        return try await readBack(name, recorded: a, resource: resource, in: context)
    }

    // MARK: Delete

    public func delete(id: String, attributes: [String: Value], in context: ProviderContext) async throws {
        // Inline policies and attachments are resources of their own, deleted first by the
        // engine; force_detach_policies also removes those made outside infra.
        if attributes.bool("force_detach_policies") == true {
            try await Self.detachEverything(from: id, in: context)
        }
        do {
            _ = try await context.client.call(.iam, IAM.Operation.deleteRole, ["RoleName": .string(id)])
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            return
        }
    }

    static func detachEverything(from role: String, in context: ProviderContext) async throws {
        do {
            let attached = try await context.client.paginate(
                .iam, IAM.Operation.listAttachedRolePolicies, ["RoleName": .string(role)])
            for policy in attached["AttachedPolicies"].array ?? [] {
                guard let arn = policy["PolicyArn"].string else { continue }
                _ = try await context.client.call(
                    .iam, IAM.Operation.detachRolePolicy, ["RoleName": .string(role), "PolicyArn": .string(arn)])
            }
            let inline = try await context.client.paginate(.iam, IAM.Operation.listRolePolicies, ["RoleName": .string(role)])
            for name in (inline["PolicyNames"].array ?? []).compactMap(\.string) {
                _ = try await context.client.call(
                    .iam, IAM.Operation.deleteRolePolicy, ["RoleName": .string(role), "PolicyName": .string(name)])
            }
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            return
        }
    }

    // MARK: Find

    /// The role tagged with `token`. The token does not say the role's name, and ListRoles
    /// returns no tags, so this lists roles and reads the tags of each; it only runs for a create
    /// whose result was lost (a crash mid-apply).
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        let roles = try await context.client.paginate(.iam, IAM.Operation.listRoles)
        let names = (roles["Roles"].array ?? []).compactMap { $0["RoleName"].string }
        let matches = try await concurrentMap(names, limit: context.concurrency) { name -> AWSDocument? in
            let tags = try? await context.client.paginate(.iam, IAM.Operation.listRoleTags, ["RoleName": .string(name)])
            return Tags.token(in: tags?["Tags"] ?? .null) == token ? try await Self.getRole(name, in: context) : nil
        }
        guard let role = matches.compactMap({ $0 }).first else { return nil }
        return try Self.observe(role, recorded: [:])
    }
}

/// Desired IAM attributes that cannot be sent, or an object in the way.
public struct IAMInputError: Error, Sendable, CustomStringConvertible {
    public var resource: String
    public var reason: String
    public var description: String { "\(resource): \(reason)" }
}
