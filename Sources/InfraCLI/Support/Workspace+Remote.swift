import InfraAWS
import InfraBackends
import InfraDSL
import InfraEngine

extension Workspace {
    /// The S3 backend of an environment file (state in S3, locked in DynamoDB or by a lock object).
    func remoteBackend(_ settings: InfraDSL.S3Backend, loaded: LoadedEnvironment, stack: String) throws -> any StateBackend {
        try s3Backend(settings, loaded: loaded, stack: stack)
    }

    func s3Backend(_ settings: InfraDSL.S3Backend, loaded: LoadedEnvironment, stack: String) throws -> InfraBackends.S3Backend {
        let client = try self.client(region: settings.region ?? loaded.header.region)
        return try InfraBackends.S3Backend.configured(
            client: client, bucket: settings.bucket, keyPrefix: settings.keyPrefix, region: settings.region,
            lockTable: settings.lockTable, kmsKeyID: settings.kmsKeyID, lock: settings.lock.rawValue,
            environment: loaded.name, stack: stack)
    }

    /// The S3 settings of an environment, or an error saying the command needs them.
    func s3Settings(_ loaded: LoadedEnvironment, for command: String) throws -> InfraDSL.S3Backend {
        guard case .s3(let settings) = loaded.header.backend else {
            throw CLIError("\(command) works on an s3 backend, but \(loaded.file) keeps its state locally (backend.local)")
        }
        return settings
    }
}
