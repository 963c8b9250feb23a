import Foundation

/// How one series is drawn: a colour, an optional dash pattern, and an
/// optional marker shape placed along the line.
struct SeriesStyle: Sendable, Equatable {
    let color: String
    let dash: String?
    var marker: MarkerShape? = nil
}

/// Symbols that tell series of one colour apart without using line style,
/// which is reserved for training (solid) and validation (dashed).
enum MarkerShape: CaseIterable, Sendable {
    case circle, square, triangle, diamond, cross

    /// SVG path data of the symbol centred on (`x`, `y`), about `size` pixels across.
    func path(x: Double, y: Double, size: Double) -> String {
        let r = size / 2
        switch self {
        case .circle:
            return "M\((x - r).coord) \(y.coord)a\(r.coord) \(r.coord) 0 1 0 \((2 * r).coord) 0a\(r.coord) \(r.coord) 0 1 0 \((-2 * r).coord) 0Z"
        case .square:
            return "M\((x - r).coord) \((y - r).coord)h\(size.coord)v\(size.coord)h\((-size).coord)Z"
        case .triangle:
            return "M\(x.coord) \((y - r * 1.15).coord)L\((x + r * 1.15).coord) \((y + r).coord)L\((x - r * 1.15).coord) \((y + r).coord)Z"
        case .diamond:
            return "M\(x.coord) \((y - r * 1.3).coord)L\((x + r * 1.3).coord) \(y.coord)L\(x.coord) \((y + r * 1.3).coord)L\((x - r * 1.3).coord) \(y.coord)Z"
        case .cross:
            return "M\((x - r).coord) \((y - r).coord)L\((x + r).coord) \((y + r).coord)M\((x - r).coord) \((y + r).coord)L\((x + r).coord) \((y - r).coord)"
        }
    }

    /// Whether the symbol is drawn as a stroke (a cross) rather than filled.
    var isStroked: Bool { self == .cross }
}

/// Colour-blind-safe colours for series, data points and the diverging heat map.
enum Palette {
    /// Okabe–Ito colours, without yellow (too faint on white).
    static let series = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"]
    /// An ordered scale for ordered settings (viridis, its faint yellow end left out),
    /// whose colours stay apart in lightness under every kind of colour blindness.
    static let ordered = ["#440154", "#46327E", "#365C8D", "#277F8E", "#1FA187", "#4AC16D", "#A0DA39"]
    /// The dash of validation curves (train curves are solid); no other line is dashed.
    static let validationDash = "6 4"

    /// The style of the `index`-th series: the seven colours, then the same
    /// colours again with a marker shape for each further round.
    static func style(_ index: Int) -> SeriesStyle {
        let round = index / series.count
        let marker = round == 0 ? nil : MarkerShape.allCases[(round - 1) % (MarkerShape.allCases.count - 1) + 1]
        return SeriesStyle(color: series[index % series.count], dash: nil, marker: marker)
    }

    /// The colour of the `index`-th of `count` ordered values, spread over the ordered scale.
    static func orderedColor(_ index: Int, of count: Int) -> String {
        guard count > 1 else { return ordered[ordered.count / 2] }
        return ordered[Int((Double(index) * Double(ordered.count - 1) / Double(count - 1)).rounded())]
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
