import InfraAWS
import InfraEngine

/// Attribute maps as the engine passes them.
typealias Attributes = [String: InfraEngine.Value]

/// Calls shared by the EC2 network handlers: batched Describe, tags, and deletes that wait out
/// dependencies.
enum EC2 {
    /// AWS accepts at most 200 values in one filter; a larger state is read in chunks of 200.
    static let filterValueLimit = 200

    /// Every object among `ids` that exists, with ONE Describe per 200 ids (plus pagination).
    ///
    /// The ids go into a filter (`vpc-id`, `subnet-id`, ...) rather than into `VpcIds` and
    /// friends: with the id list, one missing object fails the whole call with
    /// `Invalid*ID.NotFound` (AWS and moto alike), while a filter simply leaves it out. So a
    /// resource deleted outside infra shows up as absent without bisecting or a second call.
    static func describe(_ context: ProviderContext, _ operation: String, listKey: String, filter: String,
                         values: [String], extraFilters: [AWSDocument] = [],
                         filterMember: String = "Filters") async throws -> [AWSDocument]
    {
        let unique = Array(Set(values)).sorted()
        guard !unique.isEmpty else { return [] }
        var items: [AWSDocument] = []
        var start = 0
        while start < unique.count {
            let chunk = Array(unique[start..<min(start + filterValueLimit, unique.count)])
            start += filterValueLimit
            let filters: [AWSDocument] = [["Name": .string(filter), "Values": .list(chunk.map { .string($0) })]] + extraFilters
            let output = try await context.client.paginate(.ec2, operation, [filterMember: .list(filters)])
            items += output[listKey].array ?? []
        }
        return items
    }

    /// The objects tagged `infra:token = token` (normally zero or one).
    static func describe(_ context: ProviderContext, _ operation: String, listKey: String, token: String,
                         filterMember: String = "Filters") async throws -> [AWSDocument]
    {
        // Checked again on the answer: an emulator that ignores a filter (moto does for NAT
        // gateways) must not make another object look like ours.
        try await describe(context, operation, listKey: listKey, filter: "tag:\(Tags.tokenKey)", values: [token],
                           filterMember: filterMember)
            .filter { Tags.token(in: $0["Tags"]) == token }
    }

    /// `TagSpecifications` for a create: the desired `tags` plus the token tag.
    static func tagSpecifications(_ resourceType: String, _ attributes: Attributes, token: String) -> AWSDocument {
        Tags.ec2Specifications(resourceType, Tags.withToken(attributes.stringMap("tags"), token: token))
    }

    /// Brings the tags of `resource` from `prior` to `desired` (infra's own tags untouched).
    static func updateTags(_ context: ProviderContext, resource: String, prior: Attributes, desired: Attributes) async throws {
        let diff = Tags.diff(from: prior.stringMap("tags"), to: desired.stringMap("tags"))
        if !diff.set.isEmpty {
            _ = try await context.client.call(.ec2, "CreateTags", ["Resources": [.string(resource)], "Tags": Tags.list(diff.set)])
        }
        if !diff.remove.isEmpty {
            let keys: [AWSDocument] = diff.remove.map { ["Key": .string($0)] }
            _ = try await context.client.call(.ec2, "DeleteTags", ["Resources": [.string(resource)], "Tags": .list(keys)])
        }
    }

    /// Whether `error` says the object does not exist (`InvalidVpcID.NotFound`, ...).
    static func isNotFound(_ error: any Error) -> Bool {
        guard let error = error as? AWSError else { return false }
        return error.code.hasSuffix(".NotFound") || error.code.hasSuffix("NotFound")
    }

    static func code(_ error: any Error) -> String? { (error as? AWSError)?.code }

    /// Runs a delete call, treating "not found" as done and retrying while AWS reports that
    /// something still depends on the object (an ENI of a NAT gateway being deleted, a rule of
    /// another group) until the wait policy's timeout: AWS releases those asynchronously.
    static func delete(_ context: ProviderContext, subject: String, retryOn codes: Set<String> = ["DependencyViolation"],
                       _ body: @escaping @Sendable () async throws -> Void) async throws
    {
        _ = try await AWSWaiter.wait(for: "\(subject) to be deleted", policy: context.waitPolicy) { () async throws -> WaitState<Bool> in
            do {
                try await body()
                return .done(true)
            } catch {
                if isNotFound(error) { return .done(true) }
                if let code = code(error), codes.contains(code) { return .pending(status: code) }
                throw error
            }
        }
    }

    /// `arn:aws:ec2:<region>:<owner>:<kind>/<id>`.
    static func arn(_ context: ProviderContext, owner: String?, kind: String, id: String) -> InfraEngine.Value {
        .string("arn:aws:ec2:\(context.region):\(owner ?? ""):\(kind)/\(id)")
    }

    /// The first item of a create's output, or an error naming what was created.
    static func require(_ value: String?, _ what: String, operation: String) throws -> String {
        guard let value, !value.isEmpty else {
            throw ProviderResponseError(operation: operation, missing: what)
        }
        return value
    }
}

/// An AWS response lacked a member infra needs (an id after a create).
public struct ProviderResponseError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var missing: String
    public var description: String {
        "EC2 \(operation) answered without \(missing); the object may exist without infra knowing its id. "
            + "Run plan again: infra finds objects it created by their infra:token tag."
    }
}

extension Attributes {
    /// Sets `key` when `value` is non-nil.
    mutating func put(_ key: String, _ value: String?) {
        if let value { self[key] = .string(value) }
    }
}

