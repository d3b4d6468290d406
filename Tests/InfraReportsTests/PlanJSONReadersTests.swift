import Foundation
import InfraEngine
import InfraReports
import XCTest

/// Real third-party readers of Terraform's JSON plan format consume ours: checkov evaluates its
/// AWS checks on our resources, terraform-compliance runs a BDD feature over them.
///
/// Both are installed from PyPI on first use, each into its own virtual environment under the
/// temporary directory (checkov pins old boto3/botocore; installing it into the system Python
/// would downgrade the versions the moto-based tests rely on). A failed install fails the test
/// with pip's output.
final class PlanJSONReadersTests: XCTestCase {
    struct Run {
        var status: Int32
        var output: String
    }

    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["BC_SKIP_MAPPING"] = "TRUE"        // checkov: no network look-ups
        environment["CHECKOV_RUN_SCA_PACKAGE_SCAN_V2"] = "false"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// The path of `tool` in a venv holding `package`, installing it there when missing.
    func installed(_ package: String, tool: String, venv name: String) throws -> String {
        let venv = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        let binary = venv.appendingPathComponent("bin/\(tool)").path
        if FileManager.default.isExecutableFile(atPath: binary) { return binary }
        let python = try XCTUnwrap(["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? Self.which("python3"), "python3 is needed to install \(package) from PyPI")
        let create = try Self.run(python, ["-m", "venv", venv.path])
        guard create.status == 0 else {
            XCTFail("could not create a virtual environment for \(package): \(create.output)")
            throw XCTSkip("no venv")
        }
        let pip = try Self.run(venv.appendingPathComponent("bin/python").path, ["-m", "pip", "install", "--quiet", package])
        guard pip.status == 0, FileManager.default.isExecutableFile(atPath: binary) else {
            XCTFail("installing \(package) from PyPI failed (status \(pip.status)): \(pip.output.suffix(3000))")
            throw XCTSkip("install failed")
        }
        return binary
    }

    static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func writePlan(terraformVersion: String? = nil) async throws -> (directory: URL, file: URL, plan: Plan) {
        let plan = try await PlanFixtures.platformPlan()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("infra-plan-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("plan.json")
        try TerraformPlanJSON.render(plan: plan, terraformVersion: terraformVersion).write(to: file)
        return (directory, file, plan)
    }

    func testCheckovEvaluatesAWSChecksOnOurResources() async throws {
        let checkov = try installed("checkov", tool: "checkov", venv: "infra-checkov-venv")
        let (directory, file, plan) = try await writePlan()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(checkov, ["-f", file.path, "--framework", "terraform_plan", "-o", "json", "--compact"],
                                  in: directory)
        // 0: all passed, 1: some failed; anything else is a crash or a parse failure.
        XCTAssertTrue(result.status == 0 || result.status == 1, "checkov exited \(result.status): \(result.output.suffix(3000))")
        let start = try XCTUnwrap(result.output.firstIndex(where: { $0 == "{" || $0 == "[" }), "no JSON from checkov: \(result.output)")
        let parsed = try JSONSerialization.jsonObject(with: Data(result.output[start...].utf8))
        let reports = (parsed as? [[String: Any]]) ?? [parsed as? [String: Any] ?? [:]]
        let report = try XCTUnwrap(reports.first { $0["check_type"] as? String == "terraform_plan" }, "no terraform_plan report")
        let results = try XCTUnwrap(report["results"] as? [String: Any])
        let passed = (results["passed_checks"] as? [[String: Any]]) ?? []
        let failed = (results["failed_checks"] as? [[String: Any]]) ?? []
        XCTAssertFalse(passed.isEmpty, "checkov passed no check")
        XCTAssertFalse(failed.isEmpty, "checkov failed no check")

        let ours = Set(plan.changes.map(\.address.description))
        // Provider-level checks (hard-coded keys) report the provider, `aws.default`; the rest
        // must be exactly our resource addresses.
        let checked = Set((passed + failed).compactMap { $0["resource"] as? String }.filter { $0 != "aws.default" })
        XCTAssertTrue(checked.isSubset(of: ours), "checkov reported unknown resources: \(checked.subtracting(ours))")
        // Checks on the database, the cache and the IAM roles ran on our addresses.
        XCTAssertTrue(checked.contains("aws_db_instance.ledger"), "checked: \(checked.sorted())")
        XCTAssertTrue(checked.contains("aws_elasticache_replication_group.sessions"), "checked: \(checked.sorted())")
        XCTAssertTrue(checked.contains { $0.hasPrefix("aws_iam_role.") }, "checked: \(checked.sorted())")
        // The database is encrypted (CKV_AWS_16 passes on it).
        XCTAssertTrue(passed.contains { $0["check_id"] as? String == "CKV_AWS_16" && $0["resource"] as? String == "aws_db_instance.ledger" },
                      "passed: \(passed.compactMap { "\($0["check_id"] ?? "") \($0["resource"] ?? "")" })")
    }

    func testTerraformComplianceReadsThePlan() async throws {
        let tool = try installed("terraform-compliance", tool: "terraform-compliance", venv: "infra-tfc-venv")
        // terraform-compliance refuses a `terraform_version` that is not a Terraform release
        // ("Unsupported terraform version (0.1.0)"), so this reader gets the Terraform version
        // whose format we follow.
        let (directory, file, _) = try await writePlan(terraformVersion: TerraformPlanJSON.compatibleTerraformVersion)
        defer { try? FileManager.default.removeItem(at: directory) }
        let features = directory.appendingPathComponent("features")
        try FileManager.default.createDirectory(at: features, withIntermediateDirectories: true)
        // One scenario that holds for our plan, one that must fail: proof that the tool read our
        // resources and their values, not just that it ran.
        try """
        Feature: infra plans read by terraform-compliance

          Scenario: databases are encrypted
            Given I have aws_db_instance defined
            Then it must contain storage_encrypted
            And its value must be true

          Scenario: databases are public
            Given I have aws_db_instance defined
            Then it must contain publicly_accessible
            And its value must be true
        """.write(to: features.appendingPathComponent("infra.feature"), atomically: true, encoding: .utf8)
        let result = try Self.run(tool, ["-p", file.path, "-f", features.path, "--no-ansi"], in: directory)
        let output = result.output
        XCTAssertTrue(output.contains("databases are encrypted"), output.suffix(3000).description)
        XCTAssertNotEqual(result.status, 0, "the failing scenario must fail: \(output.suffix(3000))")
        XCTAssertTrue(output.contains("aws_db_instance.ledger"), "the failure names our resource: \(output.suffix(3000))")
        XCTAssertTrue(output.contains("2 scenarios (1 passed, 1 failed)"),
                      "one scenario passes: \(output.suffix(3000))")
    }
}
