extension PlanWork {
    /// Deletes what the state holds but the configuration no longer declares.
    mutating func planOrphans() {
        guard let state else { return }
        let targets = Set(options.targets)
        let orphans = state.resources.keys.filter { address in
            graph.index[address] == nil && (targets.isEmpty || targets.contains(address))
        }
        for address in Self.dependentsFirst(Set(orphans), in: state) {
            guard let prior = state.resources[address] else { continue }
            stateOnlyChanges.append(deletion(address, prior, cause: .notInConfiguration))
        }
    }

    /// `--destroy`: deletes everything (or the targets and what depends on them), dependents first.
    mutating func planDestroy() {
        guard let state else { return }
        var doomed = Set(state.resources.keys)
        if !options.targets.isEmpty {
            var dependents: [ResourceAddress: [ResourceAddress]] = [:]
            for (address, resource) in state.resources {
                for d in resource.dependencies { dependents[d, default: []].append(address) }
            }
            doomed = []
            var stack = options.targets
            while let next = stack.popLast() {
                guard state.resources[next] != nil, doomed.insert(next).inserted else { continue }
                stack.append(contentsOf: dependents[next] ?? [])
            }
        }
        for address in Self.dependentsFirst(doomed, in: state) {
            guard let prior = state.resources[address] else { continue }
            if graph.spec(address)?.lifecycle.preventDestroy == true {
                errors.append(.preventDestroy(address: address, action: .delete, reasons: ["--destroy"]))
            }
            stateOnlyChanges.append(deletion(address, prior, cause: .destroyRequested))
        }
    }

    /// Old objects left by create-before-destroy replacements are always deleted.
    mutating func planDeposed() {
        guard let state else { return }
        for key in state.deposed.keys.sorted() {
            guard let deposed = state.deposed[key] else { continue }
            var change = deletion(deposed.address, deposed.object, cause: .deposed)
            change.deposedKey = key
            stateOnlyChanges.append(change)
        }
    }

    func deletion(_ address: ResourceAddress, _ prior: ResourceState, cause: ChangeCause) -> ResourceChange {
        ResourceChange(
            address: address, type: prior.type, action: .delete, cause: cause, priorID: prior.id,
            before: prior.attributes, priorDependencies: prior.dependencies)
    }

    /// `addresses` ordered so that each comes before everything it depends on (Kahn's
    /// algorithm on the recorded dependencies; ties by address for a stable plan).
    static func dependentsFirst(_ addresses: Set<ResourceAddress>, in state: StateSnapshot) -> [ResourceAddress] {
        var dependentCount: [ResourceAddress: Int] = [:]
        for address in addresses {
            for d in state.resources[address]?.dependencies ?? [] where addresses.contains(d) {
                dependentCount[d, default: 0] += 1
            }
        }
        var ready = addresses.filter { (dependentCount[$0] ?? 0) == 0 }.sorted()
        var order: [ResourceAddress] = []
        order.reserveCapacity(addresses.count)
        var head = 0
        while head < ready.count {
            let address = ready[head]
            head += 1
            order.append(address)
            for d in state.resources[address]?.dependencies ?? [] where addresses.contains(d) {
                dependentCount[d, default: 0] -= 1
                if dependentCount[d] == 0 { ready.append(d) }
            }
        }
        // Recorded dependencies cannot be cyclic, but a hand-edited state might be: keep the rest.
        if order.count < addresses.count {
            let placed = Set(order)
            order.append(contentsOf: addresses.subtracting(placed).sorted())
        }
        return order
    }

    /// Output changes: new values resolved against planned values, compared with the state's.
    mutating func planOutputs() {
        let prior = state?.outputs ?? [:]
        var declared = Set<String>()
        if !options.destroy {
            for output in graph.configuration.outputs {
                declared.insert(output.name)
                let after = options.refreshOnly
                    ? output.value.resolving { reference in
                        state?.resources[reference.address].map { $0.attributes.lookup(reference.attribute) ?? .null }
                    }
                    : resolve(output.value)
                let before = prior[output.name]?.value
                let action: ChangeAction
                if let before {
                    action = after.isWhollyKnown && after.unmarked == before.unmarked ? .noOp : .update
                } else {
                    action = .create
                }
                outputChanges.append(OutputChange(
                    name: output.name, action: action, before: before, after: after,
                    sensitive: output.sensitive || after.containsSensitive))
            }
        }
        for name in prior.keys.sorted() where !declared.contains(name) {
            outputChanges.append(OutputChange(
                name: name, action: .delete, before: prior[name]?.value, after: nil,
                sensitive: prior[name]?.sensitive ?? false))
        }
    }
}
