import Foundation

/// What kind of failure an attempt ended with, as far as retrying is concerned.
public enum RetryClassification: Sendable, Equatable {
    /// The service asked us to slow down (`Throttling`, `SlowDown`, ...).
    case throttling
    /// A transient server-side failure (HTTP 500/502/503/504, `InternalError`, ...).
    case transient
    /// No complete response: connect failure, reset, or timeout (`isTimeout` costs more quota).
    case transport(isTimeout: Bool)
    /// A signature or expiry error (`SignatureDoesNotMatch`, `RequestTimeTooSkewed`, ...); it is
    /// retried once, and only if the server's clock (`serverDate`) shows that ours is off.
    case clockSkewCandidate(serverDate: Date?)
    /// Retrying cannot help (client errors, auth errors, anything unknown).
    case notRetryable

    /// Error codes that mean "slow down".
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]
    /// Error codes of transient server-side failures.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
    ]
    /// HTTP statuses retried whatever the error code.
    public static let transientStatusCodes: Set<Int> = [500, 502, 503, 504]
    /// Error codes that a wrong local clock produces (and also a wrong secret: hence the Date check).
    public static let clockSkewCodes: Set<String> = [
        "SignatureDoesNotMatch", "InvalidSignatureException", "RequestTimeTooSkewed", "RequestExpired",
        "InvalidSignature",
    ]

    /// Classifies an error thrown by an attempt: an ``AWSError`` by code and status, a
    /// ``TransportError`` by kind; anything else is not retried.
    public static func classify(_ error: any Error) -> RetryClassification {
        switch error {
        case let error as AWSError:
            return classify(code: error.code, statusCode: error.statusCode, serverDate: error.serverDate)
        case let error as TransportError:
            switch error.kind {
            case .connectFailed, .connectionClosed: return .transport(isTimeout: false)
            case .timeout: return .transport(isTimeout: true)
            case .responseTooLarge, .invalidRequest, .other: return .notRetryable
            }
        default:
            return .notRetryable
        }
    }

    /// Classifies an AWS error response by its code and HTTP status.
    public static func classify(code: String, statusCode: Int, serverDate: String?) -> RetryClassification {
        if throttlingCodes.contains(code) { return .throttling }
        if clockSkewCodes.contains(code) { return .clockSkewCandidate(serverDate: serverDate.flatMap(parseHTTPDate)) }
        if transientCodes.contains(code) || transientStatusCodes.contains(statusCode) { return .transient }
        return .notRetryable
    }
}

/// Parses an HTTP `Date` header (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`), or an ISO 8601
/// timestamp as some services put in error bodies (`2026-01-02T03:04:05Z`,
/// `20260102T030405Z`). Returns `nil` for anything else; a skew check then simply does not fire.
public func parseHTTPDate(_ text: String) -> Date? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let date = parseIMFFixdate(trimmed) { return date }
    if let date = parseISO8601(trimmed) { return date }
    return nil
}

private let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

private func parseIMFFixdate(_ text: String) -> Date? {
    // "Sun, 06 Nov 1994 08:49:37 GMT": the weekday is redundant and ignored.
    let afterComma = text.split(separator: ",", maxSplits: 1).last.map(String.init) ?? text
    let parts = afterComma.split(separator: " ")
    guard parts.count == 5, parts[4] == "GMT" || parts[4] == "UTC",
          let day = Int(parts[0]),
          let month = monthNames.firstIndex(of: parts[1].lowercased()).map({ $0 + 1 }),
          let year = Int(parts[2])
    else { return nil }
    let time = parts[3].split(separator: ":")
    guard time.count == 3, let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2]) else {
        return nil
    }
    return utcDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
}

private func parseISO8601(_ text: String) -> Date? {
    // Keep digits only, dropping fractional seconds; both the extended and basic forms remain.
    guard text.hasSuffix("Z") else { return nil }
    var body = Substring(text.dropLast())
    if let dot = body.firstIndex(of: ".") { body = body[..<dot] }
    let digits = body.filter { $0.isASCII && $0.isNumber }
    let separators = body.filter { !($0.isASCII && $0.isNumber) }
    guard digits.count == 14, separators.allSatisfy({ "-:T".contains($0) }) else { return nil }
    let d = Array(digits)
    func number(_ range: Range<Int>) -> Int? { Int(String(d[range])) }
    guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
          let hour = number(8..<10), let minute = number(10..<12), let second = number(12..<14)
    else { return nil }
    return utcDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
}

private func utcDate(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
    guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
          (0...60).contains(second)
    else { return nil }
    // Days from the civil date (proleptic Gregorian), so no Calendar or formatter is needed.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let monthIndex = (month + 9) % 12
    let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
    return Date(timeIntervalSince1970: TimeInterval(seconds))
}
