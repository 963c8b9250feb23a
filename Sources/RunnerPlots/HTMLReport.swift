import Foundation

/// A self-contained HTML page: title, generation line, a run's settings or a
/// table of runs, the mean ± std table of a sweep, the learning curves, the
/// sweep summary, and decision boundaries: one full-size chart, or thumbnails
/// that wrap or are laid out as the swept grid. Styles and SVG are inline;
/// there are no scripts and no external resources, so the page works offline.
///
/// Tables scroll inside a box of limited height (and sideways, when wider than
/// the page) with a sticky header and zebra rows; columns whose cells all parse
/// as numbers are right-aligned. Printed, every row and column is on paper.
public struct HTMLReport: Sendable {
    /// Thumbnails placed as a grid of two swept settings: `cells[row][column]`
    /// is an index into `decisionBoundaries`, nil for a combination not run.
    public struct BoundaryLayout: Sendable, Equatable {
        public var rowTitle: String
        public var columnTitle: String
        public var rowLabels: [String]
        public var columnLabels: [String]
        public var cells: [[Int?]]

        public init(rowTitle: String, columnTitle: String, rowLabels: [String], columnLabels: [String], cells: [[Int?]]) {
            self.rowTitle = rowTitle
            self.columnTitle = columnTitle
            self.rowLabels = rowLabels
            self.columnLabels = columnLabels
            self.cells = cells
        }
    }

    /// A table of strings; every row needs one cell per header.
    public struct Table: Sendable, Equatable {
        public var headers: [String]
        public var rows: [[String]]

        public init(headers: [String], rows: [[String]]) {
            self.headers = headers
            self.rows = rows
        }

        /// Columns whose non-empty cells all parse as numbers (and have at least one).
        var numericColumns: Set<Int> {
            Set(headers.indices.filter { column in
                let cells = rows.map { $0[column].trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                return !cells.isEmpty && cells.allSatisfy { Double($0) != nil }
            })
        }
    }

    public var title: String
    /// Shown under the title as given, e.g. "Generated 2026-03-01 14:02 UTC by runner 0.3".
    public var generatedAt: String
    /// The settings of a single run, as setting/value rows.
    public var settings: Table?
    /// The runs, one per row.
    public var table: Table?
    /// Says which runs the table shows when it does not show them all.
    public var tableNote: String?
    /// Mean ± std over seeds, one row per setting of a sweep.
    public var aggregate: Table?
    public var learningCurves: LearningCurveChart?
    public var sweepSummary: SweepSummaryChart?
    /// Thumbnails; each chart's title is its caption.
    public var decisionBoundaries: [DecisionBoundaryChart]
    /// Where the thumbnails go; nil lets them wrap.
    public var boundaryLayout: BoundaryLayout?
    /// Says which runs the thumbnails show.
    public var boundaryNote: String?
    /// One decision boundary at full size, with axes (a single run's).
    public var fullBoundary: DecisionBoundaryChart?

    public init(
        title: String, generatedAt: String, settings: Table? = nil, table: Table? = nil, tableNote: String? = nil,
        aggregate: Table? = nil, learningCurves: LearningCurveChart? = nil, sweepSummary: SweepSummaryChart? = nil,
        decisionBoundaries: [DecisionBoundaryChart] = [], boundaryLayout: BoundaryLayout? = nil, boundaryNote: String? = nil,
        fullBoundary: DecisionBoundaryChart? = nil
    ) {
        self.title = title
        self.generatedAt = generatedAt
        self.settings = settings
        self.table = table
        self.tableNote = tableNote
        self.aggregate = aggregate
        self.learningCurves = learningCurves
        self.sweepSummary = sweepSummary
        self.decisionBoundaries = decisionBoundaries
        self.boundaryLayout = boundaryLayout
        self.boundaryNote = boundaryNote
        self.fullBoundary = fullBoundary
    }

    /// The page as one HTML document (also well-formed XML).
    /// - Throws: ``PlotError/rowWidthMismatch(row:expected:actual:)`` for a ragged
    ///   table, or the error of a chart that cannot be drawn.
    public func html() throws -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(escapeXML(title))</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            <h1>\(escapeXML(title))</h1>
            <p class="generated">\(escapeXML(generatedAt))</p>

            """
        if let settings {
            page += try section("Settings", tableHTML(settings, note: nil, scrolls: false))
        }
        if let table {
            page += try section("Runs", tableHTML(table, note: tableNote ?? "\(table.rows.count) row\(table.rows.count == 1 ? "" : "s")"))
        }
        if let aggregate {
            page += try section("Mean ± std over seeds", tableHTML(aggregate, note: "One row per setting; runs: how many seeds."))
        }
        if let learningCurves {
            page += section("Learning curves", "<figure class=\"chart\">\n\(try learningCurves.svg(idPrefix: "curves"))</figure>\n")
        }
        if let sweepSummary {
            page += section("Sweep summary", "<figure class=\"chart sweep\">\n\(try sweepSummary.svg())</figure>\n")
        }
        if let fullBoundary {
            page += section("Decision boundary", "<figure class=\"chart boundary\">\n\(try fullBoundary.svg(idPrefix: "boundary"))</figure>\n")
        }
        if !decisionBoundaries.isEmpty {
            var content = "<p class=\"note\">\(boundaryNote.map { escapeXML($0) + " " } ?? "")"
                + "Colour: σ(Ybar), the predicted probability of class +1 (orange below 0.5, blue above); "
                + "black line: Ybar = 0; dots: training data coloured by label; squares: validation data; rings: misclassified.</p>\n"
            let thumbnails = try decisionBoundaries.enumerated().map { index, chart in
                let caption = escapeXML(chart.title)
                return "<figure class=\"thumb\">\n\(try chart.svg(style: .thumbnail, idPrefix: "b\(index)"))"
                    + "<figcaption>\(caption)</figcaption>\n</figure>\n"
            }
            if let layout = boundaryLayout {
                content += "<div class=\"boundary-grid\" style=\"grid-template-columns: max-content repeat(\(layout.columnLabels.count), minmax(90px, 170px))\">\n"
                content += "<div class=\"corner\">\(escapeXML(layout.rowTitle)) ↓ \(escapeXML(layout.columnTitle)) →</div>\n"
                content += layout.columnLabels.map { "<div class=\"column-label\">\(escapeXML($0))</div>\n" }.joined()
                for (row, label) in layout.rowLabels.enumerated() {
                    content += "<div class=\"row-label\">\(escapeXML(label))</div>\n"
                    content += layout.cells[row].map { $0.map { thumbnails[$0] } ?? "<div class=\"empty\"></div>\n" }.joined()
                }
                content += "</div>\n"
            } else {
                content += "<div class=\"thumbs\">\n" + thumbnails.joined() + "</div>\n"
            }
            page += section("Decision boundaries", content)
        }
        return page + "</body>\n</html>\n"
    }

    private func section(_ heading: String, _ content: String) -> String {
        "<section>\n<h2>\(escapeXML(heading))</h2>\n\(content)</section>\n"
    }

    /// The table, in a box that scrolls when it is long or wide unless `scrolls` is false.
    private func tableHTML(_ table: Table, note: String?, scrolls: Bool = true) throws -> String {
        for (index, row) in table.rows.enumerated() where row.count != table.headers.count {
            throw PlotError.rowWidthMismatch(row: index, expected: table.headers.count, actual: row.count)
        }
        let numeric = table.numericColumns
        func cells(_ values: [String], tag: String) -> String {
            values.enumerated().map { column, value in
                "<\(tag)\(numeric.contains(column) ? " class=\"num\"" : "")>\(escapeXML(value))</\(tag)>"
            }.joined()
        }
        var html = note.map { "<p class=\"note\">\(escapeXML($0))</p>\n" } ?? ""
        html += "<div class=\"table-wrap\(scrolls ? "" : " whole")\">\n<table>\n<thead><tr>\(cells(table.headers, tag: "th"))</tr></thead>\n<tbody>\n"
        for row in table.rows {
            html += "<tr>\(cells(row, tag: "td"))</tr>\n"
        }
        return html + "</tbody>\n</table>\n</div>\n"
    }

    private static let css = """

        body { font-family: system-ui, sans-serif; color: #222; background: #fff; max-width: 1200px; margin: 1.5rem auto; padding: 0 1rem; }
        h1 { font-size: 1.5rem; margin: 0 0 0.25rem; overflow-wrap: anywhere; }
        h2 { font-size: 1.15rem; margin: 2rem 0 0.5rem; padding-bottom: 0.25rem; border-bottom: 1px solid #ddd; }
        .generated, .note { color: #666; font-size: 0.85rem; margin: 0 0 0.75rem; }
        .table-wrap { max-height: 26rem; max-width: 100%; overflow: auto; border: 1px solid #ccc; }
        .table-wrap.whole { max-height: none; }
        table { border-collapse: collapse; font-size: 0.8rem; }
        th, td { padding: 0.25rem 0.5rem; text-align: left; white-space: nowrap; }
        th { position: sticky; top: 0; z-index: 1; background: #eef1f5; border-bottom: 1px solid #bbb; }
        tbody tr:nth-child(even) { background: #f5f6f8; }
        tbody tr:hover { background: #fff4d1; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        figure { margin: 0; }
        figure svg { display: block; width: 100%; height: auto; }
        figure.sweep { max-width: 880px; }
        figure.boundary { max-width: 600px; }
        .thumbs { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 0.75rem; }
        .boundary-grid { display: grid; gap: 0.5rem; align-items: center; justify-content: start; overflow-x: auto; }
        .boundary-grid .column-label, .boundary-grid .corner { font-size: 0.8rem; font-weight: bold; text-align: center; }
        .boundary-grid .row-label { font-size: 0.8rem; font-weight: bold; text-align: right; padding-right: 0.25rem; }
        .thumb figcaption { font-size: 0.72rem; text-align: center; margin-top: 0.2rem; overflow-wrap: anywhere; }
        @media print {
          body { max-width: none; margin: 0; }
          .table-wrap { max-height: none; overflow: visible; border: none; }
          table { font-size: 7pt; }
          th { position: static; }
          figure, .thumb { break-inside: avoid; }
        }

        """
}
