import Foundation
import InfraAWS
import InfraEngine
import InfraTestSupport
import XCTest

/// The repository's prod platform, deployed by the real binary into moto under a fresh
/// environment name, optionally through fault proxies; and the check that the emulator and the
/// state agree object for object.
struct PlatformFixture {
    let cli: CLIHarness
    /// A fresh name per fixture: physical names (roles, secrets, caches) derive from it.
    let env: String
    let server: MotoServer
    /// EKS is served by a second moto with checking off (moto-notes).
    let eksServer: MotoServer
    /// Set when the environment goes through fault proxies.
    var proxy: FaultProxy?
    var eksProxy: FaultProxy?

    /// `backend`: the YAML of the `backend:` block, or nil for a local state folder.
    static func make(backend: ((String) -> String)? = nil) async throws -> PlatformFixture {
        let cli = try CLIHarness()
        let env = "p" + UUID().uuidString.prefix(8).lowercased()
        let fixture = PlatformFixture(
            cli: cli, env: env, server: try await MotoServer.shared(), eksServer: try await MotoServer.sharedForEKS())
        let block = backend?(env) ?? "backend:\n  local: { path: state }"
        try cli.write("environments/\(env).yaml", try prodEnvironment(backend: block))
        return fixture
    }

    /// The repository's `environments/prod.yaml` with its backend replaced (and no account guard).
    static func prodEnvironment(backend: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("environments/prod.yaml"), encoding: .utf8)
        return EnvironmentFile.replacingBackend(in: text, with: backend)
    }

    /// Points the binary at the proxies when there are any, else straight at moto.
    var environment: [String: String] {
        ["AWS_ENDPOINT_URL": proxy?.endpoint ?? server.endpoint.absoluteString,
         "AWS_ENDPOINT_URL_EKS": eksProxy?.endpoint ?? eksServer.endpoint.absoluteString,
         "AWS_REGION": "us-east-1", "INFRA_EMULATOR": "moto",
         "AWS_ACCESS_KEY_ID": server.credentials.accessKeyID,
         "AWS_SECRET_ACCESS_KEY": server.credentials.secretAccessKey]
    }

    /// Puts fault proxies with `mix` in front of both emulators.
    mutating func addFaults(_ mix: FaultMix, intercept: (@Sendable (RecordedRequest) -> FaultAction?)? = nil)
        async throws
    {
        proxy = try await FaultProxy.start(upstream: server.endpoint.absoluteString, mix: mix, intercept: intercept)
        eksProxy = try await FaultProxy.start(upstream: eksServer.endpoint.absoluteString, mix: mix)
    }

    func removeProxies() async {
        try? await proxy?.shutdown()
        try? await eksProxy?.shutdown()
    }

    @discardableResult
    func run(_ arguments: [String], extra: [String: String] = [:]) throws -> CLIHarness.Result {
        try cli.run(arguments, environment: environment.merging(extra) { $1 })
    }

    /// Runs `infra apply --auto-approve` until it succeeds, at most `times` times; returns the runs.
    func applyUntilDone(times: Int) throws -> [CLIHarness.Result] {
        var runs: [CLIHarness.Result] = []
        for _ in 0..<times {
            let result = try run(["apply", env, "--auto-approve", "--lock-timeout", "30s"])
            runs.append(result)
            if result.status == 0 { break }
        }
        return runs
    }

    /// The state as `infra state pull` prints it, read without the proxies.
    func state() throws -> StateSnapshot {
        let direct = PlatformFixture(cli: cli, env: env, server: server, eksServer: eksServer)
        let pulled = try direct.run(["state", "pull", env])
        guard pulled.status == 0 else { throw CLIHarnessError("state pull failed: \(pulled.all)") }
        return try StateFileCodec.decode(Data(pulled.stdout.utf8), path: "state pull")
    }

    /// Ids per resource type: what the emulator holds for this environment (found by the
    /// default tags, or by the environment's name prefix where a type has no tag filter), and
    /// what the state records. Types only in one of them show as a mismatch.
    func assertEmulatorMatchesState(file: StaticString = #filePath, line: UInt = #line) async throws {
        let state = try state()
        XCTAssertEqual(state.pendingCreates.count, 0, "no create is left unresolved", file: file, line: line)
        var recorded: [String: Set<String>] = [:]
        for (address, resource) in state.resources { recorded[address.type, default: []].insert(resource.id) }
        let held = try await Inventory(env: env, client: server.client(), eksClient: eksServer.client()).objects()
        XCTAssertFalse(held.isEmpty, "the emulator holds the platform", file: file, line: line)
        for type in held.keys.sorted() {
            XCTAssertEqual(held[type] ?? [], recorded[type] ?? [],
                           "\(type): every object in the emulator is in state, exactly once", file: file, line: line)
        }
    }
}
