import Foundation

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN`
/// (and `AWS_CREDENTIAL_EXPIRATION`, which some tools export with temporary keys).
public struct EnvironmentCredentialProvider: CredentialProvider {
    public let credentialsFromEnvironment: AWSCredentials

    /// Nil when the environment does not hold a key pair.
    public init?(environment: [String: String]) {
        guard let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else { return nil }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        credentialsFromEnvironment = AWSCredentials(
            accessKeyID: key, secretAccessKey: secret, sessionToken: token,
            expiration: environment["AWS_CREDENTIAL_EXPIRATION"].flatMap(parseISO8601Date),
            source: "environment variables (AWS_ACCESS_KEY_ID)")
    }

    public func credentials() async throws -> AWSCredentials { credentialsFromEnvironment }
}

/// Fixed credentials, e.g. `aws_access_key_id` in a profile.
public struct StaticCredentialProvider: CredentialProvider {
    public let fixed: AWSCredentials
    public init(_ credentials: AWSCredentials) { fixed = credentials }
    public func credentials() async throws -> AWSCredentials { fixed }
}

/// Parses the timestamps that STS, IMDS, ECS and credential_process return
/// (`2026-11-23T10:00:00Z`, with or without fractional seconds).
func parseISO8601Date(_ text: String) -> Date? {
    let plain = ISO8601DateFormatter()
    if let date = plain.date(from: text) { return date }
    let fractional = ISO8601DateFormatter()
    fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return fractional.date(from: text)
}
