import Foundation

/// Makes a ``Plan``: the desired graph against the refreshed state, using each type's schema.
///
/// Linear in the size of the graph: one pass in topological order for the desired resources,
/// one for what only the state holds; every lookup is a hash access.
public struct Planner: Sendable {
    public var provider: any Provider
    public var toolVersion: String
    /// How many resource types refresh reads at once.
    public var refreshConcurrency: Int

    public init(provider: any Provider, toolVersion: String = ToolVersion.current, refreshConcurrency: Int = 8) {
        self.provider = provider
        self.toolVersion = toolVersion
        self.refreshConcurrency = refreshConcurrency
    }

    /// Validates `configuration`, refreshes `prior` (unless told not to) and plans.
    public func plan(_ configuration: Configuration, prior: StateSnapshot?, backendKey: String,
                     options: PlanOptions = PlanOptions()) async throws -> Plan
    {
        let graph: ResourceGraph
        do {
            graph = try ResourceGraph(configuration)
        } catch {
            throw PlanErrors(errors: [.invalidConfiguration(error)])
        }
        var refreshed = prior
        var drift: [Drift] = []
        if let prior {
            let refresher = Refresher(provider: provider, concurrency: refreshConcurrency)
            if options.refresh || options.refreshOnly {
                let result = try await refresher.refresh(prior)
                refreshed = result.state
                drift = result.drift
            } else if !prior.pendingCreates.isEmpty {
                // Even without refresh a lost create must be found, or it would be created twice.
                refreshed = try await refresher.resolvePendingCreates(prior).state
            }
        }
        return try plan(graph: graph, refreshed: refreshed, drift: drift, backendKey: backendKey, options: options)
    }

    /// Plans against an already refreshed state (the synchronous core; no I/O).
    public func plan(graph: ResourceGraph, refreshed: StateSnapshot?, drift: [Drift], backendKey: String,
                     options: PlanOptions) throws(PlanErrors) -> Plan
    {
        if options.refreshOnly && options.destroy {
            throw PlanErrors(errors: [.conflictingOptions("--refresh-only and --destroy cannot be combined")])
        }
        let configuration = graph.configuration
        let lineage = refreshed?.lineage ?? UUID().uuidString.lowercased()
        var work = PlanWork(
            graph: graph, state: refreshed, options: options, provider: provider,
            tokenSeed: "\(lineage)|\(refreshed?.serial ?? 0)")
        for address in options.targets + options.replace
        where graph.index[address] == nil && refreshed?.resources[address] == nil {
            work.errors.append(.unknownTarget(address))
        }
        if options.refreshOnly {
            // Nothing changes in the cloud; apply only records the refreshed state.
        } else if options.destroy {
            work.planDestroy()
        } else {
            work.planDesired()
            work.planOrphans()
        }
        if !options.refreshOnly {
            work.planDeposed()
            work.breakReplacementCycles()
        }
        work.planOutputs()
        guard work.errors.isEmpty else { throw PlanErrors(errors: work.errors) }
        let changes = work.orderedChanges()
        return Plan(
            environment: configuration.environment, stack: configuration.stack, backendKey: backendKey,
            priorLineage: refreshed?.lineage, priorSerial: refreshed?.serial, lineage: lineage,
            toolVersion: toolVersion, options: options, configuration: configuration, priorState: refreshed,
            changes: changes, drift: drift, outputChanges: work.outputChanges, summary: PlanSummary(changes))
    }
}

/// The mutable scratch space of one planning pass.
struct PlanWork {
    let graph: ResourceGraph
    let state: StateSnapshot?
    let options: PlanOptions
    let provider: any Provider
    let tokenSeed: String
    var errors: [PlanError] = []
    /// Changes of the graph's nodes, by node index.
    var nodeChanges: [ResourceChange?]
    /// Planned attributes of the graph's nodes, by node index, for resolving references.
    var plannedAfter: [[String: Value]?]
    /// Changes of resources only the state holds, and of deposed objects.
    var stateOnlyChanges: [ResourceChange] = []
    var outputChanges: [OutputChange] = []
    var schemas: [String: ResourceSchema] = [:]
    var missingSchemas: Set<String> = []

    init(graph: ResourceGraph, state: StateSnapshot?, options: PlanOptions, provider: any Provider, tokenSeed: String) {
        self.graph = graph
        self.state = state
        self.options = options
        self.provider = provider
        self.tokenSeed = tokenSeed
        self.nodeChanges = Array(repeating: nil, count: graph.count)
        self.plannedAfter = Array(repeating: nil, count: graph.count)
    }

    mutating func schema(for address: ResourceAddress) -> ResourceSchema? {
        if let cached = schemas[address.type] { return cached }
        if let found = provider.schema(for: address.type) {
            schemas[address.type] = found
            return found
        }
        if missingSchemas.insert(address.type).inserted {
            errors.append(.unknownResourceType(address: address, type: address.type))
        }
        return nil
    }

    func token(for address: ResourceAddress) -> String {
        String(Hex.sha256("infra-create|\(tokenSeed)|\(address)").prefix(32))
    }

    /// The resources the plan considers: every node, or the targets and their dependencies.
    func plannedNodes() -> [Int] {
        guard !options.targets.isEmpty else { return graph.topologicalOrder }
        let closure = graph.closure(of: options.targets)
        return graph.topologicalOrder.filter { closure.contains(graph.resources[$0].address) }
    }

    /// Graph changes in topological order, then state-only deletes (dependents first).
    func orderedChanges() -> [ResourceChange] {
        var result: [ResourceChange] = []
        result.reserveCapacity(graph.count + stateOnlyChanges.count)
        for i in graph.topologicalOrder { if let c = nodeChanges[i] { result.append(c) } }
        result.append(contentsOf: stateOnlyChanges)
        return result
    }
}
