import Foundation

/// Maps data values onto a pixel interval, linearly or logarithmically, over
/// a domain widened to whole ticks so the tick labels cover the data.
struct Scale: Sendable {
    enum Kind: Sendable { case linear, log }

    let kind: Kind
    /// The widened data domain; its ends are the first and last ticks.
    let lower: Double
    let upper: Double
    let ticks: [Double]
    let tickLabels: [String]
    /// Pixel positions of `lower` and `upper` (the end may be smaller, as on y axes).
    let start: Double
    let end: Double

    /// A scale over `dataLower...dataUpper`, widened to whole ticks when
    /// `extendToTicks`, else exact with the ticks that fall inside. A log
    /// scale needs a positive lower bound and falls back to linear otherwise.
    init(
        kind: Kind, dataLower: Double, dataUpper: Double, start: Double, end: Double,
        tickTarget: Int = 5, extendToTicks: Bool = true
    ) {
        self.start = start
        self.end = end
        if kind == .log, dataLower > 0 {
            let exponents = Ticks.decades(dataLower, dataUpper)
            self.kind = .log
            ticks = exponents.map { pow(10, Double($0)) }
            tickLabels = exponents.map(NumberFormat.decade)
        } else {
            let (values, step) = Ticks.linear(dataLower, dataUpper, target: tickTarget)
            let tolerance = step * 1e-6
            self.kind = .linear
            ticks = extendToTicks ? values : values.filter { $0 >= dataLower - tolerance && $0 <= dataUpper + tolerance }
            tickLabels = ticks.map { NumberFormat.tick($0, step: step) }
        }
        lower = extendToTicks || ticks.isEmpty ? ticks.first ?? dataLower : dataLower
        upper = extendToTicks || ticks.isEmpty ? ticks.last ?? dataUpper : dataUpper
    }

    /// `.log` when every value is positive and they span at least two decades.
    static func preferredKind(for values: [Double]) -> Kind {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), low > 0 else { return .linear }
        return high / low >= 100 * (1 - 1e-9) ? .log : .linear
    }

    /// The pixel position of `value`, or `nil` when it cannot be shown
    /// (not finite, or not positive on a log scale).
    func position(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        let fraction: Double
        switch kind {
        case .linear:
            fraction = (value - lower) / (upper - lower)
        case .log:
            guard value > 0 else { return nil }
            fraction = (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
        return start + fraction * (end - start)
    }
}
