/// Where to send a request for one service and region, and how to sign it.
public struct AWSEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    /// `nil` for the scheme's default port.
    public var port: Int?
    /// A prefix for every request path, without a trailing `/` (`""` for none): set by an
    /// override URL with a path, and by S3 path-style addressing (`/bucket`).
    public var basePath: String
    /// The region in the SigV4 credential scope (`us-east-1` for IAM in the aws partition).
    public var signingRegion: String
    /// The service in the SigV4 credential scope.
    public var signingName: String
    /// The environment variable the endpoint came from, when it was overridden.
    public var overriddenBy: String?

    public init(scheme: String = "https", host: String, port: Int? = nil, basePath: String = "",
                signingRegion: String, signingName: String, overriddenBy: String? = nil)
    {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
        self.signingRegion = signingRegion
        self.signingName = signingName
        self.overriddenBy = overriddenBy
    }

    /// `scheme://host[:port]basePath`.
    public var url: String {
        var text = "\(scheme)://\(host)"
        if let port { text += ":\(port)" }
        return text + basePath
    }

    /// `path` (wire-encoded, starting with `/`) under ``basePath``.
    public func requestPath(_ path: String) -> String {
        if basePath.isEmpty { return path.isEmpty ? "/" : path }
        if path.isEmpty || path == "/" { return basePath + "/" }
        return path.hasPrefix("/") ? basePath + path : basePath + "/" + path
    }

    /// A request to this endpoint, ready for a protocol serializer to fill in.
    public func request(method: String, path: String = "/") -> AWSHTTPRequest {
        AWSHTTPRequest(method: method, scheme: scheme, host: host, port: port, path: requestPath(path))
    }

    public var description: String { "\(url) (signing \(signingName) in \(signingRegion))" }
}

/// How an S3 bucket is addressed.
public enum S3AddressingStyle: String, Sendable {
    /// `bucket.s3.region.amazonaws.com/key`.
    case virtualHosted
    /// `s3.region.amazonaws.com/bucket/key`: for endpoint overrides (an emulator has no
    /// wildcard DNS) and bucket names that cannot be a DNS label under TLS (dots).
    case path
}

/// A resolved S3 bucket endpoint: object keys go under ``endpoint``'s `basePath`.
public struct S3BucketEndpoint: Sendable, Equatable {
    public var endpoint: AWSEndpoint
    public var style: S3AddressingStyle
}
