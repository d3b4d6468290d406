import InfraEngine

// Network resources: VPC, subnets, gateways, routes, security groups and their rules.
// Attribute names are the Terraform AWS provider's.

/// `aws_vpc`: a virtual network.
public struct VPC: Resource {
    public enum ID {}
    public static let terraformType = "aws_vpc"
    public let name: String
    public var cidr: CIDRBlock
    public var enableDNSHostnames: Bool
    public var enableDNSSupport: Bool
    public var options = ResourceOptions()

    public init(_ name: String, cidr: CIDRBlock, enableDNSHostnames: Bool = true, enableDNSSupport: Bool = true) {
        self.name = name
        self.cidr = cidr
        self.enableDNSHostnames = enableDNSHostnames
        self.enableDNSSupport = enableDNSSupport
    }

    public var id: Ref<ID> { ref("id") }
    public var arn: Ref<ARN> { ref("arn") }
    public var defaultSecurityGroupID: Ref<SecurityGroup.ID> { ref("default_security_group_id") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("cidr_block", cidr)
        a.set("enable_dns_hostnames", enableDNSHostnames)
        a.set("enable_dns_support", enableDNSSupport)
        a.set("instance_tenancy", "default")
    }
}

/// `aws_subnet`: a slice of a VPC in one availability zone.
public struct Subnet: Resource {
    public enum ID {}
    public static let terraformType = "aws_subnet"
    public let name: String
    public var vpc: Ref<VPC.ID>
    public var cidr: CIDRBlock
    public var zone: AvailabilityZone
    public var mapPublicIPOnLaunch: Bool
    public var options = ResourceOptions()

    public init(
        _ name: String, vpc: Ref<VPC.ID>, cidr: CIDRBlock, zone: AvailabilityZone, mapPublicIPOnLaunch: Bool = false
    ) {
        self.name = name
        self.vpc = vpc
        self.cidr = cidr
        self.zone = zone
        self.mapPublicIPOnLaunch = mapPublicIPOnLaunch
    }

    public init(_ name: String, vpc: VPC, cidr: CIDRBlock, zone: AvailabilityZone, mapPublicIPOnLaunch: Bool = false) {
        self.init(name, vpc: vpc.id, cidr: cidr, zone: zone, mapPublicIPOnLaunch: mapPublicIPOnLaunch)
    }

    public var id: Ref<ID> { ref("id") }
    public var arn: Ref<ARN> { ref("arn") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("vpc_id", vpc)
        a.set("cidr_block", cidr)
        a.set("availability_zone", zone.name(in: context.region))
        a.set("map_public_ip_on_launch", mapPublicIPOnLaunch)
    }
}

/// `aws_internet_gateway`, attached to its VPC.
public struct InternetGateway: Resource {
    public enum ID {}
    public static let terraformType = "aws_internet_gateway"
    public let name: String
    public var vpc: Ref<VPC.ID>
    public var options = ResourceOptions()

    public init(_ name: String, vpc: Ref<VPC.ID>) {
        self.name = name
        self.vpc = vpc
    }

    public var id: Ref<ID> { ref("id") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("vpc_id", vpc)
    }
}

/// `aws_eip`: an Elastic IP address in the VPC domain (for a NAT gateway).
public struct ElasticIP: Resource {
    public enum AllocationID {}
    public static let terraformType = "aws_eip"
    public let name: String
    public var options = ResourceOptions()

    public init(_ name: String) { self.name = name }

    public var allocationID: Ref<AllocationID> { ref("allocation_id") }
    public var publicIP: Ref<Attribute.Host> { ref("public_ip") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("domain", "vpc")
    }
}

/// `aws_nat_gateway`: a public NAT gateway in a public subnet.
public struct NATGateway: Resource {
    public enum ID {}
    public static let terraformType = "aws_nat_gateway"
    public let name: String
    public var subnet: Ref<Subnet.ID>
    public var allocation: Ref<ElasticIP.AllocationID>
    public var options = ResourceOptions()

    public init(_ name: String, subnet: Ref<Subnet.ID>, allocation: Ref<ElasticIP.AllocationID>) {
        self.name = name
        self.subnet = subnet
        self.allocation = allocation
    }

    public var id: Ref<ID> { ref("id") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("allocation_id", allocation)
        a.set("subnet_id", subnet)
        a.set("connectivity_type", "public")
    }
}

/// `aws_route_table`.
public struct RouteTable: Resource {
    public enum ID {}
    public static let terraformType = "aws_route_table"
    public let name: String
    public var vpc: Ref<VPC.ID>
    public var options = ResourceOptions()

    public init(_ name: String, vpc: Ref<VPC.ID>) {
        self.name = name
        self.vpc = vpc
    }

    public var id: Ref<ID> { ref("id") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("vpc_id", vpc)
    }
}

/// `aws_route`: one route in a route table, to an internet or NAT gateway.
public struct Route: Resource {
    /// Where the route sends traffic.
    public enum Target: Hashable, Sendable {
        case internetGateway(Ref<InternetGateway.ID>)
        case natGateway(Ref<NATGateway.ID>)
    }

    public static let terraformType = "aws_route"
    public static let isTaggable = false
    public let name: String
    public var table: Ref<RouteTable.ID>
    public var destination: CIDRBlock
    public var target: Target
    public var options = ResourceOptions()

    public init(_ name: String, table: Ref<RouteTable.ID>, destination: CIDRBlock = .anywhere, target: Target) {
        self.name = name
        self.table = table
        self.destination = destination
        self.target = target
    }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("route_table_id", table)
        a.set("destination_cidr_block", destination)
        switch target {
        case .internetGateway(let gateway): a.set("gateway_id", gateway)
        case .natGateway(let gateway): a.set("nat_gateway_id", gateway)
        }
    }
}

/// `aws_route_table_association`: puts a subnet under a route table.
public struct RouteTableAssociation: Resource {
    public static let terraformType = "aws_route_table_association"
    public static let isTaggable = false
    public let name: String
    public var subnet: Ref<Subnet.ID>
    public var table: Ref<RouteTable.ID>
    public var options = ResourceOptions()

    public init(_ name: String, subnet: Ref<Subnet.ID>, table: Ref<RouteTable.ID>) {
        self.name = name
        self.subnet = subnet
        self.table = table
    }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("subnet_id", subnet)
        a.set("route_table_id", table)
    }
}

/// `aws_security_group`, without inline rules (rules are their own resources).
public struct SecurityGroup: Resource {
    public enum ID {}
    public static let terraformType = "aws_security_group"
    public let name: String
    public var vpc: Ref<VPC.ID>
    public var description: String
    public var options = ResourceOptions()

    public init(_ name: String, vpc: Ref<VPC.ID>, description: String) {
        self.name = name
        self.vpc = vpc
        self.description = description
    }

    public var id: Ref<ID> { ref("id") }
    public var arn: Ref<ARN> { ref("arn") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("name", context.physicalName(name))
        a.set("description", description)
        a.set("vpc_id", vpc)
        a.set("revoke_rules_on_delete", false)
        a.require(!description.isEmpty, "description", "a security group needs a description saying what it admits")
    }
}

/// Where a security group rule's traffic comes from (ingress) or goes to (egress).
public enum RulePeer: Hashable, Sendable {
    case cidr(CIDRBlock)
    case securityGroup(Ref<SecurityGroup.ID>)
}

/// The shared shape of `aws_vpc_security_group_ingress_rule` and `..._egress_rule`.
public struct SecurityGroupRuleBody: Hashable, Sendable {
    public var group: Ref<SecurityGroup.ID>
    public var peer: RulePeer
    public var ipProtocol: IPProtocol
    public var ports: PortRange?
    public var description: String?

    func write(to a: inout AttributeWriter) {
        a.set("security_group_id", group)
        a.set("ip_protocol", ipProtocol)
        switch peer {
        case .cidr(let block): a.set("cidr_ipv4", block)
        case .securityGroup(let other): a.set("referenced_security_group_id", other)
        }
        if ipProtocol == .all {
            a.require(ports == nil, "from_port", "a rule for all protocols (-1) covers every port; leave the ports out")
        } else if let ports {
            if let problem = ports.problem { a.report("from_port", problem) }
            a.set("from_port", ports.from)
            a.set("to_port", ports.to)
        } else {
            a.report("from_port", "a \(ipProtocol.rawValue) rule needs ports")
        }
        a.set("description", description)
    }
}

/// `aws_vpc_security_group_ingress_rule`: admits traffic into a security group.
public struct SecurityGroupIngressRule: Resource {
    public static let terraformType = "aws_vpc_security_group_ingress_rule"
    public let name: String
    public var body: SecurityGroupRuleBody
    public var options = ResourceOptions()

    public init(
        _ name: String, group: Ref<SecurityGroup.ID>, from peer: RulePeer, ports: PortRange?,
        protocol ipProtocol: IPProtocol = .tcp, description: String? = nil
    ) {
        self.name = name
        body = SecurityGroupRuleBody(
            group: group, peer: peer, ipProtocol: ipProtocol, ports: ports, description: description)
    }

    public func write(to a: inout AttributeWriter, in context: RenderContext) { body.write(to: &a) }
}

/// `aws_vpc_security_group_egress_rule`: allows traffic out of a security group.
public struct SecurityGroupEgressRule: Resource {
    public static let terraformType = "aws_vpc_security_group_egress_rule"
    public let name: String
    public var body: SecurityGroupRuleBody
    public var options = ResourceOptions()

    public init(
        _ name: String, group: Ref<SecurityGroup.ID>, to peer: RulePeer, ports: PortRange? = nil,
        protocol ipProtocol: IPProtocol = .all, description: String? = nil
    ) {
        self.name = name
        body = SecurityGroupRuleBody(
            group: group, peer: peer, ipProtocol: ipProtocol, ports: ports, description: description)
    }

    public func write(to a: inout AttributeWriter, in context: RenderContext) { body.write(to: &a) }
}
