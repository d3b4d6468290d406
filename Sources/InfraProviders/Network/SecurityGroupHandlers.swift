import InfraAWS
import InfraEngine

/// `aws_security_group` without inline rules: rules are `aws_vpc_security_group_*_rule`
/// resources.
///
/// Like Terraform, a create revokes the allow-all egress rule AWS adds to every new VPC group:
/// the DSL states egress explicitly (`GuardedGroup` writes an egress rule to 0.0.0.0/0 when a
/// component may connect out, and none for databases), so AWS's implicit rule would both
/// duplicate that rule (AuthorizeSecurityGroupEgress fails with `InvalidPermission.Duplicate`)
/// and open groups the code keeps closed.
///
/// `revoke_rules_on_delete` lives only in infra: AWS has no such setting. Reads report it as
/// `false` (what the DSL writes); a delete revokes the group's rules first when it is true.
public struct SecurityGroupHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_security_group"
    public let schema = ResourceSchema(type: "aws_security_group", attributes: [
        "name": AttributeSchema(.required, forcesReplacement: true, replaceReason: "a security group cannot be renamed"),
        "description": AttributeSchema(.required, forcesReplacement: true, replaceReason: "a security group's description cannot change"),
        "vpc_id": AttributeSchema(.required, forcesReplacement: true),
        "revoke_rules_on_delete": .optional,
        "tags": .optional,
        "id": .computed,
        "arn": .computed,
        "owner_id": .computed,
    ])

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        observe(try await EC2.describe(context, "DescribeSecurityGroups", listKey: "SecurityGroups", filter: "group-id", values: ids), context)
    }

    private func observe(_ groups: [AWSDocument], _ context: ProviderContext) -> [String: ObservedResource] {
        var result: [String: ObservedResource] = [:]
        for group in groups {
            guard let id = group["GroupId"].string else { continue }
            var a: Attributes = ["id": .string(id), "revoke_rules_on_delete": .bool(false)]
            a.put("name", group["GroupName"].string)
            a.put("description", group["Description"].string)
            a.put("vpc_id", group["VpcId"].string)
            a.put("owner_id", group["OwnerId"].string)
            a["arn"] = group["SecurityGroupArn"].string.map { .string($0) }
                ?? EC2.arn(context, owner: group["OwnerId"].string, kind: "security-group", id: id)
            a["tags"] = Tags.attribute(from: group["Tags"])
            result[id] = ObservedResource(id: id, attributes: a)
        }
        return result
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let output = try await context.client.call(.ec2, "CreateSecurityGroup", [
            "GroupName": .string(a.string("name") ?? ""),
            "Description": .string(a.string("description") ?? ""),
            "VpcId": .string(a.string("vpc_id") ?? ""),
            "TagSpecifications": EC2.tagSpecifications("security-group", a, token: request.token),
        ])
        let id = try EC2.require(output["GroupId"].string, "GroupId", operation: "CreateSecurityGroup")
        try await revokeDefaultEgress(id, in: context)
        return try await readOne(id, in: context)
    }

    private func revokeDefaultEgress(_ id: String, in context: ProviderContext) async throws {
        do {
            _ = try await context.client.call(.ec2, "RevokeSecurityGroupEgress", [
                "GroupId": .string(id),
                "IpPermissions": [["IpProtocol": "-1", "IpRanges": [["CidrIp": "0.0.0.0/0"]]]],
            ])
        } catch let error as AWSError where error.code == "InvalidPermission.NotFound" {
            // Already gone (a retried create): nothing to revoke.
        }
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        if request.changed.contains("tags") {
            try await EC2.updateTags(context, resource: request.id, prior: request.prior, desired: request.attributes)
        }
        var observed = try await readOne(request.id, in: context)
        if let revoke = request.attributes["revoke_rules_on_delete"] { observed.attributes["revoke_rules_on_delete"] = revoke }
        return observed
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        if attributes.bool("revoke_rules_on_delete") == true {
            let rules = try await EC2.describe(context, "DescribeSecurityGroupRules", listKey: "SecurityGroupRules", filter: "group-id", values: [id])
            let ingress = rules.filter { $0["IsEgress"].bool != true }.compactMap { $0["SecurityGroupRuleId"].string }
            let egress = rules.filter { $0["IsEgress"].bool == true }.compactMap { $0["SecurityGroupRuleId"].string }
            if !ingress.isEmpty {
                _ = try await context.client.call(.ec2, "RevokeSecurityGroupIngress", ["GroupId": .string(id), "SecurityGroupRuleIds": .list(ingress.map { .string($0) })])
            }
            if !egress.isEmpty {
                _ = try await context.client.call(.ec2, "RevokeSecurityGroupEgress", ["GroupId": .string(id), "SecurityGroupRuleIds": .list(egress.map { .string($0) })])
            }
        }
        // Another group's rule referencing this one, or an ENI of a resource being deleted,
        // holds it for a while.
        try await EC2.delete(context, subject: "security group \(id)") {
            _ = try await context.client.call(.ec2, "DeleteSecurityGroup", ["GroupId": .string(id)])
        }
    }

    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        guard let found = observe(try await EC2.describe(context, "DescribeSecurityGroups", listKey: "SecurityGroups", token: token), context)
            .values.first
        else { return nil }
        // The create may have stopped before the default egress rule was revoked.
        try await revokeDefaultEgress(found.id, in: context)
        return found
    }
}

/// `aws_vpc_security_group_ingress_rule` and `aws_vpc_security_group_egress_rule`: one rule
/// each, id `sgr-...`. Created with AuthorizeSecurityGroupIngress/Egress (tagged through
/// TagSpecifications), changed in place with ModifySecurityGroupRules, read with ONE
/// DescribeSecurityGroupRules (filter `security-group-rule-id`) for all rules of the type.
public struct SecurityGroupRuleHandler: AWSResourceHandler {
    public let isEgress: Bool
    public let type: String
    public let schema: ResourceSchema

    public init(egress: Bool) {
        isEgress = egress
        type = egress ? "aws_vpc_security_group_egress_rule" : "aws_vpc_security_group_ingress_rule"
        schema = ResourceSchema(type: type, attributes: [
            "security_group_id": AttributeSchema(.required, forcesReplacement: true, replaceReason: "a rule cannot move to another group"),
            "ip_protocol": .required,
            "from_port": .optional,
            "to_port": .optional,
            "cidr_ipv4": .optional,
            "cidr_ipv6": .optional,
            "referenced_security_group_id": .optional,
            "prefix_list_id": .optional,
            "description": .optional,
            "tags": .optional,
            "id": .computed,
            "security_group_rule_id": .computed,
            "arn": .computed,
        ])
    }

    private var kind: String { isEgress ? "Egress" : "Ingress" }

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        observe(try await EC2.describe(context, "DescribeSecurityGroupRules", listKey: "SecurityGroupRules",
                                       filter: "security-group-rule-id", values: ids), context)
    }

    private func observe(_ rules: [AWSDocument], _ context: ProviderContext) -> [String: ObservedResource] {
        var result: [String: ObservedResource] = [:]
        // A rule id of the other direction is not this type's object.
        for rule in rules where (rule["IsEgress"].bool ?? false) == isEgress {
            guard let id = rule["SecurityGroupRuleId"].string else { continue }
            var a: Attributes = ["id": .string(id), "security_group_rule_id": .string(id)]
            a.put("security_group_id", rule["GroupId"].string)
            let proto = rule["IpProtocol"].string ?? "-1"
            a["ip_protocol"] = .string(proto)
            // Terraform leaves the ports out for all protocols (AWS reports -1).
            if proto != "-1" {
                if let from = rule["FromPort"].int { a["from_port"] = .int(from) }
                if let to = rule["ToPort"].int { a["to_port"] = .int(to) }
            }
            a.put("cidr_ipv4", rule["CidrIpv4"].string)
            a.put("cidr_ipv6", rule["CidrIpv6"].string)
            a.put("referenced_security_group_id", rule["ReferencedGroupInfo"]["GroupId"].string)
            a.put("prefix_list_id", rule["PrefixListId"].string)
            if let description = rule["Description"].string, !description.isEmpty { a["description"] = .string(description) }
            a["arn"] = EC2.arn(context, owner: rule["GroupOwnerId"].string, kind: "security-group-rule", id: id)
            a["tags"] = Tags.attribute(from: rule["Tags"])
            result[id] = ObservedResource(id: id, attributes: a)
        }
        return result
    }

    /// The rule as an `IpPermissions` entry (for Authorize).
    private func permission(_ a: Attributes) -> AWSDocument {
        let proto = a.string("ip_protocol") ?? "-1"
        var permission: AWSDocument = ["IpProtocol": .string(proto)]
        if proto != "-1" {
            if let from = a.int("from_port") { permission["FromPort"] = .integer(Int64(from)) }
            if let to = a.int("to_port") { permission["ToPort"] = .integer(Int64(to)) }
        }
        let description: AWSDocument = a.string("description").map { .string($0) } ?? .null
        if let cidr = a.string("cidr_ipv4") {
            permission["IpRanges"] = [["CidrIp": .string(cidr), "Description": description]]
        } else if let cidr = a.string("cidr_ipv6") {
            permission["Ipv6Ranges"] = [["CidrIpv6": .string(cidr), "Description": description]]
        } else if let group = a.string("referenced_security_group_id") {
            permission["UserIdGroupPairs"] = [["GroupId": .string(group), "Description": description]]
        } else if let list = a.string("prefix_list_id") {
            permission["PrefixListIds"] = [["PrefixListId": .string(list), "Description": description]]
        }
        return permission
    }

    /// The rule as a `SecurityGroupRuleRequest` (for ModifySecurityGroupRules).
    private func ruleRequest(_ a: Attributes) -> AWSDocument {
        let proto = a.string("ip_protocol") ?? "-1"
        var rule: AWSDocument = ["IpProtocol": .string(proto)]
        if proto == "-1" {
            // ModifySecurityGroupRules wants the ports even for all protocols, as -1.
            rule["FromPort"] = -1
            rule["ToPort"] = -1
        } else {
            if let from = a.int("from_port") { rule["FromPort"] = .integer(Int64(from)) }
            if let to = a.int("to_port") { rule["ToPort"] = .integer(Int64(to)) }
        }
        rule["CidrIpv4"] = a.string("cidr_ipv4").map { .string($0) } ?? .null
        rule["CidrIpv6"] = a.string("cidr_ipv6").map { .string($0) } ?? .null
        rule["ReferencedGroupId"] = a.string("referenced_security_group_id").map { .string($0) } ?? .null
        rule["PrefixListId"] = a.string("prefix_list_id").map { .string($0) } ?? .null
        rule["Description"] = a.string("description").map { .string($0) } ?? .null
        return rule
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let group = a.string("security_group_id") ?? ""
        let output = try await context.client.call(.ec2, "AuthorizeSecurityGroup\(kind)", [
            "GroupId": .string(group),
            "IpPermissions": [permission(a)],
            "TagSpecifications": EC2.tagSpecifications("security-group-rule", a, token: request.token),
        ])
        let id = try EC2.require(output["SecurityGroupRules"][0]["SecurityGroupRuleId"].string,
                                 "SecurityGroupRules[0].SecurityGroupRuleId", operation: "AuthorizeSecurityGroup\(kind)")
        let created = try await readOne(id, in: context)
        // Some EC2 implementations (moto) drop the description of a group-to-group rule on
        // Authorize; setting it again right away keeps the first plan after apply empty.
        if a["description"] != nil, created.attributes["description"] != a["description"] {
            _ = try await context.client.call(.ec2, "ModifySecurityGroupRules", [
                "GroupId": .string(group),
                "SecurityGroupRules": [["SecurityGroupRuleId": .string(id), "SecurityGroupRule": ruleRequest(a)]],
            ])
            return try await readOne(id, in: context)
        }
        return created
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let ruleAttributes: Set<String> = ["ip_protocol", "from_port", "to_port", "cidr_ipv4", "cidr_ipv6",
                                           "referenced_security_group_id", "prefix_list_id", "description"]
        if !request.changed.isDisjoint(with: ruleAttributes) {
            let group = request.attributes.string("security_group_id") ?? request.prior.string("security_group_id") ?? ""
            _ = try await context.client.call(.ec2, "ModifySecurityGroupRules", [
                "GroupId": .string(group),
                "SecurityGroupRules": [["SecurityGroupRuleId": .string(request.id), "SecurityGroupRule": ruleRequest(request.attributes)]],
            ])
        }
        if request.changed.contains("tags") {
            try await EC2.updateTags(context, resource: request.id, prior: request.prior, desired: request.attributes)
        }
        return try await readOne(request.id, in: context)
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        guard let group = attributes.string("security_group_id") else { return }
        do {
            _ = try await context.client.call(.ec2, "RevokeSecurityGroup\(kind)", [
                "GroupId": .string(group), "SecurityGroupRuleIds": [.string(id)],
            ])
        } catch where EC2.isNotFound(error) {
            // The rule or its group is gone already.
        }
    }

    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        observe(try await EC2.describe(context, "DescribeSecurityGroupRules", listKey: "SecurityGroupRules", token: token), context)
            .values.first
    }
}
