import Foundation
import InfraTestSupport
import XCTest

@testable import InfraAWS

/// The fault proxy between the client and moto (signature checking on): what it injects, and
/// how the client copes with each kind.
final class FaultProxyTests: XCTestCase {
    var server: MotoServer!
    var proxy: FaultProxy!

    override func setUp() async throws {
        server = try await MotoServer.shared()
        _ = try await server.reset()
    }

    override func tearDown() async throws {
        try await proxy?.shutdown()
    }

    private func client(through proxy: FaultProxy, credentials: (any CredentialProvider)? = nil,
                        attempts: Int = 3) -> AWSClient
    {
        AWSClient(region: "us-east-1", credentials: credentials ?? StaticCredentialProvider(server.credentials),
                  endpoints: AWSEndpointResolver(environment: ["AWS_ENDPOINT_URL": proxy.endpoint]),
                  transport: HTTPTransport.shared,
                  retry: RetryConfiguration(maxAttempts: attempts, baseDelay: .milliseconds(1)), clockSkew: ClockSkew(),
                  retrySleep: { _ in })
    }

    private func vpcCount() async throws -> Int {
        try await server.client().call(.ec2, "DescribeVpcs", [
            "Filters": [["Name": "cidr", "Values": ["10.77.0.0/16"]]],
        ])["Vpcs"].array?.count ?? 0
    }

    func testSignedRequestsPassThroughUnchangedAndAreCounted() async throws {
        proxy = try await FaultProxy.start(upstream: server.endpoint.absoluteString)
        let client = client(through: proxy)
        _ = try await client.call(.ec2, "CreateVpc", ["CidrBlock": "10.77.0.0/16"])
        _ = try await client.call(.iam, "ListRoles")
        _ = try await client.call(.secretsManager, "ListSecrets")
        XCTAssertEqual(proxy.counts[.passed], 3)
        XCTAssertEqual(proxy.forwardedCount, 3)
        let vpcs = try await vpcCount()
        XCTAssertEqual(vpcs, 1)
    }

    func testAResetAfterForwardLeavesTheCreateDoneAndTheClientUnsure() async throws {
        proxy = try await FaultProxy.start(upstream: server.endpoint.absoluteString, mix: FaultMix(resetsAfterForward: 1))
        do {
            _ = try await client(through: proxy).call(.ec2, "CreateVpc", ["CidrBlock": "10.77.0.0/16"])
            XCTFail("expected an ambiguous outcome")
        } catch is AmbiguousCallError {}
        XCTAssertEqual(proxy.counts[.resetAfterForward], 1, "a create is not repeated blindly")
        let vpcs = try await vpcCount()
        XCTAssertEqual(vpcs, 1, "the emulator did create it")
    }

    func testResetsBeforeForwardServerErrorsAndThrottlingAreRetriedInEachProtocol() async throws {
        for (mix, kind) in [
            (FaultMix(resetsBeforeForward: 1), FaultKind.resetBeforeForward), (FaultMix(serverErrors: 1), .serverError),
            (FaultMix(throttling: 1), .throttled),
        ] {
            proxy = try await FaultProxy.start(upstream: server.endpoint.absoluteString, mix: mix)
            let client = client(through: proxy, attempts: 2)
            for (service, operation) in [
                (AWSService.ec2, "DescribeVpcs"), (.iam, "ListRoles"), (.secretsManager, "ListSecrets"), (.s3, "ListObjectsV2"),
            ] {
                do {
                    _ = try await client.call(service, operation, service == .s3 ? ["Bucket": "none"] : [:])
                    XCTFail("\(kind) \(operation) should fail once retries are used up")
                } catch let error as RetryError {
                    XCTAssertEqual(error.attempts, 2, "\(kind) \(operation) is retried")
                    if kind == .throttled {
                        let code = (error.lastError as? AWSError)?.code ?? "?"
                        let expected = ["ec2": "RequestLimitExceeded", "iam": "Throttling",
                                        "secretsmanager": "ThrottlingException", "s3": "SlowDown"][service.endpointPrefix]
                        XCTAssertEqual(code, expected, "\(operation): throttling in its protocol's own format")
                    }
                }
            }
            XCTAssertEqual(proxy.counts[kind], 8)
            XCTAssertEqual(proxy.forwardedCount, 0)
            try await proxy.shutdown()
        }
        proxy = nil
    }

    func testSlowBodiesAndLatencyStillParse() async throws {
        proxy = try await FaultProxy.start(
            upstream: server.endpoint.absoluteString,
            mix: FaultMix(latency: .milliseconds(5), jitter: .milliseconds(5), slowBodies: 1))
        let output = try await client(through: proxy).call(.ec2, "DescribeAvailabilityZones")
        XCTAssertFalse((output["AvailabilityZones"].array ?? []).isEmpty)
        XCTAssertEqual(proxy.counts[.slowBody], 1)
    }

    func testTheSameSeedInjectsTheSameFaults() async throws {
        var runs: [[FaultKind: Int]] = []
        for _ in 0..<2 {
            let proxy = try await FaultProxy.start(upstream: server.endpoint.absoluteString, mix: .mixed(0.5, seed: 42))
            let client = client(through: proxy, attempts: 1)
            for _ in 0..<20 { _ = try? await client.call(.ec2, "DescribeAvailabilityZones") }
            runs.append(proxy.counts)
            try await proxy.shutdown()
        }
        XCTAssertEqual(runs[0], runs[1])
        XCTAssertGreaterThan(runs[0][.passed] ?? 0, 0)
        XCTAssertLessThan(runs[0][.passed] ?? 0, 20)
    }

    /// Credentials that expire sooner than they said are fetched again once, and the call goes on.
    func testExpiredTokenFetchesNewCredentialsAndRetries() async throws {
        let key = server.credentials
        final class Source: CredentialProvider, @unchecked Sendable {
            let key: AWSCredentials
            let lock = NSLock()
            var served = 0
            init(_ key: AWSCredentials) { self.key = key }
            func credentials() async throws -> AWSCredentials {
                lock.withLock { served += 1 }
                return AWSCredentials(accessKeyID: key.accessKeyID, secretAccessKey: key.secretAccessKey,
                                      expiration: Date().addingTimeInterval(3600), source: "test source")
            }
        }
        let source = Source(key)
        // The first request is told its token expired (moto itself validates no token of a user key).
        let first = Gate()
        proxy = try await FaultProxy.start(upstream: server.endpoint.absoluteString) { _ in
            first.pass()
                ? .awsError(.query, status: 403, code: "ExpiredToken", message: "The security token included in the request is expired")
                : nil
        }
        let output = try await client(through: proxy, credentials: CachedCredentialProvider(source)).call(.iam, "ListRoles")
        XCTAssertFalse(output["Roles"].isNull)
        XCTAssertEqual(source.served, 2, "fetched again after ExpiredToken")
        XCTAssertEqual(proxy.counts[.intercepted], 1)

        // Static credentials cannot be refreshed: the error is the caller's.
        first.reset()
        do {
            _ = try await client(through: proxy).call(.iam, "ListRoles")
            XCTFail("expected ExpiredToken")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "ExpiredToken")
        }
    }
}

/// True for the first caller only (until reset).
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var open = true
    func pass() -> Bool { lock.withLock { defer { open = false }; return open } }
    func reset() { lock.withLock { open = true } }
}
