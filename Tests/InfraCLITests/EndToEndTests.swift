import Foundation
import InfraAWS
import InfraTestSupport
import XCTest

/// The real binary against moto (signature checking on), with state in S3 locked in DynamoDB.
final class EndToEndTests: XCTestCase {
    var cli: CLIHarness!
    var server: MotoServer!
    var bucket = ""
    /// Physical names (IAM roles, secrets) derive from the environment and are account-global,
    /// so each test deploys its own environment.
    var env = ""

    override func setUp() async throws {
        cli = try CLIHarness()
        server = try await MotoServer.shared()
        // A bucket and table per test, so tests never see each other's state or locks.
        let suffix = UUID().uuidString.prefix(8).lowercased()
        bucket = "state-\(suffix)"
        env = "t\(suffix)"
        try cli.write("environments/\(env).yaml", """
            region: us-east-1
            backend:
              s3: { bucket: \(bucket), lock_table: locks-\(bucket) }
            stacks: [platform]
            platform:
              cidr: 10.10.0.0/16
              zones: 2
              nat_per_zone: false
              public_ingress: 0.0.0.0/0
            """)
        let ok = try run(["init", env, "--bootstrap"])
        XCTAssertEqual(ok.status, 0, ok.all)
    }

    override func tearDown() { cli.remove() }

    var environment: [String: String] {
        ["AWS_ENDPOINT_URL": server.endpoint.absoluteString, "AWS_REGION": "us-east-1",
         "AWS_ACCESS_KEY_ID": server.credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": server.credentials.secretAccessKey]
    }

    func run(_ arguments: [String]) throws -> CLIHarness.Result { try cli.run(arguments, environment: environment) }

    func testTenConcurrentAppliesOneAppliesTheOthersNameTheHolder() async throws {
        let cli = self.cli!
        let environment = self.environment
        let env = self.env
        let results = try await withThrowingTaskGroup(of: CLIHarness.Result.self) { group in
            for _ in 0..<10 {
                group.addTask { try cli.run(["apply", env, "--auto-approve"], environment: environment) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let applied = results.filter { $0.status == 0 && $0.stdout.contains("Apply complete!") }
        XCTAssertEqual(applied.count, 1, results.map(\.all).joined(separator: "\n----\n"))
        for result in results where !(result.status == 0 && result.stdout.contains("Apply complete!")) {
            // Either it lost the race for the lock, or it came after the winner and found nothing to do.
            let lostTheLock = result.status == 1 && result.stderr.contains("is locked by") && result.stderr.contains("infra force-unlock \(env)")
            let nothingLeft = result.status == 0 && result.stdout.contains("No changes.")
            XCTAssertTrue(lostTheLock || nothingLeft, result.all)
        }
        let after = try run(["plan", env, "--detailed-exitcode"])
        XCTAssertEqual(after.status, 0, "state and cloud agree after the race: \(after.all)")
        let client = try server.client()
        let items = try await client.call(.dynamoDB, "Scan", ["TableName": .string("locks-\(bucket)")])["Items"].array ?? []
        XCTAssertTrue(items.allSatisfy { !($0["LockID"]["S"].string ?? "").hasSuffix(".json") }, "no lock item is left: \(items)")
    }

    func testASavedPlanIsRefusedOnceSomeoneElseApplied() throws {
        let plan = try run(["plan", env, "-out", "tfplan"])
        XCTAssertEqual(plan.status, 0, plan.all)
        XCTAssertEqual(try run(["apply", env, "--auto-approve"]).status, 0)
        let stale = try run(["apply", "tfplan"])
        XCTAssertEqual(stale.status, 1, stale.all)
        XCTAssertTrue(stale.stderr.contains("the plan is stale"), stale.all)
        XCTAssertEqual(try run(["plan", env, "--detailed-exitcode"]).status, 0, "the refused plan changed nothing")
    }

    func testAnEditedPlanIsRefused() throws {
        XCTAssertEqual(try run(["plan", env, "-out", "tfplan"]).status, 0)
        var data = try cli.read("tfplan")
        data[data.count - 10] ^= 0x01
        try data.write(to: cli.project.appendingPathComponent("tfplan"))
        let result = try run(["apply", "tfplan"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("was altered after it was written"), result.all)
        XCTAssertEqual(try run(["state", "list", env]).status, 1, "nothing was applied, so there is no state")
    }

    func testAHeldLockNamesItsHolderAndForceUnlockNeedsItsID() async throws {
        XCTAssertEqual(try run(["apply", env, "--auto-approve"]).status, 0)
        // A lock left by a process that died: written as a real infra process writes it.
        let client = try server.client()
        let key = "\(bucket)/\(env)/platform.json"
        let info = #"{"ID":"dead-beef","Operation":"OperationTypeApply","Info":"","Who":"ci@runner-7","Version":"0.1.0","Created":"2026-11-23T10:00:00Z","Path":"\#(key)"}"#
        _ = try await client.call(.dynamoDB, "PutItem", ["TableName": .string("locks-\(bucket)"), "Item": [
            "LockID": ["S": .string(key)], "Info": ["S": .string(info)], "ID": ["S": "dead-beef"],
        ]])
        let blocked = try run(["plan", env])
        XCTAssertEqual(blocked.status, 1)
        XCTAssertTrue(blocked.stderr.contains("ci@runner-7") && blocked.stderr.contains("infra force-unlock \(env) dead-beef"), blocked.all)

        let wrong = try run(["force-unlock", env, "not-the-id"])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("dead-beef"), wrong.all)
        XCTAssertEqual(try run(["force-unlock", env, "dead-beef"]).status, 0)
        XCTAssertEqual(try run(["plan", env, "--detailed-exitcode"]).status, 0)
    }

    func testSIGKILLMidApplyLeavesTheLockThenConvergesWithoutDuplicates() async throws {
        // Start an apply and kill it as soon as the first object exists.
        let process = Process()
        process.executableURL = try CLIHarness.binary
        process.arguments = ["apply", env, "--auto-approve"]
        process.currentDirectoryURL = cli.project
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        while !seen.contains("Creation complete") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "the apply was killed before it finished: \(seen)")

        // The lock is left behind and the next command names it.
        let blocked = try run(["plan", env])
        XCTAssertEqual(blocked.status, 1, blocked.all)
        let pattern = try NSRegularExpression(pattern: "infra force-unlock \(env) ([0-9a-f-]+)")
        let text = blocked.stderr
        let match = try XCTUnwrap(pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), text)
        let lockID = try XCTUnwrap(Range(match.range(at: 1), in: text).map { String(text[$0]) })
        XCTAssertEqual(try run(["force-unlock", env, "00000000-wrong"]).status, 1)
        XCTAssertEqual(try run(["force-unlock", env, lockID]).status, 0)

        // A new apply converges: everything exists exactly once, and a last plan is empty.
        let again = try run(["apply", env, "--auto-approve"])
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertEqual(try run(["plan", env, "--detailed-exitcode"]).status, 0)
        let client = try server.client()
        let filter: AWSDocument = [["Name": "tag:Environment", "Values": [.string(env)]]]
        let vpcs = try await client.call(.ec2, "DescribeVpcs", ["Filters": filter])["Vpcs"].array ?? []
        let subnets = try await client.call(.ec2, "DescribeSubnets", ["Filters": filter])["Subnets"].array ?? []
        XCTAssertEqual(vpcs.count, 1, "one VPC, not a duplicate from the killed apply")
        XCTAssertEqual(subnets.count, 6, "2 zones × public, private, database")
        let listed = try run(["state", "list", env]).stdout.split(separator: "\n").count
        XCTAssertEqual(listed, 30, "every declared resource is in state")
    }
}
