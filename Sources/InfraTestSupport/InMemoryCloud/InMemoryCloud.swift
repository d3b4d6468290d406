import Foundation
import InfraEngine

/// A thread-safe in-memory cloud implementing ``Provider``, for testing the engine without AWS.
///
/// Types and their schemas are given at creation (``InMemoryCloud/standardSchemas`` has a few
/// generic ones). It computes ids (`mid-<n>`) and computed attributes, tags objects with their
/// create token for ``find(type:token:)``, rejects what a real API would (a missing required
/// attribute, an in-place change of a force-new attribute, a reference to an object that does
/// not exist, deleting an object something still references), logs every call, counts calls,
/// and injects faults.
public final class InMemoryCloud: Provider, @unchecked Sendable {
    /// One object in the cloud.
    public struct Object: Hashable, Sendable {
        public var id: String
        public var type: String
        public var attributes: [String: Value]
        public var token: String?
        public var address: ResourceAddress?
    }

    /// One logged call; mutating calls log a `begin` and an `end` (or `error`) entry.
    public struct LogEntry: Hashable, Sendable {
        public enum Phase: String, Sendable { case begin, end, error }
        public var sequence: Int
        public var phase: Phase
        public var operation: String
        public var type: String
        public var address: ResourceAddress?
        public var id: String?
    }

    /// A fault injected after a number of mutating operations (create, update, delete).
    public enum Fault: Sendable {
        /// The N-th mutating operation fails without effect.
        case failOperation(Int)
        /// The N-th mutating operation takes effect, then the response is lost and every later
        /// call fails, as if the process died (``onCrash`` is called first).
        case crashAfterOperation(Int)
    }

    /// The error of an injected fault.
    public struct InjectedFault: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// What a real API would refuse.
    public struct Rejected: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    let lock = NSLock()
    // Guarded by `lock`.
    var objects: [String: Object] = [:]
    var nextID = 1
    var sequence = 0
    var mutations = 0
    var _log: [LogEntry] = []
    var _counters: [String: Int] = [:]
    var crashed = false
    public let schemas: [String: ResourceSchema]
    /// Refuse dangling references and deleting referenced objects (strings starting `mid-`).
    public var enforceReferences: Bool
    public var fault: Fault? {
        get { lock.withLock { _fault } }
        set { lock.withLock { _fault = newValue } }
    }
    var _fault: Fault?
    /// Called when a crash fault fires, before the call throws (e.g. to freeze a backend).
    public var onCrash: (@Sendable () -> Void)? {
        get { lock.withLock { _onCrash } }
        set { lock.withLock { _onCrash = newValue } }
    }
    var _onCrash: (@Sendable () -> Void)?
    /// Creates of these addresses create the object, then throw ``ResourceNotReadyError``.
    public var notReady: Set<ResourceAddress> {
        get { lock.withLock { _notReady } }
        set { lock.withLock { _notReady = newValue } }
    }
    var _notReady: Set<ResourceAddress> = []
    /// Creates of these addresses fail without effect.
    public var failingCreates: Set<ResourceAddress> {
        get { lock.withLock { _failingCreates } }
        set { lock.withLock { _failingCreates = newValue } }
    }
    var _failingCreates: Set<ResourceAddress> = []

    public init(schemas: [ResourceSchema] = InMemoryCloud.standardSchemas, enforceReferences: Bool = true) {
        self.schemas = Dictionary(schemas.map { ($0.type, $0) }, uniquingKeysWith: { a, _ in a })
        self.enforceReferences = enforceReferences
    }

    /// Every object, by id.
    public var allObjects: [String: Object] { lock.withLock { objects } }
    public var log: [LogEntry] { lock.withLock { _log } }
    /// Calls per operation name (`read`, `create`, `update`, `delete`, `find`, `import`).
    public var counters: [String: Int] { lock.withLock { _counters } }

    /// Ends a simulated crash: later calls work again and the fault is cleared.
    public func recover() {
        lock.withLock {
            crashed = false
            _fault = nil
        }
    }

    /// Changes an object's attributes behind infra's back (drift).
    public func tamper(id: String, _ change: (inout [String: Value]) -> Void) {
        lock.withLock { if var o = objects[id] { change(&o.attributes); objects[id] = o } }
    }

    /// Deletes an object behind infra's back.
    public func remove(id: String) {
        lock.withLock { _ = objects.removeValue(forKey: id) }
    }

    // MARK: Provider

    public func schema(for type: String) -> ResourceSchema? { schemas[type] }

    public func read(type: String, ids: [String]) async throws -> [String: ObservedResource] {
        await Task.yield()
        return try lock.withLock {
            try checkAlive()
            _counters["read", default: 0] += 1
            var found: [String: ObservedResource] = [:]
            for id in ids { if let o = objects[id], o.type == type { found[id] = observed(o) } }
            return found
        }
    }

    public func find(type: String, token: String) async throws -> ObservedResource? {
        try lock.withLock {
            try checkAlive()
            _counters["find", default: 0] += 1
            return objects.values.first { $0.type == type && $0.token == token }.map(observed)
        }
    }

    public func importResource(type: String, id: String) async throws -> ObservedResource? {
        try lock.withLock {
            try checkAlive()
            _counters["import", default: 0] += 1
            return objects[id].flatMap { $0.type == type ? observed($0) : nil }
        }
    }

    public func create(_ request: CreateRequest) async throws -> ObservedResource {
        let n = try begin("create", type: request.address.type, address: request.address, id: nil)
        await Task.yield()
        let result: Result<ObservedResource, any Error> = lock.withLock {
            Result { try performCreate(request, n) }
        }
        return try end(n, "create", type: request.address.type, address: request.address, result)
    }

    public func update(_ request: UpdateRequest) async throws -> ObservedResource {
        let n = try begin("update", type: request.address.type, address: request.address, id: request.id)
        await Task.yield()
        let result: Result<ObservedResource, any Error> = lock.withLock {
            Result { try performUpdate(request, n) }
        }
        return try end(n, "update", type: request.address.type, address: request.address, result)
    }

    public func delete(type: String, id: String, attributes: [String: Value]) async throws {
        let address = lock.withLock { objects[id]?.address }
        let n = try begin("delete", type: type, address: address, id: id)
        await Task.yield()
        let result: Result<ObservedResource, any Error> = lock.withLock {
            Result { try performDelete(type: type, id: id, n) }
        }
        _ = try end(n, "delete", type: type, address: address, result)
    }
}
