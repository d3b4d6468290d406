import InfraAWS
import InfraDSL
import InfraEngine
import InfraProviders
import InfraTestSupport
import XCTest

/// The Network component, import, drift and the refresh call count, against moto with
/// signature checking on.
final class NetworkEstateTests: XCTestCase {
    func testNetworkComponentAcrossThreeZonesAppliesAndReplansEmpty() async throws {
        let h = try await NetworkHarness.start()
        let configuration = try NetworkHarness.build { Network("main", cidr: "10.30.0.0/16", zones: 3, nat: .perZone) }
        try await h.converge(configuration)
        let stateFound = try await h.state()
        let state = try XCTUnwrap(stateFound)
        XCTAssertEqual(state.resources.count, configuration.resources.count)
        let counts = Dictionary(grouping: state.resources.values, by: \.type).mapValues(\.count)
        XCTAssertEqual(counts["aws_subnet"], 9)
        XCTAssertEqual(counts["aws_nat_gateway"], 3)
        XCTAssertEqual(counts["aws_route"], 4)
        XCTAssertEqual(counts["aws_route_table_association"], 9)
        // Each private table really routes through its zone's NAT gateway.
        let route = try XCTUnwrap(state.resources[try ResourceAddress(parsing: "aws_route.main_private_b_nat")])
        let nat = try XCTUnwrap(state.resources[try ResourceAddress(parsing: "aws_nat_gateway.main_b")])
        XCTAssertEqual(route.attributes["nat_gateway_id"], .string(nat.id))
        try await h.destroyAll(configuration)
    }

    func testImportOfAVPCCreatedOutsideInfraPlansEmpty() async throws {
        let h = try await NetworkHarness.start()
        let configuration = try NetworkHarness.build { VPC("imported", cidr: "10.5.0.0/16") }
        let tags = try XCTUnwrap(configuration.resources[0].attributes["tags"]?.mapValue).compactMapValues(\.stringValue)
        let tagList = tags.sorted { $0.key < $1.key }.map { "{'Key': '\($0.key)', 'Value': '\($0.value)'}" }.joined(separator: ", ")
        let id = try h.boto3("""
            v = ec2.create_vpc(CidrBlock="10.5.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": [\(tagList)]}])["Vpc"]["VpcId"]
            ec2.modify_vpc_attribute(VpcId=v, EnableDnsHostnames={"Value": True})
            print(v)
            """)
        XCTAssertTrue(id.hasPrefix("vpc-"), id)

        let provider = h.provider()
        let importedFound = try await provider.importResource(type: "aws_vpc", id: id)
        let imported = try XCTUnwrap(importedFound)
        XCTAssertEqual(imported.attributes["cidr_block"], "10.5.0.0/16")
        let address = try ResourceAddress(parsing: "aws_vpc.imported")
        try await h.backend.write(StateSnapshot(
            serial: 1, stack: "net", environment: "dev",
            resources: [address: ResourceState(type: "aws_vpc", id: id, attributes: imported.attributes)]))

        let plan = try await h.plan(configuration)
        XCTAssertFalse(plan.hasChanges, plan.describeChanges)
        let observed = try await provider.importResource(type: "aws_vpc", id: "vpc-0000000000000000f")
        XCTAssertNil(observed, "an unknown id imports nothing")
    }

    func testTagAndRuleChangedOutsideInfraShowAsDriftAndArePutBack() async throws {
        let h = try await NetworkHarness.start()
        let vpc = VPC("main", cidr: "10.0.0.0/16")
        let subnet = Subnet("a", vpc: vpc, cidr: "10.0.1.0/24", zone: .index(0))
        let group = SecurityGroup("app", vpc: vpc.id, description: "app")
        let configuration = try NetworkHarness.build {
            vpc; subnet; group
            SecurityGroupIngressRule("https", group: group.id, from: .cidr("10.0.0.0/8"), ports: PortRange(443), description: "https")
        }
        try await h.converge(configuration)
        let stateFound = try await h.state()
        let state = try XCTUnwrap(stateFound)
        let subnetID = try XCTUnwrap(state.resources[try ResourceAddress(parsing: "aws_subnet.a")]?.id)
        let ruleID = try XCTUnwrap(state.resources[try ResourceAddress(parsing: "aws_vpc_security_group_ingress_rule.https")]?.id)
        let groupID = try XCTUnwrap(state.resources[try ResourceAddress(parsing: "aws_security_group.app")]?.id)
        let originalName = try XCTUnwrap(configuration.resources.first { $0.address.description == "aws_subnet.a" }?
            .attributes["tags"]?["Name"]?.stringValue)

        _ = try h.boto3("""
            ec2.create_tags(Resources=["\(subnetID)"], Tags=[{"Key": "Name", "Value": "renamed-by-hand"}])
            ec2.modify_security_group_rules(GroupId="\(groupID)", SecurityGroupRules=[{"SecurityGroupRuleId": "\(ruleID)",
                "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv4": "0.0.0.0/0", "Description": "https"}}])
            """)

        let plan = try await h.plan(configuration)
        let subnetDrift = try XCTUnwrap(plan.drift.first { $0.address.description == "aws_subnet.a" })
        XCTAssertEqual(subnetDrift.kind, .changed)
        XCTAssertEqual(subnetDrift.attributes.map(\.name), ["tags"])
        let ruleDrift = try XCTUnwrap(plan.drift.first { $0.address.description == "aws_vpc_security_group_ingress_rule.https" })
        XCTAssertEqual(ruleDrift.attributes.map(\.name), ["cidr_ipv4"])
        XCTAssertEqual(plan.change("aws_subnet.a")?.action, .update)
        XCTAssertEqual(plan.change("aws_subnet.a")?.changedAttributes, ["tags"])
        XCTAssertEqual(plan.change("aws_vpc_security_group_ingress_rule.https")?.action, .update)
        XCTAssertEqual(plan.change("aws_vpc_security_group_ingress_rule.https")?.changedAttributes, ["cidr_ipv4"])
        try await h.apply(plan)

        let name = try h.boto3("""
            print([t["Value"] for t in ec2.describe_subnets(SubnetIds=["\(subnetID)"])["Subnets"][0]["Tags"] if t["Key"] == "Name"][0])
            print(ec2.describe_security_group_rules(SecurityGroupRuleIds=["\(ruleID)"])["SecurityGroupRules"][0]["CidrIpv4"])
            """)
        XCTAssertEqual(name, "\(originalName)\n10.0.0.0/8")
        let again = try await h.plan(configuration)
        XCTAssertFalse(again.hasChanges, again.describeChanges)
        XCTAssertTrue(again.drift.isEmpty)
    }

    func testRefreshOfALargeEstateMakesOneCallPerType() async throws {
        let h = try await NetworkHarness.start()
        let configuration = try NetworkHarness.build {
            for v in 0..<3 {
                let vpc = VPC("vpc\(v)", cidr: CIDRBlock(stringLiteral: "10.\(v).0.0/16"))
                vpc
                for s in 0..<10 { Subnet("vpc\(v)_s\(s)", vpc: vpc, cidr: CIDRBlock(stringLiteral: "10.\(v).\(s).0/24"), zone: .index(s % 3)) }
                for t in 0..<4 { RouteTable("vpc\(v)_t\(t)", vpc: vpc.id) }
            }
            let vpcs = (0..<3).map { VPC("vpc\($0)", cidr: CIDRBlock(stringLiteral: "10.\($0).0.0/16")) }
            for g in 0..<20 {
                let group = SecurityGroup("g\(g)", vpc: vpcs[g % 3].id, description: "group \(g)")
                group
                SecurityGroupIngressRule("g\(g)_https", group: group.id, from: .cidr("10.0.0.0/8"), ports: PortRange(443))
                SecurityGroupIngressRule("g\(g)_ssh", group: group.id, from: .cidr("10.0.0.0/8"), ports: PortRange(22))
                SecurityGroupEgressRule("g\(g)_out", group: group.id, to: .cidr(.anywhere))
            }
        }
        XCTAssertEqual(configuration.resources.count, 3 + 30 + 12 + 20 + 60)
        try await h.apply(try await h.plan(configuration))

        let counting = CountingTransport()
        let plan = try await h.plan(configuration, provider: h.provider(transport: counting))
        XCTAssertFalse(plan.hasChanges, plan.describeChanges)
        // One Describe per type (moto ignores MaxResults, so there is no second page):
        // vpc, subnet, route table, security group, ingress rule, egress rule = 6; plus, for
        // aws_vpc, one DescribeSecurityGroups for the default groups and DescribeVpcAttribute
        // twice per VPC (EC2 has no batch form of that call).
        XCTAssertLessThanOrEqual(counting.count, 6 + 1 + 2 * 3, "refresh made \(counting.count) calls")
    }
}
