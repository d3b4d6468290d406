import Foundation
import InfraEngine

extension InMemoryCloud {
    /// The id prefix of every object; strings starting with it are references.
    public static let idPrefix = "mid-"

    // Every helper below runs with `lock` held.

    func checkAlive() throws {
        if crashed { throw InjectedFault(description: "simulated crash: the process is gone") }
    }

    private func append(_ phase: LogEntry.Phase, _ operation: String, _ type: String, _ address: ResourceAddress?,
                        _ id: String?)
    {
        sequence += 1
        _log.append(LogEntry(sequence: sequence, phase: phase, operation: operation, type: type, address: address, id: id))
    }

    func observed(_ object: Object) -> ObservedResource {
        ObservedResource(id: object.id, attributes: object.attributes)
    }

    /// Logs the start of a mutating call and returns its number (1-based, in start order).
    func begin(_ operation: String, type: String, address: ResourceAddress?, id: String?) throws -> Int {
        try lock.withLock {
            try checkAlive()
            _counters[operation, default: 0] += 1
            mutations += 1
            append(.begin, operation, type, address, id)
            return mutations
        }
    }

    /// Applies the fault plan to a finished mutating call and logs its end.
    func end(_ n: Int, _ operation: String, type: String, address: ResourceAddress?,
             _ result: Result<ObservedResource, any Error>) throws -> ObservedResource
    {
        var onCrash: (@Sendable () -> Void)?
        let final: Result<ObservedResource, any Error> = lock.withLock {
            var final = result
            switch _fault {
            case .crashAfterOperation(let k) where k == n:
                crashed = true
                onCrash = _onCrash
                final = .failure(InjectedFault(description: "simulated crash after \(operation) #\(n)"))
            default:
                break
            }
            let id = (try? result.get())?.id
            append((try? final.get()) == nil ? .error : .end, operation, type, address, id)
            return final
        }
        onCrash?()
        return try final.get()
    }

    func performCreate(_ request: CreateRequest, _ n: Int) throws -> ObservedResource {
        try checkFailure("create", n)
        if _failingCreates.contains(request.address) {
            throw InjectedFault(description: "injected failure creating \(request.address)")
        }
        guard let schema = schemas[request.address.type] else {
            throw Rejected(description: "unknown type \(request.address.type)")
        }
        for (name, attribute) in schema.attributes where attribute.presence == .required {
            if request.attributes[name] == nil { throw Rejected(description: "\(request.address): \(name) is required") }
        }
        try checkReferences(request.attributes, of: request.address)
        let id = "\(Self.idPrefix)\(nextID)"
        nextID += 1
        var attributes = request.attributes
        for (name, attribute) in schema.attributes where attributes[name] == nil {
            switch attribute.presence {
            case .computed: attributes[name] = name == "id" ? .string(id) : .string("\(name)-\(id)")
            case .optionalComputed: attributes[name] = .string("default-\(name)")
            case .required, .optional: break
            }
        }
        let object = Object(id: id, type: request.address.type, attributes: attributes, token: request.token,
                            address: request.address)
        objects[id] = object
        if _notReady.contains(request.address) {
            throw ResourceNotReadyError(object: observed(object), reason: "injected: never became available")
        }
        return observed(object)
    }

    func performUpdate(_ request: UpdateRequest, _ n: Int) throws -> ObservedResource {
        try checkFailure("update", n)
        guard var object = objects[request.id], object.type == request.address.type else {
            throw Rejected(description: "\(request.address): \(request.id) does not exist")
        }
        let schema = schemas[object.type]
        for name in request.changed {
            if schema?[name]?.forcesReplacement == true {
                throw Rejected(description: "\(request.address): \(name) cannot be changed in place")
            }
            if schema?[name]?.presence == .computed {
                throw Rejected(description: "\(request.address): \(name) is computed")
            }
            object.attributes[name] = request.attributes[name]
        }
        try checkReferences(object.attributes, of: request.address)
        objects[object.id] = object
        return observed(object)
    }

    func performDelete(type: String, id: String, _ n: Int) throws -> ObservedResource {
        try checkFailure("delete", n)
        guard let object = objects[id] else { return ObservedResource(id: id, attributes: [:]) }
        if enforceReferences {
            for other in objects.values where other.id != id {
                if other.attributes.values.contains(where: { $0.mentions(id) }) {
                    throw Rejected(description: "\(id) is still referenced by \(other.id) (\(other.address?.description ?? "?"))")
                }
            }
        }
        objects[id] = nil
        return observed(object)
    }

    private func checkFailure(_ operation: String, _ n: Int) throws {
        if case .failOperation(let k) = _fault, k == n {
            throw InjectedFault(description: "injected failure of \(operation) #\(k)")
        }
    }

    private func checkReferences(_ attributes: [String: Value], of address: ResourceAddress) throws {
        guard enforceReferences else { return }
        for (name, value) in attributes {
            for id in value.mentionedIDs where objects[id] == nil {
                throw Rejected(description: "\(address).\(name) refers to \(id), which does not exist")
            }
        }
    }
}

extension Value {
    /// Strings in the value that look like in-memory cloud ids.
    var mentionedIDs: [String] {
        switch self {
        case .string(let s): return s.hasPrefix(InMemoryCloud.idPrefix) ? [s] : []
        case .list(let l): return l.flatMap(\.mentionedIDs)
        case .map(let m): return m.values.flatMap(\.mentionedIDs)
        case .sensitive(let v): return v.mentionedIDs
        default: return []
        }
    }

    func mentions(_ id: String) -> Bool { mentionedIDs.contains(id) }
}
