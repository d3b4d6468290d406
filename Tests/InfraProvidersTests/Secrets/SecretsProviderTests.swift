import Foundation
import InfraAWS
import InfraBackends
import InfraDSL
import InfraEngine
import InfraProviders
import InfraReports
import XCTest

/// aws_secretsmanager_secret and aws_secretsmanager_secret_version against moto through the
/// planner, the applier and the local backend; and the proof that no value leaks.
final class SecretsProviderTests: XCTestCase {
    private var h: IAMSecretsHarness!
    private static let variable = "INFRA_PIAM_TEST_SECRET"

    override func setUp() async throws {
        h = try await IAMSecretsHarness()
        unsetenv(Self.variable)
    }

    override func tearDown() async throws {
        unsetenv(Self.variable)
        h?.cleanUp()
    }

    private func secret(_ name: String = "api-key", description: String = "API key", days: Int = 0) -> SecretsManagerSecret {
        SecretsManagerSecret(name, description: description, recoveryWindow: .days(days))
    }

    private func describe(_ id: String) async throws -> AWSDocument? {
        do {
            return try await h.client.call(.secretsManager, SecretsManager.Operation.describeSecret, ["SecretId": .string(id)])
        } catch let error as AWSError where error.code == "ResourceNotFoundException" {
            return nil
        }
    }

    private func value(of secretID: String) async throws -> String {
        let output = try await h.client.call(.secretsManager, SecretsManager.Operation.getSecretValue, ["SecretId": .string(secretID)])
        return try XCTUnwrap(output["SecretString"].string)
    }

    func testSecretCreateNoChangesUpdateReplaceDestroy() async throws {
        let created = try await h.converge(Resources { secret() })
        XCTAssertEqual(h.actions(created), ["aws_secretsmanager_secret.api-key": .create])
        let firstState = try await h.state()
        let arn = try XCTUnwrap(firstState?.resources.values.first?.id)
        let aws = try await describe(arn)
        XCTAssertEqual(aws?["Name"].string, "dev/api-key")
        XCTAssertEqual(aws?["Description"].string, "API key")

        let again = try await h.plan(Resources { secret() })
        XCTAssertEqual(h.actions(again), [:], "no changes after create (recovery window kept from state)")

        let update = try await h.plan(Resources { secret(description: "Partner API key", days: 7) })
        XCTAssertEqual(h.change(update, "aws_secretsmanager_secret.api-key")?.changedAttributes,
                       ["description", "recovery_window_in_days"])
        XCTAssertEqual(h.change(update, "aws_secretsmanager_secret.api-key")?.action, .update)
        try await h.apply(update)
        let updated = try await describe(arn)
        XCTAssertEqual(updated?["Description"].string, "Partner API key")
        let settled = try await h.plan(Resources { secret(description: "Partner API key", days: 7) })
        XCTAssertEqual(h.actions(settled), [:])
        let recorded = try await h.state()?.resources.values.first?.attributes["recovery_window_in_days"]
        XCTAssertEqual(recorded, .number(7))

        // Back to 0 days first so the replaced secret is deleted at once.
        try await h.converge(Resources { secret(description: "Partner API key") })
        let renamed = try await h.plan(Resources {
            SecretsManagerSecret("partner-key", description: "Partner API key", recoveryWindow: .days(0))
        })
        XCTAssertEqual(h.actions(renamed), [
            "aws_secretsmanager_secret.partner-key": .create, "aws_secretsmanager_secret.api-key": .delete,
        ])
        try await h.apply(renamed)
        let old = try await describe(arn)
        XCTAssertNil(old, "deleted without recovery (recovery_window_in_days = 0)")

        let destroy = try await h.plan(Resources { secret() }, destroy: true)
        try await h.apply(destroy)
        let listed = try await h.client.paginate(.secretsManager, SecretsManager.Operation.listSecrets)
        XCTAssertEqual(listed["SecretList"].array?.count ?? 0, 0)
    }

    func testSecretNameChangeInPlaceIsAReplacementNamingTheName() async throws {
        struct Named: Resource {
            static let terraformType = "aws_secretsmanager_secret"
            let name: String
            var physical: String
            var options = ResourceOptions()
            func write(to a: inout AttributeWriter, in context: RenderContext) {
                a.set("name", physical)
                a.set("recovery_window_in_days", 0)
            }
        }
        try await h.converge(Resources { Named(name: "db", physical: "dev/db") })
        let plan = try await h.plan(Resources { Named(name: "db", physical: "dev/database") })
        let change = h.change(plan, "aws_secretsmanager_secret.db")
        XCTAssertEqual(change?.action.isReplace, true)
        XCTAssertEqual(change?.replacePaths, ["name"])
        XCTAssertTrue(change?.reasons.first?.contains("name: dev/db → dev/database forces replacement") ?? false)
        try await h.apply(plan)
        let names = try await h.client.paginate(.secretsManager, SecretsManager.Operation.listSecrets)["SecretList"]
            .array?.compactMap { $0["Name"].string }
        XCTAssertEqual(names, ["dev/database"])
    }

    private func versioned(_ source: SecretValueSource, version: Int = 1, secretName: String = "api-key") -> Resources {
        let s = secret(secretName)
        return Resources {
            s
            SecretsManagerSecretVersion("api_key", secret: s.arn, source: source, valueVersion: version)
        }
    }

    func testSecretVersionCreateNoChangesUpdateReplaceDestroy() async throws {
        let generated = SecretValueSource.generated(length: 24, excludePunctuation: true)
        try await h.converge(versioned(generated))
        let address = "aws_secretsmanager_secret_version.api_key"
        let stored = try await h.state()
        let first = try XCTUnwrap(stored?.resources[ResourceAddress(type: "aws_secretsmanager_secret_version", name: "api_key")])
        let arn = try XCTUnwrap(first.attributes["secret_id"]?.stringValue)
        let value1 = try await value(of: arn)
        XCTAssertEqual(value1.count, 24)
        XCTAssertEqual(first.id, "\(arn)|\(first.attributes["version_id"]?.stringValue ?? "")")

        let again = try await h.plan(versioned(generated))
        XCTAssertEqual(h.actions(again), [:], "a generated value does not change by itself")

        let bumped = try await h.plan(versioned(generated, version: 2))
        XCTAssertEqual(h.change(bumped, address)?.action, .update)
        XCTAssertEqual(h.change(bumped, address)?.changedAttributes, ["value_version"])
        try await h.apply(bumped)
        let value2 = try await value(of: arn)
        XCTAssertNotEqual(value2, value1, "value_version 2 wrote a new value")
        let settled = try await h.plan(versioned(generated, version: 2))
        XCTAssertEqual(h.actions(settled), [:])

        // An environment-variable source: a changed variable shows as an update at the next plan.
        setenv(Self.variable, "first-value-1", 1)
        let env = SecretValueSource.environmentVariable(Self.variable)
        let switched = try await h.plan(versioned(env, version: 2))
        XCTAssertEqual(h.change(switched, address)?.changedAttributes, ["value_source"])
        try await h.apply(switched)
        let value3 = try await value(of: arn)
        XCTAssertEqual(value3, "first-value-1")
        let unchanged = try await h.plan(versioned(env, version: 2))
        XCTAssertEqual(h.actions(unchanged), [:])
        setenv(Self.variable, "second-value-2", 1)
        let changed = try await h.plan(versioned(env, version: 2))
        XCTAssertEqual(h.change(changed, address)?.action, .update, "a changed environment variable is a change")
        XCTAssertEqual(changed.drift.first?.attributes.map(\.name).contains("value_source"), true)
        try await h.apply(changed)
        let value4 = try await value(of: arn)
        XCTAssertEqual(value4, "second-value-2")
        let converged = try await h.plan(versioned(env, version: 2))
        XCTAssertEqual(h.actions(converged), [:])

        // Another secret: the version is replaced, naming secret_id.
        let moved = try await h.plan(versioned(env, version: 2, secretName: "other-key"))
        let replace = h.change(moved, address)
        XCTAssertEqual(replace?.action.isReplace, true)
        XCTAssertEqual(replace?.replacePaths, ["secret_id"])
        try await h.apply(moved)
        let settledMove = try await h.plan(versioned(env, version: 2, secretName: "other-key"))
        XCTAssertEqual(h.actions(settledMove), [:])

        let destroy = try await h.plan(versioned(env), destroy: true)
        try await h.apply(destroy)
        let left = try await h.state()?.resources.count
        XCTAssertEqual(left, 0)
        let listed = try await h.client.paginate(.secretsManager, SecretsManager.Operation.listSecrets)
        XCTAssertEqual(listed["SecretList"].array?.count ?? 0, 0)
    }

    func testMissingEnvironmentVariableIsAnErrorNamingResourceAndVariable() async throws {
        let plan = try await h.plan(versioned(.environmentVariable(Self.variable)))
        let result = try await Applier(provider: h.provider, backend: h.backend).apply(plan)
        let failure = try XCTUnwrap(result.failures.first)
        XCTAssertTrue(failure.message.contains("aws_secretsmanager_secret_version.api_key"), failure.message)
        XCTAssertTrue(failure.message.contains(Self.variable), failure.message)
    }

    func testUnreadableFileIsAnErrorNamingResourceAndFile() async throws {
        let path = h.root.appendingPathComponent("missing.txt").path
        let plan = try await h.plan(versioned(.file(path)))
        let result = try await Applier(provider: h.provider, backend: h.backend).apply(plan)
        let failure = try XCTUnwrap(result.failures.first)
        XCTAssertTrue(failure.message.contains("aws_secretsmanager_secret_version.api_key"), failure.message)
        XCTAssertTrue(failure.message.contains(path), failure.message)
    }

    /// THE secret test: a generated value and one from an environment variable are written; the
    /// state file, the plan files, the terminal plans, and every apply event and error printed
    /// are searched for either value (read back from moto), which must appear nowhere.
    func testSecretValuesAppearNowhereInStatePlansOrOutput() async throws {
        setenv(Self.variable, "env-secret-Value-42!", 1)
        func stack(version: Int) -> Resources {
            let generated = SecretsManagerSecret("django-key", recoveryWindow: .days(0))
            let fromEnv = SecretsManagerSecret("rabbitmq-password", recoveryWindow: .days(0))
            return Resources {
                generated
                SecretsManagerSecretVersion("django_key", secret: generated.arn, source: .generated(length: 40, excludePunctuation: true), valueVersion: version)
                fromEnv
                SecretsManagerSecretVersion("rabbitmq_password", secret: fromEnv.arn, source: .environmentVariable(Self.variable))
            }
        }
        let printed = Printed()
        var plans: [Plan] = []
        for version in [1, 2] {
            let plan = try await h.plan(stack(version: version))
            plans.append(plan)
            let result = try await Applier(provider: h.provider, backend: h.backend, events: { printed.append("\($0)") })
                .apply(plan)
            XCTAssertEqual(result.failures.map(\.message), [])
            for failure in result.failures { printed.append("\(failure)") }
        }
        plans.append(try await h.plan(stack(version: 2)))
        plans.append(try await h.plan(stack(version: 2), destroy: true))

        let stored = try await h.state()
        let state = try XCTUnwrap(stored)
        var values: [String] = []
        for resource in state.resources.values where resource.type == "aws_secretsmanager_secret_version" {
            values.append(try await value(of: resource.attributes["secret_id"]?.stringValue ?? ""))
            XCTAssertNotNil(resource.attributes["value_hash"]?.stringValue)
            XCTAssertNotNil(resource.attributes["version_id"]?.stringValue)
        }
        XCTAssertEqual(values.count, 2)
        XCTAssertTrue(values.contains("env-secret-Value-42!"))
        XCTAssertTrue(values.contains { $0.count == 40 })

        var haystacks: [(String, String)] = []
        haystacks.append(("state file", try String(contentsOfFile: h.backend.statePath, encoding: .utf8)))
        if FileManager.default.fileExists(atPath: h.backend.backupPath) {
            haystacks.append(("state backup", try String(contentsOfFile: h.backend.backupPath, encoding: .utf8)))
        }
        for (i, plan) in plans.enumerated() {
            haystacks.append(("plan file \(i)", String(decoding: try PlanFile.encode(plan), as: UTF8.self)))
            haystacks.append(("plan text \(i)", PlanText().render(plan)))
            haystacks.append(("show --json \(i)", String(decoding: TerraformPlanJSON.render(plan: plan), as: UTF8.self)))
            haystacks.append(("plan dump \(i)", "\(plan)"))
        }
        haystacks.append(("apply events", printed.all.joined(separator: "\n")))
        for value in values {
            for (name, text) in haystacks {
                XCTAssertFalse(text.contains(value), "a secret value appears in the \(name)")
            }
        }
        XCTAssertFalse(printed.all.isEmpty, "the events were captured")
    }
}

/// Everything the apply printed (its events), collected across tasks.
final class Printed: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
