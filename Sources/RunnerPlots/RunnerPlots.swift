/// RunnerPlots draws the charts of `runner` from plain values and bundles them
/// into one offline HTML page.
///
/// - ``LearningCurveChart``: loss and error (or accuracy) per epoch for many runs.
/// - ``DecisionBoundaryChart``: the network output over the plane, its zero
///   contour, and the labelled data points.
/// - ``SweepSummaryChart``: final validation error against a hyperparameter,
///   mean ± std over seeds, one line per value of another setting.
/// - ``HTMLReport``: a self-contained page with a run table and the charts above.
///
/// Every chart renders to a standalone SVG string (`viewBox`-sized, no scripts)
/// and is deterministic: the same input gives a byte-identical string. Numbers
/// are written with the module's own locale-independent formatter and
/// coordinates are rounded to two decimals.

import Foundation

/// Why a chart or report could not be drawn.
public enum PlotError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The chart was given no runs or no series to draw.
    case nothingToPlot(chart: String)
    /// A run has no finite value in any of its series.
    case emptyRun(label: String)
    /// The grid's value count is not `nx × ny`.
    case gridSizeMismatch(nx: Int, ny: Int, valueCount: Int)
    /// The grid needs at least two nodes along each axis.
    case gridTooSmall(nx: Int, ny: Int)
    /// A range is empty, reversed or not finite.
    case invalidRange(axis: String, lower: Double, upper: Double)
    /// A table row does not have one cell per header.
    case rowWidthMismatch(row: Int, expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .nothingToPlot(let chart):
            "\(chart): nothing to plot (no runs or no series were given)"
        case .emptyRun(let label):
            "run \"\(label)\" has no finite values to plot"
        case .gridSizeMismatch(let nx, let ny, let count):
            "grid has \(count) values but nx × ny = \(nx) × \(ny) = \(nx * ny)"
        case .gridTooSmall(let nx, let ny):
            "grid is \(nx) × \(ny); it needs at least 2 nodes along each axis"
        case .invalidRange(let axis, let lower, let upper):
            "\(axis) range \(lower)...\(upper) must be finite with lower < upper"
        case .rowWidthMismatch(let row, let expected, let actual):
            "table row \(row) has \(actual) cells but there are \(expected) headers"
        }
    }
}

extension PlotError: LocalizedError {
    public var errorDescription: String? { description }
}
