import Foundation

/// How one series is stroked: a colour and an optional dash pattern.
struct SeriesStyle: Sendable, Equatable {
    let color: String
    let dash: String?
}

/// Colour-blind-safe colours for series, data points and the diverging heat map.
enum Palette {
    /// Okabe–Ito colours, without yellow (too faint on white).
    static let series = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"]
    /// Dash patterns used once the colours run out: solid, dash-dot, dotted, long dash.
    static let cycleDashes: [String?] = [nil, "9 3 2 3", "2 3", "14 4"]
    /// The dash of validation curves (train curves are solid).
    static let validationDash = "6 4"

    /// The style of the `index`-th series: colours first, then dash patterns.
    static func style(_ index: Int) -> SeriesStyle {
        let cycle = index / series.count
        return SeriesStyle(color: series[index % series.count], dash: cycleDashes[cycle % cycleDashes.count])
    }

    /// Fill of data points labelled +1 (Okabe–Ito blue) and −1 (Okabe–Ito orange).
    static let positivePoint = "#0072B2"
    static let negativePoint = "#E69F00"
    static let pointOutline = "#1A1A1A"
    /// Heat-map colour of grid cells whose value is not finite.
    static let missing = RGB(0xBB, 0xBB, 0xBB)

    /// Stops of the diverging scale from −1 (orange, class −1) through white
    /// to +1 (blue, class +1); the ends are kept light so points stand out.
    static let divergingStops: [RGB] = [
        RGB(0xE8, 0x9A, 0x4C), RGB(0xFD, 0xC8, 0x8A), RGB(0xF7, 0xF7, 0xF7), RGB(0xA6, 0xCE, 0xE3), RGB(0x5A, 0x9F, 0xCC),
    ]

    /// The diverging colour of `t`, clamped to −1...1.
    static func diverging(_ t: Double) -> RGB {
        let clamped = min(1, max(-1, t))
        let position = (clamped + 1) / 2 * Double(divergingStops.count - 1)
        let index = min(divergingStops.count - 2, Int(position))
        return divergingStops[index].mixed(with: divergingStops[index + 1], fraction: position - Double(index))
    }
}

/// An 8-bit sRGB colour.
struct RGB: Sendable, Equatable {
    let r: UInt8, g: UInt8, b: UInt8

    init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        (self.r, self.g, self.b) = (r, g, b)
    }

    /// `#RRGGBB`, upper case.
    var hex: String {
        "#" + [r, g, b].map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    func mixed(with other: RGB, fraction: Double) -> RGB {
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * fraction).rounded())
        }
        return RGB(mix(r, other.r), mix(g, other.g), mix(b, other.b))
    }
}
