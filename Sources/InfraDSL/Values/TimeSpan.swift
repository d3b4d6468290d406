import InfraEngine

/// A span of time written as users write it: `30s`, `5m`, `12h`, `7d`, `1h30m`.
public struct TimeSpan: CheckedValue, Hashable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// Whole seconds; 0 when invalid.
    public let seconds: Int
    public let invalidity: InvalidValue?
    private let text: String

    public init(parsing text: String) throws(InvalidValue) {
        func fail(_ reason: String) -> InvalidValue { InvalidValue(kind: "duration", input: text, reason: reason) }
        guard !text.isEmpty else { throw fail("expected a number and a unit, e.g. 30s, 5m, 12h, 7d") }
        var total = 0
        var digits = ""
        for c in text {
            if c.isASCIIDigit {
                digits.append(c)
                continue
            }
            let unit: Int
            switch c {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            default: throw fail("unknown unit '\(c)': use s, m, h or d (e.g. 30s, 5m, 12h, 7d)")
            }
            guard let n = Int(digits) else { throw fail("expected a number before '\(c)'") }
            let (product, overflow1) = n.multipliedReportingOverflow(by: unit)
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow1, !overflow2 else { throw fail("too long") }
            total = sum
            digits = ""
        }
        guard digits.isEmpty else { throw fail("'\(digits)' needs a unit: s, m, h or d (e.g. \(digits)s)") }
        seconds = total
        invalidity = nil
        self.text = text
    }

    public init(invalid error: InvalidValue) {
        seconds = 0
        invalidity = error
        text = error.input
    }

    public init(stringLiteral value: String) { self.init(lenient: value) }

    public static func seconds(_ n: Int) -> TimeSpan { TimeSpan(exactSeconds: n) }
    public static func minutes(_ n: Int) -> TimeSpan { TimeSpan(exactSeconds: n * 60) }
    public static func hours(_ n: Int) -> TimeSpan { TimeSpan(exactSeconds: n * 3600) }
    public static func days(_ n: Int) -> TimeSpan { TimeSpan(exactSeconds: n * 86400) }

    private init(exactSeconds: Int) {
        seconds = exactSeconds
        invalidity = nil
        text = "\(exactSeconds)s"
    }

    /// Whole days, rounded down (for attributes AWS counts in days).
    public var days: Int { seconds / 86400 }

    /// Rendered as a number of seconds.
    public var value: Value { .int(seconds) }
    public var description: String { text }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }
    public static func == (lhs: TimeSpan, rhs: TimeSpan) -> Bool {
        lhs.seconds == rhs.seconds && lhs.invalidity == rhs.invalidity
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(seconds)
        hasher.combine(invalidity)
    }
}
