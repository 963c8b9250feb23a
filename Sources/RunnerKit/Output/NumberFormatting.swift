import Foundation
import RunnerStore

/// The number formats every command shares, so a value reads the same everywhere.
public enum Format {
    /// `value` formatted by C's `printf` rules, as `String(format:)` would, but through
    /// `vsnprintf` directly: several times faster, which a table of 10,000 runs shows.
    public static func printf(_ format: String, _ value: Double) -> String {
        let text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            withVaList([value]) { arguments in
                vsnprintf(buffer.baseAddress, buffer.count, format, arguments) < buffer.count ? String(cString: buffer.baseAddress!) : nil
            }
        }
        // Longer (a huge number in %f) is rare enough for Foundation.
        return text ?? String(format: format, value)
    }

    /// A loss or other metric: four significant digits ("0.2346", "1.23e-05").
    public static func metric(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : value > 0 ? "inf" : "-inf" }
        if value != 0 && (abs(value) < 1e-3 || abs(value) >= 1e5) {
            return printf("%.3e", value)
        }
        return printf("%.4g", value)
    }

    /// An accuracy as a fraction with three decimals ("0.913").
    public static func accuracy(_ value: Double) -> String {
        printf("%.3f", value)
    }

    /// A hyperparameter exactly as the user would write it ("0.02", "1e-05", "7").
    public static func parameter(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A count with its thousands grouped ("2,000,000").
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        let groups = stride(from: digits.count, to: 0, by: -3).reversed().map { end in
            digits.dropFirst(max(0, end - 3)).prefix(end - max(0, end - 3))
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: ",")
    }

    /// A rate with about three significant digits ("850", "12.3k", "1.2M").
    public static func rate(_ value: Double) -> String {
        switch value {
        case ..<1_000: printf("%.0f", value)
        case ..<1_000_000: printf("%.3gk", value / 1e3)
        default: printf("%.3gM", value / 1e6)
        }
    }

    /// A duration in seconds ("0.42 s", "12.3 s", "2 min 5 s").
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds < 10 { return printf("%.2f s", seconds) }
        if seconds < 120 { return printf("%.1f s", seconds) }
        return "\(Int(seconds) / 60) min \(Int(seconds) % 60) s"
    }

    /// A timestamp in UTC, to the second ("2026-11-29 04:30:12").
    public static func timestamp(_ date: Date) -> String {
        // The store's own form cut to the second: a DateFormatter per call cost
        // a listing of 10,000 runs two seconds.
        String(Timestamp.string(from: date).prefix(19).map { $0 == "T" ? " " : $0 })
    }
}
