import Foundation

/// The number formats every command shares, so a value reads the same everywhere.
public enum Format {
    /// A loss or other metric: four significant digits ("0.2346", "1.23e-05").
    public static func metric(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : value > 0 ? "inf" : "-inf" }
        if value != 0 && (abs(value) < 1e-3 || abs(value) >= 1e5) {
            return String(format: "%.3e", value)
        }
        return String(format: "%.4g", value)
    }

    /// An accuracy as a fraction with three decimals ("0.913").
    public static func accuracy(_ value: Double) -> String {
        String(format: "%.3f", value)
    }

    /// A hyperparameter exactly as the user would write it ("0.02", "1e-05", "7").
    public static func parameter(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A rate with about three significant digits ("850", "12.3k", "1.2M").
    public static func rate(_ value: Double) -> String {
        switch value {
        case ..<1_000: String(format: "%.0f", value)
        case ..<1_000_000: String(format: "%.3gk", value / 1e3)
        default: String(format: "%.3gM", value / 1e6)
        }
    }

    /// A duration in seconds ("0.42 s", "12.3 s", "2 min 5 s").
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds < 10 { return String(format: "%.2f s", seconds) }
        if seconds < 120 { return String(format: "%.1f s", seconds) }
        return "\(Int(seconds) / 60) min \(Int(seconds) % 60) s"
    }

    /// A timestamp in UTC, to the second ("2026-11-29 04:30:12").
    public static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}
