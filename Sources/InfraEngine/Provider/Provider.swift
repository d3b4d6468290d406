/// What the engine needs from the cloud, per resource type.
///
/// The engine plans and applies through this protocol only; the AWS providers implement it
/// with signed API calls, and the engine's tests with an in-memory cloud. Every method is
/// called with attribute maps in the Terraform AWS provider's names, references resolved.
public protocol Provider: Sendable {
    /// The schema of `type`, or nil when this provider does not manage it.
    func schema(for type: String) -> ResourceSchema?

    /// Reads every object of `type` among `ids` in as few calls as the API allows (one
    /// Describe with all ids, paginated, where it can). Objects that no longer exist are absent
    /// from the result; that is how the engine learns of deletion outside infra.
    func read(type: String, ids: [String]) async throws -> [String: ObservedResource]

    /// ``read(type:ids:)`` given what the state recorded for each id (id → attributes), for
    /// types with attributes only the state knows (a delete parameter such as a recovery
    /// window, the salt of a secret's hash) or whose API returns a re-formatted form of what
    /// was sent (a policy document): the provider reports the recorded form when it is
    /// equivalent. Providers without such attributes need not implement it.
    func read(type: String, recorded: [String: [String: Value]]) async throws -> [String: ObservedResource]

    /// Creates the object. `request.token` is stable across retries and crashes of the same
    /// planned create: pass it as the API's idempotency token and tag the object with it, so
    /// ``find(type:token:)`` can recover an object whose creation was not recorded.
    func create(_ request: CreateRequest) async throws -> ObservedResource

    /// Changes the attributes in `request.changed` in place, then returns the object as it is.
    func update(_ request: UpdateRequest) async throws -> ObservedResource

    /// Deletes the object and returns when it is gone.
    func delete(type: String, id: String, attributes: [String: Value]) async throws

    /// Finds an object created with `token` whose creation never reached the state (a crash or
    /// a lost response). Nil when none exists.
    func find(type: String, token: String) async throws -> ObservedResource?

    /// Reads one existing object for `infra import`.
    func importResource(type: String, id: String) async throws -> ObservedResource?
}

extension Provider {
    public func read(type: String, recorded: [String: [String: Value]]) async throws -> [String: ObservedResource] {
        try await read(type: type, ids: recorded.keys.sorted())
    }
}

/// An object as the cloud reports it: its id and every attribute the schema names.
public struct ObservedResource: Hashable, Sendable {
    public var id: String
    public var attributes: [String: Value]
    /// Attributes the provider could not read for this object (an API, or an emulator, that
    /// does not report them). Only an object found after a crash uses it: these attributes take
    /// what its create asked for (`PendingCreate.attributes`); anything else is as read.
    public var unreported: Set<String>

    public init(id: String, attributes: [String: Value], unreported: Set<String> = []) {
        self.id = id
        self.attributes = attributes
        self.unreported = unreported
    }
}

/// A create as the apply scheduler hands it to a provider.
public struct CreateRequest: Sendable {
    public var address: ResourceAddress
    /// Desired attributes, references resolved. Optional attributes the code left out are absent.
    public var attributes: [String: Value]
    /// Idempotency token; see ``Provider/create(_:)``.
    public var token: String
    /// Reports progress of slow creates ("still creating..."), e.g. a waiter's poll.
    public var progress: @Sendable (String) -> Void

    public init(address: ResourceAddress, attributes: [String: Value], token: String,
                progress: @escaping @Sendable (String) -> Void = { _ in })
    {
        self.address = address
        self.attributes = attributes
        self.token = token
        self.progress = progress
    }
}

/// An in-place update as the apply scheduler hands it to a provider.
public struct UpdateRequest: Sendable {
    public var address: ResourceAddress
    public var id: String
    /// The attributes as they are now (refreshed state).
    public var prior: [String: Value]
    /// The desired attributes, references resolved.
    public var attributes: [String: Value]
    /// The names of the attributes that differ and must be changed.
    public var changed: Set<String>
    public var progress: @Sendable (String) -> Void

    public init(address: ResourceAddress, id: String, prior: [String: Value], attributes: [String: Value],
                changed: Set<String>, progress: @escaping @Sendable (String) -> Void = { _ in })
    {
        self.address = address
        self.id = id
        self.prior = prior
        self.attributes = attributes
        self.changed = changed
        self.progress = progress
    }
}
