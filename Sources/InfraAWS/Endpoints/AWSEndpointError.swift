/// Why no endpoint could be resolved, with what the user should change.
public struct AWSEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No region was configured for a regional service.
        case missingRegion
        /// The region is not a syntactically valid region name.
        case invalidRegion(String)
        /// An `AWS_ENDPOINT_URL*` variable holds something that is not an http(s) URL.
        case invalidOverride(variable: String, value: String, reason: String)
        /// The bucket name is not one S3 accepts.
        case invalidBucketName(String, reason: String)
    }

    public var kind: Kind
    /// The service whose endpoint was being resolved.
    public var service: String

    public init(_ kind: Kind, service: String) {
        self.kind = kind
        self.service = service
    }

    public var description: String {
        switch kind {
        case .missingRegion:
            return "no AWS region configured for \(service): set AWS_REGION (for example AWS_REGION=us-east-1) "
                + "or `region` in the profile"
        case .invalidRegion(let region):
            return "'\(region)' is not a valid AWS region name (resolving \(service)); expected lower-case letters, "
                + "digits and '-', like us-east-1: check AWS_REGION or the profile's `region`"
        case .invalidOverride(let variable, let value, let reason):
            return "\(variable)='\(value)' is not a usable endpoint URL for \(service): \(reason); "
                + "expected something like http://127.0.0.1:5000"
        case .invalidBucketName(let bucket, let reason):
            return "'\(bucket)' is not a valid S3 bucket name: \(reason)"
        }
    }
}
