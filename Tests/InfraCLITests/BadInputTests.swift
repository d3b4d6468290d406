import Foundation
import XCTest

/// Every bad input gets an error that names the file, line, key or resource and says what to
/// do, and nothing is changed.
final class BadInputTests: XCTestCase {
    var cli: CLIHarness!

    override func setUpWithError() throws { cli = try CLIHarness() }
    override func tearDown() { cli.remove() }

    func testAValidEnvironmentValidates() throws {
        try cli.write("environments/dev.yaml", CLIHarness.devEnvironment)
        let result = try cli.run(["validate", "dev"])
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertTrue(result.stdout.contains("Success!"), result.all)
    }

    func testAFailingPolicyGateExitsThree() throws {
        // Secrets without a customer KMS key are a low finding: a gate at `low` fails on them.
        try cli.write("environments/dev.yaml", CLIHarness.devEnvironment + "\npolicy:\n  fail_on: low\n")
        let result = try cli.run(["validate", "dev"])
        XCTAssertEqual(result.status, 3, result.all)
        XCTAssertTrue(result.stdout.contains("[FAIL] INFRA-SECRET-001"), result.all)
        try cli.write("environments/dev.yaml", CLIHarness.devEnvironment + "\npolicy:\n  fail_on: medium\n")
        XCTAssertEqual(try cli.run(["validate", "dev"]).status, 0)
    }

    func testATypeErrorNamesFileLineAndKey() throws {
        try cli.write("environments/dev.yaml", CLIHarness.devEnvironment.replacingOccurrences(of: "zones: 2", with: "zones: three"))
        let result = try cli.run(["validate", "dev"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("environments/dev.yaml:7"), result.all)
        XCTAssertTrue(result.stderr.contains("platform.zones"), result.all)
    }

    func testAnUnknownKeyIsReportedWithASuggestion() throws {
        try cli.write("environments/dev.yaml", CLIHarness.devEnvironment.replacingOccurrences(of: "nat_per_zone", with: "nat_per_zne"))
        let result = try cli.run(["validate", "dev"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("environments/dev.yaml:8"), result.all)
        XCTAssertTrue(result.stderr.contains("nat_per_zne"), result.all)
        XCTAssertTrue(result.stderr.contains("nat_per_zone"), "a did-you-mean: \(result.all)")
    }

    func testABadCIDRIsReportedWithItsLine() throws {
        try cli.write("environments/dev.yaml", CLIHarness.devEnvironment.replacingOccurrences(of: "10.10.0.0/16", with: "10.10.0.0/33"))
        let result = try cli.run(["validate", "dev"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("environments/dev.yaml:6"), result.all)
        XCTAssertTrue(result.stderr.contains("10.10.0.0/33"), result.all)
    }

    func testAnUnknownEnvironmentListsTheOnesThatExist() throws {
        try cli.write("environments/dev.yaml", CLIHarness.devEnvironment)
        try cli.write("environments/prod.yaml", CLIHarness.devEnvironment)
        let result = try cli.run(["validate", "staging"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("staging") && result.stderr.contains("dev") && result.stderr.contains("prod"), result.all)
    }

    func testACorruptStateFileIsNamedAndLeftAlone() throws {
        try cli.write("environments/dev.yaml", CLIHarness.devEnvironment)
        try cli.write("state/dev/platform.json", "{ this is not json")
        let result = try cli.run(["state", "list", "dev"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("state/dev/platform.json"), result.all)
        XCTAssertEqual(String(decoding: try cli.read("state/dev/platform.json"), as: UTF8.self), "{ this is not json")
    }

    func testAFileThatIsNotAPlanIsRefused() throws {
        try cli.write("environments/dev.yaml", CLIHarness.devEnvironment)
        try cli.write("tfplan", "hello")
        for command in [["show", "tfplan"], ["apply", "tfplan"]] {
            let result = try cli.run(command)
            XCTAssertEqual(result.status, 1, result.all)
            XCTAssertTrue(result.stderr.contains("tfplan is not an infra plan file"), result.all)
        }
    }

    func testApplyWithoutConfirmationOutsideATerminalIsRefused() throws {
        try cli.write("environments/dev.yaml", CLIHarness.devEnvironment)
        let result = try cli.run(["apply", "dev"], environment: ["AWS_ACCESS_KEY_ID": "AKIATEST", "AWS_SECRET_ACCESS_KEY": "x",
                                                                  "AWS_ENDPOINT_URL": "http://127.0.0.1:9"])
        XCTAssertEqual(result.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.project.appendingPathComponent("state/dev/platform.json").path),
                       "nothing may be written")
    }
}
