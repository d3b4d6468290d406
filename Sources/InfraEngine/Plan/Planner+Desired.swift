extension PlanWork {
    /// Plans every desired resource in topological order, so each reference resolves against
    /// what its target will be (known when it is unchanged, unknown when created or replaced).
    mutating func planDesired() {
        let nodes = plannedNodes()
        let replaceRequested = Set(options.replace)
        for i in nodes {
            let spec = graph.resources[i]
            guard let schema = schema(for: spec.address) else { continue }
            let desired = spec.attributes.mapValues { resolve($0) }
            for (name, attribute) in schema.attributes where attribute.presence == .required && desired[name] == nil {
                errors.append(.missingRequiredAttribute(address: spec.address, attribute: name))
            }
            let dependencies = graph.dependencies[i].map { graph.resources[$0].address }
            let change: ResourceChange
            if let prior = state?.resources[spec.address] {
                change = diff(spec: spec, schema: schema, desired: desired, prior: prior, dependencies: dependencies,
                              replaceRequested: replaceRequested.contains(spec.address))
            } else {
                change = creation(spec: spec, schema: schema, desired: desired, dependencies: dependencies)
            }
            plannedAfter[i] = change.after
            nodeChanges[i] = change
        }
        propagateCreateBeforeDestroy(nodes)
    }

    /// Resolves references against the planned values of their targets (or, for resources a
    /// targeted plan leaves alone, against the state); what is not known yet becomes unknown.
    func resolve(_ value: Value) -> Value {
        value.resolving { reference in
            guard let j = graph.index[reference.address] else { return nil }
            if let after = plannedAfter[j] {
                // An object that stays (no-op, update) and lacks the attribute has none: null,
                // as Terraform says, not "known after apply" forever. A new object's computed
                // attributes are unknown until it exists.
                let stays = nodeChanges[j].map { $0.action == .noOp || $0.action == .update } ?? false
                return after.lookup(reference.attribute) ?? (stays ? .null : nil)
            }
            return state?.resources[reference.address]?.attributes.lookup(reference.attribute)
        }
    }

    /// The change creating `spec`: desired values, and every computed attribute unknown.
    func creation(spec: ResourceSpec, schema: ResourceSchema, desired: [String: Value],
                  dependencies: [ResourceAddress]) -> ResourceChange
    {
        let after = plannedNewObject(schema: schema, desired: desired)
        return ResourceChange(
            address: spec.address, type: spec.type, action: .create, after: after,
            afterUnknown: after.unknownAttributes, changedAttributes: desired.keys.sorted(),
            sensitiveAttributes: sensitiveAttributes(schema: schema, values: after),
            dependencies: dependencies, token: token(for: spec.address))
    }

    func plannedNewObject(schema: ResourceSchema, desired: [String: Value]) -> [String: Value] {
        var after = desired
        for (name, attribute) in schema.attributes where after[name] == nil {
            if attribute.presence == .computed || attribute.presence == .optionalComputed { after[name] = .unknown }
        }
        return after
    }

    /// The change of an existing object: per-attribute differences with the schema's rules.
    func diff(spec: ResourceSpec, schema: ResourceSchema, desired: [String: Value], prior: ResourceState,
              dependencies: [ResourceAddress], replaceRequested: Bool) -> ResourceChange
    {
        var after = prior.attributes
        var changed: [String] = []
        var replacePaths: [String] = []
        var reasons: [String] = []
        var cause: ChangeCause?
        if prior.status == .tainted {
            cause = .tainted
            reasons.append("tainted: its creation or wait did not complete, so it is replaced")
        } else if replaceRequested {
            cause = .replaceRequested
            reasons.append("replacement requested with --replace")
        }
        for name in desired.keys.sorted() {
            guard let want = desired[name], !spec.lifecycle.ignoreChanges.contains(name) else { continue }
            let attribute = schema[name]
            if attribute?.presence == .computed { continue }
            let have = prior.attributes[name]
            if want.isWhollyKnown, want.unmarked == (have?.unmarked ?? .null) { continue }
            after[name] = want
            changed.append(name)
            if attribute?.forcesReplacement == true {
                replacePaths.append(name)
                let sensitive = attribute?.sensitive == true || want.containsSensitive
                let old = sensitive ? "(sensitive value)" : (have ?? .null).shortDescription
                let new = sensitive && want.isWhollyKnown ? "(sensitive value)" : want.shortDescription
                let why = attribute?.replaceReason.map { " (\($0))" } ?? ""
                reasons.append("\(name): \(old) → \(new) forces replacement\(why)")
            }
        }
        let replace = cause != nil || !replacePaths.isEmpty
        let action: ChangeAction
        if replace {
            action = spec.lifecycle.createBeforeDestroy ? .createThenDelete : .deleteThenCreate
            after = plannedNewObject(schema: schema, desired: desired)
            // ignoreChanges keeps the old value on the new object too, as Terraform does.
            for name in spec.lifecycle.ignoreChanges { if let old = prior.attributes[name] { after[name] = old } }
        } else {
            action = changed.isEmpty ? .noOp : .update
        }
        var change = ResourceChange(
            address: spec.address, type: spec.type, action: action, cause: cause, priorID: prior.id,
            before: prior.attributes, after: after, afterUnknown: after.unknownAttributes,
            changedAttributes: changed, replacePaths: replacePaths, reasons: reasons,
            sensitiveAttributes: sensitiveAttributes(schema: schema, values: after),
            dependencies: dependencies, priorDependencies: prior.dependencies)
        if replace {
            change.token = token(for: spec.address)
            if action == .createThenDelete { change.deposedKey = deposedKey(for: spec.address) }
        }
        return change
    }

    /// Makes sure apply can order the plan. Propagation handles the usual cases; a remaining
    /// cycle runs through a delete-then-create whose delete must wait for a dependent's old
    /// object, which in turn waits for the replacement: those become create-before-destroy
    /// (each round converts at least one, and without delete-then-create there is no cycle).
    mutating func breakReplacementCycles() {
        // Without a delete-then-create there is no edge from a delete to a create: no cycle.
        guard nodeChanges.contains(where: { $0?.action == .deleteThenCreate }) else { return }
        while true {
            let changes = orderedChanges()
            let stuck: [ApplyOperation]
            do {
                _ = try ApplyScheduler(changes: changes)
                return
            } catch {
                stuck = error.operations
            }
            var converted = false
            for op in stuck where op.kind == .delete && changes[op.change].action == .deleteThenCreate {
                guard let i = graph.index[op.address] else { continue }
                forceCreateBeforeDestroy(i)
                converted = true
            }
            if !converted { return }
        }
    }

    mutating func forceCreateBeforeDestroy(_ i: Int) {
        let key = deposedKey(for: graph.resources[i].address)
        nodeChanges[i]?.action = .createThenDelete
        nodeChanges[i]?.deposedKey = key
    }

    func deposedKey(for address: ResourceAddress) -> String {
        String(Hex.sha256("infra-deposed|\(tokenSeed)|\(address)").prefix(8))
    }

    func sensitiveAttributes(schema: ResourceSchema, values: [String: Value]) -> [String] {
        var names = Set(schema.attributes.compactMap { $0.value.sensitive ? $0.key : nil })
        for (name, value) in values where value.containsSensitive { names.insert(name) }
        return names.sorted()
    }

    /// A create-before-destroy replacement cannot wait for a dependency that is deleted first
    /// (its old object still uses it), so, as Terraform does, every replaced resource it
    /// depends on, directly or through others, is replaced create-before-destroy too.
    /// Dependents are visited before their dependencies, so one pass suffices.
    mutating func propagateCreateBeforeDestroy(_ nodes: [Int]) {
        var needed = [Bool](repeating: false, count: graph.count)
        for i in nodes.reversed() {
            if needed[i], nodeChanges[i]?.action == .deleteThenCreate { forceCreateBeforeDestroy(i) }
            guard needed[i] || nodeChanges[i]?.action == .createThenDelete else { continue }
            for j in graph.dependencies[i] { needed[j] = true }
        }
        for i in nodes {
            guard let change = nodeChanges[i], change.action.isReplace,
                graph.resources[i].lifecycle.preventDestroy
            else { continue }
            errors.append(.preventDestroy(address: change.address, action: change.action, reasons: change.reasons))
        }
    }
}

extension Dictionary where Key == String, Value == InfraEngine.Value {
    /// The value at a dotted attribute path (`endpoint.address`, `subnets.0`), or nil.
    func lookup(_ path: String) -> InfraEngine.Value? {
        if let direct = self[path] { return direct }
        var parts = path.split(separator: ".").map(String.init)[...]
        guard let first = parts.popFirst(), var current = self[first] else { return nil }
        while let part = parts.popFirst() {
            if case .unknown = current { return .unknown }
            if let map = current.mapValue, let next = map[part] {
                current = next
            } else if let list = current.listValue, let n = Int(part), list.indices.contains(n) {
                current = list[n]
            } else {
                return nil
            }
        }
        return current
    }

    /// Top-level attributes not wholly known.
    var unknownAttributes: [String] {
        keys.filter { self[$0]?.isWhollyKnown == false }.sorted()
    }
}

extension Value {
    /// A one-line rendering for reasons and messages; sensitive parts are hidden.
    public var shortDescription: String {
        switch self {
        case .string(let s): return s.isEmpty ? "\"\"" : s
        case .list(let l): return "[" + l.map(\.shortDescription).joined(separator: ", ") + "]"
        case .map(let m):
            return "{" + m.keys.sorted().map { "\($0) = \(m[$0]?.shortDescription ?? "")" }.joined(separator: ", ") + "}"
        case .concat: return "(known after apply)"
        default: return renderedScalar
        }
    }
}
