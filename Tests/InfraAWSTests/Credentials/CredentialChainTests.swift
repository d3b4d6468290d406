import Foundation
import XCTest

@testable import InfraAWS

/// Records the STS calls the chain makes and answers with recognisable credentials.
final class RecordingSTS: STSCredentialService, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var calls: [String] = []

    func assumeRole(using source: AWSCredentials, roleARN: String, sessionName: String, externalID: String?,
                    durationSeconds: Int?, region: String) async throws -> AWSCredentials
    {
        lock.withLock { calls.append("AssumeRole \(roleARN) with \(source.accessKeyID) in \(region)") }
        return AWSCredentials(accessKeyID: "ASIA-\(roleARN.split(separator: "/").last ?? "")", secretAccessKey: "s",
                              sessionToken: "t", expiration: Date().addingTimeInterval(3600), source: "sts")
    }

    func assumeRoleWithWebIdentity(roleARN: String, sessionName: String, webIdentityToken: String,
                                   durationSeconds: Int?, region: String) async throws -> AWSCredentials
    {
        lock.withLock { calls.append("AssumeRoleWithWebIdentity \(roleARN) token=\(webIdentityToken)") }
        return AWSCredentials(accessKeyID: "ASIA-WEB", secretAccessKey: "s", sessionToken: "t",
                              expiration: Date().addingTimeInterval(3600), source: "sts")
    }
}

/// A metadata endpoint that is never reachable, as off EC2.
struct UnreachableHTTP: MetadataHTTPClient {
    struct Unreachable: Error {}
    func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse { throw Unreachable() }
}

/// A scripted metadata endpoint: path → (status, body), recording requests.
final class ScriptedHTTP: MetadataHTTPClient, @unchecked Sendable {
    private let lock = NSLock()
    var routes: [String: (Int, String)]
    private(set) var requests: [AWSHTTPRequest] = []
    init(_ routes: [String: (Int, String)]) { self.routes = routes }
    func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse {
        lock.withLock { requests.append(request) }
        let (status, body) = routes["\(request.method) \(request.path)"] ?? (404, "")
        return AWSHTTPResponse(status: status, body: Array(body.utf8))
    }
}

final class CredentialChainTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("infra-creds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "HOME": directory.path,
            "AWS_SHARED_CREDENTIALS_FILE": directory.appendingPathComponent("credentials").path,
            "AWS_CONFIG_FILE": directory.appendingPathComponent("config").path,
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
        env.merge(extra) { _, new in new }
        return env
    }

    func testEnvironmentVariablesComeFirst() async throws {
        _ = try write("credentials", "[default]\naws_access_key_id = FROMFILE\naws_secret_access_key = x\n")
        let chain = CredentialChain(
            environment: environment(["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "tok"]),
            sts: RecordingSTS(), http: UnreachableHTTP())
        let credentials = try await chain.resolve(region: "eu-west-1").credentials()
        XCTAssertEqual(credentials.accessKeyID, "AKIAENV")
        XCTAssertEqual(credentials.sessionToken, "tok")
        XCTAssertTrue(credentials.source.contains("environment"))
        XCTAssertFalse(credentials.description.contains("secret"), "the description must never show the secret")
    }

    func testProfileWithStaticKeysFromTheCredentialsFile() async throws {
        _ = try write("credentials", "# comment\n[dev]\naws_access_key_id = AKIADEV ; inline comment\naws_secret_access_key = s3cr3t\n")
        _ = try write("config", "[profile dev]\nregion = eu-central-1\ns3 =\n  addressing_style = path\n")
        let env = environment(["AWS_PROFILE": "dev"])
        let credentials = try await CredentialChain(environment: env, sts: RecordingSTS(), http: UnreachableHTTP())
            .resolve(region: "us-east-1").credentials()
        XCTAssertEqual(credentials.accessKeyID, "AKIADEV")
        XCTAssertEqual(credentials.secretAccessKey, "s3cr3t")
        XCTAssertEqual(credentials.source, "profile dev")
        XCTAssertEqual(AWSRegionResolver.region(environment: env), "eu-central-1")
        XCTAssertEqual(AWSRegionResolver.region(environment: env.merging(["AWS_REGION": "ap-south-1"]) { _, n in n }), "ap-south-1")
    }

    func testRoleChainThroughSourceProfilesAssumesEachRoleInOrder() async throws {
        _ = try write("credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = x\n")
        _ = try write("config", """
            [profile middle]
            role_arn = arn:aws:iam::111111111111:role/middle
            source_profile = base
            [profile deploy]
            role_arn = arn:aws:iam::222222222222:role/deploy
            source_profile = middle
            region = eu-west-2
            """)
        let sts = RecordingSTS()
        let credentials = try await CredentialChain(environment: environment(["AWS_PROFILE": "deploy"]), sts: sts, http: UnreachableHTTP())
            .resolve(region: "us-east-1").credentials()
        XCTAssertEqual(credentials.accessKeyID, "ASIA-deploy")
        XCTAssertEqual(sts.calls, [
            "AssumeRole arn:aws:iam::111111111111:role/middle with AKIABASE in us-east-1",
            "AssumeRole arn:aws:iam::222222222222:role/deploy with ASIA-middle in eu-west-2",
        ])
        XCTAssertTrue(credentials.source.contains("assumed role arn:aws:iam::222222222222:role/deploy"), credentials.source)
    }

    func testSourceProfileCycleIsReportedWithItsPath() throws {
        _ = try write("config", """
            [profile a]
            role_arn = arn:aws:iam::1:role/a
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::1:role/b
            source_profile = a
            """)
        XCTAssertThrowsError(try CredentialChain(environment: environment(["AWS_PROFILE": "a"]), sts: RecordingSTS(), http: UnreachableHTTP()).resolve(region: "us-east-1")) { error in
            XCTAssertEqual("\(error)".contains("a → b → a"), true, "\(error)")
        }
    }

    func testMissingProfileNamesTheProfileAndTheFiles() throws {
        XCTAssertThrowsError(try CredentialChain(environment: environment(["AWS_PROFILE": "nope"]), sts: RecordingSTS(), http: UnreachableHTTP()).resolve(region: "us-east-1")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("'nope'") && text.contains("credentials"), text)
        }
    }

    func testNothingConfiguredSaysWhatWasTriedAndWhatToSet() async throws {
        let provider = try CredentialChain(environment: environment(), sts: RecordingSTS(), http: UnreachableHTTP()).resolve(region: "us-east-1")
        do {
            _ = try await provider.credentials()
            XCTFail("expected no credentials")
        } catch {
            let text = "\(error)"
            XCTAssertTrue(text.contains("AWS_ACCESS_KEY_ID") && text.contains("AWS_PROFILE"), text)
        }
    }

    func testWebIdentityFromTheEnvironmentReadsTheTokenFile() async throws {
        let tokenFile = try write("token", "eyJhbGciOi.token\n")
        let sts = RecordingSTS()
        let credentials = try await CredentialChain(
            environment: environment(["AWS_ROLE_ARN": "arn:aws:iam::1:role/ci", "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile]),
            sts: sts, http: UnreachableHTTP()
        ).resolve(region: "us-east-1").credentials()
        XCTAssertEqual(credentials.accessKeyID, "ASIA-WEB")
        XCTAssertEqual(sts.calls, ["AssumeRoleWithWebIdentity arn:aws:iam::1:role/ci token=eyJhbGciOi.token"])
        XCTAssertTrue(credentials.source.hasPrefix("web identity"))
    }

    func testCredentialProcessOutputIsParsedAndFailuresExplained() async throws {
        let script = try write("creds.sh", """
            #!/bin/sh
            echo '{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "p", "SessionToken": "st", "Expiration": "2099-01-01T00:00:00Z"}'
            """)
        _ = try write("config", "[default]\ncredential_process = sh \(script)\n")
        let credentials = try await CredentialChain(environment: environment(), sts: RecordingSTS(), http: UnreachableHTTP())
            .resolve(region: "us-east-1").credentials()
        XCTAssertEqual(credentials.accessKeyID, "AKIAPROC")
        XCTAssertEqual(credentials.sessionToken, "st")
        XCTAssertNotNil(credentials.expiration)

        let failing = ProcessCredentialProvider(command: "echo boom >&2; exit 3", profile: "x")
        do {
            _ = try await failing.credentials()
            XCTFail("expected failure")
        } catch {
            XCTAssertTrue("\(error)".contains("exit status 3: boom"), "\(error)")
        }
    }

    func testContainerCredentialsSendTheAuthorizationToken() async throws {
        let http = ScriptedHTTP(["GET /creds": (200, #"{"AccessKeyId":"AKIAECS","SecretAccessKey":"e","Token":"tk","Expiration":"2099-01-01T00:00:00Z"}"#)])
        let env = environment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9999/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer abc"])
        let credentials = try await CredentialChain(environment: env, sts: RecordingSTS(), http: http).resolve(region: "us-east-1").credentials()
        XCTAssertEqual(credentials.accessKeyID, "AKIAECS")
        XCTAssertEqual(http.requests.first?.header("Authorization"), "Bearer abc")

        XCTAssertThrowsError(try ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://evil.example.com/creds"], http: http))
    }

    func testInstanceMetadataUsesAnIMDSv2Token() async throws {
        let http = ScriptedHTTP([
            "PUT /latest/api/token": (200, "TOKEN123"),
            "GET /latest/meta-data/iam/security-credentials/": (200, "app-role\n"),
            "GET /latest/meta-data/iam/security-credentials/app-role": (200, #"{"AccessKeyId":"AKIAEC2","SecretAccessKey":"i","Token":"tk","Expiration":"2099-01-01T00:00:00Z"}"#),
        ])
        let provider = try XCTUnwrap(InstanceMetadataCredentialProvider(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338"], http: http))
        let credentials = try await provider.credentials()
        XCTAssertEqual(credentials.accessKeyID, "AKIAEC2")
        XCTAssertEqual(http.requests.map(\.method), ["PUT", "GET", "GET"])
        XCTAssertEqual(http.requests[1].header("X-aws-ec2-metadata-token"), "TOKEN123")
        XCTAssertEqual(http.requests[0].header("X-aws-ec2-metadata-token-ttl-seconds"), "21600")
    }
}

/// A provider that counts how often it is asked, handing out credentials that expire soon.
final class CountingProvider: CredentialProvider, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var count = 0
    let lifetime: TimeInterval
    init(lifetime: TimeInterval) { self.lifetime = lifetime }
    func credentials() async throws -> AWSCredentials {
        let n = lock.withLock { count += 1; return count }
        try await Task.sleep(for: .milliseconds(20))
        return AWSCredentials(accessKeyID: "K\(n)", secretAccessKey: "s", expiration: Date().addingTimeInterval(lifetime), source: "test")
    }
}

final class CachedCredentialProviderTests: XCTestCase {
    func testManyConcurrentCallersShareOneRefresh() async throws {
        let base = CountingProvider(lifetime: 3600)
        let cached = CachedCredentialProvider(base)
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<100 { group.addTask { try await cached.credentials().accessKeyID } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        XCTAssertEqual(base.count, 1)
        XCTAssertEqual(keys, ["K1"])
    }

    func testCredentialsCloseToExpiryAreRefreshedOnce() async throws {
        let base = CountingProvider(lifetime: 120)  // inside the 300 s margin: always due
        let cached = CachedCredentialProvider(base)
        _ = try await cached.credentials()
        let second = try await cached.credentials()
        XCTAssertEqual(base.count, 2)
        XCTAssertEqual(second.accessKeyID, "K2")

        let longLived = CountingProvider(lifetime: 3600)
        let stable = CachedCredentialProvider(longLived)
        _ = try await stable.credentials()
        _ = try await stable.credentials()
        XCTAssertEqual(longLived.count, 1)
        await stable.invalidate()
        _ = try await stable.credentials()
        XCTAssertEqual(longLived.count, 2, "invalidate forces a refresh")
    }
}
