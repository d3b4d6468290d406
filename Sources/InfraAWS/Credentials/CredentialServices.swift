/// The STS calls that role-assuming credential providers make.
///
/// The chain takes this as a dependency, rather than constructing an STS client itself,
/// because STS calls are ordinary signed API calls made through ``AWSClient``.
public protocol STSCredentialService: Sendable {
    /// `sts:AssumeRole`, signed with `source`.
    func assumeRole(
        using source: AWSCredentials, roleARN: String, sessionName: String, externalID: String?,
        durationSeconds: Int?, region: String
    ) async throws -> AWSCredentials

    /// `sts:AssumeRoleWithWebIdentity`, which is unsigned: the token is the proof.
    func assumeRoleWithWebIdentity(
        roleARN: String, sessionName: String, webIdentityToken: String, durationSeconds: Int?, region: String
    ) async throws -> AWSCredentials
}

/// Plain HTTP for the container and instance metadata endpoints (no signing, no retries
/// beyond what the caller does).
public protocol MetadataHTTPClient: Sendable {
    func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse
}
