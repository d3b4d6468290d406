import Foundation

/// The container and instance metadata endpoints over the shared transport.
public struct TransportMetadataClient: MetadataHTTPClient {
    public var transport: any AWSHTTPTransport

    public init(transport: any AWSHTTPTransport) {
        self.transport = transport
    }

    public func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse {
        try await transport.send(request, deadline: .now + timeout)
    }
}

extension AWSClient {
    /// The client the CLI uses: the SDKs' default credential chain, endpoint overrides from
    /// `AWS_ENDPOINT_URL[_<SERVICE>]`, `AWS_MAX_ATTEMPTS`, and the process's shared transport.
    public static func standard(
        region: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any AWSHTTPTransport = HTTPTransport.shared
    ) throws -> AWSClient {
        let endpoints = AWSEndpointResolver(environment: environment)
        let chain = CredentialChain(
            environment: environment, sts: AWSClientSTSService(endpoints: endpoints, transport: transport),
            http: TransportMetadataClient(transport: transport))
        var retry = RetryConfiguration.standard
        if let attempts = environment["AWS_MAX_ATTEMPTS"].flatMap(Int.init), attempts > 0 { retry.maxAttempts = attempts }
        return AWSClient(region: region, credentials: try chain.resolve(region: region), endpoints: endpoints,
                         transport: transport, retry: retry)
    }
}
