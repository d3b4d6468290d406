import InfraEngine

/// The monthly cost of one resource, before and after the plan.
public struct CostLine: Sendable, Equatable {
    public enum Amount: Sendable, Equatable {
        /// The resource type costs nothing by itself (VPCs, subnets, IAM roles...).
        case free
        case monthly(Double, detail: String)
        /// No price could be found; never counted as zero without saying so.
        case unknown(String)

        public var dollars: Double? {
            switch self {
            case .free: 0
            case .monthly(let d, _): d
            case .unknown: nil
            }
        }
    }

    public var address: ResourceAddress
    /// Nil when the resource does not exist before (or after) the plan.
    public var before: Amount?
    public var after: Amount?

    /// After minus before, when both sides are known.
    public var delta: Double? {
        let b = before.map { $0.dollars } ?? 0
        let a = after.map { $0.dollars } ?? 0
        guard let b, let a else { return nil }
        return a - b
    }
}

/// A plan's estimated monthly on-demand cost, per resource and in total.
public struct CostEstimate: Sendable {
    public var region: String
    public var tableDate: String
    public var tableSource: String
    public var assumptions: [String]
    public var lines: [CostLine]

    public var totalBefore: Double { lines.compactMap { $0.before?.dollars }.reduce(0, +) }
    public var totalAfter: Double { lines.compactMap { $0.after?.dollars }.reduce(0, +) }
    public var delta: Double { totalAfter - totalBefore }
    /// Resources whose price is unknown on either side: the totals exclude them.
    public var unknown: [CostLine] {
        lines.filter {
            if case .unknown = $0.before { return true }
            if case .unknown = $0.after { return true }
            return false
        }
    }
}

/// Prices resources from a ``PriceTable``.
public struct CostEstimator: Sendable {
    public var table: PriceTable
    public var region: String

    public init(table: PriceTable, region: String) {
        self.table = table
        self.region = region
    }

    /// Types that cost nothing by themselves; any type in neither this set nor the estimator's
    /// switch is reported as unknown.
    public static let freeTypes: Set<String> = [
        "aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_route_table", "aws_route", "aws_route_table_association",
        "aws_security_group", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
        "aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy",
        "aws_secretsmanager_secret_version", "aws_ecs_cluster", "aws_ecs_task_definition",
        "aws_db_subnet_group", "aws_db_parameter_group", "aws_elasticache_subnet_group",
    ]

    public func estimate(_ resources: [ResourceView]) -> CostEstimate {
        let byAddress = Dictionary(resources.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        let lines = resources.sorted { $0.address < $1.address }.compactMap { resource -> CostLine? in
            let before = resource.before.map { price(resource, $0, byAddress: byAddress, side: \.before) }
            let after = resource.after.map { price(resource, $0, byAddress: byAddress, side: \.after) }
            if before == nil || before == .free, after == nil || after == .free { return nil }
            return CostLine(address: resource.address, before: before, after: after)
        }
        var assumptions = ["\(Int(table.hoursPerMonth)) hours a month, on-demand"]
        if resources.contains(where: { $0.type == "aws_nat_gateway" }) {
            assumptions.append("\(Int(table.natGatewayGBPerMonth)) GB processed per NAT gateway a month")
        }
        return CostEstimate(region: region, tableDate: table.date, tableSource: table.source, assumptions: assumptions, lines: lines)
    }

    func price(_ resource: ResourceView, _ attributes: [String: Value], byAddress: [ResourceAddress: ResourceView],
               side: KeyPath<ResourceView, [String: Value]?>) -> CostLine.Amount
    {
        if Self.freeTypes.contains(resource.type) { return .free }
        guard let prices = table.regions[region] else {
            return .unknown("no prices for region \(region) in the shipped table (\(table.date))")
        }
        let hours = table.hoursPerMonth
        func missing(_ what: String) -> CostLine.Amount { .unknown("no \(region) price for \(what) in the shipped table (\(table.date))") }
        func later(_ attribute: String) -> CostLine.Amount { .unknown("\(attribute) is known only after apply") }

        switch resource.type {
        case "aws_eks_cluster":
            guard let hour = prices.eksClusterHour else { return missing("the EKS control plane") }
            return .monthly(hour * hours, detail: "control plane \(hour)/h")

        case "aws_eks_node_group":
            let scaling = attributes["scaling_config"]?.block ?? [:]
            guard let desired = scaling["desired_size"]?.intValue else { return later("scaling_config.desired_size") }
            let type = attributes["instance_types"]?.strings.first ?? "t3.medium"  // EKS's default
            guard let hour = prices.ec2InstanceHour?[type] else { return missing("EC2 \(type)") }
            let disk = Double(attributes["disk_size"]?.intValue ?? 20)
            let diskPrice = (prices.ebsGBMonth?["gp2"] ?? 0) * disk
            return .monthly(Double(desired) * (hour * hours + diskPrice),
                            detail: "\(desired) × \(type) \(hour)/h + \(Int(disk)) GB gp2")

        case "aws_nat_gateway":
            guard let hour = prices.natGatewayHour, let gb = prices.natGatewayGB else { return missing("NAT gateways") }
            return .monthly(hour * hours + gb * table.natGatewayGBPerMonth,
                            detail: "\(hour)/h + \(Int(table.natGatewayGBPerMonth)) GB × \(gb)/GB")

        case "aws_eip":
            guard let hour = prices.publicIPv4Hour else { return missing("public IPv4 addresses") }
            return .monthly(hour * hours, detail: "public IPv4 \(hour)/h")

        case "aws_secretsmanager_secret":
            guard let month = prices.secretMonth else { return missing("Secrets Manager") }
            return .monthly(month, detail: "\(month) per secret-month (API calls extra)")

        case "aws_db_instance":
            guard let instanceClass = attributes["instance_class"]?.stringValue else { return later("instance_class") }
            let engine = attributes["engine"]?.stringValue ?? "postgres"
            guard let hour = prices.rdsInstanceHour?[engine]?[instanceClass] else { return missing("RDS \(engine) \(instanceClass)") }
            let multiAZ = attributes["multi_az"]?.boolValue == true
            let factor = multiAZ ? 2.0 : 1.0
            let storageType = attributes["storage_type"]?.stringValue ?? "gp2"
            let gigabytes = Double(attributes["allocated_storage"]?.intValue ?? 20)
            guard let gbMonth = prices.rdsStorageGBMonth?[storageType] else { return missing("RDS \(storageType) storage") }
            return .monthly(factor * (hour * hours + gbMonth * gigabytes),
                            detail: "\(instanceClass) \(hour)/h + \(Int(gigabytes)) GB \(storageType)\(multiAZ ? ", Multi-AZ ×2" : "")")

        case "aws_elasticache_replication_group", "aws_elasticache_cluster":
            guard let nodeType = attributes["node_type"]?.stringValue else { return later("node_type") }
            guard let hour = prices.elasticacheNodeHour?[nodeType] else { return missing("ElastiCache \(nodeType)") }
            let nodes: Int
            if resource.type == "aws_elasticache_cluster" {
                nodes = attributes["num_cache_nodes"]?.intValue ?? 1
            } else if let clusters = attributes["num_cache_clusters"]?.intValue {
                nodes = clusters
            } else {
                let groups = attributes["num_node_groups"]?.intValue ?? 1
                nodes = groups * ((attributes["replicas_per_node_group"]?.intValue ?? 0) + 1)
            }
            return .monthly(Double(nodes) * hour * hours, detail: "\(nodes) × \(nodeType) \(hour)/h")

        case "aws_ecs_service":
            guard let count = attributes["desired_count"]?.intValue else { return later("desired_count") }
            guard let taskAddress = resource.references["task_definition"],
                let task = byAddress[taskAddress]?[keyPath: side] ?? byAddress[taskAddress]?.after
            else { return .unknown("its task definition is not in this plan, so its CPU and memory are unknown") }
            guard let cpu = Self.number(task["cpu"]), let memory = Self.number(task["memory"]) else {
                return .unknown("\(taskAddress) sets no task-level cpu and memory")
            }
            guard let vcpuHour = prices.fargateVCPUHour, let gbHour = prices.fargateGBHour else { return missing("Fargate") }
            let perTask = (cpu / 1024 * vcpuHour + memory / 1024 * gbHour) * hours
            return .monthly(Double(count) * perTask,
                            detail: "\(count) × Fargate \(Self.trim(cpu / 1024)) vCPU, \(Self.trim(memory / 1024)) GB")

        default:
            return .unknown("infra has no price model for \(resource.type)")
        }
    }

    /// ECS writes cpu and memory as strings ("512") or numbers.
    static func number(_ value: Value?) -> Double? {
        if let n = value?.numberValue { return n }
        return value?.stringValue.flatMap(Double.init)
    }

    static func trim(_ value: Double) -> String { value.rounded() == value ? String(Int(value)) : String(value) }
}
