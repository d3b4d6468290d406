import InfraAWS
import InfraEngine

/// One AWS resource type: its schema and the API calls that read, create, change and delete
/// its objects. The only place where Terraform attribute names meet AWS API members.
public protocol AWSResourceHandler: Sendable {
    /// Terraform's type name, e.g. `aws_vpc`.
    var type: String { get }
    var schema: ResourceSchema { get }

    /// Every object among `ids` that exists, in as few calls as the API allows.
    func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource]

    /// ``read(ids:in:)`` with the attributes the state recorded per id; see
    /// `Provider.read(type:recorded:)`. Defaults to `read(ids:in:)`.
    func read(recorded: [String: [String: Value]], in context: ProviderContext) async throws -> [String: ObservedResource]

    func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource

    func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource

    /// Deletes the object and waits until it is gone. An object already gone is not an error.
    func delete(id: String, attributes: [String: Value], in context: ProviderContext) async throws

    /// The object created with idempotency token `token`, found by its `infra:token` tag or its
    /// unique name, if such an object exists.
    func find(token: String, in context: ProviderContext) async throws -> ObservedResource?

    /// One object by its AWS id, for `infra import`.
    func importResource(id: String, in context: ProviderContext) async throws -> ObservedResource?
}

extension AWSResourceHandler {
    public func read(recorded: [String: [String: Value]], in context: ProviderContext) async throws
        -> [String: ObservedResource]
    {
        try await read(ids: recorded.keys.sorted(), in: context)
    }

    public func importResource(id: String, in context: ProviderContext) async throws -> ObservedResource? {
        try await read(ids: [id], in: context)[id]
    }

    /// The object `id` as it is right after a create or update, read with `recorded` (the
    /// attributes just sent) where the handler needs them to report what its API leaves out.
    func readOne(_ id: String, recorded: [String: Value] = [:], in context: ProviderContext) async throws
        -> ObservedResource
    {
        let found = recorded.isEmpty
            ? try await read(ids: [id], in: context)[id] : try await read(recorded: [id: recorded], in: context)[id]
        guard let found else { throw ObjectVanishedError(type: type, id: id) }
        return found
    }
}

/// What every handler call gets: the signed client, the region, and how to wait.
public struct ProviderContext: Sendable {
    public var client: AWSClient
    public var region: String
    /// How long and how often to poll resources that become ready later.
    public var waitPolicy: WaitPolicy
    /// At most this many concurrent calls where an API has no batch form.
    public var concurrency: Int
    /// Known departures of a local emulator from AWS that the handlers must tolerate; `.none`
    /// (the default) against real AWS. See ``EmulatorQuirks``.
    public var emulator: EmulatorQuirks

    public init(client: AWSClient, region: String, waitPolicy: WaitPolicy = WaitPolicy(), concurrency: Int = 8,
                emulator: EmulatorQuirks = .none)
    {
        self.client = client
        self.region = region
        self.waitPolicy = waitPolicy
        self.concurrency = concurrency
        self.emulator = emulator
    }
}

/// A type the configuration uses but no handler manages.
public struct UnsupportedResourceTypeError: Error, Sendable, CustomStringConvertible {
    public var type: String
    public var supported: [String]
    public var description: String {
        "infra has no provider for resource type \(type); supported types: \(supported.joined(separator: ", "))"
    }
}
