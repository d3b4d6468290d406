import Foundation
import InfraTestSupport
import XCTest

@testable import InfraAWS

/// HTTPTransport + RetryExecutor against a loopback server that injects faults. Delays are
/// asserted as the state machine chose them (recorded by an injected sleeper), never as time.
final class RetryAgainstFaultServerTests: XCTestCase {
    private var transport: HTTPTransport!
    private var server: FaultServer?

    override func setUp() async throws {
        transport = HTTPTransport(configuration: .init(maxConnectionsPerHost: 4, requestTimeout: .seconds(30)))
    }

    override func tearDown() async throws {
        try await server?.shutdown()
        try await transport.shutdown()
    }

    // MARK: Scenarios

    func testRetries503UntilSuccessWithGrowingDelays() async throws {
        let server = try await start([.serviceUnavailable(), .serviceUnavailable()], then: .ok("<ok/>"))
        let call = makeCall(server)
        let sleeps = Recorder<Duration>()
        let executor = makeExecutor(server, sleeps: sleeps)

        let response = try await executor.withRetries { _ in try await call() }

        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "<ok/>")
        XCTAssertEqual(server.requests.count, 3)
        XCTAssertEqual(sleeps.values, [.milliseconds(50), .milliseconds(100)])
    }

    func testRetriesQueryThrottlingAndPassesAttemptNumbers() async throws {
        let server = try await start([.throttling(.query), .throttling(.query)])
        let call = makeCall(server)
        let attempts = Recorder<Int>()
        let executor = makeExecutor(server, sleeps: Recorder())

        _ = try await executor.withRetries { attempt in
            attempts.append(attempt)
            return try await call()
        }

        XCTAssertEqual(attempts.values, [1, 2, 3])
        XCTAssertEqual(server.requests.count, 3)
    }

    func testGivesUpOnJSONThrottlingAfterMaxAttemptsAndSaysHowMany() async throws {
        let server = try await start(Array(repeating: .throttling(.json), count: 10))
        let call = makeCall(server)
        let sleeps = Recorder<Duration>()
        let executor = makeExecutor(server, sleeps: sleeps)

        do {
            _ = try await executor.withRetries { _ in try await call() }
            XCTFail("expected the call to fail")
        } catch let error as RetryError {
            XCTAssertEqual(error.reason, .attemptsExhausted)
            XCTAssertEqual(error.attempts, 3)
            XCTAssertEqual((error.lastError as? AWSError)?.code, "ThrottlingException")
            XCTAssertTrue(error.description.contains("3 attempts"), error.description)
        }
        XCTAssertEqual(server.requests.count, 3)
        XCTAssertEqual(sleeps.values, [.milliseconds(50), .milliseconds(100)])
    }

    func testDelaysKeepGrowingWithMoreAttempts() async throws {
        let server = try await start(Array(repeating: .serviceUnavailable(.json), count: 4))
        let call = makeCall(server)
        let sleeps = Recorder<Duration>()
        let executor = makeExecutor(server, sleeps: sleeps, configuration: RetryConfiguration(
            maxAttempts: 5, baseDelay: .milliseconds(100), maxBackoff: .milliseconds(300)))

        _ = try await executor.withRetries { _ in try await call() }

        XCTAssertEqual(server.requests.count, 5)
        XCTAssertEqual(sleeps.values, [.milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(300)])
    }

    func testClientErrorIsNotRetriedAndSurfacesUnchanged() async throws {
        let server = try await start([.clientError(.query, code: "ValidationError", message: "bad CIDR")])
        let call = makeCall(server)
        let sleeps = Recorder<Duration>()
        let executor = makeExecutor(server, sleeps: sleeps)

        do {
            _ = try await executor.withRetries { _ in try await call() }
            XCTFail("expected the call to fail")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "ValidationError")
            XCTAssertEqual(error.statusCode, 400)
            XCTAssertEqual(error.message, "bad CIDR")
        }
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(sleeps.values, [])
    }

    func testDroppedConnectionsAreRetried() async throws {
        let server = try await start([.closeConnection, .closeConnection], then: .ok("<done/>"))
        let call = makeCall(server)
        let errors = Recorder<String>()
        var executor = makeExecutor(server, sleeps: Recorder())
        executor.onRetry = { event in
            errors.append((event.error as? TransportError).map { "\($0.kind)" } ?? "\(event.error)")
        }

        let response = try await executor.withRetries { _ in try await call() }

        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "<done/>")
        XCTAssertEqual(server.requests.count, 3)
        XCTAssertEqual(errors.values, ["connectionClosed", "connectionClosed"])
    }

    func testEmptyQuotaStopsRetries() async throws {
        let server = try await start(Array(repeating: .serviceUnavailable(), count: 20))
        let call = makeCall(server)
        // Room for exactly two retries (5 tokens each).
        let quota = SharedRetryQuota(configuration: RetryQuotaConfiguration(capacity: 10))
        let executor = makeExecutor(server, sleeps: Recorder(), quota: quota)

        await assertRetryError(.attemptsExhausted, attempts: 3) {
            try await executor.withRetries { _ in try await call() }
        }
        XCTAssertEqual(quota.available, 0)
        await assertRetryError(.quotaExhausted, attempts: 1) {
            try await executor.withRetries { _ in try await call() }
        }
        XCTAssertEqual(server.requests.count, 4, "the second call made one attempt and no retry")
    }

    func testQuotaRefillsAfterSuccessfulRetry() async throws {
        let server = try await start([.serviceUnavailable()], then: .ok())
        let call = makeCall(server)
        let quota = SharedRetryQuota(configuration: RetryQuotaConfiguration(capacity: 10))
        let executor = makeExecutor(server, sleeps: Recorder(), quota: quota)

        _ = try await executor.withRetries { _ in try await call() }
        XCTAssertEqual(quota.available, 10, "the retry's cost comes back when the call succeeds")
    }

    func testSignatureErrorWithSkewedServerClockIsRetriedOnceWithCorrectedClock() async throws {
        let localNow = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z
        let serverDate = "Fri, 15 Jan 2027 09:00:00 GMT"  // one hour ahead
        let skewed = FaultAction.awsError(.query, status: 403, code: "SignatureDoesNotMatch",
                                          message: "Signature expired", extraHeaders: [("Date", serverDate)])
        let server = try await start([skewed], then: .ok())
        let call = makeCall(server)
        let skew = ClockSkew()
        var executor = makeExecutor(server, sleeps: Recorder())
        executor.clockSkew = skew
        executor.now = { localNow }
        let signingTimes = Recorder<Date>()

        _ = try await executor.withRetries { _ in
            signingTimes.append(skew.now(for: server.host, localNow: localNow))
            return try await call()
        }

        XCTAssertEqual(server.requests.count, 2)
        XCTAssertEqual(skew.offset(for: server.host), 3600)
        XCTAssertEqual(signingTimes.values, [localNow, localNow.addingTimeInterval(3600)])
    }

    func testSignatureErrorWithoutSkewIsNotRetried() async throws {
        let localNow = Date(timeIntervalSince1970: 1_800_000_000)
        let wrongSecret = FaultAction.awsError(.query, status: 403, code: "SignatureDoesNotMatch",
                                               message: "The request signature we calculated does not match",
                                               extraHeaders: [("Date", "Fri, 15 Jan 2027 08:00:05 GMT")])
        let server = try await start(Array(repeating: wrongSecret, count: 3))
        let call = makeCall(server)
        let skew = ClockSkew()
        var executor = makeExecutor(server, sleeps: Recorder())
        executor.clockSkew = skew
        executor.now = { localNow }

        do {
            _ = try await executor.withRetries { _ in try await call() }
            XCTFail("expected the call to fail")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "SignatureDoesNotMatch")
        }
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(skew.offset(for: server.host), 0)
    }

    func testCancellationDuringBackoffStopsTheCall() async throws {
        let server = try await start(Array(repeating: .serviceUnavailable(), count: 10))
        let call = makeCall(server)
        let (retrying, signal) = AsyncStream<Void>.makeStream()
        // Real sleeping with a long delay: only cancellation can end this call.
        let executor = RetryExecutor(
            configuration: RetryConfiguration(baseDelay: .seconds(3600), maxBackoff: .seconds(3600)),
            host: server.host, quota: SharedRetryQuota(), clockSkew: ClockSkew(), random: { 1 },
            onRetry: { _ in signal.yield() })
        let task = Task {
            try await executor.withRetries { _ in try await call() }
        }
        for await _ in retrying { break }
        task.cancel()

        do {
            _ = try await task.value
            XCTFail("expected cancellation")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    // MARK: Helpers

    private func start(_ script: [FaultAction], then fallback: FaultAction = .ok()) async throws -> FaultServer {
        let server = try await FaultServer.scripted(script, then: fallback)
        self.server = server
        return server
    }

    private func makeExecutor(
        _ server: FaultServer, sleeps: Recorder<Duration>,
        configuration: RetryConfiguration = RetryConfiguration(maxAttempts: 3, baseDelay: .milliseconds(100)),
        quota: SharedRetryQuota = SharedRetryQuota()
    ) -> RetryExecutor {
        RetryExecutor(
            configuration: configuration, host: server.host, quota: quota, clockSkew: ClockSkew(),
            random: { 0.5 }, sleep: { sleeps.append($0) })
    }

    /// The call under test as a sendable closure (capturing the transport, not the test case).
    private func makeCall(_ server: FaultServer) -> @Sendable () async throws -> AWSHTTPResponse {
        let transport = self.transport!
        let port = server.port
        return { try await Self.call(transport: transport, port: port) }
    }

    /// One API call as the protocol layer makes it: send, then turn an error status into an
    /// `AWSError` (here with a minimal parser that finds the code in XML or JSON bodies).
    private static func call(transport: HTTPTransport, port: Int) async throws -> AWSHTTPResponse {
        let request = AWSHTTPRequest(
            method: "POST", scheme: "http", host: "127.0.0.1", port: port, path: "/",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("Action=DescribeVpcs&Version=2016-11-15".utf8))
        let response = try await transport.send(request)
        guard response.status < 300 else {
            let body = String(decoding: response.body, as: UTF8.self)
            let code = between(body, "<Code>", "</Code>") ?? between(body, "\"__type\":\"", "\"") ?? "Unknown"
            let message = between(body, "<Message>", "</Message>") ?? between(body, "\"message\":\"", "\"") ?? ""
            throw AWSError(service: "test", operation: "DescribeVpcs", code: code, message: message,
                           statusCode: response.status, serverDate: response.header("Date"))
        }
        return response
    }

    private static func between(_ text: String, _ start: String, _ end: String) -> String? {
        guard let open = text.range(of: start), let close = text.range(of: end, range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }

    private func assertRetryError<T>(
        _ reason: RetryError.Reason, attempts: Int, file: StaticString = #filePath, line: UInt = #line,
        _ body: () async throws -> T
    ) async {
        do {
            _ = try await body()
            XCTFail("expected RetryError", file: file, line: line)
        } catch let error as RetryError {
            XCTAssertEqual(error.reason, reason, file: file, line: line)
            XCTAssertEqual(error.attempts, attempts, file: file, line: line)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
    }
}

/// A thread-safe list that sendable closures append to.
final class Recorder<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `storage` is only touched while `lock` is held.
    private let lock = NSLock()
    private var storage: [Value] = []

    init() {}

    func append(_ value: Value) {
        lock.withLock { storage.append(value) }
    }

    var values: [Value] {
        lock.withLock { storage }
    }
}
