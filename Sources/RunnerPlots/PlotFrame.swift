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
        // As many x ticks as leave two characters between neighbouring labels.
        var target = 6
        var xScale: Scale
        repeat {
            xScale = Scale(
                kind: x.kind, dataLower: x.lower, dataUpper: x.upper, start: left + xInset, end: left + width - xInset,
                tickTarget: target, extendToTicks: extendToTicks
            )
            target -= 1
        } while target >= 2 && Self.labelsOverlap(xScale)
        self.x = xScale
        self.y = Scale(
            kind: y.kind, dataLower: y.lower, dataUpper: y.upper, start: top + height, end: top,
            tickTarget: 5, extendToTicks: extendToTicks
        )
    }

    /// Whether neighbouring tick labels of `scale` come closer than two characters.
    static func labelsOverlap(_ scale: Scale) -> Bool {
        let placed = zip(scale.ticks, scale.tickLabels).compactMap { tick, label in scale.position(tick).map { ($0, Double(label.count) * characterWidth) } }
        return zip(placed, placed.dropFirst()).contains { a, b in abs(b.0 - a.0) < (a.1 + b.1) / 2 + 2 * characterWidth }
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

    /// The points a line through them needs at this frame's resolution: of the
    /// points that fall in one pixel column, the first, the lowest, the highest
    /// and the last, in order. Points that cannot be shown are kept, as they break the line.
    func thinned(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        guard points.count > 4 * Int(width) else { return points }
        var kept: [(x: Double, y: Double)] = []
        var column: [(x: Double, y: Double)] = []
        var columnIndex: Int?
        func flush() {
            guard let first = column.first, let last = column.last else { return }
            let low = column.min { $0.y < $1.y }!, high = column.max { $0.y < $1.y }!
            var seen: [Int] = []
            for point in [first, low, high, last].sorted(by: { $0.x < $1.x }) {
                let index = column.firstIndex { $0.x == point.x && $0.y == point.y }!
                if !seen.contains(index) { seen.append(index) }
            }
            kept += seen.sorted().map { column[$0] }
            column = []
        }
        for point in points {
            guard let px = x.position(point.x), let py = y.position(point.y), py.isFinite else {
                flush()
                columnIndex = nil
                kept.append(point)
                continue
            }
            if Int(px.rounded(.down)) != columnIndex { flush() }
            columnIndex = Int(px.rounded(.down))
            column.append(point)
        }
        flush()
        return kept
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
