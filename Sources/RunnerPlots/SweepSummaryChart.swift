/// The summary of one sweep cell: a metric over several seeds.
public struct SweepPoint: Sendable, Equatable {
    /// The swept hyperparameter, e.g. the learning rate.
    public var x: Double
    /// The value of the other setting this point belongs to, e.g. "16".
    public var series: String
    public var mean: Double
    /// Standard deviation over seeds; no error bar is drawn when it is 0 or `count` < 2.
    public var std: Double
    /// Number of seeds.
    public var count: Int

    public init(x: Double, series: String, mean: Double, std: Double, count: Int) {
        self.x = x
        self.series = series
        self.mean = mean
        self.std = std
        self.count = count
    }
}

/// Final validation error against one hyperparameter: one line per value of
/// another setting, a marker at each mean (its own shape and colour per line;
/// colours from an ordered scale when the lines' values are numbers) and an
/// error bar of ± 1 std over seeds where there are two seeds or more.
/// The x axis is logarithmic when the positive x values span two decades or
/// more. Series sharing an x are nudged apart a few pixels so bars stay visible.
public struct SweepSummaryChart: Sendable {
    public var title: String
    public var points: [SweepPoint]
    /// The swept hyperparameter, e.g. "learning rate"; "(log scale)" is added when it applies.
    public var xTitle: String
    /// What distinguishes the lines, e.g. "hidden units".
    public var seriesTitle: String
    public var yTitle: String

    public init(
        title: String, points: [SweepPoint], xTitle: String, seriesTitle: String,
        yTitle: String = "final validation error (fraction)"
    ) {
        self.title = title
        self.points = points
        self.xTitle = xTitle
        self.seriesTitle = seriesTitle
        self.yTitle = yTitle
    }

    /// Series names in order of first appearance.
    var seriesNames: [String] {
        var seen = Set<String>()
        return points.map(\.series).filter { seen.insert($0).inserted }
    }

    /// The chart as a standalone SVG document.
    /// - Throws: ``PlotError/nothingToPlot(chart:)`` when no point has a finite x and mean.
    public func svg() throws -> String {
        let shown = points.filter { $0.x.isFinite && $0.mean.isFinite }
        guard !shown.isEmpty else { throw PlotError.nothingToPlot(chart: "sweep summary") }
        let spread = { (point: SweepPoint) in point.std.isFinite && point.count > 1 ? abs(point.std) : 0 }
        // A quantity that is never negative (an error rate) gets no bar below zero.
        let floor = shown.allSatisfy { $0.mean >= 0 } ? 0.0 : -Double.infinity
        let low = { (point: SweepPoint) in max(point.mean - spread(point), floor) }
        let xs = shown.map(\.x)
        let xKind = Scale.preferredKind(for: xs)
        let frame = PlotFrame(
            left: 70, top: 50, width: 520, height: 330,
            x: (xKind, xs.min()!, xs.max()!),
            y: (.linear, shown.map(low).min()!, shown.map { $0.mean + spread($0) }.max()!),
            xInset: 24
        )
        let names = seriesNames
        let ordered = names.count <= Palette.ordered.count && names.allSatisfy { Double($0.split(separator: "=").last ?? "") != nil }
        let styles = names.indices.map { index in
            SeriesStyle(
                color: ordered ? Palette.orderedColor(index, of: names.count) : Palette.style(index).color, dash: nil,
                marker: MarkerShape.allCases[index % MarkerShape.allCases.count])
        }
        let counts = shown.map(\.count)
        let seedNote = counts.min() == counts.max()
            ? (counts[0] == 1 ? "n = 1 run each" : "n = \(counts[0]) seeds each")
            : "n = \(counts.min()!)–\(counts.max()!) seeds"
        let entries = names.enumerated().map { LegendItem.entry($1, styles[$0]) }
        let bars = shown.contains { spread($0) > 0 } ? "marker: mean; bar: ± 1 std" : "marker: mean (no spread: one run each)"
        let legend = Legend(items: [.heading(seriesTitle)] + LegendItem.capped(entries, limit: 16) + [.note(bars), .note(seedNote)])
        var svg = SVGDocument(width: 615 + max(185, legend.width), height: 440)
        svg.text(title, x: frame.left + frame.width / 2, y: 26, size: 16, anchor: "middle", weight: "bold")
        frame.drawGrid(into: &svg)
        let dodgeStep = min(6, 36 / Double(names.count))
        for (index, name) in names.enumerated() {
            let style = styles[index]
            let dodge = (Double(index) - Double(names.count - 1) / 2) * dodgeStep
            let series = shown.filter { $0.series == name }.sorted { $0.x < $1.x }
            let located = series.compactMap { point -> (point: SweepPoint, x: Double)? in
                frame.x.position(point.x).map { (point, $0 + dodge) }
            }
            svg.group("g", ["class": "sweep-series", "data-series": name]) { svg in
                let line = located.compactMap { item in frame.y.position(item.point.mean).map { (item.x, $0) } }
                svg.element("path", [
                    "class": "series", "d": line.enumerated().map { "\($0 == 0 ? "M" : "L")\($1.0.coord) \($1.1.coord)" }.joined(separator: " "),
                    "fill": "none", "stroke": style.color, "stroke-width": "1.6",
                ])
                for item in located where spread(item.point) > 0 {
                    guard let low = frame.y.position(low(item.point)),
                        let high = frame.y.position(item.point.mean + spread(item.point))
                    else { continue }
                    let (x, cap) = (item.x, 3.0)
                    svg.element("path", [
                        "class": "error-bar", "stroke": style.color, "stroke-width": "1.2", "fill": "none",
                        "d": "M\(x.coord) \(low.coord)L\(x.coord) \(high.coord)M\((x - cap).coord) \(low.coord)"
                            + "L\((x + cap).coord) \(low.coord)M\((x - cap).coord) \(high.coord)L\((x + cap).coord) \(high.coord)",
                    ])
                }
                svg.group("g", ["class": "means"]) { svg in
                    for (x, y) in line {
                        Legend.drawMarker(style.marker ?? .circle, color: style.color, x: x, y: y, size: 8, into: &svg)
                    }
                }
            }
        }
        frame.drawAxes(into: &svg, xTitle: xTitle, yTitle: yTitle)
        legend.draw(into: &svg, left: 615, top: 50)
        return svg.rendered
    }
}
