import Foundation

/// The store's text form of instants: ISO-8601 UTC with milliseconds, `2026-11-29T04:30:00.123Z`.
///
/// The text sorts chronologically, and SQLite's date functions understand it.
public enum Timestamp {
    /// The text of `date`, truncated to the millisecond.
    public static func string(from date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds.floorDivided(by: 1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // By hand rather than with String(format:), which cost a run a millisecond of
        // formatting: runner writes several of these per run.
        func digits(_ value: Int32, _ count: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, count - text.count)) + text
        }
        let millisecond = Int32(milliseconds - milliseconds.floorDivided(by: 1000) * 1000)
        return "\(digits(parts.tm_year + 1900, 4))-\(digits(parts.tm_mon + 1, 2))-\(digits(parts.tm_mday, 2))T"
            + "\(digits(parts.tm_hour, 2)):\(digits(parts.tm_min, 2)):\(digits(parts.tm_sec, 2)).\(digits(millisecond, 3))Z"
    }

    /// The store's format, with a 0 for each digit.
    private static let layout = Array("0000-00-00T00:00:00.000Z".utf8)

    /// The instant written as `text`, or nil when it is not in the store's format.
    static func date(from text: String) -> Date? {
        guard text.utf8.count == layout.count else { return nil }
        var numbers: [Int32] = []
        var number: Int32 = 0
        for (byte, expected) in zip(text.utf8, layout) {
            if expected == UInt8(ascii: "0") {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                number = number * 10 + Int32(byte - UInt8(ascii: "0"))
            } else {
                guard byte == expected else { return nil }
                numbers.append(number)
                number = 0
            }
        }
        var parts = tm()
        parts.tm_year = numbers[0] - 1900
        parts.tm_mon = numbers[1] - 1
        parts.tm_mday = numbers[2]
        parts.tm_hour = numbers[3]
        parts.tm_min = numbers[4]
        parts.tm_sec = numbers[5]
        let seconds = timegm(&parts)
        return Date(timeIntervalSince1970: Double(seconds) + Double(numbers[6]) / 1000)
    }
}

private extension Int64 {
    /// Division rounding toward negative infinity, so instants before 1970 format correctly.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}
