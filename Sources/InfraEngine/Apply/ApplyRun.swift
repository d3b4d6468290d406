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

    /// Runs the operations as the scheduler releases them. State is saved once per batch:
    /// every operation that finished while the last save was in flight, together with the
    /// pending records of the creates about to start (a create never starts before its record
    /// is saved). With slow saves (S3 and its digest item), this keeps the apply close to its
    /// critical path instead of paying one save per resource.
    mutating func execute() async {
        let provider = applier.provider
        let events = applier.events
        let interval = applier.progressInterval
        let mailbox = Mailbox()
        var arrivals = mailbox.signals.makeAsyncIterator()
        var running = 0
        var unsaved = false
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
                let creates = calls.contains { if case .create = $0.1 { return true } else { return false } }
                // Finished work alone is saved while other work runs; at the very end the
                // final save (with the outputs) covers it.
                if creates || (unsaved && (running > 0 || !calls.isEmpty)) {
                    await save()
                    unsaved = false
                    if creates, let stateWriteError {
                        // A create whose pending record is not saved could be lost: start nothing.
                        for (op, _) in calls { fail(op, message: "not started: \(stateWriteError)") }
                        calls = []
                    }
                }
                for (op, call) in calls {
                    events(.started(op))
                    running += 1
                    group.addTask {
                        mailbox.post(await Self.perform(op, call, provider: provider, interval: interval, events: events))
                    }
                }
                if running == 0 {
                    if scheduler.isFinished || calls.isEmpty { break }
                    continue
                }
                var batch = mailbox.takeAll()
                while batch.isEmpty {
                    _ = await arrivals.next()
                    batch = mailbox.takeAll()
                }
                running -= batch.count
                for (op, outcome, elapsed) in batch { record(op, outcome, elapsed) }
                unsaved = true
            }
        }
        finishOutputs()
        await save()
    }

    /// Where running operations leave their results, so the loop can take all that finished
    /// at once; ``signals`` wakes it (signals coalesce: the loop always drains everything).
    final class Mailbox: @unchecked Sendable {
        // @unchecked: `items` is only touched while `lock` is held.
        private let lock = NSLock()
        private var items: [(ApplyOperation, Result<Outcome, any Error>, Duration)] = []
        let signals: AsyncStream<Void>
        private let continuation: AsyncStream<Void>.Continuation

        init() {
            (signals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        }

        func post(_ item: (ApplyOperation, Result<Outcome, any Error>, Duration)) {
            lock.withLock { items.append(item) }
            continuation.yield()
        }

        func takeAll() -> [(ApplyOperation, Result<Outcome, any Error>, Duration)] {
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
            state.serial -= 1
            stateWriteError = "saving the state failed: \(error); the state of the last completed operations "
                + "may be missing, the next plan's refresh finds them"
            cancel()
        }
    }
}
