/// An error response from an AWS service, parsed from whichever format the service used
/// (XML `<ErrorResponse>`/`<Response><Errors>`, JSON `__type`, REST-JSON headers).
public struct AWSError: Error, Sendable, CustomStringConvertible {
    /// The service's signing name (`ec2`, `s3`, `secretsmanager`).
    public var service: String
    /// The operation name as in the API reference (`DescribeVpcs`).
    public var operation: String
    /// The error code without namespace (`InvalidVpcID.NotFound`, `ThrottlingException`).
    public var code: String
    public var message: String
    public var requestID: String?
    public var statusCode: Int
    /// The credentials in use (key id and source, never the secret), for auth errors.
    public var credentials: String?
    /// The response's `Date` header, used to detect clock skew.
    public var serverDate: String?

    public init(service: String, operation: String, code: String, message: String, requestID: String? = nil,
                statusCode: Int, credentials: String? = nil, serverDate: String? = nil)
    {
        self.service = service
        self.operation = operation
        self.code = code
        self.message = message
        self.requestID = requestID
        self.statusCode = statusCode
        self.credentials = credentials
        self.serverDate = serverDate
    }

    public var description: String {
        var text = "\(service) \(operation) failed: \(code) (HTTP \(statusCode))"
        if !message.isEmpty { text += ": \(message)" }
        if let credentials { text += " [credentials: \(credentials)]" }
        if let requestID { text += " [request id \(requestID)]" }
        return text
    }
}
