import Foundation
import InfraAWS
import InfraBackends
import InfraDSL
import InfraEngine
import InfraProviders
import InfraTestSupport
import XCTest

/// Plans and applies DSL configurations against moto (signature checking on) through the
/// engine and a local backend in a temporary folder.
struct NetworkHarness {
    let server: MotoServer
    let root: URL
    let backend: LocalBackend

    static func start() async throws -> NetworkHarness {
        let server = try await MotoServer.shared()
        try await server.reset()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("infra-pnet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return NetworkHarness(server: server, root: root, backend: LocalBackend(root: root, environment: "dev", stack: "net"))
    }

    func provider(transport: any AWSHTTPTransport = HTTPTransport.shared) -> AWSProvider {
        AWSProvider(context: ProviderContext(
            client: server.client(transport: transport), region: "us-east-1",
            waitPolicy: WaitPolicy(initialDelay: 0.01, maxDelay: 0.05, multiplier: 1.5, timeout: 30),
            // Always moto here: its documented quirks (ElastiCache `deleting` forever, ...) are tolerated.
            emulator: .moto))
    }

    var client: AWSClient { server.client() }

    static func context() -> RenderContext {
        RenderContext(environment: "dev", stack: "net", region: "us-east-1",
                      defaultTags: ["Environment": "dev", "Stack": "net", "ManagedBy": "infra"])
    }

    static func build(@ResourcesBuilder _ content: () -> [any ResourceConvertible]) throws -> Configuration {
        try ConfigurationBuilder.build(Resources(content), context: context())
    }

    func state() async throws -> StateSnapshot? { try await backend.read()?.state }

    func plan(_ configuration: Configuration, options: PlanOptions = PlanOptions(),
              provider: AWSProvider? = nil) async throws -> Plan
    {
        try await Planner(provider: provider ?? self.provider()).plan(
            configuration, prior: try await state(), backendKey: backend.key, options: options)
    }

    @discardableResult
    func apply(_ plan: Plan, file: StaticString = #filePath, line: UInt = #line) async throws -> ApplyResult {
        let result = try await Applier(provider: provider(), backend: backend).apply(plan)
        XCTAssertTrue(result.succeeded, "apply failed: \(result.failures)", file: file, line: line)
        return result
    }

    /// Plans and applies; then a second plan must be empty.
    func converge(_ configuration: Configuration, file: StaticString = #filePath, line: UInt = #line) async throws {
        try await apply(try await plan(configuration), file: file, line: line)
        let again = try await plan(configuration)
        XCTAssertFalse(again.hasChanges, "re-plan not empty: \(again.describeChanges)", file: file, line: line)
    }

    /// Destroys everything in the state and checks that AWS no longer has any of it, except the
    /// types in `leftBehind` (moto 5.2.1 cannot delete ElastiCache subnet groups).
    func destroyAll(_ configuration: Configuration, leftBehind: Set<String> = [], file: StaticString = #filePath,
                    line: UInt = #line) async throws
    {
        let before = try await state()?.resources ?? [:]
        let plan = try await plan(configuration, options: PlanOptions(destroy: true))
        XCTAssertEqual(plan.changes.filter { $0.action == .delete }.count, before.count, file: file, line: line)
        try await apply(plan, file: file, line: line)
        let observed = try await state()?.resources.count ?? 0
        XCTAssertEqual(observed, 0, file: file, line: line)
        let provider = provider()
        for (type, ids) in Dictionary(grouping: before.values, by: \.type) where !leftBehind.contains(type) {
            let found = try await provider.read(type: type, ids: ids.map(\.id))
            XCTAssertEqual(found.keys.sorted(), [], "\(type) still exists after destroy", file: file, line: line)
        }
        // Nothing tagged by infra is left in the account.
        let vpcs = try await client.call(.ec2, "DescribeVpcs", ["Filters": [["Name": "tag:ManagedBy", "Values": ["infra"]]]])
        XCTAssertEqual(vpcs["Vpcs"].array?.count ?? 0, 0, file: file, line: line)
    }

    /// Runs `python3 -c script` with boto3 pointed at this server (the "AWS CLI" of the tests).
    func boto3(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let prelude = """
            import boto3
            ec2 = boto3.client("ec2", endpoint_url="\(server.endpoint.absoluteString)", region_name="us-east-1",
                aws_access_key_id="\(server.credentials.accessKeyID)", aws_secret_access_key="\(server.credentials.secretAccessKey)")

            """
        process.arguments = ["python3", "-c", prelude + script]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MotoError("boto3 script failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension Plan {
    /// The changes that do something, for assertion messages.
    var describeChanges: String {
        changes.filter { $0.action != .noOp }
            .map { "\($0.address) \($0.action.rawValue) \($0.changedAttributes) \($0.reasons)" }
            .joined(separator: "; ")
    }

    func change(_ address: String) -> ResourceChange? {
        changes.first { $0.address.description == address }
    }

    var actingChanges: [ResourceChange] { changes.filter { $0.action != .noOp } }
}
