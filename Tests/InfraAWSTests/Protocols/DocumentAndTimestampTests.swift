import Foundation
import XCTest

@testable import InfraAWS

final class DocumentAndTimestampTests: XCTestCase {
    func testLiteralsAndAccessors() {
        var doc: AWSDocument = ["Vpcs": [["VpcId": "vpc-1", "Count": 3, "Ok": true, "Ratio": 0.5]]]
        XCTAssertEqual(doc["Vpcs"][0]["VpcId"].string, "vpc-1")
        XCTAssertEqual(doc["Vpcs"][0]["Count"].int, 3)
        XCTAssertEqual(doc["Vpcs"][0]["Ok"].bool, true)
        XCTAssertEqual(doc["Vpcs"][0]["Ratio"].double, 0.5)
        XCTAssertTrue(doc["Missing"]["Deeper"][4].isNull)
        XCTAssertEqual(doc["Missing"].array, [])
        XCTAssertNil(doc["Vpcs"][0]["VpcId"].array)
        doc["Extra"] = "x"
        XCTAssertEqual(doc["Extra"], "x")
        doc["Extra"] = nil
        XCTAssertNil(doc.dictionary?["Extra"])
    }

    func testPaths() {
        let doc: AWSDocument = ["A": ["B": "b"], "List": [["Key": "first"], ["Key": "last"]], "Empty": ""]
        XCTAssertEqual(doc.value(atPath: "A.B"), "b")
        XCTAssertEqual(doc.value(atPath: "List[-1].Key"), "last")
        XCTAssertEqual(doc.value(atPath: "List[0].Key"), "first")
        XCTAssertEqual(doc.value(atPath: "Nope || A.B"), "b")
        XCTAssertTrue(doc.value(atPath: "Nope[-1].Key").isNull)
    }

    func testTimestampFormats() {
        let date = Date(timeIntervalSince1970: 1_704_164_645)
        XCTAssertEqual(TimestampCoding.iso8601(date), "2024-01-02T03:04:05Z")
        XCTAssertEqual(TimestampCoding.iso8601(Date(timeIntervalSince1970: 1_704_164_645.25)),
                       "2024-01-02T03:04:05.250Z")
        XCTAssertEqual(TimestampCoding.rfc822(date), "Tue, 02 Jan 2024 03:04:05 GMT")
        XCTAssertEqual(TimestampCoding.epochSeconds(date), "1704164645")
        XCTAssertEqual(TimestampCoding.iso8601(Date(timeIntervalSince1970: 951_782_400)), "2000-02-29T00:00:00Z")
        XCTAssertEqual(TimestampCoding.rfc822(Date(timeIntervalSince1970: 0)), "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    func testTimestampParsing() {
        let date = Date(timeIntervalSince1970: 1_704_164_645)
        XCTAssertEqual(TimestampCoding.parse("2024-01-02T03:04:05Z"), date)
        XCTAssertEqual(TimestampCoding.parse("2024-01-02T03:04:05.000Z"), date)
        XCTAssertEqual(TimestampCoding.parse("2024-01-02T05:04:05+02:00"), date)
        XCTAssertEqual(TimestampCoding.parse("Tue, 02 Jan 2024 03:04:05 GMT"), date)
        XCTAssertEqual(TimestampCoding.parse("1704164645"), date)
        XCTAssertNil(TimestampCoding.parse("yesterday"))
        XCTAssertNil(TimestampCoding.parse("2024-01-02T03:04:05Q"))
    }

    func testGeneratedModelsAreClosed() {
        // Every member, list element and map entry of every shipped model names a shape that exists,
        // and every operation's input and output exist: the generator's closure is complete.
        for model in ServiceModel.all {
            for operation in model.operations.values {
                for name in [operation.input, operation.output].compactMap({ $0 }) {
                    XCTAssertNotNil(model.shape(name), "\(model.metadata.name) \(operation.name) \(name)")
                }
            }
            for shape in model.shapes.values {
                let refs = shape.members + [shape.member, shape.key, shape.value].compactMap { $0 }
                for ref in refs {
                    XCTAssertNotNil(model.shape(ref.shape), "\(model.metadata.name) \(shape.name).\(ref.name)")
                }
            }
        }
        XCTAssertEqual(ServiceModel.dynamoDB.metadata.targetPrefix, "DynamoDB_20120810")
        XCTAssertEqual(ServiceModel.sts.operations["AssumeRoleWithWebIdentity"]?.unsigned, true)
        XCTAssertEqual(ServiceModel.iam.operations["ListRoles"]?.paginator?.inputTokens, ["Marker"])
        XCTAssertEqual(ServiceModel.s3.operations["PutBucketTagging"]?.checksumRequired, true)
    }
}
