import Foundation

/// On-demand prices that the cost estimate uses, shipped with the tool so a plan is priced
/// offline and reproducibly. Prices are USD. `source` and `date` are printed with every estimate.
public struct PriceTable: Sendable, Decodable {
    public var date: String
    public var source: String
    public var currency: String
    public var hoursPerMonth: Double
    /// Data processed per NAT gateway per month, an assumption stated next to every NAT estimate.
    public var natGatewayGBPerMonth: Double
    public var regions: [String: RegionPrices]

    enum CodingKeys: String, CodingKey {
        case date, source, currency, regions
        case hoursPerMonth = "hours_per_month"
        case natGatewayGBPerMonth = "nat_gateway_gb_per_month"
    }

    /// Prices of one region. A missing entry means "not in the table": the estimate says so.
    public struct RegionPrices: Sendable, Decodable {
        public var eksClusterHour: Double?
        public var natGatewayHour: Double?
        public var natGatewayGB: Double?
        public var publicIPv4Hour: Double?
        public var secretMonth: Double?
        public var fargateVCPUHour: Double?
        public var fargateGBHour: Double?
        /// Engine → instance class → hourly price, Single-AZ. Multi-AZ is twice that.
        public var rdsInstanceHour: [String: [String: Double]]?
        /// Storage type → GB-month, Single-AZ. Multi-AZ is twice that.
        public var rdsStorageGBMonth: [String: Double]?
        public var elasticacheNodeHour: [String: Double]?
        public var ec2InstanceHour: [String: Double]?
        public var ebsGBMonth: [String: Double]?

        enum CodingKeys: String, CodingKey {
            case eksClusterHour = "eks_cluster_hour"
            case natGatewayHour = "nat_gateway_hour"
            case natGatewayGB = "nat_gateway_gb"
            case publicIPv4Hour = "public_ipv4_hour"
            case secretMonth = "secret_month"
            case fargateVCPUHour = "fargate_vcpu_hour"
            case fargateGBHour = "fargate_gb_hour"
            case rdsInstanceHour = "rds_instance_hour"
            case rdsStorageGBMonth = "rds_storage_gb_month"
            case elasticacheNodeHour = "elasticache_node_hour"
            case ec2InstanceHour = "ec2_instance_hour"
            case ebsGBMonth = "ebs_gb_month"
        }
    }

    /// The table shipped in this repository (`PriceTable+Data.swift`).
    public static func shipped() throws -> PriceTable {
        try JSONDecoder().decode(PriceTable.self, from: Data(shippedPriceTableJSON.utf8))
    }
}
