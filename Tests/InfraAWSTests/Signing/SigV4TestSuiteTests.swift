import Foundation
import XCTest

@testable import InfraAWS

/// Every case of the official AWS SigV4 test suite (aws-c-auth's `v4` vectors, copied into
/// this target's resources), in both header and query-string (presigned) form.
final class SigV4TestSuiteTests: XCTestCase {
    func testEveryCaseInHeaderForm() throws {
        let cases = try SigV4SuiteCase.loadAll()
        XCTAssertEqual(cases.count, 38, "the v4 suite has 38 cases; were the resources copied?")
        let signer = SigV4Signer()
        for suiteCase in cases {
            var request = suiteCase.request
            let trace = signer.signWithTrace(&request, credentials: suiteCase.credentials, region: suiteCase.region,
                                             service: suiteCase.service, date: suiteCase.date,
                                             options: suiteCase.options)
            XCTAssertEqual(trace.canonicalRequest, try suiteCase.expected("header-canonical-request.txt"),
                           "\(suiteCase.name): canonical request")
            XCTAssertEqual(trace.stringToSign, try suiteCase.expected("header-string-to-sign.txt"),
                           "\(suiteCase.name): string to sign")
            XCTAssertEqual(trace.signature, try suiteCase.expected("header-signature.txt"),
                           "\(suiteCase.name): signature")
            let expectedRequest = try suiteCase.expected("header-signed-request.txt")
            let expectedAuthorization = expectedRequest.split(separator: "\n")
                .first { $0.hasPrefix("Authorization:") }
                .map { String($0.dropFirst("Authorization:".count)) }
            XCTAssertEqual(request.header("Authorization"), expectedAuthorization, "\(suiteCase.name): Authorization")
            XCTAssertEqual(request.header("X-Amz-Date"), "20150830T123600Z", "\(suiteCase.name): X-Amz-Date")
            XCTAssertEqual(request.header("X-Amz-Security-Token"), suiteCase.credentials.sessionToken,
                           "\(suiteCase.name): session token header")
        }
    }

    func testEveryCaseInQueryForm() throws {
        let cases = try SigV4SuiteCase.loadAll()
        XCTAssertEqual(cases.count, 38)
        let signer = SigV4Signer()
        for suiteCase in cases {
            let trace = signer.presignWithTrace(suiteCase.request, credentials: suiteCase.credentials,
                                                region: suiteCase.region, service: suiteCase.service,
                                                date: suiteCase.date, expires: suiteCase.expires,
                                                options: suiteCase.options)
            XCTAssertEqual(trace.canonicalRequest, try suiteCase.expected("query-canonical-request.txt"),
                           "\(suiteCase.name): canonical request")
            XCTAssertEqual(trace.stringToSign, try suiteCase.expected("query-string-to-sign.txt"),
                           "\(suiteCase.name): string to sign")
            let signature = try suiteCase.expected("query-signature.txt")
            XCTAssertEqual(trace.signature, signature, "\(suiteCase.name): signature")
            XCTAssertTrue(trace.result.hasSuffix("&X-Amz-Signature=\(signature)"), "\(suiteCase.name): URL")
        }
    }

    /// The parser itself, on the two awkward inputs: a folded header and a path with a space.
    func testRequestParserHandlesMultilineHeadersAndSpacesInPaths() throws {
        let multiline = try SigV4SuiteCase.parseRequest("GET / HTTP/1.1\nHost:h\nMy-Header1:value1\n  value2\n     value3\n")
        XCTAssertEqual(multiline.headers.count, 2)
        XCTAssertEqual(multiline.header("my-header1"), "value1\n  value2\n     value3")
        let spaced = try SigV4SuiteCase.parseRequest("GET /example space/?a=%E1%88%B4 HTTP/1.1\nHost:h\n")
        XCTAssertEqual(spaced.path, "/example space/")
        XCTAssertEqual(spaced.query.map(\.value), ["\u{1234}"])
        let post = try SigV4SuiteCase.parseRequest("POST / HTTP/1.1\nHost:h\nContent-Length:13\n\nParam1=value1")
        XCTAssertEqual(post.body, Array("Param1=value1".utf8))
    }
}

/// One folder of the suite: `context.json`, `request.txt` and the expected results.
struct SigV4SuiteCase {
    var name: String
    var directory: URL
    var request: AWSHTTPRequest
    var credentials: AWSCredentials
    var region: String
    var service: String
    var date: Date
    var expires: Int
    var options: SigningOptions

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    private struct Context: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }

        var credentials: Credentials
        var expiration_in_seconds: Int
        var normalize: Bool
        var region: String
        var service: String
        var sign_body: Bool
        var timestamp: String
        var omit_session_token: Bool?
    }

    static func suiteDirectory() throws -> URL {
        // `.copy("Resources")` keeps the folder; Foundation on Linux takes that folder itself as
        // the bundle's resource directory, on Darwin it sits inside it.
        let suite = try XCTUnwrap(
            Bundle.module.url(forResource: "sigv4-testsuite", withExtension: nil)
                ?? Bundle.module.url(forResource: "sigv4-testsuite", withExtension: nil, subdirectory: "Resources"),
            "Resources/sigv4-testsuite is missing from the test bundle")
        return suite.appendingPathComponent("v4", isDirectory: true)
    }

    static func loadAll() throws -> [SigV4SuiteCase] {
        let root = try suiteDirectory()
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        return try names.map { try load(root.appendingPathComponent($0, isDirectory: true)) }
    }

    static func load(_ directory: URL) throws -> SigV4SuiteCase {
        let name = directory.lastPathComponent
        let context = try JSONDecoder().decode(Context.self,
                                               from: Data(contentsOf: directory.appendingPathComponent("context.json")))
        let requestText = try String(contentsOf: directory.appendingPathComponent("request.txt"), encoding: .utf8)
        guard let date = ISO8601DateFormatter().date(from: context.timestamp) else {
            throw ParseError(description: "\(name): bad timestamp \(context.timestamp)")
        }
        let options = SigningOptions(payload: .signed, addContentSHA256Header: context.sign_body,
                                     normalizePath: context.normalize, encodePath: true,
                                     signSessionToken: !(context.omit_session_token ?? false))
        return SigV4SuiteCase(
            name: name, directory: directory, request: try parseRequest(requestText),
            credentials: AWSCredentials(accessKeyID: context.credentials.access_key_id,
                                        secretAccessKey: context.credentials.secret_access_key,
                                        sessionToken: context.credentials.token, source: "sigv4 test suite"),
            region: context.region, service: context.service, date: date,
            expires: context.expiration_in_seconds, options: options)
    }

    func expected(_ file: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
    }

    /// Parses the suite's raw HTTP requests: the request target may contain spaces and raw
    /// UTF-8 (it is the path as sent), a line starting with whitespace continues the previous
    /// header, and the body follows the first empty line.
    static func parseRequest(_ text: String) throws -> AWSHTTPRequest {
        var lines = text.components(separatedBy: "\n")
        guard !lines.isEmpty else { throw ParseError(description: "empty request") }
        let requestLine = lines.removeFirst()
        guard let firstSpace = requestLine.firstIndex(of: " "), let lastSpace = requestLine.lastIndex(of: " "),
              firstSpace < lastSpace
        else { throw ParseError(description: "bad request line: \(requestLine)") }
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])

        var path = target
        var query: [(name: String, value: String)] = []
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            for pair in target[target.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = AWSPercentEncoding.decode(String(parts[0]))
                let value = parts.count > 1 ? AWSPercentEncoding.decode(String(parts[1])) : ""
                query.append((name, value))
            }
        }

        var headers: [(name: String, value: String)] = []
        var bodyLines: [String]?
        for (index, line) in lines.enumerated() {
            if line.isEmpty {
                bodyLines = Array(lines[(index + 1)...])
                break
            }
            if line.first == " " || line.first == "\t" {
                guard !headers.isEmpty else { throw ParseError(description: "continuation before any header") }
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw ParseError(description: "bad header: \(line)") }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let body = Array((bodyLines ?? []).joined(separator: "\n").utf8)
        let host = headers.first { $0.name.lowercased() == "host" }?.value ?? "example.amazonaws.com"
        return AWSHTTPRequest(method: method, host: host, path: path, query: query, headers: headers, body: body)
    }
}
