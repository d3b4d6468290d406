import Foundation
import InfraAWS
import InfraTestSupport
import XCTest

/// The prod platform applied by the real binary while things go wrong: faulted requests, a
/// SIGKILL at random points, credentials that expire or are revoked. Each ends with every
/// object the emulator holds for the environment recorded in state exactly once.
final class ReliabilityTests: XCTestCase {
    /// Runs `plan --detailed-exitcode` (retrying errors, which faults may cause) and expects no changes.
    private func assertPlanIsEmpty(_ fixture: PlatformFixture, attempts: Int = 3, file: StaticString = #filePath,
                                   line: UInt = #line) throws
    {
        var last: CLIHarness.Result?
        for _ in 0..<attempts {
            let plan = try fixture.run(["plan", fixture.env, "--detailed-exitcode"])
            last = plan
            if plan.status != 1 { break }
        }
        XCTAssertEqual(last?.status, 0, "the platform converged: \(last?.all ?? "")", file: file, line: line)
    }

    func testProdPlatformConvergesWithTenPercentOfRequestsFaulted() async throws {
        var fixture = try await PlatformFixture.make { env in
            "backend:\n  s3: { bucket: state-\(env), lock_table: locks-\(env) }"
        }
        defer { fixture.cli.remove() }
        let bootstrap = try fixture.run(["init", fixture.env, "--bootstrap"])
        XCTAssertEqual(bootstrap.status, 0, bootstrap.all)

        // 10% of requests faulted at random; and, so the dangerous case surely happens, the
        // first call of each kind of create is answered by a dropped connection after it
        // reached the emulator (each is recovered differently: EC2 tags, IAM names, Secrets
        // Manager tags, rules' tags).
        let creates: Set<String> = [
            "CreateVpc", "CreateSubnet", "AllocateAddress", "CreateNatGateway", "CreateSecurityGroup",
            "AuthorizeSecurityGroupIngress", "CreateRole", "CreateSecret", "CreateRouteTable", "AssociateRouteTable",
        ]
        let lost = LostOnce(creates)
        let upstream = fixture.server.endpoint.absoluteString
        try await fixture.addFaults(.mixed(0.10, seed: 20261123)) { request in
            lost.take(FaultProxy.operation(of: request)) ? .forward(upstream: upstream, then: .closeConnection) : nil
        }
        let runs = try fixture.applyUntilDone(times: 4)
        XCTAssertEqual(runs.last?.status, 0, runs.map(\.all).joined(separator: "\n---\n"))
        try assertPlanIsEmpty(fixture)
        let counts = fixture.proxy?.counts ?? [:]
        XCTAssertEqual(lost.remaining, [], "every kind of create lost its answer once")
        XCTAssertGreaterThan(counts[.passed] ?? 0, 0)
        await fixture.removeProxies()
        try await fixture.assertEmulatorMatchesState()
    }

    /// SIGKILL after a random number of completed resources (`INFRA_CRASH_POINTS` rounds, 2 by
    /// default; `make test-long` runs 20), each followed by plan and apply.
    func testSIGKILLAtRandomPointsOfAnApplyConverges() async throws {
        let rounds = Int(ProcessInfo.processInfo.environment["INFRA_CRASH_POINTS"] ?? "") ?? 2
        let seed = UInt64(ProcessInfo.processInfo.environment["INFRA_CRASH_SEED"] ?? "") ?? UInt64.random(in: 1...1_000_000)
        var random = SeededRandom(seed: seed)
        for round in 0..<rounds {
            let fixture = try await PlatformFixture.make()
            defer { fixture.cli.remove() }
            let planned = try fixture.run(["plan", fixture.env, "--refresh=false"])
            let total = Int(planned.stdout.components(separatedBy: " will be created").count - 1)
            XCTAssertGreaterThan(total, 10, planned.all)
            let point = 1 + Int(random.next() % UInt64(max(1, total - 1)))
            let context = "round \(round), seed \(seed) (INFRA_CRASH_SEED), killed after \(point) of \(total)"

            let killed = try killApply(fixture, afterCompletions: point)
            // The kill left the lock; the plan names it and force-unlock frees it.
            let blocked = try fixture.run(["plan", fixture.env])
            if killed, blocked.status == 1, let id = lockID(in: blocked.stderr, env: fixture.env) {
                XCTAssertEqual(try fixture.run(["force-unlock", fixture.env, id]).status, 0, context)
            }
            let plan = try fixture.run(["plan", fixture.env])
            XCTAssertNotEqual(plan.status, 1, "\(context): \(plan.all)")
            let apply = try fixture.run(["apply", fixture.env, "--auto-approve"])
            XCTAssertEqual(apply.status, 0, "\(context): \(apply.all)")
            try assertPlanIsEmpty(fixture)
            try await fixture.assertEmulatorMatchesState()
        }
    }

    /// Temporary credentials from the container endpoint: an `ExpiredToken` in the middle of
    /// the apply fetches new ones and the apply goes on; credentials revoked in the middle stop
    /// it with the state saved and the lock released, and a later apply converges.
    func testExpiredCredentialsAreFetchedAgainAndRevokedOnesStopTheApplyCleanly() async throws {
        var fixture = try await PlatformFixture.make()
        defer { fixture.cli.remove() }
        let credentialsServed = Counter()
        let key = fixture.server.credentials
        let endpoint = try await FaultServer.start { _ in
            credentialsServed.increment()
            let expiry = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            return .ok(#"{"AccessKeyId":"\#(key.accessKeyID)","SecretAccessKey":"\#(key.secretAccessKey)","Expiration":"\#(expiry)"}"#,
                       contentType: "application/json")
        }
        defer { Task { try? await endpoint.shutdown() } }
        let container = ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
                         "AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoint.endpoint + "/credentials"]

        // Expired: the 40th request is told its token expired.
        let seen = Counter()
        fixture.proxy = try await FaultProxy.start(upstream: fixture.server.endpoint.absoluteString) { request in
            seen.increment() == 40
                ? .awsError(FaultProxy.errorFormat(of: request), status: 403, code: "ExpiredToken",
                            message: "The security token included in the request is expired")
                : nil
        }
        let apply = try fixture.run(["apply", fixture.env, "--auto-approve"], extra: container)
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertEqual(fixture.proxy?.counts[.intercepted], 1)
        XCTAssertGreaterThanOrEqual(credentialsServed.value, 2, "new credentials were fetched after ExpiredToken")
        await fixture.removeProxies()
        try await fixture.assertEmulatorMatchesState()

        // Revoked: from the 30th request of a fresh environment on, every request is refused.
        var revoked = try await PlatformFixture.make()
        defer { revoked.cli.remove() }
        let count = Counter()
        revoked.proxy = try await FaultProxy.start(upstream: revoked.server.endpoint.absoluteString) { request in
            count.increment() >= 30
                ? .awsError(FaultProxy.errorFormat(of: request), status: 403, code: "InvalidClientTokenId",
                            message: "The security token included in the request is invalid")
                : nil
        }
        let stopped = try revoked.run(["apply", revoked.env, "--auto-approve"], extra: container)
        XCTAssertEqual(stopped.status, 1, stopped.all)
        XCTAssertTrue(stopped.stderr.contains("InvalidClientTokenId"), stopped.stderr)
        XCTAssertTrue(stopped.stderr.contains("container"), "the error names where the credentials came from: \(stopped.stderr)")
        await revoked.removeProxies()
        revoked.proxy = nil
        // State was saved with what was created before the refusal, and the lock is gone.
        let created = try revoked.state().resources.count
        XCTAssertGreaterThan(created, 0, "what was created before the refusal is in state")
        let plan = try revoked.run(["plan", revoked.env])
        XCTAssertEqual(plan.status, 0, "no lock is left behind: \(plan.all)")
        XCTAssertEqual(try revoked.run(["apply", revoked.env, "--auto-approve"]).status, 0)
        try await revoked.assertEmulatorMatchesState()
    }

    // MARK: Helpers

    /// Starts `infra apply` and SIGKILLs it once `count` resources completed; false if it ended first.
    private func killApply(_ fixture: PlatformFixture, afterCompletions count: Int) throws -> Bool {
        let process = Process()
        process.executableURL = try CLIHarness.binary
        process.arguments = ["apply", fixture.env, "--auto-approve"]
        process.currentDirectoryURL = fixture.cli.project
        process.environment = ProcessInfo.processInfo.environment.merging(fixture.environment) { $1 }
            .merging(["NO_COLOR": "1", "AWS_EC2_METADATA_DISABLED": "true"]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        while seen.components(separatedBy: "complete after").count - 1 < count {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        let running = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return running
    }

    private func lockID(in text: String, env: String) -> String? {
        guard let pattern = try? NSRegularExpression(pattern: "infra force-unlock \(env) ([0-9a-f-]+)"),
              let match = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }
}

/// Operations whose first call is still to be answered with a dropped connection.
final class LostOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: Set<String>
    init(_ operations: Set<String>) { pending = operations }
    /// True (once per operation) when `operation` is one still pending.
    func take(_ operation: String?) -> Bool {
        guard let operation else { return false }
        return lock.withLock { pending.remove(operation) != nil }
    }
    var remaining: [String] { lock.withLock { pending.sorted() } }
}

/// A thread-safe counter; ``increment()`` returns the new value.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    @discardableResult
    func increment() -> Int { lock.withLock { count += 1; return count } }
    var value: Int { lock.withLock { count } }
}
