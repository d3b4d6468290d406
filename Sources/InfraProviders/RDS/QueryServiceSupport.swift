import InfraAWS
import InfraEngine

/// Calls shared by the RDS and ElastiCache handlers: both are query-protocol services with the
/// same tag API (`AddTagsToResource` / `RemoveTagsFromResource` / `ListTagsForResource` on an
/// ARN), `Marker` pagination and `...NotFound` error codes.
enum QueryService {
    /// Whether `error` says the object does not exist (`DBInstanceNotFound`,
    /// `ReplicationGroupNotFoundFault`, `CacheSubnetGroupNotFoundFault`, ...).
    static func isNotFound(_ error: any Error) -> Bool {
        guard let error = error as? AWSError else { return false }
        return error.code.contains("NotFound")
    }

    /// Whether `error` says an object of that name already exists.
    static func isAlreadyExists(_ error: any Error) -> Bool {
        guard let error = error as? AWSError else { return false }
        return error.code.contains("AlreadyExists")
    }

    /// Whether the endpoint answered HTTP 500 without an AWS error body: an operation the
    /// emulator does not implement (moto answers those with an HTML page).
    static func isUnimplemented(_ error: any Error) -> Bool {
        if let retried = error as? RetryError { return isUnimplemented(retried.lastError) }
        guard let error = error as? AWSError else { return false }
        return error.statusCode >= 500 && error.code == "InternalError" && error.message.contains("not an AWS error")
    }

    /// A set-like id list (subnets, security groups) as an attribute: in the order the state
    /// recorded when it holds the same ids (AWS's order carries no meaning, the code's order
    /// is kept so it never shows as a change), otherwise in AWS's order.
    static func idList(_ observed: [String], recorded: InfraEngine.Value?) -> InfraEngine.Value {
        let before = (recorded?.listValue ?? []).compactMap(\.stringValue)
        let ids = Set(before) == Set(observed) && before.count == observed.count ? before : observed
        return .list(ids.map { .string($0) })
    }

    /// Brings the tags of `arn` from `prior` to `desired` (infra's own tags untouched).
    static func updateTags(_ context: ProviderContext, _ service: AWSService, arn: String,
                           prior: Attributes, desired: Attributes) async throws
    {
        let diff = Tags.diff(from: prior.stringMap("tags"), to: desired.stringMap("tags"))
        if !diff.set.isEmpty {
            _ = try await context.client.call(service, "AddTagsToResource",
                                              ["ResourceName": .string(arn), "Tags": Tags.list(diff.set)])
        }
        if !diff.remove.isEmpty {
            _ = try await context.client.call(service, "RemoveTagsFromResource", [
                "ResourceName": .string(arn), "TagKeys": .list(diff.remove.map { .string($0) }),
            ])
        }
    }

    /// The tag lists of `arns`, by ARN. These APIs have no batch tag read: one
    /// ListTagsForResource per ARN, run concurrently (bounded by `context.concurrency`).
    /// An ARN that vanished meanwhile maps to an empty list.
    static func tags(_ context: ProviderContext, _ service: AWSService, arns: [String]) async throws -> [String: AWSDocument] {
        let lists = try await concurrentMap(arns, limit: context.concurrency) { arn -> AWSDocument in
            do {
                return try await context.client.call(service, "ListTagsForResource", ["ResourceName": .string(arn)])["TagList"]
            } catch where isNotFound(error) {
                return .list([])
            }
        }
        return Dictionary(zip(arns, lists), uniquingKeysWith: { first, _ in first })
    }

    /// The ARN among `arns` whose tags carry `infra:token = token`, if any. Used by `find`
    /// (crash recovery only, so listing every object's tags is acceptable).
    static func arn(taggedWith token: String, among arns: [String], _ context: ProviderContext,
                    _ service: AWSService) async throws -> String?
    {
        let tags = try await tags(context, service, arns: arns)
        return arns.first { Tags.token(in: tags[$0] ?? .null) == token }
    }

    /// Polls `describe` (nil: the object is not listed) until `decide` says done, with the
    /// context's wait policy; each pending poll is reported as progress.
    static func wait(_ subject: String, in context: ProviderContext, progress: @escaping @Sendable (String) -> Void,
                     describe: @escaping @Sendable () async throws -> AWSDocument?,
                     decide: @escaping @Sendable (AWSDocument?) -> WaitState<Bool>) async throws
    {
        _ = try await AWSWaiter.wait(
            for: subject, policy: context.waitPolicy,
            progress: { progress("\($0.subject): \($0.status), \(Int($0.elapsed))s elapsed") }
        ) {
            decide(try await describe())
        }
    }
}

/// A provider call for a data resource failed in a way the user must act on.
public struct DataResourceError: Error, Sendable, CustomStringConvertible {
    public var resource: String
    public var message: String

    public init(resource: String, message: String) {
        self.resource = resource
        self.message = message
    }

    public var description: String { "\(resource): \(message)" }
}

extension Attributes {
    /// Sets `key` when `value` is non-nil.
    mutating func put(_ key: String, _ value: Int?) {
        if let value { self[key] = .int(value) }
    }

    mutating func put(_ key: String, _ value: Bool?) {
        if let value { self[key] = .bool(value) }
    }
}

extension AWSDocument {
    /// A string list member as sorted attribute strings.
    var sortedStrings: InfraEngine.Value {
        .list((array ?? []).compactMap(\.string).sorted().map { .string($0) })
    }
}
