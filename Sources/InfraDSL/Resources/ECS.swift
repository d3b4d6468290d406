import InfraEngine

/// `aws_ecs_cluster`.
public struct ECSCluster: Resource {
    public enum ARN {}
    public static let terraformType = "aws_ecs_cluster"
    public let name: String
    public var containerInsights: Bool
    public var options = ResourceOptions()

    public init(_ name: String, containerInsights: Bool = true) {
        self.name = name
        self.containerInsights = containerInsights
    }

    /// The cluster's ARN (also its Terraform `id`), as services name it.
    public var arn: Ref<ARN> { ref("arn") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("name", context.physicalName(name))
        a.set(
            "setting",
            Value.list([.map(["name": "containerInsights", "value": .string(containerInsights ? "enabled" : "disabled")])]))
    }
}

/// CPU units and memory (MiB) of a Fargate task, checked against Fargate's valid combinations.
public struct TaskSize: Hashable, Sendable, Decodable {
    public var cpu: Int
    public var memory: Int

    public init(cpu: Int, memory: Int) {
        self.cpu = cpu
        self.memory = memory
    }

    public var problem: String? {
        let allowed: [Int: [Int]] = [
            256: [512, 1024, 2048],
            512: Array(stride(from: 1024, through: 4096, by: 1024)),
            1024: Array(stride(from: 2048, through: 8192, by: 1024)),
            2048: Array(stride(from: 4096, through: 16384, by: 1024)),
            4096: Array(stride(from: 8192, through: 30720, by: 1024)),
            8192: Array(stride(from: 16384, through: 61440, by: 4096)),
            16384: Array(stride(from: 32768, through: 122880, by: 8192)),
        ]
        guard let memories = allowed[cpu] else {
            return "Fargate cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384, not \(cpu)"
        }
        guard memories.contains(memory) else {
            return "Fargate cpu \(cpu) allows memory \(memories.first ?? 0)–\(memories.last ?? 0) MiB "
                + "in steps of \(memories.count > 1 ? memories[1] - memories[0] : 0), not \(memory)"
        }
        return nil
    }
}

/// CloudWatch Logs output of a container (`awslogs` driver).
public struct LogConfiguration: Hashable, Sendable {
    public var group: String
    public var streamPrefix: String

    public init(group: String, streamPrefix: String) {
        self.group = group
        self.streamPrefix = streamPrefix
    }
}

/// One container of a task definition, rendered with ECS's own (camelCase) keys.
public struct ContainerDefinition: Sendable {
    public var name: String
    public var image: String
    public var essential: Bool
    public var ports: [PortNumber]
    public var environment: [String: any ValueConvertible]
    /// Environment variables filled from Secrets Manager at task start (`valueFrom` = ARN).
    public var secrets: [String: any SecretARNConvertible]
    public var command: [String]?
    public var log: LogConfiguration?

    public init(
        name: String, image: String, essential: Bool = true, ports: [PortNumber] = [],
        environment: [String: any ValueConvertible] = [:], secrets: [String: any SecretARNConvertible] = [:],
        command: [String]? = nil, log: LogConfiguration? = nil
    ) {
        self.name = name
        self.image = image
        self.essential = essential
        self.ports = ports
        self.environment = environment
        self.secrets = secrets
        self.command = command
        self.log = log
    }

    /// The Secrets Manager ARNs this container reads, in name order.
    public var secretARNs: [Ref<SecretsManagerSecret.ARN>] {
        secrets.keys.sorted().compactMap { secrets[$0]?.secretARN }
    }

    func rendered(region: String) -> Value {
        var m: [String: Value] = [
            "name": .string(name),
            "image": .string(image),
            "essential": .bool(essential),
            "portMappings": .list(ports.map { .map(["containerPort": $0.value, "protocol": "tcp"]) }),
            "environment": .list(
                environment.keys.sorted().map { key in
                    .map(["name": .string(key), "value": Self.environmentText(environment[key]?.value ?? .null)])
                }),
            "secrets": .list(
                secrets.keys.sorted().map { key in
                    .map(["name": .string(key), "valueFrom": secrets[key]?.secretARN.value ?? .null])
                }),
        ]
        if let command { m["command"] = .list(command.map { .string($0) }) }
        if let log {
            m["logConfiguration"] = .map([
                "logDriver": "awslogs",
                "options": .map([
                    "awslogs-group": .string(log.group),
                    "awslogs-region": .string(region),
                    "awslogs-stream-prefix": .string(log.streamPrefix),
                ]),
            ])
        }
        return .map(m)
    }

    /// ECS environment values are strings: numbers and booleans are written as text, so the
    /// value read back from ECS compares equal.
    static func environmentText(_ value: Value) -> Value {
        switch value {
        case .number(let n): return .string(n.rounded() == n && abs(n) < 9.0e15 ? String(Int64(n)) : String(n))
        case .bool(let b): return .string(b ? "true" : "false")
        default: return value
        }
    }

    var problem: String? {
        if let p = ports.lazy.compactMap(\.problem).first { return p }
        for key in environment.keys.sorted() {
            if let p = environment[key]?.problem { return "environment \(key): \(p)" }
        }
        if image.isEmpty { return "container \(name) needs an image" }
        let overlap = Set(environment.keys).intersection(secrets.keys)
        if let clash = overlap.sorted().first {
            return "container \(name) sets \(clash) both as a plain variable and as a secret"
        }
        return nil
    }
}

/// `aws_ecs_task_definition` for Fargate (awsvpc networking).
public struct ECSTaskDefinition: Resource {
    public enum ARN {}
    public static let terraformType = "aws_ecs_task_definition"
    public let name: String
    public var size: TaskSize
    public var executionRole: Ref<IAMRole.ARN>
    public var taskRole: Ref<IAMRole.ARN>?
    public var containers: [ContainerDefinition]
    public var options = ResourceOptions()

    public init(
        _ name: String, size: TaskSize, executionRole: Ref<IAMRole.ARN>, taskRole: Ref<IAMRole.ARN>? = nil,
        containers: [ContainerDefinition]
    ) {
        self.name = name
        self.size = size
        self.executionRole = executionRole
        self.taskRole = taskRole
        self.containers = containers
    }

    /// The ARN of the current revision.
    public var arn: Ref<ARN> { ref("arn") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("family", context.physicalName(name))
        a.set("cpu", String(size.cpu))
        a.set("memory", String(size.memory))
        if let problem = size.problem { a.report("cpu", problem) }
        a.set("network_mode", "awsvpc")
        a.set("requires_compatibilities", ["FARGATE"])
        a.set("execution_role_arn", executionRole)
        a.set("task_role_arn", taskRole)
        a.set("container_definitions", Value.list(containers.map { $0.rendered(region: context.region) }))
        a.require(!containers.isEmpty, "container_definitions", "a task needs at least one container")
        for c in containers {
            if let problem = c.problem { a.report("container_definitions", problem) }
        }
        let names = containers.map(\.name)
        a.require(Set(names).count == names.count, "container_definitions", "container names must be distinct")
    }
}

/// `aws_ecs_service` on Fargate with awsvpc networking.
public struct ECSService: Resource {
    public static let terraformType = "aws_ecs_service"
    public let name: String
    public var cluster: Ref<ECSCluster.ARN>
    public var taskDefinition: Ref<ECSTaskDefinition.ARN>
    public var desiredCount: Int
    public var subnets: [Ref<Subnet.ID>]
    public var securityGroups: [Ref<SecurityGroup.ID>]
    public var assignPublicIP: Bool
    public var options = ResourceOptions()

    public init(
        _ name: String, cluster: Ref<ECSCluster.ARN>, taskDefinition: Ref<ECSTaskDefinition.ARN>, desiredCount: Int,
        subnets: [Ref<Subnet.ID>], securityGroups: [Ref<SecurityGroup.ID>], assignPublicIP: Bool = false
    ) {
        self.name = name
        self.cluster = cluster
        self.taskDefinition = taskDefinition
        self.desiredCount = desiredCount
        self.subnets = subnets
        self.securityGroups = securityGroups
        self.assignPublicIP = assignPublicIP
    }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("name", context.physicalName(name))
        a.set("cluster", cluster)
        a.set("task_definition", taskDefinition)
        a.set("desired_count", desiredCount)
        a.require(desiredCount >= 0, "desired_count", "must not be negative")
        a.set("launch_type", "FARGATE")
        a.set(
            "network_configuration",
            Value.list([
                .map([
                    "subnets": subnets.value, "security_groups": securityGroups.value,
                    "assign_public_ip": .bool(assignPublicIP),
                ])
            ]))
        a.require(!subnets.isEmpty, "network_configuration", "a Fargate service needs at least one subnet")
        a.require(!securityGroups.isEmpty, "network_configuration", "a Fargate service needs a security group")
        a.set("deployment_maximum_percent", 200)
        a.set("deployment_minimum_healthy_percent", 100)
        a.set("propagate_tags", "SERVICE")
        a.set("enable_execute_command", false)
    }
}
