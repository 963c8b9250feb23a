/// A one-line chart of a series in block characters, e.g. "█▆▅▃▂▂▁▁".
public enum Sparkline {
    private static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// `values` drawn in at most `width` characters (averaging neighbours when
    /// there are more values), scaled between the ends of `scale`, or between
    /// their smallest and largest without one. Sparklines drawn on one scale
    /// can be compared by their heights.
    public static func draw(_ values: [Double], width: Int = 40, scale: ClosedRange<Double>? = nil) -> String {
        let finite = values.filter(\.isFinite)
        guard let low = scale?.lowerBound ?? finite.min(), let high = scale?.upperBound ?? finite.max(), !finite.isEmpty else { return "" }
        let buckets = min(width, values.count)
        return String((0..<buckets).map { bucket -> Character in
            let range = (bucket * values.count / buckets)..<((bucket + 1) * values.count / buckets)
            let slice = values[range].filter(\.isFinite)
            guard !slice.isEmpty else { return " " }
            let mean = slice.reduce(0, +) / Double(slice.count)
            let level = high > low ? Int((min(1, max(0, (mean - low) / (high - low))) * 7).rounded()) : 3
            return levels[level]
        })
    }
}
