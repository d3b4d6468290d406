/// An AWS partition: a group of regions sharing a DNS suffix and global endpoints.
public enum AWSPartition: String, Sendable, CaseIterable {
    case aws = "aws"
    case china = "aws-cn"
    case govCloud = "aws-us-gov"

    /// The partition a region belongs to, by the regions' naming scheme.
    public init(region: String) {
        if region.hasPrefix("cn-") {
            self = .china
        } else if region.hasPrefix("us-gov-") {
            self = .govCloud
        } else {
            self = .aws
        }
    }

    /// The domain regional endpoints end with.
    public var dnsSuffix: String {
        switch self {
        case .aws, .govCloud: return "amazonaws.com"
        case .china: return "amazonaws.com.cn"
        }
    }

    /// The one endpoint host and signing region of a global service (IAM) in this partition.
    func globalEndpoint(for service: AWSService) -> (host: String, signingRegion: String) {
        switch self {
        case .aws: return ("\(service.endpointPrefix).amazonaws.com", "us-east-1")
        case .china: return ("\(service.endpointPrefix).cn-north-1.amazonaws.com.cn", "cn-north-1")
        case .govCloud: return ("\(service.endpointPrefix).us-gov.amazonaws.com", "us-gov-west-1")
        }
    }
}
