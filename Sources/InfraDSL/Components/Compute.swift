import InfraEngine

/// The nodes of a Kubernetes cluster, as environment files give them.
public struct NodeGroupSize: Hashable, Sendable, Decodable {
    public var instanceTypes: [InstanceClass]
    public var min: Int
    public var desired: Int
    public var max: Int

    public init(instanceTypes: [InstanceClass], min: Int, desired: Int, max: Int) {
        self.instanceTypes = instanceTypes
        self.min = min
        self.desired = desired
        self.max = max
    }

    public static let small = NodeGroupSize(instanceTypes: ["t3.medium"], min: 2, desired: 2, max: 4)
}

/// An EKS cluster with a managed node group in private subnets: a cluster role and a node role
/// with the standard AWS managed policies, and a security group for the nodes that other
/// components can admit (`admit: [cluster.nodes]`).
///
/// The nodes' security group is attached to the cluster (`vpc_config.security_group_ids`) and
/// may open any outbound connection.
public struct KubernetesCluster: Component {
    public let name: String
    public let clusterRole: IAMRole
    public let nodeRole: IAMRole
    public let policyAttachments: [IAMRolePolicyAttachment]
    public let nodeAccess: GuardedGroup
    public let cluster: EKSCluster
    public let nodeGroup: EKSNodeGroup

    /// - Parameter endpointPublicAccess: whether the Kubernetes API also answers on the internet
    ///   (it always answers inside the VPC); production clusters are usually reached through a VPN.
    public init(
        _ name: String, version: EngineVersion, subnets: SubnetSet, nodeGroup size: NodeGroupSize = .small,
        endpointPublicAccess: Bool = true
    ) {
        self.name = name
        clusterRole = IAMRole(
            "\(name)_cluster", assumeRolePolicy: .assumedBy(service: "eks.amazonaws.com"),
            description: "EKS control plane of \(name)")
        nodeRole = IAMRole(
            "\(name)_node", assumeRolePolicy: .assumedBy(service: "ec2.amazonaws.com"),
            description: "EKS worker nodes of \(name)")
        let clusterPolicy = IAMRolePolicyAttachment(
            "\(name)_cluster_eks", role: clusterRole.roleName, policy: ManagedPolicy.amazonEKSClusterPolicy)
        let nodePolicies = [
            IAMRolePolicyAttachment("\(name)_node_worker", role: nodeRole.roleName, policy: ManagedPolicy.amazonEKSWorkerNodePolicy),
            IAMRolePolicyAttachment("\(name)_node_cni", role: nodeRole.roleName, policy: ManagedPolicy.amazonEKSCNIPolicy),
            IAMRolePolicyAttachment(
                "\(name)_node_ecr", role: nodeRole.roleName, policy: ManagedPolicy.amazonEC2ContainerRegistryReadOnly),
        ]
        policyAttachments = [clusterPolicy] + nodePolicies
        nodeAccess = GuardedGroup(
            "\(name)_nodes", vpc: subnets.vpc, description: "Kubernetes \(name) nodes", port: nil, admit: [],
            allowEgress: true)
        // The role's permissions must exist before EKS uses the role, and be removed only after
        // the cluster and nodes are gone; nothing references the attachments, hence dependsOn.
        cluster = EKSCluster(
            name, version: version, role: clusterRole.arn, subnets: subnets.ids, securityGroups: [nodeAccess.id],
            endpointPublicAccess: endpointPublicAccess
        ).dependsOn(clusterPolicy)
        nodeGroup = EKSNodeGroup(
            "\(name)_default", cluster: cluster.clusterName, role: nodeRole.arn, subnets: subnets.ids,
            instanceTypes: size.instanceTypes, scaling: NodeScaling(min: size.min, desired: size.desired, max: size.max)
        ).dependsOn(addresses: nodePolicies.map(\.address))
    }

    /// The nodes' security group: pass it to `admit:` of a database or cache.
    public var nodes: Ref<SecurityGroup.ID> { nodeAccess.id }
    public var endpoint: Ref<Attribute.Endpoint> { cluster.endpoint }
    public var clusterName: Ref<EKSCluster.Name> { cluster.clusterName }

    public var body: Resources {
        Resources {
            clusterRole
            nodeRole
            policyAttachments
            nodeAccess
            cluster
            nodeGroup
        }
    }
}

/// CPU, memory and task count of a Fargate service, as environment files give them.
public struct ServiceSize: Hashable, Sendable, Decodable {
    public var cpu: Int
    public var memory: Int
    public var count: Int

    public init(cpu: Int, memory: Int, count: Int) {
        self.cpu = cpu
        self.memory = memory
        self.count = count
    }

    public var taskSize: TaskSize { TaskSize(cpu: cpu, memory: memory) }
}

/// A service on ECS Fargate: an execution role (pulling the image, writing logs, reading exactly
/// the referenced secrets), a task role, a task definition, a security group and the service.
public struct FargateService: Component {
    public let name: String
    public let ownCluster: ECSCluster?
    public let executionRole: IAMRole
    public let executionPolicy: IAMRolePolicyAttachment
    public let secretsPolicy: IAMRolePolicy?
    public let taskRole: IAMRole
    public let taskPolicy: IAMRolePolicy?
    public let access: GuardedGroup
    public let taskDefinition: ECSTaskDefinition
    public let service: ECSService

    /// - Parameters:
    ///   - cluster: the ECS cluster to run in; nil creates one for this service.
    ///   - port: the container port; others reach it only if admitted.
    ///   - secrets: environment variables filled from Secrets Manager (`["API_KEY": apiKey]`).
    ///   - taskPolicy: what the application itself may do in AWS.
    public init(
        _ name: String, image: String, size: ServiceSize, cluster: Ref<ECSCluster.ARN>? = nil, subnets: SubnetSet,
        port: PortNumber? = nil, admit: [Ref<SecurityGroup.ID>] = [], admitCIDRs: [CIDRBlock] = [],
        secrets: [String: any SecretARNConvertible] = [:], environment: [String: any ValueConvertible] = [:],
        log: LogConfiguration? = nil, taskPolicy: PolicyDocument? = nil
    ) {
        self.name = name
        let ownCluster = cluster == nil ? ECSCluster(name) : nil
        self.ownCluster = ownCluster
        let clusterARN = cluster ?? ECSCluster(name).arn
        executionRole = IAMRole(
            "\(name)_execution", assumeRolePolicy: .assumedBy(service: "ecs-tasks.amazonaws.com"),
            description: "ECS task execution of \(name): image pull, logs, its secrets")
        executionPolicy = IAMRolePolicyAttachment(
            "\(name)_execution", role: executionRole.roleName, policy: ManagedPolicy.amazonECSTaskExecutionRolePolicy)
        let container = ContainerDefinition(
            name: name, image: image, ports: port.map { [$0] } ?? [], environment: environment, secrets: secrets,
            log: log)
        let secretARNs = container.secretARNs
        secretsPolicy =
            secretARNs.isEmpty
            ? nil
            : IAMRolePolicy(
                "\(name)_secrets", role: executionRole.roleName,
                policy: PolicyDocument(
                    .init(.allow, sid: "ReadOwnSecrets", actions: ["secretsmanager:GetSecretValue"], resources: secretARNs)))
        taskRole = IAMRole(
            "\(name)_task", assumeRolePolicy: .assumedBy(service: "ecs-tasks.amazonaws.com"),
            description: "The \(name) application's own permissions")
        let taskRole = self.taskRole
        self.taskPolicy = taskPolicy.map { IAMRolePolicy("\(name)_task", role: taskRole.roleName, policy: $0) }
        access = GuardedGroup(
            "\(name)_service", vpc: subnets.vpc, description: "Fargate service \(name)", port: port, admit: admit,
            admitCIDRs: admitCIDRs, allowEgress: true)
        taskDefinition = ECSTaskDefinition(
            name, size: size.taskSize, executionRole: executionRole.arn, taskRole: taskRole.arn, containers: [container])
        var dependencies = [executionPolicy.address]
        if let secretsPolicy { dependencies.append(secretsPolicy.address) }
        service = ECSService(
            name, cluster: clusterARN, taskDefinition: taskDefinition.arn,
            desiredCount: size.count, subnets: subnets.ids, securityGroups: [access.id]
        ).dependsOn(addresses: dependencies)
    }

    /// The service's security group: pass it to `admit:` of a database or cache.
    public var securityGroup: Ref<SecurityGroup.ID> { access.id }

    public var body: Resources {
        Resources {
            ownCluster
            executionRole
            executionPolicy
            secretsPolicy
            taskRole
            taskPolicy
            access
            taskDefinition
            service
        }
    }
}

/// A secret in Secrets Manager and its value, described by its source (generated at apply,
/// an environment variable, or a file): no plaintext ever appears in the configuration.
public struct Secret: Component, SecretARNConvertible {
    public let name: String
    public let secret: SecretsManagerSecret
    public let version: SecretsManagerSecretVersion

    public init(
        _ name: String, value source: SecretValueSource, description: String? = nil, kmsKey: ARN? = nil,
        recoveryWindow: TimeSpan = .days(30), valueVersion: Int = 1
    ) {
        self.name = name
        secret = SecretsManagerSecret(name, description: description, kmsKey: kmsKey, recoveryWindow: recoveryWindow)
        version = SecretsManagerSecretVersion(name, secret: secret.arn, source: source, valueVersion: valueVersion)
    }

    public var arn: Ref<SecretsManagerSecret.ARN> { secret.arn }
    public var secretARN: Ref<SecretsManagerSecret.ARN> { secret.arn }

    public var body: Resources {
        Resources {
            secret
            version
        }
    }
}
