import ArgumentParser
import Foundation
import InfraAWS
import InfraBackends
import InfraDSL
import InfraEngine

extension InitCommand {
    /// Checks one stack's backend: the local folder is writable, or the bucket and lock table
    /// answer (created first with --bootstrap; a local state copied up with --migrate-state).
    func initialize(stack: String, loaded: LoadedEnvironment, workspace: Workspace, client: AWSClient,
                    terminal: Terminal) async throws
    {
        switch loaded.header.backend {
        case .local(let path):
            guard !bootstrap, !migrateState else {
                throw ValidationError("\(loaded.file) keeps state locally (backend.local): --bootstrap and --migrate-state apply to an s3 backend")
            }
            let folder = workspace.directory.appendingPathComponent(path).appendingPathComponent(loaded.name)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw CLIError("cannot create the state folder \(folder.path): \(error.localizedDescription)")
            }
        case .s3(let settings):
            if bootstrap {
                let bootstrapClient = try workspace.client(region: settings.region ?? loaded.header.region)
                let report = try await Bootstrap(client: bootstrapClient, bucket: settings.bucket, lockTable: settings.lockTable,
                                                 kmsKeyID: settings.kmsKeyID).run()
                for step in report.steps { terminal.line("  \(step)") }
                terminal.line(report.changedAnything ? "Bootstrap: created or fixed what was missing." : "Bootstrap: everything was already in place; nothing changed.")
            }
            let remote = try workspace.s3Backend(settings, loaded: loaded, stack: stack)
            if migrateState {
                let local = LocalBackend(root: workspace.directory, environment: loaded.name, stack: stack)
                terminal.line("Migrating \(local.key) to \(remote.key): \(try await InfraBackends.migrateState(from: local, to: remote))")
            }
        }
        let backend = try workspace.backend(loaded, stack: stack)
        let stored = try await backend.read()
        let summary = stored.map { "serial \($0.state.serial), \($0.state.resources.count) resources" } ?? "no state yet"
        terminal.line("State of \(stack): \(backend.key) (\(summary))")
    }
}
