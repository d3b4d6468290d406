import Crypto
import Foundation
import XCTest

@testable import InfraAWS

final class SigV4SignerTests: XCTestCase {
    let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                     source: "test")
    let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    func testTimestampFormatting() {
        XCTAssertEqual(SigV4Timestamp(date).string, "20150830T123600Z")
        XCTAssertEqual(SigV4Timestamp(Date(timeIntervalSince1970: 0)).string, "19700101T000000Z")
        XCTAssertEqual(SigV4Timestamp(Date(timeIntervalSince1970: 951_868_799.9)).string, "20000229T235959Z")
        XCTAssertEqual(SigV4Timestamp(Date(timeIntervalSince1970: -1)).string, "19691231T235959Z")
        XCTAssertEqual(SigV4Timestamp(Date(timeIntervalSince1970: 4_107_542_400)).string, "21000301T000000Z")
        // Against Foundation's formatter on a spread of instants.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var seconds: Int64 = -2_000_000_000
        while seconds < 5_000_000_000 {
            let instant = Date(timeIntervalSince1970: TimeInterval(seconds))
            XCTAssertEqual(SigV4Timestamp(instant).string, formatter.string(from: instant), "\(seconds)")
            seconds += 86_399 * 37 + 12_345
        }
    }

    func testHeaderValuesAreTrimmedAndCollapsed() {
        var output: [UInt8] = []
        SigV4Canonical.appendTrimmed("  a \t b\n\n  c  ", to: &output)
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "a b c")
        output = []
        SigV4Canonical.appendTrimmed("   ", to: &output)
        XCTAssertEqual(output, [])
    }

    func testDotSegmentRemoval() {
        func normalized(_ path: String) -> String {
            String(decoding: SigV4Canonical.removingDotSegments(Array(path.utf8)), as: UTF8.self)
        }
        XCTAssertEqual(normalized("/a/b/../c/./d"), "/a/c/d")
        XCTAssertEqual(normalized("//a//b//"), "/a/b/")
        XCTAssertEqual(normalized("/.."), "/")
        XCTAssertEqual(normalized("/a/../"), "/")
        XCTAssertEqual(normalized("/a/..."), "/a/...")
    }

    func testCanonicalQuerySortsByEncodedNameThenValue() {
        var output: [UInt8] = []
        SigV4Canonical.appendQuery([("b", "2"), ("a", "z"), ("a", ""), ("a b", "x/y"), ("", "e"), ("a", "y")],
                                   to: &output)
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "=e&a=&a=y&a=z&a%20b=x%2Fy&b=2")
    }

    func testSigningTwiceReplacesTheEarlierSignature() {
        let signer = SigV4Signer()
        var request = AWSHTTPRequest(method: "POST", host: "ec2.us-east-1.amazonaws.com", body: Array("Action=X".utf8))
        var temporary = credentials
        temporary.sessionToken = "token"
        signer.sign(&request, credentials: temporary, region: "us-east-1", service: "ec2", date: date)
        let first = request.header("Authorization")
        signer.sign(&request, credentials: temporary, region: "us-east-1", service: "ec2",
                    date: date.addingTimeInterval(60))
        for name in ["authorization", "x-amz-date", "x-amz-security-token", "host"] {
            XCTAssertEqual(request.headers.filter { $0.name.lowercased() == name }.count, 1, name)
        }
        XCTAssertNotEqual(request.header("Authorization"), first)
        XCTAssertEqual(request.header("X-Amz-Date"), "20150830T123700Z")
        XCTAssertEqual(request.header("Host"), "ec2.us-east-1.amazonaws.com")
        XCTAssertNil(request.header("x-amz-content-sha256"), "only S3 sends the payload hash by default")
    }

    func testS3SendsThePayloadHashAndKeepsThePathAsSent() {
        let signer = SigV4Signer()
        let body = Array("hello".utf8)
        var request = AWSHTTPRequest(method: "PUT", host: "b.s3.us-east-1.amazonaws.com", path: "/a/../b%20c//d",
                                     body: body)
        let trace = signer.signWithTrace(&request, credentials: credentials, region: "us-east-1", service: "s3",
                                         date: date)
        let hash = SigV4Canonical.hex(SHA256.hash(data: body))
        XCTAssertEqual(request.header("x-amz-content-sha256"), hash)
        let lines = trace.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines[1], "/a/../b%20c//d")
        XCTAssertEqual(lines.last.map(String.init), hash)
        XCTAssertTrue(trace.signedHeaders.contains("x-amz-content-sha256"))

        var ec2 = AWSHTTPRequest(method: "GET", host: "ec2.us-east-1.amazonaws.com", path: "/a/../b%20c//d")
        let ec2Trace = signer.signWithTrace(&ec2, credentials: credentials, region: "us-east-1", service: "ec2",
                                            date: date)
        XCTAssertEqual(ec2Trace.canonicalRequest.split(separator: "\n")[1], "/b%2520c/d")
    }

    func testUnsignedAndPrecomputedPayloads() {
        let signer = SigV4Signer()
        var request = AWSHTTPRequest(method: "PUT", host: "b.s3.us-east-1.amazonaws.com", path: "/k",
                                     body: Array(repeating: 7, count: 100))
        var options = SigningOptions.s3
        options.payload = .unsigned
        let trace = signer.signWithTrace(&request, credentials: credentials, region: "us-east-1", service: "s3",
                                         date: date, options: options)
        XCTAssertEqual(request.header("x-amz-content-sha256"), "UNSIGNED-PAYLOAD")
        XCTAssertTrue(trace.canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD"))

        options.payload = .precomputed("abc123")
        let precomputed = signer.signWithTrace(&request, credentials: credentials, region: "us-east-1",
                                               service: "s3", date: date, options: options)
        XCTAssertEqual(request.header("x-amz-content-sha256"), "abc123")
        XCTAssertTrue(precomputed.canonicalRequest.hasSuffix("\nabc123"))
    }

    func testConcurrentSigningAgreesWithSequentialSigning() async {
        let signer = SigV4Signer()
        let credentials = credentials, date = date
        let expected = (0..<200).map {
            Self.signConcurrencyRequest($0, signer: SigV4Signer(), credentials: credentials, date: date)
        }
        let results = await withTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<200 {
                group.addTask {
                    (index, Self.signConcurrencyRequest(index, signer: signer, credentials: credentials, date: date))
                }
            }
            var results = [String?](repeating: nil, count: 200)
            for await (index, value) in group { results[index] = value }
            return results
        }
        XCTAssertEqual(results, expected)
    }

    /// Request `index` of the concurrency test: four regions and three days, so the shared
    /// signer's key cache is filled and hit from many tasks at once.
    static func signConcurrencyRequest(_ index: Int, signer: SigV4Signer, credentials: AWSCredentials,
                                       date: Date) -> String?
    {
        let regions = ["us-east-1", "eu-west-1", "ap-south-1", "sa-east-1"]
        var request = AWSHTTPRequest(method: "POST", host: "sts.amazonaws.com", body: Array("n=\(index)".utf8))
        signer.sign(&request, credentials: credentials, region: regions[index % regions.count], service: "sts",
                    date: date.addingTimeInterval(Double(index % 3) * 86_400))
        return request.header("Authorization")
    }

    func testSigningKeyDerivationMatchesTheDocumentedExample() {
        // From the AWS docs' "deriving the signing key" example.
        let key = Array("20120215".utf8).withUnsafeBytes { dateStamp in
            SigV4SigningKeyCache.deriveSigningKey(secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                                  dateStamp: dateStamp, region: "us-east-1", service: "iam")
        }
        XCTAssertEqual(key.withUnsafeBytes { SigV4Canonical.hex(Array($0)) },
                       "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    func testPercentEncodingHelpers() {
        XCTAssertEqual(AWSPercentEncoding.encode("a b/ü~"), "a%20b%2F%C3%BC~")
        XCTAssertEqual(AWSPercentEncoding.encode("a b/ü~", keepSlash: true), "a%20b/%C3%BC~")
        XCTAssertEqual(AWSPercentEncoding.decode("a%20b%2f%C3%BC%zz+"), "a b/ü%zz+")
        let request = AWSHTTPRequest(method: "GET", host: "h", port: 8080, path: "/p",
                                     query: [("b", "x y"), ("a", "")])
        XCTAssertEqual(request.encodedQuery, "b=x%20y&a=")
        XCTAssertEqual(request.url, "https://h:8080/p?b=x%20y&a=")
    }
}
