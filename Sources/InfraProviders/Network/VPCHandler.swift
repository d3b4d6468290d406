import InfraAWS
import InfraEngine

/// `aws_vpc`: CreateVpc / DescribeVpcs / DeleteVpc; DNS support and hostnames through
/// ModifyVpcAttribute and DescribeVpcAttribute.
///
/// EC2 reports the two DNS attributes only through DescribeVpcAttribute, one VPC and one
/// attribute per call: that part of a refresh is 2 calls per VPC, run concurrently. Everything
/// else is one DescribeVpcs (plus one DescribeSecurityGroups for the default groups).
public struct VPCHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_vpc"
    public let schema = ResourceSchema(type: "aws_vpc", attributes: [
        "cidr_block": AttributeSchema(.required, forcesReplacement: true, replaceReason: "a VPC's primary block cannot change"),
        "instance_tenancy": AttributeSchema(.optionalComputed, forcesReplacement: true),
        "enable_dns_support": .optionalComputed,
        "enable_dns_hostnames": .optionalComputed,
        "tags": .optional,
        "id": .computed,
        "arn": .computed,
        "owner_id": .computed,
        "default_security_group_id": .computed,
    ])

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        let vpcs = try await EC2.describe(context, "DescribeVpcs", listKey: "Vpcs", filter: "vpc-id", values: ids)
        return try await observe(vpcs, in: context)
    }

    private func observe(_ vpcs: [AWSDocument], in context: ProviderContext) async throws -> [String: ObservedResource] {
        let ids = vpcs.compactMap { $0["VpcId"].string }
        guard !ids.isEmpty else { return [:] }
        async let groups = EC2.describe(
            context, "DescribeSecurityGroups", listKey: "SecurityGroups", filter: "vpc-id", values: ids,
            extraFilters: [["Name": "group-name", "Values": ["default"]]])
        let dns = try await concurrentMap(ids, limit: context.concurrency) { id in
            async let support = context.client.call(.ec2, "DescribeVpcAttribute", ["VpcId": .string(id), "Attribute": "enableDnsSupport"])
            async let hostnames = context.client.call(.ec2, "DescribeVpcAttribute", ["VpcId": .string(id), "Attribute": "enableDnsHostnames"])
            return (id, try await support["EnableDnsSupport"]["Value"].bool, try await hostnames["EnableDnsHostnames"]["Value"].bool)
        }
        var defaultGroups: [String: String] = [:]
        for group in try await groups {
            if let vpc = group["VpcId"].string, let id = group["GroupId"].string { defaultGroups[vpc] = id }
        }
        let dnsByID = Dictionary(dns.map { ($0.0, ($0.1, $0.2)) }, uniquingKeysWith: { a, _ in a })
        var result: [String: ObservedResource] = [:]
        for vpc in vpcs {
            guard let id = vpc["VpcId"].string else { continue }
            var a: Attributes = ["id": .string(id)]
            a.put("cidr_block", vpc["CidrBlock"].string)
            a.put("instance_tenancy", vpc["InstanceTenancy"].string)
            a.put("owner_id", vpc["OwnerId"].string)
            a["arn"] = EC2.arn(context, owner: vpc["OwnerId"].string, kind: "vpc", id: id)
            a.put("default_security_group_id", defaultGroups[id])
            if let (support, hostnames) = dnsByID[id] {
                if let support { a["enable_dns_support"] = .bool(support) }
                if let hostnames { a["enable_dns_hostnames"] = .bool(hostnames) }
            }
            a["tags"] = Tags.attribute(from: vpc["Tags"])
            result[id] = ObservedResource(id: id, attributes: a)
        }
        return result
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        var input: AWSDocument = [
            "CidrBlock": .string(a.string("cidr_block") ?? ""),
            "TagSpecifications": EC2.tagSpecifications("vpc", a, token: request.token),
        ]
        if let tenancy = a.string("instance_tenancy") { input["InstanceTenancy"] = .string(tenancy) }
        let output = try await context.client.call(.ec2, "CreateVpc", input)
        let id = try EC2.require(output["Vpc"]["VpcId"].string, "Vpc.VpcId", operation: "CreateVpc")
        try await setDNS(id: id, desired: a, changed: ["enable_dns_support", "enable_dns_hostnames"], in: context)
        return try await readOne(id, in: context)
    }

    /// ModifyVpcAttribute takes one attribute per call. Support goes first: hostnames need it.
    private func setDNS(id: String, desired: Attributes, changed: Set<String>, in context: ProviderContext) async throws {
        for (attribute, member) in [("enable_dns_support", "EnableDnsSupport"), ("enable_dns_hostnames", "EnableDnsHostnames")]
        where changed.contains(attribute) {
            guard let value = desired.bool(attribute) else { continue }
            _ = try await context.client.call(.ec2, "ModifyVpcAttribute", ["VpcId": .string(id), member: ["Value": .bool(value)]])
        }
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        try await setDNS(id: request.id, desired: request.attributes, changed: request.changed, in: context)
        if request.changed.contains("tags") {
            try await EC2.updateTags(context, resource: request.id, prior: request.prior, desired: request.attributes)
        }
        return try await readOne(request.id, in: context)
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        try await EC2.delete(context, subject: "VPC \(id)") {
            _ = try await context.client.call(.ec2, "DeleteVpc", ["VpcId": .string(id)])
        }
    }

    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        let vpcs = try await EC2.describe(context, "DescribeVpcs", listKey: "Vpcs", token: token)
        return try await observe(vpcs, in: context).values.first
    }
}

/// An object infra just created or changed could not be read back.
public struct ObjectVanishedError: Error, Sendable, CustomStringConvertible {
    public var type: String
    public var id: String
    public var description: String {
        "\(type) \(id) was created or changed but a read right after did not find it; "
            + "it may have been deleted outside infra. Run plan again to see its state."
    }
}
