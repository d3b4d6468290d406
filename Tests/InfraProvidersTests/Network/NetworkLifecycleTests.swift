import InfraAWS
import InfraDSL
import InfraEngine
import InfraProviders
import XCTest

/// Per resource type, against moto with signature checking on, through Planner + Applier +
/// LocalBackend: create → empty plan → in-place update of exactly one attribute → apply →
/// replacement naming the force-new attribute → apply → destroy leaves nothing.
final class NetworkLifecycleTests: XCTestCase {
    enum Expect {
        case update([String])
        case replace(String)
    }

    private func lifecycle(_ address: String, second: Expect, file: StaticString = #filePath, line: UInt = #line,
                           _ make: (Int) throws -> Configuration) async throws
    {
        let h = try await NetworkHarness.start()
        let v0 = try make(0), v1 = try make(1), v2 = try make(2)
        try await h.converge(v0, file: file, line: line)

        let update = try await h.plan(v1)
        let change = try XCTUnwrap(update.change(address), "no change for \(address)", file: file, line: line)
        XCTAssertEqual(change.action, .update, update.describeChanges, file: file, line: line)
        XCTAssertEqual(update.actingChanges.count, 1, "exactly one change: \(update.describeChanges)", file: file, line: line)
        try await h.apply(update, file: file, line: line)
        let afterUpdate = try await h.plan(v1)
        XCTAssertFalse(afterUpdate.hasChanges, afterUpdate.describeChanges, file: file, line: line)

        let next = try await h.plan(v2)
        let second2 = try XCTUnwrap(next.change(address), file: file, line: line)
        switch second {
        case .update(let attributes):
            XCTAssertEqual(second2.action, .update, next.describeChanges, file: file, line: line)
            XCTAssertEqual(second2.changedAttributes, attributes, file: file, line: line)
        case .replace(let attribute):
            XCTAssertTrue(second2.action.isReplace, next.describeChanges, file: file, line: line)
            XCTAssertEqual(second2.replacePaths, [attribute], file: file, line: line)
            XCTAssertTrue(second2.reasons.contains { $0.hasPrefix("\(attribute):") && $0.contains("forces replacement") },
                          "\(second2.reasons)", file: file, line: line)
        }
        try await h.apply(next, file: file, line: line)
        let afterReplace = try await h.plan(v2)
        XCTAssertFalse(afterReplace.hasChanges, afterReplace.describeChanges, file: file, line: line)

        try await h.destroyAll(v2, file: file, line: line)
    }

    func testVPC() async throws {
        try await lifecycle("aws_vpc.main", second: .replace("cidr_block")) { v in
            let vpc = VPC("main", cidr: v == 2 ? "10.1.0.0/16" : "10.0.0.0/16", enableDNSHostnames: v == 0)
            return try NetworkHarness.build { vpc }
        }
    }

    func testVPCUpdateChangesExactlyDNSHostnames() async throws {
        let h = try await NetworkHarness.start()
        try await h.converge(try NetworkHarness.build { VPC("main", cidr: "10.0.0.0/16") })
        let plan = try await h.plan(try NetworkHarness.build { VPC("main", cidr: "10.0.0.0/16", enableDNSHostnames: false) })
        XCTAssertEqual(plan.change("aws_vpc.main")?.changedAttributes, ["enable_dns_hostnames"])
        try await h.apply(plan)
        let idFound = try await h.state()?.resources.values.first?.id
        let id = try XCTUnwrap(idFound)
        let attribute = try await h.client.call(.ec2, "DescribeVpcAttribute", ["VpcId": .string(id), "Attribute": "enableDnsHostnames"])
        XCTAssertEqual(attribute["EnableDnsHostnames"]["Value"].bool, false)
    }

    func testSubnet() async throws {
        try await lifecycle("aws_subnet.a", second: .replace("cidr_block")) { v in
            let vpc = VPC("main", cidr: "10.0.0.0/16")
            let subnet = Subnet("a", vpc: vpc, cidr: v == 2 ? "10.0.2.0/24" : "10.0.1.0/24", zone: .index(0))
            return try NetworkHarness.build { vpc; v == 0 ? subnet : subnet.tagged(["Tier": "app"]) }
        }
    }

    func testInternetGatewayMovesBetweenVPCsInPlace() async throws {
        // An internet gateway has no force-new attribute: a new VPC is a detach + attach.
        try await lifecycle("aws_internet_gateway.gw", second: .update(["vpc_id"])) { v in
            let one = VPC("one", cidr: "10.0.0.0/16"), two = VPC("two", cidr: "10.1.0.0/16")
            let gateway = InternetGateway("gw", vpc: v == 2 ? two.id : one.id)
            return try NetworkHarness.build { one; two; v == 0 ? gateway : gateway.tagged(["Team": "net"]) }
        }
    }

    func testElasticIP() async throws {
        // The only force-new attribute of an address is `domain`, and its other value
        // ("standard", EC2-Classic) no longer exists: the plan is checked for the replacement,
        // and the replacement is applied through --replace.
        let h = try await NetworkHarness.start()
        let address = ElasticIP("nat")
        let v0 = try NetworkHarness.build { address }
        let v1 = try NetworkHarness.build { address.tagged(["Team": "net"]) }
        try await h.converge(v0)
        let update = try await h.plan(v1)
        XCTAssertEqual(update.change("aws_eip.nat")?.action, .update)
        XCTAssertEqual(update.change("aws_eip.nat")?.changedAttributes, ["tags"])
        try await h.apply(update)
        let afterUpdate = try await h.plan(v1)
        XCTAssertFalse(afterUpdate.hasChanges, afterUpdate.describeChanges)

        var standard = v1
        for i in standard.resources.indices { standard.resources[i].attributes["domain"] = "standard" }
        let domainChangeFound = try await h.plan(standard).change("aws_eip.nat")
        let domainChange = try XCTUnwrap(domainChangeFound)
        XCTAssertTrue(domainChange.action.isReplace)
        XCTAssertEqual(domainChange.replacePaths, ["domain"])

        let oldIDFound = try await h.state()?.resources.values.first?.id
        let oldID = try XCTUnwrap(oldIDFound)
        let replace = try await h.plan(v1, options: PlanOptions(replace: [try ResourceAddress(parsing: "aws_eip.nat")]))
        XCTAssertTrue(replace.change("aws_eip.nat")?.action.isReplace == true)
        try await h.apply(replace)
        let newIDFound = try await h.state()?.resources.values.first?.id
        let newID = try XCTUnwrap(newIDFound)
        XCTAssertNotEqual(oldID, newID)
        let gone = try await h.provider().read(type: "aws_eip", ids: [oldID])
        XCTAssertTrue(gone.isEmpty, "the replaced address is released")
        try await h.destroyAll(v1)
    }

    func testNATGateway() async throws {
        // The replacement moves to another address: moto keeps a deleted gateway's address
        // associated, so re-using the same address for the new gateway fails there (not on AWS).
        try await lifecycle("aws_nat_gateway.a", second: .replace("allocation_id")) { v in
            let vpc = VPC("main", cidr: "10.0.0.0/16")
            let a = Subnet("a", vpc: vpc, cidr: "10.0.1.0/24", zone: .index(0), mapPublicIPOnLaunch: true)
            let gateway = InternetGateway("gw", vpc: vpc.id)
            let one = ElasticIP("one"), two = ElasticIP("two")
            let nat = NATGateway("a", subnet: a.id, allocation: v == 2 ? two.allocationID : one.allocationID).dependsOn(gateway)
            return try NetworkHarness.build { vpc; a; gateway; one; two; v == 0 ? nat : nat.tagged(["Team": "net"]) }
        }
    }

    func testRouteTable() async throws {
        try await lifecycle("aws_route_table.private", second: .replace("vpc_id")) { v in
            let one = VPC("one", cidr: "10.0.0.0/16"), two = VPC("two", cidr: "10.1.0.0/16")
            let table = RouteTable("private", vpc: v == 2 ? two.id : one.id)
            return try NetworkHarness.build { one; two; v == 0 ? table : table.tagged(["Team": "net"]) }
        }
    }

    func testRoute() async throws {
        try await lifecycle("aws_route.out", second: .replace("destination_cidr_block")) { v in
            let vpc = VPC("main", cidr: "10.0.0.0/16")
            let a = Subnet("a", vpc: vpc, cidr: "10.0.1.0/24", zone: .index(0))
            let b = Subnet("b", vpc: vpc, cidr: "10.0.2.0/24", zone: .index(1))
            let gateway = InternetGateway("gw", vpc: vpc.id)
            let ipA = ElasticIP("a"), ipB = ElasticIP("b")
            let natA = NATGateway("a", subnet: a.id, allocation: ipA.allocationID).dependsOn(gateway)
            let natB = NATGateway("b", subnet: b.id, allocation: ipB.allocationID).dependsOn(gateway)
            let table = RouteTable("private", vpc: vpc.id)
            let route = Route("out", table: table.id, destination: v == 2 ? "10.99.0.0/16" : .anywhere,
                              target: .natGateway(v == 0 ? natA.id : natB.id))
            return try NetworkHarness.build { vpc; a; b; gateway; ipA; ipB; natA; natB; table; route }
        }
    }

    func testRouteTableAssociation() async throws {
        try await lifecycle("aws_route_table_association.a", second: .replace("subnet_id")) { v in
            let vpc = VPC("main", cidr: "10.0.0.0/16")
            let a = Subnet("a", vpc: vpc, cidr: "10.0.1.0/24", zone: .index(0))
            let b = Subnet("b", vpc: vpc, cidr: "10.0.2.0/24", zone: .index(1))
            let one = RouteTable("one", vpc: vpc.id), two = RouteTable("two", vpc: vpc.id)
            let association = RouteTableAssociation("a", subnet: v == 2 ? b.id : a.id, table: v == 0 ? one.id : two.id)
            return try NetworkHarness.build { vpc; a; b; one; two; association }
        }
    }

    func testSecurityGroup() async throws {
        try await lifecycle("aws_security_group.app", second: .replace("description")) { v in
            let vpc = VPC("main", cidr: "10.0.0.0/16")
            let group = SecurityGroup("app", vpc: vpc.id, description: v == 2 ? "application servers" : "app")
            return try NetworkHarness.build { vpc; v == 0 ? group : group.tagged(["Team": "net"]) }
        }
    }

    func testSecurityGroupStartsWithoutAWSDefaultEgress() async throws {
        let h = try await NetworkHarness.start()
        try await h.converge(try NetworkHarness.build {
            let vpc = VPC("main", cidr: "10.0.0.0/16")
            let group = SecurityGroup("app", vpc: vpc.id, description: "app")
            vpc; group
            SecurityGroupEgressRule("out", group: group.id, to: .cidr(.anywhere), description: "all outbound")
        })
        let groupFound = try await h.state()?.resources.values.first { $0.type == "aws_security_group" }?.id
        let group = try XCTUnwrap(groupFound)
        let rules = try await h.client.call(.ec2, "DescribeSecurityGroupRules", ["Filters": [["Name": "group-id", "Values": [.string(group)]]]])
        XCTAssertEqual(rules["SecurityGroupRules"].array?.count, 1, "only the rule the code declares")
        XCTAssertEqual(rules["SecurityGroupRules"][0]["Description"].string, "all outbound")
    }

    func testIngressRule() async throws {
        try await lifecycle("aws_vpc_security_group_ingress_rule.https", second: .replace("security_group_id")) { v in
            let vpc = VPC("main", cidr: "10.0.0.0/16")
            let app = SecurityGroup("app", vpc: vpc.id, description: "app")
            let web = SecurityGroup("web", vpc: vpc.id, description: "web")
            let rule = SecurityGroupIngressRule("https", group: v == 2 ? web.id : app.id, from: .cidr("10.0.0.0/8"),
                                                ports: PortRange(443), description: v == 0 ? "https" : "https from the VPN")
            return try NetworkHarness.build { vpc; app; web; rule }
        }
    }

    func testIngressRuleFromAnotherGroup() async throws {
        let h = try await NetworkHarness.start()
        let vpc = VPC("main", cidr: "10.0.0.0/16")
        let app = SecurityGroup("app", vpc: vpc.id, description: "app")
        let db = SecurityGroup("db", vpc: vpc.id, description: "db")
        try await h.converge(try NetworkHarness.build {
            vpc; app; db
            SecurityGroupIngressRule("pg", group: db.id, from: .securityGroup(app.id), ports: PortRange(5432), description: "from app")
        })
        try await h.destroyAll(try NetworkHarness.build { vpc })
    }

    func testEgressRule() async throws {
        try await lifecycle("aws_vpc_security_group_egress_rule.out", second: .replace("security_group_id")) { v in
            let vpc = VPC("main", cidr: "10.0.0.0/16")
            let app = SecurityGroup("app", vpc: vpc.id, description: "app")
            let web = SecurityGroup("web", vpc: vpc.id, description: "web")
            let rule = SecurityGroupEgressRule("out", group: v == 2 ? web.id : app.id, to: .cidr(.anywhere),
                                               description: v == 0 ? "all outbound" : "everything out")
            return try NetworkHarness.build { vpc; app; web; rule }
        }
    }
}
