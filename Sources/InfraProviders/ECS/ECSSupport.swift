import InfraAWS
import InfraEngine

/// Calls shared by the ECS handlers: tags (`key`/`value` lowercase), errors, ARN parsing.
enum ECSSupport {
    static func code(_ error: any Error) -> String? { (error as? AWSError)?.code }

    static func tags(_ attributes: [String: InfraEngine.Value], token: String) -> AWSDocument {
        Tags.list(Tags.withToken(attributes.stringMap("tags"), token: token), keyName: "key", valueName: "value")
    }

    static func tagsAttribute(_ document: AWSDocument) -> InfraEngine.Value? {
        Tags.attribute(from: document, keyName: "key", valueName: "value")
    }

    static func token(_ document: AWSDocument) -> String? { Tags.token(in: document, keyName: "key", valueName: "value") }

    /// TagResource / UntagResource for the difference between the prior and desired `tags`.
    static func updateTags(_ context: ProviderContext, arn: String, prior: [String: InfraEngine.Value],
                           desired: [String: InfraEngine.Value]) async throws
    {
        let diff = Tags.diff(from: prior.stringMap("tags"), to: desired.stringMap("tags"))
        if !diff.set.isEmpty {
            _ = try await context.client.call(.ecs, ECS.Operation.tagResource, [
                "resourceArn": .string(arn), "tags": Tags.list(diff.set, keyName: "key", valueName: "value"),
            ])
        }
        if !diff.remove.isEmpty {
            _ = try await context.client.call(
                .ecs, ECS.Operation.untagResource, ["resourceArn": .string(arn), "tagKeys": .list(diff.remove.map { .string($0) })])
        }
    }

    /// Every cluster ARN in the account (for finding lost creates).
    static func clusterARNs(_ context: ProviderContext) async throws -> [String] {
        let listed = try await context.client.paginate(.ecs, ECS.Operation.listClusters)
        return (listed["clusterArns"].array ?? []).compactMap(\.string)
    }

    static func chunks<T>(_ items: [T], of size: Int) -> [[T]] {
        stride(from: 0, to: items.count, by: size).map { Array(items[$0..<min($0 + size, items.count)]) }
    }
}

/// Desired ECS attributes that cannot be sent, or an object in the way.
public struct ECSInputError: Error, Sendable, CustomStringConvertible {
    public var resource: String
    public var reason: String
    public var description: String { "\(resource): \(reason)" }
}
