import Foundation
import InfraAWS
import InfraBackends
import InfraDSL
import InfraEngine
import InfraProviders
import InfraTestSupport
import XCTest

/// Plan and apply through the engine against moto (signature checking on), with the local
/// backend in a temporary directory: what the IAM and Secrets Manager tests drive.
struct IAMSecretsHarness {
    let server: MotoServer
    let client: AWSClient
    let root: URL
    let backend: LocalBackend
    let provider: AWSProvider

    init() async throws {
        server = try await MotoServer.shared()
        try await server.reset()
        client = server.client()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("infra-piam-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        backend = LocalBackend(root: root, environment: "dev", stack: "access")
        provider = AWSProvider(context: ProviderContext(client: client, region: "us-east-1"))
    }

    func cleanUp() { try? FileManager.default.removeItem(at: root) }

    func configuration(_ resources: Resources) throws -> Configuration {
        try ConfigurationBuilder.build(
            resources,
            context: RenderContext(environment: "dev", stack: "access", region: "us-east-1", defaultTags: ["ManagedBy": "infra"]))
    }

    func state() async throws -> StateSnapshot? { try await backend.read()?.state }

    func plan(_ resources: Resources, destroy: Bool = false) async throws -> Plan {
        try await Planner(provider: provider).plan(
            configuration(resources), prior: state(), backendKey: backend.key, options: PlanOptions(destroy: destroy))
    }

    @discardableResult
    func apply(_ plan: Plan, file: StaticString = #filePath, line: UInt = #line) async throws -> ApplyResult {
        let result = try await Applier(provider: provider, backend: backend).apply(plan)
        XCTAssertEqual(result.failures.map { "\($0)" }, [], "apply failed", file: file, line: line)
        return result
    }

    /// Plans and applies; returns the plan that was applied.
    @discardableResult
    func converge(_ resources: Resources, file: StaticString = #filePath, line: UInt = #line) async throws -> Plan {
        let p = try await plan(resources)
        try await apply(p, file: file, line: line)
        return p
    }

    func change(_ plan: Plan, _ address: String) -> ResourceChange? {
        plan.changes.first { "\($0.address)" == address }
    }

    /// The actions of the plan that do something, by address.
    func actions(_ plan: Plan) -> [String: ChangeAction] {
        var out: [String: ChangeAction] = [:]
        for c in plan.changes where c.action != .noOp { out["\(c.address)"] = c.action }
        return out
    }
}

extension IAMSecretsHarness {
    /// Runs a boto3 script against moto with the harness user's key (signature checking on), as
    /// a user working outside infra would; `client` is a boto3 client of `service`. Returns stdout.
    @discardableResult
    func boto3(_ service: String, _ script: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let credentials = server.credentials
        let program = """
            import boto3, json, sys
            client = boto3.client("\(service)", region_name="us-east-1", endpoint_url="\(server.endpoint.absoluteString)",
                aws_access_key_id="\(credentials.accessKeyID)", aws_secret_access_key="\(credentials.secretAccessKey)")
            \(script)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", program]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, String(decoding: errors, as: UTF8.self), file: file, line: line)
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
