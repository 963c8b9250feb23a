import Foundation

/// "Nice" tick positions: multiples of 1, 2 or 5 times a power of ten on
/// linear axes, and powers of ten on log axes.
enum Ticks {
    /// The 1-2-5 step that splits `span` into about `target` intervals.
    static func niceStep(span: Double, target: Int) -> Double {
        let raw = span / Double(max(1, target))
        let magnitude = pow(10, floor(log10(raw)))
        let normalized = raw / magnitude
        let factor: Double = normalized < 1.5 ? 1 : normalized < 3.5 ? 2 : normalized < 7.5 ? 5 : 10
        return factor * magnitude
    }

    /// Ticks covering `lower...upper`: the first is ≤ `lower`, the last ≥ `upper`.
    /// A degenerate range is widened around its value first.
    static func linear(_ lower: Double, _ upper: Double, target: Int = 5) -> (values: [Double], step: Double) {
        var (lower, upper) = (lower, upper)
        if upper - lower <= 1e-12 * max(1, abs(lower)) {
            let pad = lower == 0 ? 1 : abs(lower) * 0.1
            (lower, upper) = (lower - pad, upper + pad)
        }
        let step = niceStep(span: upper - lower, target: target)
        let first = (lower / step + 1e-9).rounded(.down)
        let last = (upper / step - 1e-9).rounded(.up)
        let values = stride(from: first, through: last, by: 1).map { ($0 * step).rounded(toPlaces: 12) }
        return (values, step)
    }

    /// Decade exponents covering `lower...upper` (both > 0), every `k`-th
    /// decade when there are more than `maxCount`.
    static func decades(_ lower: Double, _ upper: Double, maxCount: Int = 8) -> [Int] {
        let first = Int(floor(log10(lower) + 1e-9))
        let last = max(first + 1, Int(ceil(log10(upper) - 1e-9)))
        let every = max(1, (last - first + maxCount - 1) / maxCount)
        let start = Int((Double(first) / Double(every)).rounded(.down)) * every
        let end = Int((Double(last) / Double(every)).rounded(.up)) * every
        return Array(stride(from: start, through: end, by: every))
    }
}
