/// One sample of a learning curve.
public struct CurvePoint: Sendable, Equatable {
    public var epoch: Double
    public var value: Double

    public init(epoch: Double, value: Double) {
        self.epoch = epoch
        self.value = value
    }
}

/// The curves of one training run; an empty array means the series was not recorded.
public struct LearningCurveRun: Sendable {
    public var label: String
    public var trainLoss: [CurvePoint]
    public var validationLoss: [CurvePoint]
    /// Accuracy as a fraction in 0...1.
    public var trainAccuracy: [CurvePoint]
    public var validationAccuracy: [CurvePoint]

    public init(
        label: String, trainLoss: [CurvePoint], validationLoss: [CurvePoint] = [],
        trainAccuracy: [CurvePoint] = [], validationAccuracy: [CurvePoint] = []
    ) {
        self.label = label
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.trainAccuracy = trainAccuracy
        self.validationAccuracy = validationAccuracy
    }
}

/// Loss and accuracy (or error) per epoch for several runs, as two panels side
/// by side. Colour identifies the run, solid lines are training curves and
/// dashed lines validation curves. The legend sits right of the panels and
/// lists at most `maxLegendEntries` runs (and never more than fit), then
/// "… and K more"; past that many runs the lines are drawn thin and
/// translucent so the bundle stays readable, and once the seven colours are
/// used up, training curves cycle through dash patterns.
/// The loss axis is logarithmic when the losses span two decades or more.
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

    public init(title: String, runs: [LearningCurveRun], accuracyPanel: AccuracyPanel = .error, maxLegendEntries: Int = 16) {
        self.title = title
        self.runs = runs
        self.accuracyPanel = accuracyPanel
        self.maxLegendEntries = maxLegendEntries
    }

    /// Curves of one panel: training then validation, as (epoch, value) pairs.
    private typealias PanelCurves = (train: [(x: Double, y: Double)], validation: [(x: Double, y: Double)])

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
        let loss = runs.map { (train: pairs($0.trainLoss, { $0 }), validation: pairs($0.validationLoss, { $0 })) }
        let toError = accuracyPanel == .error ? { 1 - $0 } : { (value: Double) in value }
        let accuracy = runs.map { (train: pairs($0.trainAccuracy, toError), validation: pairs($0.validationAccuracy, toError)) }

        var svg = SVGDocument(width: 1060, height: 440)
        svg.text(title, x: 430, y: 26, size: 16, anchor: "middle", weight: "bold")
        drawPanel(loss, yTitle: "loss (mean logistic loss)", allowLog: true, left: 70, clipID: "\(idPrefix)-loss", into: &svg)
        let accuracyTitle = accuracyPanel == .error ? "error (1 − accuracy, fraction)" : "accuracy (fraction)"
        drawPanel(accuracy, yTitle: accuracyTitle, allowLog: false, left: 470, clipID: "\(idPrefix)-acc", into: &svg)

        let styleKey: [LegendItem] = [
            .heading("line style"),
            .entry("train", SeriesStyle(color: "#555555", dash: nil)),
            .entry("validation", SeriesStyle(color: "#555555", dash: Palette.validationDash)),
            .heading("runs (\(runs.count))"),
        ]
        let runEntries = runs.enumerated().map { LegendItem.entry($1.label, Palette.style($0)) }
        Legend(items: styleKey + LegendItem.capped(runEntries, limit: legendLimit))
            .draw(into: &svg, left: 815, top: 50, width: 240)
        return svg.rendered
    }

    /// Runs listed in the legend: `maxLegendEntries`, or fewer when they would not fit.
    private var legendLimit: Int {
        let rows = Int((440 - 50 - 8) / Legend.rowHeight)
        return max(1, min(maxLegendEntries, rows - 4 - 1))  // four style-key rows, one "… more" row
    }

    private func drawPanel(
        _ curves: [PanelCurves], yTitle: String, allowLog: Bool, left: Double, clipID: String, into svg: inout SVGDocument
    ) {
        let points = curves.flatMap { $0.train + $0.validation }.filter { $0.x.isFinite && $0.y.isFinite }
        let xs = points.map(\.x), ys = points.map(\.y)
        let yKind = allowLog ? Scale.preferredKind(for: ys) : .linear
        let frame = PlotFrame(
            left: left, top: 50, width: 320, height: 330,
            x: (.linear, xs.min() ?? 0, xs.max() ?? 1),
            y: (yKind, ys.min() ?? 0, ys.max() ?? 1)
        )
        frame.drawGrid(into: &svg)
        let clip = frame.clip(into: &svg, id: clipID)
        let crowded = runs.count > legendLimit
        let lineStyle: Attributes = [
            "clip-path": clip, "fill": "none", "stroke-width": crowded ? "1" : "1.6",
            "stroke-opacity": crowded ? "0.6" : "1", "stroke-linejoin": "round", "stroke-linecap": "round",
        ]
        svg.group("g", lineStyle) { svg in
            for (index, curve) in curves.enumerated() {
                let style = Palette.style(index)
                for (series, isValidation) in [(curve.train, false), (curve.validation, true)] where !series.isEmpty {
                    var path: Attributes = [
                        "class": "series", "data-run": String(index), "data-kind": isValidation ? "validation" : "train",
                        "d": frame.pathData(series), "stroke": style.color,
                    ]
                    path["stroke-dasharray"] = isValidation ? Palette.validationDash : style.dash
                    svg.element("path", path)
                }
            }
        }
        frame.drawAxes(into: &svg, xTitle: "epoch", yTitle: yTitle)
    }
}
