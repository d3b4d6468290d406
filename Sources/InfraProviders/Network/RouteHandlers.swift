import InfraAWS
import InfraEngine

/// `aws_route_table` without inline routes (routes are `aws_route` resources).
public struct RouteTableHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_route_table"
    public let schema = ResourceSchema(type: "aws_route_table", attributes: [
        "vpc_id": AttributeSchema(.required, forcesReplacement: true),
        "tags": .optional,
        "id": .computed,
        "arn": .computed,
        "owner_id": .computed,
    ])

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        observe(try await EC2.describe(context, "DescribeRouteTables", listKey: "RouteTables", filter: "route-table-id", values: ids), context)
    }

    private func observe(_ tables: [AWSDocument], _ context: ProviderContext) -> [String: ObservedResource] {
        var result: [String: ObservedResource] = [:]
        for table in tables {
            guard let id = table["RouteTableId"].string else { continue }
            var a: Attributes = ["id": .string(id)]
            a.put("vpc_id", table["VpcId"].string)
            a.put("owner_id", table["OwnerId"].string)
            a["arn"] = EC2.arn(context, owner: table["OwnerId"].string, kind: "route-table", id: id)
            a["tags"] = Tags.attribute(from: table["Tags"])
            result[id] = ObservedResource(id: id, attributes: a)
        }
        return result
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let output = try await context.client.call(.ec2, "CreateRouteTable", [
            "VpcId": .string(request.attributes.string("vpc_id") ?? ""),
            "TagSpecifications": EC2.tagSpecifications("route-table", request.attributes, token: request.token),
        ])
        let id = try EC2.require(output["RouteTable"]["RouteTableId"].string, "RouteTable.RouteTableId", operation: "CreateRouteTable")
        return try await readOne(id, in: context)
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        if request.changed.contains("tags") {
            try await EC2.updateTags(context, resource: request.id, prior: request.prior, desired: request.attributes)
        }
        return try await readOne(request.id, in: context)
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        try await EC2.delete(context, subject: "route table \(id)") {
            _ = try await context.client.call(.ec2, "DeleteRouteTable", ["RouteTableId": .string(id)])
        }
    }

    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        observe(try await EC2.describe(context, "DescribeRouteTables", listKey: "RouteTables", token: token), context).values.first
    }
}

/// `aws_route`: one IPv4 route, id `<route table id>_<destination>`, read from
/// DescribeRouteTables (one call for the tables of every route in the state).
public struct RouteHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_route"
    public let schema = ResourceSchema(type: "aws_route", attributes: [
        "route_table_id": AttributeSchema(.required, forcesReplacement: true),
        "destination_cidr_block": AttributeSchema(.required, forcesReplacement: true),
        "gateway_id": .optional,
        "nat_gateway_id": .optional,
        "id": .computed,
        "origin": .computed,
        "state": .computed,
    ])

    /// `rtb-1_0.0.0.0/0` → (`rtb-1`, `0.0.0.0/0`). The table id has no `_`; the destination no `_`.
    static func parse(_ id: String) -> (table: String, destination: String)? {
        guard let split = id.firstIndex(of: "_") else { return nil }
        let table = String(id[..<split]), destination = String(id[id.index(after: split)...])
        guard table.hasPrefix("rtb-"), !destination.isEmpty else { return nil }
        return (table, destination)
    }

    static func id(table: String, destination: String) -> String { "\(table)_\(destination)" }

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        let wanted = ids.compactMap(Self.parse)
        let tables = try await EC2.describe(context, "DescribeRouteTables", listKey: "RouteTables", filter: "route-table-id",
                                           values: wanted.map { $0.table })
        var result: [String: ObservedResource] = [:]
        let wantedIDs = Set(ids)
        for table in tables {
            guard let tableID = table["RouteTableId"].string else { continue }
            for route in table["Routes"].array ?? [] {
                guard let destination = route["DestinationCidrBlock"].string else { continue }
                let id = Self.id(table: tableID, destination: destination)
                guard wantedIDs.contains(id) else { continue }
                result[id] = ObservedResource(id: id, attributes: Self.attributes(id: id, table: tableID, route: route))
            }
        }
        return result
    }

    static func attributes(id: String, table: String, route: AWSDocument) -> Attributes {
        var a: Attributes = ["id": .string(id), "route_table_id": .string(table)]
        a.put("destination_cidr_block", route["DestinationCidrBlock"].string)
        if let gateway = route["GatewayId"].string, gateway != "local", !gateway.isEmpty { a["gateway_id"] = .string(gateway) }
        if let nat = route["NatGatewayId"].string, !nat.isEmpty { a["nat_gateway_id"] = .string(nat) }
        a.put("origin", route["Origin"].string)
        a.put("state", route["State"].string)
        return a
    }

    private func target(_ a: Attributes) -> AWSDocument {
        var input: AWSDocument = [
            "RouteTableId": .string(a.string("route_table_id") ?? ""),
            "DestinationCidrBlock": .string(a.string("destination_cidr_block") ?? ""),
        ]
        if let gateway = a.string("gateway_id") { input["GatewayId"] = .string(gateway) }
        if let nat = a.string("nat_gateway_id") { input["NatGatewayId"] = .string(nat) }
        return input
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let id = Self.id(table: a.string("route_table_id") ?? "", destination: a.string("destination_cidr_block") ?? "")
        do {
            _ = try await context.client.call(.ec2, "CreateRoute", target(a))
        } catch let error as AWSError where error.code == "RouteAlreadyExists" {
            // Routes carry no tags, so a create whose response was lost cannot be found by its
            // token; the route itself is recognised instead when it already has our target.
            let existing = try await read(ids: [id], in: context)[id]
            guard let existing, existing.attributes["gateway_id"] == a["gateway_id"],
                  existing.attributes["nat_gateway_id"] == a["nat_gateway_id"]
            else {
                throw RouteConflictError(id: id, existing: existing?.attributes)
            }
            return existing
        }
        return try await readOne(id, in: context)
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        _ = try await context.client.call(.ec2, "ReplaceRoute", target(request.attributes))
        return try await readOne(request.id, in: context)
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        guard let (table, destination) = Self.parse(id) else { return }
        try await EC2.delete(context, subject: "route \(id)") {
            _ = try await context.client.call(.ec2, "DeleteRoute", ["RouteTableId": .string(table), "DestinationCidrBlock": .string(destination)])
        }
    }

    /// Routes have no tags to find them by; a lost create is recovered in ``create(_:in:)``.
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? { nil }
}

/// A route infra wants to create exists already with another target.
public struct RouteConflictError: Error, Sendable, CustomStringConvertible {
    public var id: String
    public var existing: [String: InfraEngine.Value]?
    public var description: String {
        let target = existing.map { ($0.string("gateway_id") ?? $0.string("nat_gateway_id")) ?? "another target" } ?? "another target"
        return "route \(id) already exists and sends traffic to \(target); import it (infra import <env> <address> \(id)) "
            + "or delete it before applying"
    }
}

/// `aws_route_table_association` (subnet form): AssociateRouteTable, read from
/// DescribeRouteTables filtered by association id, moved with ReplaceRouteTableAssociation.
public struct RouteTableAssociationHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_route_table_association"
    public let schema = ResourceSchema(type: "aws_route_table_association", attributes: [
        "subnet_id": AttributeSchema(.required, forcesReplacement: true),
        "route_table_id": .required,
        "id": .computed,
    ])

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        let tables = try await EC2.describe(context, "DescribeRouteTables", listKey: "RouteTables",
                                           filter: "association.route-table-association-id", values: ids)
        return Self.associations(in: tables) { Set(ids).contains($0["RouteTableAssociationId"].string ?? "") }
    }

    static func associations(in tables: [AWSDocument], where keep: (AWSDocument) -> Bool) -> [String: ObservedResource] {
        var result: [String: ObservedResource] = [:]
        for table in tables {
            for association in table["Associations"].array ?? [] where keep(association) {
                guard let id = association["RouteTableAssociationId"].string,
                      association["AssociationState"]["State"].string.map({ $0 == "associated" || $0 == "associating" }) ?? true
                else { continue }
                var a: Attributes = ["id": .string(id)]
                a.put("subnet_id", association["SubnetId"].string)
                a.put("route_table_id", association["RouteTableId"].string ?? table["RouteTableId"].string)
                result[id] = ObservedResource(id: id, attributes: a)
            }
        }
        return result
    }

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let subnet = request.attributes.string("subnet_id") ?? ""
        let table = request.attributes.string("route_table_id") ?? ""
        do {
            let output = try await context.client.call(.ec2, "AssociateRouteTable", ["RouteTableId": .string(table), "SubnetId": .string(subnet)])
            let id = try EC2.require(output["AssociationId"].string, "AssociationId", operation: "AssociateRouteTable")
            return try await readOne(id, in: context)
        } catch let error as AWSError where error.code == "Resource.AlreadyAssociated" {
            // Associations carry no tags: a create whose response was lost is recognised by
            // the subnet already sitting under the wanted table.
            let tables = try await EC2.describe(context, "DescribeRouteTables", listKey: "RouteTables",
                                               filter: "association.subnet-id", values: [subnet])
            let existing = Self.associations(in: tables) { $0["SubnetId"].string == subnet }.values.first
            guard let existing, existing.attributes.string("route_table_id") == table else { throw error }
            return existing
        }
    }

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        guard request.changed.contains("route_table_id"), let table = request.attributes.string("route_table_id") else {
            return try await readOne(request.id, in: context)
        }
        // AWS gives the moved association a new id; the engine records it.
        let output = try await context.client.call(.ec2, "ReplaceRouteTableAssociation", [
            "AssociationId": .string(request.id), "RouteTableId": .string(table),
        ])
        let id = try EC2.require(output["NewAssociationId"].string, "NewAssociationId", operation: "ReplaceRouteTableAssociation")
        return try await readOne(id, in: context)
    }

    public func delete(id: String, attributes: [String: InfraEngine.Value], in context: ProviderContext) async throws {
        try await EC2.delete(context, subject: "route table association \(id)") {
            _ = try await context.client.call(.ec2, "DisassociateRouteTable", ["AssociationId": .string(id)])
        }
    }

    /// Associations have no tags; a lost create is recovered in ``create(_:in:)``.
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? { nil }
}
