/// A rectangular plotting area with an x and a y scale: draws the grid, the
/// axes with tick labels and titles, and turns data into path coordinates.
/// `xInset` keeps the x domain that many pixels away from the frame's sides.
struct PlotFrame: Sendable {
    let left: Double
    let top: Double
    let width: Double
    let height: Double
    let x: Scale
    let y: Scale

    var right: Double { left + width }
    var bottom: Double { top + height }

    /// Approximate advance of one character of 11px text.
    static let characterWidth = 6.2

    init(
        left: Double, top: Double, width: Double, height: Double,
        x: (kind: Scale.Kind, lower: Double, upper: Double),
        y: (kind: Scale.Kind, lower: Double, upper: Double),
        extendToTicks: Bool = true, xInset: Double = 0
    ) {
        (self.left, self.top, self.width, self.height) = (left, top, width, height)
        self.x = Scale(
            kind: x.kind, dataLower: x.lower, dataUpper: x.upper, start: left + xInset, end: left + width - xInset,
            tickTarget: 6, extendToTicks: extendToTicks
        )
        self.y = Scale(
            kind: y.kind, dataLower: y.lower, dataUpper: y.upper, start: top + height, end: top,
            tickTarget: 5, extendToTicks: extendToTicks
        )
    }

    /// Light grid lines at every tick, drawn beneath the data.
    func drawGrid(into svg: inout SVGDocument) {
        svg.group("g", ["class": "grid", "stroke": "#E5E5E5", "stroke-width": "1"]) { svg in
            for px in x.ticks.compactMap(x.position) {
                svg.element("line", ["x1": px.coord, "y1": top.coord, "x2": px.coord, "y2": bottom.coord])
            }
            for py in y.ticks.compactMap(y.position) {
                svg.element("line", ["x1": left.coord, "y1": py.coord, "x2": right.coord, "y2": py.coord])
            }
        }
    }

    /// The frame, tick marks, tick labels and the two axis titles; a log axis
    /// says so in its title: "learning rate (log scale)", "loss (mean; log scale)".
    func drawAxes(into svg: inout SVGDocument, xTitle: String, yTitle: String) {
        svg.element("rect", [
            "class": "frame", "x": left.coord, "y": top.coord, "width": width.coord, "height": height.coord,
            "fill": "none", "stroke": "#555555", "stroke-width": "1",
        ])
        svg.group("g", ["class": "x-axis"]) { svg in
            for (value, label) in zip(x.ticks, x.tickLabels) {
                guard let px = x.position(value) else { continue }
                svg.element("line", ["x1": px.coord, "y1": bottom.coord, "x2": px.coord, "y2": (bottom + 4).coord, "stroke": "#555555"])
                svg.text(label, x: px, y: bottom + 16, anchor: "middle")
            }
            svg.text(Self.title(xTitle, for: x), x: left + width / 2, y: bottom + 36, size: 12, anchor: "middle")
        }
        svg.group("g", ["class": "y-axis"]) { svg in
            for (value, label) in zip(y.ticks, y.tickLabels) {
                guard let py = y.position(value) else { continue }
                svg.element("line", ["x1": (left - 4).coord, "y1": py.coord, "x2": left.coord, "y2": py.coord, "stroke": "#555555"])
                svg.text(label, x: left - 7, y: py + 4, anchor: "end")
            }
            let widest = Double(y.tickLabels.map(\.count).max() ?? 0) * Self.characterWidth
            svg.text(Self.title(yTitle, for: y), x: left - 16 - widest, y: top + height / 2, size: 12, anchor: "middle", rotate: true)
        }
    }

    private static func title(_ title: String, for scale: Scale) -> String {
        guard scale.kind == .log else { return title }
        return title.hasSuffix(")") ? "\(title.dropLast()); log scale)" : "\(title) (log scale)"
    }

    /// Declares a clip path covering the frame and returns its `url(#…)` reference.
    func clip(into svg: inout SVGDocument, id: String) -> String {
        svg.group("clipPath", ["id": id]) { svg in
            svg.element("rect", ["x": left.coord, "y": top.coord, "width": width.coord, "height": height.coord])
        }
        return "url(#\(id))"
    }

    /// Path data through the points that can be shown, broken where one
    /// cannot. A lone point becomes a zero-length segment, which a round line
    /// cap draws as a dot.
    func pathData(_ points: [(x: Double, y: Double)]) -> String {
        var runs: [[String]] = [[]]
        for point in points {
            guard let px = x.position(point.x), let py = y.position(point.y) else {
                if !runs[runs.count - 1].isEmpty { runs.append([]) }
                continue
            }
            runs[runs.count - 1].append("\(px.coord) \(py.coord)")
        }
        return runs.filter { !$0.isEmpty }.map { run in
            "M" + run.joined(separator: " L") + (run.count == 1 ? " h0" : "")
        }.joined(separator: " ")
    }
}
