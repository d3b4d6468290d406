import Foundation
import InfraTestSupport
import XCTest

@testable import InfraAWS

/// The signer against botocore's on randomized requests (seeded, so a failure reproduces).
final class SigV4DifferentialTests: XCTestCase {
    func testTenThousandRandomRequestsMatchBotocore() throws {
        var generator = RandomRequestGenerator(seed: 0x5EED_5167_0004)
        let cases = (0..<10_000).map { _ in generator.next() }
        XCTAssertEqual(cases.count, 10_000)
        // The generator must actually produce the awkward inputs it claims to.
        XCTAssertGreaterThan(cases.filter { $0.service == "s3" }.count, 2_000)
        XCTAssertGreaterThan(cases.filter { $0.credentials.sessionToken != nil }.count, 2_000)
        XCTAssertGreaterThan(cases.filter { $0.unsignedPayload }.count, 500)
        XCTAssertGreaterThan(cases.filter { $0.request.body.count > 64 * 1024 }.count, 10)
        XCTAssertGreaterThan(cases.filter { $0.request.path.contains("%") }.count, 1_000)
        XCTAssertGreaterThan(cases.filter { $0.request.path.contains("/../") }.count, 200)
        XCTAssertGreaterThan(cases.filter { Set($0.request.query.map(\.name)).count < $0.request.query.count }.count,
                             500)
        XCTAssertGreaterThan(cases.filter { $0.request.headers.contains { $0.value.contains("  ") } }.count, 1_000)

        let expected = try BotocoreSigner.sign(cases.map {
            BotocoreSigner.Item($0.request, credentials: $0.credentials, region: $0.region, service: $0.service,
                                date: $0.date, unsignedPayload: $0.unsignedPayload)
        })

        let signer = SigV4Signer()
        var mismatches = 0
        for (index, testCase) in cases.enumerated() {
            var request = testCase.request
            var options = SigningOptions.default(forService: testCase.service)
            if testCase.unsignedPayload { options.payload = .unsigned }
            let trace = signer.signWithTrace(&request, credentials: testCase.credentials, region: testCase.region,
                                             service: testCase.service, date: testCase.date, options: options)
            let botocore = expected[index]
            XCTAssertEqual(request.header("Authorization"), trace.result)
            guard trace.result != botocore.authorization else { continue }
            mismatches += 1
            if mismatches <= 5 {
                XCTFail("""
                    request \(index) (\(testCase.service) \(testCase.request.method) \(testCase.request.path)): \
                    Authorization differs
                    ours:     \(trace.result)
                    botocore: \(botocore.authorization ?? "none")
                    our canonical request:
                    \(trace.canonicalRequest)
                    botocore's canonical request:
                    \(botocore.canonical_request)
                    """)
            }
        }
        XCTAssertEqual(mismatches, 0, "\(mismatches) of \(cases.count) signatures differ from botocore's")
    }

    func testPresignedS3URLsMatchBotocore() throws {
        let date = try XCTUnwrap(ISO8601DateFormatter().date(from: "2024-02-29T23:59:59Z"))
        let longTerm = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", source: "test")
        var temporary = longTerm
        temporary.sessionToken = "FwoGZXIvYXdzEJr//////////wEaDHGpT+Oz/0example=="
        let requests: [(AWSHTTPRequest, AWSCredentials, String, Int)] = [
            (AWSHTTPRequest(method: "GET", host: "infra-state.s3.eu-west-1.amazonaws.com", path: "/prod/platform.json"),
             longTerm, "eu-west-1", 900),
            (AWSHTTPRequest(method: "GET", host: "s3.us-east-1.amazonaws.com",
                            path: "/my.bucket/dir/a%20b%2Bc/%E2%82%AC.txt",
                            query: [("response-content-type", "application/json"), ("versionId", "3/L4kqtJl+x=")]),
             temporary, "us-east-1", 3600),
            (AWSHTTPRequest(method: "PUT", scheme: "http", host: "127.0.0.1", port: 5000, path: "/bucket/key"),
             temporary, "us-west-2", 604_800),
        ]
        let expected = try BotocoreSigner.sign(requests.map {
            BotocoreSigner.Item($0.0, credentials: $0.1, region: $0.2, service: "s3", date: date, presignExpires: $0.3)
        })
        let signer = SigV4Signer()
        for (index, (request, credentials, region, expires)) in requests.enumerated() {
            let trace = signer.presignWithTrace(request, credentials: credentials, region: region, service: "s3",
                                                date: date, expires: expires)
            XCTAssertEqual(trace.canonicalRequest, expected[index].canonical_request, "presign \(index)")
            XCTAssertEqual(trace.result, expected[index].url, "presign \(index)")
            XCTAssertEqual(signer.presignedURL(for: request, credentials: credentials, region: region, service: "s3",
                                               date: date, expires: expires),
                           trace.result)
        }
    }

    /// The example of the S3 documentation ("Authenticating Requests: Using Query Parameters"),
    /// independent of botocore.
    func testPresignedURLOfTheS3Documentation() throws {
        let date = try XCTUnwrap(ISO8601DateFormatter().date(from: "2013-05-24T00:00:00Z"))
        let credentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                         secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", source: "docs")
        let url = SigV4Signer().presignedURL(
            for: AWSHTTPRequest(method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt"),
            credentials: credentials, region: "us-east-1", service: "s3", date: date, expires: 86400)
        XCTAssertEqual(url, "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }
}

/// A seeded source of awkward but valid requests.
struct RandomRequestGenerator {
    struct Case {
        var request: AWSHTTPRequest
        var credentials: AWSCredentials
        var region: String
        var service: String
        var date: Date
        var unsignedPayload: Bool
    }

    var rng: SeededRandom
    var largeBodies = 0

    init(seed: UInt64) {
        rng = SeededRandom(seed: seed)
    }

    static let services = ["ec2", "sts", "iam", "rds", "elasticache", "dynamodb", "secretsmanager", "ecs", "eks",
                           "execute-api"]
    static let regions = ["us-east-1", "eu-west-3", "ap-southeast-2", "cn-north-1", "us-gov-west-1", "sa-east-1"]
    static let methods = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]
    static let secrets = ["wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"]
    /// Path segments as they appear on the wire: unreserved text, sub-delimiters that need no
    /// escaping, escapes (UTF-8, space, `/`, `%`, `?`), dot segments, and raw non-ASCII.
    static let segments = ["a", "bucket", "key.txt", "-_.~", "data", "!$&'()*+,;=", ":@", "%20", "a%2Fb", "%25",
                           "%3F%23", "%E1%88%B4", "%E2%82%AC", "%F0%9F%98%80", ".", "..", "", "ü", "日本",
                           "x%2e%2E", "~user", "Mixed%2BCase"]
    static let queryNames = ["Action", "Version", "key", "key", "prefix", "", "a b", "x/y", "%", "=", "&", "ü",
                             "list-type", "Filter.1.Name", "UPPER", "upper", "~tilde", "+plus"]
    static let queryValues = ["", "", "value", "1", "2", "a b c", "a+b", "x/y?z", "=&%", "日本語", "😀",
                              "-._~", "DescribeInstances", "2016-11-15", "MiXeD"]
    static let headerNames = ["X-Custom", "x-custom", "X-CUSTOM", "Content-Type", "x-amz-meta-note", "X-Amz-Target",
                              "My-Header", "Content-MD5", "Accept", "x-amz-meta-Z", "If-Match", "Range"]
    static let headerValues = ["value", "  leading", "trailing  ", "a   b    c", "tab\there", " \t mixed \t  ws \t",
                               "", "application/x-www-form-urlencoded; charset=utf-8", "\"quoted   value\"",
                               "DynamoDB_20120810.PutItem", "1B2M2Y8AsgTpgAZ7PhCfmw==", "bytes=0-99", "a,b"]

    mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ percent: Int) -> Bool { int(0..<100) < percent }
    mutating func pick<T>(_ values: [T]) -> T { values[int(0..<values.count)] }

    mutating func next() -> Case {
        let service = chance(35) ? "s3" : pick(Self.services)
        let region = pick(Self.regions)
        var request = AWSHTTPRequest(method: pick(Self.methods), host: "\(service).\(region).amazonaws.com")
        switch int(0..<10) {
        case 0:
            request.scheme = "http"
            request.host = "127.0.0.1"
            request.port = 5000
        case 1:
            request.port = 443
        case 2:
            request.port = 8443
        default:
            break
        }

        var path = ""
        for _ in 0..<int(0..<6) { path += "/" + pick(Self.segments) }
        if chance(20) { path += "/" }
        request.path = path.isEmpty ? "/" : path

        for _ in 0..<int(0..<7) {
            var name = pick(Self.queryNames)
            // Repeat an earlier name often, so repeated keys are sorted by value.
            if let earlier = request.query.last?.name, chance(40) { name = earlier }
            request.query.append((name, pick(Self.queryValues)))
        }

        for _ in 0..<int(0..<6) {
            request.headers.append((pick(Self.headerNames), pick(Self.headerValues)))
        }
        // What a retry carries from its previous attempt: both signers must replace it.
        if chance(10) { request.headers.append(("Authorization", "AWS4-HMAC-SHA256 stale")) }
        if chance(10) { request.headers.append(("X-Amz-Date", "19990101T000000Z")) }
        if chance(5) { request.headers.append(("User-Agent", "infra/0.1   test")) }
        if chance(5) { request.headers.insert(("Host", request.hostHeader), at: 0) }

        switch int(0..<100) {
        case 0..<30:
            request.body = []
        case 30..<31 where largeBodies < 25:
            largeBodies += 1
            request.body = (0..<int(65_537..<1_048_577)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        default:
            request.body = (0..<int(1..<2048)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }

        let token: String? = chance(40) ? "FQoGZXIvYXdzE//////////" + String(int(0..<1_000_000)) + "+/=" : nil
        let secret = chance(80) ? pick(Self.secrets) : "secret\(int(0..<1_000_000))/+"
        let credentials = AWSCredentials(accessKeyID: "AKIA\(int(100_000..<999_999))", secretAccessKey: secret,
                                         sessionToken: token, source: "generator")
        // Any second from 2000 to 2037, also exercising the signing-key cache across days.
        let date = Date(timeIntervalSince1970: TimeInterval(int(946_684_800..<2_145_916_800)))
        return Case(request: request, credentials: credentials, region: region, service: service, date: date,
                    unsignedPayload: chance(15))
    }
}
