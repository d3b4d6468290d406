import XCTest

@testable import InfraAWS

final class ErrorParserTests: XCTestCase {
    private func parse(_ body: String, status: Int, headers: [(name: String, value: String)] = []) -> AWSError {
        AWSErrorParser.parse(AWSHTTPResponse(status: status, headers: headers, body: Array(body.utf8)),
                             service: "svc", operation: "Op")
    }

    func testQueryErrorResponse() {
        let error = parse("""
            <ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
              <Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>Role r not found</Message></Error>
              <RequestId>req-1</RequestId>
            </ErrorResponse>
            """, status: 404, headers: [("Date", "Tue, 02 Jan 2024 03:04:05 GMT")])
        XCTAssertEqual(error.code, "NoSuchEntity")
        XCTAssertEqual(error.message, "Role r not found")
        XCTAssertEqual(error.requestID, "req-1")
        XCTAssertEqual(error.statusCode, 404)
        XCTAssertEqual(error.serverDate, "Tue, 02 Jan 2024 03:04:05 GMT")
        XCTAssertEqual(error.service, "svc")
        XCTAssertEqual(error.operation, "Op")
    }

    func testEC2ErrorsList() {
        let error = parse("""
            <Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>The vpc ID 'vpc-1' does not exist</Message></Error></Errors><RequestID>r-2</RequestID></Response>
            """, status: 400)
        XCTAssertEqual(error.code, "InvalidVpcID.NotFound")
        XCTAssertEqual(error.message, "The vpc ID 'vpc-1' does not exist")
        XCTAssertEqual(error.requestID, "r-2")
    }

    func testS3BareError() {
        let error = parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><RequestId>s3r</RequestId></Error>
            """, status: 412)
        XCTAssertEqual(error.code, "PreconditionFailed")
        XCTAssertEqual(error.requestID, "s3r")
    }

    func testJSONTypeWithNamespaceAndLowercaseMessage() {
        let error = parse(#"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}"#,
                          status: 400, headers: [("x-amzn-RequestId", "dd-1")])
        XCTAssertEqual(error.code, "ConditionalCheckFailedException")
        XCTAssertEqual(error.message, "The conditional request failed")
        XCTAssertEqual(error.requestID, "dd-1")
        let plain = parse(#"{"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find it"}"#,
                          status: 400)
        XCTAssertEqual(plain.code, "ResourceNotFoundException")
        XCTAssertEqual(plain.message, "Secrets Manager can't find it")
        let code = parse(#"{"code":"ClientException","message":"bad"}"#, status: 400)
        XCTAssertEqual(code.code, "ClientException")
    }

    func testRESTJSONHeaderWinsAndIsSanitised() {
        let error = parse(#"{"message":"No cluster found for name: c."}"#, status: 404,
                          headers: [("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/")])
        XCTAssertEqual(error.code, "ResourceNotFoundException")
        XCTAssertEqual(error.message, "No cluster found for name: c.")
    }

    func testXMLErrorFromAJSONService() {
        // moto answers auth failures of JSON services in the query format.
        let error = parse("""
            <ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error></ErrorResponse>
            """, status: 403)
        XCTAssertEqual(error.code, "SignatureDoesNotMatch")
        XCTAssertTrue(error.message.hasPrefix("The request signature"))
    }

    func testEmptyBodyTakesItsCodeFromTheStatus() {
        XCTAssertEqual(parse("", status: 404).code, "NotFound")
        XCTAssertEqual(parse("", status: 403).code, "Forbidden")
        XCTAssertEqual(parse("", status: 412).code, "PreconditionFailed")
        XCTAssertEqual(parse("", status: 599).code, "HTTP599")
        XCTAssertEqual(parse("", status: 404).message, "")
    }

    func testHTMLBodyExplainsItself() {
        let error = parse("<!DOCTYPE html><html><title>500 Internal Server Error</title></html>", status: 500)
        XCTAssertEqual(error.code, "InternalError")
        XCTAssertTrue(error.message.contains("not an AWS error"), error.message)
        XCTAssertTrue(error.message.contains("500 Internal Server Error"), error.message)
    }
}
