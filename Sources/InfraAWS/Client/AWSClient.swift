import Foundation

/// Makes AWS API calls: `try await client.call(.ec2, EC2.Operation.describeVpcs, ["VpcIds": [...]])`.
///
/// One call is: resolve the endpoint → serialize the input with the service's protocol → sign
/// with the current credentials at `now + clock-skew offset` → send → parse the output or throw
/// ``AWSError``; all of it inside the standard retry mode, so a retried attempt is signed again
/// (fresh date, refreshed credentials) but carries the same idempotency token.
public final class AWSClient: Sendable {
    /// The region calls go to (and are signed for, except global services).
    public let region: String
    public let credentialProvider: any CredentialProvider
    public let endpoints: AWSEndpointResolver
    public let transport: any AWSHTTPTransport
    public let retry: RetryConfiguration
    private let signer: SigV4Signer
    private let clockSkew: ClockSkew
    private let retrySleep: @Sendable (Duration) async throws -> Void
    private let onRetry: @Sendable (RetryEvent) -> Void

    /// - Parameters:
    ///   - endpoints: the resolver, which reads `AWS_ENDPOINT_URL[_<SERVICE>]` from its environment.
    ///   - transport: ``HTTPTransport/shared`` in the tool; an in-memory one in tests.
    ///   - retrySleep: how the retry executor waits; tests pass one that records and returns.
    public init(
        region: String, credentials: any CredentialProvider, endpoints: AWSEndpointResolver,
        transport: any AWSHTTPTransport, retry: RetryConfiguration = .standard, signer: SigV4Signer = SigV4Signer(),
        clockSkew: ClockSkew = .shared,
        retrySleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        onRetry: @escaping @Sendable (RetryEvent) -> Void = { _ in }
    ) {
        self.region = region
        self.credentialProvider = credentials
        self.endpoints = endpoints
        self.transport = transport
        self.retry = retry
        self.signer = signer
        self.clockSkew = clockSkew
        self.retrySleep = retrySleep
        self.onRetry = onRetry
    }

    /// Calls `operation` of `service` with `input` (keys are the model's member names) and
    /// returns its output.
    ///
    /// - Throws: ``AWSError`` for error responses (with ``AWSError/credentials`` set for
    ///   authentication failures), ``RetryError`` when retryable failures outlasted the
    ///   retries, ``AWSProtocolError`` for inputs the model rejects, ``TransportError``,
    ///   ``AWSEndpointError``, or the credential provider's error.
    public func call(_ service: AWSService, _ operation: String, _ input: AWSDocument = [:]) async throws
        -> AWSDocument
    {
        let model = try service.model()
        let operationModel = try model.operation(operation)
        let prepared = Self.fillingIdempotencyTokens(input, operation: operationModel, model: model)
        let (template, endpoint) = try prepare(prepared, service: service, model: model, operation: operationModel)
        let executor = RetryExecutor(configuration: retry, host: template.host, clockSkew: clockSkew,
                                     sleep: retrySleep, onRetry: onRetry)
        let mayDuplicate = AmbiguousCallError.mayDuplicate(operation)
        let send = {
            try await executor.withRetries { _ in
                do {
                    return try await self.attempt(template, endpoint: endpoint, model: model, operation: operationModel)
                } catch let error as TransportError where mayDuplicate && error.mayHaveReachedServer {
                    // Not retryable by classification: the caller must look before creating again.
                    throw AmbiguousCallError(service: service.serviceID, operation: operation, underlying: error)
                }
            }
        }
        do {
            return try await send()
        } catch let error as AWSError where Self.expiredCodes.contains(error.code) {
            // Temporary credentials expired sooner than they said: fetch new ones, once.
            guard let refreshable = credentialProvider as? any RefreshableCredentialProvider else { throw error }
            await refreshable.invalidate()
            return try await send()
        }
    }

    /// Error codes that mean the signing credentials expired (not that they are wrong).
    static let expiredCodes: Set<String> = ["ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired"]

    /// Calls a paginated operation until its last page and returns one output whose result
    /// lists (`Roles`, `Contents`, ...) hold the items of every page. Operations without a
    /// paginator are called once.
    public func paginate(_ service: AWSService, _ operation: String, _ input: AWSDocument = [:],
                         maxPages: Int = 10_000) async throws -> AWSDocument
    {
        let model = try service.model()
        guard let paginator = try model.operation(operation).paginator else {
            return try await call(service, operation, input)
        }
        var pages: [AWSDocument] = []
        for try await page in self.pages(service, operation, input, maxPages: maxPages) { pages.append(page) }
        return AWSPagination.merge(pages, paginator: paginator)
    }

    /// The pages of a paginated operation as they arrive; stops after `maxPages`.
    public func pages(_ service: AWSService, _ operation: String, _ input: AWSDocument = [:],
                      maxPages: Int = 10_000) -> AsyncThrowingStream<AWSDocument, any Error>
    {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let paginator = try service.model().operation(operation).paginator
                    var next: AWSDocument? = input
                    var count = 0
                    while let pageInput = next, count < maxPages {
                        let page = try await self.call(service, operation, pageInput)
                        continuation.yield(page)
                        count += 1
                        next = paginator.flatMap { AWSPagination.nextInput(after: page, input: pageInput, paginator: $0) }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    // MARK: One attempt

    private func attempt(_ template: AWSHTTPRequest, endpoint: AWSEndpoint, model: ServiceModel,
                         operation: OperationModel) async throws -> AWSDocument
    {
        var request = template
        var credentials: AWSCredentials?
        if !operation.unsigned {
            let current = try await credentialProvider.credentials()
            credentials = current
            signer.sign(&request, credentials: current, region: endpoint.signingRegion,
                        service: endpoint.signingName, date: clockSkew.now(for: template.host))
        }
        let response = try await transport.send(request)
        guard (200..<300).contains(response.status) else {
            var error = AWSErrorParser.parse(response, service: model.metadata.name, operation: operation.name)
            if let credentials, AWSErrorParser.authenticationCodes.contains(error.code) {
                error.credentials = credentials.description
            }
            throw error
        }
        return try AWSResponseParser.parse(response, operation: operation.name, model: model)
    }

    /// The request without signature: serialized, pointed at the endpoint (S3 buckets
    /// virtual-hosted when the resolver says so).
    private func prepare(_ input: AWSDocument, service: AWSService, model: ServiceModel,
                         operation: OperationModel) throws -> (AWSHTTPRequest, AWSEndpoint)
    {
        var request = try AWSRequestSerializer.serialize(input, operation: operation.name, model: model)
        var endpoint = try endpoints.resolve(service, region: region)
        if model.metadata.protocol == .restXML, operation.requestURI.hasPrefix("/{Bucket}"),
           let bucket = input["Bucket"].string
        {
            let bucketEndpoint = try endpoints.resolveS3(bucket: bucket, region: region)
            if bucketEndpoint.style == .virtualHosted {
                let prefix = "/" + AWSPercentEncoding.encode(bucket)
                if request.path.hasPrefix(prefix) { request.path.removeFirst(prefix.count) }
                if request.path.isEmpty { request.path = "/" }
                endpoint.host = bucketEndpoint.endpoint.host
            }
        }
        request.scheme = endpoint.scheme
        request.host = endpoint.host
        request.port = endpoint.port
        request.path = endpoint.requestPath(request.path)
        return (request, endpoint)
    }

    /// Fills top-level idempotency-token members the caller left out with a fresh UUID, once
    /// per call, so every retry of the call sends the same token.
    static func fillingIdempotencyTokens(_ input: AWSDocument, operation: OperationModel,
                                         model: ServiceModel) -> AWSDocument
    {
        guard let inputName = operation.input, let shape = model.shape(inputName) else { return input }
        var filled = input
        for member in shape.members where member.idempotencyToken && input[member.name].isNull {
            filled[member.name] = .string(UUID().uuidString)
        }
        return filled
    }
}

extension AWSService {
    /// infra's model of this service (generated from botocore).
    public func model() throws -> ServiceModel {
        guard let model = ServiceModel.all.first(where: { $0.metadata.endpointPrefix == endpointPrefix }) else {
            throw AWSProtocolError(.unknownOperation, service: serviceID, operation: "",
                                   reason: "infra ships no model for \(serviceID); add it to "
                                       + "scripts/generate-aws-models.py")
        }
        return model
    }
}
