import Foundation

/// Locale-independent number formatting for coordinates and tick labels.
enum NumberFormat {
    /// `value` rounded to at most `decimals` digits after the point, with
    /// trailing zeros dropped and no negative zero: `fixed(0.50, 2) == "0.5"`.
    static func fixed(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "Inf" : "-Inf") }
        let scale = pow(10, Double(decimals))
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return scientific(value) }
        let units = Int64(scaled)
        if units == 0 { return "0" }
        let divisor = Int64(scale)
        let whole = units / divisor
        var fraction = decimals > 0 ? String(units % divisor) : ""
        if decimals > 0 {
            fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
        }
        let sign = value < 0 ? "-" : ""
        return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// Mantissa and power of ten, e.g. `"2.5e-7"` or `"1e6"`.
    static func scientific(_ value: Double) -> String {
        guard value.isFinite, value != 0 else { return fixed(value) }
        var exponent = Int(floor(log10(abs(value))))
        var mantissa = value / pow(10, Double(exponent))
        if abs(mantissa).rounded(toPlaces: 2) >= 10 {
            exponent += 1
            mantissa /= 10
        }
        return "\(fixed(mantissa, decimals: 2))e\(exponent)"
    }

    /// A short label for a tick on an axis whose ticks are `step` apart.
    static func tick(_ value: Double, step: Double) -> String {
        let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
        if abs(value) >= 1e6 || decimals > 5 { return abs(value) < step / 2 ? "0" : scientific(value) }
        return fixed(value, decimals: decimals)
    }

    /// The label of the decade tick `10^exponent`: `0.001`, `100`, or `1e-5`.
    static func decade(_ exponent: Int) -> String {
        (-4...4).contains(exponent) ? fixed(pow(10, Double(exponent)), decimals: max(0, -exponent)) : "1e\(exponent)"
    }
}

extension Double {
    /// This value as an SVG coordinate: rounded to two decimals.
    var coord: String { NumberFormat.fixed(self, decimals: 2) }

    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
