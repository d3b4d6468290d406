import Foundation
import InfraAWS
import InfraTestSupport
import XCTest

/// `infra whoami` against the emulator, from each way credentials arrive.
final class WhoamiTests: XCTestCase {
    var cli: CLIHarness!
    var server: MotoServer!

    override func setUp() async throws {
        cli = try CLIHarness()
        server = try await MotoServer.shared()
    }

    override func tearDown() { cli.remove() }

    var base: [String: String] { ["AWS_ENDPOINT_URL": server.endpoint.absoluteString, "AWS_REGION": "us-east-1"] }

    func testFromEnvironmentKeys() throws {
        let credentials = server.credentials
        let result = try cli.run(["whoami"], environment: base.merging([
            "AWS_ACCESS_KEY_ID": credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
        ]) { $1 })
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertTrue(result.stdout.contains("Account:      \(MotoServer.accountID)"), result.all)
        XCTAssertTrue(result.stdout.contains("environment variables"), result.all)
        XCTAssertFalse(result.all.contains(credentials.secretAccessKey), "never the secret")
    }

    func testFromAProfileThatAssumesARole() throws {
        let credentials = server.credentials
        try cli.write("aws/credentials", "[base]\naws_access_key_id = \(credentials.accessKeyID)\naws_secret_access_key = \(credentials.secretAccessKey)\n")
        try cli.write("aws/config", """
            [profile deploy]
            role_arn = arn:aws:iam::\(MotoServer.accountID):role/deployer
            source_profile = base
            role_session_name = ci-run
            """)
        let result = try cli.run(["whoami"], environment: base.merging([
            "AWS_PROFILE": "deploy",
            "AWS_SHARED_CREDENTIALS_FILE": cli.project.appendingPathComponent("aws/credentials").path,
            "AWS_CONFIG_FILE": cli.project.appendingPathComponent("aws/config").path,
        ]) { $1 })
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertTrue(result.stdout.contains("assumed-role/deployer/ci-run"), result.all)
        XCTAssertTrue(result.stdout.contains("profile deploy (assumed role arn:aws:iam::\(MotoServer.accountID):role/deployer from profile base)"), result.all)
    }

    func testFromWebIdentity() async throws {
        try cli.write("token", "eyJhbGciOiJSUzI1NiJ9.github-actions-oidc.sig")
        // moto answers unsigned requests with 500 while checking is on (moto-notes.md), and
        // AssumeRoleWithWebIdentity is unsigned by design: turn checking off for this test.
        try await server.setAuth(enabled: false)
        let result = try? cli.run(["whoami"], environment: base.merging([
            "AWS_ROLE_ARN": "arn:aws:iam::\(MotoServer.accountID):role/github-ci",
            "AWS_WEB_IDENTITY_TOKEN_FILE": cli.project.appendingPathComponent("token").path,
            "AWS_ROLE_SESSION_NAME": "gha-42",
        ]) { $1 })
        try await server.setAuth(enabled: true)
        let ran = try XCTUnwrap(result)
        XCTAssertEqual(ran.status, 0, ran.all)
        XCTAssertTrue(ran.stdout.contains("web identity (assumed role arn:aws:iam::\(MotoServer.accountID):role/github-ci"), ran.all)
        XCTAssertTrue(ran.stdout.contains("assumed-role/github-ci/gha-42"), ran.all)
    }

    func testAWrongSecretSaysTheSignatureDidNotMatchAndWhichKey() throws {
        let credentials = server.credentials
        let result = try cli.run(["whoami"], environment: base.merging([
            "AWS_ACCESS_KEY_ID": credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": "not-the-secret",
        ]) { $1 })
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("SignatureDoesNotMatch"), result.all)
        XCTAssertTrue(result.stderr.contains("\(credentials.accessKeyID) from environment variables"), result.all)
    }
}
