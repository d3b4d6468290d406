import InfraAWS
import InfraEngine

/// `aws_secretsmanager_secret`: the secret's container (name, description, KMS key, tags).
/// The id is the secret's ARN, as Terraform's. Never reads a secret's value.
public struct SecretHandler: AWSResourceHandler {
    public init() {}

    public let type = "aws_secretsmanager_secret"

    public var schema: ResourceSchema {
        ResourceSchema(type: type, attributes: [
            "name": AttributeSchema(.required, forcesReplacement: true, replaceReason: "Secrets Manager cannot rename a secret"),
            "description": .optional,
            "kms_key_id": .optional,
            // A parameter of DeleteSecret, not of the secret: kept in state.
            "recovery_window_in_days": .optional,
            "tags": .optional,
            "arn": .computed,
        ])
    }

    /// The recovery window when the state does not say (AWS's default).
    static let defaultRecoveryWindow = 30

    // MARK: Read

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        try await read(recorded: Dictionary(uniqueKeysWithValues: ids.map { ($0, [:]) }), in: context)
    }

    public func read(recorded: [String: [String: Value]], in context: ProviderContext) async throws
        -> [String: ObservedResource]
    {
        let entries = try await Self.list(arns: Array(recorded.keys), in: context)
        var result: [String: ObservedResource] = [:]
        for (arn, entry) in entries { result[arn] = Self.observe(entry, recorded: recorded[arn] ?? [:]) }
        return result
    }

    /// The ListSecrets entries (metadata only, never values) of the secrets `arns`, by ARN: one
    /// paginated ListSecrets per ten names (the filter's limit), names taken from the ARNs. The
    /// name filter matches prefixes, so entries are kept only when their ARN is asked for.
    static func list(arns: [String], in context: ProviderContext) async throws -> [String: AWSDocument] {
        let wanted = Set(arns)
        let names = Set(arns.compactMap(name(fromARN:))).sorted()
        var batches: [[String]] = []
        var index = 0
        while index < names.count {
            batches.append(Array(names[index..<min(index + 10, names.count)]))
            index += 10
        }
        let pages = try await concurrentMap(batches, limit: context.concurrency) { batch -> [AWSDocument] in
            let output = try await context.client.paginate(.secretsManager, SecretsManager.Operation.listSecrets, [
                "Filters": [["Key": "name", "Values": .list(batch.map { .string($0) })]]
            ])
            return output["SecretList"].array ?? []
        }
        var result: [String: AWSDocument] = [:]
        for entry in pages.joined() {
            guard let arn = entry["ARN"].string, wanted.contains(arn), entry["DeletedDate"].isNull else { continue }
            result[arn] = entry
        }
        return result
    }

    /// `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>` → name.
    static func name(fromARN arn: String) -> String? {
        guard let range = arn.range(of: ":secret:") else { return nil }
        let rest = arn[range.upperBound...]
        guard rest.count > 7 else { return String(rest) }
        return String(rest.dropLast(7))
    }

    /// A ListSecrets entry or DescribeSecret output as attributes.
    static func observe(_ entry: AWSDocument, recorded: [String: Value]) -> ObservedResource {
        let arn = entry["ARN"].string ?? ""
        var a: [String: Value] = [
            "name": .string(entry["Name"].string ?? ""),
            "arn": .string(arn),
            "recovery_window_in_days": recorded["recovery_window_in_days"] ?? .int(defaultRecoveryWindow),
        ]
        if let description = entry["Description"].string, !description.isEmpty { a["description"] = .string(description) }
        if let key = entry["KmsKeyId"].string, !key.isEmpty { a["kms_key_id"] = .string(key) }
        if let tags = Tags.attribute(from: entry["Tags"]) { a["tags"] = tags }
        return ObservedResource(id: arn, attributes: a)
    }

    static func describe(_ id: String, in context: ProviderContext) async throws -> AWSDocument? {
        do {
            let output = try await context.client.call(.secretsManager, SecretsManager.Operation.describeSecret, ["SecretId": .string(id)])
            return output["DeletedDate"].isNull ? output : nil
        } catch let error as AWSError where error.code == "ResourceNotFoundException" {
            return nil
        }
    }

    // MARK: Create, update

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        guard let name = a.string("name") else {
            throw SecretInputError(resource: "\(request.address)", reason: "name is required")
        }
        // No ClientRequestToken: it names the first version, and a secret created here has
        // none. The token tag lets `find` recover a create whose response was lost.
        var input: AWSDocument = [
            "Name": .string(name),
            "Tags": Tags.list(Tags.withToken(a.stringMap("tags"), token: request.token)),
        ]
        if let description = a.string("description") { input["Description"] = .string(description) }
        if let key = a.string("kms_key_id") { input["KmsKeyId"] = .string(key) }
        let output: AWSDocument
        do {
            output = try await context.client.call(.secretsManager, SecretsManager.Operation.createSecret, input)
        } catch let error as AWSError where error.code == "ResourceExistsException" {
            if let ours = try await find(token: request.token, in: context) { return withRecorded(ours, a) }
            throw SecretInputError(
                resource: "\(request.address)",
                reason: "a secret named \(name) already exists (or is scheduled for deletion) and infra did not "
                    + "create it; import it, restore and delete it, or choose another name")
        }
        guard let arn = output["ARN"].string else {
            throw SecretInputError(resource: "\(request.address)", reason: "CreateSecret returned no ARN")
        }
        return try await readBack(arn, recorded: a, resource: "\(request.address)", in: context)
    }

    func withRecorded(_ observed: ObservedResource, _ recorded: [String: Value]) -> ObservedResource {
        var o = observed
        if let days = recorded["recovery_window_in_days"] { o.attributes["recovery_window_in_days"] = days }
        return o
    }

    func readBack(_ arn: String, recorded: [String: Value], resource: String, in context: ProviderContext) async throws
        -> ObservedResource
    {
        guard let entry = try await Self.describe(arn, in: context) else {
            throw SecretInputError(resource: resource, reason: "the secret \(arn) vanished right after it was written")
        }
        return Self.observe(entry, recorded: recorded)
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let arn = request.id
        if request.changed.contains("description") || request.changed.contains("kms_key_id") {
            var input: AWSDocument = ["SecretId": .string(arn)]
            if let description = a.string("description") { input["Description"] = .string(description) }
            if let key = a.string("kms_key_id") { input["KmsKeyId"] = .string(key) }
            _ = try await context.client.call(.secretsManager, SecretsManager.Operation.updateSecret, input)
        }
        if request.changed.contains("tags") {
            let diff = Tags.diff(from: request.prior.stringMap("tags"), to: a.stringMap("tags"))
            if !diff.set.isEmpty {
                _ = try await context.client.call(
                    .secretsManager, SecretsManager.Operation.tagResource, ["SecretId": .string(arn), "Tags": Tags.list(diff.set)])
            }
            if !diff.remove.isEmpty {
                _ = try await context.client.call(.secretsManager, SecretsManager.Operation.untagResource, [
                    "SecretId": .string(arn), "TagKeys": .list(diff.remove.map { .string($0) }),
                ])
            }
        }
        // recovery_window_in_days has no API until delete: readBack records the new value.
        return try await readBack(arn, recorded: a, resource: "\(request.address)", in: context)
    }

    // MARK: Delete, find

    /// Deletes with the recorded recovery window; 0 deletes at once (ForceDeleteWithoutRecovery).
    public func delete(id: String, attributes: [String: Value], in context: ProviderContext) async throws {
        let days = attributes.int("recovery_window_in_days") ?? Self.defaultRecoveryWindow
        var input: AWSDocument = ["SecretId": .string(id)]
        if days == 0 {
            input["ForceDeleteWithoutRecovery"] = true
        } else {
            input["RecoveryWindowInDays"] = .integer(Int64(days))
        }
        do {
            _ = try await context.client.call(.secretsManager, SecretsManager.Operation.deleteSecret, input)
        } catch let error as AWSError where error.code == "ResourceNotFoundException" {
            return
        } catch let error as AWSError
            where error.code == "InvalidRequestException" && error.message.lowercased().contains("deletion")
        {
            return  // already scheduled for deletion: gone as far as infra is concerned
        }
    }

    /// The secret tagged with `token` (one ListSecrets filtered by the tag value).
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        let output = try await context.client.paginate(.secretsManager, SecretsManager.Operation.listSecrets, [
            "Filters": [["Key": "tag-value", "Values": [.string(token)]]]
        ])
        guard let entry = (output["SecretList"].array ?? []).first(where: { Tags.token(in: $0["Tags"]) == token })
        else { return nil }
        return Self.observe(entry, recorded: [:])
    }
}

/// Desired secret attributes that cannot be used, or an object in the way.
public struct SecretInputError: Error, Sendable, CustomStringConvertible {
    public var resource: String
    public var reason: String
    public var description: String { "\(resource): \(reason)" }
}
