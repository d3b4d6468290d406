/// What an apply reports as it goes, for the CLI to render one line per resource.
public enum ApplyEvent: Sendable {
    case started(ApplyOperation)
    /// Still running after `elapsed` ("still creating... [1m20s elapsed]").
    case stillRunning(ApplyOperation, elapsed: Duration)
    /// A provider's progress note (a waiter's poll).
    case progress(ApplyOperation, String)
    case finished(ApplyOperation, elapsed: Duration, id: String?)
    case failed(ApplyOperation, elapsed: Duration, message: String)
    /// Not started because `cause` failed.
    case skipped(ApplyOperation, cause: ApplyOperation)
    /// Not started because the apply was cancelled.
    case cancelled(ApplyOperation)
    case stateSaved(serial: Int)
}

/// The object was created (it has an id and attributes) but waiting for it to become ready
/// failed. Providers throw it from `create`; apply records the object as tainted, so the next
/// plan replaces it rather than forgetting it.
public struct ResourceNotReadyError: Error, Sendable, CustomStringConvertible {
    public var object: ObservedResource
    public var reason: String

    public init(object: ObservedResource, reason: String) {
        self.object = object
        self.reason = reason
    }

    public var description: String {
        "\(object.id) was created but did not become ready: \(reason); it is recorded as tainted and the next plan replaces it"
    }
}

/// One operation that failed, with the message to show.
public struct ApplyFailure: Sendable, CustomStringConvertible {
    public var operation: ApplyOperation
    public var message: String

    public init(operation: ApplyOperation, message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation.kind.rawValue) \(operation.address): \(message)" }
}

/// What an apply did.
public struct ApplyResult: Sendable {
    /// The state as last saved.
    public var state: StateSnapshot
    public var completed: [ApplyOperation]
    public var failures: [ApplyFailure]
    /// Not started because something they wait for failed.
    public var skipped: [ApplyOperation]
    /// Not started because the apply was cancelled.
    public var notStarted: [ApplyOperation]
    public var wasCancelled: Bool
    /// A state write that failed (the apply stopped scheduling then).
    public var stateWriteError: String?

    public var succeeded: Bool {
        failures.isEmpty && skipped.isEmpty && notStarted.isEmpty && !wasCancelled && stateWriteError == nil
    }
}

/// Apply refused before changing anything.
public enum ApplyRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The state changed since the plan was made.
    case stalePlan(key: String, planLineage: String?, planSerial: Int?, lineage: String?, serial: Int?)
    /// A sensitive literal the plan file kept only as a hash is needed.
    case secretNotInPlan(address: ResourceAddress, attribute: String)

    public var description: String {
        switch self {
        case .stalePlan(let key, let planLineage, let planSerial, let lineage, let serial):
            func show(_ l: String?, _ s: Int?) -> String { l.map { "lineage \($0) serial \(s ?? 0)" } ?? "no state" }
            return "the plan is stale: it was made against \(show(planLineage, planSerial)) of \(key), "
                + "which now holds \(show(lineage, serial)). Nothing was changed; run plan again"
        case .secretNotInPlan(let address, let attribute):
            return "\(address).\(attribute) is a sensitive literal that the plan file stores only as a hash, "
                + "so this plan cannot apply it. Give the secret as a source resolved at apply "
                + "(generated, or read from the environment), or run apply <env> without a plan file"
        }
    }
}
