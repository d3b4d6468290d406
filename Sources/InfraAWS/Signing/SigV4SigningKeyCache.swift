import Crypto
import Foundation

/// The derived SigV4 signing keys, cached per (secret key, day, region, service).
///
/// Deriving a key costs four HMACs; a process signs thousands of requests with the same few
/// keys. The cache stores the HMAC already keyed with the signing key (its inner and outer
/// pads hashed), so a hit costs one lock and a few string comparisons, and the signature
/// itself then needs no key setup.
final class SigV4SigningKeyCache: @unchecked Sendable {
    struct Key: Hashable {
        var secret: String
        var day: Int64
        var region: String
        var service: String
    }

    /// Bound on distinct keys kept: enough for every region and service one process uses;
    /// credentials rotate, so old entries must not accumulate forever.
    static let capacity = 128

    // Guarded by `lock`. `last` makes the common case (same key as the previous call) skip
    // hashing the dictionary key.
    private let lock = NSLock()
    private var entries: [Key: HMAC<SHA256>] = [:]
    private var last: (key: Key, mac: HMAC<SHA256>)?

    init() {}

    /// An HMAC-SHA256 keyed with the signing key for `key`; `dateStamp` is `key.day` as
    /// `YYYYMMDD`.
    func signingMAC(for key: Key, dateStamp: UnsafeRawBufferPointer) -> HMAC<SHA256> {
        lock.lock()
        if let last, last.key.day == key.day, last.key.secret == key.secret,
           last.key.region == key.region, last.key.service == key.service
        {
            lock.unlock()
            return last.mac
        }
        if let mac = entries[key] {
            last = (key, mac)
            lock.unlock()
            return mac
        }
        lock.unlock()

        // Derived outside the lock: two threads may both derive the same key once, which is
        // harmless, and no thread waits on another's HMACs.
        let mac = HMAC<SHA256>(key: Self.deriveSigningKey(secret: key.secret, dateStamp: dateStamp,
                                                          region: key.region, service: key.service))
        lock.lock()
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = mac
        last = (key, mac)
        lock.unlock()
        return mac
    }

    /// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    static func deriveSigningKey(secret: String, dateStamp: UnsafeRawBufferPointer, region: String,
                                 service: String) -> SymmetricKey
    {
        let secretKey = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        let kDate = HMAC<SHA256>.authenticationCode(for: dateStamp, using: secretKey)
        let kRegion = HMAC<SHA256>.authenticationCode(for: Array(region.utf8), using: SymmetricKey(data: kDate))
        let kService = HMAC<SHA256>.authenticationCode(for: Array(service.utf8), using: SymmetricKey(data: kRegion))
        let kSigning = HMAC<SHA256>.authenticationCode(for: Array("aws4_request".utf8),
                                                       using: SymmetricKey(data: kService))
        return SymmetricKey(data: kSigning)
    }
}
