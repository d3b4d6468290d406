import Foundation
import InfraAWS
import InfraTestSupport
import XCTest

/// The repository's platform and every example, in every environment, against moto with the
/// real binary: plan -out → apply the plan → no changes → one setting changed → exactly that
/// change → apply → destroy, after which the AWS APIs list nothing of the environment (moto's
/// ElastiCache objects stay `deleting` forever: those are left aside, see moto-notes).
final class ProjectLifecycleTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testRepositoryPlatform() async throws {
        for env in ["dev", "staging", "prod"] { try await lifecycle(project: nil, env: env) }
    }

    func testFinanceHub() async throws {
        for env in ["dev", "staging", "prod"] { try await lifecycle(project: "FinanceHub", env: env) }
    }

    func testSCISoliaInvest() async throws {
        for env in ["dev", "staging", "prod"] { try await lifecycle(project: "SCISoliaInvest", env: env) }
    }

    func testCantonDEX() async throws {
        for env in ["dev", "staging", "prod"] { try await lifecycle(project: "CantonDEX", env: env) }
    }

    func testFinancialStronghold() async throws {
        for env in ["development", "testing", "staging", "production"] {
            try await lifecycle(project: "FinancialStronghold", env: env)
        }
    }

    // MARK: The flow

    private func lifecycle(project: String?, env: String, file: StaticString = #filePath, line: UInt = #line)
        async throws
    {
        let server = try await MotoServer.shared()
        let eks = try await MotoServer.sharedForEKS()
        _ = try await server.reset()
        _ = try await eks.reset()
        try await eks.setAuth(enabled: false)
        let cli = try CLIHarness()
        defer { cli.remove() }
        let source = Self.root.appendingPathComponent(project.map { "examples/\($0)/" } ?? "")
            .appendingPathComponent("environments/\(env).yaml")
        var text = try String(contentsOf: source, encoding: .utf8)
        try cli.write("environments/\(env).yaml", text)
        let environment = [
            "AWS_ENDPOINT_URL": server.endpoint.absoluteString, "AWS_ENDPOINT_URL_EKS": eks.endpoint.absoluteString,
            "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": server.credentials.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": server.credentials.secretAccessKey, "INFRA_EMULATOR": "moto",
            // FinanceHub reads its payments key from the environment at apply.
            "FINANCEHUB_PAYMENTS_API_KEY": "pk-test-\(UUID().uuidString)",
        ]
        let where_ = "\(project ?? "stacks") \(env)"
        func run(_ arguments: [String]) throws -> CLIHarness.Result {
            try cli.run(arguments, environment: environment)
        }
        func expect(_ arguments: [String], _ status: Int32, _ what: String) throws {
            let result = try run(arguments)
            XCTAssertEqual(result.status, status, "\(where_): \(what): \(result.all.suffix(4000))", file: file, line: line)
        }

        try expect(["init", env] + (text.contains("s3:") ? ["--bootstrap"] : []), 0, "init")
        try expect(["plan", env, "-out", "tfplan"], 0, "plan -out")
        try expect(["apply", "tfplan"], 0, "apply tfplan")
        try expect(["plan", env, "--detailed-exitcode"], 0, "plan after apply shows no changes")

        // One setting: the database's storage, 10 GiB more.
        let storage = try NSRegularExpression(pattern: "(?<![_a-z])storage: ([0-9]+)")
        let range = NSRange(text.startIndex..., in: text)
        let match = try XCTUnwrap(storage.firstMatch(in: text, range: range), "\(where_): no storage setting")
        let old = Int((text as NSString).substring(with: match.range(at: 1))) ?? 0
        text = (text as NSString).replacingCharacters(in: match.range(at: 1), with: String(old + 10))
        try cli.write("environments/\(env).yaml", text)
        try expect(["plan", env, "-out", "tfplan2", "--detailed-exitcode"], 2, "plan after the setting changed")
        let json = try run(["show", "tfplan2", "--json"])
        let changes = try Self.changes(in: json.stdout)
        XCTAssertEqual(changes.map(\.address).count, 1, "\(where_): exactly one resource changes: \(changes)", file: file, line: line)
        XCTAssertEqual(changes.first?.actions, ["update"], "\(where_)", file: file, line: line)
        XCTAssertTrue(changes.first?.address.hasPrefix("aws_db_instance.") == true, "\(where_): \(changes)", file: file, line: line)
        XCTAssertEqual(changes.first?.changed, ["allocated_storage"], "\(where_)", file: file, line: line)
        try expect(["apply", "tfplan2"], 0, "apply of the changed setting")
        try expect(["plan", env, "--detailed-exitcode"], 0, "plan after the second apply shows no changes")

        // Production databases are protected: a team first applies with protection off.
        if text.range(of: #"(?m)^production:\s*true|env_production|production"#, options: .regularExpression) != nil
            || ["prod", "production"].contains(env)
        {
            text = text.replacingOccurrences(of: "storage: \(old + 10)", with: "storage: \(old + 10), deletion_protection: false",
                                             options: [], range: nil)
            if !text.contains("deletion_protection: false") { XCTFail("\(where_): could not turn protection off") }
            text = text.replacingOccurrences(of: "fail_on: high", with: "fail_on: critical")
            try cli.write("environments/\(env).yaml", Self.blockStyleFix(text))
            try expect(["apply", env, "--auto-approve"], 0, "apply with deletion protection off")
        }
        try expect(["destroy", env, "--auto-approve"], 0, "destroy")
        let left = try await Inventory(env: env, client: server.client(), eksClient: eks.client()).objects()
        XCTAssertEqual(left, [:], "\(where_): destroy left objects behind", file: file, line: line)
    }

    /// `storage: 200` on its own line becomes `storage: 200, deletion_protection: false`, which
    /// YAML reads as one string: put the new key on its own line at the same indentation.
    static func blockStyleFix(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let line = String(line)
            guard line.contains(", deletion_protection: false"), !line.contains("{") else { return line }
            let indent = String(line.prefix { $0 == " " })
            return line.replacingOccurrences(of: ", deletion_protection: false", with: "\n\(indent)deletion_protection: false")
        }.joined(separator: "\n")
    }

    struct Change: CustomStringConvertible {
        var address: String
        var actions: [String]
        var changed: [String]
        var description: String { "\(address) \(actions) \(changed)" }
    }

    /// A JSON value as text with sorted keys, so equal values compare equal.
    static func canonical(_ value: Any?) -> String {
        guard let value else { return "null" }
        guard let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .fragmentsAllowed])
        else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The resource changes of a Terraform JSON plan that are not no-ops, with the top-level
    /// attributes whose before and after differ.
    static func changes(in json: String) throws -> [Change] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let list = object?["resource_changes"] as? [[String: Any]] ?? []
        return list.compactMap { entry in
            let change = entry["change"] as? [String: Any] ?? [:]
            let actions = change["actions"] as? [String] ?? []
            guard actions != ["no-op"] else { return nil }
            let before = change["before"] as? [String: Any] ?? [:]
            let after = change["after"] as? [String: Any] ?? [:]
            let keys = Set(before.keys).union(after.keys).filter { canonical(before[$0]) != canonical(after[$0]) }
            return Change(address: entry["address"] as? String ?? "?", actions: actions, changed: keys.sorted())
        }
    }
}
