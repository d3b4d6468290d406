import Foundation
import InfraEngine

/// What ``migrateState(from:to:)`` did.
public enum MigrationOutcome: Sendable, Hashable, CustomStringConvertible {
    /// No local state: nothing to migrate.
    case nothingToMigrate(local: String)
    /// The remote was empty; the local state was copied as is.
    case copied(serial: Int)
    /// The remote had an older (or equal) state of the same lineage; the local one was pushed over it.
    case pushed(serial: Int, remoteSerial: Int)

    public var description: String {
        switch self {
        case .nothingToMigrate(let local): return "no local state at \(local); nothing migrated"
        case .copied(let serial): return "local state (serial \(serial)) copied to the remote backend"
        case .pushed(let serial, let remote):
            return "local state pushed over the remote one (remote serial \(remote), now \(serial))"
        }
    }
}

/// `infra init --migrate-state`: copies the local state into the remote backend.
///
/// An empty remote receives the local state. A remote state of the same lineage whose serial is
/// lower or equal is replaced (pushed); a newer remote, or one of another lineage, is refused,
/// since copying would lose someone's work. The local file is left in place.
public func migrateState(from local: LocalBackend, to remote: S3Backend) async throws -> MigrationOutcome {
    guard let stored = try await local.read() else { return .nothingToMigrate(local: local.statePath) }
    let state = stored.state
    guard let existing = try await remote.read()?.state else {
        try await remote.write(state)
        return .copied(serial: state.serial)
    }
    guard existing.lineage == state.lineage else {
        throw S3BackendError.migrationRefused(
            from: local.statePath, to: remote.key,
            reason: "the remote state belongs to lineage \(existing.lineage), the local one to \(state.lineage); "
                + "they are different states (another stack or environment?). Check the backend key, or move the "
                + "remote state away first")
    }
    guard existing.serial <= state.serial else {
        throw S3BackendError.migrationRefused(
            from: local.statePath, to: remote.key,
            reason: "the remote state is newer (serial \(existing.serial) > local \(state.serial)); "
                + "it is already migrated, use the remote one")
    }
    let written = try await remote.push(state, force: false)
    return .pushed(serial: written.serial, remoteSerial: existing.serial)
}
