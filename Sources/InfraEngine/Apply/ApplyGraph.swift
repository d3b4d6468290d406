/// The operations of a plan and the edges between them: what must finish before what.
public struct ApplyGraph: Sendable {
    public var operations: [ApplyOperation]
    /// For each operation, the operations that must finish before it starts.
    public var predecessors: [[Int]]

    /// Builds the operations of `changes` and their ordering:
    /// - a create or update waits for the create or update of everything it depends on;
    /// - a delete waits for the deletes of the objects that depended on the object, and (except
    ///   the delete half of a delete-then-create) for the creates and updates of resources that
    ///   referenced it, so they have moved off it first;
    /// - a delete-then-create creates after its delete; a create-then-delete deletes after its create.
    public init(changes: [ResourceChange]) {
        var operations: [ApplyOperation] = []
        var newSide: [ResourceAddress: Int] = [:]
        var deletes: [ResourceAddress: [Int]] = [:]
        var edges: [(from: Int, to: Int)] = []
        var deleteIsFirstHalf: Set<Int> = []
        func add(_ change: Int, _ kind: ApplyOperation.Kind, _ address: ResourceAddress) -> Int {
            let id = operations.count
            operations.append(ApplyOperation(id: id, change: change, kind: kind, address: address))
            return id
        }
        for c in changes.indices {
            let address = changes[c].address
            switch changes[c].action {
            case .create:
                newSide[address] = add(c, .create, address)
            case .update:
                newSide[address] = add(c, .update, address)
            case .delete:
                let kind: ApplyOperation.Kind = changes[c].deposedKey == nil ? .delete : .deleteDeposed
                deletes[address, default: []].append(add(c, kind, address))
            case .deleteThenCreate:
                let delete = add(c, .delete, address)
                let create = add(c, .create, address)
                deleteIsFirstHalf.insert(delete)
                deletes[address, default: []].append(delete)
                newSide[address] = create
                edges.append((delete, create))
            case .createThenDelete:
                let create = add(c, .create, address)
                let delete = add(c, .deleteDeposed, address)
                newSide[address] = create
                deletes[address, default: []].append(delete)
                edges.append((create, delete))
            case .noOp, .read:
                continue
            }
        }
        var priorDependents: [ResourceAddress: [ResourceAddress]] = [:]
        var desiredDependents: [ResourceAddress: [ResourceAddress]] = [:]
        for c in changes.indices where changes[c].action != .noOp && changes[c].action != .read {
            let address = changes[c].address
            for d in changes[c].priorDependencies { priorDependents[d, default: []].append(address) }
            if changes[c].action != .delete {
                for d in changes[c].dependencies { desiredDependents[d, default: []].append(address) }
            }
        }
        for c in changes.indices {
            guard let mine = newSide[changes[c].address], operations[mine].change == c else { continue }
            for d in changes[c].dependencies { if let theirs = newSide[d] { edges.append((theirs, mine)) } }
        }
        for (address, deleteOps) in deletes {
            let prior = priorDependents[address] ?? []
            for delete in deleteOps {
                for y in prior where y != address { for theirs in deletes[y] ?? [] { edges.append((theirs, delete)) } }
                guard !deleteIsFirstHalf.contains(delete) else { continue }
                for y in prior + (desiredDependents[address] ?? []) where y != address {
                    if let theirs = newSide[y] { edges.append((theirs, delete)) }
                }
            }
        }
        var predecessors = [[Int]](repeating: [], count: operations.count)
        for (from, to) in edges where from != to { predecessors[to].append(from) }
        self.operations = operations
        self.predecessors = predecessors.map { Array(Set($0)).sorted() }
    }
}
