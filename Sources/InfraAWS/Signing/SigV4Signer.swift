import Crypto
import Foundation

/// AWS Signature Version 4: signs requests with an `Authorization` header, or presigns a URL.
///
/// One signer serves the whole process: it is `Sendable` and caches the derived signing keys
/// (per secret, day, region and service), so signing a request costs one pass over the body
/// and three SHA-256 computations over a few hundred bytes.
///
/// The canonical request follows the AWS specification and agrees with botocore, including
/// S3's exceptions (path neither normalized nor encoded again, `x-amz-content-sha256` always
/// sent); ``SigningOptions`` selects them.
public struct SigV4Signer: Sendable {
    static let algorithm = "AWS4-HMAC-SHA256"
    static let unsignedPayload = "UNSIGNED-PAYLOAD"

    private let keyCache: SigV4SigningKeyCache

    public init() {
        keyCache = SigV4SigningKeyCache()
    }

    /// Signs `request` in place: sets `X-Amz-Date`, `X-Amz-Security-Token` (when the
    /// credentials have a session token), `x-amz-content-sha256` (when the options ask for it),
    /// `Host` (when absent) and `Authorization`, replacing earlier values of each, so a retried
    /// request can be signed again.
    ///
    /// - Parameters:
    ///   - region: the signing region (from the resolved endpoint; `us-east-1` for global IAM).
    ///   - service: the signing name (`ec2`, `s3`, `secretsmanager`, ...).
    ///   - date: the request time; pass the clock-skew-corrected time on retries.
    ///   - options: the service's rules; `nil` takes ``SigningOptions/default(forService:)``.
    public func sign(_ request: inout AWSHTTPRequest, credentials: AWSCredentials, region: String,
                     service: String, date: Date, options: SigningOptions? = nil)
    {
        _ = signHeaders(&request, credentials: credentials, region: region, service: service, date: date,
                        options: options ?? .default(forService: service), trace: false)
    }

    /// Signs like ``sign(_:credentials:region:service:date:options:)`` and also returns the
    /// intermediate results (canonical request, string to sign), for tests and debugging of
    /// `SignatureDoesNotMatch` errors.
    public func signWithTrace(_ request: inout AWSHTTPRequest, credentials: AWSCredentials, region: String,
                              service: String, date: Date, options: SigningOptions? = nil) -> SigV4Trace
    {
        signHeaders(&request, credentials: credentials, region: region, service: service, date: date,
                    options: options ?? .default(forService: service), trace: true)
            ?? SigV4Trace(canonicalRequest: "", stringToSign: "", signedHeaders: "", signature: "", result: "")
    }

    /// A presigned URL for `request`: the auth parameters (`X-Amz-Algorithm`,
    /// `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`,
    /// `X-Amz-Security-Token`, `X-Amz-Signature`) follow the request's own query parameters.
    ///
    /// Whoever uses the URL must send the request's headers that were signed (only `host`
    /// unless the request carries others).
    ///
    /// - Parameters:
    ///   - expires: seconds the URL stays valid (AWS allows 1 to 604800).
    ///   - options: `nil` takes ``SigningOptions/presigned(forService:)`` (S3:
    ///     `UNSIGNED-PAYLOAD`).
    public func presignedURL(for request: AWSHTTPRequest, credentials: AWSCredentials, region: String,
                             service: String, date: Date, expires: Int, options: SigningOptions? = nil) -> String
    {
        presign(request, credentials: credentials, region: region, service: service, date: date, expires: expires,
                options: options ?? .presigned(forService: service), trace: false).url
    }

    /// ``presignedURL(for:credentials:region:service:date:expires:options:)`` with the
    /// intermediate results; ``SigV4Trace/result`` is the URL.
    public func presignWithTrace(_ request: AWSHTTPRequest, credentials: AWSCredentials, region: String,
                                 service: String, date: Date, expires: Int, options: SigningOptions? = nil)
        -> SigV4Trace
    {
        let result = presign(request, credentials: credentials, region: region, service: service, date: date,
                             expires: expires, options: options ?? .presigned(forService: service), trace: true)
        return result.trace
            ?? SigV4Trace(canonicalRequest: "", stringToSign: "", signedHeaders: "", signature: "", result: result.url)
    }

    // MARK: Header signing

    private func signHeaders(_ request: inout AWSHTTPRequest, credentials: AWSCredentials, region: String,
                             service: String, date: Date, options: SigningOptions, trace: Bool) -> SigV4Trace?
    {
        let timestamp = SigV4Timestamp(date)
        let amzDate = timestamp.string
        let token = credentials.sessionToken
        let sendsContentHash = options.addContentSHA256Header || options.payload == .unsigned

        // One pass: drop what this signature replaces, and note what is there.
        var existingContentHash: String?
        var hasHost = false
        request.headers.removeAll { header in
            switch SigV4Canonical.asciiLowercased(header.name) {
            case "authorization", "x-amz-date":
                return true
            case "x-amz-security-token":
                return token != nil
            case "x-amz-content-sha256":
                if sendsContentHash { return true }
                existingContentHash = header.value
                return false
            case "host":
                hasHost = true
                return false
            default:
                return false
            }
        }

        let payloadHash: String
        switch options.payload {
        case .signed: payloadHash = existingContentHash ?? SigV4Canonical.payloadHash(request.body)
        case .unsigned: payloadHash = Self.unsignedPayload
        case .precomputed(let hash): payloadHash = hash
        }

        if options.addHostHeader && !hasHost { request.headers.append(("Host", request.hostHeader)) }
        request.headers.append(("X-Amz-Date", amzDate))
        if let token, options.signSessionToken { request.headers.append(("X-Amz-Security-Token", token)) }
        if sendsContentHash { request.headers.append(("X-Amz-Content-SHA256", payloadHash)) }

        let headers = SigV4Canonical.headers(request.headers, hostFallback: request.hostHeader)
        var signedHeaders: [UInt8] = []
        signedHeaders.reserveCapacity(headers.count * 16)
        SigV4Canonical.appendSignedHeaders(headers, to: &signedHeaders)

        var canonical: [UInt8] = []
        canonical.reserveCapacity(256 + request.path.utf8.count * 3 + request.query.count * 32 + headers.count * 64)
        canonical.append(contentsOf: request.method.utf8)
        canonical.append(UInt8(ascii: "\n"))
        SigV4Canonical.appendPath(request.path, normalize: options.normalizePath, encode: options.encodePath,
                                  to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        SigV4Canonical.appendQuery(request.query, to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        SigV4Canonical.appendCanonicalHeaders(headers, to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: signedHeaders)
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: payloadHash.utf8)

        let signed = signature(canonical: canonical, timestamp: timestamp, credentials: credentials, region: region,
                               service: service, trace: trace)

        var authorization: [UInt8] = []
        authorization.reserveCapacity(160 + signedHeaders.count + credentials.accessKeyID.utf8.count)
        authorization.append(contentsOf: "AWS4-HMAC-SHA256 Credential=".utf8)
        authorization.append(contentsOf: credentials.accessKeyID.utf8)
        authorization.append(UInt8(ascii: "/"))
        appendScope(timestamp: timestamp, region: region, service: service, to: &authorization)
        authorization.append(contentsOf: ", SignedHeaders=".utf8)
        authorization.append(contentsOf: signedHeaders)
        authorization.append(contentsOf: ", Signature=".utf8)
        authorization.append(contentsOf: signed.signature)
        let authorizationValue = String(decoding: authorization, as: UTF8.self)
        request.headers.append(("Authorization", authorizationValue))
        // A token the service wants outside the signature is added only now.
        if let token, !options.signSessionToken { request.headers.append(("X-Amz-Security-Token", token)) }

        guard trace else { return nil }
        return SigV4Trace(canonicalRequest: String(decoding: canonical, as: UTF8.self),
                          stringToSign: signed.stringToSign ?? "",
                          signedHeaders: String(decoding: signedHeaders, as: UTF8.self),
                          signature: String(decoding: signed.signature, as: UTF8.self),
                          result: authorizationValue)
    }

    // MARK: Presigning

    private func presign(_ request: AWSHTTPRequest, credentials: AWSCredentials, region: String, service: String,
                         date: Date, expires: Int, options: SigningOptions, trace: Bool) -> (url: String, trace: SigV4Trace?)
    {
        let timestamp = SigV4Timestamp(date)
        let headers = SigV4Canonical.headers(request.headers, hostFallback: request.hostHeader)
        var signedHeaders: [UInt8] = []
        SigV4Canonical.appendSignedHeaders(headers, to: &signedHeaders)

        var credential: [UInt8] = Array(credentials.accessKeyID.utf8)
        credential.append(UInt8(ascii: "/"))
        appendScope(timestamp: timestamp, region: region, service: service, to: &credential)

        var authQuery: [(name: String, value: String)] = [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", String(decoding: credential, as: UTF8.self)),
            ("X-Amz-Date", timestamp.string),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", String(decoding: signedHeaders, as: UTF8.self)),
        ]
        if let token = credentials.sessionToken, options.signSessionToken {
            authQuery.append(("X-Amz-Security-Token", token))
        }

        let payloadHash: String
        switch options.payload {
        case .signed: payloadHash = request.header("x-amz-content-sha256") ?? SigV4Canonical.payloadHash(request.body)
        case .unsigned: payloadHash = Self.unsignedPayload
        case .precomputed(let hash): payloadHash = hash
        }

        var canonical: [UInt8] = []
        canonical.reserveCapacity(512)
        canonical.append(contentsOf: request.method.utf8)
        canonical.append(UInt8(ascii: "\n"))
        SigV4Canonical.appendPath(request.path, normalize: options.normalizePath, encode: options.encodePath,
                                  to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        SigV4Canonical.appendQuery(request.query, extra: authQuery, to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        SigV4Canonical.appendCanonicalHeaders(headers, to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: signedHeaders)
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: payloadHash.utf8)

        let signed = signature(canonical: canonical, timestamp: timestamp, credentials: credentials, region: region,
                               service: service, trace: trace)

        var finalQuery = request.query
        finalQuery.append(contentsOf: authQuery)
        if let token = credentials.sessionToken, !options.signSessionToken {
            finalQuery.append(("X-Amz-Security-Token", token))
        }
        finalQuery.append(("X-Amz-Signature", String(decoding: signed.signature, as: UTF8.self)))
        var urlRequest = request
        urlRequest.query = finalQuery
        let url = urlRequest.url

        guard trace else { return (url, nil) }
        return (url, SigV4Trace(canonicalRequest: String(decoding: canonical, as: UTF8.self),
                                stringToSign: signed.stringToSign ?? "",
                                signedHeaders: String(decoding: signedHeaders, as: UTF8.self),
                                signature: String(decoding: signed.signature, as: UTF8.self),
                                result: url))
    }

    // MARK: Shared steps

    /// `date/region/service/aws4_request`.
    private func appendScope(timestamp: SigV4Timestamp, region: String, service: String, to output: inout [UInt8]) {
        timestamp.withBytes { output.append(contentsOf: $0.prefix(8)) }
        output.append(UInt8(ascii: "/"))
        output.append(contentsOf: region.utf8)
        output.append(UInt8(ascii: "/"))
        output.append(contentsOf: service.utf8)
        output.append(contentsOf: "/aws4_request".utf8)
    }

    /// The string to sign for `canonical`, and its HMAC with the (cached) signing key as hex.
    private func signature(canonical: [UInt8], timestamp: SigV4Timestamp, credentials: AWSCredentials,
                           region: String, service: String, trace: Bool) -> (signature: [UInt8], stringToSign: String?)
    {
        let canonicalHash = canonical.withUnsafeBytes { SHA256.hash(data: $0) }

        var stringToSign: [UInt8] = []
        stringToSign.reserveCapacity(128 + region.utf8.count + service.utf8.count)
        stringToSign.append(contentsOf: "AWS4-HMAC-SHA256\n".utf8)
        timestamp.withBytes { stringToSign.append(contentsOf: $0) }
        stringToSign.append(UInt8(ascii: "\n"))
        appendScope(timestamp: timestamp, region: region, service: service, to: &stringToSign)
        stringToSign.append(UInt8(ascii: "\n"))
        SigV4Canonical.appendHex(canonicalHash, to: &stringToSign)

        var mac = timestamp.withBytes { dateStamp in
            keyCache.signingMAC(
                for: .init(secret: credentials.secretAccessKey, day: timestamp.day, region: region, service: service),
                dateStamp: UnsafeRawBufferPointer(rebasing: dateStamp.prefix(8)))
        }
        stringToSign.withUnsafeBytes { mac.update(data: $0) }
        var signature: [UInt8] = []
        signature.reserveCapacity(64)
        SigV4Canonical.appendHex(mac.finalize(), to: &signature)
        return (signature, trace ? String(decoding: stringToSign, as: UTF8.self) : nil)
    }
}

/// The intermediate results of one signature: what AWS compares when it answers
/// `SignatureDoesNotMatch` (its error message includes its own canonical request).
public struct SigV4Trace: Sendable, Equatable {
    public var canonicalRequest: String
    public var stringToSign: String
    /// `a;b;c`, as in the `Authorization` header.
    public var signedHeaders: String
    /// Lower-case hex HMAC-SHA256.
    public var signature: String
    /// The `Authorization` header value (header signing) or the presigned URL.
    public var result: String
}
