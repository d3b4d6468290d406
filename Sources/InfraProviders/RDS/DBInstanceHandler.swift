import InfraAWS
import InfraEngine

/// `aws_db_instance` for PostgreSQL; id = the DB instance identifier.
///
/// - The master password is always managed by RDS in Secrets Manager
///   (`ManageMasterUserPassword=true`): infra never sees, sends or stores a password. The
///   `master_user_secret` block (secret ARN, KMS key, status) is computed.
/// - Reads are batched: ONE DescribeDBInstances with a `db-instance-id` filter of up to 100
///   ids (paginated); tags come back in its `TagList`.
/// - `apply_immediately` (decided): passed to ModifyDBInstance as given. The DSL writes
///   `false`, Terraform's default, so class and storage changes wait for the maintenance
///   window as they do with Terraform. Because AWS then reports the old values with the new
///   ones under `PendingModifiedValues`, reads report the pending values: a change that is
///   scheduled is not planned again. `apply_immediately`, `skip_final_snapshot` and
///   `final_snapshot_identifier` exist only in the state (AWS keeps no such setting).
/// - `engine_version` upgrades in place (with AllowMajorVersionUpgrade when the major
///   changes); a downgrade is refused with an error saying to replace the instance, because a
///   schema cannot make only downgrades force a replacement.
/// - Delete refuses while `deletion_protection` is on, and takes a final snapshot unless
///   `skip_final_snapshot` is true.
public struct DBInstanceHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_db_instance"

    public var schema: ResourceSchema {
        func forceNew(_ presence: AttributeSchema.Presence, _ why: String) -> AttributeSchema {
            AttributeSchema(presence, forcesReplacement: true, replaceReason: why)
        }
        return ResourceSchema(type: type, attributes: [
            "identifier": forceNew(.required, "RDS renames instances only with a new endpoint; infra replaces instead"),
            "engine": forceNew(.required, "an instance's engine cannot change"),
            "username": forceNew(.required, "the master user name is fixed at creation"),
            "db_name": forceNew(.optional, "the initial database name is fixed at creation"),
            "storage_encrypted": forceNew(.optionalComputed, "encryption at rest cannot be turned on or off on an instance"),
            "kms_key_id": forceNew(.optionalComputed, "the storage KMS key is fixed at creation"),
            "db_subnet_group_name": forceNew(.required, "moving an instance to another subnet group (VPC) needs a new instance"),
            "engine_version": .required,
            "instance_class": .required,
            "allocated_storage": .required,
            "max_allocated_storage": .optional,
            "storage_type": .optionalComputed,
            "multi_az": .optionalComputed,
            "publicly_accessible": .optionalComputed,
            "backup_retention_period": .optionalComputed,
            "deletion_protection": .optionalComputed,
            "copy_tags_to_snapshot": .optionalComputed,
            "auto_minor_version_upgrade": .optionalComputed,
            "vpc_security_group_ids": .optionalComputed,
            "parameter_group_name": .optionalComputed,
            "manage_master_user_password": .optional,
            "apply_immediately": .optional,
            "skip_final_snapshot": .optional,
            "final_snapshot_identifier": .optional,
            "tags": .optional,
            "id": .computed,
            "arn": .computed,
            "endpoint": .computed,
            "address": .computed,
            "port": .computed,
            "status": .computed,
            "master_user_secret": .computed,
        ])
    }

    /// DescribeDBInstances accepts at most 100 values in one filter.
    static let filterValueLimit = 100
    /// Attributes only the state knows.
    static let stateOnly = ["apply_immediately", "skip_final_snapshot", "final_snapshot_identifier"]
    /// Statuses an instance does not leave for `available` without someone acting.
    static let failedStatuses: Set<String> = [
        "failed", "incompatible-parameters", "incompatible-network", "incompatible-option-group",
        "incompatible-restore", "incompatible-credentials", "inaccessible-encryption-credentials", "storage-full",
        "restore-error",
    ]

    // MARK: Read

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        try await read(recorded: Dictionary(ids.map { ($0, [:]) }, uniquingKeysWith: { a, _ in a }), in: context)
    }

    public func read(recorded: [String: [String: InfraEngine.Value]], in context: ProviderContext) async throws
        -> [String: ObservedResource]
    {
        var result: [String: ObservedResource] = [:]
        for instance in try await Self.describe(Array(recorded.keys), in: context) {
            guard let id = instance["DBInstanceIdentifier"].string else { continue }
            result[id] = Self.observe(instance, recorded: recorded[id] ?? [:])
        }
        return result
    }

    /// The instances among `ids` that exist: one paginated call per 100 ids.
    static func describe(_ ids: [String], in context: ProviderContext) async throws -> [AWSDocument] {
        let unique = Array(Set(ids)).sorted()
        var items: [AWSDocument] = []
        var start = 0
        while start < unique.count {
            let chunk = unique[start..<min(start + filterValueLimit, unique.count)]
            start += filterValueLimit
            let output = try await context.client.paginate(.rds, RDS.Operation.describeDBInstances, [
                "Filters": [["Name": "db-instance-id", "Values": .list(chunk.map { .string($0) })]],
            ])
            items += output["DBInstances"].array ?? []
        }
        return items
    }

    static func describeOne(_ id: String, in context: ProviderContext) async throws -> AWSDocument? {
        try await describe([id], in: context).first { $0["DBInstanceIdentifier"].string == id }
    }

    static func observe(_ db: AWSDocument, recorded: [String: InfraEngine.Value]) -> ObservedResource {
        let id = db["DBInstanceIdentifier"].string ?? ""
        let pending = db["PendingModifiedValues"]
        var a: Attributes = ["id": .string(id), "identifier": .string(id)]
        a.put("engine", db["Engine"].string)
        a.put("engine_version", pending["EngineVersion"].string ?? db["EngineVersion"].string)
        a.put("instance_class", pending["DBInstanceClass"].string ?? db["DBInstanceClass"].string)
        a.put("allocated_storage", pending["AllocatedStorage"].int ?? db["AllocatedStorage"].int)
        a.put("max_allocated_storage", db["MaxAllocatedStorage"].int)
        a.put("storage_type", pending["StorageType"].string ?? db["StorageType"].string)
        a.put("storage_encrypted", db["StorageEncrypted"].bool)
        a.put("kms_key_id", db["KmsKeyId"].string)
        a.put("username", db["MasterUsername"].string)
        a.put("db_name", db["DBName"].string)
        a.put("db_subnet_group_name", db["DBSubnetGroup"]["DBSubnetGroupName"].string)
        a.put("parameter_group_name", db["DBParameterGroups"][0]["DBParameterGroupName"].string)
        a["vpc_security_group_ids"] = QueryService.idList(
            (db["VpcSecurityGroups"].array ?? []).compactMap { $0["VpcSecurityGroupId"].string }, recorded: recorded["vpc_security_group_ids"])
        a.put("multi_az", pending["MultiAZ"].bool ?? db["MultiAZ"].bool)
        a.put("publicly_accessible", db["PubliclyAccessible"].bool ?? false)
        a.put("backup_retention_period", pending["BackupRetentionPeriod"].int ?? db["BackupRetentionPeriod"].int)
        a.put("deletion_protection", db["DeletionProtection"].bool)
        a.put("copy_tags_to_snapshot", db["CopyTagsToSnapshot"].bool)
        a.put("auto_minor_version_upgrade", db["AutoMinorVersionUpgrade"].bool)
        a.put("status", db["DBInstanceStatus"].string)
        a.put("arn", db["DBInstanceArn"].string)
        let secret = db["MasterUserSecret"]
        a["manage_master_user_password"] = .bool(!secret.isNull)
        if let arn = secret["SecretArn"].string {
            var block: [String: InfraEngine.Value] = ["secret_arn": .string(arn)]
            if let key = secret["KmsKeyId"].string { block["kms_key_id"] = .string(key) }
            if let status = secret["SecretStatus"].string { block["secret_status"] = .string(status) }
            a["master_user_secret"] = .list([.map(block)])
        }
        if let address = db["Endpoint"]["Address"].string {
            let port = db["Endpoint"]["Port"].int ?? db["DbInstancePort"].int ?? 5432
            a["address"] = .string(address)
            a["port"] = .int(port)
            a["endpoint"] = .string("\(address):\(port)")
        }
        a["tags"] = Tags.attribute(from: db["TagList"])
        // State-only settings: as recorded; for an import (nothing recorded) the values the
        // DSL derives by default — apply at the maintenance window, and a final snapshot
        // exactly when deletion protection is on (production).
        if recorded.isEmpty {
            let protected = db["DeletionProtection"].bool ?? false
            a["apply_immediately"] = .bool(false)
            a["skip_final_snapshot"] = .bool(!protected)
            if protected { a["final_snapshot_identifier"] = .string("\(id)-final") }
        } else {
            for key in stateOnly { if let value = recorded[key] { a[key] = value } }
        }
        return ObservedResource(id: id, attributes: a)
    }

    // MARK: Wait

    /// Polls until the instance is `available`; a failed status ends the wait with its reason.
    static func waitAvailable(_ id: String, in context: ProviderContext, progress: @escaping @Sendable (String) -> Void) async throws {
        try await QueryService.wait("DB instance \(id) to become available", in: context, progress: progress,
                                    describe: { try await describeOne(id, in: context) }) { db in
            guard let db else { return .pending(status: "not listed yet") }
            let status = db["DBInstanceStatus"].string ?? "unknown"
            if status == "available" { return .done(true) }
            if failedStatuses.contains(status) {
                let infos = (db["StatusInfos"].array ?? []).compactMap { $0["Message"].string }
                return .failed(status: status, reason: infos.isEmpty ? "RDS reports the instance as \(status)" : infos.joined(separator: "; "))
            }
            return .pending(status: status)
        }
    }

    // MARK: Create, update

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let id = a.string("identifier") ?? ""
        var input: AWSDocument = [
            "DBInstanceIdentifier": .string(id),
            "Engine": .string(a.string("engine") ?? "postgres"),
            "DBInstanceClass": .string(a.string("instance_class") ?? ""),
            "MasterUsername": .string(a.string("username") ?? ""),
            // Never a password: RDS generates it and keeps it in Secrets Manager.
            "ManageMasterUserPassword": true,
            "Tags": Tags.list(Tags.withToken(a.stringMap("tags"), token: request.token)),
        ]
        func set(_ member: String, _ key: String) {
            if let value = a[key], value.unmarked != .null { input[member] = AWSDocument(value) }
        }
        set("EngineVersion", "engine_version")
        set("AllocatedStorage", "allocated_storage")
        set("MaxAllocatedStorage", "max_allocated_storage")
        set("StorageType", "storage_type")
        set("StorageEncrypted", "storage_encrypted")
        set("KmsKeyId", "kms_key_id")
        set("DBName", "db_name")
        set("DBSubnetGroupName", "db_subnet_group_name")
        set("DBParameterGroupName", "parameter_group_name")
        set("VpcSecurityGroupIds", "vpc_security_group_ids")
        set("MultiAZ", "multi_az")
        set("PubliclyAccessible", "publicly_accessible")
        set("BackupRetentionPeriod", "backup_retention_period")
        set("DeletionProtection", "deletion_protection")
        set("CopyTagsToSnapshot", "copy_tags_to_snapshot")
        set("AutoMinorVersionUpgrade", "auto_minor_version_upgrade")
        do {
            _ = try await context.client.call(.rds, RDS.Operation.createDBInstance, input)
        } catch where QueryService.isAlreadyExists(error) {
            // RDS has no idempotency token: an instance of this name carrying our token tag is
            // the one a lost response created.
            guard let existing = try await Self.describeOne(id, in: context), Tags.token(in: existing["TagList"]) == request.token else {
                throw DataResourceError(resource: "\(request.address)", message:
                    "a DB instance named \(id) already exists and infra did not create it; import it or choose another identifier")
            }
        }
        do {
            try await Self.waitAvailable(id, in: context, progress: request.progress)
        } catch let error as WaitError {
            throw ResourceNotReadyError(object: try await readBack(id, recorded: a, in: context), reason: error.description)
        }
        return try await readBack(id, recorded: a, in: context)
    }

    func readBack(_ id: String, recorded: Attributes, in context: ProviderContext) async throws -> ObservedResource {
        guard let db = try await Self.describeOne(id, in: context) else { throw ObjectVanishedError(type: type, id: id) }
        var known = recorded
        if known["apply_immediately"] == nil { known["apply_immediately"] = .bool(false) }  // recorded, not inferred
        return Self.observe(db, recorded: known)
    }

    /// Terraform attribute → ModifyDBInstance member, for the in-place attributes.
    static let modifiable: [(attribute: String, member: String)] = [
        ("instance_class", "DBInstanceClass"), ("allocated_storage", "AllocatedStorage"),
        ("max_allocated_storage", "MaxAllocatedStorage"), ("storage_type", "StorageType"), ("multi_az", "MultiAZ"),
        ("backup_retention_period", "BackupRetentionPeriod"), ("deletion_protection", "DeletionProtection"),
        ("engine_version", "EngineVersion"), ("vpc_security_group_ids", "VpcSecurityGroupIds"),
        ("parameter_group_name", "DBParameterGroupName"), ("publicly_accessible", "PubliclyAccessible"),
        ("copy_tags_to_snapshot", "CopyTagsToSnapshot"), ("auto_minor_version_upgrade", "AutoMinorVersionUpgrade"),
    ]

    /// Compares dotted version strings numerically ("9.6" < "16.3").
    static func isDowngrade(from old: String, to new: String) -> Bool {
        let o = old.split(separator: ".").map { Int($0) ?? 0 }
        let n = new.split(separator: ".").map { Int($0) ?? 0 }
        return n.lexicographicallyPrecedes(o)
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        var input: AWSDocument = [
            "DBInstanceIdentifier": .string(request.id),
            "ApplyImmediately": .bool(a.bool("apply_immediately") ?? false),
        ]
        var any = false
        for (attribute, member) in Self.modifiable where request.changed.contains(attribute) {
            guard let value = a[attribute], value.unmarked != .null else { continue }
            input[member] = AWSDocument(value)
            any = true
        }
        if request.changed.contains("engine_version"), let old = request.prior.string("engine_version"),
           let new = a.string("engine_version")
        {
            if Self.isDowngrade(from: old, to: new) {
                throw DataResourceError(resource: "\(request.address)", message:
                    "RDS cannot downgrade engine_version from \(old) to \(new); restore a snapshot into a new instance, "
                        + "or replace this one with `infra plan ENV --replace \(request.address)` (data is lost)")
            }
            if old.split(separator: ".").first != new.split(separator: ".").first { input["AllowMajorVersionUpgrade"] = true }
        }
        if any {
            _ = try await context.client.call(.rds, RDS.Operation.modifyDBInstance, input)
            try await Self.waitAvailable(request.id, in: context, progress: request.progress)
        }
        if request.changed.contains("tags"), let arn = request.prior.string("arn") {
            try await QueryService.updateTags(context, .rds, arn: arn, prior: request.prior, desired: a)
        }
        return try await readBack(request.id, recorded: a, in: context)
    }

    // MARK: Delete, find

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        if attributes.bool("deletion_protection") == true {
            throw DataResourceError(resource: "aws_db_instance \(id)", message:
                "deletion protection is on; set deletion protection off (deletionProtection: false) and apply first, then delete")
        }
        var input: AWSDocument = ["DBInstanceIdentifier": .string(id), "DeleteAutomatedBackups": true]
        if attributes.bool("skip_final_snapshot") == true {
            input["SkipFinalSnapshot"] = true
        } else {
            input["SkipFinalSnapshot"] = false
            input["FinalDBSnapshotIdentifier"] = .string(attributes.string("final_snapshot_identifier") ?? "\(id)-final")
        }
        do {
            _ = try await context.client.call(.rds, RDS.Operation.deleteDBInstance, input)
        } catch where QueryService.isNotFound(error) {
            return
        } catch let error as AWSError where error.message.lowercased().contains("deletion protection") {
            throw DataResourceError(resource: "aws_db_instance \(id)", message:
                "AWS refused the delete because deletion protection is on; set deletion protection off and apply first")
        }
        try await QueryService.wait("DB instance \(id) to be deleted", in: context, progress: { _ in },
                                    describe: { try await Self.describeOne(id, in: context) }) { db in
            guard let db else { return .done(true) }
            return .pending(status: db["DBInstanceStatus"].string ?? "deleting")
        }
    }

    /// Every instance's `TagList` comes with DescribeDBInstances: one paginated list of all.
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        let output = try await context.client.paginate(.rds, RDS.Operation.describeDBInstances, [:])
        guard let db = (output["DBInstances"].array ?? []).first(where: { Tags.token(in: $0["TagList"]) == token }),
              let id = db["DBInstanceIdentifier"].string
        else { return nil }
        try await Self.waitAvailable(id, in: context, progress: { _ in })
        return Self.observe(try await Self.describeOne(id, in: context) ?? db, recorded: ["apply_immediately": .bool(false)])
    }
}
