import InfraDSL
import InfraEngine
import XCTest

final class CIDRBlockTests: XCTestCase {
    func testParsesAndPrints() throws {
        let block = try CIDRBlock(parsing: "10.0.0.0/16")
        XCTAssertEqual(block.description, "10.0.0.0/16")
        XCTAssertEqual(block.prefixLength, 16)
        XCTAssertEqual(block.addressCount, 65536)
        XCTAssertEqual(block.value, .string("10.0.0.0/16"))
    }

    func testRejectsBadInputWithAClearReason() {
        func reason(_ text: String) -> String {
            do {
                _ = try CIDRBlock(parsing: text)
                return "accepted"
            } catch { return error.description }
        }
        XCTAssertEqual(reason("10.0.0.0/33"), "'10.0.0.0/33' is not a valid CIDR block: prefix length '33' must be a number from 0 to 32")
        XCTAssertEqual(reason("10.0.0.256/24"), "'10.0.0.256/24' is not a valid CIDR block: '256' is not a number from 0 to 255")
        XCTAssertEqual(reason("10.0.0.0"), "'10.0.0.0' is not a valid CIDR block: expected an address and a prefix length, e.g. 10.0.0.0/16")
        XCTAssertEqual(reason("10.0.0/16"), "'10.0.0/16' is not a valid CIDR block: expected four dot-separated numbers before the '/'")
        XCTAssertEqual(
            reason("10.0.1.0/16"),
            "'10.0.1.0/16' is not a valid CIDR block: it has host bits set after the /16; did you mean 10.0.0.0/16?")
    }

    func testCidrsubnetMatchesTerraform() throws {
        // Results of Terraform's cidrsubnet for the same arguments.
        XCTAssertEqual(try CIDRBlock(parsing: "172.16.0.0/12").subnet(newBits: 4, netNum: 2).description, "172.18.0.0/16")
        XCTAssertEqual(try CIDRBlock(parsing: "10.1.2.0/24").subnet(newBits: 4, netNum: 15).description, "10.1.2.240/28")
        XCTAssertEqual(try CIDRBlock(parsing: "10.0.0.0/16").subnet(newBits: 8, netNum: 2).description, "10.0.2.0/24")
        XCTAssertEqual(try CIDRBlock(parsing: "10.30.0.0/16").subnet(newBits: 8, netNum: 20).description, "10.30.20.0/24")
        XCTAssertEqual(try CIDRBlock(parsing: "10.0.0.0/16").subnet(newBits: 4, netNum: 9).description, "10.0.144.0/20")
        XCTAssertEqual(try CIDRBlock(parsing: "10.0.0.0/24").subnet(newBits: 8, netNum: 255).description, "10.0.0.255/32")
        XCTAssertEqual(try CIDRBlock(parsing: "0.0.0.0/0").subnet(newBits: 1, netNum: 1).description, "128.0.0.0/1")
    }

    func testCidrsubnetRejectsImpossibleSubnets() throws {
        let block = try CIDRBlock(parsing: "10.0.0.0/16")
        XCTAssertThrowsError(try block.subnet(newBits: 4, netNum: 16)) { error in
            XCTAssertTrue("\(error)".contains("prefix extension of 4 does not accommodate a subnet numbered 16"), "\(error)")
        }
        XCTAssertThrowsError(try block.subnet(newBits: 17, netNum: 0)) { error in
            XCTAssertTrue("\(error)".contains("insufficient address space to extend prefix of 16 by 17"), "\(error)")
        }
        XCTAssertNotNil(block.subnetOrInvalid(newBits: 4, netNum: 16).problem)
    }

    func testContainsAndOverlaps() throws {
        let vpc = try CIDRBlock(parsing: "10.0.0.0/16")
        let inside = try CIDRBlock(parsing: "10.0.32.0/20")
        let outside = try CIDRBlock(parsing: "10.1.0.0/20")
        XCTAssertTrue(vpc.contains(inside))
        XCTAssertFalse(inside.contains(vpc))
        XCTAssertFalse(vpc.contains(outside))
        XCTAssertTrue(inside.overlaps(vpc))
        XCTAssertTrue(vpc.overlaps(inside))
        XCTAssertFalse(vpc.overlaps(outside))
        XCTAssertTrue(CIDRBlock.anywhere.contains(outside))
    }

    func testABadLiteralIsCarriedNotFatal() {
        let literal: CIDRBlock = "10.0.0.0/99"
        XCTAssertEqual(literal.problem, "'10.0.0.0/99' is not a valid CIDR block: prefix length '99' must be a number from 0 to 32")
        XCTAssertNil(literal.prefixLength)
    }
}

final class TypedValueTests: XCTestCase {
    func testPorts() throws {
        XCTAssertEqual(try PortNumber(validating: 5432).number, 5432)
        XCTAssertThrowsError(try PortNumber(validating: 0)) { XCTAssertEqual("\($0)", "'0' is not a valid port: ports are numbers from 1 to 65535") }
        XCTAssertThrowsError(try PortNumber(validating: 70000))
        let bad: PortNumber = 70000
        XCTAssertNotNil(bad.problem)
        XCTAssertNil(PortRange(8000...8010).problem)
        XCTAssertEqual(PortRange(from: 9000, to: 8000).problem, "'9000-8000' is not a valid port range: the first port is above the last")
    }

    func testDurations() throws {
        XCTAssertEqual(try TimeSpan(parsing: "30s").seconds, 30)
        XCTAssertEqual(try TimeSpan(parsing: "5m").seconds, 300)
        XCTAssertEqual(try TimeSpan(parsing: "12h").seconds, 43200)
        XCTAssertEqual(try TimeSpan(parsing: "7d").days, 7)
        XCTAssertEqual(try TimeSpan(parsing: "1h30m").seconds, 5400)
        XCTAssertThrowsError(try TimeSpan(parsing: "30")) {
            XCTAssertEqual("\($0)", "'30' is not a valid duration: '30' needs a unit: s, m, h or d (e.g. 30s)")
        }
        XCTAssertThrowsError(try TimeSpan(parsing: "3w")) {
            XCTAssertEqual("\($0)", "'3w' is not a valid duration: unknown unit 'w': use s, m, h or d (e.g. 30s, 5m, 12h, 7d)")
        }
        XCTAssertThrowsError(try TimeSpan(parsing: ""))
    }

    func testInstanceClasses() throws {
        XCTAssertEqual(try InstanceClass(parsing: "db.t4g.micro").service, .rds)
        XCTAssertEqual(try InstanceClass(parsing: "cache.t4g.small").service, .elastiCache)
        XCTAssertEqual(try InstanceClass(parsing: "t3.medium").service, .ec2)
        XCTAssertEqual(try InstanceClass(parsing: "db.r6g.12xlarge").service, .rds)
        XCTAssertThrowsError(try InstanceClass(parsing: "db.t4g")) {
            XCTAssertEqual(
                "\($0)",
                "'db.t4g' is not a valid instance class: expected [db.|cache.]FAMILY.SIZE, e.g. db.t4g.micro, cache.t4g.small or t3.medium")
        }
        XCTAssertThrowsError(try InstanceClass(parsing: "db.t4g.huge")) { XCTAssertTrue("\($0)".contains("'huge' is not an instance size")) }
        XCTAssertThrowsError(try InstanceClass(parsing: "db.micro.small")) { XCTAssertTrue("\($0)".contains("'micro' is not an instance family")) }
        let wrongService = try InstanceClass(parsing: "t3.medium").requiring(.rds, for: "RDS")
        XCTAssertEqual(wrongService.problem, "'t3.medium' is not a valid instance class for RDS: expected a db.* class, e.g. db.t4g.micro")
    }

    func testAvailabilityZoneCountAndARN() throws {
        XCTAssertEqual(try AvailabilityZoneCount(validating: 3).count, 3)
        XCTAssertThrowsError(try AvailabilityZoneCount(validating: 7)) {
            XCTAssertEqual("\($0)", "'7' is not a valid availability zone count: a network spans 1 to 6 availability zones")
        }
        XCTAssertEqual(AvailabilityZone.index(2).name(in: "eu-west-1"), "eu-west-1c")
        XCTAssertEqual(try ARN(parsing: "arn:aws:iam::aws:policy/ReadOnlyAccess").service, "iam")
        XCTAssertThrowsError(try ARN(parsing: "arn:aws:iam"))
        XCTAssertEqual(try EngineVersion(parsing: "17.2").major, "17")
        XCTAssertThrowsError(try EngineVersion(parsing: "latest"))
    }
}
