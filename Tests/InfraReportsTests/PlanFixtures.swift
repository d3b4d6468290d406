import Foundation
import InfraDSL
import InfraEngine
import InfraReports

/// A provider that echoes desired attributes: every attribute the configuration sets is
/// optional, those other resources reference are computed. Enough to plan DSL components
/// without AWS.
struct EchoProvider: Provider {
    let schemas: [String: ResourceSchema]

    init(configuration: Configuration) {
        var attributes: [String: [String: AttributeSchema]] = [:]
        for spec in configuration.resources {
            for name in spec.attributes.keys {
                // Names ending in `password` or `secret_string` are the sensitive ones, as in the provider.
                let sensitive = name.hasSuffix("password") || name == "secret_string"
                attributes[spec.type, default: [:]][name] = AttributeSchema(.optional, sensitive: sensitive)
            }
            attributes[spec.type, default: [:]]["id"] = .computed
            attributes[spec.type, default: [:]]["arn"] = .computed
        }
        for spec in configuration.resources {
            for value in spec.attributes.values {
                for reference in value.references {
                    let top = String(reference.attribute.split(separator: ".").first ?? "")
                    if attributes[reference.address.type]?[top] == nil {
                        attributes[reference.address.type, default: [:]][top] = .computed
                    }
                }
            }
        }
        schemas = attributes.mapValues { _ in ResourceSchema(type: "", attributes: [:]) }
            .reduce(into: [:]) { result, entry in
                result[entry.key] = ResourceSchema(type: entry.key, attributes: attributes[entry.key] ?? [:])
            }
    }

    func schema(for type: String) -> ResourceSchema? { schemas[type] }
    func read(type: String, ids: [String]) async throws -> [String: ObservedResource] { [:] }
    func create(_ request: CreateRequest) async throws -> ObservedResource {
        ObservedResource(id: "echo-\(request.address.name)", attributes: request.attributes)
    }
    func update(_ request: UpdateRequest) async throws -> ObservedResource {
        ObservedResource(id: request.id, attributes: request.attributes)
    }
    func delete(type: String, id: String, attributes: [String: Value]) async throws {}
    func find(type: String, token: String) async throws -> ObservedResource? { nil }
    func importResource(type: String, id: String) async throws -> ObservedResource? { nil }
}

enum PlanFixtures {
    /// A prod platform from DSL components: network, database, cache, a Fargate service with a
    /// secret, and a deliberately risky security group rule and IAM policy.
    static func platformConfiguration(environment: String = "prod") throws -> Configuration {
        let context = RenderContext(
            environment: environment, stack: "platform", region: "eu-west-1", isProduction: environment == "prod",
            defaultTags: ["Environment": environment, "Stack": "platform", "ManagedBy": "infra"])
        let net = Network("main", cidr: "10.40.0.0/16", zones: 2, nat: .shared)
        let ledger = PostgresDatabase(
            "ledger", version: "17", size: DatabaseSize(instanceClass: "db.t4g.medium", storage: 50, multiAZ: true),
            subnets: net.databaseSubnets)
        let cache = RedisCache("sessions", size: CacheSize(nodeType: "cache.t4g.small", nodes: 2), subnets: net.databaseSubnets)
        let apiKey = Secret("api_key", value: .generated(length: 40))
        let api = FargateService(
            "api", image: "registry.example.com/api:1.0", size: ServiceSize(cpu: 512, memory: 1024, count: 2),
            subnets: net.privateSubnets, port: 8000, admitCIDRs: ["0.0.0.0/0"],
            secrets: ["API_KEY": apiKey], environment: ["DATABASE_HOST": ledger.address])
        return try ConfigurationBuilder.build(Resources { net; ledger; cache; apiKey; api }, context: context)
    }

    static func platformPlan(environment: String = "prod") async throws -> Plan {
        let configuration = try platformConfiguration(environment: environment)
        return try await Planner(provider: EchoProvider(configuration: configuration), toolVersion: "0.9.0-test")
            .plan(configuration, prior: nil, backendKey: "\(environment)/platform.json")
    }

    static let secretPlaintext = "hunter2-super-secret-value"

    /// A hand-made plan with every action, a sensitive attribute, unknowns, policy documents
    /// held as maps and a secret in clear that must never be rendered.
    static func handPlan() async throws -> Plan {
        func address(_ type: String, _ name: String) -> ResourceAddress { ResourceAddress(type: type, name: name) }
        let role = address("aws_iam_role", "api_task")
        let trust: Value = ["Version": "2012-10-17", "Statement": [[
            "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": ["Service": "ecs-tasks.amazonaws.com"]]]]
        let wideTrust: Value = ["Version": "2012-10-17", "Statement": [[
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": ["Service": "ecs-tasks.amazonaws.com", "AWS": "arn:aws:iam::999999999999:root"]]]]
        let changes: [ResourceChange] = [
            ResourceChange(address: address("aws_vpc", "main"), type: "aws_vpc", action: .create,
                           after: ["cidr_block": "10.0.0.0/16", "tags": ["Name": "main"], "id": .unknown, "arn": .unknown],
                           afterUnknown: ["id", "arn"]),
            ResourceChange(address: role, type: "aws_iam_role", action: .update, priorID: "api-task",
                           before: ["name": "api-task", "assume_role_policy": trust, "arn": "arn:aws:iam::1:role/api-task"],
                           after: ["name": "api-task", "assume_role_policy": wideTrust, "arn": "arn:aws:iam::1:role/api-task"],
                           changedAttributes: ["assume_role_policy"]),
            ResourceChange(address: address("aws_db_instance", "ledger"), type: "aws_db_instance", action: .deleteThenCreate,
                           priorID: "ledger",
                           before: ["identifier": "ledger", "engine": "postgres", "instance_class": "db.t4g.micro",
                                    "storage_encrypted": false, "password": .sensitive(.string(secretPlaintext))],
                           after: ["identifier": "ledger", "engine": "postgres", "instance_class": "db.t4g.micro",
                                   "storage_encrypted": true, "password": .sensitive(.string(secretPlaintext)), "endpoint": .unknown],
                           afterUnknown: ["endpoint"], changedAttributes: ["storage_encrypted"], replacePaths: ["storage_encrypted"],
                           reasons: ["storage_encrypted: false → true forces replacement"], sensitiveAttributes: ["password"]),
            ResourceChange(address: address("aws_eks_cluster", "apps"), type: "aws_eks_cluster", action: .createThenDelete,
                           priorID: "apps", before: ["name": "apps", "version": "1.30"], after: ["name": "apps", "version": "1.31"],
                           changedAttributes: ["version"], replacePaths: ["version"]),
            ResourceChange(address: address("aws_nat_gateway", "old"), type: "aws_nat_gateway", action: .delete,
                           cause: .notInConfiguration, priorID: "nat-1", before: ["subnet_id": "subnet-1"]),
            ResourceChange(address: address("aws_subnet", "a"), type: "aws_subnet", action: .noOp, priorID: "subnet-1",
                           before: ["cidr_block": "10.0.0.0/20"], after: ["cidr_block": "10.0.0.0/20"]),
            ResourceChange(address: address("aws_ecs_task_definition", "api"), type: "aws_ecs_task_definition", action: .create,
                           after: ["family": "api", "cpu": "512", "memory": "1024",
                                   "container_definitions": [["name": "api", "image": "api:1", "essential": true]]]),
            ResourceChange(address: address("aws_vpc_security_group_ingress_rule", "ssh"), type: "aws_vpc_security_group_ingress_rule",
                           action: .create, after: ["cidr_ipv4": "0.0.0.0/0", "ip_protocol": "tcp", "from_port": 22, "to_port": 22]),
        ]
        let configuration = Configuration(stack: "platform", environment: "prod", resources: [
            ResourceSpec(address: address("aws_vpc", "main"), attributes: ["cidr_block": "10.0.0.0/16"]),
            ResourceSpec(address: address("aws_subnet", "a"), attributes: [
                "cidr_block": "10.0.0.0/20", "vpc_id": .reference(Reference(address("aws_vpc", "main"), "id"))]),
            ResourceSpec(address: address("aws_db_instance", "ledger"), attributes: [
                "identifier": "ledger", "password": .sensitive(.string(secretPlaintext))]),
        ], outputs: [OutputSpec(name: "vpc_id", value: .reference(Reference(address("aws_vpc", "main"), "id")))])
        // Plan has no public initializer: plan the configuration, then put the hand-made changes in.
        var plan = try await Planner(provider: EchoProvider(configuration: configuration), toolVersion: "0.9.0-test")
            .plan(configuration, prior: nil, backendKey: "prod/platform.json")
        plan.changes = changes
        plan.outputChanges = [
            OutputChange(name: "vpc_id", action: .create, before: nil, after: .unknown, sensitive: false),
            OutputChange(name: "db_password", action: .create, before: nil, after: .sensitive(.string(secretPlaintext)), sensitive: true),
        ]
        plan.summary = PlanSummary(changes)
        return plan
    }
}
