import XCTest

@testable import InfraAWS

final class PercentEncodingTests: XCTestCase {
    func testUnreservedCharactersStay() {
        let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
        XCTAssertEqual(AWSPercentEncoding.encode(unreserved), unreserved)
    }

    func testEverythingElseIsUppercaseHexOfUTF8() {
        XCTAssertEqual(AWSPercentEncoding.encode(" "), "%20")
        XCTAssertEqual(AWSPercentEncoding.encode("+"), "%2B")
        XCTAssertEqual(AWSPercentEncoding.encode("*"), "%2A")
        XCTAssertEqual(AWSPercentEncoding.encode("/"), "%2F")
        XCTAssertEqual(AWSPercentEncoding.encode("="), "%3D")
        XCTAssertEqual(AWSPercentEncoding.encode("&"), "%26")
        XCTAssertEqual(AWSPercentEncoding.encode("%"), "%25")
        XCTAssertEqual(AWSPercentEncoding.encode("é"), "%C3%A9")
        XCTAssertEqual(AWSPercentEncoding.encode("€"), "%E2%82%AC")
        XCTAssertEqual(AWSPercentEncoding.encode("😀"), "%F0%9F%98%80")
        XCTAssertEqual(AWSPercentEncoding.encode("\u{7F}\n"), "%7F%0A")
        XCTAssertEqual(AWSPercentEncoding.encode(""), "")
    }

    func testEveryASCIIByteRoundTrips() {
        for byte in UInt8(0)...UInt8(127) {
            let text = String(decoding: [byte], as: UTF8.self)
            let encoded = AWSPercentEncoding.encode(text)
            XCTAssertEqual(encoded.removingPercentEncoding, text, "byte \(byte)")
            let isLetter = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            if !isLetter { XCTAssertEqual(encoded, encoded.uppercased(), "hex digits must be uppercase for byte \(byte)") }
        }
    }

    func testURLKeepsQueryOrderRepeatedKeysAndEmptyValues() {
        let request = AWSHTTPRequest(
            method: "GET", scheme: "http", host: "127.0.0.1", port: 4566, path: "/a%20b/c",
            query: [("Action", "DescribeVpcs"), ("Filter.1.Name", "tag:Name"), ("k", ""), ("k", "x y")])
        XCTAssertEqual(request.encodedQuery, "Action=DescribeVpcs&Filter.1.Name=tag%3AName&k=&k=x%20y")
        XCTAssertEqual(request.url,
                       "http://127.0.0.1:4566/a%20b/c?Action=DescribeVpcs&Filter.1.Name=tag%3AName&k=&k=x%20y")
    }

    func testURLOmitsDefaultPortAndAddsMissingSlash() {
        XCTAssertEqual(AWSHTTPRequest(method: "GET", host: "ec2.us-east-1.amazonaws.com", port: 443, path: "").url,
                       "https://ec2.us-east-1.amazonaws.com/")
        XCTAssertEqual(AWSHTTPRequest(method: "GET", host: "sts.amazonaws.com").url, "https://sts.amazonaws.com/")
    }
}
