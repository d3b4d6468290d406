/// Brings a prior state up to date with the cloud before planning.
///
/// Reads are batched: one ``Provider/read(type:ids:)`` per resource type with every id of that
/// type, types in parallel with bounded concurrency, so refresh time depends on the number of
/// types rather than of resources. Pending creates are resolved with ``Provider/find(type:token:)``.
public struct Refresher: Sendable {
    public var provider: any Provider
    /// How many types are read at once.
    public var concurrency: Int

    public init(provider: any Provider, concurrency: Int = 8) {
        self.provider = provider
        self.concurrency = max(1, concurrency)
    }

    /// The refreshed state (same lineage and serial as `prior`) and the drift found.
    public func refresh(_ prior: StateSnapshot) async throws -> RefreshResult {
        // Recorded attributes go with the ids: see ``Provider/read(type:recorded:)``.
        var recordedByType: [String: [String: [String: Value]]] = [:]
        for resource in prior.resources.values { recordedByType[resource.type, default: [:]][resource.id] = resource.attributes }
        for deposed in prior.deposed.values {
            recordedByType[deposed.object.type, default: [:]][deposed.object.id] = deposed.object.attributes
        }
        let observed = try await readAll(recordedByType)

        var state = prior
        var drift: [Drift] = []
        for address in prior.resources.keys.sorted() {
            guard let recorded = prior.resources[address] else { continue }
            guard let now = observed[recorded.type]?[recorded.id] else {
                state.resources[address] = nil
                drift.append(Drift(address: address, kind: .deleted))
                continue
            }
            // Only what the code can set is drift: computed attributes (an address's
            // association, a status) move as a matter of course when other resources act.
            let schema = provider.schema(for: recorded.type)
            let differences = Drift.differences(recorded: recorded.attributes, observed: now.attributes)
                .filter { schema?[$0.name]?.presence != .computed }
            if !differences.isEmpty { drift.append(Drift(address: address, kind: .changed, attributes: differences)) }
            state.resources[address]?.attributes = now.attributes
            state.resources[address]?.id = now.id
        }
        for (key, deposed) in prior.deposed {
            if let now = observed[deposed.object.type]?[deposed.object.id] {
                state.deposed[key]?.object.attributes = now.attributes
            } else {
                state.deposed[key] = nil
            }
        }
        let resolved = try await resolvePendingCreates(state)
        return RefreshResult(state: resolved.state, drift: drift, recoveredCreates: resolved.recoveredCreates)
    }

    /// Looks up every pending create by its token: a found object is adopted into the state
    /// (the object it replaces, if any, becomes deposed); the others are dropped.
    public func resolvePendingCreates(_ prior: StateSnapshot) async throws -> RefreshResult {
        var state = prior
        var recovered: [ResourceAddress] = []
        for (address, pending) in prior.pendingCreates.sorted(by: { $0.key < $1.key }) {
            state.pendingCreates[address] = nil
            guard let found = try await provider.find(type: pending.type, token: pending.token) else { continue }
            if let current = state.resources[address], current.id != found.id {
                // A create-before-destroy whose new object was never recorded: the recorded
                // object is the old one and must still be deleted.
                let key = pending.deposedKey ?? String(pending.token.prefix(8))
                state.deposed[key] = DeposedObject(address: address, object: current)
            }
            var attributes = found.attributes
            for name in found.unreported where attributes[name] == nil {
                if let asked = pending.attributes?[name] { attributes[name] = asked }
            }
            state.resources[address] = ResourceState(
                type: pending.type, id: found.id, attributes: attributes, dependencies: pending.dependencies)
            recovered.append(address)
        }
        return RefreshResult(state: state, drift: [], recoveredCreates: recovered)
    }

    private func readAll(_ recordedByType: [String: [String: [String: Value]]]) async throws
        -> [String: [String: ObservedResource]]
    {
        let provider = self.provider
        var types = recordedByType.keys.sorted()[...]
        var result: [String: [String: ObservedResource]] = [:]
        try await withThrowingTaskGroup(of: (String, [String: ObservedResource]).self) { group in
            func startNext() {
                guard let type = types.popFirst(), let recorded = recordedByType[type] else { return }
                group.addTask { (type, try await provider.read(type: type, recorded: recorded)) }
            }
            for _ in 0..<concurrency { startNext() }
            while let (type, objects) = try await group.next() {
                result[type] = objects
                startNext()
            }
        }
        return result
    }
}

/// What a refresh found.
public struct RefreshResult: Sendable {
    /// The prior state with observed attributes, vanished objects removed and pending creates
    /// resolved. Same lineage and serial as the prior state: refresh writes nothing.
    public var state: StateSnapshot
    public var drift: [Drift]
    /// Addresses whose lost create was found in the cloud by its token.
    public var recoveredCreates: [ResourceAddress]
}
