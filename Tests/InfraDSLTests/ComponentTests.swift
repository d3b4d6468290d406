import InfraDSL
import InfraEngine
import XCTest

final class ComponentTests: XCTestCase {
    private func platform(_ environment: String = "prod", settings: Platform.Settings? = nil, tags: [String: String] = [:])
        throws -> Configuration
    {
        let env = Environment(
            name: environment, region: "eu-west-1",
            settings: settings ?? Fixture.settings(services: ["api": ServiceSize(cpu: 512, memory: 1024, count: 2)]),
            tags: tags, stack: Platform.name)
        return try Platform().configuration(in: env)
    }

    func testFargateExecutionPolicyNamesExactlyItsSecrets() throws {
        let config = try platform()
        let policy = try config.resource("aws_iam_role_policy.api_secrets")
        XCTAssertEqual(policy.attributes["role"], try ref("aws_iam_role.api_execution", "name"))
        let statements = try XCTUnwrap(policy.attributes["policy"]?["Statement"]?.listValue)
        XCTAssertEqual(statements.count, 1)
        XCTAssertEqual(statements[0]["Action"], ["secretsmanager:GetSecretValue"])
        XCTAssertEqual(statements[0]["Effect"], "Allow")
        let resources = try XCTUnwrap(statements[0]["Resource"]?.listValue)
        XCTAssertEqual(
            Set(resources),
            [try ref("aws_secretsmanager_secret.api_key", "arn"), try ref("aws_db_instance.ledger", "master_user_secret.0.secret_arn")])

        // The task definition reads the same secrets by ARN, and plain variables as values.
        let task = try config.resource("aws_ecs_task_definition.api")
        let container = try XCTUnwrap(task.attributes["container_definitions"]?.listValue?.first)
        XCTAssertEqual(
            container["secrets"],
            [
                ["name": "API_KEY", "valueFrom": try ref("aws_secretsmanager_secret.api_key", "arn")],
                ["name": "DATABASE_PASSWORD", "valueFrom": try ref("aws_db_instance.ledger", "master_user_secret.0.secret_arn")],
            ])
        XCTAssertEqual(
            container["environment"],
            [["name": "DATABASE_HOST", "value": try ref("aws_db_instance.ledger", "address")], ["name": "MODE", "value": "production"]])
        XCTAssertEqual(task.attributes["cpu"], "512")
        XCTAssertEqual(task.attributes["execution_role_arn"], try ref("aws_iam_role.api_execution", "arn"))
        let attachment = try config.resource("aws_iam_role_policy_attachment.api_execution")
        XCTAssertEqual(
            attachment.attributes["policy_arn"], "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")

        let service = try config.resource("aws_ecs_service.api")
        XCTAssertEqual(service.attributes["launch_type"], "FARGATE")
        XCTAssertEqual(service.attributes["desired_count"], 2)
        XCTAssertEqual(service.attributes["cluster"], try ref("aws_ecs_cluster.services", "arn"))
        XCTAssertTrue(service.dependencies.contains(try ResourceAddress(parsing: "aws_iam_role_policy.api_secrets")))
    }

    func testFargateServiceWithoutSecretsHasNoSecretsPolicy() throws {
        let config = try Fixture.build {
            let net = Network("main", cidr: "10.0.0.0/16", zones: 2, nat: .shared)
            net
            FargateService("worker", image: "worker:1", size: ServiceSize(cpu: 256, memory: 512, count: 1), subnets: net.privateSubnets)
        }
        XCTAssertTrue(config.addresses(ofType: "aws_iam_role_policy").isEmpty)
        XCTAssertEqual(config.addresses(ofType: "aws_ecs_cluster"), ["worker"])
    }

    func testDefaultTagsAreMergedIntoEveryTaggableResource() throws {
        let config = try platform(tags: ["CostCenter": "platform", "ManagedBy": "infra"])
        for spec in config.resources {
            let untaggable: Set<String> = [
                "aws_route", "aws_route_table_association", "aws_iam_role_policy", "aws_iam_role_policy_attachment",
                "aws_secretsmanager_secret_version",
            ]
            if untaggable.contains(spec.type) {
                XCTAssertNil(spec.attributes["tags"], "\(spec.address)")
                continue
            }
            let tags = try XCTUnwrap(spec.attributes["tags"], "\(spec.address) has no tags")
            XCTAssertEqual(tags["Environment"], "prod", "\(spec.address)")
            XCTAssertEqual(tags["Stack"], "platform", "\(spec.address)")
            XCTAssertEqual(tags["ManagedBy"], "infra", "\(spec.address)")
            XCTAssertEqual(tags["CostCenter"], "platform", "\(spec.address)")
            XCTAssertNotNil(tags["Name"], "\(spec.address)")
        }
        // A resource's own tags win over the defaults.
        let own = try Fixture.build(Fixture.context(tags: ["Team": "core"])) {
            VPC("main", cidr: "10.0.0.0/16").tagged(["Team": "payments", "Name": "ledger-vpc"])
        }
        XCTAssertEqual(try own.resource("aws_vpc.main").attributes["tags"]?["Team"], "payments")
        XCTAssertEqual(try own.resource("aws_vpc.main").attributes["tags"]?["Name"], "ledger-vpc")
    }

    func testSecretVersionHoldsOnlyTheSourceDescriptor() throws {
        let config = try Fixture.build {
            Secret("django_key", value: .generated(length: 50, excludeCharacters: "\"'\\"))
            Secret("rabbitmq", value: .environmentVariable("RABBITMQ_PASSWORD"))
            Secret("api_keys", value: .file("secrets/api-keys.json"))
        }
        let generated = try config.resource("aws_secretsmanager_secret_version.django_key")
        XCTAssertEqual(Set(generated.attributes.keys), ["secret_id", "value_source", "value_version"])
        XCTAssertNil(generated.attributes["secret_string"])
        XCTAssertEqual(generated.attributes["value_source"]?["kind"], "generated")
        XCTAssertEqual(generated.attributes["value_source"]?["length"], 50)
        XCTAssertEqual(generated.attributes["secret_id"], try ref("aws_secretsmanager_secret.django_key", "arn"))
        let fromEnv = try config.resource("aws_secretsmanager_secret_version.rabbitmq")
        XCTAssertEqual(fromEnv.attributes["value_source"], ["kind": "environment_variable", "name": "RABBITMQ_PASSWORD"])
        let fromFile = try config.resource("aws_secretsmanager_secret_version.api_keys")
        XCTAssertEqual(fromFile.attributes["value_source"], ["kind": "file", "path": "secrets/api-keys.json"])
        let secret = try config.resource("aws_secretsmanager_secret.rabbitmq")
        XCTAssertEqual(secret.attributes["name"], "prod/rabbitmq")
        XCTAssertEqual(secret.attributes["recovery_window_in_days"], 30)
        // The DB instance has no password attribute at all: RDS manages it.
        let db = try platform().resource("aws_db_instance.ledger")
        XCTAssertEqual(db.attributes["manage_master_user_password"], true)
        XCTAssertFalse(db.attributes.keys.contains { $0.contains("password") && $0 != "manage_master_user_password" })
    }

    func testPostgresIsStricterInProduction() throws {
        let prod = try platform("prod").resource("aws_db_instance.ledger")
        XCTAssertEqual(prod.attributes["deletion_protection"], true)
        XCTAssertEqual(prod.attributes["skip_final_snapshot"], false)
        XCTAssertEqual(prod.attributes["final_snapshot_identifier"], "prod-ledger-final")
        XCTAssertEqual(prod.attributes["storage_encrypted"], true)
        XCTAssertEqual(prod.attributes["engine"], "postgres")
        XCTAssertEqual(prod.attributes["identifier"], "prod-ledger")
        XCTAssertEqual(prod.attributes["db_subnet_group_name"], try ref("aws_db_subnet_group.ledger", "name"))
        XCTAssertEqual(prod.attributes["vpc_security_group_ids"], [try ref("aws_security_group.ledger_db", "id")])
        let dev = try platform("dev").resource("aws_db_instance.ledger")
        XCTAssertEqual(dev.attributes["deletion_protection"], false)
        XCTAssertEqual(dev.attributes["skip_final_snapshot"], true)
        XCTAssertNil(dev.attributes["final_snapshot_identifier"])

        // Only the named source is admitted, on 5432; the database opens no connection out.
        let config = try platform()
        XCTAssertEqual(config.addresses(ofType: "aws_vpc_security_group_ingress_rule").filter { $0.hasPrefix("ledger") }, ["ledger_db_from_apps_nodes"])
        let rule = try config.resource("aws_vpc_security_group_ingress_rule.ledger_db_from_apps_nodes")
        XCTAssertEqual(rule.attributes["referenced_security_group_id"], try ref("aws_security_group.apps_nodes", "id"))
        XCTAssertEqual(rule.attributes["from_port"], 5432)
        XCTAssertEqual(rule.attributes["to_port"], 5432)
        XCTAssertFalse(config.addresses(ofType: "aws_vpc_security_group_egress_rule").contains { $0.hasPrefix("ledger") })
        XCTAssertEqual(try config.resource("aws_db_parameter_group.ledger").attributes["family"], "postgres17")
    }

    func testKubernetesClusterRolesAndPolicies() throws {
        let config = try platform()
        let attachments = try config.addresses(ofType: "aws_iam_role_policy_attachment").filter { $0.hasPrefix("apps") }.map {
            try config.resource("aws_iam_role_policy_attachment.\($0)").attributes["policy_arn"]?.stringValue ?? ""
        }
        XCTAssertEqual(
            Set(attachments),
            [
                "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
            ])
        let role = try config.resource("aws_iam_role.apps_cluster")
        XCTAssertEqual(
            role.attributes["assume_role_policy"],
            [
                "Version": "2012-10-17",
                "Statement": [["Effect": "Allow", "Action": ["sts:AssumeRole"], "Principal": ["Service": ["eks.amazonaws.com"]]]],
            ])
        let nodes = try config.resource("aws_eks_node_group.apps_default")
        XCTAssertEqual(nodes.attributes["subnet_ids"], .list(try ["a", "b", "c"].map { try ref("aws_subnet.main_private_\($0)", "id") }))
        XCTAssertEqual(nodes.attributes["cluster_name"], try ref("aws_eks_cluster.apps", "name"))
        XCTAssertTrue(nodes.explicitDependencies.contains(try ResourceAddress(parsing: "aws_iam_role_policy_attachment.apps_node_cni")))
        let cluster = try config.resource("aws_eks_cluster.apps")
        XCTAssertEqual(cluster.attributes["version"], "1.31")
        XCTAssertEqual(cluster.attributes["vpc_config"]?.listValue?.first?["security_group_ids"], [try ref("aws_security_group.apps_nodes", "id")])
    }

    func testRedisFailsOverOnlyWithAReplica() throws {
        func group(_ nodes: Int) throws -> ResourceSpec {
            var settings = Fixture.settings()
            settings.cache = CacheSize(nodeType: "cache.t4g.small", nodes: nodes)
            return try platform(settings: settings).resource("aws_elasticache_replication_group.sessions")
        }
        XCTAssertEqual(try group(1).attributes["automatic_failover_enabled"], false)
        XCTAssertEqual(try group(2).attributes["automatic_failover_enabled"], true)
        XCTAssertEqual(try group(2).attributes["at_rest_encryption_enabled"], true)
        XCTAssertEqual(try group(2).attributes["transit_encryption_enabled"], true)
        XCTAssertEqual(try group(2).attributes["node_type"], "cache.t4g.small")
    }

    func testMemcachedAndWrongInstanceClass() throws {
        XCTAssertThrowsError(
            try Fixture.build {
                let net = Network("main", cidr: "10.0.0.0/16", zones: 2, nat: .none)
                net
                MemcachedCache("sessions", size: CacheSize(nodeType: "db.t4g.micro", nodes: 2), subnets: net.databaseSubnets)
            }
        ) { error in
            XCTAssertTrue(
                "\(error)".contains("aws_elasticache_cluster.sessions: node_type: 'db.t4g.micro' is not a valid instance class for ElastiCache: expected a cache.* class"),
                "\(error)")
        }
        let config = try Fixture.build {
            let net = Network("main", cidr: "10.0.0.0/16", zones: 2, nat: .none)
            net
            MemcachedCache("sessions", size: CacheSize(nodeType: "cache.t4g.small", nodes: 2), subnets: net.databaseSubnets)
        }
        let cluster = try config.resource("aws_elasticache_cluster.sessions")
        XCTAssertEqual(cluster.attributes["engine"], "memcached")
        XCTAssertEqual(cluster.attributes["az_mode"], "cross-az")
        XCTAssertTrue(config.addresses(ofType: "aws_nat_gateway").isEmpty)
    }

    func testLifecycleDependsOnAndWaivers() throws {
        let config = try Fixture.build {
            let vpc = VPC("main", cidr: "10.0.0.0/16").preventDestroy().ignoreChanges("tags")
            vpc
            InternetGateway("gw", vpc: vpc.id).createBeforeDestroy().dependsOn(vpc)
            SecurityGroup("open", vpc: vpc.id, description: "public")
                .waive("INFRA-SG-001", because: "the load balancer must be reachable from anywhere")
        }
        let vpc = try config.resource("aws_vpc.main")
        XCTAssertTrue(vpc.lifecycle.preventDestroy)
        XCTAssertEqual(vpc.lifecycle.ignoreChanges, ["tags"])
        let gateway = try config.resource("aws_internet_gateway.gw")
        XCTAssertTrue(gateway.lifecycle.createBeforeDestroy)
        XCTAssertEqual(gateway.explicitDependencies, [vpc.address])
        let group = try config.resource("aws_security_group.open")
        XCTAssertEqual(group.annotations["waiver:INFRA-SG-001"], "the load balancer must be reachable from anywhere")

        XCTAssertThrowsError(
            try Fixture.build { VPC("main", cidr: "10.0.0.0/16").waive("INFRA-VPC-001", because: " ") }
        ) { XCTAssertTrue("\($0)".contains("the waiver of INFRA-VPC-001 needs a reason"), "\($0)") }
    }

    func testOutputsAndInterpolatedText() throws {
        let config = try platform()
        XCTAssertEqual(config.outputs.map(\.name), ["ledger_endpoint", "vpc_id"])
        XCTAssertEqual(config.outputs.first?.value, try ref("aws_db_instance.ledger", "endpoint"))
        let db = DBInstance(
            "x", engineVersion: "17", instanceClass: "db.t4g.micro", allocatedStorage: 20, subnetGroup: .existing("g"),
            securityGroups: [])
        let url: Text = "postgres://\(db.address):\(db.port)/app"
        XCTAssertEqual(
            url.value,
            .concat(["postgres://", try ref("aws_db_instance.x", "address"), ":", try ref("aws_db_instance.x", "port"), "/app"]))
    }

    func testConfigurationIsDeterministic() throws {
        let services = ["api": ServiceSize(cpu: 512, memory: 1024, count: 2), "web": ServiceSize(cpu: 256, memory: 512, count: 1),
                        "jobs": ServiceSize(cpu: 256, memory: 512, count: 1)]
        let first = try platform(settings: Fixture.settings(services: services))
        let second = try platform(settings: Fixture.settings(services: services))
        XCTAssertEqual(first.resources, second.resources)
        XCTAssertEqual(first.resources.map(\.address), first.resources.map(\.address).sorted())
    }

    func testPlatformGraphIsClosedAndAcyclic() throws {
        var settings = Fixture.settings(services: ["api": ServiceSize(cpu: 512, memory: 1024, count: 2)])
        settings.cache = CacheSize(nodeType: "cache.t4g.small", nodes: 2)
        let config = try platform(settings: settings)
        let byAddress = Dictionary(uniqueKeysWithValues: config.resources.map { ($0.address, $0) })
        for spec in config.resources {
            for dependency in spec.dependencies {
                XCTAssertNotNil(byAddress[dependency], "\(spec.address) depends on undeclared \(dependency)")
            }
        }
        // Depth-first search for a cycle.
        var state: [ResourceAddress: Bool] = [:]  // false: on the stack, true: done
        func visit(_ address: ResourceAddress, _ path: [ResourceAddress]) {
            if state[address] == true { return }
            if state[address] == false {
                XCTFail("cycle: \((path + [address]).map(\.description).joined(separator: " -> "))")
                return
            }
            state[address] = false
            for next in byAddress[address]?.dependencies.sorted() ?? [] { visit(next, path + [address]) }
            state[address] = true
        }
        for address in byAddress.keys.sorted() { visit(address, []) }
        XCTAssertGreaterThan(config.resources.count, 50)
    }
}
