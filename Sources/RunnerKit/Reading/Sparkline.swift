/// A one-line chart of a series in block characters, e.g. "█▆▅▃▂▂▁▁".
public enum Sparkline {
    private static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// `values` drawn in at most `width` characters (averaging neighbours when
    /// there are more values), scaled between their smallest and largest.
    public static func draw(_ values: [Double], width: Int = 40) -> String {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return "" }
        let buckets = min(width, values.count)
        return String((0..<buckets).map { bucket -> Character in
            let range = (bucket * values.count / buckets)..<((bucket + 1) * values.count / buckets)
            let slice = values[range].filter(\.isFinite)
            guard !slice.isEmpty else { return " " }
            let mean = slice.reduce(0, +) / Double(slice.count)
            let level = high > low ? Int(((mean - low) / (high - low) * 7).rounded()) : 3
            return levels[level]
        })
    }
}
