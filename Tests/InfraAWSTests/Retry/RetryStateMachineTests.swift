import Foundation
import XCTest

@testable import InfraAWS

final class RetryStateMachineTests: XCTestCase {
    private let fast = RetryConfiguration(maxAttempts: 3, baseDelay: .milliseconds(100), maxBackoff: .seconds(20))

    // MARK: Decisions per class of outcome

    func testThrottlingTransientAndTransportFailuresAreRetried() {
        let retryable: [RetryClassification] = [.throttling, .transient, .transport(isTimeout: false),
                                                .transport(isTimeout: true)]
        for classification in retryable {
            var machine = RetryStateMachine(configuration: fast)
            var quota = RetryQuota()
            let action = machine.attemptFailed(classification, quota: &quota, random: 1)
            XCTAssertEqual(action, .retry(attempt: 2, delay: .milliseconds(100), clockSkewOffset: nil),
                           "\(classification)")
        }
    }

    func testNotRetryableFailsAtOnceWithoutTakingQuota() {
        var machine = RetryStateMachine(configuration: fast)
        var quota = RetryQuota()
        XCTAssertEqual(machine.attemptFailed(.notRetryable, quota: &quota, random: 0.5), .fail(.notRetryable))
        XCTAssertEqual(quota.available, 500)
    }

    func testGivesUpAfterMaxAttemptsAndSaysHowMany() {
        var machine = RetryStateMachine(configuration: fast)
        var quota = RetryQuota()
        XCTAssertEqual(machine.attemptFailed(.transient, quota: &quota, random: 0.5).attempt, 2)
        XCTAssertEqual(machine.attemptFailed(.transient, quota: &quota, random: 0.5).attempt, 3)
        XCTAssertEqual(machine.attemptFailed(.transient, quota: &quota, random: 0.5),
                       .fail(.attemptsExhausted(attempts: 3)))
    }

    func testMaxAttemptsIsConfigurable() {
        var machine = RetryStateMachine(configuration: RetryConfiguration(maxAttempts: 1))
        var quota = RetryQuota()
        XCTAssertEqual(machine.attemptFailed(.throttling, quota: &quota, random: 0.5),
                       .fail(.attemptsExhausted(attempts: 1)))

        var five = RetryStateMachine(configuration: RetryConfiguration(maxAttempts: 5))
        var retries = 0
        while case .retry = five.attemptFailed(.throttling, quota: &quota, random: 0) { retries += 1 }
        XCTAssertEqual(retries, 4)
    }

    // MARK: Backoff

    func testDelaysGrowExponentiallyWithAFixedRandomSource() {
        var machine = RetryStateMachine(configuration: RetryConfiguration(maxAttempts: 5, baseDelay: .milliseconds(100)))
        var quota = RetryQuota()
        var delays: [Duration] = []
        while case .retry(_, let delay, _) = machine.attemptFailed(.throttling, quota: &quota, random: 0.5) {
            delays.append(delay)
        }
        XCTAssertEqual(delays, [.milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(400)])
    }

    func testDelayIsCappedByMaxBackoffAndJitterScalesIt() {
        let machine = RetryStateMachine(configuration: RetryConfiguration(baseDelay: .seconds(1), maxBackoff: .seconds(20)))
        XCTAssertEqual(machine.backoff(afterAttempt: 1, random: 1), .seconds(1))
        XCTAssertEqual(machine.backoff(afterAttempt: 5, random: 1), .seconds(16))
        XCTAssertEqual(machine.backoff(afterAttempt: 6, random: 1), .seconds(20))
        XCTAssertEqual(machine.backoff(afterAttempt: 500, random: 1), .seconds(20))
        XCTAssertEqual(machine.backoff(afterAttempt: 3, random: 0), .zero)
        XCTAssertEqual(machine.backoff(afterAttempt: 3, random: 0.25), .seconds(1))
        // Out-of-range jitter is clamped rather than producing negative or huge delays.
        XCTAssertEqual(machine.backoff(afterAttempt: 1, random: -3), .zero)
        XCTAssertEqual(machine.backoff(afterAttempt: 1, random: 7), .seconds(1))
    }

    // MARK: Quota

    func testRetriesCostFiveAndTimeoutsTen() {
        var quota = RetryQuota()
        var machine = RetryStateMachine(configuration: fast)
        _ = machine.attemptFailed(.throttling, quota: &quota, random: 0)
        XCTAssertEqual(quota.available, 495)
        _ = machine.attemptFailed(.transport(isTimeout: true), quota: &quota, random: 0)
        XCTAssertEqual(quota.available, 485)
    }

    func testSuccessRefundsTheLatestRetryCostOrOneToken() {
        var quota = RetryQuota()
        var retried = RetryStateMachine(configuration: fast)
        _ = retried.attemptFailed(.throttling, quota: &quota, random: 0)
        _ = retried.attemptFailed(.transport(isTimeout: true), quota: &quota, random: 0)
        XCTAssertEqual(quota.available, 485)
        retried.attemptSucceeded(quota: &quota)
        XCTAssertEqual(quota.available, 495, "only the latest retry's 10 tokens come back")

        var firstTime = RetryStateMachine(configuration: fast)
        firstTime.attemptSucceeded(quota: &quota)
        XCTAssertEqual(quota.available, 496)
        // Succeeding twice (a misuse) must not refund twice.
        firstTime.attemptSucceeded(quota: &quota)
        XCTAssertEqual(quota.available, 496)
    }

    func testRefillNeverExceedsCapacity() {
        var quota = RetryQuota()
        var machine = RetryStateMachine(configuration: fast)
        machine.attemptSucceeded(quota: &quota)
        XCTAssertEqual(quota.available, 500)
    }

    func testEmptyQuotaStopsRetriesAndRefillsOnSuccess() {
        var quota = RetryQuota(configuration: RetryQuotaConfiguration(capacity: 12))
        var first = RetryStateMachine(configuration: fast)
        XCTAssertEqual(first.attemptFailed(.transient, quota: &quota, random: 0).attempt, 2)
        XCTAssertEqual(first.attemptFailed(.transient, quota: &quota, random: 0).attempt, 3)
        XCTAssertEqual(quota.available, 2)

        var second = RetryStateMachine(configuration: fast)
        XCTAssertEqual(second.attemptFailed(.transient, quota: &quota, random: 0), .fail(.quotaExhausted(attempts: 1)))
        XCTAssertEqual(quota.available, 2, "a refused retry takes nothing")

        // Three first-attempt successes give back three tokens: enough for one retry again.
        for _ in 0..<3 {
            var ok = RetryStateMachine(configuration: fast)
            ok.attemptSucceeded(quota: &quota)
        }
        XCTAssertEqual(quota.available, 5)
        var third = RetryStateMachine(configuration: fast)
        XCTAssertEqual(third.attemptFailed(.transient, quota: &quota, random: 0).attempt, 2)
        XCTAssertEqual(quota.available, 0)
    }

    func testTimeoutNeedsTenTokens() {
        var quota = RetryQuota(configuration: RetryQuotaConfiguration(capacity: 9))
        var machine = RetryStateMachine(configuration: fast)
        XCTAssertEqual(machine.attemptFailed(.transport(isTimeout: true), quota: &quota, random: 0),
                       .fail(.quotaExhausted(attempts: 1)))
        var other = RetryStateMachine(configuration: fast)
        XCTAssertEqual(other.attemptFailed(.transport(isTimeout: false), quota: &quota, random: 0).attempt, 2)
    }

    // MARK: Clock skew

    private let localNow = Date(timeIntervalSince1970: 1_800_000_000)

    func testSkewedServerDateRetriesOnceAtOnceWithTheOffset() {
        var machine = RetryStateMachine(configuration: fast)
        var quota = RetryQuota()
        let serverDate = localNow.addingTimeInterval(600)
        let first = machine.attemptFailed(.clockSkewCandidate(serverDate: serverDate), quota: &quota, random: 1,
                                          localNow: localNow)
        XCTAssertEqual(first, .retry(attempt: 2, delay: .zero, clockSkewOffset: 600))

        // The corrected attempt fails the same way: no second skew retry.
        let second = machine.attemptFailed(.clockSkewCandidate(serverDate: serverDate), quota: &quota, random: 1,
                                           localNow: localNow, currentSkewOffset: 0)
        XCTAssertEqual(second, .fail(.notRetryable))
    }

    func testServerBehindOurClockGivesANegativeOffset() {
        var machine = RetryStateMachine(configuration: fast)
        var quota = RetryQuota()
        let action = machine.attemptFailed(.clockSkewCandidate(serverDate: localNow.addingTimeInterval(-3600)),
                                           quota: &quota, random: 1, localNow: localNow)
        XCTAssertEqual(action, .retry(attempt: 2, delay: .zero, clockSkewOffset: -3600))
    }

    func testSignatureErrorWithoutSkewIsNotRetried() {
        // A wrong secret: the clocks agree, so retrying would only fail again.
        for serverDate in [localNow.addingTimeInterval(30), localNow.addingTimeInterval(-239), nil] {
            var machine = RetryStateMachine(configuration: fast)
            var quota = RetryQuota()
            XCTAssertEqual(
                machine.attemptFailed(.clockSkewCandidate(serverDate: serverDate), quota: &quota, random: 1,
                                      localNow: localNow),
                .fail(.notRetryable))
        }
    }

    func testSkewAlreadyCorrectedIsNotCorrectedAgain() {
        // The attempt was signed with a +600 s correction and the server agrees with that clock.
        var machine = RetryStateMachine(configuration: fast)
        var quota = RetryQuota()
        let action = machine.attemptFailed(.clockSkewCandidate(serverDate: localNow.addingTimeInterval(600)),
                                           quota: &quota, random: 1, localNow: localNow, currentSkewOffset: 600)
        XCTAssertEqual(action, .fail(.notRetryable))
    }

    // MARK: Classification

    func testClassifiesAWSErrorsByCodeAndStatus() {
        func classify(_ code: String, _ status: Int, date: String? = nil) -> RetryClassification {
            RetryClassification.classify(AWSError(service: "ec2", operation: "DescribeVpcs", code: code, message: "",
                                                  statusCode: status, serverDate: date))
        }
        for code in ["Throttling", "ThrottlingException", "RequestLimitExceeded", "SlowDown",
                     "ProvisionedThroughputExceededException", "EC2ThrottledException", "TooManyRequestsException"]
        {
            XCTAssertEqual(classify(code, 400), .throttling, code)
        }
        for code in ["InternalError", "InternalFailure", "ServiceUnavailable", "RequestTimeout"] {
            XCTAssertEqual(classify(code, 400), .transient, code)
        }
        for status in [500, 502, 503, 504] {
            XCTAssertEqual(classify("Whatever", status), .transient)
        }
        for (code, status) in [("ValidationError", 400), ("InvalidVpcID.NotFound", 400), ("AccessDenied", 403),
                               ("UnrecognizedClientException", 400), ("AuthFailure", 401), ("Conflict", 409),
                               ("NotImplemented", 501)]
        {
            XCTAssertEqual(classify(code, status), .notRetryable, code)
        }
        XCTAssertEqual(classify("SignatureDoesNotMatch", 403, date: "Wed, 07 Jan 2027 10:00:00 GMT"),
                       .clockSkewCandidate(serverDate: Date(timeIntervalSince1970: 1_799_316_000)))
        XCTAssertEqual(classify("RequestTimeTooSkewed", 403), .clockSkewCandidate(serverDate: nil))
    }

    func testClassifiesTransportErrorsByKind() {
        func classify(_ kind: TransportError.Kind) -> RetryClassification {
            RetryClassification.classify(TransportError(kind: kind, host: "h", mayHaveReachedServer: true, detail: ""))
        }
        XCTAssertEqual(classify(.connectFailed), .transport(isTimeout: false))
        XCTAssertEqual(classify(.connectionClosed), .transport(isTimeout: false))
        XCTAssertEqual(classify(.timeout), .transport(isTimeout: true))
        XCTAssertEqual(classify(.responseTooLarge(limit: 10)), .notRetryable)
        XCTAssertEqual(classify(.invalidRequest), .notRetryable)
        XCTAssertEqual(classify(.other), .notRetryable)
        XCTAssertEqual(RetryClassification.classify(CocoaError(.fileNoSuchFile)), .notRetryable)
    }

    func testParsesHTTPAndISODates() {
        let expected = Date(timeIntervalSince1970: 784_111_777)  // 1994-11-06 08:49:37 UTC
        XCTAssertEqual(parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT"), expected)
        XCTAssertEqual(parseHTTPDate("1994-11-06T08:49:37Z"), expected)
        XCTAssertEqual(parseHTTPDate("1994-11-06T08:49:37.123Z"), expected)
        XCTAssertEqual(parseHTTPDate("19941106T084937Z"), expected)
        XCTAssertEqual(parseHTTPDate("Thu, 29 Feb 2024 23:59:59 GMT"), Date(timeIntervalSince1970: 1_709_251_199))
        XCTAssertNil(parseHTTPDate("yesterday"))
        XCTAssertNil(parseHTTPDate("Sun, 06 Foo 1994 08:49:37 GMT"))
        XCTAssertNil(parseHTTPDate("Sun, 06 Nov 1994 25:49:37 GMT"))
        XCTAssertNil(parseHTTPDate(""))
    }
}

extension RetryStateMachine.Action {
    /// The attempt a retry leads to, or 0 for a failure (keeps assertions short).
    fileprivate var attempt: Int {
        if case .retry(let attempt, _, _) = self { return attempt }
        return 0
    }
}
