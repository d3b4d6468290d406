import InfraAWS
import InfraEngine

/// `aws_ecs_service` on Fargate with awsvpc networking. The id is the service's ARN, as
/// Terraform has it. Desired count, task definition, network configuration and deployment
/// settings change in place through UpdateService.
///
/// As Terraform's `wait_for_steady_state` (default false), the steady-state wait after create
/// and update runs only when asked: a service whose image cannot start would otherwise hold the
/// apply until the timeout (and moto never starts tasks: runningCount stays 0).
public struct ECSServiceHandler: AWSResourceHandler {
    public init() {}
    public let type = "aws_ecs_service"

    /// DescribeServices takes at most 10 services per call, all of one cluster.
    static let describeBatch = 10

    public var schema: ResourceSchema {
        ResourceSchema(type: type, attributes: [
            "name": AttributeSchema(.required, forcesReplacement: true, replaceReason: "ECS cannot rename a service"),
            "cluster": AttributeSchema(.required, forcesReplacement: true, replaceReason: "a service cannot move to another cluster"),
            "launch_type": AttributeSchema(.optionalComputed, forcesReplacement: true, replaceReason: "ECS cannot change a service's launch type"),
            "task_definition": .required,
            "desired_count": .optional,
            "network_configuration": .optional,
            "deployment_maximum_percent": .optional,
            "deployment_minimum_healthy_percent": .optional,
            "propagate_tags": .optional,
            "enable_execute_command": .optional,
            // Only infra knows it (kept in state): whether create and update wait for a steady state.
            "wait_for_steady_state": .optional,
            "tags": .optional,
            "id": .computed,
            "arn": .computed,
        ])
    }

    /// The cluster part of a service ARN (`service/CLUSTER/NAME`); old-style ARNs have none.
    static func cluster(fromARN arn: String) -> String? {
        let parts = arn.split(separator: "/")
        return parts.count == 3 ? String(parts[1]) : nil
    }

    // MARK: Read

    public func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] {
        try await read(recorded: Dictionary(uniqueKeysWithValues: ids.map { ($0, [:]) }), in: context)
    }

    /// One DescribeServices per cluster and 10 services, the batches overlapped.
    public func read(recorded: [String: [String: Value]], in context: ProviderContext) async throws -> [String: ObservedResource] {
        var byCluster: [String: [String]] = [:]
        for id in recorded.keys.sorted() {
            guard let cluster = recorded[id]?.string("cluster") ?? Self.cluster(fromARN: id) else { continue }
            byCluster[cluster, default: []].append(id)
        }
        let batches = byCluster.keys.sorted().flatMap { cluster in
            ECSSupport.chunks(byCluster[cluster] ?? [], of: Self.describeBatch).map { (cluster, $0) }
        }
        let found = try await concurrentMap(batches, limit: context.concurrency) { batch in
            try await Self.describe(batch.1, cluster: batch.0, in: context)
        }
        var result: [String: ObservedResource] = [:]
        for service in found.flatMap({ $0 }) {
            let observed = Self.observe(service, recorded: recorded[service["serviceArn"].string ?? ""] ?? [:])
            result[observed.id] = observed
        }
        return result
    }

    /// The live services among `services` (ARNs or names) of `cluster`; INACTIVE and DRAINING
    /// ones are deleted or being deleted.
    static func describe(_ services: [String], cluster: String, includeGone: Bool = false, in context: ProviderContext) async throws
        -> [AWSDocument]
    {
        do {
            let output = try await context.client.call(.ecs, ECS.Operation.describeServices, [
                "cluster": .string(cluster), "services": .list(services.map { .string($0) }), "include": ["TAGS"],
            ])
            let all = output["services"].array ?? []
            return includeGone ? all : all.filter { !["INACTIVE", "DRAINING"].contains($0["status"].string ?? "") }
        } catch where ECSSupport.code(error) == "ClusterNotFoundException" {
            return []
        }
    }

    static func observe(_ service: AWSDocument, recorded: [String: Value]) -> ObservedResource {
        let arn = service["serviceArn"].string ?? ""
        var a: [String: Value] = [
            "id": .string(arn), "arn": .string(arn),
            "name": .string(service["serviceName"].string ?? ""),
            "desired_count": .int(service["desiredCount"].int ?? 0),
            "propagate_tags": .string(service["propagateTags"].string ?? "NONE"),
            "enable_execute_command": .bool(service["enableExecuteCommand"].bool ?? false),
            // AWS always reports these; an endpoint that drops them (moto) has AWS's defaults.
            "deployment_maximum_percent": .int(service["deploymentConfiguration"]["maximumPercent"].int ?? 200),
            "deployment_minimum_healthy_percent": .int(service["deploymentConfiguration"]["minimumHealthyPercent"].int ?? 100),
            "wait_for_steady_state": recorded["wait_for_steady_state"] ?? .bool(false),
        ]
        a.put("cluster", service["clusterArn"].string)
        a.put("task_definition", service["taskDefinition"].string)
        a.put("launch_type", service["launchType"].string)
        let network = service["networkConfiguration"]["awsvpcConfiguration"]
        if !network.isNull {
            a["network_configuration"] = .list([.map([
                "subnets": .list((network["subnets"].array ?? []).compactMap(\.string).map { .string($0) }),
                "security_groups": .list((network["securityGroups"].array ?? []).compactMap(\.string).map { .string($0) }),
                "assign_public_ip": .bool(network["assignPublicIp"].string == "ENABLED"),
            ])])
        }
        a["tags"] = ECSSupport.tagsAttribute(service["tags"])
        return ObservedResource(id: arn, attributes: a)
    }

    static func networkConfiguration(_ attributes: [String: Value]) -> AWSDocument {
        guard let block = attributes.block("network_configuration") else { return .null }
        return ["awsvpcConfiguration": [
            "subnets": .list(block.strings("subnets").map { .string($0) }),
            "securityGroups": .list(block.strings("security_groups").map { .string($0) }),
            "assignPublicIp": .string(block.bool("assign_public_ip") == true ? "ENABLED" : "DISABLED"),
        ]]
    }

    static func deploymentConfiguration(_ attributes: [String: Value]) -> AWSDocument {
        [
            "maximumPercent": .integer(Int64(attributes.int("deployment_maximum_percent") ?? 200)),
            "minimumHealthyPercent": .integer(Int64(attributes.int("deployment_minimum_healthy_percent") ?? 100)),
        ]
    }

    // MARK: Create

    public func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let resource = "\(request.address)"
        guard let name = a.string("name"), let cluster = a.string("cluster"), let task = a.string("task_definition") else {
            throw ECSInputError(resource: resource, reason: "name, cluster and task_definition are required")
        }
        // CreateService of an existing name fails on AWS and silently replaces it on moto:
        // either way, a service infra did not create is not taken over.
        if let existing = try await Self.describe([name], cluster: cluster, in: context).first {
            guard ECSSupport.token(existing["tags"]) == request.token, let arn = existing["serviceArn"].string else {
                throw ECSInputError(resource: resource, reason: "cluster \(cluster) already has a service named \(name) that infra did not "
                    + "create; import it (infra import <env> \(request.address) \(existing["serviceArn"].string ?? name)) or choose another name")
            }
            return try await settle(arn, cluster: cluster, attributes: a, resource: resource, in: context, progress: request.progress)
        }
        var input: AWSDocument = [
            "cluster": .string(cluster),
            "serviceName": .string(name),
            "taskDefinition": .string(task),
            "desiredCount": .integer(Int64(a.int("desired_count") ?? 1)),
            "launchType": .string(a.string("launch_type") ?? "FARGATE"),
            "deploymentConfiguration": Self.deploymentConfiguration(a),
            "enableExecuteCommand": .bool(a.bool("enable_execute_command") ?? false),
            "clientToken": .string(request.token),
            "tags": ECSSupport.tags(a, token: request.token),
        ]
        input["networkConfiguration"] = Self.networkConfiguration(a)
        if let propagate = a.string("propagate_tags") { input["propagateTags"] = .string(propagate) }
        let output = try await context.client.call(.ecs, ECS.Operation.createService, input)
        let arn = output["service"]["serviceArn"].string ?? name
        return try await settle(arn, cluster: cluster, attributes: a, resource: resource, in: context, progress: request.progress)
    }

    /// The service as it is now, after waiting for a steady state when `wait_for_steady_state` says so.
    func settle(_ arn: String, cluster: String, attributes: [String: Value], resource: String, in context: ProviderContext,
                progress: @escaping @Sendable (String) -> Void) async throws -> ObservedResource
    {
        if attributes.bool("wait_for_steady_state") == true {
            try await Self.waitSteady(arn, cluster: cluster, in: context, progress: progress)
        }
        guard let service = try await Self.describe([arn], cluster: cluster, in: context).first else {
            throw ECSInputError(resource: resource, reason: "the ECS service \(arn) vanished right after it was written; plan again")
        }
        return Self.observe(service, recorded: attributes)
    }

    /// Polls DescribeServices until one deployment remains and every desired task runs; a
    /// FAILED rollout or a service going inactive ends the wait with ECS's reason.
    static func waitSteady(_ arn: String, cluster: String, in context: ProviderContext,
                           progress: @escaping @Sendable (String) -> Void) async throws
    {
        _ = try await AWSWaiter.wait(
            for: "ECS service \(arn) to reach a steady state", policy: context.waitPolicy,
            progress: { progress("\($0.subject): \($0.status), \(Int($0.elapsed))s elapsed") }
        ) { () -> WaitState<Bool> in
            guard let service = try await describe([arn], cluster: cluster, includeGone: true, in: context).first else {
                return .failed(status: "missing", reason: "the service no longer exists")
            }
            let status = service["status"].string ?? "unknown"
            if status != "ACTIVE" { return .failed(status: status, reason: "the service is being deleted") }
            let deployments = service["deployments"].array ?? []
            if let failed = deployments.first(where: { $0["rolloutState"].string == "FAILED" }) {
                return .failed(status: "rollout FAILED", reason: failed["rolloutStateReason"].string ?? "ECS gave no reason")
            }
            let running = service["runningCount"].int ?? 0, desired = service["desiredCount"].int ?? 0
            if deployments.count == 1 && running == desired { return .done(true) }
            return .pending(status: "\(running) of \(desired) tasks running, \(deployments.count) deployments")
        }
    }

    // MARK: Update

    public func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
        let a = request.attributes
        let resource = "\(request.address)"
        let cluster = request.prior.string("cluster") ?? Self.cluster(fromARN: request.id) ?? ""
        var input: AWSDocument = ["cluster": .string(cluster), "service": .string(request.id)]
        let changed = request.changed
        if changed.contains("desired_count"), let count = a.int("desired_count") { input["desiredCount"] = .integer(Int64(count)) }
        if changed.contains("task_definition"), let task = a.string("task_definition") { input["taskDefinition"] = .string(task) }
        if changed.contains("network_configuration") { input["networkConfiguration"] = Self.networkConfiguration(a) }
        if changed.contains("deployment_maximum_percent") || changed.contains("deployment_minimum_healthy_percent") {
            input["deploymentConfiguration"] = Self.deploymentConfiguration(a)
        }
        if changed.contains("propagate_tags") { input["propagateTags"] = .string(a.string("propagate_tags") ?? "NONE") }
        if changed.contains("enable_execute_command") { input["enableExecuteCommand"] = .bool(a.bool("enable_execute_command") ?? false) }
        if (input.dictionary?.count ?? 0) > 2 {
            _ = try await context.client.call(.ecs, ECS.Operation.updateService, input)
        }
        if changed.contains("tags") {
            try await ECSSupport.updateTags(context, arn: request.id, prior: request.prior, desired: a)
        }
        // wait_for_steady_state has no API: the new value is recorded in state by settle.
        return try await settle(request.id, cluster: cluster, attributes: a, resource: resource, in: context, progress: request.progress)
    }

    // MARK: Delete

    /// Scales to zero, deletes (force), then waits until ECS reports the service INACTIVE or forgets it.
    public func delete(id: String, attributes: [String: Value], in context: ProviderContext) async throws {
        let cluster = attributes.string("cluster") ?? Self.cluster(fromARN: id) ?? ""
        let gone: Set<String> = ["ServiceNotFoundException", "ServiceNotActiveException", "ClusterNotFoundException"]
        do {
            _ = try await context.client.call(.ecs, ECS.Operation.updateService, [
                "cluster": .string(cluster), "service": .string(id), "desiredCount": 0,
            ])
            _ = try await context.client.call(.ecs, ECS.Operation.deleteService, [
                "cluster": .string(cluster), "service": .string(id), "force": true,
            ])
        } catch where gone.contains(ECSSupport.code(error) ?? "") {
            return
        }
        _ = try await AWSWaiter.wait(for: "ECS service \(id) to become inactive", policy: context.waitPolicy) { () -> WaitState<Bool> in
            guard let service = try await Self.describe([id], cluster: cluster, includeGone: true, in: context).first,
                  let status = service["status"].string, status != "INACTIVE"
            else { return .done(true) }
            return .pending(status: status)
        }
    }

    // MARK: Find

    /// The service tagged with `token`: every cluster's services are listed and described, 10 at
    /// a time. Runs only for a create whose result was lost.
    public func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
        for cluster in try await ECSSupport.clusterARNs(context) {
            let listed = try await context.client.paginate(.ecs, ECS.Operation.listServices, ["cluster": .string(cluster)])
            let arns = (listed["serviceArns"].array ?? []).compactMap(\.string)
            for chunk in ECSSupport.chunks(arns, of: Self.describeBatch) {
                if let service = try await Self.describe(chunk, cluster: cluster, in: context)
                    .first(where: { ECSSupport.token($0["tags"]) == token })
                {
                    return Self.observe(service, recorded: [:])
                }
            }
        }
        return nil
    }

    /// Import by ARN (`arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME`) or `CLUSTER/NAME`.
    public func importResource(id: String, in context: ProviderContext) async throws -> ObservedResource? {
        let parts = id.split(separator: "/").map(String.init)
        let (cluster, service): (String, String)
        if id.hasPrefix("arn:") {
            guard let c = Self.cluster(fromARN: id) else { return nil }
            (cluster, service) = (c, id)
        } else if parts.count == 2 {
            (cluster, service) = (parts[0], parts[1])
        } else {
            return nil
        }
        return try await Self.describe([service], cluster: cluster, in: context).first.map { Self.observe($0, recorded: [:]) }
    }
}
