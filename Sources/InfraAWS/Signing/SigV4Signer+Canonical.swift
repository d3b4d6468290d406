import Crypto
import Foundation

/// The pieces of the SigV4 canonical request, written straight into a byte buffer: no
/// intermediate strings on the hot path.
enum SigV4Canonical {
    /// One header that takes part in the signature, its name lower-cased.
    struct Header {
        var name: String
        var value: String
        /// Position in the request, so repeated headers keep their order after sorting.
        var order: Int
    }

    static let lowerHex: [UInt8] = Array("0123456789abcdef".utf8)
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    // MARK: Headers

    /// The request's signable headers sorted by lower-cased name (ties in request order),
    /// plus `host` from `hostFallback` when the request has no `Host` header.
    static func headers(_ headers: [(name: String, value: String)], hostFallback: String) -> [Header] {
        var result: [Header] = []
        result.reserveCapacity(headers.count + 1)
        var hasHost = false
        for (index, header) in headers.enumerated() {
            let name = asciiLowercased(header.name)
            if isUnsigned(name) { continue }
            if name == "host" { hasHost = true }
            result.append(Header(name: name, value: header.value, order: index))
        }
        if !hasHost { result.append(Header(name: "host", value: hostFallback, order: headers.count)) }
        result.sort { $0.name == $1.name ? $0.order < $1.order : $0.name < $1.name }
        return result
    }

    /// Hop-by-hop headers a proxy may change, and headers the transport rewrites: signing them
    /// would make a correct request fail. The same list as botocore's.
    static func isUnsigned(_ lowercasedName: String) -> Bool {
        switch lowercasedName {
        case "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
             "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id":
            return true
        default:
            return false
        }
    }

    /// `a;b;c`: the distinct names of sorted `headers`.
    static func appendSignedHeaders(_ headers: [Header], to output: inout [UInt8]) {
        var previous: String?
        for header in headers where header.name != previous {
            if previous != nil { output.append(UInt8(ascii: ";")) }
            output.append(contentsOf: header.name.utf8)
            previous = header.name
        }
    }

    /// `name:value1,value2\n` per distinct name of sorted `headers`, values trimmed and their
    /// inner runs of whitespace collapsed to one space.
    static func appendCanonicalHeaders(_ headers: [Header], to output: inout [UInt8]) {
        var previous: String?
        for header in headers {
            if header.name == previous {
                output.append(UInt8(ascii: ","))
            } else {
                if previous != nil { output.append(UInt8(ascii: "\n")) }
                output.append(contentsOf: header.name.utf8)
                output.append(UInt8(ascii: ":"))
                previous = header.name
            }
            appendTrimmed(header.value, to: &output)
        }
        if previous != nil { output.append(UInt8(ascii: "\n")) }
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    static func appendTrimmed(_ value: String, to output: inout [UInt8]) {
        var pendingSpace = false
        var wroteAny = false
        for byte in value.utf8 {
            if isWhitespace(byte) {
                pendingSpace = wroteAny
            } else {
                if pendingSpace {
                    output.append(0x20)
                    pendingSpace = false
                }
                output.append(byte)
                wroteAny = true
            }
        }
    }

    /// ASCII lower-casing that returns `name` itself when it is already lower case (the usual
    /// case), so no new string is made.
    static func asciiLowercased(_ name: String) -> String {
        var hasUpper = false
        for byte in name.utf8 where byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
            hasUpper = true
            break
        }
        guard hasUpper else { return name }
        return String(unsafeUninitializedCapacity: name.utf8.count) { buffer in
            var count = 0
            for byte in name.utf8 {
                buffer[count] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                count += 1
            }
            return count
        }
    }

    // MARK: Path

    /// The canonical URI: the wire path, normalized and encoded again unless S3 rules apply.
    static func appendPath(_ path: String, normalize: Bool, encode: Bool, to output: inout [UInt8]) {
        guard !path.isEmpty else {
            output.append(UInt8(ascii: "/"))
            return
        }
        guard encode else {
            output.append(contentsOf: path.utf8)
            return
        }
        guard normalize else {
            AWSPercentEncoding.append(path.utf8, keepSlash: true, to: &output)
            return
        }
        if path == "/" {
            output.append(UInt8(ascii: "/"))
            return
        }
        AWSPercentEncoding.append(removingDotSegments(Array(path.utf8)), keepSlash: true, to: &output)
    }

    /// RFC 3986 5.2.4 dot-segment removal that also drops empty segments (`//`), as AWS
    /// services (and botocore) canonicalize paths.
    static func removingDotSegments(_ path: [UInt8]) -> [UInt8] {
        var segments: [ArraySlice<UInt8>] = []
        for segment in path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if segment.count == 1 && segment.first == UInt8(ascii: ".") { continue }
            if segment.count == 2 && segment.allSatisfy({ $0 == UInt8(ascii: ".") }) {
                if !segments.isEmpty { segments.removeLast() }
                continue
            }
            segments.append(segment)
        }
        var result: [UInt8] = []
        result.reserveCapacity(path.count)
        if path.first == UInt8(ascii: "/") { result.append(UInt8(ascii: "/")) }
        for (index, segment) in segments.enumerated() {
            if index > 0 { result.append(UInt8(ascii: "/")) }
            result.append(contentsOf: segment)
        }
        if path.last == UInt8(ascii: "/") && !segments.isEmpty { result.append(UInt8(ascii: "/")) }
        return result
    }

    // MARK: Query

    /// The canonical query: every pair of `query` and `extra` RFC 3986-encoded, sorted by
    /// encoded name and then encoded value, joined by `&`.
    static func appendQuery(_ query: [(name: String, value: String)], extra: [(name: String, value: String)] = [],
                            to output: inout [UInt8])
    {
        let total = query.count + extra.count
        guard total > 0 else { return }
        // All pairs are encoded into one buffer and sorted as ranges, not as separate arrays.
        var storage: [UInt8] = []
        storage.reserveCapacity(total * 24)
        var ranges: [(start: Int, separator: Int, end: Int)] = []
        ranges.reserveCapacity(total)
        for pair in query {
            let start = storage.count
            AWSPercentEncoding.append(pair.name.utf8, keepSlash: false, to: &storage)
            let separator = storage.count
            AWSPercentEncoding.append(pair.value.utf8, keepSlash: false, to: &storage)
            ranges.append((start, separator, storage.count))
        }
        for pair in extra {
            let start = storage.count
            AWSPercentEncoding.append(pair.name.utf8, keepSlash: false, to: &storage)
            let separator = storage.count
            AWSPercentEncoding.append(pair.value.utf8, keepSlash: false, to: &storage)
            ranges.append((start, separator, storage.count))
        }
        storage.withUnsafeBufferPointer { bytes in
            if ranges.count > 1 {
                ranges.sort { lhs, rhs in
                    let byName = compare(bytes, lhs.start, lhs.separator, rhs.start, rhs.separator)
                    if byName != 0 { return byName < 0 }
                    return compare(bytes, lhs.separator, lhs.end, rhs.separator, rhs.end) < 0
                }
            }
            for (index, range) in ranges.enumerated() {
                if index > 0 { output.append(UInt8(ascii: "&")) }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range.start..<range.separator]))
                output.append(UInt8(ascii: "="))
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range.separator..<range.end]))
            }
        }
    }

    /// Lexicographic byte comparison of `bytes[a0..<a1]` and `bytes[b0..<b1]`: <0, 0 or >0.
    private static func compare(_ bytes: UnsafeBufferPointer<UInt8>, _ a0: Int, _ a1: Int, _ b0: Int, _ b1: Int) -> Int {
        let common = min(a1 - a0, b1 - b0)
        var index = 0
        while index < common {
            let left = bytes[a0 + index], right = bytes[b0 + index]
            if left != right { return left < right ? -1 : 1 }
            index += 1
        }
        return (a1 - a0) - (b1 - b0)
    }

    // MARK: Hashes

    static func appendHex<D: ContiguousBytes>(_ digest: D, to output: inout [UInt8]) {
        digest.withUnsafeBytes { bytes in
            for byte in bytes {
                output.append(lowerHex[Int(byte >> 4)])
                output.append(lowerHex[Int(byte & 0x0F)])
            }
        }
    }

    static func hex<D: ContiguousBytes>(_ digest: D) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        appendHex(digest, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Lower-case hex SHA-256 of `body`: the only pass over the body.
    static func payloadHash(_ body: [UInt8]) -> String {
        if body.isEmpty { return emptyPayloadHash }
        return body.withUnsafeBytes { hex(SHA256.hash(data: $0)) }
    }
}
