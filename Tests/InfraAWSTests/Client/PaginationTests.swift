import XCTest

@testable import InfraAWS

final class PaginationTests: XCTestCase {
    private let listRoles = PaginatorModel(inputTokens: ["Marker"], outputTokens: ["Marker"], resultKeys: ["Roles"],
                                           limitKey: "MaxItems", moreResults: "IsTruncated")

    func testNextInputCarriesTheTokenUntilTheLastPage() {
        let input: AWSDocument = ["MaxItems": 2]
        let first: AWSDocument = ["Roles": [["RoleName": "a"], ["RoleName": "b"]], "IsTruncated": true, "Marker": "m1"]
        let next = AWSPagination.nextInput(after: first, input: input, paginator: listRoles)
        XCTAssertEqual(next, ["MaxItems": 2, "Marker": "m1"])
        let last: AWSDocument = ["Roles": [["RoleName": "c"]], "IsTruncated": false]
        XCTAssertNil(AWSPagination.nextInput(after: last, input: next ?? [:], paginator: listRoles))
    }

    func testStopsWhenTheTokenRepeatsOrIsEmpty() {
        let paginator = PaginatorModel(inputTokens: ["NextToken"], outputTokens: ["NextToken"], resultKeys: ["Vpcs"])
        XCTAssertNil(AWSPagination.nextInput(after: ["NextToken": "t"], input: ["NextToken": "t"], paginator: paginator))
        XCTAssertNil(AWSPagination.nextInput(after: ["NextToken": ""], input: [:], paginator: paginator))
        XCTAssertNil(AWSPagination.nextInput(after: ["Vpcs": []], input: [:], paginator: paginator))
    }

    func testSeveralTokens() {
        let versions = PaginatorModel(inputTokens: ["KeyMarker", "VersionIdMarker"],
                                      outputTokens: ["NextKeyMarker", "NextVersionIdMarker"],
                                      resultKeys: ["Versions", "DeleteMarkers"], moreResults: "IsTruncated")
        let next = AWSPagination.nextInput(
            after: ["IsTruncated": true, "NextKeyMarker": "k", "NextVersionIdMarker": "v"], input: ["Bucket": "b"],
            paginator: versions)
        XCTAssertEqual(next, ["Bucket": "b", "KeyMarker": "k", "VersionIdMarker": "v"])
    }

    func testMergeConcatenatesResultKeys() {
        let pages: [AWSDocument] = [
            ["Roles": [["RoleName": "a"]], "IsTruncated": true, "Marker": "m"],
            ["IsTruncated": false],
            ["Roles": [["RoleName": "b"], ["RoleName": "c"]], "IsTruncated": false],
        ]
        let merged = AWSPagination.merge(pages, paginator: listRoles)
        XCTAssertEqual(merged["Roles"].array?.compactMap { $0["RoleName"].string }, ["a", "b", "c"])
        XCTAssertTrue(merged["Marker"].isNull)
    }
}
