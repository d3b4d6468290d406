import Foundation
import InfraAWS

/// What `infra init --bootstrap` did to one setting of the state bucket or lock table.
public struct BootstrapStep: Sendable, Hashable, CustomStringConvertible {
    public enum Action: String, Sendable, Hashable {
        case created, updated, unchanged
    }

    /// What the step is about (`bucket infra-state`, `versioning`, `lock table infra-locks`).
    public var subject: String
    public var action: Action
    public var detail: String

    public var description: String { "\(subject): \(action.rawValue)\(detail.isEmpty ? "" : " (\(detail))")" }
}

/// The outcome of ``Bootstrap/run()``: every setting checked and what was done to it.
public struct BootstrapReport: Sendable, Hashable, CustomStringConvertible {
    public var steps: [BootstrapStep]

    /// False when everything was already in place: a second run changes nothing.
    public var changedAnything: Bool { steps.contains { $0.action != .unchanged } }

    public var description: String {
        let lines = steps.map { "  \($0)" }.joined(separator: "\n")
        return (changedAnything ? "Backend bootstrapped:\n" : "Backend already in place; nothing changed:\n") + lines
    }
}

/// Creates the state bucket (versioned, encrypted by default, public access blocked, tagged
/// `ManagedBy=infra`) and the DynamoDB lock table (`LockID` string hash key, on demand) when
/// missing, and brings an existing bucket's settings up to that standard. Idempotent: each
/// setting is read first and only written when it differs.
public struct Bootstrap: Sendable {
    public let client: AWSClient
    public let bucket: String
    public let lockTable: String?
    public let kmsKeyID: String?

    public init(client: AWSClient, bucket: String, lockTable: String?, kmsKeyID: String? = nil) {
        self.client = client
        self.bucket = bucket
        self.lockTable = lockTable
        self.kmsKeyID = kmsKeyID
    }

    public static let managedByTag = (key: "ManagedBy", value: "infra")

    public func run() async throws -> BootstrapReport {
        var steps: [BootstrapStep] = []
        steps.append(try await ensureBucket())
        steps.append(try await ensureVersioning())
        steps.append(try await ensureEncryption())
        steps.append(try await ensurePublicAccessBlock())
        steps.append(try await ensureTags())
        if let lockTable { steps.append(try await ensureTable(lockTable)) }
        return BootstrapReport(steps: steps)
    }

    private var b: AWSDocument { ["Bucket": .string(bucket)] }

    private func ensureBucket() async throws -> BootstrapStep {
        let subject = "bucket \(bucket)"
        do {
            _ = try await client.call(.s3, "HeadBucket", b)
            return BootstrapStep(subject: subject, action: .unchanged, detail: "exists")
        } catch let error as AWSError where error.isNotFound {
            var input = b
            // us-east-1 is the one region that refuses an explicit location constraint.
            if client.region != "us-east-1" {
                input["CreateBucketConfiguration"] = ["LocationConstraint": .string(client.region)]
            }
            _ = try await client.call(.s3, "CreateBucket", input)
            return BootstrapStep(subject: subject, action: .created, detail: "in \(client.region)")
        }
    }

    private func ensureVersioning() async throws -> BootstrapStep {
        let out = try await client.call(.s3, "GetBucketVersioning", b)
        if out["Status"].string == "Enabled" {
            return BootstrapStep(subject: "versioning", action: .unchanged, detail: "enabled")
        }
        var input = b
        input["VersioningConfiguration"] = ["Status": "Enabled"]
        _ = try await client.call(.s3, "PutBucketVersioning", input)
        return BootstrapStep(subject: "versioning", action: .updated, detail: "enabled")
    }

    private var wantedAlgorithm: String { kmsKeyID == nil ? "AES256" : "aws:kms" }

    private func ensureEncryption() async throws -> BootstrapStep {
        let detail = kmsKeyID.map { "aws:kms with \($0)" } ?? "AES256"
        do {
            let out = try await client.call(.s3, "GetBucketEncryption", b)
            let rule = out["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
            if rule["SSEAlgorithm"].string == wantedAlgorithm,
               kmsKeyID == nil || rule["KMSMasterKeyID"].string == kmsKeyID
            {
                return BootstrapStep(subject: "default encryption", action: .unchanged, detail: detail)
            }
        } catch let error as AWSError where error.code == "ServerSideEncryptionConfigurationNotFoundError" {
            // No default encryption yet: set it below.
        }
        var byDefault: AWSDocument = ["SSEAlgorithm": .string(wantedAlgorithm)]
        if let kmsKeyID { byDefault["KMSMasterKeyID"] = .string(kmsKeyID) }
        var input = b
        input["ServerSideEncryptionConfiguration"] = ["Rules": [["ApplyServerSideEncryptionByDefault": byDefault]]]
        _ = try await client.call(.s3, "PutBucketEncryption", input)
        return BootstrapStep(subject: "default encryption", action: .updated, detail: detail)
    }

    private static let blockSettings = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]

    private func ensurePublicAccessBlock() async throws -> BootstrapStep {
        do {
            let out = try await client.call(.s3, "GetPublicAccessBlock", b)
            let config = out["PublicAccessBlockConfiguration"]
            if Self.blockSettings.allSatisfy({ config[$0].bool == true }) {
                return BootstrapStep(subject: "public access block", action: .unchanged, detail: "all four on")
            }
        } catch let error as AWSError where error.code == "NoSuchPublicAccessBlockConfiguration" {
            // None yet: set it below.
        }
        var config: AWSDocument = [:]
        for name in Self.blockSettings { config[name] = true }
        var input = b
        input["PublicAccessBlockConfiguration"] = config
        _ = try await client.call(.s3, "PutPublicAccessBlock", input)
        return BootstrapStep(subject: "public access block", action: .updated, detail: "all four on")
    }

    private func ensureTags() async throws -> BootstrapStep {
        var tags: [AWSDocument] = []
        do {
            tags = try await client.call(.s3, "GetBucketTagging", b)["TagSet"].array ?? []
        } catch let error as AWSError where error.code == "NoSuchTagSet" {
            tags = []
        }
        let (key, value) = Self.managedByTag
        if tags.contains(where: { $0["Key"].string == key && $0["Value"].string == value }) {
            return BootstrapStep(subject: "tags", action: .unchanged, detail: "\(key)=\(value)")
        }
        // PutBucketTagging replaces the whole set: keep the tags already there.
        tags.removeAll { $0["Key"].string == key }
        tags.append(["Key": .string(key), "Value": .string(value)])
        var input = b
        input["Tagging"] = ["TagSet": .list(tags)]
        _ = try await client.call(.s3, "PutBucketTagging", input)
        return BootstrapStep(subject: "tags", action: .updated, detail: "\(key)=\(value)")
    }

    private func ensureTable(_ table: String) async throws -> BootstrapStep {
        let subject = "lock table \(table)"
        do {
            let out = try await client.call(.dynamoDB, "DescribeTable", ["TableName": .string(table)])
            let keys = out["Table"]["KeySchema"].array ?? []
            guard keys.count == 1, keys[0]["AttributeName"].string == "LockID", keys[0]["KeyType"].string == "HASH" else {
                throw S3BackendError.invalidSettings(
                    setting: "backend.s3.lock_table",
                    reason: "the table \(table) exists but its key is not the string hash key LockID; "
                        + "name another table or recreate it")
            }
            return BootstrapStep(subject: subject, action: .unchanged, detail: "exists")
        } catch let error as AWSError where error.code == "ResourceNotFoundException" {
            _ = try await client.call(.dynamoDB, "CreateTable", [
                "TableName": .string(table),
                "AttributeDefinitions": [["AttributeName": "LockID", "AttributeType": "S"]],
                "KeySchema": [["AttributeName": "LockID", "KeyType": "HASH"]],
                "BillingMode": "PAY_PER_REQUEST",
                "Tags": [["Key": .string(Self.managedByTag.key), "Value": .string(Self.managedByTag.value)]],
            ])
            try await waitUntilActive(table)
            return BootstrapStep(subject: subject, action: .created, detail: "LockID hash key, on demand")
        }
    }

    /// A new table takes a few seconds to become ACTIVE on AWS; locks cannot be written before.
    private func waitUntilActive(_ table: String) async throws {
        for _ in 0..<60 {
            let out = try await client.call(.dynamoDB, "DescribeTable", ["TableName": .string(table)])
            if out["Table"]["TableStatus"].string == "ACTIVE" { return }
            try await Task.sleep(for: .seconds(1))
        }
        throw S3BackendError.invalidSettings(
            setting: "backend.s3.lock_table",
            reason: "the table \(table) was created but is not ACTIVE after 60 s; run init again in a minute")
    }
}
