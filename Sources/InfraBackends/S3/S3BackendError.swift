import Foundation

/// Why the S3 backend refused or failed an operation; each case names the object or item and
/// says what to do next.
public enum S3BackendError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A conditional put lost (HTTP 412): someone else wrote the state since we read it.
    case writeConflict(location: String)
    /// The state object read does not match the digest the last writer recorded, even after retries.
    case digestMismatch(location: String, digestItem: String, expected: String, actual: String)
    /// The backend settings are incomplete or contradictory.
    case invalidSettings(setting: String, reason: String)
    /// A lock item or object exists but its info cannot be decoded.
    case unreadableLock(location: String, reason: String)
    /// A push was refused; `force` would overwrite.
    case pushRefused(location: String, reason: String)
    /// Migration was refused.
    case migrationRefused(from: String, to: String, reason: String)
    /// A version of the state object that does not exist or has no body.
    case versionNotFound(location: String, versionID: String)

    public var description: String {
        switch self {
        case .writeConflict(let location):
            return "someone else wrote the state \(location) since this run read it; nothing was lost (the other "
                + "write is kept and this one was refused). Re-run plan to start from the current state"
        case .digestMismatch(let location, let item, let expected, let actual):
            return "the state \(location) read from S3 has MD5 \(actual), but the lock table's digest item \(item) "
                + "says the last write had MD5 \(expected): S3 returned an older object. Wait a moment and retry; if "
                + "this persists, restore the right version (infra state versions) or, if the state object was "
                + "replaced by hand, update or delete the digest item"
        case .invalidSettings(let setting, let reason):
            return "the S3 backend setting '\(setting)' is invalid: \(reason)"
        case .unreadableLock(let location, let reason):
            return "the lock \(location) exists but cannot be read (\(reason)); if no infra process is running, "
                + "delete it by hand"
        case .pushRefused(let location, let reason):
            return "refusing to push the state to \(location): \(reason); use force to overwrite anyway (the "
                + "previous version stays in the bucket's version history)"
        case .migrationRefused(let from, let to, let reason):
            return "refusing to migrate the state \(from) to \(to): \(reason)"
        case .versionNotFound(let location, let versionID):
            return "the state \(location) has no version \(versionID); list them with infra state versions"
        }
    }
}
