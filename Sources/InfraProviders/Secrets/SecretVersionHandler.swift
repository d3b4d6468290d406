import Crypto
import Foundation
import InfraAWS
import InfraEngine

/// `aws_secretsmanager_secret_version`: a secret's value, described by `value_source`
/// (generated, environment variable or file) and `value_version`.
///
/// The plaintext exists only inside ``create(_:in:)`` and ``update(_:in:)``, between being
/// produced and being sent with PutSecretValue. State records the version id, a random
/// per-resource salt and SHA-256(salt + value) (`value_hash`), so a changed environment variable
/// or file shows as a change at the next plan without the value ever being stored. The id is
/// `<secret ARN>|<version id>`, as Terraform's.
public struct SecretVersionHandler: AWSResourceHandler {
    public init() {}

    public let type = "aws_secretsmanager_secret_version"

    public var schema: ResourceSchema {
        ResourceSchema(type: type, attributes: [
            "secret_id": AttributeSchema(.required, forcesReplacement: true, replaceReason: "a version belongs to one secret"),
            // Changing either writes a new version in place (PutSecretValue).
            "value_source": .required,
            "value_version": .required,
            "version_id": .computed,
            "value_hash": .computed,
            "value_salt": .computed,
        ])
    }

    /// The key of `value_source` under which a read says why the value no longer matches.
    /// Its presence makes the recorded source differ from the code's, so the plan updates.
    public static let changedKey = "changed_outside_infra"

    static func split(_ id: String) -> (arn: String, version: String)? {
        guard let bar = id.lastIndex(of: "|") else { return nil }
        return (String(id[..<bar]), String(id[id.index(after: bar)...]))
    }

    // MARK: Read

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        try await read(recorded: Dictionary(uniqueKeysWithValues: ids.map { ($0, [:]) }), in: context)
    }

    /// Versions are read from the ListSecrets entries of their secrets (which list each
    /// version's stages): one call per ten secrets, and never the values.
    public func read(recorded: [String: [String: Value]], in context: ProviderContext) async throws
        -> [String: ObservedResource]
    {
        let parts = recorded.keys.compactMap { id in Self.split(id).map { (id, $0.arn, $0.version) } }
        let entries = try await SecretHandler.list(arns: parts.map { $0.1 }, in: context)
        var result: [String: ObservedResource] = [:]
        for (id, arn, version) in parts {
            guard let stages = entries[arn]?["SecretVersionsToStages"][version].array else { continue }
            let isCurrent = stages.contains { $0.string == "AWSCURRENT" }
            result[id] = Self.observe(
                arn: arn, version: version, isCurrent: isCurrent, recorded: recorded[id] ?? [:])
        }
        return result
    }

    /// The version's attributes: the recorded source, version, salt and hash, unless the value
    /// no longer is the one infra wrote (another version became current, or the environment
    /// variable or file now holds something else): then the source carries ``changedKey``.
    static func observe(arn: String, version: String, isCurrent: Bool, recorded: [String: Value]) -> ObservedResource {
        var a: [String: Value] = ["secret_id": .string(arn), "version_id": .string(version)]
        for name in ["value_version", "value_hash", "value_salt"] { if let v = recorded[name] { a[name] = v } }
        guard var source = recorded["value_source"]?.mapValue else {
            // Imported or recovered without a record: the source is unknown, so the plan writes
            // a value from the code's source.
            return ObservedResource(id: "\(arn)|\(version)", attributes: a)
        }
        var reason: String?
        if !isCurrent {
            reason = "another version of the secret is current"
        } else if let input = currentInput(source) {
            let salt = recorded["value_salt"]?.stringValue ?? ""
            let hash = saltedHash(salt: salt, value: input.value)
            if salt.isEmpty || recorded["value_hash"]?.stringValue != hash {
                reason = "\(input.origin) holds a different value"
                a["value_hash"] = .string(hash)
            }
        }
        if let reason { source[changedKey] = .string(reason) }
        a["value_source"] = .map(source)
        return ObservedResource(id: "\(arn)|\(version)", attributes: a)
    }

    /// What an environment-variable or file source holds now, for the plan's comparison; nil
    /// for generated values (they change only with `value_version`) and for inputs not
    /// available at plan time (the apply that needs them reports that).
    static func currentInput(_ source: [String: Value]) -> (value: String, origin: String)? {
        switch source["kind"]?.stringValue {
        case "environment_variable":
            guard let name = source["name"]?.stringValue, let value = ProcessInfo.processInfo.environment[name] else { return nil }
            return (value, "the environment variable \(name)")
        case "file":
            guard let path = source["path"]?.stringValue, let value = try? String(contentsOfFile: path, encoding: .utf8)
            else { return nil }
            return (value, "the file \(path)")
        default:
            return nil
        }
    }

    static func saltedHash(salt: String, value: String) -> String {
        SHA256.hash(data: Data((salt + value).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func newSalt() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    // MARK: Create, update

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        try await write(request.attributes, resource: "\(request.address)", token: request.token, in: context)
    }

    /// A new value, from the source, as a new version (the id changes with it).
    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        try await write(request.attributes, resource: "\(request.address)", token: UUID().uuidString.lowercased(), in: context)
    }

    /// Produces the value, sends it, and forgets it: only the salted hash leaves this function.
    func write(_ a: [String: Value], resource: String, token: String, in context: ProviderContext) async throws
        -> ObservedResource
    {
        guard let arn = a.string("secret_id"), let source = a["value_source"]?.mapValue else {
            throw SecretInputError(resource: resource, reason: "secret_id and value_source are required")
        }
        let value = try await produce(source, resource: resource, in: context)
        let salt = Self.newSalt()
        let hash = Self.saltedHash(salt: salt, value: value)
        var recorded: [String: Value] = [
            "value_source": .map(source), "value_salt": .string(salt), "value_hash": .string(hash),
        ]
        recorded["value_version"] = a["value_version"]
        let version: String
        do {
            // ClientRequestToken becomes the version id: a retry with the same value is a no-op.
            let output = try await context.client.call(.secretsManager, SecretsManager.Operation.putSecretValue, [
                "SecretId": .string(arn), "SecretString": .string(value), "ClientRequestToken": .string(token),
            ])
            version = output["VersionId"].string ?? token
        } catch let error as AWSError where error.code == "ResourceExistsException" {
            // The token's version exists with another value: a generated create whose response
            // was lost. Adopt that version; its hash is unknown, so no hash is recorded (an
            // environment or file source is then rewritten at the next apply).
            version = token
            recorded["value_salt"] = nil
            recorded["value_hash"] = nil
        }
        return Self.observe(arn: arn, version: version, isCurrent: true, recorded: recorded)
    }

    /// The plaintext, from where the source says. Errors name the resource and the input,
    /// never the value.
    func produce(_ source: [String: Value], resource: String, in context: ProviderContext) async throws -> String {
        switch source["kind"]?.stringValue {
        case "generated":
            var input: AWSDocument = ["PasswordLength": .integer(Int64(source["length"]?.intValue ?? 32))]
            if let excluded = source["exclude_characters"]?.stringValue, !excluded.isEmpty {
                input["ExcludeCharacters"] = .string(excluded)
            }
            let flags = [
                ("exclude_numbers", "ExcludeNumbers"), ("exclude_punctuation", "ExcludePunctuation"),
                ("exclude_uppercase", "ExcludeUppercase"), ("exclude_lowercase", "ExcludeLowercase"),
                ("include_space", "IncludeSpace"), ("require_each_included_type", "RequireEachIncludedType"),
            ]
            for (attribute, member) in flags { if let b = source[attribute]?.boolValue { input[member] = .bool(b) } }
            let output = try await context.client.call(.secretsManager, SecretsManager.Operation.getRandomPassword, input)
            guard let password = output["RandomPassword"].string, !password.isEmpty else {
                throw SecretValueError.generationFailed(resource: resource)
            }
            return password
        case "environment_variable":
            let name = source["name"]?.stringValue ?? ""
            guard let value = ProcessInfo.processInfo.environment[name] else {
                throw SecretValueError.missingEnvironmentVariable(resource: resource, name: name)
            }
            guard !value.isEmpty else { throw SecretValueError.emptyEnvironmentVariable(resource: resource, name: name) }
            return value
        case "file":
            let path = source["path"]?.stringValue ?? ""
            do {
                return try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                let reason = FileManager.default.fileExists(atPath: path) ? "not readable UTF-8 text" : "no such file"
                throw SecretValueError.unreadableFile(resource: resource, path: path, reason: reason)
            }
        case let kind:
            throw SecretValueError.unknownSource(resource: resource, kind: kind ?? "(none)")
        }
    }

    // MARK: Delete, find

    /// A secret always has a current value, which cannot be removed on its own (Terraform also
    /// only forgets it): the value goes when the secret is deleted.
    public func delete(id: String, attributes: [String: Value], in context: ProviderContext) async throws {}

    /// The token is the version id, but it does not say which secret: a lost create is found by
    /// PutSecretValue itself when it is retried with the same token (see `write`).
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? { nil }
}

/// A secret value that could not be produced at apply. Names the resource and the input;
/// never contains the value.
public enum SecretValueError: Error, Hashable, Sendable, CustomStringConvertible {
    case missingEnvironmentVariable(resource: String, name: String)
    case emptyEnvironmentVariable(resource: String, name: String)
    case unreadableFile(resource: String, path: String, reason: String)
    case generationFailed(resource: String)
    case unknownSource(resource: String, kind: String)

    public var description: String {
        switch self {
        case .missingEnvironmentVariable(let resource, let name):
            return "\(resource): the environment variable \(name) is not set; set it in the environment of infra apply"
        case .emptyEnvironmentVariable(let resource, let name):
            return "\(resource): the environment variable \(name) is empty; set it to the secret's value"
        case .unreadableFile(let resource, let path, let reason):
            return "\(resource): the file \(path) cannot be read (\(reason)); check the path and its permissions"
        case .generationFailed(let resource):
            return "\(resource): Secrets Manager GetRandomPassword returned no password; apply again"
        case .unknownSource(let resource, let kind):
            return "\(resource): value_source kind \(kind) is not generated, environment_variable or file"
        }
    }
}
