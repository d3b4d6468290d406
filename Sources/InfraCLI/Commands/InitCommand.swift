import ArgumentParser
import Foundation
import InfraAWS
import InfraBackends
import InfraDSL
import InfraEngine

/// `infra init <env>`: checks that the credentials work and the state backend is reachable.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Check an environment's credentials and state backend (--bootstrap creates the S3 bucket and lock table).")

    @Argument(help: "The environment.") var environment: String
    @Flag(name: .customLong("bootstrap"), help: "Create the state bucket and lock table if they are missing (idempotent).")
    var bootstrap = false
    @Flag(name: .customLong("migrate-state"), help: "Copy an existing local state into the remote backend.")
    var migrateState = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let terminal = global.terminal
        let workspace = Workspace.current()
        let loaded = try workspace.load(environment)
        let client = try workspace.client(region: loaded.header.region)
        let identity = try await client.call(.sts, "GetCallerIdentity")
        terminal.line("Credentials: \(identity["Arn"].string ?? "?") (account \(identity["Account"].string ?? "?"))")
        try await workspace.checkAccount(loaded, client: client)
        for configuration in loaded.configurations {
            try await initialize(stack: configuration.stack, loaded: loaded, workspace: workspace, client: client, terminal: terminal)
        }
        terminal.line(terminal.paint("infra has been initialized for \(environment).", .green))
    }
}
