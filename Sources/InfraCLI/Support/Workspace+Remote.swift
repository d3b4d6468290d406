import InfraDSL
import InfraEngine

extension Workspace {
    /// The S3 backend of an environment file.
    func remoteBackend(_ settings: InfraDSL.S3Backend, loaded: LoadedEnvironment, stack: String) throws -> any StateBackend {
        throw CLIError(
            "\(loaded.file): backend 's3' (bucket \(settings.bucket)) is not available in this build of infra; "
                + "use 'backend: {local: {path: state}}'")
    }
}
