import Foundation
import InfraEngine

/// A ``StateBackend`` in memory, with the same lineage/serial and lock rules as the real ones,
/// plus a switch that silently drops writes (a crashed process saves nothing).
public final class InMemoryBackend: StateBackend, @unchecked Sendable {
    private let mutex = NSLock()
    private var stored: StateSnapshot?
    private var lockInfo: LockInfo?
    private var _frozen = false
    private var _writes = 0
    public let key: String
    public let environment: String

    public init(key: String = "memory/dev/stack.json", environment: String = "dev", state: StateSnapshot? = nil) {
        self.key = key
        self.environment = environment
        self.stored = state
    }

    /// When true, writes are accepted and dropped.
    public var frozen: Bool {
        get { mutex.withLock { _frozen } }
        set { mutex.withLock { _frozen = newValue } }
    }

    /// When true, writes fail (a full disk, a denied bucket).
    public var failingWrites: Bool {
        get { mutex.withLock { _failingWrites } }
        set { mutex.withLock { _failingWrites = newValue } }
    }
    private var _failingWrites = false

    /// The error of a write refused by ``failingWrites``.
    public struct WriteFailed: Error, CustomStringConvertible, Sendable {
        public var description: String { "injected: the state store refused the write" }
    }

    /// Writes that reached the store.
    public var writeCount: Int { mutex.withLock { _writes } }

    public var state: StateSnapshot? {
        get { mutex.withLock { stored } }
        set { mutex.withLock { stored = newValue } }
    }

    public func read() async throws -> StoredState? {
        mutex.withLock { stored.map { StoredState(state: $0, versionTag: "\($0.serial)") } }
    }

    public func write(_ state: StateSnapshot) async throws {
        try mutex.withLock {
            guard !_frozen else { return }
            if _failingWrites { throw WriteFailed() }
            try StateWriteCheck.validate(stored: stored, new: state, key: key)
            // Round-trip through the file codec so a state that cannot be stored fails here too.
            stored = try StateFileCodec.decode(StateFileCodec.encode(state), path: key)
            _writes += 1
        }
    }

    public func lock(_ info: LockInfo) async throws -> LockHandle {
        try mutex.withLock {
            if let holder = lockInfo { throw LockContentionError(environment: environment, holder: holder) }
            lockInfo = info
            return LockHandle(info: info)
        }
    }

    public func unlock(_ handle: LockHandle) async throws {
        try forceUnlockLocked(id: handle.info.id)
    }

    public func forceUnlock(id: String) async throws {
        try forceUnlockLocked(id: id)
    }

    private func forceUnlockLocked(id: String) throws {
        try mutex.withLock {
            guard let holder = lockInfo else { throw UnlockError.notLocked(path: key) }
            guard holder.id == id else {
                throw UnlockError.idMismatch(path: key, given: id, holder: holder.id, who: holder.who)
            }
            lockInfo = nil
        }
    }
}
