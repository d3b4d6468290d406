import InfraEngine

/// `aws_secretsmanager_secret`: the secret's container (its value is a separate version).
public struct SecretsManagerSecret: Resource, SecretARNConvertible {
    public enum ARN {}
    public static let terraformType = "aws_secretsmanager_secret"
    public let name: String
    public var description: String?
    /// A customer-managed KMS key; nil uses the account's `aws/secretsmanager` key.
    public var kmsKey: InfraDSL.ARN?
    /// How long a deleted secret can be restored: 0 (delete at once) or 7 to 30 days.
    public var recoveryWindow: TimeSpan
    public var options = ResourceOptions()

    public init(
        _ name: String, description: String? = nil, kmsKey: InfraDSL.ARN? = nil, recoveryWindow: TimeSpan = .days(30)
    ) {
        self.name = name
        self.description = description
        self.kmsKey = kmsKey
        self.recoveryWindow = recoveryWindow
    }

    public var arn: Ref<ARN> { ref("arn") }
    public var secretARN: Ref<ARN> { arn }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        // Secrets are named like paths (`prod/api-key`), as the Secrets Manager console groups them.
        a.set("name", "\(context.environment)/\(name.replacingUnderscores)")
        a.set("description", description)
        a.set("kms_key_id", kmsKey)
        let days = recoveryWindow.days
        a.set("recovery_window_in_days", days)
        a.require(
            recoveryWindow.invalidity != nil || days == 0 || (7...30).contains(days), "recovery_window_in_days",
            "must be 0 (delete at once) or 7 to 30 days, not \(recoveryWindow)")
        if let problem = recoveryWindow.problem { a.report("recovery_window_in_days", problem) }
    }
}

/// Where a secret's value comes from. Only this description is ever stored: the value itself is
/// produced or read by the provider at apply time and never enters configuration, plan or state.
public enum SecretValueSource: Hashable, Sendable, ValueConvertible {
    /// Generated at apply (Secrets Manager's GetRandomPassword) under these rules.
    case generated(GeneratedSecretRules)
    /// Read at apply from this environment variable of the process running `infra apply`.
    case environmentVariable(String)
    /// Read at apply from this file (relative to the project directory).
    case file(String)

    /// A generated value of `length` characters (default rules: letters, digits, punctuation).
    public static func generated(
        length: Int = 32, excludePunctuation: Bool = false, excludeCharacters: String = "",
        includeSpace: Bool = false, requireEachIncludedType: Bool = true
    ) -> SecretValueSource {
        .generated(
            GeneratedSecretRules(
                length: length, excludeCharacters: excludeCharacters, excludePunctuation: excludePunctuation,
                includeSpace: includeSpace, requireEachIncludedType: requireEachIncludedType))
    }

    public var value: Value {
        switch self {
        case .generated(let rules):
            return .map([
                "kind": "generated",
                "length": .int(rules.length),
                "exclude_characters": .string(rules.excludeCharacters),
                "exclude_numbers": .bool(rules.excludeNumbers),
                "exclude_punctuation": .bool(rules.excludePunctuation),
                "exclude_uppercase": .bool(rules.excludeUppercase),
                "exclude_lowercase": .bool(rules.excludeLowercase),
                "include_space": .bool(rules.includeSpace),
                "require_each_included_type": .bool(rules.requireEachIncludedType),
            ])
        case .environmentVariable(let name):
            return .map(["kind": "environment_variable", "name": .string(name)])
        case .file(let path):
            return .map(["kind": "file", "path": .string(path)])
        }
    }

    public var problem: String? {
        switch self {
        case .generated(let rules):
            guard (1...4096).contains(rules.length) else {
                return "a generated secret's length must be 1 to 4096 characters, not \(rules.length)"
            }
            if rules.excludeNumbers && rules.excludePunctuation && rules.excludeUppercase && rules.excludeLowercase
                && !rules.includeSpace
            {
                return "a generated secret's rules exclude every kind of character"
            }
            return nil
        case .environmentVariable(let name):
            return name.isEmpty ? "the environment variable's name is empty" : nil
        case .file(let path):
            return path.isEmpty ? "the file's path is empty" : nil
        }
    }
}

/// The character rules of a generated secret (the parameters of GetRandomPassword).
public struct GeneratedSecretRules: Hashable, Sendable {
    public var length: Int
    public var excludeCharacters: String
    public var excludeNumbers: Bool
    public var excludePunctuation: Bool
    public var excludeUppercase: Bool
    public var excludeLowercase: Bool
    public var includeSpace: Bool
    public var requireEachIncludedType: Bool

    public init(
        length: Int = 32, excludeCharacters: String = "", excludeNumbers: Bool = false, excludePunctuation: Bool = false,
        excludeUppercase: Bool = false, excludeLowercase: Bool = false, includeSpace: Bool = false,
        requireEachIncludedType: Bool = true
    ) {
        self.length = length
        self.excludeCharacters = excludeCharacters
        self.excludeNumbers = excludeNumbers
        self.excludePunctuation = excludePunctuation
        self.excludeUppercase = excludeUppercase
        self.excludeLowercase = excludeLowercase
        self.includeSpace = includeSpace
        self.requireEachIncludedType = requireEachIncludedType
    }
}

/// `aws_secretsmanager_secret_version`: the secret's value, described by its source.
///
/// Instead of Terraform's `secret_string` this resource has `value_source` (the source
/// descriptor: generated rules, environment variable name or file path) and `value_version`
/// (bump it to force a new value). Providers produce the value at apply and record only the
/// version id (and a salted hash) in state.
public struct SecretsManagerSecretVersion: Resource {
    public static let terraformType = "aws_secretsmanager_secret_version"
    public static let isTaggable = false
    public let name: String
    public var secret: Ref<SecretsManagerSecret.ARN>
    public var source: SecretValueSource
    /// Increase to write a new value from the same source (a rotation by hand).
    public var valueVersion: Int
    public var options = ResourceOptions()

    public init(_ name: String, secret: Ref<SecretsManagerSecret.ARN>, source: SecretValueSource, valueVersion: Int = 1) {
        self.name = name
        self.secret = secret
        self.source = source
        self.valueVersion = valueVersion
    }

    public var versionID: Ref<Attribute.Text> { ref("version_id") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("secret_id", secret)
        a.set("value_source", source)
        a.set("value_version", valueVersion)
        a.require(valueVersion >= 1, "value_version", "must be 1 or more")
    }
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}
