import Foundation

/// A SigV4 timestamp, `YYYYMMDDTHHMMSSZ` in UTC, formatted by hand: `DateFormatter` costs
/// more than the whole rest of a signature.
struct SigV4Timestamp {
    /// The 16 ASCII bytes of `YYYYMMDDTHHMMSSZ`; the first 8 are the date stamp.
    var bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)
    /// Days since 1970-01-01, the cache key for the derived signing key.
    var day: Int64

    init(_ date: Date) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var day = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            day -= 1
        }
        self.day = day

        // Civil date from a day count (Howard Hinnant's days_from_civil inverse).
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        // Years outside 0...9999 cannot be written in four digits; such a request would be
        // refused by AWS anyway, so clamp rather than fail.
        let year = min(max(yearOfEra + era * 400 + (month <= 2 ? 1 : 0), 0), 9999)

        let hour = secondOfDay / 3600
        let minute = secondOfDay % 3600 / 60
        let second = secondOfDay % 60

        @inline(__always) func digit(_ value: Int64) -> UInt8 { UInt8(truncatingIfNeeded: value) &+ 48 }
        bytes = (
            digit(year / 1000), digit(year / 100 % 10), digit(year / 10 % 10), digit(year % 10),
            digit(month / 10), digit(month % 10), digit(dayOfMonth / 10), digit(dayOfMonth % 10),
            UInt8(ascii: "T"),
            digit(hour / 10), digit(hour % 10), digit(minute / 10), digit(minute % 10),
            digit(second / 10), digit(second % 10), UInt8(ascii: "Z")
        )
    }

    /// Calls `body` with the 16 bytes of the timestamp.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: bytes, body)
    }

    var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }
}
