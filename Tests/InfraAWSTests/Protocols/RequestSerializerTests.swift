import Foundation
import XCTest

@testable import InfraAWS

final class RequestSerializerTests: XCTestCase {
    private func body(_ request: AWSHTTPRequest) -> String { String(decoding: request.body, as: UTF8.self) }

    // MARK: ec2

    func testEC2ListsAreNumberedWithCapitalisedLocationNames() throws {
        let request = try AWSRequestSerializer.serialize(
            ["VpcIds": ["vpc-1", "vpc-2"], "Filters": [["Name": "tag:Name", "Values": ["a b"]]], "DryRun": false],
            operation: EC2.Operation.describeVpcs, model: .ec2)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/")
        XCTAssertEqual(request.header("content-type"), "application/x-www-form-urlencoded; charset=utf-8")
        XCTAssertEqual(
            body(request),
            "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=a+b"
                + "&VpcId.1=vpc-1&VpcId.2=vpc-2&DryRun=false")
    }

    func testEC2NestedListsAndEmptyListsVanish() throws {
        let request = try AWSRequestSerializer.serialize(
            [
                "CidrBlock": "10.0.0.0/16",
                "TagSpecifications": [["ResourceType": "vpc", "Tags": [["Key": "Name", "Value": "main"]]]],
            ], operation: EC2.Operation.createVpc, model: .ec2)
        XCTAssertEqual(
            body(request),
            "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16&TagSpecification.1.ResourceType=vpc"
                + "&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=main")
        let empty = try AWSRequestSerializer.serialize(["VpcIds": []], operation: EC2.Operation.describeVpcs,
                                                       model: .ec2)
        XCTAssertEqual(body(empty), "Action=DescribeVpcs&Version=2016-11-15")
    }

    // MARK: query

    func testQueryListsUseMemberOrTheirLocationName() throws {
        let request = try AWSRequestSerializer.serialize(
            [
                "DBSubnetGroupName": "db", "DBSubnetGroupDescription": "private subnets",
                "SubnetIds": ["subnet-1", "subnet-2"], "Tags": [["Key": "env", "Value": "dev"]],
            ], operation: RDS.Operation.createDBSubnetGroup, model: .rds)
        XCTAssertEqual(
            body(request),
            "Action=CreateDBSubnetGroup&Version=2014-10-31&DBSubnetGroupName=db"
                + "&DBSubnetGroupDescription=private+subnets&SubnetIds.SubnetIdentifier.1=subnet-1"
                + "&SubnetIds.SubnetIdentifier.2=subnet-2&Tags.Tag.1.Key=env&Tags.Tag.1.Value=dev")
        let iam = try AWSRequestSerializer.serialize(
            ["RoleName": "r", "AssumeRolePolicyDocument": "{}", "Tags": [["Key": "k", "Value": "v"]], "MaxSessionDuration": 3600],
            operation: IAM.Operation.createRole, model: .iam)
        XCTAssertEqual(
            body(iam),
            "Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%7D"
                + "&MaxSessionDuration=3600&Tags.member.1.Key=k&Tags.member.1.Value=v")
    }

    func testQueryEmptyListFlattenedListAndMap() throws {
        var builder = ServiceModelBuilder(ServiceMetadata(
            name: "test", serviceID: "Test", protocol: .query, apiVersion: "2020-01-01", signingName: "test",
            endpointPrefix: "test"))
        builder.operation("Op", "POST", "/", input: "In")
        builder.structure("In", members: [
            MemberModel("Empty", "Names"),
            MemberModel("Flat", "FlatNames"),
            MemberModel("Attributes", "AttributeMap"),
            MemberModel("When", "Time"),
        ])
        builder.list("Names", member: MemberModel("member", "S"))
        builder.list("FlatNames", member: MemberModel("member", "S", locationName: "Name"), flattened: true)
        builder.map("AttributeMap", key: MemberModel("key", "S", locationName: "Key"),
                    value: MemberModel("value", "S", locationName: "Value"))
        builder.scalar("S", .string)
        builder.scalar("Time", .timestamp)
        let model = builder.build()
        let request = try AWSRequestSerializer.serialize(
            [
                "Empty": [], "Flat": ["a", "b"], "Attributes": ["z": "1", "y": "2"],
                "When": .timestamp(Date(timeIntervalSince1970: 1_700_000_000)),
            ], operation: "Op", model: model)
        XCTAssertEqual(
            body(request),
            "Action=Op&Version=2020-01-01&Empty=&Name.1=a&Name.2=b&Attributes.entry.1.Key=y"
                + "&Attributes.entry.1.Value=2&Attributes.entry.2.Key=z&Attributes.entry.2.Value=1"
                + "&When=2023-11-14T22%3A13%3A20Z")
    }

    func testUnknownMemberAndWrongKindAreTypedErrorsNamingThePath() {
        XCTAssertThrowsError(try AWSRequestSerializer.serialize(["VpcId": "vpc-1"],
                                                                operation: EC2.Operation.describeVpcs, model: .ec2))
        { error in
            let protocolError = error as? AWSProtocolError
            XCTAssertEqual(protocolError?.kind, .unknownMember)
            XCTAssertEqual(protocolError?.path, "VpcId")
            XCTAssertTrue(protocolError?.description.contains("VpcIds") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try AWSRequestSerializer.serialize(["VpcIds": "vpc-1"],
                                                                operation: EC2.Operation.describeVpcs, model: .ec2))
        { error in
            XCTAssertEqual((error as? AWSProtocolError)?.kind, .invalidInput)
            XCTAssertEqual((error as? AWSProtocolError)?.path, "VpcIds")
        }
        XCTAssertThrowsError(try AWSRequestSerializer.serialize([:], operation: "RunInstances", model: .ec2)) { error in
            XCTAssertEqual((error as? AWSProtocolError)?.kind, .unknownOperation)
        }
    }

    // MARK: JSON

    func testJSON10TargetContentTypeAndBody() throws {
        let request = try AWSRequestSerializer.serialize(
            [
                "TableName": "locks", "Item": ["LockID": ["S": "state/dev.json"], "Size": ["N": "3"]],
                "ConditionExpression": "attribute_not_exists(LockID)",
            ], operation: DynamoDB.Operation.putItem, model: .dynamoDB)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.header("X-Amz-Target"), "DynamoDB_20120810.PutItem")
        XCTAssertEqual(request.header("Content-Type"), "application/x-amz-json-1.0")
        XCTAssertEqual(
            body(request),
            #"{"TableName":"locks","Item":{"LockID":{"S":"state/dev.json"},"Size":{"N":"3"}},"#
                + #""ConditionExpression":"attribute_not_exists(LockID)"}"#)
    }

    func testJSON11TimestampsAsEpochSecondsAndEscapes() throws {
        let request = try AWSRequestSerializer.serialize(
            ["Name": "a\"b\n", "SecretString": "x", "ClientRequestToken": "tok"],
            operation: SecretsManager.Operation.createSecret, model: .secretsManager)
        XCTAssertEqual(request.header("X-Amz-Target"), "secretsmanager.CreateSecret")
        XCTAssertEqual(request.header("Content-Type"), "application/x-amz-json-1.1")
        XCTAssertEqual(body(request), #"{"Name":"a\"b\n","ClientRequestToken":"tok","SecretString":"x"}"#)
        let empty = try AWSRequestSerializer.serialize([:], operation: ECS.Operation.listClusters, model: .ecs)
        XCTAssertEqual(body(empty), "{}")
        XCTAssertEqual(empty.header("X-Amz-Target"), "AmazonEC2ContainerServiceV20141113.ListClusters")

        let query = try AWSRequestSerializer.serialize(
            ["TableName": "t", "ExclusiveStartKey": ["k": ["N": "1"]], "Limit": 5],
            operation: DynamoDB.Operation.scan, model: .dynamoDB)
        XCTAssertEqual(body(query), #"{"TableName":"t","Limit":5,"ExclusiveStartKey":{"k":{"N":"1"}}}"#)
    }

    // MARK: REST-JSON

    func testRESTJSONLabelsQueryAndBody() throws {
        let describe = try AWSRequestSerializer.serialize(["name": "my cluster"],
                                                          operation: EKS.Operation.describeCluster, model: .eks)
        XCTAssertEqual(describe.method, "GET")
        XCTAssertEqual(describe.path, "/clusters/my%20cluster")
        XCTAssertTrue(describe.body.isEmpty)

        let untag = try AWSRequestSerializer.serialize(
            ["resourceArn": "arn:aws:eks:us-east-1:1:cluster/c", "tagKeys": ["a", "b"]],
            operation: EKS.Operation.untagResource, model: .eks)
        XCTAssertEqual(untag.method, "DELETE")
        XCTAssertEqual(untag.path, "/tags/arn%3Aaws%3Aeks%3Aus-east-1%3A1%3Acluster%2Fc")
        XCTAssertEqual(untag.query.map { "\($0.name)=\($0.value)" }, ["tagKeys=a", "tagKeys=b"])

        let create = try AWSRequestSerializer.serialize(
            [
                "name": "c", "roleArn": "arn:role", "resourcesVpcConfig": ["subnetIds": ["s1", "s2"]],
                "tags": ["team": "platform"],
            ], operation: EKS.Operation.createCluster, model: .eks)
        XCTAssertEqual(create.method, "POST")
        XCTAssertEqual(create.path, "/clusters")
        XCTAssertEqual(create.header("Content-Type"), "application/json")
        XCTAssertEqual(
            body(create),
            #"{"name":"c","roleArn":"arn:role","resourcesVpcConfig":{"subnetIds":["s1","s2"]},"#
                + #""tags":{"team":"platform"}}"#)

        XCTAssertThrowsError(try AWSRequestSerializer.serialize([:], operation: EKS.Operation.describeCluster,
                                                                model: .eks))
        { error in
            XCTAssertEqual((error as? AWSProtocolError)?.kind, .missingURILabel)
            XCTAssertEqual((error as? AWSProtocolError)?.path, "name")
        }
    }

    // MARK: REST-XML

    func testRESTXMLGreedyKeyHeadersAndRawBody() throws {
        let request = try AWSRequestSerializer.serialize(
            [
                "Bucket": "state", "Key": "dev/a b+c.json", "Body": .blob(Array("{}".utf8)), "IfNoneMatch": "*",
                "ContentType": "application/json",
            ], operation: S3.Operation.putObject, model: .s3)
        XCTAssertEqual(request.method, "PUT")
        XCTAssertEqual(request.path, "/state/dev/a%20b%2Bc.json")
        XCTAssertEqual(request.header("If-None-Match"), "*")
        XCTAssertEqual(request.header("Content-Type"), "application/json")
        XCTAssertEqual(request.body, Array("{}".utf8))

        let conditional = try AWSRequestSerializer.serialize(
            ["Bucket": "state", "Key": "k", "Body": "text", "IfMatch": "\"abc\""],
            operation: S3.Operation.putObject, model: .s3)
        XCTAssertEqual(conditional.header("If-Match"), "\"abc\"")
        XCTAssertEqual(conditional.body, Array("text".utf8))
    }

    func testRESTXMLFixedQueryAndQueryMembers() throws {
        let request = try AWSRequestSerializer.serialize(
            ["Bucket": "b", "MaxKeys": 2, "ContinuationToken": "t/1"],
            operation: S3.Operation.listObjectsV2, model: .s3)
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.path, "/b")
        XCTAssertEqual(request.query.map { "\($0.name)=\($0.value)" },
                       ["list-type=2", "max-keys=2", "continuation-token=t/1"])
        let versioning = try AWSRequestSerializer.serialize(["Bucket": "b"],
                                                            operation: S3.Operation.getBucketVersioning, model: .s3)
        XCTAssertEqual(versioning.query.map { "\($0.name)=\($0.value)" }, ["versioning="])
    }

    func testRESTXMLPayloadStructureWithNamespaceAndContentMD5() throws {
        let create = try AWSRequestSerializer.serialize(
            ["Bucket": "b", "CreateBucketConfiguration": ["LocationConstraint": "eu-west-1"]],
            operation: S3.Operation.createBucket, model: .s3)
        XCTAssertEqual(
            body(create),
            #"<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#
                + "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>")
        XCTAssertNil(create.header("Content-MD5"))

        let tagging = try AWSRequestSerializer.serialize(
            ["Bucket": "b", "Tagging": ["TagSet": [["Key": "a&b", "Value": "<v>"]]]],
            operation: S3.Operation.putBucketTagging, model: .s3)
        let xml = body(tagging)
        XCTAssertEqual(
            xml,
            #"<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>a&amp;b</Key>"#
                + "<Value>&lt;v&gt;</Value></Tag></TagSet></Tagging>")
        // MD5 of the body, base64: what S3 requires for bucket configuration calls.
        XCTAssertEqual(tagging.header("Content-MD5"),
                       "hEz5/s68UHgIwEw9+9NYKw==")

        let encryption = try AWSRequestSerializer.serialize(
            [
                "Bucket": "b",
                "ServerSideEncryptionConfiguration": [
                    "Rules": [["ApplyServerSideEncryptionByDefault": ["SSEAlgorithm": "AES256"]]],
                ],
            ], operation: S3.Operation.putBucketEncryption, model: .s3)
        XCTAssertEqual(
            body(encryption),
            #"<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>"#
                + "<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
                + "</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>")
    }
}
