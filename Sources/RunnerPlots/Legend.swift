/// One row of a legend.
enum LegendItem: Sendable {
    /// A bold heading.
    case heading(String)
    /// A line swatch (with a dot when `marker`) and its label.
    case entry(String, SeriesStyle, marker: Bool = false)
    /// A data-point symbol: a dot with a dark outline, or a ring when `fill` is nil.
    case point(String, fill: String?)
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

    /// Draws the rows from (`left`, `top`) down; labels longer than `width`
    /// are shortened with "…" and keep their full text as a tooltip.
    func draw(into svg: inout SVGDocument, left: Double, top: Double, width: Double) {
        let maxCharacters = max(4, Int((width - 28) / PlotFrame.characterWidth))
        svg.group("g", ["class": "legend"]) { svg in
            for (row, item) in items.enumerated() {
                let baseline = top + Double(row) * Self.rowHeight + 11
                switch item {
                case .heading(let text):
                    svg.text(Self.shortened(text, to: maxCharacters + 4), x: left, y: baseline, weight: "bold")
                case .note(let text):
                    svg.text(Self.shortened(text, to: maxCharacters + 4), x: left, y: baseline, fill: "#666666")
                case .entry(let label, let style, let marker):
                    var line: Attributes = [
                        "class": "legend-entry", "x1": left.coord, "y1": (baseline - 4).coord,
                        "x2": (left + 22).coord, "y2": (baseline - 4).coord, "stroke": style.color, "stroke-width": "2",
                    ]
                    line["stroke-dasharray"] = style.dash
                    svg.element("line", line)
                    if marker {
                        svg.element("circle", ["cx": (left + 11).coord, "cy": (baseline - 4).coord, "r": "3", "fill": style.color])
                    }
                    let short = Self.shortened(label, to: maxCharacters)
                    svg.text(short, x: left + 28, y: baseline, title: short == label ? nil : label)
                case .point(let label, let fill):
                    svg.element("circle", [
                        "cx": (left + 11).coord, "cy": (baseline - 4).coord, "r": fill == nil ? "6" : "4",
                        "fill": fill ?? "none", "stroke": Palette.pointOutline, "stroke-width": fill == nil ? "1.5" : "0.8",
                    ])
                    let short = Self.shortened(label, to: maxCharacters)
                    svg.text(short, x: left + 28, y: baseline, title: short == label ? nil : label)
                }
            }
        }
    }

    static func shortened(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
