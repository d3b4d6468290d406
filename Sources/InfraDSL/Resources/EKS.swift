import InfraEngine

/// `aws_eks_cluster`: a managed Kubernetes control plane.
public struct EKSCluster: Resource {
    public enum Name {}
    public static let terraformType = "aws_eks_cluster"
    public let name: String
    public var version: EngineVersion
    public var role: Ref<IAMRole.ARN>
    public var subnets: [Ref<Subnet.ID>]
    public var securityGroups: [Ref<SecurityGroup.ID>]
    public var endpointPublicAccess: Bool
    public var endpointPrivateAccess: Bool
    public var logTypes: [String]
    public var options = ResourceOptions()

    public init(
        _ name: String, version: EngineVersion, role: Ref<IAMRole.ARN>, subnets: [Ref<Subnet.ID>],
        securityGroups: [Ref<SecurityGroup.ID>] = [], endpointPublicAccess: Bool = true,
        endpointPrivateAccess: Bool = true, logTypes: [String] = ["api", "audit", "authenticator"]
    ) {
        self.name = name
        self.version = version
        self.role = role
        self.subnets = subnets
        self.securityGroups = securityGroups
        self.endpointPublicAccess = endpointPublicAccess
        self.endpointPrivateAccess = endpointPrivateAccess
        self.logTypes = logTypes
    }

    /// The cluster's name in AWS (what node groups and kubeconfig name).
    public var clusterName: Ref<Name> { ref("name") }
    public var arn: Ref<ARN> { ref("arn") }
    public var endpoint: Ref<Attribute.Endpoint> { ref("endpoint") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("name", context.physicalName(name))
        a.set("version", version)
        a.require(version.invalidity != nil || version.text.split(separator: ".").count == 2, "version",
                  "an EKS version is MAJOR.MINOR, e.g. 1.31, not \(version)")
        a.set("role_arn", role)
        a.set(
            "vpc_config",
            Value.list([
                .map([
                    "subnet_ids": subnets.value,
                    "security_group_ids": securityGroups.value,
                    "endpoint_public_access": .bool(endpointPublicAccess),
                    "endpoint_private_access": .bool(endpointPrivateAccess),
                ])
            ]))
        a.require(subnets.count >= 2, "vpc_config", "EKS needs subnets in at least two availability zones")
        a.set("enabled_cluster_log_types", logTypes.sorted())
    }
}

/// How many nodes a node group runs.
public struct NodeScaling: Hashable, Sendable, Decodable {
    public var min: Int
    public var desired: Int
    public var max: Int

    public init(min: Int, desired: Int, max: Int) {
        self.min = min
        self.desired = desired
        self.max = max
    }

    public var problem: String? {
        guard min >= 0, max >= 1, min <= desired, desired <= max else {
            return "scaling must satisfy 0 ≤ min ≤ desired ≤ max and max ≥ 1 (got min \(min), desired \(desired), max \(max))"
        }
        return nil
    }
}

/// A Kubernetes taint on every node of a node group.
public struct NodeTaint: Hashable, Sendable {
    public enum Effect: String, Sendable, Hashable {
        case noSchedule = "NO_SCHEDULE", preferNoSchedule = "PREFER_NO_SCHEDULE", noExecute = "NO_EXECUTE"
    }

    public var key: String
    public var value: String?
    public var effect: Effect

    public init(key: String, value: String? = nil, effect: Effect) {
        self.key = key
        self.value = value
        self.effect = effect
    }
}

/// `aws_eks_node_group`: managed worker nodes of a cluster.
public struct EKSNodeGroup: Resource {
    public static let terraformType = "aws_eks_node_group"
    public let name: String
    public var cluster: Ref<EKSCluster.Name>
    public var role: Ref<IAMRole.ARN>
    public var subnets: [Ref<Subnet.ID>]
    public var instanceTypes: [InstanceClass]
    public var scaling: NodeScaling
    public var diskSize: Int
    public var labels: [String: String]
    public var taints: [NodeTaint]
    public var options = ResourceOptions()

    public init(
        _ name: String, cluster: Ref<EKSCluster.Name>, role: Ref<IAMRole.ARN>, subnets: [Ref<Subnet.ID>],
        instanceTypes: [InstanceClass], scaling: NodeScaling, diskSize: Int = 50, labels: [String: String] = [:],
        taints: [NodeTaint] = []
    ) {
        self.name = name
        self.cluster = cluster
        self.role = role
        self.subnets = subnets
        self.instanceTypes = instanceTypes
        self.scaling = scaling
        self.diskSize = diskSize
        self.labels = labels
        self.taints = taints
    }

    public var arn: Ref<ARN> { ref("arn") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("cluster_name", cluster)
        a.set("node_group_name", context.physicalName(name))
        a.set("node_role_arn", role)
        a.set("subnet_ids", subnets)
        a.set("instance_types", instanceTypes.map { $0.requiring(.ec2, for: "EKS nodes") })
        a.require(!instanceTypes.isEmpty, "instance_types", "name at least one instance type, e.g. t3.medium")
        a.set(
            "scaling_config",
            Value.list([
                .map(["min_size": .int(scaling.min), "desired_size": .int(scaling.desired), "max_size": .int(scaling.max)])
            ]))
        if let problem = scaling.problem { a.report("scaling_config", problem) }
        a.set("disk_size", diskSize)
        a.set("labels", labels)
        a.set(
            "taint",
            Value.list(
                // Sorted as the provider reads them back (AWS keeps no order).
                taints.sorted { ($0.key, $0.effect.rawValue) < ($1.key, $1.effect.rawValue) }.map { t in
                    .map(["key": .string(t.key), "value": t.value.map { .string($0) } ?? .null, "effect": .string(t.effect.rawValue)])
                }))
    }
}
