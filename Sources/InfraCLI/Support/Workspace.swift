import Foundation
import InfraAWS
import InfraBackends
import InfraDSL
import InfraEngine
import InfraProviders

/// The stacks compiled into this `infra` binary; set once by ``InfraMain/run(stacks:arguments:)``.
enum RegisteredStacks {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var stacks: [any Stack.Type] = []

    static var registry: StackRegistry { lock.withLock { StackRegistry(stacks) } }

    static func set(_ new: [any Stack.Type]) { lock.withLock { stacks = new } }
}

/// What commands share: the project folder, the registered stacks, the process environment,
/// and the factories for AWS clients, backends and providers.
struct Workspace {
    var directory: URL
    var registry: StackRegistry
    var environment: [String: String]

    static func current() -> Workspace {
        Workspace(
            directory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            registry: RegisteredStacks.registry, environment: ProcessInfo.processInfo.environment)
    }

    var loader: ProjectLoader { ProjectLoader(directory: directory, registry: registry) }

    /// Loads `environment` (all its stacks, or `only` those named).
    func load(_ environment: String, stacks only: [String] = []) throws -> LoadedEnvironment {
        try loader.load(environment: environment, stacks: only.isEmpty ? nil : only)
    }

    /// A signed client for the environment's region.
    func client(region: String) throws -> AWSClient {
        try AWSClient.standard(region: region, environment: environment)
    }

    /// The state backend the environment file names, for one stack.
    func backend(_ loaded: LoadedEnvironment, stack: String) throws -> any StateBackend {
        switch loaded.header.backend {
        case .local(let path):
            return LocalBackend(stateDirectory: directory.appendingPathComponent(path), environment: loaded.name, stack: stack)
        case .s3(let settings):
            return try remoteBackend(settings, loaded: loaded, stack: stack)
        }
    }

    /// The AWS provider, with every resource type infra manages.
    func provider(client: AWSClient) -> AWSProvider {
        // INFRA_EMULATOR=moto switches on the emulator quirks (see EmulatorQuirks); never set against AWS.
        AWSProvider(context: ProviderContext(client: client, region: client.region, emulator: .fromEnvironment()))
    }

    /// Refuses to run against an account other than the environment file's `account`.
    func checkAccount(_ loaded: LoadedEnvironment, client: AWSClient) async throws {
        guard let expected = loaded.header.account else { return }
        let identity = try await client.call(.sts, "GetCallerIdentity")
        let actual = identity["Account"].string ?? "?"
        guard actual == expected else {
            throw CLIError(
                "\(loaded.file) says account \(expected), but the credentials in use belong to account \(actual) "
                    + "(\(identity["Arn"].string ?? "?")). Switch credentials (AWS_PROFILE) or fix 'account' in \(loaded.file)")
        }
    }
}

/// An error the CLI reports as is.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
