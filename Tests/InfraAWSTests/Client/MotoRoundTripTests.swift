import Foundation
import InfraTestSupport
import XCTest

@testable import InfraAWS

/// One round trip per service through the real stack (models, protocols, signer, transport,
/// retries) against moto with signature checking on: a broken signer or serializer fails here.
final class MotoRoundTripTests: XCTestCase {
    private var server: MotoServer!
    private var client: AWSClient!

    override func setUp() async throws {
        server = try await MotoServer.shared()
        try await server.reset()
        client = server.client()
    }

    // MARK: Query protocols

    func testEC2CreateVpcsAndDescribeThemByIDWithTags() async throws {
        var ids: [String] = []
        for (index, cidr) in ["10.1.0.0/16", "10.2.0.0/16"].enumerated() {
            let created = try await client.call(.ec2, EC2.Operation.createVpc, [
                "CidrBlock": .string(cidr),
                "TagSpecifications": [["ResourceType": "vpc", "Tags": [
                    ["Key": "Name", "Value": .string("vpc-\(index)")], ["Key": "env", "Value": "test"],
                ]]],
            ])
            ids.append(try XCTUnwrap(created["Vpc"]["VpcId"].string))
        }
        let described = try await client.call(.ec2, EC2.Operation.describeVpcs, ["VpcIds": .list(ids.map { .string($0) })])
        let vpcs = try XCTUnwrap(described["Vpcs"].array)
        XCTAssertEqual(Set(vpcs.compactMap { $0["VpcId"].string }), Set(ids))
        let first = try XCTUnwrap(vpcs.first { $0["VpcId"].string == ids[0] })
        XCTAssertEqual(first["CidrBlock"], "10.1.0.0/16")
        let tags = Dictionary(uniqueKeysWithValues: (first["Tags"].array ?? []).compactMap { tag in
            tag["Key"].string.map { ($0, tag["Value"].string ?? "") }
        })
        XCTAssertEqual(tags, ["Name": "vpc-0", "env": "test"])

        do {
            _ = try await client.call(.ec2, EC2.Operation.describeVpcs, ["VpcIds": ["vpc-00000000000000000"]])
            XCTFail("expected InvalidVpcID.NotFound")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "InvalidVpcID.NotFound")
        }
    }

    /// Two subnets in two zones of a fresh VPC, for subnet groups.
    private func subnets() async throws -> [String] {
        let vpc = try await client.call(.ec2, EC2.Operation.createVpc, ["CidrBlock": "10.9.0.0/16"])
        let vpcID = try XCTUnwrap(vpc["Vpc"]["VpcId"].string)
        var ids: [String] = []
        for (zone, cidr) in [("us-east-1a", "10.9.1.0/24"), ("us-east-1b", "10.9.2.0/24")] {
            let subnet = try await client.call(.ec2, EC2.Operation.createSubnet, [
                "VpcId": .string(vpcID), "CidrBlock": .string(cidr), "AvailabilityZone": .string(zone),
            ])
            ids.append(try XCTUnwrap(subnet["Subnet"]["SubnetId"].string))
        }
        return ids
    }

    func testRDSDBSubnetGroup() async throws {
        let subnetIDs = try await subnets()
        _ = try await client.call(.rds, RDS.Operation.createDBSubnetGroup, [
            "DBSubnetGroupName": "ledger", "DBSubnetGroupDescription": "ledger database",
            "SubnetIds": .list(subnetIDs.map { .string($0) }), "Tags": [["Key": "env", "Value": "test"]],
        ])
        let out = try await client.call(.rds, RDS.Operation.describeDBSubnetGroups, ["DBSubnetGroupName": "ledger"])
        let group = out["DBSubnetGroups"][0]
        XCTAssertEqual(group["DBSubnetGroupName"], "ledger")
        XCTAssertEqual(Set((group["Subnets"].array ?? []).compactMap { $0["SubnetIdentifier"].string }), Set(subnetIDs))
    }

    func testElastiCacheSubnetGroup() async throws {
        let subnetIDs = try await subnets()
        _ = try await client.call(.elastiCache, ElastiCache.Operation.createCacheSubnetGroup, [
            "CacheSubnetGroupName": "cache", "CacheSubnetGroupDescription": "redis",
            "SubnetIds": .list(subnetIDs.map { .string($0) }),
        ])
        let out = try await client.call(.elastiCache, ElastiCache.Operation.describeCacheSubnetGroups,
                                        ["CacheSubnetGroupName": "cache"])
        let group = out["CacheSubnetGroups"][0]
        XCTAssertEqual(group["CacheSubnetGroupName"], "cache")
        XCTAssertEqual(Set((group["Subnets"].array ?? []).compactMap { $0["SubnetIdentifier"].string }),
                       Set(subnetIDs))
    }

    func testIAMCreateRoleAndGetRole() async throws {
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        let created = try await client.call(.iam, IAM.Operation.createRole, [
            "RoleName": "cluster", "AssumeRolePolicyDocument": .string(trust), "Tags": [["Key": "team", "Value": "platform"]],
        ])
        XCTAssertEqual(created["Role"]["Arn"], "arn:aws:iam::\(MotoServer.accountID):role/cluster")
        let fetched = try await client.call(.iam, IAM.Operation.getRole, ["RoleName": "cluster"])
        XCTAssertEqual(fetched["Role"]["RoleName"], "cluster")
        XCTAssertNotNil(fetched["Role"]["CreateDate"].date)
        XCTAssertEqual(fetched["Role"]["Tags"], [["Key": "team", "Value": "platform"]])
    }

    func testSTSGetCallerIdentity() async throws {
        let out = try await client.call(.sts, STS.Operation.getCallerIdentity)
        XCTAssertEqual(out["Account"], .string(MotoServer.accountID))
        XCTAssertEqual(out["Arn"], .string("arn:aws:iam::\(MotoServer.accountID):user/\(MotoServer.userName)"))
    }

    // MARK: JSON protocols

    func testDynamoDBConditionalPutHasOneWinner() async throws {
        _ = try await client.call(.dynamoDB, DynamoDB.Operation.createTable, [
            "TableName": "locks", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [["AttributeName": "LockID", "AttributeType": "S"]],
            "KeySchema": [["AttributeName": "LockID", "KeyType": "HASH"]],
        ])
        let put: AWSDocument = [
            "TableName": "locks", "Item": ["LockID": ["S": "state/dev.json"], "Who": ["S": "ci"]],
            "ConditionExpression": "attribute_not_exists(LockID)",
        ]
        _ = try await client.call(.dynamoDB, DynamoDB.Operation.putItem, put)
        do {
            _ = try await client.call(.dynamoDB, DynamoDB.Operation.putItem, put)
            XCTFail("the second conditional put must fail")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "ConditionalCheckFailedException")
            XCTAssertEqual(error.statusCode, 400)
        }
        let item = try await client.call(.dynamoDB, DynamoDB.Operation.getItem,
                                         ["TableName": "locks", "Key": ["LockID": ["S": "state/dev.json"]]])
        XCTAssertEqual(item["Item"]["Who"]["S"], "ci")
    }

    func testSecretsManagerCreateWithTokenAndDescribe() async throws {
        let token = "11111111-2222-3333-4444-555555555555"
        let created = try await client.call(.secretsManager, SecretsManager.Operation.createSecret, [
            "Name": "api-key", "SecretString": "s3cr3t", "ClientRequestToken": .string(token),
        ])
        XCTAssertEqual(created["VersionId"], .string(token))
        let described = try await client.call(.secretsManager, SecretsManager.Operation.describeSecret,
                                              ["SecretId": "api-key"])
        XCTAssertEqual(described["Name"], "api-key")
        XCTAssertEqual(described["VersionIdsToStages"][token], ["AWSCURRENT"])
    }

    func testECSCreateAndDescribeCluster() async throws {
        _ = try await client.call(.ecs, ECS.Operation.createCluster,
                                  ["clusterName": "apps", "tags": [["key": "env", "value": "test"]]])
        let out = try await client.call(.ecs, ECS.Operation.describeClusters, ["clusters": ["apps"]])
        XCTAssertEqual(out["clusters"][0]["clusterName"], "apps")
        XCTAssertEqual(out["clusters"][0]["status"], "ACTIVE")
    }

    // MARK: REST protocols

    func testS3ConditionalWritesAndReads() async throws {
        _ = try await client.call(.s3, S3.Operation.createBucket, ["Bucket": "infra-state"])
        let key: AWSDocument = "dev/platform state.json"
        let first = try await client.call(.s3, S3.Operation.putObject, [
            "Bucket": "infra-state", "Key": key, "Body": .blob(Array(#"{"serial":1}"#.utf8)), "IfNoneMatch": "*",
        ])
        let etag = try XCTUnwrap(first["ETag"].string)
        do {
            _ = try await client.call(.s3, S3.Operation.putObject, [
                "Bucket": "infra-state", "Key": key, "Body": "{}", "IfNoneMatch": "*",
            ])
            XCTFail("a second If-None-Match: * put must fail")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "PreconditionFailed")
            XCTAssertEqual(error.statusCode, 412)
        }
        let read = try await client.call(.s3, S3.Operation.getObject, ["Bucket": "infra-state", "Key": key])
        XCTAssertEqual(read["ETag"].string, etag)
        XCTAssertEqual(read["Body"], .blob(Array(#"{"serial":1}"#.utf8)))

        let second = try await client.call(.s3, S3.Operation.putObject, [
            "Bucket": "infra-state", "Key": key, "Body": #"{"serial":2}"#, "IfMatch": .string(etag),
        ])
        XCTAssertNotEqual(second["ETag"].string, etag)
        do {
            _ = try await client.call(.s3, S3.Operation.putObject, [
                "Bucket": "infra-state", "Key": key, "Body": #"{"serial":3}"#, "IfMatch": .string(etag),
            ])
            XCTFail("a put with a stale If-Match must fail")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "PreconditionFailed")
        }
        do {
            _ = try await client.call(.s3, S3.Operation.headObject, ["Bucket": "infra-state", "Key": "missing"])
            XCTFail("HEAD of a missing key must fail")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "NotFound")
            XCTAssertEqual(error.statusCode, 404)
        }
    }

    func testS3BucketConfigurationCallsWithContentMD5() async throws {
        _ = try await client.call(.s3, S3.Operation.createBucket, ["Bucket": "configured"])
        _ = try await client.call(.s3, S3.Operation.putBucketVersioning,
                                  ["Bucket": "configured", "VersioningConfiguration": ["Status": "Enabled"]])
        let versioning = try await client.call(.s3, S3.Operation.getBucketVersioning, ["Bucket": "configured"])
        XCTAssertEqual(versioning["Status"], "Enabled")
        _ = try await client.call(.s3, S3.Operation.putBucketTagging, [
            "Bucket": "configured", "Tagging": ["TagSet": [["Key": "env", "Value": "test"]]],
        ])
        let tagging = try await client.call(.s3, S3.Operation.getBucketTagging, ["Bucket": "configured"])
        XCTAssertEqual(tagging["TagSet"], [["Key": "env", "Value": "test"]])
    }

    func testEKSCreateAndDescribeClusterWithCheckingOff() async throws {
        // moto rejects correctly signed EKS GET/DELETE requests (see moto-notes.md).
        try await server.setAuth(enabled: false)
        let subnetIDs = try await subnets()
        _ = try await client.call(.eks, EKS.Operation.createCluster, [
            "name": "apps", "roleArn": "arn:aws:iam::\(MotoServer.accountID):role/cluster", "version": "1.31",
            "resourcesVpcConfig": ["subnetIds": .list(subnetIDs.map { .string($0) })],
            "tags": ["env": "test"],
        ])
        let out = try await client.call(.eks, EKS.Operation.describeCluster, ["name": "apps"])
        XCTAssertEqual(out["cluster"]["name"], "apps")
        XCTAssertEqual(out["cluster"]["tags"], ["env": "test"])
        XCTAssertNotNil(out["cluster"]["createdAt"].date)
        do {
            _ = try await client.call(.eks, EKS.Operation.describeCluster, ["name": "missing"])
            XCTFail("expected ResourceNotFoundException")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "ResourceNotFoundException")
        }
    }

    // MARK: Failures and pagination

    func testWrongSecretFailsOnceNamingTheCredentials() async throws {
        var wrong = server.credentials
        wrong.secretAccessKey = "not-the-secret"
        wrong.source = "environment variables"
        let counting = CountingTransport()
        let bad = server.client(credentials: wrong, transport: counting)
        do {
            _ = try await bad.call(.sts, STS.Operation.getCallerIdentity)
            XCTFail("a wrong secret must fail")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "SignatureDoesNotMatch")
            XCTAssertTrue(error.description.contains("signature we calculated does not match"), error.description)
            XCTAssertTrue(error.description.contains(wrong.accessKeyID), error.description)
            XCTAssertTrue(error.description.contains("environment variables"), error.description)
            XCTAssertFalse(error.description.contains("not-the-secret"), error.description)
        }
        XCTAssertEqual(counting.count, 1, "an auth failure must not be retried")
    }

    func testPaginationAcrossSeveralPages() async throws {
        let trust = #"{"Version":"2012-10-17","Statement":[]}"#
        for index in 0..<5 {
            _ = try await client.call(.iam, IAM.Operation.createRole,
                                      ["RoleName": .string("role-\(index)"), "AssumeRolePolicyDocument": .string(trust)])
        }
        let counting = CountingTransport()
        let paged = server.client(transport: counting)
        let roles = try await paged.paginate(.iam, IAM.Operation.listRoles, ["MaxItems": 2])
        XCTAssertEqual(Set((roles["Roles"].array ?? []).compactMap { $0["RoleName"].string }),
                       Set((0..<5).map { "role-\($0)" }))
        XCTAssertEqual(counting.count, 3)

        _ = try await client.call(.s3, S3.Operation.createBucket, ["Bucket": "many"])
        for index in 0..<5 {
            _ = try await client.call(.s3, S3.Operation.putObject,
                                      ["Bucket": "many", "Key": .string("k/\(index)"), "Body": "x"])
        }
        var pages = 0
        var keys: [String] = []
        for try await page in client.pages(.s3, S3.Operation.listObjectsV2, ["Bucket": "many", "MaxKeys": 2]) {
            pages += 1
            keys += (page["Contents"].array ?? []).compactMap { $0["Key"].string }
        }
        XCTAssertEqual(pages, 3)
        XCTAssertEqual(keys, (0..<5).map { "k/\($0)" })
    }

    func testSTSServiceAssumesRolesForTheCredentialChain() async throws {
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#
        let role = try await client.call(.iam, IAM.Operation.createRole,
                                          ["RoleName": "deployer", "AssumeRolePolicyDocument": .string(trust)])
        let roleARN = try XCTUnwrap(role["Role"]["Arn"].string)
        let sts = AWSClientSTSService(endpoints: AWSEndpointResolver(environment: server.endpointEnvironment),
                                      transport: HTTPTransport.shared)
        let assumed = try await sts.assumeRole(using: server.credentials, roleARN: roleARN, sessionName: "ci",
                                               externalID: nil, durationSeconds: 900, region: "us-east-1")
        XCTAssertNotNil(assumed.sessionToken)
        XCTAssertNotNil(assumed.expiration)
        XCTAssertEqual(assumed.source, "assumed role \(roleARN)")
        // The temporary credentials (with their session token) sign a working call.
        let identity = try await server.client(credentials: assumed).call(.sts, STS.Operation.getCallerIdentity)
        XCTAssertTrue(identity["Arn"].string?.contains("assumed-role/deployer/ci") == true, "\(identity)")

        // moto with checking on fails unsigned requests with HTTP 500 (it reads the missing
        // Authorization header), so the unsigned web identity call runs with checking off.
        try await server.setAuth(enabled: false)
        let federated = try await sts.assumeRoleWithWebIdentity(roleARN: roleARN, sessionName: "gha",
                                                                webIdentityToken: "header.payload.signature",
                                                                durationSeconds: nil, region: "us-east-1")
        XCTAssertFalse(federated.accessKeyID.isEmpty)
    }
}
