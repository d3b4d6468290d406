/// RFC 3986 percent-encoding shared by the wire URL and the SigV4 signer, so the query the
/// service receives and the query that was signed can never disagree.
public enum AWSPercentEncoding {
    /// True for the RFC 3986 unreserved set: `A-Z a-z 0-9 - . _ ~`.
    @inlinable
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    @usableFromInline
    static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Appends `bytes` to `output`, percent-encoding (upper-case hex) everything outside the
    /// unreserved set; `/` is kept as is when `keepSlash` (paths) and encoded otherwise (query).
    @inlinable
    public static func append<S: Sequence>(_ bytes: S, keepSlash: Bool, to output: inout [UInt8])
    where S.Element == UInt8 {
        for byte in bytes {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(upperHex[Int(byte >> 4)])
                output.append(upperHex[Int(byte & 0x0F)])
            }
        }
    }

    /// `string` percent-encoded per RFC 3986 (UTF-8, upper-case hex).
    public static func encode(_ string: String, keepSlash: Bool = false) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(string.utf8.count)
        append(string.utf8, keepSlash: keepSlash, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes `%XX` escapes (a malformed escape is kept literally); `+` is left alone,
    /// since RFC 3986 query strings do not use it for spaces.
    public static func decode(_ string: String) -> String {
        let bytes = Array(string.utf8)
        guard bytes.contains(UInt8(ascii: "%")) else { return string }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension AWSHTTPRequest {
    /// The query as it goes on the wire: pairs in their given order, names and values
    /// RFC 3986-encoded, `name=value` joined by `&` (empty when there is no query).
    public var encodedQuery: String {
        guard !query.isEmpty else { return "" }
        var output: [UInt8] = []
        for (index, pair) in query.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "&")) }
            AWSPercentEncoding.append(pair.name.utf8, keepSlash: false, to: &output)
            output.append(UInt8(ascii: "="))
            AWSPercentEncoding.append(pair.value.utf8, keepSlash: false, to: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The full URL the transport sends: `scheme://host[:port]path[?query]`.
    public var url: String {
        let query = encodedQuery
        let path = path.isEmpty ? "/" : path
        return query.isEmpty ? "\(scheme)://\(hostHeader)\(path)" : "\(scheme)://\(hostHeader)\(path)?\(query)"
    }
}
