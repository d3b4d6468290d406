/// Carries out a ``Plan``: drives an ``ApplyScheduler`` with a task group, calls the provider,
/// and saves the state through the backend after every completed operation.
///
/// A pending create is saved before each create is attempted, so a crash at any point loses
/// nothing the cloud holds. Task cancellation (the CLI's SIGINT/SIGTERM) stops scheduling;
/// calls in flight run to completion (they are not cancelled) and their results are saved.
public struct Applier: Sendable {
    public var provider: any Provider
    public var backend: any StateBackend
    public var parallelism: Int
    /// How often a running operation reports ``ApplyEvent/stillRunning(_:elapsed:)``.
    public var progressInterval: Duration
    public var events: @Sendable (ApplyEvent) -> Void

    public init(provider: any Provider, backend: any StateBackend, parallelism: Int = 10,
                progressInterval: Duration = .seconds(10), events: @escaping @Sendable (ApplyEvent) -> Void = { _ in })
    {
        self.provider = provider
        self.backend = backend
        self.parallelism = parallelism
        self.progressInterval = progressInterval
        self.events = events
    }

    /// Applies `plan`. Throws ``ApplyRefusal`` (nothing changed) when the plan is stale or needs
    /// a secret it does not hold; operation failures are collected in the result instead.
    public func apply(_ plan: Plan) async throws -> ApplyResult {
        let current = try await backend.read()?.state
        guard current?.lineage == plan.priorLineage, current?.serial == plan.priorSerial else {
            throw ApplyRefusal.stalePlan(
                key: backend.key, planLineage: plan.priorLineage, planSerial: plan.priorSerial,
                lineage: current?.lineage, serial: current?.serial)
        }
        var specs: [ResourceAddress: ResourceSpec] = [:]
        for spec in plan.configuration.resources { specs[spec.address] = spec }
        for change in plan.changes where change.action != .delete && change.action != .noOp {
            guard let spec = specs[change.address] else { continue }
            for name in spec.attributes.keys.sorted() where spec.attributes[name]?.containsRedactedSecret == true {
                throw ApplyRefusal.secretNotInPlan(address: change.address, attribute: name)
            }
        }
        let scheduler = try ApplyScheduler(changes: plan.changes, parallelism: parallelism)
        var state = plan.priorState
            ?? StateSnapshot(lineage: plan.lineage, serial: 0, stack: plan.stack, environment: plan.environment)
        state.toolVersion = ToolVersion.current
        var run = ApplyRun(plan: plan, specs: specs, state: state, scheduler: scheduler, applier: self)
        await run.execute()
        return run.result()
    }
}
