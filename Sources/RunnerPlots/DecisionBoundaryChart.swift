import Foundation

/// A training or validation point of the 2-D classification problem.
public struct LabeledPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    /// +1 or −1; any positive label counts as +1.
    public var label: Int
    /// Whether the network puts the point on the wrong side of Ybar = 0.
    public var misclassified: Bool

    public init(x: Double, y: Double, label: Int, misclassified: Bool = false) {
        self.x = x
        self.y = y
        self.label = label
        self.misclassified = misclassified
    }
}

/// The network's predicted probability of class +1, σ(Ybar), over the plane as
/// a heat map with a diverging colour scale centred on 0.5 (orange for 0,
/// white, blue for 1), so the region near the boundary shows its gradient; the
/// decision boundary Ybar = 0 as a line; training points as dots and validation
/// points as squares, coloured by label, misclassified ones ringed. Both axes
/// have the same scale when the grid's ranges have equal spans (see
/// `paddedRange(of:margin:equalSpans:)`), and a long title wraps.
public struct DecisionBoundaryChart: Sendable {
    /// `full` has axes, a colour bar and a legend; `thumbnail` is a small
    /// square with only the picture, for grids of many runs.
    public enum Style: Sendable {
        case full
        case thumbnail
    }

    public var title: String
    public var grid: BoundaryGrid
    /// Training points, drawn as dots.
    public var points: [LabeledPoint]
    /// Validation points, drawn as squares.
    public var validationPoints: [LabeledPoint]
    public var xTitle: String
    public var yTitle: String

    public init(
        title: String, grid: BoundaryGrid, points: [LabeledPoint], validationPoints: [LabeledPoint] = [],
        xTitle: String = "x₁", yTitle: String = "x₂"
    ) {
        self.title = title
        self.grid = grid
        self.points = points
        self.validationPoints = validationPoints
        self.xTitle = xTitle
        self.yTitle = yTitle
    }

    /// The ranges to evaluate the network over: the points' bounding box
    /// widened by `margin` times its size on each side (by 1 when flat), or
    /// −1...1 without points. With `equalSpans`, the shorter range is widened
    /// about its centre to the longer one's span, so that a square chart draws
    /// both axes to the same scale.
    public static func paddedRange(
        of points: [LabeledPoint], margin: Double = 0.1, equalSpans: Bool = false
    ) -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        func padded(_ values: [Double]) -> ClosedRange<Double> {
            guard let low = values.min(), let high = values.max() else { return -1...1 }
            let pad = high > low ? (high - low) * margin : 1
            return (low - pad)...(high + pad)
        }
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        let (x, y) = (padded(finite.map(\.x)), padded(finite.map(\.y)))
        guard equalSpans else { return (x, y) }
        let span = max(x.upperBound - x.lowerBound, y.upperBound - y.lowerBound)
        func widened(_ range: ClosedRange<Double>) -> ClosedRange<Double> {
            let centre = (range.lowerBound + range.upperBound) / 2
            return (centre - span / 2)...(centre + span / 2)
        }
        return (widened(x), widened(y))
    }

    /// The chart as a standalone SVG document.
    /// - Parameter idPrefix: prefix of the document's element ids; give each
    ///   chart inlined into one page its own.
    /// - Throws: ``PlotError/gridTooSmall(nx:ny:)``, ``PlotError/gridSizeMismatch(nx:ny:valueCount:)``
    ///   or ``PlotError/invalidRange(axis:lower:upper:)`` for a malformed grid.
    public func svg(style: Style = .full, idPrefix: String = "boundary") throws -> String {
        try grid.validate()
        let isFull = style == .full
        let titleLines = isFull ? SVGDocument.wrapped(title, characters: 62) : []
        let top = 26 + 18 * Double(max(1, titleLines.count))
        var svg = isFull ? SVGDocument(width: 600, height: top + 432) : SVGDocument(width: 200, height: 200)
        let frame = isFull
            ? PlotFrame(left: 64, top: top, width: 380, height: 380, x: xDomain, y: yDomain, extendToTicks: false)
            : PlotFrame(left: 2, top: 2, width: 196, height: 196, x: xDomain, y: yDomain, extendToTicks: false)
        svg.element("title", text: title)
        for (index, line) in titleLines.enumerated() {
            svg.text(line, x: 300, y: 24 + 18 * Double(index), size: 15, anchor: "middle", weight: "bold")
        }

        svg.group("g", ["clip-path": frame.clip(into: &svg, id: "\(idPrefix)-clip")]) { svg in
            drawHeatMap(into: &svg, frame: frame, maxSide: isFull ? 400 : 64)
            let segments = grid.zeroContour().compactMap { segment -> String? in
                guard let x0 = frame.x.position(segment.from.x), let y0 = frame.y.position(segment.from.y),
                    let x1 = frame.x.position(segment.to.x), let y1 = frame.y.position(segment.to.y)
                else { return nil }
                return "M\(x0.coord) \(y0.coord)L\(x1.coord) \(y1.coord)"
            }
            if !segments.isEmpty {
                svg.element("path", [
                    "class": "zero-contour", "d": segments.joined(), "fill": "none", "stroke": "#1A1A1A",
                    "stroke-width": isFull ? "2" : "1.2", "stroke-linecap": "round",
                ])
            }
            drawPoints(into: &svg, frame: frame, scale: isFull ? 1 : 0.45)
        }
        guard isFull else {
            svg.element("rect", [
                "class": "frame", "x": frame.left.coord, "y": frame.top.coord, "width": frame.width.coord,
                "height": frame.height.coord, "fill": "none", "stroke": "#555555",
            ])
            return svg.rendered
        }
        frame.drawAxes(into: &svg, xTitle: xTitle, yTitle: yTitle)
        drawColorBar(into: &svg, left: 470, top: frame.top, height: 230, idPrefix: idPrefix)
        Legend(items: [
            .point("label +1", fill: Palette.positivePoint),
            .point("label −1", fill: Palette.negativePoint),
        ] + (validationPoints.isEmpty ? [] : [.square("validation", fill: "#FFFFFF")]) + [
            .point("misclassified", fill: nil),
            .entry("Ybar = 0", SeriesStyle(color: "#1A1A1A", dash: nil)),
        ]).draw(into: &svg, left: 462, top: frame.top + 262)
        return svg.rendered
    }

    private var xDomain: (kind: Scale.Kind, lower: Double, upper: Double) {
        (.linear, grid.xRange.lowerBound, grid.xRange.upperBound)
    }

    private var yDomain: (kind: Scale.Kind, lower: Double, upper: Double) {
        (.linear, grid.yRange.lowerBound, grid.yRange.upperBound)
    }

    /// Palette index of each heat-map level; the last entry marks non-finite values.
    private static let levels = 255
    private static let heatPalette = (0..<levels).map { Palette.diverging(Double($0) / Double(levels - 1) * 2 - 1) }
        + [Palette.missing]

    /// The grid as an embedded image of σ(Ybar), one pixel per node (nearest
    /// nodes when the grid has more than `maxSide` nodes along an axis), each
    /// pixel centred on its node.
    private func drawHeatMap(into svg: inout SVGDocument, frame: PlotFrame, maxSide: Int) {
        let width = min(grid.nx, maxSide), height = min(grid.ny, maxSide)
        func node(_ index: Int, of count: Int, among nodes: Int) -> Int {
            Int((Double(index) * Double(nodes - 1) / Double(max(1, count - 1))).rounded())
        }
        var indices: [UInt8] = []
        indices.reserveCapacity(width * height)
        for pixelRow in 0..<height {
            let row = node(height - 1 - pixelRow, of: height, among: grid.ny)
            for pixelColumn in 0..<width {
                let value = grid.value(column: node(pixelColumn, of: width, among: grid.nx), row: row)
                // 2σ(v) − 1 = tanh(v / 2): the probability of class +1 on the −1...1 colour scale.
                let probability: Double = (tanh(value / 2) + 1) / 2
                let level = value.isFinite ? Int((probability * Double(Self.levels - 1)).rounded()) : Self.levels
                indices.append(UInt8(level))
            }
        }
        let xSpan = grid.xRange.upperBound - grid.xRange.lowerBound
        let ySpan = grid.yRange.upperBound - grid.yRange.lowerBound
        let halfX = xSpan / Double(max(1, width - 1)) / 2, halfY = ySpan / Double(max(1, height - 1)) / 2
        let left = frame.x.position(grid.xRange.lowerBound - halfX) ?? frame.left
        let right = frame.x.position(grid.xRange.upperBound + halfX) ?? frame.right
        let top = frame.y.position(grid.yRange.upperBound + halfY) ?? frame.top
        let bottom = frame.y.position(grid.yRange.lowerBound - halfY) ?? frame.bottom
        svg.element("image", [
            "class": "heat-map", "x": left.coord, "y": top.coord, "width": (right - left).coord,
            "height": (bottom - top).coord, "preserveAspectRatio": "none",
            "href": PNGImage.dataURL(width: width, height: height, palette: Self.heatPalette, indices: indices),
        ])
    }

    private func drawPoints(into svg: inout SVGDocument, frame: PlotFrame, scale: Double) {
        let located = { (point: LabeledPoint) in
            frame.x.position(point.x).flatMap { px in frame.y.position(point.y).map { (px, $0) } }
        }
        svg.group("g", ["stroke": Palette.pointOutline]) { svg in
            for point in points {
                guard let (px, py) = located(point) else { continue }
                svg.element("circle", [
                    "class": "point", "cx": px.coord, "cy": py.coord, "r": (4 * scale).coord,
                    "fill": point.label > 0 ? Palette.positivePoint : Palette.negativePoint,
                    "stroke-width": (0.8 * scale).coord,
                ])
            }
            for point in validationPoints {
                guard let (px, py) = located(point) else { continue }
                let side = 7 * scale
                svg.element("rect", [
                    "class": "validation-point", "x": (px - side / 2).coord, "y": (py - side / 2).coord,
                    "width": side.coord, "height": side.coord, "fill": point.label > 0 ? Palette.positivePoint : Palette.negativePoint,
                    "stroke": "#FFFFFF", "stroke-width": (1.2 * scale).coord,
                ])
            }
            for point in points + validationPoints where point.misclassified {
                guard let (px, py) = located(point) else { continue }
                svg.element("circle", [
                    "class": "misclassified", "cx": px.coord, "cy": py.coord, "r": (7 * scale).coord,
                    "fill": "none", "stroke-width": (1.5 * max(scale, 0.6)).coord,
                ])
            }
        }
    }

    /// A vertical gradient from σ(Ybar) = 0 (bottom) to 1 (top) with ticks.
    private func drawColorBar(into svg: inout SVGDocument, left: Double, top: Double, height: Double, idPrefix: String) {
        let gradientID = "\(idPrefix)-colorbar"
        svg.group("linearGradient", ["id": gradientID, "x1": "0", "y1": "1", "x2": "0", "y2": "0"]) { svg in
            for (index, color) in Palette.divergingStops.enumerated() {
                let offset = Double(index) / Double(Palette.divergingStops.count - 1)
                svg.element("stop", ["offset": offset.coord, "stop-color": color.hex])
            }
        }
        let scale = Scale(
            kind: .linear, dataLower: 0, dataUpper: 1, start: top + height, end: top, extendToTicks: false
        )
        svg.group("g", ["class": "color-bar"]) { svg in
            svg.element("rect", [
                "x": left.coord, "y": top.coord, "width": "14", "height": height.coord,
                "fill": "url(#\(gradientID))", "stroke": "#555555",
            ])
            for (value, label) in zip(scale.ticks, scale.tickLabels) {
                guard let py = scale.position(value) else { continue }
                svg.element("line", ["x1": (left + 14).coord, "y1": py.coord, "x2": (left + 18).coord, "y2": py.coord, "stroke": "#555555"])
                svg.text(label, x: left + 21, y: py + 4)
            }
            svg.text("σ(Ybar): probability of class +1", x: left + 52, y: top + height / 2, anchor: "middle", rotate: true)
        }
    }
}
