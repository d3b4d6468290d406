import InfraAWS
import InfraEngine

/// `aws_ecs_task_definition`. The id is the family (as Terraform has it); `arn` names the
/// revision infra registered. Task definitions are immutable: any change but tags registers a
/// new revision (a replacement to the engine) and the old revision is deregistered.
public struct ECSTaskDefinitionHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_ecs_task_definition"

    static let immutable = "ECS task definitions are immutable: a new revision is registered"

    public var schema: ResourceSchema {
        let revision = AttributeSchema(.optional, forcesReplacement: true, replaceReason: Self.immutable)
        return ResourceSchema(type: type, attributes: [
            "family": AttributeSchema(.required, forcesReplacement: true, replaceReason: Self.immutable),
            "container_definitions": AttributeSchema(.required, forcesReplacement: true, replaceReason: Self.immutable),
            "cpu": revision,
            "memory": revision,
            "network_mode": revision,
            "requires_compatibilities": revision,
            "execution_role_arn": revision,
            "task_role_arn": revision,
            "tags": .optional,
            "id": .computed,
            "arn": .computed,
            "arn_without_revision": .computed,
            "revision": .computed,
        ])
    }

    // MARK: Read

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        try await read(recorded: Dictionary(uniqueKeysWithValues: ids.map { ($0, [:]) }), in: context)
    }

    /// The recorded revision (its ARN) of each family, or the family's latest ACTIVE revision
    /// when none is recorded (import). DescribeTaskDefinition takes one task definition and
    /// ListTaskDefinitions returns ARNs only, so this is one call per family, overlapped,
    /// bounded by the context's concurrency.
    ///
    /// From ``batchThreshold`` families on, one paginated ListTaskDefinitions (ACTIVE) serves
    /// instead: a registered revision is immutable, so a recorded revision that is still ACTIVE
    /// still has its recorded content. Its tags (the one mutable part) are then not re-read:
    /// tags changed outside infra on a task definition show at the next per-family read.
    public func read(recorded: [String: [String: Value]], in context: ProviderContext) async throws -> [String: ObservedResource] {
        var families = recorded.keys.sorted()
        var result: [String: ObservedResource] = [:]
        let withRevision = families.filter { recorded[$0]?.string("arn") != nil }
        if withRevision.count >= Self.batchThreshold {
            let active = try await context.client.paginate(.ecs, ECS.Operation.listTaskDefinitions, ["status": "ACTIVE"])
            let arns = Set((active["taskDefinitionArns"].array ?? []).compactMap(\.string))
            for family in withRevision {
                guard let attributes = recorded[family], let arn = attributes.string("arn"), arns.contains(arn) else { continue }
                result[family] = ObservedResource(id: family, attributes: attributes)
            }
            // Recorded revisions no longer ACTIVE are gone; only imports are left to describe.
            families = families.filter { recorded[$0]?.string("arn") == nil }
        }
        let found = try await concurrentMap(families, limit: context.concurrency) { family -> ObservedResource? in
            let which = recorded[family]?.string("arn") ?? family
            guard let output = try await Self.describe(which, in: context) else { return nil }
            return Self.observe(output)
        }
        for case let observed? in found { result[observed.id] = observed }
        return result
    }

    /// From this many recorded revisions on, a refresh lists the ACTIVE ones instead of
    /// describing each.
    static let batchThreshold = 10

    /// The task definition and its tags; nil when it does not exist or was deregistered.
    static func describe(_ which: String, in context: ProviderContext) async throws -> AWSDocument? {
        do {
            let output = try await context.client.call(.ecs, ECS.Operation.describeTaskDefinition, [
                "taskDefinition": .string(which), "include": ["TAGS"],
            ])
            let definition = output["taskDefinition"]
            guard definition["family"].string != nil, definition["status"].string != "INACTIVE" else { return nil }
            return output
        } catch where ECSSupport.code(error) == "ClientException" {
            // ECS answers an unknown family or revision with a ClientException.
            return nil
        }
    }

    static func observe(_ output: AWSDocument) -> ObservedResource {
        let definition = output["taskDefinition"]
        let family = definition["family"].string ?? ""
        let arn = definition["taskDefinitionArn"].string ?? ""
        var a: [String: Value] = [
            "id": .string(family),
            "family": .string(family),
            "arn": .string(arn),
            "container_definitions": .list((definition["containerDefinitions"].array ?? []).map(ContainerDefinitions.normalised)),
            "requires_compatibilities": .list((definition["requiresCompatibilities"].array ?? []).compactMap(\.string).sorted().map { .string($0) }),
        ]
        if let colon = arn.lastIndex(of: ":") { a["arn_without_revision"] = .string(String(arn[..<colon])) }
        if let revision = definition["revision"].int { a["revision"] = .int(revision) }
        a.put("cpu", definition["cpu"].string)
        a.put("memory", definition["memory"].string)
        a.put("network_mode", definition["networkMode"].string)
        a.put("execution_role_arn", definition["executionRoleArn"].string)
        a.put("task_role_arn", definition["taskRoleArn"].string)
        a["tags"] = ECSSupport.tagsAttribute(output["tags"])
        return ObservedResource(id: family, attributes: a)
    }

    // MARK: Create

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let resource = "\(request.address)"
        guard let family = a.string("family"), let containers = a["container_definitions"]?.listValue, !containers.isEmpty else {
            throw ECSInputError(resource: resource, reason: "family and at least one container definition are required")
        }
        var input: AWSDocument = [
            "family": .string(family),
            "containerDefinitions": .list(containers.map(ContainerDefinitions.input)),
            "tags": ECSSupport.tags(a, token: request.token),
        ]
        input["cpu"] = a.string("cpu").map { .string($0) } ?? .null
        input["memory"] = a.string("memory").map { .string($0) } ?? .null
        input["networkMode"] = a.string("network_mode").map { .string($0) } ?? .null
        input["executionRoleArn"] = a.string("execution_role_arn").map { .string($0) } ?? .null
        input["taskRoleArn"] = a.string("task_role_arn").map { .string($0) } ?? .null
        let compatibilities = a.strings("requires_compatibilities")
        if !compatibilities.isEmpty { input["requiresCompatibilities"] = .list(compatibilities.map { .string($0) }) }
        // RegisterTaskDefinition has no idempotency token; a repeated register only adds an
        // unused revision, which the next replacement or destroy does not leave behind as the
        // family's recorded revision.
        let output = try await context.client.call(.ecs, ECS.Operation.registerTaskDefinition, input)
        let arn = output["taskDefinition"]["taskDefinitionArn"].string ?? family
        guard let registered = try await Self.describe(arn, in: context) else {
            throw ECSInputError(resource: resource, reason: "the task definition \(arn) vanished right after it was registered; plan again")
        }
        return Self.observe(registered)
    }

    // MARK: Update (tags only: everything else registers a new revision)

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let resource = "\(request.address)"
        let arn = request.prior.string("arn") ?? request.id
        if request.changed.contains("tags") {
            try await ECSSupport.updateTags(context, arn: arn, prior: request.prior, desired: request.attributes)
        }
        guard let output = try await Self.describe(arn, in: context) else {
            throw ECSInputError(resource: resource, reason: "the task definition \(arn) is gone; plan again")
        }
        return Self.observe(output)
    }

    // MARK: Delete

    /// Deregisters the revision infra recorded (the family's latest ACTIVE one when none is).
    public func delete(id: String, attributes: [String: Value], in context: ProviderContext) async throws {
        let which: String
        if let arn = attributes.string("arn") {
            which = arn
        } else if let latest = try await Self.describe(id, in: context)?["taskDefinition"]["taskDefinitionArn"].string {
            which = latest
        } else {
            return
        }
        do {
            _ = try await context.client.call(.ecs, ECS.Operation.deregisterTaskDefinition, ["taskDefinition": .string(which)])
        } catch where ECSSupport.code(error) == "ClientException" {
            return  // already deregistered or never existed
        }
    }

    // MARK: Find

    /// The revision tagged with `token`: ListTaskDefinitions returns ARNs only, so the newest
    /// ACTIVE revisions are described. Runs only for a create whose result was lost.
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        let listed = try await context.client.paginate(.ecs, ECS.Operation.listTaskDefinitions, ["status": "ACTIVE", "sort": "DESC"])
        let arns = (listed["taskDefinitionArns"].array ?? []).compactMap(\.string)
        let matches = try await concurrentMap(arns, limit: context.concurrency) { arn -> AWSDocument? in
            guard let output = try await Self.describe(arn, in: context), ECSSupport.token(output["tags"]) == token else { return nil }
            return output
        }
        return matches.compactMap { $0 }.first.map(Self.observe)
    }
}

/// Container definitions as the DSL writes them (ECS's camelCase keys) and as ECS reads them back.
enum ContainerDefinitions {
    /// A container as RegisterTaskDefinition takes it. Environment values are strings in ECS.
    static func input(_ value: Value) -> AWSDocument {
        guard var container = value.mapValue else { return AWSDocument(value) }
        if let environment = container["environment"]?.listValue {
            container["environment"] = .list(environment.map { entry in
                guard var map = entry.mapValue else { return entry }
                if let v = map["value"], v.stringValue == nil { map["value"] = .string(text(v)) }
                return .map(map)
            })
        }
        return AWSDocument(.map(container))
    }

    static func text(_ value: Value) -> String {
        switch value.unmarked {
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.rounded() == n && abs(n) < 9.0e15 ? String(Int64(n)) : String(n)
        case .string(let s): return s
        default: return ""
        }
    }

    /// A container from DescribeTaskDefinition, reduced to the keys the DSL writes and in its
    /// order, so AWS's defaults (cpu 0, mountPoints, volumesFrom, hostPort) never show as changes.
    static func normalised(_ container: AWSDocument) -> Value {
        var m: [String: Value] = [
            "name": .string(container["name"].string ?? ""),
            "image": .string(container["image"].string ?? ""),
            "essential": .bool(container["essential"].bool ?? true),
            "portMappings": .list((container["portMappings"].array ?? []).map { port in
                .map(["containerPort": .int(port["containerPort"].int ?? 0), "protocol": .string(port["protocol"].string ?? "tcp")])
            }),
            "environment": .list(named(container["environment"], valueKey: "value")),
            "secrets": .list(named(container["secrets"], valueKey: "valueFrom")),
        ]
        if let command = container["command"].array, !command.isEmpty { m["command"] = .list(command.compactMap(\.string).map { .string($0) }) }
        let log = container["logConfiguration"]
        if let driver = log["logDriver"].string {
            m["logConfiguration"] = .map([
                "logDriver": .string(driver),
                "options": .map((log["options"].dictionary ?? [:]).mapValues { .string($0.string ?? "") }),
            ])
        }
        return .map(m)
    }

    /// `[{name, <valueKey>}]` sorted by name, as the DSL renders environment and secrets.
    static func named(_ document: AWSDocument, valueKey: String) -> [Value] {
        (document.array ?? []).map { ($0["name"].string ?? "", $0[valueKey].string ?? "") }
            .sorted { $0.0 < $1.0 }
            .map { .map(["name": .string($0.0), valueKey: .string($0.1)]) }
    }
}
