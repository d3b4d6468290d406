import InfraEngine

/// The subnets of one tier of a network, with the VPC they belong to (so a component placed in
/// them can create its security group in the same VPC).
public struct SubnetSet: ValueConvertible, Hashable {
    public var vpc: Ref<VPC.ID>
    public var ids: [Ref<Subnet.ID>]

    public init(vpc: Ref<VPC.ID>, ids: [Ref<Subnet.ID>]) {
        self.vpc = vpc
        self.ids = ids
    }

    public var value: Value { ids.value }
}

/// How private subnets reach the internet.
public enum NATMode: String, Hashable, Sendable, Decodable {
    /// One NAT gateway per zone: a zone's outage does not cut the others off (production).
    case perZone = "per_zone"
    /// One NAT gateway in the first zone for all: cheaper, one zone is a single point of failure.
    case shared
    /// No NAT: private subnets have no route to the internet.
    case none

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let mode = NATMode(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected per_zone, shared or none, found '\(text)'")
        }
        self = mode
    }
}

/// A VPC across N availability zones with public, private and database subnets, an internet
/// gateway, NAT gateways, route tables, routes and associations.
///
/// Subnets are carved from the VPC block with `cidrsubnet(cidr, subnetBits, n)`: tier `t`
/// (public 0, private 1, database 2) in zone `z` gets `n = t * 2^subnetBits / 4 + z`, so adding a
/// zone later never renumbers an existing subnet. Database subnets have their own route table
/// without any internet route.
public struct Network: Component {
    public let name: String
    public let vpc: VPC
    public let publicSubnetResources: [Subnet]
    public let privateSubnetResources: [Subnet]
    public let databaseSubnetResources: [Subnet]
    public let internetGateway: InternetGateway
    public let natAddresses: [ElasticIP]
    public let natGateways: [NATGateway]
    public let publicRouteTable: RouteTable
    public let privateRouteTables: [RouteTable]
    public let databaseRouteTable: RouteTable
    public let routes: [Route]
    public let associations: [RouteTableAssociation]

    public init(
        _ name: String, cidr: CIDRBlock, zones: AvailabilityZoneCount, nat: NATMode = .perZone, subnetBits: Int = 4
    ) {
        self.name = name
        let vpc = VPC(name, cidr: cidr)
        self.vpc = vpc
        let stride = max(1, (1 << max(0, min(subnetBits, 16))) / 4)
        let zoneCount = zones.count

        func subnets(_ tier: String, _ tierIndex: Int, isPublic: Bool) -> [Subnet] {
            (0..<zoneCount).map { z in
                let letter = AvailabilityZone.letter(z)
                var block = cidr.subnetOrInvalid(newBits: subnetBits, netNum: tierIndex * stride + z)
                if let problem = zones.invalidity {
                    block = CIDRBlock(invalid: problem)
                } else if zoneCount > stride {
                    block = CIDRBlock(
                        invalid: InvalidValue(
                            kind: "network layout", input: "\(zoneCount) zones with subnetBits \(subnetBits)",
                            reason: "room for \(stride) zones per tier; raise subnetBits to \(subnetBits + 1)"))
                }
                return Subnet(
                    "\(name)_\(tier)_\(letter)", vpc: vpc.id, cidr: block, zone: .index(z), mapPublicIPOnLaunch: isPublic
                ).tagged(["Tier": tier])
            }
        }
        publicSubnetResources = subnets("public", 0, isPublic: true)
        privateSubnetResources = subnets("private", 1, isPublic: false)
        databaseSubnetResources = subnets("database", 2, isPublic: false)

        internetGateway = InternetGateway(name, vpc: vpc.id)
        publicRouteTable = RouteTable("\(name)_public", vpc: vpc.id).tagged(["Tier": "public"])
        databaseRouteTable = RouteTable("\(name)_database", vpc: vpc.id).tagged(["Tier": "database"])

        let natZones: [Int]
        switch nat {
        case .perZone: natZones = Array(0..<zoneCount)
        case .shared: natZones = zoneCount > 0 ? [0] : []
        case .none: natZones = []
        }
        natAddresses = natZones.map { ElasticIP("\(name)_nat_\(AvailabilityZone.letter($0))") }
        let publicSubnetResources = self.publicSubnetResources
        let natAddresses = self.natAddresses
        let internetGateway = self.internetGateway
        let natGateways = natZones.enumerated().map { i, z in
            NATGateway(
                "\(name)_\(AvailabilityZone.letter(z))", subnet: publicSubnetResources[z].id,
                allocation: natAddresses[i].allocationID
            ).dependsOn(internetGateway)
        }
        self.natGateways = natGateways
        // With one NAT per zone each zone's private subnet routes through its own NAT, so each
        // zone needs its own route table; otherwise one private table serves every zone.
        if nat == .perZone {
            privateRouteTables = (0..<zoneCount).map {
                RouteTable("\(name)_private_\(AvailabilityZone.letter($0))", vpc: vpc.id).tagged(["Tier": "private"])
            }
        } else {
            privateRouteTables = [RouteTable("\(name)_private", vpc: vpc.id).tagged(["Tier": "private"])]
        }

        var routes = [
            Route("\(name)_public_internet", table: publicRouteTable.id, target: .internetGateway(internetGateway.id))
        ]
        for (i, table) in privateRouteTables.enumerated() where !natGateways.isEmpty {
            let gateway = natGateways[min(i, natGateways.count - 1)]
            routes.append(Route("\(table.name)_nat", table: table.id, target: .natGateway(gateway.id)))
        }
        self.routes = routes

        var associations: [RouteTableAssociation] = []
        for subnet in publicSubnetResources {
            associations.append(RouteTableAssociation(subnet.name, subnet: subnet.id, table: publicRouteTable.id))
        }
        for (z, subnet) in privateSubnetResources.enumerated() {
            let table = privateRouteTables[min(z, privateRouteTables.count - 1)]
            associations.append(RouteTableAssociation(subnet.name, subnet: subnet.id, table: table.id))
        }
        for subnet in databaseSubnetResources {
            associations.append(RouteTableAssociation(subnet.name, subnet: subnet.id, table: databaseRouteTable.id))
        }
        self.associations = associations
    }

    /// Subnets with a route to the internet gateway (load balancers, NAT gateways).
    public var publicSubnets: SubnetSet { SubnetSet(vpc: vpc.id, ids: publicSubnetResources.map(\.id)) }
    /// Subnets reaching the internet only through NAT (services, nodes).
    public var privateSubnets: SubnetSet { SubnetSet(vpc: vpc.id, ids: privateSubnetResources.map(\.id)) }
    /// Subnets without any internet route (databases, caches).
    public var databaseSubnets: SubnetSet { SubnetSet(vpc: vpc.id, ids: databaseSubnetResources.map(\.id)) }

    public var body: Resources {
        Resources {
            vpc
            publicSubnetResources
            privateSubnetResources
            databaseSubnetResources
            internetGateway
            natAddresses
            natGateways
            publicRouteTable
            privateRouteTables
            databaseRouteTable
            routes
            associations
        }
    }
}
