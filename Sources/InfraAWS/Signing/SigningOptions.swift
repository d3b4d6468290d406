/// How ``SigV4Signer`` treats one request: the per-service rules of SigV4 that differ
/// between S3 and every other service, and the payload-hash choice.
public struct SigningOptions: Sendable, Equatable {
    /// What goes in the canonical request's payload-hash line.
    public enum Payload: Sendable, Equatable {
        /// SHA-256 of the body, hashed once while signing.
        case signed
        /// The literal `UNSIGNED-PAYLOAD` (S3 over TLS, presigned URLs); always sent as
        /// `x-amz-content-sha256` in header signing, since the service must know.
        case unsigned
        /// A hash the caller already has (lower-case hex), e.g. computed while streaming.
        case precomputed(String)
    }

    public var payload: Payload
    /// Send and sign `x-amz-content-sha256` (S3 requires it; optional elsewhere).
    public var addContentSHA256Header: Bool
    /// Remove `.`/`..` segments and empty segments from the path before signing (all
    /// services except S3, whose object keys may legitimately contain them).
    public var normalizePath: Bool
    /// URI-encode the (already wire-encoded) path once more for the canonical request: the
    /// "double encoding" every service except S3 expects.
    public var encodePath: Bool
    /// Whether `X-Amz-Security-Token` is covered by the signature. A few services want it
    /// added after signing; all the ones `infra` talks to sign it.
    public var signSessionToken: Bool
    /// Set the `Host` header on the request when it has none, so what the transport sends is
    /// exactly what was signed.
    public var addHostHeader: Bool

    public init(payload: Payload = .signed, addContentSHA256Header: Bool = false, normalizePath: Bool = true,
                encodePath: Bool = true, signSessionToken: Bool = true, addHostHeader: Bool = true)
    {
        self.payload = payload
        self.addContentSHA256Header = addContentSHA256Header
        self.normalizePath = normalizePath
        self.encodePath = encodePath
        self.signSessionToken = signSessionToken
        self.addHostHeader = addHostHeader
    }

    /// The rules for every service except S3: normalized, double-encoded path; signed body.
    public static let standard = SigningOptions()

    /// S3's rules: path signed exactly as sent, body hash always sent in `x-amz-content-sha256`.
    public static let s3 = SigningOptions(addContentSHA256Header: true, normalizePath: false, encodePath: false)

    /// The options for header signing a request to `service` (its signing name).
    public static func `default`(forService service: String) -> SigningOptions {
        isS3(service) ? .s3 : .standard
    }

    /// The options for a presigned URL to `service`: S3 URLs carry `UNSIGNED-PAYLOAD`,
    /// since whoever uses the URL chooses the body.
    public static func presigned(forService service: String) -> SigningOptions {
        var options = self.default(forService: service)
        if isS3(service) { options.payload = .unsigned }
        return options
    }

    static func isS3(_ service: String) -> Bool {
        service == "s3" || service == "s3-outposts" || service == "s3express"
    }
}
