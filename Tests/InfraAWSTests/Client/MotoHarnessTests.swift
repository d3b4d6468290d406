import Foundation
import InfraTestSupport
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@testable import InfraAWS

/// The harness itself: checking is really on after start, can be switched, and a reset brings
/// back a working user.
final class MotoHarnessTests: XCTestCase {
    /// An IAM ListUsers signed with a key moto does not know; returns the HTTP status and body.
    private func forgedListUsers(_ server: MotoServer) async throws -> (Int, String) {
        var request = URLRequest(url: server.endpoint)
        request.httpMethod = "POST"
        request.httpBody = Data("Action=ListUsers&Version=2010-05-08".utf8)
        request.setValue("application/x-www-form-urlencoded; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue("20240101T000000Z", forHTTPHeaderField: "X-Amz-Date")
        request.setValue(
            "AWS4-HMAC-SHA256 Credential=AKIANOTAREALKEY00000/20240101/us-east-1/iam/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=" + String(repeating: "0", count: 64), forHTTPHeaderField: "Authorization")
        return try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error { continuation.resume(throwing: error); return }
                continuation.resume(returning: ((response as? HTTPURLResponse)?.statusCode ?? 0,
                                                String(decoding: data ?? Data(), as: UTF8.self)))
            }.resume()
        }
    }

    func testStartChecksSignaturesAndResetRecreatesTheUser() async throws {
        let server = try await MotoServer.start()
        defer { server.stop() }
        XCTAssertTrue(server.credentials.accessKeyID.hasPrefix("AKIA"), server.credentials.accessKeyID)
        XCTAssertFalse(server.credentials.secretAccessKey.isEmpty)
        XCTAssertEqual(server.endpoint.host, "127.0.0.1")

        let (forgedStatus, forgedBody) = try await forgedListUsers(server)
        XCTAssertEqual(forgedStatus, 403, forgedBody)
        XCTAssertTrue(forgedBody.contains("InvalidClientTokenId"), forgedBody)

        try await server.setAuth(enabled: false)
        let (openStatus, openBody) = try await forgedListUsers(server)
        XCTAssertEqual(openStatus, 200, openBody)
        XCTAssertTrue(openBody.contains(MotoServer.userName), openBody)

        let before = server.credentials
        let after = try await server.reset()
        XCTAssertNotEqual(before.accessKeyID, after.accessKeyID)
        XCTAssertEqual(server.credentials, after)
        let (resetStatus, resetBody) = try await forgedListUsers(server)
        XCTAssertEqual(resetStatus, 403, "checking must be back on after a reset: \(resetBody)")
    }
}
