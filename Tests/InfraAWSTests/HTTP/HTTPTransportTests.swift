import Foundation
import InfraTestSupport
import XCTest

@testable import InfraAWS

final class HTTPTransportTests: XCTestCase {
    private var transport: HTTPTransport!
    private var server: FaultServer?

    override func setUp() async throws {
        transport = HTTPTransport(configuration: .init(maxConnectionsPerHost: 2, maxResponseBytes: 1024))
    }

    override func tearDown() async throws {
        try await server?.shutdown()
        try await transport.shutdown()
    }

    func testSendsMethodPathEncodedQueryHeadersAndBody() async throws {
        let server = try await FaultServer.start { _ in
            .respond(status: 201, headers: [("x-amz-request-id", "abc"), ("Content-Type", "text/plain")],
                     body: Array("created".utf8))
        }
        self.server = server
        let request = AWSHTTPRequest(
            method: "PUT", scheme: "http", host: server.host, port: server.port, path: "/bucket/key%20name",
            query: [("tagging", ""), ("x", "a b/é")],
            headers: [("X-Amz-Date", "20270115T080000Z"), ("x-amz-meta-note", "two  spaces")],
            body: Array("payload".utf8))

        let response = try await transport.send(request)

        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(response.header("X-AMZ-REQUEST-ID"), "abc")
        XCTAssertEqual(response.body, Array("created".utf8))
        let received = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(received.method, "PUT")
        XCTAssertEqual(received.uri, "/bucket/key%20name?tagging=&x=a%20b%2F%C3%A9")
        XCTAssertEqual(received.header("x-amz-date"), "20270115T080000Z")
        XCTAssertEqual(received.header("x-amz-meta-note"), "two  spaces")
        XCTAssertEqual(received.header("host"), "\(server.host):\(server.port)")
        XCTAssertEqual(received.body, Array("payload".utf8))
    }

    func testConnectionsAreReusedAcrossRequests() async throws {
        let server = try await FaultServer.scripted([])
        self.server = server
        for _ in 0..<3 {
            _ = try await transport.send(AWSHTTPRequest(method: "GET", scheme: "http", host: server.host,
                                                        port: server.port))
        }
        XCTAssertEqual(server.requests.count, 3)
        XCTAssertEqual(server.connectionsAccepted, 1, "the pool keeps the connection alive")
    }

    func testRefusedConnectionIsAConnectFailureThatNeverReachedTheServer() async throws {
        // A port that was just free: nothing listens there any more.
        let closed = try await FaultServer.scripted([])
        let port = closed.port
        try await closed.shutdown()

        do {
            _ = try await transport.send(AWSHTTPRequest(method: "GET", scheme: "http", host: "127.0.0.1", port: port))
            XCTFail("expected a transport error")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .connectFailed)
            XCTAssertFalse(error.mayHaveReachedServer)
            XCTAssertEqual(error.host, "127.0.0.1:\(port)")
            XCTAssertTrue(error.description.contains("could not connect to 127.0.0.1:\(port)"), error.description)
        }
    }

    func testDroppedConnectionIsConnectionClosed() async throws {
        let server = try await FaultServer.scripted([.closeConnection])
        self.server = server
        do {
            _ = try await transport.send(AWSHTTPRequest(method: "GET", scheme: "http", host: server.host,
                                                        port: server.port))
            XCTFail("expected a transport error")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .connectionClosed)
            XCTAssertTrue(error.mayHaveReachedServer)
        }
    }

    func testPassedDeadlineIsATimeout() async throws {
        let server = try await FaultServer.scripted([.delayed(.seconds(30), .ok())])
        self.server = server
        do {
            _ = try await transport.send(
                AWSHTTPRequest(method: "GET", scheme: "http", host: server.host, port: server.port),
                deadline: .now + .milliseconds(200))
            XCTFail("expected a transport error")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .timeout)
        }
    }

    func testDeadlineAlreadyPassedSendsNothing() async throws {
        let server = try await FaultServer.scripted([])
        self.server = server
        do {
            _ = try await transport.send(
                AWSHTTPRequest(method: "GET", scheme: "http", host: server.host, port: server.port),
                deadline: .now - .seconds(1))
            XCTFail("expected a transport error")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .timeout)
            XCTAssertFalse(error.mayHaveReachedServer)
        }
        XCTAssertEqual(server.requests.count, 0)
    }

    func testOversizedResponseIsRejected() async throws {
        let server = try await FaultServer.scripted([.ok(String(repeating: "x", count: 5000))])
        self.server = server
        do {
            _ = try await transport.send(AWSHTTPRequest(method: "GET", scheme: "http", host: server.host,
                                                        port: server.port))
            XCTFail("expected a transport error")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .responseTooLarge(limit: 1024))
            XCTAssertEqual(RetryClassification.classify(error), .notRetryable)
        }
    }
}
