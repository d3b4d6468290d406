import Foundation
import XCTest

@testable import InfraAWS

final class ResponseParserTests: XCTestCase {
    private func response(_ body: String, status: Int = 200, headers: [(name: String, value: String)] = [])
        -> AWSHTTPResponse
    {
        AWSHTTPResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    func testEC2ItemListsEvenWithOneElementAndTypedScalars() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
              <requestId>r-1</requestId>
              <vpcSet>
                <item>
                  <vpcId>vpc-1</vpcId><cidrBlock>10.0.0.0/16</cidrBlock><isDefault>false</isDefault>
                  <tagSet><item><key>Name</key><value>main</value></item></tagSet>
                </item>
              </vpcSet>
            </DescribeVpcsResponse>
            """
        let out = try AWSResponseParser.parse(response(xml), operation: EC2.Operation.describeVpcs, model: .ec2)
        XCTAssertEqual(out["Vpcs"].array?.count, 1)
        XCTAssertEqual(out["Vpcs"][0]["VpcId"], "vpc-1")
        XCTAssertEqual(out["Vpcs"][0]["IsDefault"], .bool(false))
        XCTAssertEqual(out["Vpcs"][0]["Tags"], [["Key": "Name", "Value": "main"]])
        XCTAssertTrue(out["NextToken"].isNull)
    }

    func testEC2EmptySetIsAnEmptyList() throws {
        let xml = "<DescribeVpcsResponse><requestId>r</requestId><vpcSet/></DescribeVpcsResponse>"
        let out = try AWSResponseParser.parse(response(xml), operation: EC2.Operation.describeVpcs, model: .ec2)
        XCTAssertEqual(out["Vpcs"], .list([]))
    }

    func testQueryResultWrapperMemberListsAndTimestamps() throws {
        let xml = """
            <GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
              <GetRoleResult>
                <Role>
                  <RoleName>r</RoleName><Arn>arn:aws:iam::123:role/r</Arn>
                  <CreateDate>2024-01-02T03:04:05.500Z</CreateDate><MaxSessionDuration>3600</MaxSessionDuration>
                  <Tags><member><Key>k</Key><Value>v</Value></member></Tags>
                </Role>
              </GetRoleResult>
              <ResponseMetadata><RequestId>abc</RequestId></ResponseMetadata>
            </GetRoleResponse>
            """
        let out = try AWSResponseParser.parse(response(xml), operation: IAM.Operation.getRole, model: .iam)
        XCTAssertEqual(out["Role"]["RoleName"], "r")
        XCTAssertEqual(out["Role"]["MaxSessionDuration"], .integer(3600))
        XCTAssertEqual(out["Role"]["CreateDate"], .timestamp(Date(timeIntervalSince1970: 1_704_164_645.5)))
        XCTAssertEqual(out["Role"]["Tags"], [["Key": "k", "Value": "v"]])
    }

    func testQueryListWithLocationNameElements() throws {
        let xml = """
            <DescribeDBSubnetGroupsResponse><DescribeDBSubnetGroupsResult><DBSubnetGroups>
              <DBSubnetGroup><DBSubnetGroupName>a</DBSubnetGroupName>
                <Subnets><Subnet><SubnetIdentifier>s-1</SubnetIdentifier></Subnet>
                         <Subnet><SubnetIdentifier>s-2</SubnetIdentifier></Subnet></Subnets>
              </DBSubnetGroup>
            </DBSubnetGroups></DescribeDBSubnetGroupsResult></DescribeDBSubnetGroupsResponse>
            """
        let out = try AWSResponseParser.parse(response(xml), operation: RDS.Operation.describeDBSubnetGroups,
                                              model: .rds)
        XCTAssertEqual(out["DBSubnetGroups"][0]["DBSubnetGroupName"], "a")
        XCTAssertEqual(out["DBSubnetGroups"][0]["Subnets"].array?.compactMap { $0["SubnetIdentifier"].string },
                       ["s-1", "s-2"])
    }

    func testJSONOutputWithEpochTimestampsAndNumbers() throws {
        let json = #"{"Table":{"TableName":"locks","TableStatus":"ACTIVE","CreationDateTime":1.7e9,"ItemCount":3,"#
            + #""KeySchema":[{"AttributeName":"LockID","KeyType":"HASH"}],"Unknown":1}}"#
        let out = try AWSResponseParser.parse(response(json), operation: DynamoDB.Operation.describeTable,
                                              model: .dynamoDB)
        XCTAssertEqual(out["Table"]["TableName"], "locks")
        XCTAssertEqual(out["Table"]["CreationDateTime"], .timestamp(Date(timeIntervalSince1970: 1.7e9)))
        XCTAssertEqual(out["Table"]["ItemCount"], .integer(3))
        XCTAssertEqual(out["Table"]["KeySchema"][0]["KeyType"], "HASH")
        XCTAssertTrue(out["Table"]["Unknown"].isNull)

        let item = try AWSResponseParser.parse(response(#"{"Item":{"LockID":{"S":"x"},"Ok":{"BOOL":true}}}"#),
                                               operation: DynamoDB.Operation.getItem, model: .dynamoDB)
        XCTAssertEqual(item["Item"]["LockID"]["S"], "x")
        XCTAssertEqual(item["Item"]["Ok"]["BOOL"], .bool(true))
    }

    func testRESTJSONBody() throws {
        let json = #"{"cluster":{"name":"c","status":"ACTIVE","createdAt":1700000000,"tags":{"a":"b"}}}"#
        let out = try AWSResponseParser.parse(response(json), operation: EKS.Operation.describeCluster, model: .eks)
        XCTAssertEqual(out["cluster"]["status"], "ACTIVE")
        XCTAssertEqual(out["cluster"]["tags"], ["a": "b"])
        XCTAssertEqual(out["cluster"]["createdAt"].date, Date(timeIntervalSince1970: 1_700_000_000))
    }

    func testRESTXMLRawBodyAndTypedHeaders() throws {
        let out = try AWSResponseParser.parse(
            AWSHTTPResponse(status: 200, headers: [
                ("ETag", "\"abc\""), ("Content-Length", "5"), ("Last-Modified", "Tue, 02 Jan 2024 03:04:05 GMT"),
                ("x-amz-meta-owner", "infra"), ("x-amz-version-id", "v1"),
            ], body: Array("hello".utf8)),
            operation: S3.Operation.getObject, model: .s3)
        XCTAssertEqual(out["Body"], .blob(Array("hello".utf8)))
        XCTAssertEqual(out["ETag"], "\"abc\"")
        XCTAssertEqual(out["ContentLength"], .integer(5))
        XCTAssertEqual(out["LastModified"], .timestamp(Date(timeIntervalSince1970: 1_704_164_645)))
        XCTAssertEqual(out["Metadata"], ["owner": "infra"])
        XCTAssertEqual(out["VersionId"], "v1")
    }

    func testRESTXMLFlattenedListsAndBodyMembers() throws {
        let xml = """
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>b</Name><IsTruncated>true</IsTruncated><KeyCount>2</KeyCount>
              <NextContinuationToken>tok</NextContinuationToken>
              <Contents><Key>a</Key><Size>1</Size><ETag>"e1"</ETag></Contents>
              <Contents><Key>b</Key><Size>2</Size></Contents>
            </ListBucketResult>
            """
        let out = try AWSResponseParser.parse(response(xml), operation: S3.Operation.listObjectsV2, model: .s3)
        XCTAssertEqual(out["IsTruncated"], .bool(true))
        XCTAssertEqual(out["Contents"].array?.compactMap { $0["Key"].string }, ["a", "b"])
        XCTAssertEqual(out["Contents"][0]["ETag"], "\"e1\"")
        XCTAssertEqual(out["NextContinuationToken"], "tok")

        let one = "<ListBucketResult><Contents><Key>only</Key></Contents></ListBucketResult>"
        let single = try AWSResponseParser.parse(response(one), operation: S3.Operation.listObjectsV2, model: .s3)
        XCTAssertEqual(single["Contents"].array?.count, 1)

        let versioning = try AWSResponseParser.parse(
            response("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"),
            operation: S3.Operation.getBucketVersioning, model: .s3)
        XCTAssertEqual(versioning["Status"], "Enabled")
    }

    func testRESTXMLPayloadStructure() throws {
        let xml = """
            <ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>
            <SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>
            </ServerSideEncryptionConfiguration>
            """
        let out = try AWSResponseParser.parse(response(xml), operation: S3.Operation.getBucketEncryption, model: .s3)
        XCTAssertEqual(
            out["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
            "aws:kms")
    }

    func testMalformedBodiesAreTypedErrors() {
        XCTAssertThrowsError(try AWSResponseParser.parse(response("<oops"), operation: IAM.Operation.getRole,
                                                         model: .iam))
        { error in
            XCTAssertEqual((error as? AWSProtocolError)?.kind, .malformedResponse)
        }
        XCTAssertThrowsError(try AWSResponseParser.parse(response("{nope"), operation: ECS.Operation.listClusters,
                                                         model: .ecs))
    }
}
