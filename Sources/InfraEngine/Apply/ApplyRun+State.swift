/// An operation could not be prepared from the state.
struct ApplyPreparationError: Error, CustomStringConvertible {
    var description: String
}

extension ApplyRun {
    /// Records a pending create for every create of the plan, before anything starts: a crash
    /// at any later point leaves each create that may have happened findable by its token, and
    /// no create has to wait for a state write of its own. Records of creates that never
    /// start are removed at the end (``dropUnstartedCreates()``); after a crash, the next
    /// refresh drops the ones it does not find.
    mutating func recordPendingCreates() {
        for op in scheduler.operations where op.kind == .create {
            let change = plan.changes[op.change]
            let token = change.token ?? Hex.sha256("infra-create|\(state.lineage)|\(state.serial)|\(op.address)")
            createTokens[op.address] = token
            state.pendingCreates[op.address] = PendingCreate(
                type: change.type, token: token,
                deposedKey: change.action == .createThenDelete ? change.deposedKey : nil,
                dependencies: change.dependencies)
        }
    }

    /// Removes the pending records of creates that were never started (skipped, cancelled).
    mutating func dropUnstartedCreates() {
        for op in scheduler.operations where op.kind == .create && !started.contains(op.address) {
            state.pendingCreates[op.address] = nil
        }
    }

    /// Builds the provider call of `op` from the current state (its dependencies have finished,
    /// so their results resolve its references).
    mutating func prepare(_ op: ApplyOperation) throws -> Call {
        let change = plan.changes[op.change]
        let progress: @Sendable (String) -> Void = { [events = applier.events] note in events(.progress(op, note)) }
        switch op.kind {
        case .create:
            let desired = try resolvedAttributes(op.address)
            guard let token = createTokens[op.address] else {
                throw ApplyPreparationError(description: "no pending record was saved for \(op.address); run plan again")
            }
            let schema = applier.provider.schema(for: change.type)
            let sensitive = Set(specs[op.address]?.attributes.filter { $0.value.containsSensitive }.map(\.key) ?? [])
            state.pendingCreates[op.address]?.attributes = desired.filter { name, _ in
                !sensitive.contains(name) && schema?[name]?.sensitive != true
            }
            return .create(CreateRequest(address: op.address, attributes: desired, token: token, progress: progress))
        case .update:
            guard let prior = state.resources[op.address] else {
                throw ApplyPreparationError(description: "the state no longer holds \(op.address); run plan again")
            }
            var desired = try resolvedAttributes(op.address)
            let ignored = specs[op.address]?.lifecycle.ignoreChanges ?? []
            for name in ignored { desired[name] = prior.attributes[name] }
            let changed = Set(change.changedAttributes.filter { name in
                !ignored.contains(name) && desired[name] != prior.attributes[name]?.unmarked
            })
            guard !changed.isEmpty else { return .nothing }
            return .update(UpdateRequest(
                address: op.address, id: prior.id, prior: prior.attributes, attributes: desired, changed: changed,
                progress: progress))
        case .delete:
            guard let object = state.resources[op.address] else { return .nothing }
            return .delete(type: object.type, id: object.id, attributes: object.attributes)
        case .deleteDeposed:
            guard let key = change.deposedKey, let deposed = state.deposed[key] else { return .nothing }
            return .delete(type: deposed.object.type, id: deposed.object.id, attributes: deposed.object.attributes)
        }
    }

    /// The desired attributes with every reference resolved from the state, sensitivity
    /// marks removed (providers get plain values; the schema says what is sensitive).
    func resolvedAttributes(_ address: ResourceAddress) throws -> [String: Value] {
        guard let spec = specs[address] else {
            throw ApplyPreparationError(description: "the plan's configuration does not declare \(address)")
        }
        var resolved: [String: Value] = [:]
        for (name, value) in spec.attributes {
            let v = value.resolving { reference in
                state.resources[reference.address]?.attributes.lookup(reference.attribute)
            }
            guard v.isWhollyKnown else {
                throw ApplyPreparationError(description:
                    "\(name) is still unknown: \(value.references.map(\.description).joined(separator: ", ")) "
                        + "did not produce the value")
            }
            resolved[name] = v.unmarked
        }
        return resolved
    }

    /// Records an operation's outcome in the state and the scheduler.
    mutating func record(_ op: ApplyOperation, _ outcome: Result<Outcome, any Error>, _ elapsed: Duration) {
        let change = plan.changes[op.change]
        switch outcome {
        case .success(let result):
            switch (op.kind, result) {
            case (.create, .observed(let object)):
                adopt(op.address, change: change, object: object, status: .created)
            case (.update, .observed(let object)):
                state.resources[op.address]?.attributes = object.attributes
                state.resources[op.address]?.id = object.id
                state.resources[op.address]?.dependencies = change.dependencies
            case (.update, .nothing):
                state.resources[op.address]?.dependencies = change.dependencies
            case (.delete, _):
                if let id = change.priorID, state.resources[op.address]?.id == id { state.resources[op.address] = nil }
            case (.deleteDeposed, _):
                if let key = change.deposedKey { state.deposed[key] = nil }
            default:
                break
            }
            completed.append(op)
            applier.events(.finished(op, elapsed: elapsed, id: state.resources[op.address]?.id))
            scheduler.completed(op)
        case .failure(let error):
            if op.kind == .create, let notReady = error as? ResourceNotReadyError {
                adopt(op.address, change: change, object: notReady.object, status: .tainted)
            }
            // Any other failed create keeps its pending entry: the call may have succeeded
            // with its response lost, and the next refresh finds the object by its token.
            fail(op, message: String(describing: error), elapsed: elapsed)
        }
    }

    private mutating func adopt(_ address: ResourceAddress, change: ResourceChange, object: ObservedResource,
                                status: ResourceState.Status)
    {
        if change.action == .createThenDelete, let key = change.deposedKey, let old = state.resources[address] {
            state.deposed[key] = DeposedObject(address: address, object: old)
        }
        state.resources[address] = ResourceState(
            type: change.type, id: object.id, attributes: object.attributes, dependencies: change.dependencies,
            status: status)
        state.pendingCreates[address] = nil
    }

    /// Records the outputs the configuration declares, from the final state.
    mutating func finishOutputs() {
        var outputs: [String: OutputState] = [:]
        if !plan.options.destroy {
            for output in plan.configuration.outputs {
                // An existing object without the attribute gives null (see PlanWork.resolve).
            let value = output.value.resolving { reference in
                state.resources[reference.address].map { $0.attributes.lookup(reference.attribute) ?? .null }
            }
                if value.isWhollyKnown {
                    outputs[output.name] = OutputState(
                        value: value.unmarked, sensitive: output.sensitive || value.containsSensitive)
                } else if let old = state.outputs[output.name] {
                    outputs[output.name] = old
                }
            }
        }
        state.outputs = outputs
    }
}
