/// The I/O-free state machine of an apply: which operations may start now, given what has
/// finished, failed or been cancelled, with at most `parallelism` running at once.
///
/// Its driver (``Applier``) asks ``nextOperations()`` for work, performs it, and reports each
/// outcome with ``completed(_:)`` or ``failed(_:)``. A failure skips everything that
/// transitively waits for it while independent work continues; ``cancel()`` stops all starts
/// and lets running operations finish.
public struct ApplyScheduler: Sendable {
    public enum Status: Hashable, Sendable {
        case waiting, ready, running, completed, failed, skipped
        /// Never started because the apply was cancelled.
        case cancelled
    }

    public let operations: [ApplyOperation]
    public let parallelism: Int
    public private(set) var status: [Status]
    public private(set) var isCancelled = false
    private var remaining: [Int]
    private var successors: [[Int]]
    private var ready: [Int] = []
    private var readyHead = 0
    private var running = 0
    /// Operations with status `.ready` (some queue entries may have been skipped since).
    private var readyCount = 0

    public init(graph: ApplyGraph, parallelism: Int = 10) throws(ApplyGraphCycleError) {
        self.operations = graph.operations
        self.parallelism = max(1, parallelism)
        self.remaining = graph.predecessors.map(\.count)
        self.status = Array(repeating: .waiting, count: graph.operations.count)
        var successors = [[Int]](repeating: [], count: graph.operations.count)
        for (to, preds) in graph.predecessors.enumerated() { for from in preds { successors[from].append(to) } }
        self.successors = successors
        try Self.checkAcyclic(remaining: remaining, successors: successors, operations: graph.operations)
        for i in remaining.indices where remaining[i] == 0 {
            status[i] = .ready
            ready.append(i)
        }
        readyCount = ready.count
    }

    public init(changes: [ResourceChange], parallelism: Int = 10) throws(ApplyGraphCycleError) {
        try self.init(graph: ApplyGraph(changes: changes), parallelism: parallelism)
    }

    private static func checkAcyclic(remaining: [Int], successors: [[Int]], operations: [ApplyOperation])
        throws(ApplyGraphCycleError)
    {
        var left = remaining
        var queue = left.indices.filter { left[$0] == 0 }
        var head = 0
        while head < queue.count {
            let n = queue[head]
            head += 1
            for s in successors[n] {
                left[s] -= 1
                if left[s] == 0 { queue.append(s) }
            }
        }
        guard queue.count == operations.count else {
            let stuck = Set(queue)
            throw ApplyGraphCycleError(operations: operations.filter { !stuck.contains($0.id) })
        }
    }

    /// Operations to start now (marked running), up to the free parallelism.
    public mutating func nextOperations() -> [ApplyOperation] {
        guard !isCancelled else { return [] }
        var started: [ApplyOperation] = []
        while running < parallelism, readyHead < ready.count {
            let i = ready[readyHead]
            readyHead += 1
            guard status[i] == .ready else { continue }
            status[i] = .running
            readyCount -= 1
            running += 1
            started.append(operations[i])
        }
        return started
    }

    /// Records a success; its successors whose every predecessor finished become ready.
    public mutating func completed(_ operation: ApplyOperation) {
        guard status[operation.id] == .running else { return }
        status[operation.id] = .completed
        running -= 1
        for s in successors[operation.id] {
            remaining[s] -= 1
            if remaining[s] == 0, status[s] == .waiting {
                status[s] = .ready
                readyCount += 1
                ready.append(s)
            }
        }
    }

    /// Records a failure and returns the operations skipped because of it (its transitive successors).
    @discardableResult
    public mutating func failed(_ operation: ApplyOperation) -> [ApplyOperation] {
        guard status[operation.id] == .running else { return [] }
        status[operation.id] = .failed
        running -= 1
        var skipped: [ApplyOperation] = []
        var stack = successors[operation.id]
        while let s = stack.popLast() {
            guard status[s] == .waiting || status[s] == .ready else { continue }
            if status[s] == .ready { readyCount -= 1 }
            status[s] = .skipped
            skipped.append(operations[s])
            stack.append(contentsOf: successors[s])
        }
        return skipped
    }

    /// Stops starting operations; running ones still report their outcome. Returns those never started.
    @discardableResult
    public mutating func cancel() -> [ApplyOperation] {
        guard !isCancelled else { return [] }
        isCancelled = true
        var never: [ApplyOperation] = []
        for i in status.indices where status[i] == .waiting || status[i] == .ready {
            status[i] = .cancelled
            never.append(operations[i])
        }
        readyCount = 0
        return never
    }

    /// Operations currently running.
    public var runningCount: Int { running }

    /// True when nothing runs and nothing more can start.
    public var isFinished: Bool { running == 0 && (isCancelled || readyCount == 0) }
}

/// The plan's operations cannot be ordered (a defect in the plan, never expected).
public struct ApplyGraphCycleError: Error, Sendable, CustomStringConvertible {
    public var operations: [ApplyOperation]
    public var description: String {
        "the plan's operations cannot be ordered; these wait on each other: "
            + operations.map(\.description).joined(separator: ", ")
    }
}
