import InfraEngine

/// The environment-wide part of `environments/<env>.yaml`: where and how the environment deploys.
public struct EnvironmentHeader: Sendable, Hashable, Decodable {
    public var region: String
    /// When set, infra refuses to run against any other account.
    public var account: String?
    public var backend: BackendSettings
    /// The stacks this environment deploys, by name.
    public var stacks: [String]
    /// Added to every taggable resource (after `Environment`, `Stack`, `ManagedBy`).
    public var tags: [String: String]
    /// Policy thresholds, carried as written for the policy checks.
    public var policy: [String: Value]
    /// Overrides the name-based guess (`prod`, `production`) of whether this is production.
    public var production: Bool?

    /// The top-level keys of the header; every other top-level key is a stack's settings.
    public static let keys = ["region", "account", "backend", "stacks", "tags", "policy", "production"]

    enum CodingKeys: String, CodingKey {
        case region, account, backend, stacks, tags, policy, production
    }

    public init(
        region: String, account: String? = nil, backend: BackendSettings = .local(path: "state"), stacks: [String],
        tags: [String: String] = [:], policy: [String: Value] = [:], production: Bool? = nil
    ) {
        self.region = region
        self.account = account
        self.backend = backend
        self.stacks = stacks
        self.tags = tags
        self.policy = policy
        self.production = production
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        region = try c.decode(String.self, forKey: .region)
        account = try c.decodeIfPresent(AccountID.self, forKey: .account)?.text
        backend = try c.decodeIfPresent(BackendSettings.self, forKey: .backend) ?? .local(path: "state")
        stacks = try c.decode([String].self, forKey: .stacks)
        tags = try c.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
        policy = try c.decodeIfPresent([String: AnyValue].self, forKey: .policy)?.mapValues(\.value) ?? [:]
        production = try c.decodeIfPresent(Bool.self, forKey: .production)
        if !Self.isRegion(region) {
            throw DecodingError.dataCorruptedError(
                forKey: .region, in: c, debugDescription: "'\(region)' is not an AWS region name (e.g. eu-west-1)")
        }
    }

    static func isRegion(_ s: String) -> Bool {
        let parts = s.split(separator: "-")
        return parts.count >= 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } }
            && parts.last?.allSatisfy(\.isNumber) == true
    }
}

/// A 12-digit AWS account id (YAML may read it as a number).
struct AccountID: Decodable {
    var text: String
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        text = try c.decode(String.self)
        guard text.count == 12, text.allSatisfy(\.isASCIIDigit) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "an AWS account id is 12 digits; quote it if it starts with 0 ('0123...')")
        }
    }
}

/// Where the environment's state lives.
public enum BackendSettings: Sendable, Hashable, Decodable {
    /// `local: {path: state}`: state files under this folder of the project.
    case local(path: String)
    /// `s3: {bucket, key_prefix?, region?, lock_table?, kms_key_id?, lock: dynamodb|s3}`; `lock`
    /// defaults to `dynamodb` when `lock_table` is given and to `s3` (conditional writes) otherwise.
    case s3(S3Backend)

    enum CodingKeys: String, CodingKey { case local, s3 }

    struct LocalBackend: Decodable { var path: String }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let hasLocal = c.contains(.local)
        let hasS3 = c.contains(.s3)
        switch (hasLocal, hasS3) {
        case (true, false): self = .local(path: try c.decode(LocalBackend.self, forKey: .local).path)
        case (false, true): self = .s3(try c.decode(S3Backend.self, forKey: .s3))
        default:
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath, debugDescription: "expected exactly one of 'local' or 's3'"))
        }
    }
}

/// The S3 backend: state objects in a bucket, locked in DynamoDB (or with S3 conditional writes).
public struct S3Backend: Sendable, Hashable, Decodable {
    public enum LockKind: String, Sendable, Hashable, Decodable {
        case dynamodb, s3
    }

    public var bucket: String
    public var keyPrefix: String?
    public var region: String?
    public var lockTable: String?
    public var kmsKeyID: String?
    public var lock: LockKind

    enum CodingKeys: String, CodingKey {
        case bucket, keyPrefix, region, lockTable
        case kmsKeyID = "kmsKeyId"
        case lock
    }

    public init(
        bucket: String, keyPrefix: String? = nil, region: String? = nil, lockTable: String? = nil,
        kmsKeyID: String? = nil, lock: LockKind = .dynamodb
    ) {
        self.bucket = bucket
        self.keyPrefix = keyPrefix
        self.region = region
        self.lockTable = lockTable
        self.kmsKeyID = kmsKeyID
        self.lock = lock
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bucket = try c.decode(String.self, forKey: .bucket)
        keyPrefix = try c.decodeIfPresent(String.self, forKey: .keyPrefix)
        region = try c.decodeIfPresent(String.self, forKey: .region)
        lockTable = try c.decodeIfPresent(String.self, forKey: .lockTable)
        kmsKeyID = try c.decodeIfPresent(String.self, forKey: .kmsKeyID)
        let lockText = try c.decodeIfPresent(String.self, forKey: .lock)
        if let lockText {
            guard let kind = LockKind(rawValue: lockText) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .lock, in: c, debugDescription: "expected dynamodb or s3, found '\(lockText)'")
            }
            lock = kind
        } else {
            lock = lockTable == nil ? .s3 : .dynamodb
        }
        if lock == .dynamodb && lockTable == nil {
            throw DecodingError.keyNotFound(
                CodingKeys.lockTable,
                .init(codingPath: c.codingPath, debugDescription: "lock: dynamodb needs lock_table"))
        }
    }
}

/// Any YAML value, converted to the engine's `Value` (for free-form maps such as `policy`).
struct AnyValue: Decodable {
    var value: Value

    init(from decoder: any Decoder) throws {
        if let c = try? decoder.container(keyedBy: SettingsKey.self) {
            var map: [String: Value] = [:]
            for key in c.allKeys { map[key.stringValue] = try c.decode(AnyValue.self, forKey: key).value }
            value = .map(map)
            return
        }
        if var c = try? decoder.unkeyedContainer() {
            var list: [Value] = []
            while !c.isAtEnd { list.append(try c.decode(AnyValue.self).value) }
            value = .list(list)
            return
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            value = .null
        } else if let b = try? c.decode(Bool.self) {
            value = .bool(b)
        } else if let n = try? c.decode(Int.self) {
            value = .int(n)
        } else if let d = try? c.decode(Double.self) {
            value = .number(d)
        } else {
            value = .string(try c.decode(String.self))
        }
    }
}
