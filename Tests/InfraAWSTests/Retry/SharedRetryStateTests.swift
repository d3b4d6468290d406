import Foundation
import XCTest

@testable import InfraAWS

final class SharedRetryStateTests: XCTestCase {
    func testQuotaIsSharedPerEndpoint() {
        let first = SharedRetryQuota.forEndpoint("shared-test-a.example:443")
        let again = SharedRetryQuota.forEndpoint("shared-test-a.example:443")
        let other = SharedRetryQuota.forEndpoint("shared-test-b.example:443")
        XCTAssertTrue(first === again)
        XCTAssertFalse(first === other)
        _ = first.withQuota { $0.acquire(afterTimeout: false) }
        XCTAssertEqual(again.available, 495)
        XCTAssertEqual(other.available, 500)
    }

    func testConcurrentRetriesNeverOverdrawTheQuota() async {
        let quota = SharedRetryQuota(configuration: RetryQuotaConfiguration(capacity: 500))
        let granted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<400 {
                group.addTask { quota.withQuota { $0.acquire(afterTimeout: false) } != nil }
            }
            var count = 0
            for await ok in group where ok { count += 1 }
            return count
        }
        XCTAssertEqual(granted, 100, "500 tokens pay for exactly 100 retries at 5 each")
        XCTAssertEqual(quota.available, 0)
    }

    func testClockSkewIsRecordedPerHostAndCorrectsTheSigningTime() {
        let skew = ClockSkew()
        let local = Date(timeIntervalSince1970: 1_800_000_000)
        XCTAssertEqual(skew.offset(for: "ec2.eu-west-1.amazonaws.com"), 0)
        skew.record(offset: -420, for: "ec2.eu-west-1.amazonaws.com")
        XCTAssertEqual(skew.now(for: "ec2.eu-west-1.amazonaws.com", localNow: local), local.addingTimeInterval(-420))
        XCTAssertEqual(skew.now(for: "s3.eu-west-1.amazonaws.com", localNow: local), local)
    }

    func testRetryErrorMessagesSayWhatHappened() {
        let last = AWSError(service: "ec2", operation: "DescribeVpcs", code: "RequestLimitExceeded",
                            message: "Request limit exceeded.", statusCode: 503)
        let exhausted = RetryError(reason: .attemptsExhausted, attempts: 3, lastError: last)
        XCTAssertTrue(exhausted.description.hasPrefix("ec2 DescribeVpcs failed: RequestLimitExceeded"))
        XCTAssertTrue(exhausted.description.contains("gave up after 3 attempts"))
        let quota = RetryError(reason: .quotaExhausted, attempts: 1, lastError: last)
        XCTAssertTrue(quota.description.contains("retry quota for this endpoint is exhausted"), quota.description)
    }
}
