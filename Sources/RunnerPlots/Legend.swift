/// One row of a legend.
enum LegendItem: Sendable {
    /// A bold heading.
    case heading(String)
    /// A line swatch, with the style's marker on it, and its label.
    case entry(String, SeriesStyle)
    /// A marker shape alone, in grey, and its label.
    case marker(String, MarkerShape)
    /// A data-point symbol: a dot with a dark outline, or a ring when `fill` is nil.
    case point(String, fill: String?)
    /// A square data-point symbol (validation points).
    case square(String, fill: String)
    /// Plain grey text.
    case note(String)

    /// `entries`, cut to `limit` with a closing "… and K more" note.
    static func capped(_ entries: [LegendItem], limit: Int) -> [LegendItem] {
        guard entries.count > limit else { return entries }
        return Array(entries.prefix(limit)) + [.note("… and \(entries.count - limit) more")]
    }
}

/// A column of legend rows, placed outside the plotting area.
struct Legend: Sendable {
    static let rowHeight = 16.0

    let items: [LegendItem]

    /// The width the rows need: labels are never shortened, so a chart makes room for them.
    var width: Double {
        let characters = items.map { item -> Double in
            switch item {
            case .heading(let text), .note(let text): Double(text.count)
            case .entry(let text, _), .marker(let text, _), .point(let text, _), .square(let text, _): Double(text.count) + 28 / PlotFrame.characterWidth
            }
        }
        return (characters.max() ?? 0) * PlotFrame.characterWidth + 8
    }

    /// Draws the rows from (`left`, `top`) down, every label in full.
    func draw(into svg: inout SVGDocument, left: Double, top: Double) {
        svg.group("g", ["class": "legend"]) { svg in
            for (row, item) in items.enumerated() {
                let baseline = top + Double(row) * Self.rowHeight + 11
                switch item {
                case .heading(let text):
                    svg.text(text, x: left, y: baseline, weight: "bold")
                case .note(let text):
                    svg.text(text, x: left, y: baseline, fill: "#666666")
                case .marker(let label, let shape):
                    Self.drawMarker(shape, color: "#555555", x: left + 11, y: baseline - 4, into: &svg)
                    svg.text(label, x: left + 28, y: baseline)
                case .entry(let label, let style):
                    var line: Attributes = [
                        "class": "legend-entry", "x1": left.coord, "y1": (baseline - 4).coord,
                        "x2": (left + 22).coord, "y2": (baseline - 4).coord, "stroke": style.color, "stroke-width": "2",
                    ]
                    line["stroke-dasharray"] = style.dash
                    svg.element("line", line)
                    if let shape = style.marker {
                        Self.drawMarker(shape, color: style.color, x: left + 11, y: baseline - 4, into: &svg)
                    }
                    svg.text(label, x: left + 28, y: baseline)
                case .square(let label, let fill):
                    svg.element("rect", [
                        "x": (left + 7).coord, "y": (baseline - 8).coord, "width": "8", "height": "8",
                        "fill": fill, "stroke": Palette.pointOutline, "stroke-width": "0.8",
                    ])
                    svg.text(label, x: left + 28, y: baseline)
                case .point(let label, let fill):
                    svg.element("circle", [
                        "cx": (left + 11).coord, "cy": (baseline - 4).coord, "r": fill == nil ? "6" : "4",
                        "fill": fill ?? "none", "stroke": Palette.pointOutline, "stroke-width": fill == nil ? "1.5" : "0.8",
                    ])
                    svg.text(label, x: left + 28, y: baseline)
                }
            }
        }
    }

    /// A marker symbol with a white outline, so it stands out on lines and on other markers.
    static func drawMarker(_ shape: MarkerShape, color: String, x: Double, y: Double, size: Double = 7, into svg: inout SVGDocument) {
        svg.element("path", [
            "class": "marker", "d": shape.path(x: x, y: y, size: size),
            "fill": shape.isStroked ? "none" : color, "stroke": shape.isStroked ? color : "#FFFFFF",
            "stroke-width": shape.isStroked ? "1.8" : "0.8",
        ])
    }
}
