import InfraDSL

/// The shared platform of this repository: the network every service runs in, the load
/// balancer's security group, the application's secrets and the role its tasks run under.
///
/// Kubernetes, Fargate services, PostgreSQL and Redis join this stack as their providers land
/// (issue 5); everything here already deploys end to end.
public struct Platform: Stack {
    public struct Settings: Decodable, Sendable {
        /// The VPC's address block; subnets are carved from it per zone and tier.
        var cidr: CIDRBlock
        var zones: AvailabilityZoneCount
        /// One NAT gateway per zone (production) or one shared (cheaper, one zone is a single point of failure).
        var natPerZone: Bool
        /// Where HTTPS to the load balancer may come from.
        var publicIngress: CIDRBlock
    }

    public static let name = "platform"

    public init() {}

    public func resources(in env: Environment<Settings>) -> Resources {
        let net = Network("main", cidr: env.settings.cidr, zones: env.settings.zones,
                          nat: env.settings.natPerZone ? .perZone : .shared)
        let alb = SecurityGroup("alb", vpc: net.vpc.id, description: "HTTPS from the internet to the load balancer")
        let apiKey = Secret("api_key", value: .generated(length: 40, excludePunctuation: true),
                            description: "API key the services present to each other")
        let djangoKey = Secret("django_secret_key", value: .generated(length: 50),
                               description: "Django SECRET_KEY of the web frontend")
        let taskRole = IAMRole("app_task", assumeRolePolicy: .assumedBy(service: "ecs-tasks.amazonaws.com"),
                               description: "What the application's tasks may do")
        return Resources {
            net
            alb
            SecurityGroupIngressRule("alb_https", group: alb.id, from: .cidr(env.settings.publicIngress), ports: 443,
                                     description: "HTTPS")
            SecurityGroupEgressRule("alb_out", group: alb.id, to: .cidr(.anywhere), description: "to the services")
            apiKey
            djangoKey
            taskRole
            IAMRolePolicy("app_task_secrets", role: taskRole.roleName, policy: PolicyDocument(
                .init(.allow, actions: ["secretsmanager:GetSecretValue"], resources: [apiKey.arn, djangoKey.arn])))
            Output("vpc_id", net.vpc.id)
            Output("alb_security_group_id", alb.id)
            Output("task_role_arn", taskRole.arn)
        }
    }
}

/// Every stack this repository deploys, by the names environment files list.
public let repositoryStacks: [any Stack.Type] = [Platform.self]
