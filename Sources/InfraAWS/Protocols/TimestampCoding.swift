import Foundation

/// The three timestamp formats of AWS models, formatted and parsed by hand: no `DateFormatter`
/// (not `Sendable`, slow, locale-dependent) on the request path.
enum TimestampCoding {
    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `2024-01-02T03:04:05Z`, or with milliseconds when the date has a fraction.
    static func iso8601(_ date: Date) -> String {
        let parts = Civil(date)
        var text = "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
        text += "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2))"
        if parts.millisecond > 0 { text += "." + pad(parts.millisecond, 3) }
        return text + "Z"
    }

    /// `Tue, 02 Jan 2024 03:04:05 GMT` (RFC 7231 IMF-fixdate), the format of HTTP headers.
    static func rfc822(_ date: Date) -> String {
        let parts = Civil(date)
        return "\(weekdays[parts.weekdayIndex]), \(pad(parts.day, 2)) \(months[parts.month - 1]) \(pad(parts.year, 4)) "
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)) GMT"
    }

    /// Seconds since the epoch: an integer when whole, else with milliseconds.
    static func epochSeconds(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        if seconds == seconds.rounded() { return String(Int64(seconds)) }
        return String((seconds * 1000).rounded() / 1000)
    }

    /// Formats for the given model format name, with `fallback` when the model names none.
    static func format(_ date: Date, _ format: String?, fallback: String) -> String {
        switch format ?? fallback {
        case "rfc822": return rfc822(date)
        case "unixTimestamp": return epochSeconds(date)
        default: return iso8601(date)
        }
    }

    /// Parses any of the three formats (services do not always send the one the model says).
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed) { return Date(timeIntervalSince1970: seconds) }
        if let date = parseISO8601(trimmed) { return date }
        return parseRFC822(trimmed)
    }

    private static func parseISO8601(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
              let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, let digit = digitValue(bytes[index]) {
                fraction += Double(digit) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                let rest = Array(bytes[(index + 1)...]).filter { $0 != UInt8(ascii: ":") }
                guard rest.count == 4, let hours = number(rest, 0, 2), let minutes = number(rest, 2, 2) else {
                    return nil
                }
                offset = sign * (hours * 3600 + minutes * 60)
                index = bytes.count
            default:
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    private static func parseRFC822(_ text: String) -> Date? {
        // "Tue, 02 Jan 2024 03:04:05 GMT"
        let fields = text.split(separator: " ")
        guard fields.count >= 5 else { return nil }
        let base = fields[0].hasSuffix(",") ? 1 : 0
        guard fields.count >= base + 4, let day = Int(fields[base]),
              let monthIndex = months.firstIndex(of: String(fields[base + 1])),
              let year = Int(fields[base + 2])
        else { return nil }
        let clock = fields[base + 3].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        let days = daysFromCivil(year: year, month: monthIndex + 1, day: day)
        return Date(timeIntervalSince1970: Double(days * 86400 + clock[0] * 3600 + clock[1] * 60 + clock[2]))
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<(start + count)] {
            guard let digit = digitValue(byte) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The calendar fields of a date in UTC.
    private struct Civil {
        var year, month, day, hour, minute, second, millisecond, weekdayIndex: Int

        init(_ date: Date) {
            let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
            var days = Int(totalMillis / 86_400_000)
            var millisOfDay = Int(totalMillis % 86_400_000)
            if millisOfDay < 0 {
                millisOfDay += 86_400_000
                days -= 1
            }
            let z = days + 719468
            let era = (z >= 0 ? z : z - 146096) / 146097
            let doe = z - era * 146097
            let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            day = doy - (153 * mp + 2) / 5 + 1
            month = mp < 10 ? mp + 3 : mp - 9
            year = yoe + era * 400 + (month <= 2 ? 1 : 0)
            hour = millisOfDay / 3_600_000
            minute = millisOfDay / 60000 % 60
            second = millisOfDay / 1000 % 60
            millisecond = millisOfDay % 1000
            weekdayIndex = ((days % 7) + 7) % 7
        }
    }
}
