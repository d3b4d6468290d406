import Foundation
import XCTest

@testable import InfraAWS

/// Runs `scripts/botocore-sign.py` (botocore's SigV4 signer) on a batch of requests, in one
/// Python process. A missing `python3` or botocore is a test failure, never a skip: the
/// differential tests are the evidence that the signer agrees with the SDKs.
enum BotocoreSigner {
    struct Item: Encodable {
        var method: String
        var scheme: String
        var host: String
        var port: Int?
        var path: String
        var query: [[String]]
        var headers: [[String]]
        var body: String
        var service: String
        var region: String
        var date: String
        var access_key: String
        var secret_key: String
        var token: String?
        var unsigned_payload: Bool
        var presign_expires: Int?

        init(_ request: AWSHTTPRequest, credentials: AWSCredentials, region: String, service: String, date: Date,
             unsignedPayload: Bool = false, presignExpires: Int? = nil)
        {
            method = request.method
            scheme = request.scheme
            host = request.host
            port = request.port
            path = request.path
            query = request.query.map { [$0.name, $0.value] }
            headers = request.headers.map { [$0.name, $0.value] }
            body = Data(request.body).base64EncodedString()
            self.service = service
            self.region = region
            self.date = SigV4Timestamp(date).string
            access_key = credentials.accessKeyID
            secret_key = credentials.secretAccessKey
            token = credentials.sessionToken
            unsigned_payload = unsignedPayload
            presign_expires = presignExpires
        }

        // Encodes `port` and `token` as explicit nulls, and leaves `presign_expires` out unless
        // set (the script presigns exactly when the key is present).
        func encode(to encoder: Encoder) throws {
            enum Key: String, CodingKey {
                case method, scheme, host, port, path, query, headers, body, service, region, date, access_key,
                     secret_key, token, unsigned_payload, presign_expires
            }
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(method, forKey: .method)
            try container.encode(scheme, forKey: .scheme)
            try container.encode(host, forKey: .host)
            try container.encode(port, forKey: .port)
            try container.encode(path, forKey: .path)
            try container.encode(query, forKey: .query)
            try container.encode(headers, forKey: .headers)
            try container.encode(body, forKey: .body)
            try container.encode(service, forKey: .service)
            try container.encode(region, forKey: .region)
            try container.encode(date, forKey: .date)
            try container.encode(access_key, forKey: .access_key)
            try container.encode(secret_key, forKey: .secret_key)
            try container.encode(token, forKey: .token)
            try container.encode(unsigned_payload, forKey: .unsigned_payload)
            try container.encodeIfPresent(presign_expires, forKey: .presign_expires)
        }
    }

    struct Result: Decodable {
        var authorization: String?
        var url: String?
        var canonical_request: String
        var string_to_sign: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static var scriptURL: URL {
        // Tests/InfraAWSTests/Signing/<this file> -> repository root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/botocore-sign.py")
    }

    static func sign(_ items: [Item]) throws -> [Result] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("infra-botocore-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("requests.json")
        let errors = directory.appendingPathComponent("stderr.txt")
        try JSONEncoder().encode(["requests": items]).write(to: input)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptURL.path, input.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        do {
            try process.run()
        } catch {
            throw Failure(description: "could not start python3 (needed for the botocore comparison): \(error)")
        }
        // Read before waiting: the output is larger than a pipe buffer.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw Failure(description: """
                scripts/botocore-sign.py failed (exit \(process.terminationStatus)); python3 with botocore is \
                required for this test (python3 -m pip install botocore):
                \(stderr)
                """)
        }
        let results = try JSONDecoder().decode([Result].self, from: data)
        guard results.count == items.count else {
            throw Failure(description: "botocore returned \(results.count) results for \(items.count) requests")
        }
        return results
    }
}
