import Foundation

/// Where a stack's state lives and how it is locked: the local folder, or S3 + DynamoDB.
///
/// Every write goes through ``StateWriteCheck`` semantics: a backend never replaces a state of
/// another lineage or a newer (or equal) serial.
public protocol StateBackend: Sendable {
    /// A human-readable key naming this state (`state/dev/platform.json`, `s3://b/dev/platform.json`).
    var key: String { get }

    /// The current state, or nil when none was ever written.
    func read() async throws -> StoredState?

    /// Replaces the state; throws ``StateWriteError`` on a lineage or serial conflict.
    func write(_ state: StateSnapshot) async throws

    /// Takes the lock or throws a contention error naming the holder.
    func lock(_ info: LockInfo) async throws -> LockHandle

    /// Releases a lock this process holds.
    func unlock(_ handle: LockHandle) async throws

    /// Releases a lock whatever holds it, if its ID is `id` (`infra force-unlock`).
    func forceUnlock(id: String) async throws
}

/// A state as read from a backend, with the backend's version tag (file digest, S3 ETag).
public struct StoredState: Sendable {
    public var state: StateSnapshot
    public var versionTag: String

    public init(state: StateSnapshot, versionTag: String) {
        self.state = state
        self.versionTag = versionTag
    }
}

/// Who holds a state lock and why, in the field names Terraform uses.
public struct LockInfo: Hashable, Sendable, Codable {
    public var id: String
    public var operation: String
    public var info: String
    /// `user@host`.
    public var who: String
    public var version: String
    public var created: Date
    public var path: String

    public init(id: String = UUID().uuidString.lowercased(), operation: String, info: String = "",
                who: String = LockInfo.currentWho(), version: String = ToolVersion.current,
                created: Date = Date(), path: String)
    {
        self.id = id
        self.operation = operation
        self.info = info
        self.who = who
        self.version = version
        self.created = created
        self.path = path
    }

    private enum CodingKeys: String, CodingKey {
        case id = "ID", operation = "Operation", info = "Info", who = "Who", version = "Version"
        case created = "Created", path = "Path"
    }

    /// `user@host` of this process.
    public static func currentWho() -> String {
        let env = ProcessInfo.processInfo.environment
        let user = env["USER"] ?? env["LOGNAME"] ?? "unknown"
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }
}

/// Proof of holding a lock, needed to release it.
public struct LockHandle: Hashable, Sendable {
    public var info: LockInfo
    public init(info: LockInfo) { self.info = info }
}

/// The lock is held by someone else.
public struct LockContentionError: Error, Sendable, CustomStringConvertible {
    public var environment: String
    public var holder: LockInfo

    public init(environment: String, holder: LockInfo) {
        self.environment = environment
        self.holder = holder
    }

    public var description: String {
        let since = ISO8601DateFormatter().string(from: holder.created)
        return "the state \(holder.path) is locked by \(holder.who) (operation \(holder.operation), since \(since), "
            + "lock ID \(holder.id)). Wait for it to finish; if no infra process is running any more, release it with: "
            + "infra force-unlock \(environment) \(holder.id)"
    }
}

/// Unlocking failed: no lock, or a lock with another ID.
public enum UnlockError: Error, Hashable, Sendable, CustomStringConvertible {
    case notLocked(path: String)
    case idMismatch(path: String, given: String, holder: String, who: String)

    public var description: String {
        switch self {
        case .notLocked(let path):
            return "the state \(path) is not locked"
        case .idMismatch(let path, let given, let holder, let who):
            return "the lock on \(path) has ID \(holder) (held by \(who)), not \(given); nothing was unlocked"
        }
    }
}

/// A write refused because it would lose someone else's work.
public enum StateWriteError: Error, Hashable, Sendable, CustomStringConvertible {
    case foreignLineage(key: String, stored: String, attempted: String)
    case staleSerial(key: String, stored: Int, attempted: Int)

    public var description: String {
        switch self {
        case .foreignLineage(let key, let stored, let attempted):
            return "refusing to write state \(key): it belongs to lineage \(stored), this state to \(attempted) "
                + "(a different stack or environment?)"
        case .staleSerial(let key, let stored, let attempted):
            return "refusing to write state \(key) with serial \(attempted): the stored state has serial \(stored), "
                + "so someone else wrote it since it was read; re-run plan"
        }
    }
}

/// The lineage and serial rules every backend applies before replacing a state.
public enum StateWriteCheck {
    public static func validate(stored: StateSnapshot?, new: StateSnapshot, key: String) throws(StateWriteError) {
        guard let stored else { return }
        guard stored.lineage == new.lineage else {
            throw .foreignLineage(key: key, stored: stored.lineage, attempted: new.lineage)
        }
        guard new.serial > stored.serial else {
            throw .staleSerial(key: key, stored: stored.serial, attempted: new.serial)
        }
    }
}
