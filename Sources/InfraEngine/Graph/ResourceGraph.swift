/// The desired resources of one stack as a validated dependency graph.
///
/// Built in O(V+E) from a ``Configuration``; nodes are numbered in declaration order and every
/// lookup (by address, dependencies, dependents) is an array or hash access.
public struct ResourceGraph: Sendable {
    public let configuration: Configuration
    /// Node index of each address.
    public let index: [ResourceAddress: Int]
    /// For each node, the nodes it depends on (sorted, unique).
    public let dependencies: [[Int]]
    /// For each node, the nodes that depend on it.
    public let dependents: [[Int]]
    /// Node indices, dependencies before dependents (ties in declaration order).
    public let topologicalOrder: [Int]

    public var resources: [ResourceSpec] { configuration.resources }
    public var count: Int { configuration.resources.count }

    public init(_ configuration: Configuration) throws(GraphErrors) {
        self.configuration = configuration
        var errors: [GraphError] = []
        var index: [ResourceAddress: Int] = [:]
        index.reserveCapacity(configuration.resources.count)
        for (i, spec) in configuration.resources.enumerated() {
            if index[spec.address] != nil {
                errors.append(.duplicateAddress(spec.address))
            } else {
                index[spec.address] = i
            }
        }

        var dependencies = [[Int]](repeating: [], count: configuration.resources.count)
        var dependents = [[Int]](repeating: [], count: configuration.resources.count)
        for (i, spec) in configuration.resources.enumerated() where index[spec.address] == i {
            var deps = Set<Int>()
            for name in spec.attributes.keys.sorted() {
                guard let value = spec.attributes[name] else { continue }
                for reference in value.references where reference.address != spec.address {
                    if let j = index[reference.address] {
                        deps.insert(j)
                    } else {
                        errors.append(.undeclaredReference(from: spec.address, attribute: name, to: reference.address))
                    }
                }
            }
            for target in spec.explicitDependencies.sorted() where target != spec.address {
                if let j = index[target] {
                    deps.insert(j)
                } else {
                    errors.append(.undeclaredReference(from: spec.address, attribute: nil, to: target))
                }
            }
            dependencies[i] = deps.sorted()
            for j in dependencies[i] { dependents[j].append(i) }
        }
        for output in configuration.outputs {
            for reference in output.value.references where index[reference.address] == nil {
                errors.append(.undeclaredOutputReference(output: output.name, to: reference.address))
            }
        }

        let order = Self.kahn(dependencies: dependencies, dependents: dependents)
        if order.count < dependencies.count,
            let cycle = Self.findCycle(dependencies: dependencies, among: order, resources: configuration.resources)
        {
            errors.append(.cycle(cycle))
        }
        guard errors.isEmpty else { throw GraphErrors(errors: errors) }
        self.index = index
        self.dependencies = dependencies
        self.dependents = dependents
        self.topologicalOrder = order
    }

    private static func kahn(dependencies: [[Int]], dependents: [[Int]]) -> [Int] {
        var remaining = dependencies.map(\.count)
        var order: [Int] = []
        order.reserveCapacity(dependencies.count)
        for i in remaining.indices where remaining[i] == 0 { order.append(i) }
        var head = 0
        while head < order.count {
            let node = order[head]
            head += 1
            for d in dependents[node] {
                remaining[d] -= 1
                if remaining[d] == 0 { order.append(d) }
            }
        }
        return order
    }

    /// Finds one cycle among the nodes Kahn's algorithm could not order (iterative DFS).
    private static func findCycle(dependencies: [[Int]], among ordered: [Int], resources: [ResourceSpec])
        -> [ResourceAddress]?
    {
        enum Mark { case unvisited, onPath, done }
        var mark = [Mark](repeating: .unvisited, count: dependencies.count)
        for n in ordered { mark[n] = .done }
        for start in dependencies.indices where mark[start] == .unvisited {
            var path: [Int] = [start]
            var cursor: [Int] = [0]
            mark[start] = .onPath
            while let node = path.last, let position = cursor.last {
                if position < dependencies[node].count {
                    cursor[cursor.count - 1] += 1
                    let next = dependencies[node][position]
                    switch mark[next] {
                    case .onPath:
                        guard let from = path.firstIndex(of: next) else { continue }
                        // Edges point from dependent to dependency; report in "references" order.
                        let cycle = path[from...].map { resources[$0].address }
                        return cycle + [resources[next].address]
                    case .unvisited:
                        mark[next] = .onPath
                        path.append(next)
                        cursor.append(0)
                    case .done:
                        continue
                    }
                } else {
                    mark[node] = .done
                    path.removeLast()
                    cursor.removeLast()
                }
            }
        }
        return nil
    }

    /// The nodes in reverse topological order: dependents before their dependencies.
    public var reverseTopologicalOrder: [Int] { topologicalOrder.reversed() }

    /// The resource at `address`, if declared.
    public func spec(_ address: ResourceAddress) -> ResourceSpec? {
        index[address].map { configuration.resources[$0] }
    }

    /// The addresses that depend directly on `address`.
    public func dependents(of address: ResourceAddress) -> [ResourceAddress] {
        guard let i = index[address] else { return [] }
        return dependents[i].map { configuration.resources[$0].address }
    }

    /// The addresses `address` depends on directly.
    public func dependencies(of address: ResourceAddress) -> [ResourceAddress] {
        guard let i = index[address] else { return [] }
        return dependencies[i].map { configuration.resources[$0].address }
    }

    /// `addresses` and everything they depend on, transitively (for `--target`).
    public func closure(of addresses: [ResourceAddress]) -> Set<ResourceAddress> {
        var seen = Set<Int>()
        var stack = addresses.compactMap { index[$0] }
        while let n = stack.popLast() {
            guard seen.insert(n).inserted else { continue }
            stack.append(contentsOf: dependencies[n])
        }
        return Set(seen.map { configuration.resources[$0].address })
    }
}
