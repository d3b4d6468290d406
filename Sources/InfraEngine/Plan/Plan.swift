/// What a plan will do to one resource, in Terraform's vocabulary.
public enum ChangeAction: String, Hashable, Sendable, Codable {
    case create
    case update
    /// `-/+`: delete the object, then create its replacement.
    case deleteThenCreate = "delete-then-create"
    /// `+/-`: create the replacement, then delete the old object (`createBeforeDestroy`).
    case createThenDelete = "create-then-delete"
    case delete
    case noOp = "no-op"
    case read

    public var isReplace: Bool { self == .deleteThenCreate || self == .createThenDelete }
}

/// Why a resource is deleted or replaced beyond attribute changes.
public enum ChangeCause: String, Hashable, Sendable, Codable {
    case tainted
    case replaceRequested = "replace-requested"
    case notInConfiguration = "not-in-configuration"
    case destroyRequested = "destroy-requested"
    case deposed
}

/// One resource's planned change: before/after attribute maps, what is unknown until apply,
/// and why (per attribute) it is replaced.
public struct ResourceChange: Hashable, Sendable, Codable {
    public var address: ResourceAddress
    public var type: String
    public var action: ChangeAction
    public var cause: ChangeCause?
    /// The existing object's id (update, delete, replace).
    public var priorID: String?
    /// Refreshed attributes (nil for a create).
    public var before: [String: Value]?
    /// Planned attributes: desired values resolved where known, `.unknown` elsewhere (nil for a delete).
    public var after: [String: Value]?
    /// Attribute paths known only after apply.
    public var afterUnknown: [String]
    /// Attributes whose value changes (or may change).
    public var changedAttributes: [String]
    /// Attributes that force the replacement.
    public var replacePaths: [String]
    /// Human reasons, one per attribute ("cidr_block: 10.0.0.0/16 → 10.1.0.0/16 forces replacement").
    public var reasons: [String]
    /// Attributes whose values must be rendered `(sensitive value)`.
    public var sensitiveAttributes: [String]
    /// What the new object depends on (creates, updates, the create half of a replacement).
    public var dependencies: [ResourceAddress]
    /// What the existing object depended on when recorded (orders deletes).
    public var priorDependencies: [ResourceAddress]
    /// Idempotency token of the create (or the create half of a replacement).
    public var token: String?
    /// For create-before-destroy, the key the old object is deposed under; for a deposed
    /// object's delete, which one.
    public var deposedKey: String?

    public init(address: ResourceAddress, type: String, action: ChangeAction, cause: ChangeCause? = nil,
                priorID: String? = nil, before: [String: Value]? = nil, after: [String: Value]? = nil,
                afterUnknown: [String] = [], changedAttributes: [String] = [], replacePaths: [String] = [],
                reasons: [String] = [], sensitiveAttributes: [String] = [], dependencies: [ResourceAddress] = [],
                priorDependencies: [ResourceAddress] = [], token: String? = nil, deposedKey: String? = nil)
    {
        self.address = address
        self.type = type
        self.action = action
        self.cause = cause
        self.priorID = priorID
        self.before = before
        self.after = after
        self.afterUnknown = afterUnknown
        self.changedAttributes = changedAttributes
        self.replacePaths = replacePaths
        self.reasons = reasons
        self.sensitiveAttributes = sensitiveAttributes
        self.dependencies = dependencies
        self.priorDependencies = priorDependencies
        self.token = token
        self.deposedKey = deposedKey
    }
}

/// A planned change of a stack output.
public struct OutputChange: Hashable, Sendable, Codable {
    public var name: String
    public var action: ChangeAction
    public var before: Value?
    public var after: Value?
    public var sensitive: Bool

    public init(name: String, action: ChangeAction, before: Value?, after: Value?, sensitive: Bool) {
        self.name = name
        self.action = action
        self.before = before
        self.after = after
        self.sensitive = sensitive
    }
}

/// `Plan: X to add, Y to change, Z to destroy.` — replacements count as one add and one destroy.
public struct PlanSummary: Hashable, Sendable, Codable {
    public var add = 0
    public var change = 0
    public var destroy = 0

    public init(add: Int = 0, change: Int = 0, destroy: Int = 0) {
        self.add = add
        self.change = change
        self.destroy = destroy
    }

    public init(_ changes: [ResourceChange]) {
        for c in changes {
            switch c.action {
            case .create: add += 1
            case .update: change += 1
            case .delete: destroy += 1
            case .deleteThenCreate, .createThenDelete:
                add += 1
                destroy += 1
            case .noOp, .read: break
            }
        }
    }
}

/// How to plan: Terraform's `-target`, `-replace`, `-destroy`, `-refresh=false`, `-refresh-only`.
public struct PlanOptions: Hashable, Sendable, Codable {
    /// Plan only these resources and what they depend on (in destroy mode: and their dependents).
    public var targets: [ResourceAddress]
    /// Replace these even if nothing changed.
    public var replace: [ResourceAddress]
    /// Delete everything the state holds, in reverse dependency order.
    public var destroy: Bool
    /// Read the cloud before planning; off means the prior state is used as is.
    public var refresh: Bool
    /// Only update the state to match the cloud; change nothing in the cloud.
    public var refreshOnly: Bool

    public init(targets: [ResourceAddress] = [], replace: [ResourceAddress] = [], destroy: Bool = false,
                refresh: Bool = true, refreshOnly: Bool = false)
    {
        self.targets = targets
        self.replace = replace
        self.destroy = destroy
        self.refresh = refresh
        self.refreshOnly = refreshOnly
    }
}

/// Everything a plan says and everything apply needs to do exactly that.
public struct Plan: Sendable, Codable {
    public var environment: String
    public var stack: String
    public var backendKey: String
    /// Lineage and serial of the state the plan was made against (nil: there was none).
    public var priorLineage: String?
    public var priorSerial: Int?
    /// The lineage the state will have after apply (the prior one, or a new one).
    public var lineage: String
    public var toolVersion: String
    public var options: PlanOptions
    public var configuration: Configuration
    /// The refreshed prior state apply starts from (nil: there was none).
    public var priorState: StateSnapshot?
    /// Resource changes, dependencies before dependents; deletes after, dependents first.
    public var changes: [ResourceChange]
    public var drift: [Drift]
    public var outputChanges: [OutputChange]
    public var summary: PlanSummary

    /// True when apply would change the cloud, the outputs or (refresh-only) the state.
    public var hasChanges: Bool {
        changes.contains { $0.action != .noOp && $0.action != .read }
            || outputChanges.contains { $0.action != .noOp }
            || (options.refreshOnly && !drift.isEmpty)
    }
}
