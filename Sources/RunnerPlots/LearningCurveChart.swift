/// One sample of a learning curve.
public struct CurvePoint: Sendable, Equatable {
    public var epoch: Double
    public var value: Double

    public init(epoch: Double, value: Double) {
        self.epoch = epoch
        self.value = value
    }
}

/// The spread of a curve over several runs at one epoch (a band over seeds).
public struct CurveBand: Sendable, Equatable {
    public var epoch: Double
    public var low: Double
    public var high: Double

    public init(epoch: Double, low: Double, high: Double) {
        self.epoch = epoch
        self.low = low
        self.high = high
    }
}

/// The curves of one training run, or the mean of several with their spread
/// as bands; an empty array means the series was not recorded.
public struct LearningCurveRun: Sendable {
    public var label: String
    public var trainLoss: [CurvePoint]
    public var validationLoss: [CurvePoint]
    /// Accuracy as a fraction in 0...1.
    public var trainAccuracy: [CurvePoint]
    public var validationAccuracy: [CurvePoint]
    /// Bands behind the four curves, in the same order; empty for a single run.
    public var bands: [[CurveBand]]
    /// The epoch whose loss or weights stopped being finite, marked on the chart.
    public var divergedAtEpoch: Int?
    /// With a `CurveEncoding`: the index of this curve's colour value and marker value.
    public var colorIndex: Int?
    public var markerIndex: Int?

    public init(
        label: String, trainLoss: [CurvePoint], validationLoss: [CurvePoint] = [],
        trainAccuracy: [CurvePoint] = [], validationAccuracy: [CurvePoint] = [], bands: [[CurveBand]] = [],
        divergedAtEpoch: Int? = nil, colorIndex: Int? = nil, markerIndex: Int? = nil
    ) {
        self.label = label
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.trainAccuracy = trainAccuracy
        self.validationAccuracy = validationAccuracy
        self.bands = bands
        self.divergedAtEpoch = divergedAtEpoch
        self.colorIndex = colorIndex
        self.markerIndex = markerIndex
    }
}

/// Curves coloured by the values of one setting (an ordered scale when its values
/// are ordered) and marked by the values of another, instead of one style per
/// curve: how many runs of a sweep stay readable.
public struct CurveEncoding: Sendable, Equatable {
    public var colorTitle: String
    public var colorValues: [String]
    public var ordered: Bool
    public var markerTitle: String?
    public var markerValues: [String]

    /// How many colour values, and marker values, can be told apart.
    public static let colorLimit = Palette.ordered.count
    public static let markerLimit = MarkerShape.allCases.count

    public init(colorTitle: String, colorValues: [String], ordered: Bool, markerTitle: String? = nil, markerValues: [String] = []) {
        self.colorTitle = colorTitle
        self.colorValues = colorValues
        self.ordered = ordered
        self.markerTitle = markerTitle
        self.markerValues = markerValues
    }

    func color(_ index: Int) -> String {
        ordered && colorValues.count <= Palette.ordered.count
            ? Palette.orderedColor(index, of: colorValues.count) : Palette.series[index % Palette.series.count]
    }

    static func marker(_ index: Int) -> MarkerShape {
        MarkerShape.allCases[index % MarkerShape.allCases.count]
    }
}

/// Loss and accuracy (or error) per epoch for several runs, as two panels side
/// by side. Colour (and past seven runs, a marker shape) identifies the run, or
/// with an `encoding`, the values of two settings; solid lines are training
/// curves and dashed lines validation curves, and nothing else is dashed.
/// Bands show a spread over seeds. The legend sits right of the panels, lists
/// at most `maxLegendEntries` runs (and never more than fit), then "… and K
/// more", and is as wide as its labels, which are never cut.
///
/// The loss axis is logarithmic when the losses span two decades or more, and
/// is clipped to ten times the median first-epoch loss and eight decades below
/// that, so a run that blew up does not flatten the others; a diverged run's
/// last epoch is marked with a cross. Curves are thinned to what the pixels
/// can show (the first, lowest, highest and last point of each pixel column).
public struct LearningCurveChart: Sendable {
    /// What the second panel shows.
    public enum AccuracyPanel: Sendable {
        /// Accuracy as a fraction.
        case accuracy
        /// Error, 1 − accuracy.
        case error
    }

    public var title: String
    public var runs: [LearningCurveRun]
    public var accuracyPanel: AccuracyPanel
    public var maxLegendEntries: Int
    public var encoding: CurveEncoding?

    public init(
        title: String, runs: [LearningCurveRun], accuracyPanel: AccuracyPanel = .error, maxLegendEntries: Int = 16,
        encoding: CurveEncoding? = nil
    ) {
        self.title = title
        self.runs = runs
        self.accuracyPanel = accuracyPanel
        self.maxLegendEntries = maxLegendEntries
        self.encoding = encoding
    }

    /// Curves of one panel: training then validation, as (epoch, value) pairs, and their bands.
    private struct PanelCurves {
        var train: [(x: Double, y: Double)]
        var validation: [(x: Double, y: Double)]
        var bands: [[CurveBand]]
    }

    /// The chart as a standalone SVG document.
    /// - Parameter idPrefix: prefix of the document's element ids; give each
    ///   chart inlined into one page its own.
    /// - Throws: ``PlotError/nothingToPlot(chart:)`` without runs,
    ///   ``PlotError/emptyRun(label:)`` for a run without any finite value.
    public func svg(idPrefix: String = "curves") throws -> String {
        guard !runs.isEmpty else { throw PlotError.nothingToPlot(chart: "learning curves") }
        for run in runs {
            let all = run.trainLoss + run.validationLoss + run.trainAccuracy + run.validationAccuracy
            guard all.contains(where: { $0.epoch.isFinite && $0.value.isFinite }) else {
                throw PlotError.emptyRun(label: run.label)
            }
        }
        let pairs = { (points: [CurvePoint], transform: (Double) -> Double) in
            points.map { (x: $0.epoch, y: transform($0.value)) }
        }
        let toError = accuracyPanel == .error ? { 1 - $0 } : { (value: Double) in value }
        let band = { (run: LearningCurveRun, index: Int, transform: @escaping (Double) -> Double) -> [CurveBand] in
            guard index < run.bands.count else { return [] }
            return run.bands[index].map { CurveBand(epoch: $0.epoch, low: transform($0.low), high: transform($0.high)) }
        }
        let loss = runs.map {
            PanelCurves(train: pairs($0.trainLoss, { $0 }), validation: pairs($0.validationLoss, { $0 }), bands: [band($0, 0, { $0 }), band($0, 1, { $0 })])
        }
        let accuracy = runs.map {
            PanelCurves(train: pairs($0.trainAccuracy, toError), validation: pairs($0.validationAccuracy, toError), bands: [band($0, 2, toError), band($0, 3, toError)])
        }

        let legend = Legend(items: legendItems)
        let width = 815 + max(240, legend.width)
        var svg = SVGDocument(width: width, height: 440)
        for (index, line) in SVGDocument.wrapped(title, characters: Int((width - 20) / 9)).prefix(2).enumerated() {
            svg.text(line, x: width / 2, y: 22 + 17 * Double(index), size: 15, anchor: "middle", weight: "bold")
        }
        let lossCap = lossRange(loss)
        drawPanel(loss, yTitle: "loss (mean logistic loss)", allowLog: true, clip: lossCap, left: 70, clipID: "\(idPrefix)-loss", into: &svg)
        let accuracyTitle = accuracyPanel == .error ? "error (1 − accuracy, fraction)" : "accuracy (fraction)"
        drawPanel(accuracy, yTitle: accuracyTitle, allowLog: false, clip: nil, left: 470, clipID: "\(idPrefix)-acc", into: &svg)
        legend.draw(into: &svg, left: 815, top: 50)
        return svg.rendered
    }

    private var legendItems: [LegendItem] {
        var items: [LegendItem] = [
            .heading("line style"),
            .entry("train", SeriesStyle(color: "#555555", dash: nil)),
            .entry("validation", SeriesStyle(color: "#555555", dash: Palette.validationDash)),
        ]
        if runs.contains(where: { !$0.bands.isEmpty }) { items.append(.note("band: range over seeds")) }
        if runs.contains(where: { $0.divergedAtEpoch != nil }) { items.append(.marker("diverged (last epoch)", .cross)) }
        if let encoding {
            items.append(.heading(encoding.colorTitle))
            items += encoding.colorValues.enumerated().map { .entry($1, SeriesStyle(color: encoding.color($0), dash: nil)) }
            if let title = encoding.markerTitle {
                items.append(.heading(title))
                items += encoding.markerValues.enumerated().map { .marker($1, CurveEncoding.marker($0)) }
            }
            return items
        }
        let limit = max(1, min(maxLegendEntries, Int((440 - 50 - 8) / Legend.rowHeight) - items.count - 2))
        items.append(.heading("runs (\(runs.count))"))
        return items + LegendItem.capped(runs.indices.map { .entry(runs[$0].label, style($0)) }, limit: limit)
    }

    /// The colour and marker of the `index`-th run.
    private func style(_ index: Int) -> SeriesStyle {
        guard let encoding else { return Palette.style(index) }
        let run = runs[index]
        return SeriesStyle(
            color: encoding.color(run.colorIndex ?? 0), dash: nil, marker: run.markerIndex.map(CurveEncoding.marker))
    }

    /// The loss range shown: the data's, but at most ten times the median
    /// first-epoch loss (never less than the highest loss of a run that did not
    /// diverge) and at least eight decades below that.
    private func lossRange(_ curves: [PanelCurves]) -> (lower: Double, upper: Double)? {
        let firsts = curves.compactMap { ($0.train + $0.validation).first { $0.y.isFinite }?.y }.sorted()
        guard !firsts.isEmpty else { return nil }
        let calm = curves.indices.filter { runs[$0].divergedAtEpoch == nil }
            .flatMap { curves[$0].train + curves[$0].validation }.map(\.y).filter(\.isFinite)
        let upper = max(firsts[firsts.count / 2] * 10, calm.max() ?? 0)
        return upper > 0 ? (upper / 1e8, upper) : nil
    }

    private func drawPanel(
        _ curves: [PanelCurves], yTitle: String, allowLog: Bool, clip cap: (lower: Double, upper: Double)?, left: Double,
        clipID: String, into svg: inout SVGDocument
    ) {
        let points = curves.flatMap { $0.train + $0.validation + $0.bands.flatMap { $0.flatMap { [(x: $0.epoch, y: $0.low), (x: $0.epoch, y: $0.high)] } } }
            .filter { $0.x.isFinite && $0.y.isFinite }
        let xs = points.map(\.x) + runs.compactMap { $0.divergedAtEpoch.map(Double.init) }
        var ys = points.map(\.y)
        let clipped = cap.map { cap in ys.contains { $0 > cap.upper || $0 < cap.lower } } ?? false
        if let cap, clipped { ys = ys.map { min(cap.upper, max(cap.lower, $0)) } }
        let yKind = allowLog ? Scale.preferredKind(for: ys) : .linear
        let frame = PlotFrame(
            left: left, top: 50, width: 320, height: 330,
            x: (.linear, xs.min() ?? 0, xs.max() ?? 1),
            y: (yKind, ys.min() ?? 0, ys.max() ?? 1)
        )
        frame.drawGrid(into: &svg)
        let clip = frame.clip(into: &svg, id: clipID)
        let crowded = runs.count > 16 && encoding == nil
        svg.group("g", ["clip-path": clip, "class": "bands"]) { svg in
            for (index, curve) in curves.enumerated() {
                for band in curve.bands where !band.isEmpty {
                    let upper = band.map { (x: $0.epoch, y: $0.high) }, lower = band.reversed().map { (x: $0.epoch, y: $0.low) }
                    let d = frame.pathData(frame.thinned(upper) + frame.thinned(lower))
                    guard !d.isEmpty else { continue }
                    svg.element("path", ["class": "band", "d": d + " Z", "fill": style(index).color, "fill-opacity": "0.15", "stroke": "none"])
                }
            }
        }
        let lineStyle: Attributes = [
            "clip-path": clip, "fill": "none", "stroke-width": crowded ? "1" : "1.6",
            "stroke-opacity": crowded ? "0.6" : "1", "stroke-linejoin": "round", "stroke-linecap": "round",
        ]
        svg.group("g", lineStyle) { svg in
            for (index, curve) in curves.enumerated() {
                let style = style(index)
                for (series, isValidation) in [(curve.train, false), (curve.validation, true)] where !series.isEmpty {
                    var path: Attributes = [
                        "class": "series", "data-run": String(index), "data-kind": isValidation ? "validation" : "train",
                        "d": frame.pathData(frame.thinned(series)), "stroke": style.color,
                    ]
                    path["stroke-dasharray"] = isValidation ? Palette.validationDash : nil
                    svg.element("path", path)
                }
            }
        }
        svg.group("g", ["clip-path": clip, "class": "markers"]) { svg in
            for (index, curve) in curves.enumerated() {
                if let shape = style(index).marker {
                    // Six markers along the training curve, at evenly spaced epochs, offset per run so they do not stack.
                    let finite = curve.train.filter { $0.x.isFinite && $0.y.isFinite }
                    for k in 0..<min(6, finite.count) {
                        let point = finite[(finite.count * (2 * k + 1) / 12 + index) % finite.count]
                        guard let px = frame.x.position(point.x), let py = frame.y.position(point.y) else { continue }
                        Legend.drawMarker(shape, color: style(index).color, x: px, y: py, into: &svg)
                    }
                }
                if let epoch = runs[index].divergedAtEpoch, let px = frame.x.position(Double(epoch)) {
                    let last = (curve.train + curve.validation).last { $0.y.isFinite }
                    let py = last.flatMap { frame.y.position(min(frame.y.upper, max(frame.y.lower, $0.y))) } ?? frame.top + 8
                    svg.group("g", ["class": "divergence", "data-run": String(index), "data-epoch": String(epoch)]) { svg in
                        Legend.drawMarker(.cross, color: style(index).color, x: px, y: py, size: 9, into: &svg)
                    }
                }
            }
        }
        frame.drawAxes(into: &svg, xTitle: "epoch", yTitle: clipped ? "\(yTitle.dropLast()); clipped)" : yTitle)
    }
}
