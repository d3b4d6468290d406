/// Percent-encodes `text` as RFC 3986 and AWS SigV4 require: the unreserved characters
/// `A-Z a-z 0-9 - _ . ~` stay as they are, every other byte of the UTF-8 encoding becomes `%XX`
/// with uppercase hex digits.
///
/// The wire and the signer must encode query names and values identically, or the server
/// computes a different canonical request and rejects the signature; hence one shared function.
public func awsPercentEncode(_ text: String) -> String {
    var output: [UInt8] = []
    output.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
        if isUnreservedRFC3986(byte) {
            output.append(byte)
        } else {
            output.append(UInt8(ascii: "%"))
            output.append(uppercaseHexDigits[Int(byte >> 4)])
            output.append(uppercaseHexDigits[Int(byte & 0x0F)])
        }
    }
    return String(decoding: output, as: UTF8.self)
}

private let uppercaseHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

private func isUnreservedRFC3986(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
         UInt8(ascii: "0")...UInt8(ascii: "9"),
         UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}

extension AWSHTTPRequest {
    /// The query string as it goes on the wire: `name=value` pairs percent-encoded with
    /// ``awsPercentEncode(_:)``, in the order given, joined by `&`. A pair with an empty value
    /// is written `name=` (as the AWS SDKs write it), so the signed and sent forms agree.
    public var encodedQuery: String {
        query.map { awsPercentEncode($0.name) + "=" + awsPercentEncode($0.value) }.joined(separator: "&")
    }

    /// The full URL the transport sends to: `scheme://host[:port]path[?query]`.
    ///
    /// `path` is used as is (it is already encoded); a missing leading `/` is added so that a
    /// serializer's `""` still yields a valid URL.
    public var urlString: String {
        var url = "\(scheme)://\(hostHeader)"
        url += path.hasPrefix("/") ? path : "/" + path
        if !query.isEmpty { url += "?" + encodedQuery }
        return url
    }
}
