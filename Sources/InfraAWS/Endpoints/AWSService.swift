import Foundation

/// An AWS service as the endpoint resolver and the signer need it: the host prefix, the
/// SigV4 signing name and the SDK service id that names its endpoint-override variable.
public struct AWSService: Sendable, Hashable, CustomStringConvertible {
    /// The first label of the regional host name (`ec2` in `ec2.us-east-1.amazonaws.com`).
    public var endpointPrefix: String
    /// The service name in the SigV4 credential scope.
    public var signingName: String
    /// The SDK service id (`Secrets Manager`), from which `AWS_ENDPOINT_URL_<SERVICE>` is made.
    public var serviceID: String
    /// Global services have one endpoint per partition, signed for one fixed region.
    public var isGlobal: Bool

    public init(endpointPrefix: String, signingName: String, serviceID: String, isGlobal: Bool = false) {
        self.endpointPrefix = endpointPrefix
        self.signingName = signingName
        self.serviceID = serviceID
        self.isGlobal = isGlobal
    }

    public static let ec2 = AWSService(endpointPrefix: "ec2", signingName: "ec2", serviceID: "EC2")
    public static let iam = AWSService(endpointPrefix: "iam", signingName: "iam", serviceID: "IAM", isGlobal: true)
    public static let sts = AWSService(endpointPrefix: "sts", signingName: "sts", serviceID: "STS")
    public static let rds = AWSService(endpointPrefix: "rds", signingName: "rds", serviceID: "RDS")
    public static let elastiCache = AWSService(endpointPrefix: "elasticache", signingName: "elasticache",
                                               serviceID: "ElastiCache")
    public static let dynamoDB = AWSService(endpointPrefix: "dynamodb", signingName: "dynamodb", serviceID: "DynamoDB")
    public static let secretsManager = AWSService(endpointPrefix: "secretsmanager", signingName: "secretsmanager",
                                                  serviceID: "Secrets Manager")
    public static let ecs = AWSService(endpointPrefix: "ecs", signingName: "ecs", serviceID: "ECS")
    public static let eks = AWSService(endpointPrefix: "eks", signingName: "eks", serviceID: "EKS")
    public static let s3 = AWSService(endpointPrefix: "s3", signingName: "s3", serviceID: "S3")

    /// Every service `infra` talks to.
    public static let all: [AWSService] = [.ec2, .iam, .sts, .rds, .elastiCache, .dynamoDB, .secretsManager, .ecs,
                                           .eks, .s3]

    /// `AWS_ENDPOINT_URL_<SERVICE>`: the service id upper-cased, spaces replaced by `_`, as the
    /// SDKs' service-specific endpoint configuration defines it.
    public var endpointOverrideVariable: String {
        "AWS_ENDPOINT_URL_" + serviceID.uppercased().replacingOccurrences(of: " ", with: "_")
    }

    public var description: String { serviceID }
}
