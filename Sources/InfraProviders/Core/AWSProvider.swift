import InfraAWS
import InfraEngine

/// The engine's ``Provider`` for AWS: dispatches each call to the handler of its resource type.
public struct AWSProvider: Provider {
    public let context: ProviderContext
    private let handlers: [String: any AWSResourceHandler]

    public init(context: ProviderContext, handlers: [any AWSResourceHandler] = AWSProvider.allHandlers) {
        self.context = context
        self.handlers = Dictionary(handlers.map { ($0.type, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public var supportedTypes: [String] { handlers.keys.sorted() }

    private func handler(_ type: String) throws -> any AWSResourceHandler {
        guard let handler = handlers[type] else {
            throw UnsupportedResourceTypeError(type: type, supported: supportedTypes)
        }
        return handler
    }

    public func schema(for type: String) -> ResourceSchema? { handlers[type]?.schema }

    public func read(type: String, ids: [String]) async throws -> [String: ObservedResource] {
        guard !ids.isEmpty else { return [:] }
        return try await handler(type).read(ids: ids, in: context)
    }

    public func read(type: String, recorded: [String: [String: Value]]) async throws -> [String: ObservedResource] {
        guard !recorded.isEmpty else { return [:] }
        return try await handler(type).read(recorded: recorded, in: context)
    }

    /// Creates the object. When a call of the create broke after it may have reached AWS
    /// (``AmbiguousCallError``), looks for the object by the request's token before creating
    /// again, so a lost response never leaves a duplicate behind; see
    /// ``createRecovering(_:with:attempts:)``.
    public func create(_ request: CreateRequest) async throws -> ObservedResource {
        try await createRecovering(request, with: handler(request.address.type))
    }

    public func update(_ request: UpdateRequest) async throws -> ObservedResource {
        try await handler(request.address.type).update(request, in: context)
    }

    public func delete(type: String, id: String, attributes: [String: Value]) async throws {
        try await handler(type).delete(id: id, attributes: attributes, in: context)
    }

    public func find(type: String, token: String) async throws -> ObservedResource? {
        try await handler(type).find(token: token, in: context)
    }

    public func importResource(type: String, id: String) async throws -> ObservedResource? {
        try await handler(type).importResource(id: id, in: context)
    }
}
