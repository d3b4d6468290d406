import Foundation

/// Resolves (service, region) to the endpoint to call and the region and name to sign for.
///
/// Rules, in order:
/// 1. `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_SECRETS_MANAGER`), then
///    `AWS_ENDPOINT_URL`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`: how a local
///    emulator is used. The request is then signed for the configured region.
/// 2. Global services (IAM): one host per partition, signed for that partition's home region.
/// 3. Everything else: `<prefix>.<region>.<partition DNS suffix>`.
///
/// The environment is injected, not read from the process, so tests and callers decide.
public struct AWSEndpointResolver: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The endpoint for `service` in `region`.
    public func resolve(_ service: AWSService, region: String) throws(AWSEndpointError) -> AWSEndpoint {
        try Self.validate(region: region, service: service)
        if let override = try overrideEndpoint(for: service, region: region) { return override }
        let partition = AWSPartition(region: region)
        if service.isGlobal {
            let global = partition.globalEndpoint(for: service)
            return AWSEndpoint(host: global.host, signingRegion: global.signingRegion,
                               signingName: service.signingName)
        }
        return AWSEndpoint(host: "\(service.endpointPrefix).\(region).\(partition.dnsSuffix)",
                           signingRegion: region, signingName: service.signingName)
    }

    /// The endpoint for S3 bucket `bucket` in `region`: virtual-hosted
    /// (`bucket.s3.region.amazonaws.com`) when the name is a plain DNS label, path-style
    /// (`s3.region.amazonaws.com/bucket`) when `forcePathStyle`, when the endpoint is
    /// overridden, or when the name has dots (the TLS wildcard certificate covers one label).
    public func resolveS3(bucket: String, region: String, forcePathStyle: Bool = false)
        throws(AWSEndpointError) -> S3BucketEndpoint
    {
        try Self.validate(bucket: bucket)
        var endpoint = try resolve(.s3, region: region)
        if forcePathStyle || endpoint.overriddenBy != nil || !Self.isVirtualHostable(bucket) {
            endpoint.basePath += "/" + AWSPercentEncoding.encode(bucket)
            return S3BucketEndpoint(endpoint: endpoint, style: .path)
        }
        endpoint.host = "\(bucket).\(endpoint.host)"
        return S3BucketEndpoint(endpoint: endpoint, style: .virtualHosted)
    }

    // MARK: Overrides

    private func overrideEndpoint(for service: AWSService, region: String) throws(AWSEndpointError) -> AWSEndpoint? {
        if let ignore = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"], ignore.lowercased() == "true" {
            return nil
        }
        for variable in [service.endpointOverrideVariable, "AWS_ENDPOINT_URL"] {
            // An empty value counts as unset, as in the SDKs.
            guard let value = environment[variable]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                continue
            }
            return try Self.parseOverride(value, variable: variable, service: service, region: region)
        }
        return nil
    }

    static func parseOverride(_ value: String, variable: String, service: AWSService, region: String)
        throws(AWSEndpointError) -> AWSEndpoint
    {
        func invalid(_ reason: String) -> AWSEndpointError {
            AWSEndpointError(.invalidOverride(variable: variable, value: value, reason: reason),
                             service: service.serviceID)
        }
        guard let components = URLComponents(string: value) else { throw invalid("it does not parse as a URL") }
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw invalid("the scheme must be http or https")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("it has no host") }
        if components.query != nil || components.fragment != nil {
            throw invalid("it must not have a query or fragment")
        }
        if components.user != nil || components.password != nil {
            throw invalid("it must not carry user information")
        }
        var basePath = components.percentEncodedPath
        while basePath.hasSuffix("/") { basePath.removeLast() }
        return AWSEndpoint(scheme: scheme, host: host, port: components.port, basePath: basePath,
                           signingRegion: region, signingName: service.signingName, overriddenBy: variable)
    }

    // MARK: Validation

    static func validate(region: String, service: AWSService) throws(AWSEndpointError) {
        guard !region.isEmpty else { throw AWSEndpointError(.missingRegion, service: service.serviceID) }
        let bytes = region.utf8
        let valid = bytes.count <= 64
            && bytes.first.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } == true
            && bytes.last != UInt8(ascii: "-")
            && bytes.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            }
        guard valid else { throw AWSEndpointError(.invalidRegion(region), service: service.serviceID) }
    }

    /// S3's bucket naming rules that matter for addressing: 3 to 63 characters, lower-case
    /// letters, digits, `.` and `-`, starting and ending with a letter or digit. Legacy
    /// buckets with upper case or `_` exist in us-east-1; they are allowed and go path-style.
    static func validate(bucket: String) throws(AWSEndpointError) {
        let bytes = Array(bucket.utf8)
        func invalid(_ reason: String) -> AWSEndpointError {
            AWSEndpointError(.invalidBucketName(bucket, reason: reason), service: AWSService.s3.serviceID)
        }
        guard (3...255).contains(bytes.count) else { throw invalid("it must be 3 to 63 characters long (255 for legacy us-east-1 buckets)") }
        for byte in bytes {
            let allowed = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            guard allowed else {
                throw invalid("only letters, digits, '.', '-' and '_' are allowed")
            }
        }
    }

    /// Whether `bucket` can be the first label of the S3 host name.
    static func isVirtualHostable(_ bucket: String) -> Bool {
        let bytes = Array(bucket.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func isLowerAlnum(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        guard let first = bytes.first, let last = bytes.last, isLowerAlnum(first), isLowerAlnum(last) else {
            return false
        }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }
}
