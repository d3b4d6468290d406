import InfraDSL
import InfraEngine
import XCTest

final class NetworkTests: XCTestCase {
    func testThreeZonesWithNATPerZone() throws {
        let config = try Fixture.build {
            Network("main", cidr: "10.30.0.0/16", zones: 3, nat: .perZone)
        }
        XCTAssertEqual(config.addresses(ofType: "aws_vpc"), ["main"])
        XCTAssertEqual(
            config.addresses(ofType: "aws_subnet"),
            ["main_database_a", "main_database_b", "main_database_c", "main_private_a", "main_private_b", "main_private_c",
             "main_public_a", "main_public_b", "main_public_c"])
        XCTAssertEqual(config.addresses(ofType: "aws_nat_gateway"), ["main_a", "main_b", "main_c"])
        XCTAssertEqual(config.addresses(ofType: "aws_eip"), ["main_nat_a", "main_nat_b", "main_nat_c"])
        XCTAssertEqual(
            config.addresses(ofType: "aws_route_table"),
            ["main_database", "main_private_a", "main_private_b", "main_private_c", "main_public"])
        XCTAssertEqual(
            config.addresses(ofType: "aws_route"),
            ["main_private_a_nat", "main_private_b_nat", "main_private_c_nat", "main_public_internet"])
        XCTAssertEqual(config.addresses(ofType: "aws_route_table_association").count, 9)
        XCTAssertEqual(config.addresses(ofType: "aws_internet_gateway"), ["main"])

        // Subnets carved with cidrsubnet(10.30.0.0/16, 4, tier * 4 + zone), in their zones.
        let expected = [
            "main_public_a": ("10.30.0.0/20", "eu-west-1a", true), "main_public_c": ("10.30.32.0/20", "eu-west-1c", true),
            "main_private_a": ("10.30.64.0/20", "eu-west-1a", false), "main_private_b": ("10.30.80.0/20", "eu-west-1b", false),
            "main_database_a": ("10.30.128.0/20", "eu-west-1a", false), "main_database_c": ("10.30.160.0/20", "eu-west-1c", false),
        ]
        for (name, (cidr, zone, isPublic)) in expected {
            let subnet = try config.resource("aws_subnet.\(name)")
            XCTAssertEqual(subnet.attributes["cidr_block"], .string(cidr), name)
            XCTAssertEqual(subnet.attributes["availability_zone"], .string(zone), name)
            XCTAssertEqual(subnet.attributes["map_public_ip_on_launch"], .bool(isPublic), name)
            XCTAssertEqual(subnet.attributes["vpc_id"], try ref("aws_vpc.main", "id"), name)
            XCTAssertEqual(subnet.dependencies, [try ResourceAddress(parsing: "aws_vpc.main")], name)
        }
        let vpc = try config.resource("aws_vpc.main")
        XCTAssertEqual(vpc.attributes["cidr_block"], "10.30.0.0/16")
        XCTAssertEqual(vpc.attributes["enable_dns_hostnames"], true)

        // Each zone's NAT sits in that zone's public subnet with its own address; each private
        // table routes through its zone's NAT.
        let natB = try config.resource("aws_nat_gateway.main_b")
        XCTAssertEqual(natB.attributes["subnet_id"], try ref("aws_subnet.main_public_b", "id"))
        XCTAssertEqual(natB.attributes["allocation_id"], try ref("aws_eip.main_nat_b", "allocation_id"))
        XCTAssertTrue(natB.dependencies.contains(try ResourceAddress(parsing: "aws_internet_gateway.main")))
        let routeB = try config.resource("aws_route.main_private_b_nat")
        XCTAssertEqual(routeB.attributes["route_table_id"], try ref("aws_route_table.main_private_b", "id"))
        XCTAssertEqual(routeB.attributes["nat_gateway_id"], try ref("aws_nat_gateway.main_b", "id"))
        XCTAssertEqual(routeB.attributes["destination_cidr_block"], "0.0.0.0/0")
        let internet = try config.resource("aws_route.main_public_internet")
        XCTAssertEqual(internet.attributes["gateway_id"], try ref("aws_internet_gateway.main", "id"))
        XCTAssertEqual(internet.attributes["route_table_id"], try ref("aws_route_table.main_public", "id"))

        let privateC = try config.resource("aws_route_table_association.main_private_c")
        XCTAssertEqual(privateC.attributes["subnet_id"], try ref("aws_subnet.main_private_c", "id"))
        XCTAssertEqual(privateC.attributes["route_table_id"], try ref("aws_route_table.main_private_c", "id"))
        // Database subnets have no internet route at all.
        let databaseA = try config.resource("aws_route_table_association.main_database_a")
        XCTAssertEqual(databaseA.attributes["route_table_id"], try ref("aws_route_table.main_database", "id"))
        XCTAssertFalse(config.resources.contains { $0.type == "aws_route" && $0.address.name.contains("database") })

        // Name tags say what each thing is.
        XCTAssertEqual(try config.resource("aws_subnet.main_private_b").attributes["tags"]?["Name"], "prod-main-private-b")
        XCTAssertEqual(try config.resource("aws_subnet.main_private_b").attributes["tags"]?["Tier"], "private")
    }

    func testSharedNATServesEveryZoneFromTheFirst() throws {
        let config = try Fixture.build {
            Network("main", cidr: "10.30.0.0/16", zones: 3, nat: .shared)
        }
        XCTAssertEqual(config.addresses(ofType: "aws_nat_gateway"), ["main_a"])
        XCTAssertEqual(config.addresses(ofType: "aws_eip"), ["main_nat_a"])
        XCTAssertEqual(config.addresses(ofType: "aws_route_table"), ["main_database", "main_private", "main_public"])
        XCTAssertEqual(config.addresses(ofType: "aws_route"), ["main_private_nat", "main_public_internet"])
        let route = try config.resource("aws_route.main_private_nat")
        XCTAssertEqual(route.attributes["nat_gateway_id"], try ref("aws_nat_gateway.main_a", "id"))
        for zone in ["a", "b", "c"] {
            let association = try config.resource("aws_route_table_association.main_private_\(zone)")
            XCTAssertEqual(association.attributes["route_table_id"], try ref("aws_route_table.main_private", "id"))
        }
    }

    func testTooManyZonesForTheLayoutIsADiagnostic() {
        XCTAssertThrowsError(
            try Fixture.build { Network("main", cidr: "10.30.0.0/16", zones: 5, subnetBits: 4) }
        ) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("aws_subnet.main_public_a: cidr_block:"), text)
            XCTAssertTrue(text.contains("raise subnetBits to 5"), text)
        }
        XCTAssertNoThrow(try Fixture.build { Network("main", cidr: "10.30.0.0/16", zones: 5, subnetBits: 5) })
    }

    func testSubnetIDIsNotAVPCID() throws {
        // `Subnet(vpc: Ref<VPC.ID>)` does not accept a `Ref<Subnet.ID>`: the compiler checks the
        // kind. Here we only check that the typed references render as references.
        let vpc = VPC("main", cidr: "10.0.0.0/16")
        let subnet = Subnet("a", vpc: vpc, cidr: "10.0.1.0/24", zone: .index(0))
        XCTAssertEqual(subnet.id.reference, Reference(ResourceAddress(type: "aws_subnet", name: "a"), "id"))
        XCTAssertEqual(vpc.id.reference?.address, vpc.address)
    }

    func testInvalidLiteralsAreCollectedWithResourceAndAttribute() {
        XCTAssertThrowsError(
            try Fixture.build {
                let vpc = VPC("main", cidr: "10.0.0.0/33")
                vpc
                Subnet("a", vpc: vpc, cidr: "10.0.1.0/16", zone: "eu-west-1a")
                SecurityGroupIngressRule(
                    "web", group: .existing("sg-123"), from: .cidr(.anywhere), ports: PortRange(from: 443, to: 80))
            }
        ) { error in
            guard let error = error as? ConfigurationError else { return XCTFail("\(error)") }
            XCTAssertEqual(
                error.diagnostics.map(\.description),
                [
                    "aws_vpc.main: cidr_block: '10.0.0.0/33' is not a valid CIDR block: prefix length '33' must be a number from 0 to 32",
                    "aws_subnet.a: cidr_block: '10.0.1.0/16' is not a valid CIDR block: it has host bits set after the /16; did you mean 10.0.0.0/16?",
                    "aws_vpc_security_group_ingress_rule.web: from_port: '443-80' is not a valid port range: the first port is above the last",
                ])
        }
    }

    func testReferenceToAnUndeclaredResourceIsReported() {
        let vpc = VPC("main", cidr: "10.0.0.0/16")
        XCTAssertThrowsError(
            try Fixture.build {
                Subnet("a", vpc: vpc, cidr: "10.0.1.0/24", zone: .index(0))
            }
        ) { error in
            XCTAssertTrue("\(error)".contains("aws_subnet.a: vpc_id: refers to aws_vpc.main, which this stack does not declare"), "\(error)")
        }
    }

    func testDuplicateAddressesAreReported() {
        XCTAssertThrowsError(
            try Fixture.build {
                VPC("main", cidr: "10.0.0.0/16")
                VPC("main", cidr: "10.1.0.0/16")
            }
        ) { error in
            XCTAssertTrue("\(error)".contains("aws_vpc.main: declared more than once"), "\(error)")
        }
    }
}
