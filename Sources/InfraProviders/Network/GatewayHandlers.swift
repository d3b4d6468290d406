import InfraAWS
import InfraEngine

/// `aws_eip` in the VPC domain: AllocateAddress / DescribeAddresses / ReleaseAddress.
public struct ElasticIPHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_eip"
    public let schema = ResourceSchema(type: "aws_eip", attributes: [
        "domain": AttributeSchema(.optionalComputed, forcesReplacement: true),
        "tags": .optional,
        "id": .computed,
        "allocation_id": .computed,
        "public_ip": .computed,
        "association_id": .computed,
        "arn": .computed,
    ])

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        observe(try await EC2.describe(context, "DescribeAddresses", listKey: "Addresses", filter: "allocation-id", values: ids), context)
    }

    private func observe(_ addresses: [AWSDocument], _ context: ProviderContext) -> [String: ObservedResource] {
        var result: [String: ObservedResource] = [:]
        for address in addresses {
            guard let id = address["AllocationId"].string else { continue }
            var a: Attributes = ["id": .string(id), "allocation_id": .string(id)]
            a.put("domain", address["Domain"].string)
            a.put("public_ip", address["PublicIp"].string)
            a.put("association_id", address["AssociationId"].string)
            a["arn"] = EC2.arn(context, owner: address["NetworkInterfaceOwnerId"].string, kind: "elastic-ip", id: id)
            a["tags"] = Tags.attribute(from: address["Tags"])
            result[id] = ObservedResource(id: id, attributes: a)
        }
        return result
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let output = try await context.client.call(.ec2, "AllocateAddress", [
            "Domain": .string(request.attributes.string("domain") ?? "vpc"),
            "TagSpecifications": EC2.tagSpecifications("elastic-ip", request.attributes, token: request.token),
        ])
        let id = try EC2.require(output["AllocationId"].string, "AllocationId", operation: "AllocateAddress")
        return try await readOne(id, in: context)
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        if request.changed.contains("tags") {
            try await EC2.updateTags(context, resource: request.id, prior: request.prior, desired: request.attributes)
        }
        return try await readOne(request.id, in: context)
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        // A NAT gateway being deleted keeps its address associated for a while.
        try await EC2.delete(context, subject: "Elastic IP \(id)", retryOn: ["InvalidIPAddress.InUse", "AuthFailure.InUse"]) {
            _ = try await context.client.call(.ec2, "ReleaseAddress", ["AllocationId": .string(id)])
        }
    }

    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        observe(try await EC2.describe(context, "DescribeAddresses", listKey: "Addresses", token: token), context).values.first
    }
}

/// `aws_nat_gateway`: CreateNatGateway, then waits until `available`; DeleteNatGateway, then
/// waits until `deleted`. Polls report the state as progress.
public struct NATGatewayHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_nat_gateway"
    public let schema = ResourceSchema(type: "aws_nat_gateway", attributes: [
        "allocation_id": AttributeSchema(.optional, forcesReplacement: true),
        "subnet_id": AttributeSchema(.required, forcesReplacement: true),
        "connectivity_type": AttributeSchema(.optionalComputed, forcesReplacement: true),
        "tags": .optional,
        "id": .computed,
        "public_ip": .computed,
        "private_ip": .computed,
        "network_interface_id": .computed,
        "vpc_id": .computed,
    ])

    /// DescribeNatGateways names its filter list `Filter`, not `Filters`.
    static let filterMember = "Filter"

    /// States in which a NAT gateway is gone for good (AWS lists deleted ones for about an hour).
    static let goneStates: Set<String> = ["deleted", "deleting", "failed"]

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        let gateways = try await EC2.describe(context, "DescribeNatGateways", listKey: "NatGateways", filter: "nat-gateway-id", values: ids,
                                          filterMember: Self.filterMember)
        return observe(gateways.filter { !Self.goneStates.contains($0["State"].string ?? "") })
    }

    private func observe(_ gateways: [AWSDocument]) -> [String: ObservedResource] {
        var result: [String: ObservedResource] = [:]
        for gateway in gateways {
            guard let id = gateway["NatGatewayId"].string else { continue }
            var a: Attributes = ["id": .string(id)]
            let address = gateway["NatGatewayAddresses"][0]
            a.put("allocation_id", address["AllocationId"].string)
            a.put("public_ip", address["PublicIp"].string)
            a.put("private_ip", address["PrivateIp"].string)
            a.put("network_interface_id", address["NetworkInterfaceId"].string)
            a.put("subnet_id", gateway["SubnetId"].string)
            a.put("vpc_id", gateway["VpcId"].string)
            a.put("connectivity_type", gateway["ConnectivityType"].string ?? "public")
            a["tags"] = Tags.attribute(from: gateway["Tags"])
            result[id] = ObservedResource(id: id, attributes: a)
        }
        return result
    }

    /// The gateway's state, polled until `until` holds.
    private func wait(_ id: String, for what: String, in context: ProviderContext, progress: @escaping @Sendable (String) -> Void,
                      _ decide: @escaping @Sendable (AWSDocument?) -> WaitState<Bool>) async throws
    {
        _ = try await AWSWaiter.wait(
            for: "NAT gateway \(id) to become \(what)", policy: context.waitPolicy,
            progress: { progress("\($0.subject): \($0.status), \(Int($0.elapsed))s elapsed") }
        ) {
            let found = try await EC2.describe(context, "DescribeNatGateways", listKey: "NatGateways", filter: "nat-gateway-id", values: [id],
                                          filterMember: Self.filterMember)
            return decide(found.first)
        }
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        var input: AWSDocument = [
            "SubnetId": .string(a.string("subnet_id") ?? ""),
            "ConnectivityType": .string(a.string("connectivity_type") ?? "public"),
            "ClientToken": .string(request.token),
            "TagSpecifications": EC2.tagSpecifications("natgateway", a, token: request.token),
        ]
        if let allocation = a.string("allocation_id") { input["AllocationId"] = .string(allocation) }
        let output = try await context.client.call(.ec2, "CreateNatGateway", input)
        let id = try EC2.require(output["NatGateway"]["NatGatewayId"].string, "NatGateway.NatGatewayId", operation: "CreateNatGateway")
        try await waitAvailable(id, in: context, progress: request.progress)
        return try await readOne(id, in: context)
    }

    private func waitAvailable(_ id: String, in context: ProviderContext, progress: @escaping @Sendable (String) -> Void) async throws {
        try await wait(id, for: "available", in: context, progress: progress) { gateway in
            switch gateway?["State"].string {
            case "available": return .done(true)
            case "failed", "deleting", "deleted":
                return .failed(status: gateway?["State"].string ?? "", reason: gateway?["FailureMessage"].string ?? "no reason given")
            case let state: return .pending(status: state ?? "not listed yet")
            }
        }
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        if request.changed.contains("tags") {
            try await EC2.updateTags(context, resource: request.id, prior: request.prior, desired: request.attributes)
        }
        return try await readOne(request.id, in: context)
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        do {
            _ = try await context.client.call(.ec2, "DeleteNatGateway", ["NatGatewayId": .string(id)])
        } catch where EC2.isNotFound(error) {
            return
        }
        try await wait(id, for: "deleted", in: context, progress: { _ in }) { gateway in
            guard let state = gateway?["State"].string, state != "deleted" else { return .done(true) }
            return .pending(status: state)
        }
    }

    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        let gateways = try await EC2.describe(context, "DescribeNatGateways", listKey: "NatGateways", token: token, filterMember: Self.filterMember)
        guard let gateway = gateways.first(where: { !Self.goneStates.contains($0["State"].string ?? "") }),
              let id = gateway["NatGatewayId"].string
        else { return nil }
        // Found after a lost response: it may still be pending.
        try await waitAvailable(id, in: context, progress: { _ in })
        return try await readOne(id, in: context)
    }
}
