import InfraAWS
import InfraEngine

/// Calls shared by the EKS handlers: not-found detection, tags as EKS writes them (a map), and
/// the status waiter.
enum EKSSupport {
    static func isNotFound(_ error: any Error) -> Bool {
        (error as? AWSError)?.code == "ResourceNotFoundException"
    }

    /// EKS tags are a `{key: value}` map; `infra:` keys are infra's own and never shown.
    static func tagsAttribute(_ document: AWSDocument) -> InfraEngine.Value? {
        var tags: [String: InfraEngine.Value] = [:]
        for (key, value) in document.dictionary ?? [:] where !key.hasPrefix("infra:") {
            tags[key] = .string(value.string ?? "")
        }
        return tags.isEmpty ? nil : .map(tags)
    }

    static func token(_ document: AWSDocument) -> String? { document[Tags.tokenKey].string }

    static func tagMap(_ tags: [String: String]) -> AWSDocument { .map(tags.mapValues { .string($0) }) }

    /// TagResource / UntagResource for the difference between the prior and desired `tags`.
    static func updateTags(_ context: ProviderContext, arn: String, prior: [String: InfraEngine.Value],
                           desired: [String: InfraEngine.Value]) async throws
    {
        let diff = Tags.diff(from: prior.stringMap("tags"), to: desired.stringMap("tags"))
        if !diff.set.isEmpty {
            _ = try await context.client.call(.eks, EKS.Operation.tagResource, ["resourceArn": .string(arn), "tags": tagMap(diff.set)])
        }
        if !diff.remove.isEmpty {
            _ = try await context.client.call(
                .eks, EKS.Operation.untagResource, ["resourceArn": .string(arn), "tagKeys": .list(diff.remove.map { .string($0) })])
        }
    }

    /// Polls `describe` until the object is ACTIVE (or, with `gone`, until it no longer exists).
    /// CREATE_FAILED / FAILED / DEGRADED end the wait with the object's own reason.
    static func wait(subject: String, for what: String, in context: ProviderContext, clock: any WaitClock = ContinuousWaitClock(),
                     progress: @escaping @Sendable (String) -> Void, gone: Bool = false,
                     describe: @escaping @Sendable () async throws -> AWSDocument?) async throws
    {
        _ = try await AWSWaiter.wait(
            for: "\(subject) to become \(what)", policy: context.waitPolicy, clock: clock,
            progress: { progress("\($0.subject): \($0.status), \(Int($0.elapsed))s elapsed") }
        ) { () -> WaitState<Bool> in
            guard let object = try await describe() else {
                return gone ? .done(true) : .pending(status: "not found yet")
            }
            let status = object["status"].string ?? "unknown"
            if gone { return .pending(status: status) }
            switch status {
            case "ACTIVE": return .done(true)
            case "FAILED", "CREATE_FAILED", "DELETE_FAILED", "DEGRADED":
                let issues = (object["health"]["issues"].array ?? []).compactMap { issue -> String? in
                    guard let message = issue["message"].string else { return nil }
                    return "\(issue["code"].string ?? "issue"): \(message)"
                }
                return .failed(status: status, reason: issues.isEmpty ? "EKS gave no reason" : issues.joined(separator: "; "))
            default: return .pending(status: status)
            }
        }
    }
}

/// Desired EKS attributes that cannot be sent, an operation the endpoint lacks, or an object in the way.
public struct EKSInputError: Error, Sendable, CustomStringConvertible {
    public var resource: String
    public var reason: String
    public var description: String { "\(resource): \(reason)" }
}
