import Foundation

/// A set of AWS credentials and where they came from.
///
/// `source` is what `infra whoami` and error messages show ("environment variables",
/// "profile prod (assumed role arn:aws:iam::…)"): never the secret.
public struct AWSCredentials: Sendable, Hashable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?
    public var source: String

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil,
                expiration: Date? = nil, source: String)
    {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }
}

extension AWSCredentials: CustomStringConvertible {
    /// Safe to log: the key id and the source, never the secret or the token.
    public var description: String { "\(accessKeyID) from \(source)" }
}

/// Anything that can produce credentials: one link of the chain, or the whole chain.
public protocol CredentialProvider: Sendable {
    func credentials() async throws -> AWSCredentials
}

/// A provider whose credentials can be fetched again before they are due, because AWS said
/// they expired (their expiry time was wrong, or the clock was).
public protocol RefreshableCredentialProvider: CredentialProvider {
    /// Forgets the cached credentials; the next ``credentials()`` fetches new ones.
    func invalidate() async
}
