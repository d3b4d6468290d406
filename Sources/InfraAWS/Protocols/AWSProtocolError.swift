/// A call that could not be put on the wire, or a response that could not be read, with what
/// the user needs to fix it: service, operation, the member path, and the reason.
public struct AWSProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The service model has no such operation (or infra does not ship it).
        case unknownOperation
        /// A URI label member (`Bucket`, `name`) was not given.
        case missingURILabel
        /// The input has a value of the wrong kind for the model's shape.
        case invalidInput
        /// The input names a member the shape does not have.
        case unknownMember
        /// The response body is not what the protocol promises.
        case malformedResponse
    }

    public var kind: Kind
    /// botocore's service name (`ec2`).
    public var service: String
    public var operation: String
    /// Where in the input or output: `TagSpecifications[0].Tags`.
    public var path: String
    public var reason: String

    public init(_ kind: Kind, service: String, operation: String, path: String = "", reason: String) {
        self.kind = kind
        self.service = service
        self.operation = operation
        self.path = path
        self.reason = reason
    }

    public var description: String {
        let location = path.isEmpty ? "" : " at \(path)"
        return "\(service) \(operation)\(location): \(reason)"
    }
}
