import InfraEngine

/// `aws_db_subnet_group`: the subnets an RDS instance may be placed in.
public struct DBSubnetGroup: Resource {
    public enum Name {}
    public static let terraformType = "aws_db_subnet_group"
    public let name: String
    public var subnets: [Ref<Subnet.ID>]
    public var description: String
    public var options = ResourceOptions()

    public init(_ name: String, subnets: [Ref<Subnet.ID>], description: String) {
        self.name = name
        self.subnets = subnets
        self.description = description
    }

    public var groupName: Ref<Name> { ref("name") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("name", context.physicalName(name).lowercased())
        a.set("description", description)
        a.set("subnet_ids", subnets)
        a.require(subnets.count >= 2, "subnet_ids", "RDS needs subnets in at least two availability zones")
    }
}

/// `aws_db_parameter_group`.
public struct DBParameterGroup: Resource {
    public enum Name {}
    public static let terraformType = "aws_db_parameter_group"
    public let name: String
    /// The engine family, e.g. `postgres17`.
    public var family: String
    public var parameters: [String: String]
    public var description: String
    public var options = ResourceOptions()

    public init(_ name: String, family: String, parameters: [String: String] = [:], description: String) {
        self.name = name
        self.family = family
        self.parameters = parameters
        self.description = description
    }

    public var groupName: Ref<Name> { ref("name") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("name", context.physicalName(name).lowercased())
        a.set("family", family)
        a.set("description", description)
        a.set(
            "parameter",
            Value.list(
                parameters.keys.sorted().map { key in
                    .map(["name": .string(key), "value": .string(parameters[key] ?? ""), "apply_method": "pending-reboot"])
                }))
    }
}

/// `aws_db_instance` for PostgreSQL. The master password is managed by RDS in Secrets Manager
/// (`manage_master_user_password = true`); this type has no password attribute at all.
public struct DBInstance: Resource {
    public static let terraformType = "aws_db_instance"
    public let name: String
    public var engineVersion: EngineVersion
    public var instanceClass: InstanceClass
    public var allocatedStorage: Int
    public var maxAllocatedStorage: Int?
    public var storageType: String
    public var username: String
    public var databaseName: String?
    public var subnetGroup: Ref<DBSubnetGroup.Name>
    public var parameterGroup: Ref<DBParameterGroup.Name>?
    public var securityGroups: [Ref<SecurityGroup.ID>]
    public var multiAZ: Bool
    public var backupRetention: TimeSpan
    /// nil: on in production environments, off elsewhere.
    public var deletionProtection: Bool?
    /// nil: a final snapshot in production environments, none elsewhere.
    public var finalSnapshot: Bool?
    public var kmsKey: ARN?
    public var options = ResourceOptions()

    public init(
        _ name: String, engineVersion: EngineVersion, instanceClass: InstanceClass, allocatedStorage: Int,
        maxAllocatedStorage: Int? = nil, storageType: String = "gp3", username: String = "app_admin",
        databaseName: String? = nil, subnetGroup: Ref<DBSubnetGroup.Name>,
        parameterGroup: Ref<DBParameterGroup.Name>? = nil, securityGroups: [Ref<SecurityGroup.ID>],
        multiAZ: Bool = false, backupRetention: TimeSpan = .days(7), deletionProtection: Bool? = nil,
        finalSnapshot: Bool? = nil, kmsKey: ARN? = nil
    ) {
        self.name = name
        self.engineVersion = engineVersion
        self.instanceClass = instanceClass
        self.allocatedStorage = allocatedStorage
        self.maxAllocatedStorage = maxAllocatedStorage
        self.storageType = storageType
        self.username = username
        self.databaseName = databaseName
        self.subnetGroup = subnetGroup
        self.parameterGroup = parameterGroup
        self.securityGroups = securityGroups
        self.multiAZ = multiAZ
        self.backupRetention = backupRetention
        self.deletionProtection = deletionProtection
        self.finalSnapshot = finalSnapshot
        self.kmsKey = kmsKey
    }

    /// `host:port`.
    public var endpoint: Ref<Attribute.Endpoint> { ref("endpoint") }
    /// The host name alone.
    public var address: Ref<Attribute.Host> { ref("address") }
    public var port: Ref<Attribute.Port> { ref("port") }
    public var arn: Ref<ARN> { ref("arn") }
    /// The Secrets Manager secret RDS keeps the master password in.
    public var masterUserSecretARN: Ref<SecretsManagerSecret.ARN> { ref("master_user_secret.0.secret_arn") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        let identifier = context.physicalName(name).lowercased()
        a.set("identifier", identifier)
        a.require(
            identifier.count <= 63 && identifier.first?.isLetter == true && !identifier.hasSuffix("-")
                && !identifier.contains("--"),
            "identifier", "'\(identifier)' is not a valid RDS identifier (a letter first, at most 63 characters, no '--')")
        a.set("engine", "postgres")
        a.set("engine_version", engineVersion)
        a.set("instance_class", instanceClass.requiring(.rds, for: "RDS"))
        a.set("allocated_storage", allocatedStorage)
        a.require((20...65536).contains(allocatedStorage), "allocated_storage", "must be 20 to 65536 GiB, not \(allocatedStorage)")
        a.set("max_allocated_storage", maxAllocatedStorage)
        if let max = maxAllocatedStorage {
            a.require(max >= allocatedStorage, "max_allocated_storage", "must be at least allocated_storage (\(allocatedStorage))")
        }
        a.set("storage_type", storageType)
        a.set("storage_encrypted", true)
        a.set("kms_key_id", kmsKey)
        a.set("username", username)
        a.set("manage_master_user_password", true)
        a.set("db_name", databaseName)
        a.set("db_subnet_group_name", subnetGroup)
        a.set("parameter_group_name", parameterGroup)
        a.set("vpc_security_group_ids", securityGroups)
        a.set("multi_az", multiAZ)
        a.set("publicly_accessible", false)
        let retention = backupRetention.days
        a.set("backup_retention_period", retention)
        if let problem = backupRetention.problem { a.report("backup_retention_period", problem) }
        a.require((0...35).contains(retention), "backup_retention_period", "must be 0 to 35 days, not \(backupRetention)")
        let protect = deletionProtection ?? context.isProduction
        let snapshot = finalSnapshot ?? context.isProduction
        a.set("deletion_protection", protect)
        a.set("skip_final_snapshot", !snapshot)
        if snapshot { a.set("final_snapshot_identifier", "\(identifier)-final") }
        a.set("copy_tags_to_snapshot", true)
        a.set("auto_minor_version_upgrade", true)
        a.set("apply_immediately", false)
    }
}
