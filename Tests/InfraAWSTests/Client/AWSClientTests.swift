import Foundation
import InfraTestSupport
import XCTest

@testable import InfraAWS

/// An in-memory transport: answers from a script (the last answer repeats) and records requests.
final class ScriptedTransport: AWSHTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [AWSHTTPResponse]
    private var recorded: [AWSHTTPRequest] = []

    init(_ answers: [AWSHTTPResponse]) { self.answers = answers }

    func send(_ request: AWSHTTPRequest, deadline: ContinuousClock.Instant?) async throws -> AWSHTTPResponse {
        lock.withLock {
            recorded.append(request)
            return answers.count > 1 ? answers.removeFirst() : answers[0]
        }
    }

    var requests: [AWSHTTPRequest] { lock.withLock { recorded } }
}

final class AWSClientTests: XCTestCase {
    private let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret",
                                             source: "test fixture")

    private func client(_ transport: ScriptedTransport, environment: [String: String] = [:]) -> AWSClient {
        AWSClient(region: "eu-west-1", credentials: StaticCredentialProvider(credentials),
                  endpoints: AWSEndpointResolver(environment: environment), transport: transport,
                  retry: RetryConfiguration(maxAttempts: 3, baseDelay: .milliseconds(1)), clockSkew: ClockSkew(),
                  retrySleep: { _ in })
    }

    private func body(_ request: AWSHTTPRequest) -> String { String(decoding: request.body, as: UTF8.self) }

    func testIdempotencyTokenIsGeneratedOnceAndKeptAcrossRetries() async throws {
        let transport = ScriptedTransport([
            AWSHTTPResponse(status: 503, body: Array(#"{"__type":"ServiceUnavailable","message":"busy"}"#.utf8)),
            AWSHTTPResponse(status: 200, body: Array(#"{"ARN":"arn:secret","Name":"s","VersionId":"v1"}"#.utf8)),
        ])
        let out = try await client(transport).call(.secretsManager, SecretsManager.Operation.createSecret,
                                                   ["Name": "s", "SecretString": "x"])
        XCTAssertEqual(out["VersionId"], "v1")
        XCTAssertEqual(transport.requests.count, 2)
        let tokens = try transport.requests.map { request -> String in
            let json = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
            return json?["ClientRequestToken"] as? String ?? ""
        }
        XCTAssertEqual(tokens[0].count, 36, "a UUID: \(tokens[0])")
        XCTAssertEqual(tokens[0], tokens[1])
        // Each attempt is signed on its own.
        XCTAssertTrue(transport.requests.allSatisfy { $0.header("Authorization")?.hasPrefix("AWS4-HMAC-SHA256") == true })
        XCTAssertEqual(transport.requests[0].host, "secretsmanager.eu-west-1.amazonaws.com")

        let given = ScriptedTransport([AWSHTTPResponse(status: 200, body: Array("{}".utf8))])
        _ = try await client(given).call(.secretsManager, SecretsManager.Operation.createSecret,
                                         ["Name": "s", "ClientRequestToken": "mine-0000000000000000000000000000000"])
        XCTAssertTrue(body(given.requests[0]).contains("mine-0000000000000000000000000000000"))
    }

    func testACreateWhoseConnectionBrokeAfterSendingIsNotRepeated() async throws {
        // The server may have created the VPC; a blind retry could create a second one.
        let server = try await FaultServer.scripted([.closeConnection], then: .ok("<CreateVpcResponse/>"))
        let client = AWSClient(
            region: "eu-west-1", credentials: StaticCredentialProvider(credentials),
            endpoints: AWSEndpointResolver(environment: ["AWS_ENDPOINT_URL": server.endpoint]),
            transport: HTTPTransport.shared, retry: RetryConfiguration(maxAttempts: 3, baseDelay: .milliseconds(1)),
            clockSkew: ClockSkew(), retrySleep: { _ in })
        do {
            _ = try await client.call(.ec2, "CreateVpc", ["CidrBlock": "10.0.0.0/16"])
            XCTFail("expected an ambiguous outcome")
        } catch let error as AmbiguousCallError {
            XCTAssertEqual(error.operation, "CreateVpc")
            XCTAssertTrue(error.description.contains("may or may not have taken effect"), error.description)
        }
        XCTAssertEqual(server.requests.count, 1)

        // A read (and any call that a repeat leaves unchanged) is retried as before.
        _ = try await client.call(.ec2, "DescribeVpcs")
        XCTAssertEqual(server.requests.count, 2)
        try await server.shutdown()
    }

    func testOnlyCallsThatCreateCountAsDuplicable() {
        for operation in ["CreateVpc", "AllocateAddress", "AuthorizeSecurityGroupIngress", "RegisterTaskDefinition",
                          "AssociateRouteTable", "AttachInternetGateway", "RunInstances"]
        {
            XCTAssertTrue(AmbiguousCallError.mayDuplicate(operation), operation)
        }
        for operation in ["DescribeVpcs", "DeleteVpc", "ModifyVpcAttribute", "PutObject", "PutItem", "CreateTags", "UpdateService", "TagResource"]
        {
            XCTAssertFalse(AmbiguousCallError.mayDuplicate(operation), operation)
        }
    }

    func testAuthErrorNamesTheCredentialsAndIsNotRetried() async {
        let transport = ScriptedTransport([AWSHTTPResponse(status: 403, body: Array("""
            <ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated \
            does not match the signature you provided.</Message></Error></ErrorResponse>
            """.utf8))])
        do {
            _ = try await client(transport).call(.sts, STS.Operation.getCallerIdentity)
            XCTFail("expected an error")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "SignatureDoesNotMatch")
            XCTAssertEqual(error.credentials, "AKIDEXAMPLE from test fixture")
            XCTAssertTrue(error.description.contains("AKIDEXAMPLE from test fixture"), error.description)
            XCTAssertTrue(error.description.contains("signature"), error.description)
            XCTAssertEqual(error.operation, "GetCallerIdentity")
        } catch {
            XCTFail("unexpected \(error)")
        }
        XCTAssertEqual(transport.requests.count, 1)
    }

    func testClientErrorsAreNotRetriedAndKeepNoCredentials() async {
        let transport = ScriptedTransport([AWSHTTPResponse(status: 400, body: Array(
            #"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"failed"}"#.utf8))])
        do {
            _ = try await client(transport).call(.dynamoDB, DynamoDB.Operation.putItem,
                                                 ["TableName": "t", "Item": ["LockID": ["S": "a"]]])
            XCTFail("expected an error")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "ConditionalCheckFailedException")
            XCTAssertNil(error.credentials)
        } catch {
            XCTFail("unexpected \(error)")
        }
        XCTAssertEqual(transport.requests.count, 1)
    }

    func testUnsignedOperationCarriesNoSignature() async throws {
        let transport = ScriptedTransport([AWSHTTPResponse(status: 200, body: Array("""
            <AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>
            <AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>
            <Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult>
            </AssumeRoleWithWebIdentityResponse>
            """.utf8))])
        let out = try await client(transport).call(
            .sts, STS.Operation.assumeRoleWithWebIdentity,
            ["RoleArn": "arn:aws:iam::1:role/r", "RoleSessionName": "ci", "WebIdentityToken": "jwt"])
        XCTAssertEqual(out["Credentials"]["AccessKeyId"], "ASIA1")
        XCTAssertNil(transport.requests[0].header("Authorization"))
    }

    func testPaginateFollowsTokensAndMergesPages() async throws {
        func page(_ names: [String], marker: String?) -> AWSHTTPResponse {
            let roles = names.map { "<member><RoleName>\($0)</RoleName></member>" }.joined()
            let more = marker.map { "<IsTruncated>true</IsTruncated><Marker>\($0)</Marker>" }
                ?? "<IsTruncated>false</IsTruncated>"
            return AWSHTTPResponse(status: 200, body: Array(
                "<ListRolesResponse><ListRolesResult><Roles>\(roles)</Roles>\(more)</ListRolesResult></ListRolesResponse>"
                    .utf8))
        }
        let transport = ScriptedTransport([page(["a", "b"], marker: "m1"), page(["c", "d"], marker: "m2"),
                                           page(["e"], marker: nil)])
        let out = try await client(transport).paginate(.iam, IAM.Operation.listRoles, ["MaxItems": 2])
        XCTAssertEqual(out["Roles"].array?.compactMap { $0["RoleName"].string }, ["a", "b", "c", "d", "e"])
        XCTAssertEqual(transport.requests.count, 3)
        XCTAssertTrue(body(transport.requests[1]).contains("Marker=m1"))
        XCTAssertTrue(body(transport.requests[2]).contains("Marker=m2"))
        // IAM is global: one endpoint, signed for us-east-1.
        XCTAssertEqual(transport.requests[0].host, "iam.amazonaws.com")
        XCTAssertTrue(transport.requests[0].header("Authorization")?.contains("/us-east-1/iam/aws4_request") == true)
    }

    func testS3BucketsAreVirtualHostedOnAWSAndPathStyleOnOverrides() async throws {
        let aws = ScriptedTransport([AWSHTTPResponse(status: 200, headers: [("ETag", "\"e\"")])])
        _ = try await client(aws).call(.s3, S3.Operation.putObject, ["Bucket": "state", "Key": "dev/a.json", "Body": "{}"])
        XCTAssertEqual(aws.requests[0].host, "state.s3.eu-west-1.amazonaws.com")
        XCTAssertEqual(aws.requests[0].path, "/dev/a.json")
        XCTAssertNotNil(aws.requests[0].header("x-amz-content-sha256"))

        let local = ScriptedTransport([AWSHTTPResponse(status: 200)])
        _ = try await client(local, environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000"])
            .call(.s3, S3.Operation.createBucket, ["Bucket": "state"])
        XCTAssertEqual(local.requests[0].host, "127.0.0.1")
        XCTAssertEqual(local.requests[0].port, 5000)
        XCTAssertEqual(local.requests[0].scheme, "http")
        XCTAssertEqual(local.requests[0].path, "/state")
    }
}
