import InfraEngine

/// The rules infra checks on every plan. Ids are stable: waivers and CI configurations name them.
public enum BuiltinPolicies {
    public static let all: [PolicyRule] = [
        rdsPublic, rdsUnencrypted, rdsDeletionProtection, rdsBackupRetention,
        cacheTransitEncryption, cacheAtRestEncryption,
        securityGroupOpenToWorld, eksPublicEndpoint,
        secretWithoutKMSKey, secretWithoutRecoveryWindow,
        iamWildcardActions,
    ]

    public static let rdsPublic = PolicyRule(
        id: "INFRA-RDS-001", severity: .critical, title: "RDS instance is publicly accessible",
        why: "A database with a public address can be reached from the internet; one leaked credential is a breach.",
        fix: "Set publicly_accessible = false and reach the database from inside the VPC.",
        resourceTypes: ["aws_db_instance"]
    ) { after, _ in
        after["publicly_accessible"]?.boolValue == true ? ["publicly_accessible is true"] : []
    }

    public static let rdsUnencrypted = PolicyRule(
        id: "INFRA-RDS-002", severity: .high, title: "RDS storage is not encrypted",
        why: "Unencrypted storage and snapshots expose data at rest; encryption cannot be turned on later without a copy.",
        fix: "Set storage_encrypted = true (PostgresDatabase does by default).",
        resourceTypes: ["aws_db_instance"]
    ) { after, _ in
        after["storage_encrypted"]?.boolValue == true ? [] : ["storage_encrypted is not true"]
    }

    public static let rdsDeletionProtection = PolicyRule(
        id: "INFRA-RDS-003", severity: .high, title: "Production database without deletion protection",
        why: "Without deletion protection one mistaken destroy or console click drops the production database.",
        fix: "Set deletion_protection = true in production environments.",
        resourceTypes: ["aws_db_instance"]
    ) { after, context in
        guard context.isProduction else { return [] }
        return after["deletion_protection"]?.boolValue == true ? [] : ["deletion_protection is not true in \(context.environment)"]
    }

    public static let rdsBackupRetention = PolicyRule(
        id: "INFRA-RDS-004", severity: .medium, title: "Production backups kept under 7 days",
        why: "Short retention leaves no point-in-time restore for problems found after a few days.",
        fix: "Set backup_retention_period to 7 or more in production environments.",
        resourceTypes: ["aws_db_instance"]
    ) { after, context in
        guard context.isProduction else { return [] }
        let days = after["backup_retention_period"]?.intValue ?? 1  // AWS's default when unset
        return days >= 7 ? [] : ["backup_retention_period is \(days) in \(context.environment)"]
    }

    public static let cacheTransitEncryption = PolicyRule(
        id: "INFRA-CACHE-001", severity: .high, title: "ElastiCache without encryption in transit",
        why: "Cache traffic (sessions, tokens) crosses the network in clear text.",
        fix: "Set transit_encryption_enabled = true (RedisCache does by default).",
        resourceTypes: ["aws_elasticache_replication_group", "aws_elasticache_cluster"]
    ) { after, _ in
        after["transit_encryption_enabled"]?.boolValue == true ? [] : ["transit_encryption_enabled is not true"]
    }

    public static let cacheAtRestEncryption = PolicyRule(
        id: "INFRA-CACHE-002", severity: .high, title: "ElastiCache without encryption at rest",
        why: "Cache snapshots and swap hold data unencrypted on disk.",
        fix: "Set at_rest_encryption_enabled = true (it can only be set at creation).",
        resourceTypes: ["aws_elasticache_replication_group"]
    ) { after, _ in
        let value = after["at_rest_encryption_enabled"]
        let on = value?.boolValue == true || value?.stringValue == "true"
        return on ? [] : ["at_rest_encryption_enabled is not true"]
    }

    public static let securityGroupOpenToWorld = PolicyRule(
        id: "INFRA-SG-001", severity: .high, title: "Security group open to the internet",
        why: "Any address on the internet can reach this port; only web traffic (80/443) should be open to the world.",
        fix: "Restrict the source to a CIDR you own or to another security group (referenced_security_group_id).",
        resourceTypes: ["aws_vpc_security_group_ingress_rule", "aws_security_group"]
    ) { after, _ in
        var messages: [String] = []
        // A standalone rule, or the inline `ingress` blocks of a security group.
        let rules: [[String: Value]] =
            after["security_group_id"] != nil || after["ip_protocol"] != nil
            ? [after] : (after["ingress"]?.listValue ?? []).compactMap(\.mapValue)
        for rule in rules {
            let sources = (rule["cidr_ipv4"]?.strings ?? []) + (rule["cidr_ipv6"]?.strings ?? [])
                + (rule["cidr_blocks"]?.strings ?? []) + (rule["ipv6_cidr_blocks"]?.strings ?? [])
            let open = sources.filter { $0 == "0.0.0.0/0" || $0 == "::/0" }
            guard !open.isEmpty else { continue }
            let proto = (rule["ip_protocol"] ?? rule["protocol"])?.renderedScalar ?? "-1"
            let from = rule["from_port"]?.intValue
            let to = rule["to_port"]?.intValue ?? from
            if proto == "-1" || proto == "all" || from == nil {
                messages.append("all ports open to \(open.joined(separator: ", "))")
            } else if let from, let to, !(from == to && (from == 80 || from == 443)) {
                let ports = from == to ? "port \(from)" : "ports \(from)-\(to)"
                messages.append("\(proto) \(ports) open to \(open.joined(separator: ", "))")
            }
        }
        return messages
    }

    public static let eksPublicEndpoint = PolicyRule(
        id: "INFRA-EKS-001", severity: .high, title: "EKS API endpoint open to the world",
        why: "The Kubernetes API answers anyone on the internet; a leaked kubeconfig or an API bug is directly exploitable.",
        fix: "Set endpoint_public_access = false, or restrict public_access_cidrs to your office/VPN ranges.",
        resourceTypes: ["aws_eks_cluster"]
    ) { after, _ in
        let config = after["vpc_config"]?.block ?? [:]
        // AWS's defaults: public endpoint on, open to 0.0.0.0/0.
        let isPublic = config["endpoint_public_access"]?.boolValue ?? true
        let cidrs = config["public_access_cidrs"]?.strings ?? []
        guard isPublic, cidrs.isEmpty || cidrs.contains("0.0.0.0/0") else { return [] }
        return ["endpoint_public_access is true with public_access_cidrs \(cidrs.isEmpty ? "unset (0.0.0.0/0)" : "including 0.0.0.0/0")"]
    }

    public static let secretWithoutKMSKey = PolicyRule(
        id: "INFRA-SECRET-001", severity: .low, title: "Secret encrypted with the AWS-managed key",
        why: "With the default aws/secretsmanager key, anyone with secretsmanager:GetSecretValue can decrypt; a customer key adds a second, auditable gate.",
        fix: "Set kms_key_id to a customer-managed KMS key.",
        resourceTypes: ["aws_secretsmanager_secret"]
    ) { after, _ in
        let key = after["kms_key_id"]
        return key == nil || key == .null || key?.stringValue == "" ? ["kms_key_id is not set"] : []
    }

    public static let secretWithoutRecoveryWindow = PolicyRule(
        id: "INFRA-SECRET-002", severity: .medium, title: "Secret deleted without a recovery window",
        why: "With recovery_window_in_days = 0 a destroy deletes the secret at once, with no way back.",
        fix: "Set recovery_window_in_days between 7 and 30.",
        resourceTypes: ["aws_secretsmanager_secret"]
    ) { after, _ in
        after["recovery_window_in_days"]?.intValue == 0 ? ["recovery_window_in_days is 0"] : []
    }

    public static let iamWildcardActions = PolicyRule(
        id: "INFRA-IAM-001", severity: .critical, title: "IAM policy allows every action",
        why: "\"*\" actions grant everything the service (or AWS) can do, far beyond what any workload needs.",
        fix: "List the actions the workload uses; scope resources to ARNs.",
        resourceTypes: ["aws_iam_role", "aws_iam_role_policy", "aws_iam_policy", "aws_iam_role_policy_attachment"]
    ) { after, _ in
        if let arn = after["policy_arn"]?.stringValue {
            return arn.hasSuffix(":policy/AdministratorAccess") ? ["attaches AdministratorAccess"] : []
        }
        var messages: [String] = []
        for key in ["assume_role_policy", "policy"] {
            guard let document = after[key]?.policyDocument else { continue }
            for statement in IAMStatements.allowStatements(in: document) {
                let actions = (statement["Action"]?.strings ?? [])
                for action in actions where action == "*" || action.hasSuffix(":*") {
                    messages.append("\(key) allows \"\(action)\"")
                }
            }
        }
        return messages
    }
}

/// Reading IAM policy documents written either way AWS accepts them.
enum IAMStatements {
    /// The `Allow` statements (a single statement object counts as a list of one).
    static func allowStatements(in document: [String: Value]) -> [[String: Value]] {
        let raw = document["Statement"]
        let statements = raw?.listValue?.compactMap(\.mapValue) ?? raw?.mapValue.map { [$0] } ?? []
        return statements.filter { ($0["Effect"]?.stringValue ?? "Allow") == "Allow" }
    }
}
