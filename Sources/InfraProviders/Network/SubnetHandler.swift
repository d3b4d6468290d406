import InfraAWS
import InfraEngine

/// `aws_subnet`: CreateSubnet / DescribeSubnets / ModifySubnetAttribute / DeleteSubnet.
public struct SubnetHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_subnet"
    public let schema = ResourceSchema(type: "aws_subnet", attributes: [
        "vpc_id": AttributeSchema(.required, forcesReplacement: true),
        "cidr_block": AttributeSchema(.required, forcesReplacement: true, replaceReason: "a subnet's block cannot change"),
        "availability_zone": AttributeSchema(.optionalComputed, forcesReplacement: true),
        "map_public_ip_on_launch": .optionalComputed,
        "tags": .optional,
        "id": .computed,
        "arn": .computed,
        "owner_id": .computed,
        "availability_zone_id": .computed,
    ])

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        observe(try await EC2.describe(context, "DescribeSubnets", listKey: "Subnets", filter: "subnet-id", values: ids), context)
    }

    private func observe(_ subnets: [AWSDocument], _ context: ProviderContext) -> [String: ObservedResource] {
        var result: [String: ObservedResource] = [:]
        for subnet in subnets {
            guard let id = subnet["SubnetId"].string else { continue }
            var a: Attributes = ["id": .string(id)]
            a.put("vpc_id", subnet["VpcId"].string)
            a.put("cidr_block", subnet["CidrBlock"].string)
            a.put("availability_zone", subnet["AvailabilityZone"].string)
            a.put("availability_zone_id", subnet["AvailabilityZoneId"].string)
            a.put("owner_id", subnet["OwnerId"].string)
            a["arn"] = subnet["SubnetArn"].string.map { .string($0) }
                ?? EC2.arn(context, owner: subnet["OwnerId"].string, kind: "subnet", id: id)
            a["map_public_ip_on_launch"] = .bool(subnet["MapPublicIpOnLaunch"].bool ?? false)
            a["tags"] = Tags.attribute(from: subnet["Tags"])
            result[id] = ObservedResource(id: id, attributes: a)
        }
        return result
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        var input: AWSDocument = [
            "VpcId": .string(a.string("vpc_id") ?? ""),
            "CidrBlock": .string(a.string("cidr_block") ?? ""),
            "TagSpecifications": EC2.tagSpecifications("subnet", a, token: request.token),
        ]
        if let zone = a.string("availability_zone") { input["AvailabilityZone"] = .string(zone) }
        let output = try await context.client.call(.ec2, "CreateSubnet", input)
        let id = try EC2.require(output["Subnet"]["SubnetId"].string, "Subnet.SubnetId", operation: "CreateSubnet")
        if a.bool("map_public_ip_on_launch") == true {
            try await setMapPublicIP(id: id, true, in: context)
        }
        return try await readOne(id, in: context)
    }

    private func setMapPublicIP(id: String, _ on: Bool, in context: ProviderContext) async throws {
        _ = try await context.client.call(.ec2, "ModifySubnetAttribute", ["SubnetId": .string(id), "MapPublicIpOnLaunch": ["Value": .bool(on)]])
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        if request.changed.contains("map_public_ip_on_launch"), let on = request.attributes.bool("map_public_ip_on_launch") {
            try await setMapPublicIP(id: request.id, on, in: context)
        }
        if request.changed.contains("tags") {
            try await EC2.updateTags(context, resource: request.id, prior: request.prior, desired: request.attributes)
        }
        return try await readOne(request.id, in: context)
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        try await EC2.delete(context, subject: "subnet \(id)") {
            _ = try await context.client.call(.ec2, "DeleteSubnet", ["SubnetId": .string(id)])
        }
    }

    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        observe(try await EC2.describe(context, "DescribeSubnets", listKey: "Subnets", token: token), context).values.first
    }
}

/// `aws_internet_gateway` with its VPC attachment: attached right after the create, detached
/// before the delete, re-attached when `vpc_id` changes.
public struct InternetGatewayHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_internet_gateway"
    public let schema = ResourceSchema(type: "aws_internet_gateway", attributes: [
        "vpc_id": .optional,
        "tags": .optional,
        "id": .computed,
        "arn": .computed,
        "owner_id": .computed,
    ])

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        observe(try await EC2.describe(context, "DescribeInternetGateways", listKey: "InternetGateways",
                                       filter: "internet-gateway-id", values: ids), context)
    }

    private func observe(_ gateways: [AWSDocument], _ context: ProviderContext) -> [String: ObservedResource] {
        var result: [String: ObservedResource] = [:]
        for gateway in gateways {
            guard let id = gateway["InternetGatewayId"].string else { continue }
            var a: Attributes = ["id": .string(id)]
            let attached = (gateway["Attachments"].array ?? []).first { $0["State"].string != "detached" }
            a.put("vpc_id", attached?["VpcId"].string)
            a.put("owner_id", gateway["OwnerId"].string)
            a["arn"] = EC2.arn(context, owner: gateway["OwnerId"].string, kind: "internet-gateway", id: id)
            a["tags"] = Tags.attribute(from: gateway["Tags"])
            result[id] = ObservedResource(id: id, attributes: a)
        }
        return result
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let output = try await context.client.call(.ec2, "CreateInternetGateway", [
            "TagSpecifications": EC2.tagSpecifications("internet-gateway", request.attributes, token: request.token)
        ])
        let id = try EC2.require(output["InternetGateway"]["InternetGatewayId"].string, "InternetGateway.InternetGatewayId",
                                 operation: "CreateInternetGateway")
        if let vpc = request.attributes.string("vpc_id") { try await attach(id, to: vpc, in: context) }
        return try await readOne(id, in: context)
    }

    private func attach(_ id: String, to vpc: String, in context: ProviderContext) async throws {
        _ = try await context.client.call(.ec2, "AttachInternetGateway", ["InternetGatewayId": .string(id), "VpcId": .string(vpc)])
    }

    private func detach(_ id: String, from vpc: String, in context: ProviderContext) async throws {
        // Detaching waits out mapped public addresses (a NAT gateway being deleted still holds one).
        try await EC2.delete(context, subject: "detachment of internet gateway \(id) from \(vpc)",
                             retryOn: ["DependencyViolation"]) {
            do {
                _ = try await context.client.call(.ec2, "DetachInternetGateway", ["InternetGatewayId": .string(id), "VpcId": .string(vpc)])
            } catch let error as AWSError where error.code == "Gateway.NotAttached" {
                return
            }
        }
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        if request.changed.contains("vpc_id") {
            if let old = request.prior.string("vpc_id") { try await detach(request.id, from: old, in: context) }
            if let new = request.attributes.string("vpc_id") { try await attach(request.id, to: new, in: context) }
        }
        if request.changed.contains("tags") {
            try await EC2.updateTags(context, resource: request.id, prior: request.prior, desired: request.attributes)
        }
        return try await readOne(request.id, in: context)
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        // The recorded attachment may be stale: detach from whatever VPC it is attached to now.
        let current = try await read(ids: [id], in: context)[id]
        guard let current else { return }
        if let vpc = current.attributes.string("vpc_id") { try await detach(id, from: vpc, in: context) }
        try await EC2.delete(context, subject: "internet gateway \(id)") {
            _ = try await context.client.call(.ec2, "DeleteInternetGateway", ["InternetGatewayId": .string(id)])
        }
    }

    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        observe(try await EC2.describe(context, "DescribeInternetGateways", listKey: "InternetGateways", token: token), context)
            .values.first
    }
}
