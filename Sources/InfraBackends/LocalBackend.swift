#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import InfraEngine

/// The local state backend: `state/<env>/<stack>.json` under a root folder.
///
/// Writes are atomic (a temporary file in the same folder, fsync, rename, fsync of the
/// folder), the previous version is kept as `<stack>.json.backup`, and the lock is a file
/// `<stack>.json.lock` created exclusively (O_EXCL) holding the ``LockInfo`` as JSON.
public struct LocalBackend: StateBackend {
    /// The state folder (`<project>/state`, or the environment file's `backend.local.path`).
    public let stateDirectory: URL
    public let environment: String
    public let stack: String

    public init(stateDirectory: URL, environment: String, stack: String) {
        self.stateDirectory = stateDirectory
        self.environment = environment
        self.stack = stack
    }

    /// The project's `state/` folder under `root`.
    public init(root: URL, environment: String, stack: String) {
        self.init(stateDirectory: root.appendingPathComponent("state"), environment: environment, stack: stack)
    }

    public var directory: URL { stateDirectory.appendingPathComponent(environment) }
    public var statePath: String { directory.appendingPathComponent("\(stack).json").path }
    public var backupPath: String { statePath + ".backup" }
    public var lockPath: String { statePath + ".lock" }
    public var key: String { "\(stateDirectory.lastPathComponent)/\(environment)/\(stack).json" }

    public func read() async throws -> StoredState? {
        guard let data = try FileIO.readIfExists(statePath) else { return nil }
        let state = try StateFileCodec.decode(data, path: statePath)
        return StoredState(state: state, versionTag: ContentTag.of(data))
    }

    public func write(_ state: StateSnapshot) async throws {
        try FileIO.makeDirectory(directory.path)
        let previous = try FileIO.readIfExists(statePath)
        if let previous {
            let stored = try StateFileCodec.decode(previous, path: statePath)
            try StateWriteCheck.validate(stored: stored, new: state, key: key)
        }
        let data = try StateFileCodec.encode(state)
        if let previous { try FileIO.atomicWrite(previous, to: backupPath) }
        try FileIO.atomicWrite(data, to: statePath)
    }

    public func lock(_ info: LockInfo) async throws -> LockHandle {
        try FileIO.makeDirectory(directory.path)
        var info = info
        info.path = key
        let data = try LockInfoCodec.encode(info)
        let fd = open(lockPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST {
                let holder = try readLock()
                throw LockContentionError(environment: environment, holder: holder ?? LockInfo(
                    id: "unknown", operation: "unknown", who: "unknown", created: Date(), path: key))
            }
            throw FileIOError(path: lockPath, operation: "create the lock file", code: code)
        }
        defer { close(fd) }
        do {
            try FileIO.writeAll(fd, data, path: lockPath)
            guard fsync(fd) == 0 else { throw FileIOError(path: lockPath, operation: "fsync", code: errno) }
        } catch {
            unlink(lockPath)
            throw error
        }
        return LockHandle(info: info)
    }

    public func unlock(_ handle: LockHandle) async throws {
        try await forceUnlock(id: handle.info.id)
    }

    public func forceUnlock(id: String) async throws {
        guard let holder = try readLock() else { throw UnlockError.notLocked(path: key) }
        guard holder.id == id else { throw UnlockError.idMismatch(path: key, given: id, holder: holder.id, who: holder.who) }
        guard unlink(lockPath) == 0 else { throw FileIOError(path: lockPath, operation: "remove the lock file", code: errno) }
    }

    /// The current lock holder, or nil when unlocked.
    public func readLock() throws -> LockInfo? {
        guard let data = try FileIO.readIfExists(lockPath) else { return nil }
        do {
            return try LockInfoCodec.decode(data)
        } catch {
            throw LocalBackendError.unreadableLock(path: lockPath, reason: String(describing: error))
        }
    }
}

/// A lock file that cannot be read.
public enum LocalBackendError: Error, Hashable, Sendable, CustomStringConvertible {
    case unreadableLock(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableLock(let path, let reason):
            return "the lock file \(path) cannot be read (\(reason)); if no infra process runs, delete it"
        }
    }
}

enum LockInfoCodec {
    static func encode(_ info: LockInfo) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(info)
    }

    static func decode(_ data: Data) throws -> LockInfo {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(LockInfo.self, from: data)
    }
}

enum ContentTag {
    static func of(_ data: Data) -> String {
        // A cheap content tag (FNV-1a); integrity is the state codec's business.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in data {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return String(h, radix: 16)
    }
}
