import ArgumentParser
import Foundation
import InfraAWS
import InfraBackends
import InfraDSL
import InfraEngine

extension InitCommand {
    /// Checks one stack's backend: the local folder is writable, or the remote one answers.
    func initialize(stack: String, loaded: LoadedEnvironment, workspace: Workspace, client: AWSClient,
                    terminal: Terminal) async throws
    {
        let backend = try workspace.backend(loaded, stack: stack)
        if case .local(let path) = loaded.header.backend {
            guard !bootstrap, !migrateState else {
                throw ValidationError("\(loaded.file) keeps state locally (backend.local): --bootstrap and --migrate-state apply to an s3 backend")
            }
            let folder = workspace.directory.appendingPathComponent(path).appendingPathComponent(loaded.name)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw CLIError("cannot create the state folder \(folder.path): \(error.localizedDescription)")
            }
        }
        let stored = try await backend.read()
        let summary = stored.map { "serial \($0.state.serial), \($0.state.resources.count) resources" } ?? "no state yet"
        terminal.line("State of \(stack): \(backend.key) (\(summary))")
    }
}
