import Foundation

/// One apply in progress: the scheduler, the state being saved, and what happened so far.
struct ApplyRun {
    let plan: Plan
    let specs: [ResourceAddress: ResourceSpec]
    var state: StateSnapshot
    var scheduler: ApplyScheduler
    let applier: Applier
    var completed: [ApplyOperation] = []
    var failures: [ApplyFailure] = []
    var skipped: [ApplyOperation] = []
    var notStarted: [ApplyOperation] = []
    var stateWriteError: String?
    /// The token of each create, fixed when its pending record is written.
    var createTokens: [ResourceAddress: String] = [:]
    /// Operations started so far, by address (creates only matter: see dropUnstartedCreates).
    var started: Set<ResourceAddress> = []

    init(plan: Plan, specs: [ResourceAddress: ResourceSpec], state: StateSnapshot, scheduler: ApplyScheduler,
         applier: Applier)
    {
        self.plan = plan
        self.specs = specs
        self.state = state
        self.scheduler = scheduler
        self.applier = applier
    }

    /// What a running operation needs, prepared from the state at its start.
    enum Call: Sendable {
        case create(CreateRequest)
        case update(UpdateRequest)
        case delete(type: String, id: String, attributes: [String: Value])
        /// Nothing to do (the object is already gone, or an update that turned out empty).
        case nothing
    }

    enum Outcome: Sendable {
        case observed(ObservedResource)
        case deleted
        case nothing
    }

    func result() -> ApplyResult {
        ApplyResult(
            state: state, completed: completed, failures: failures, skipped: skipped, notStarted: notStarted,
            wasCancelled: scheduler.isCancelled, stateWriteError: stateWriteError)
    }

    /// Runs the operations as the scheduler releases them. Every create's pending record is
    /// saved before anything starts; after that, state is saved in the background, one write
    /// at a time, each carrying everything finished since the last: an operation never waits
    /// for a state write (with S3 and its digest item, two round trips) before it starts, so
    /// the apply stays close to the critical path of the graph.
    mutating func execute() async {
        let provider = applier.provider
        let events = applier.events
        let interval = applier.progressInterval
        let backend = applier.backend
        let mailbox = Mailbox()
        var arrivals = mailbox.signals.makeAsyncIterator()
        var running = 0
        var saving = false
        var unsaved = false

        recordPendingCreates()
        if !createTokens.isEmpty {
            state.serial += 1
            do {
                try await backend.write(state)
                events(.stateSaved(serial: state.serial))
            } catch {
                // A create whose pending record is not saved could be lost: start nothing.
                state.serial -= 1
                stateWriteError = "saving the state failed: \(error); nothing was started"
                for op in scheduler.nextOperations() { fail(op, message: "not started: \(stateWriteError ?? "")") }
                cancel()
            }
        }
        await withTaskGroup(of: Void.self) { group in
            while true {
                if Task.isCancelled { cancel() }
                var calls: [(ApplyOperation, Call)] = []
                for op in scheduler.nextOperations() {
                    do {
                        calls.append((op, try prepare(op)))
                    } catch {
                        fail(op, message: String(describing: error))
                    }
                }
                // What the creates asked for goes to state with the next write (it runs
                // alongside them): a crash then leaves enough to recover them exactly.
                if calls.contains(where: { if case .create = $0.1 { true } else { false } }) { unsaved = true }
                for (op, call) in calls {
                    events(.started(op))
                    started.insert(op.address)
                    running += 1
                    group.addTask {
                        mailbox.post(.finished(await Self.perform(op, call, provider: provider, interval: interval, events: events)))
                    }
                }
                if unsaved, !saving, stateWriteError == nil {
                    state.serial += 1
                    let snapshot = state
                    saving = true
                    unsaved = false
                    group.addTask {
                        do {
                            try await backend.write(snapshot)
                            mailbox.post(.saved(serial: snapshot.serial, error: nil))
                        } catch {
                            mailbox.post(.saved(serial: snapshot.serial, error: String(describing: error)))
                        }
                    }
                }
                if running == 0 && !saving {
                    if scheduler.isFinished || calls.isEmpty { break }
                    continue
                }
                var batch = mailbox.takeAll()
                while batch.isEmpty {
                    _ = await arrivals.next()
                    batch = mailbox.takeAll()
                }
                for item in batch {
                    switch item {
                    case .finished(let op, let outcome, let elapsed):
                        running -= 1
                        record(op, outcome, elapsed)
                        unsaved = true
                    case .saved(let serial, nil):
                        saving = false
                        events(.stateSaved(serial: serial))
                    case .saved(_, let error?):
                        saving = false
                        saveFailed(error)
                    }
                }
            }
        }
        dropUnstartedCreates()
        finishOutputs()
        await save()
    }

    /// Where running operations and background state writes leave their results, so the loop
    /// can take all that finished at once; ``signals`` wakes it (signals coalesce: the loop
    /// always drains everything).
    final class Mailbox: @unchecked Sendable {
        enum Item: Sendable {
            case finished((ApplyOperation, Result<Outcome, any Error>, Duration))
            case saved(serial: Int, error: String?)
        }

        // @unchecked: `items` is only touched while `lock` is held.
        private let lock = NSLock()
        private var items: [Item] = []
        let signals: AsyncStream<Void>
        private let continuation: AsyncStream<Void>.Continuation

        init() {
            (signals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        }

        func post(_ item: Item) {
            lock.withLock { items.append(item) }
            continuation.yield()
        }

        func takeAll() -> [Item] {
            lock.withLock {
                defer { items = [] }
                return items
            }
        }
    }

    mutating func cancel() {
        for op in scheduler.cancel() {
            notStarted.append(op)
            applier.events(.cancelled(op))
        }
    }

    mutating func fail(_ op: ApplyOperation, message: String, elapsed: Duration = .zero) {
        // The scheduler only accepts outcomes of running operations.
        failures.append(ApplyFailure(operation: op, message: message))
        applier.events(.failed(op, elapsed: elapsed, message: message))
        for s in scheduler.failed(op) {
            skipped.append(s)
            applier.events(.skipped(s, cause: op))
        }
    }

    private static func perform(_ op: ApplyOperation, _ call: Call, provider: any Provider, interval: Duration,
                                events: @escaping @Sendable (ApplyEvent) -> Void) async
        -> (ApplyOperation, Result<Outcome, any Error>, Duration)
    {
        let clock = ContinuousClock()
        let start = clock.now
        let heartbeat = Task {
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                events(.stillRunning(op, elapsed: clock.now - start))
            }
        }
        // An unstructured task: cancelling the apply must not cancel a call already made.
        let work = Task { () async throws -> Outcome in
            switch call {
            case .create(let request): return .observed(try await provider.create(request))
            case .update(let request): return .observed(try await provider.update(request))
            case .delete(let type, let id, let attributes):
                try await provider.delete(type: type, id: id, attributes: attributes)
                return .deleted
            case .nothing: return .nothing
            }
        }
        let result = await work.result
        heartbeat.cancel()
        return (op, result, clock.now - start)
    }

    mutating func save() async {
        guard stateWriteError == nil else { return }
        state.serial += 1
        do {
            try await applier.backend.write(state)
            applier.events(.stateSaved(serial: state.serial))
        } catch {
            saveFailed(String(describing: error))
        }
    }

    /// A write failed: the serial it used was not stored; nothing new starts.
    mutating func saveFailed(_ error: String) {
        state.serial -= 1
        stateWriteError = "saving the state failed: \(error); the state of the last completed operations "
            + "may be missing, the next plan's refresh finds them"
        cancel()
    }
}
