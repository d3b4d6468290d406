import XCTest

@testable import InfraAWS

final class PercentEncodingTests: XCTestCase {
    func testUnreservedCharactersStay() {
        let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
        XCTAssertEqual(awsPercentEncode(unreserved), unreserved)
    }

    func testEverythingElseIsUppercaseHexOfUTF8() {
        XCTAssertEqual(awsPercentEncode(" "), "%20")
        XCTAssertEqual(awsPercentEncode("+"), "%2B")
        XCTAssertEqual(awsPercentEncode("*"), "%2A")
        XCTAssertEqual(awsPercentEncode("/"), "%2F")
        XCTAssertEqual(awsPercentEncode("="), "%3D")
        XCTAssertEqual(awsPercentEncode("&"), "%26")
        XCTAssertEqual(awsPercentEncode("%"), "%25")
        XCTAssertEqual(awsPercentEncode("é"), "%C3%A9")
        XCTAssertEqual(awsPercentEncode("€"), "%E2%82%AC")
        XCTAssertEqual(awsPercentEncode("😀"), "%F0%9F%98%80")
        XCTAssertEqual(awsPercentEncode("\u{7F}\n"), "%7F%0A")
        XCTAssertEqual(awsPercentEncode(""), "")
    }

    func testEveryASCIIByteRoundTrips() {
        for byte in UInt8(0)...UInt8(127) {
            let text = String(decoding: [byte], as: UTF8.self)
            let encoded = awsPercentEncode(text)
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
        XCTAssertEqual(request.urlString,
                       "http://127.0.0.1:4566/a%20b/c?Action=DescribeVpcs&Filter.1.Name=tag%3AName&k=&k=x%20y")
    }

    func testURLOmitsDefaultPortAndAddsMissingSlash() {
        XCTAssertEqual(AWSHTTPRequest(method: "GET", host: "ec2.us-east-1.amazonaws.com", port: 443, path: "").urlString,
                       "https://ec2.us-east-1.amazonaws.com/")
        XCTAssertEqual(AWSHTTPRequest(method: "GET", host: "sts.amazonaws.com").urlString, "https://sts.amazonaws.com/")
    }
}
