import Foundation

/// The STS calls of the credential chain (role profiles, web identity), made with ``AWSClient``.
///
/// Each call gets its own client signed with the source credentials (or unsigned, for web
/// identity), so the chain and the clients it feeds stay independent.
public struct AWSClientSTSService: STSCredentialService {
    public var endpoints: AWSEndpointResolver
    public var transport: any AWSHTTPTransport
    public var retry: RetryConfiguration

    public init(endpoints: AWSEndpointResolver, transport: any AWSHTTPTransport,
                retry: RetryConfiguration = .standard)
    {
        self.endpoints = endpoints
        self.transport = transport
        self.retry = retry
    }

    public func assumeRole(using source: AWSCredentials, roleARN: String, sessionName: String, externalID: String?,
                           durationSeconds: Int?, region: String) async throws -> AWSCredentials
    {
        var input: AWSDocument = ["RoleArn": .string(roleARN), "RoleSessionName": .string(sessionName)]
        if let externalID { input["ExternalId"] = .string(externalID) }
        if let durationSeconds { input["DurationSeconds"] = .integer(Int64(durationSeconds)) }
        let output = try await client(region: region, credentials: source)
            .call(.sts, STS.Operation.assumeRole, input)
        return try Self.credentials(output, operation: STS.Operation.assumeRole, source: "assumed role \(roleARN)")
    }

    public func assumeRoleWithWebIdentity(roleARN: String, sessionName: String, webIdentityToken: String,
                                          durationSeconds: Int?, region: String) async throws -> AWSCredentials
    {
        var input: AWSDocument = [
            "RoleArn": .string(roleARN), "RoleSessionName": .string(sessionName),
            "WebIdentityToken": .string(webIdentityToken),
        ]
        if let durationSeconds { input["DurationSeconds"] = .integer(Int64(durationSeconds)) }
        // The operation is unsigned; the provider is never asked.
        let unused = AWSCredentials(accessKeyID: "", secretAccessKey: "", source: "none (unsigned call)")
        let output = try await client(region: region, credentials: unused)
            .call(.sts, STS.Operation.assumeRoleWithWebIdentity, input)
        return try Self.credentials(output, operation: STS.Operation.assumeRoleWithWebIdentity,
                                    source: "web identity role \(roleARN)")
    }

    private func client(region: String, credentials: AWSCredentials) -> AWSClient {
        AWSClient(region: region, credentials: StaticCredentialProvider(credentials), endpoints: endpoints,
                  transport: transport, retry: retry)
    }

    static func credentials(_ output: AWSDocument, operation: String, source: String) throws -> AWSCredentials {
        let found = output["Credentials"]
        guard let keyID = found["AccessKeyId"].string, let secret = found["SecretAccessKey"].string else {
            throw AWSProtocolError(.malformedResponse, service: "sts", operation: operation, path: "Credentials",
                                   reason: "the answer has no credentials")
        }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: found["SessionToken"].string,
                              expiration: found["Expiration"].date, source: source)
    }
}
