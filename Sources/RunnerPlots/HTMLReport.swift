import Foundation

/// A self-contained HTML page: title, generation line, a table of runs, the
/// learning curves, the sweep summary and one decision-boundary thumbnail per
/// run. Styles and SVG are inline; there are no scripts and no external
/// resources, so the page works offline.
///
/// The table scrolls inside a box of limited height with a sticky header and
/// zebra rows, so it stays usable for hundreds of runs; columns whose cells
/// all parse as numbers are right-aligned. Thumbnails wrap in a CSS grid.
public struct HTMLReport: Sendable {
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
    public var table: Table?
    public var learningCurves: LearningCurveChart?
    public var sweepSummary: SweepSummaryChart?
    /// One per run; each chart's title is its caption.
    public var decisionBoundaries: [DecisionBoundaryChart]

    public init(
        title: String, generatedAt: String, table: Table? = nil, learningCurves: LearningCurveChart? = nil,
        sweepSummary: SweepSummaryChart? = nil, decisionBoundaries: [DecisionBoundaryChart] = []
    ) {
        self.title = title
        self.generatedAt = generatedAt
        self.table = table
        self.learningCurves = learningCurves
        self.sweepSummary = sweepSummary
        self.decisionBoundaries = decisionBoundaries
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
        if let table {
            page += try section("Runs", tableHTML(table))
        }
        if let learningCurves {
            page += section("Learning curves", "<figure class=\"chart\">\n\(try learningCurves.svg(idPrefix: "curves"))</figure>\n")
        }
        if let sweepSummary {
            page += section("Sweep summary", "<figure class=\"chart sweep\">\n\(try sweepSummary.svg())</figure>\n")
        }
        if !decisionBoundaries.isEmpty {
            var grid = "<p class=\"note\">Colour: network output Ybar, orange below 0 (class −1), blue above 0 (class +1); "
                + "black line: Ybar = 0; dots: data coloured by label; rings: misclassified.</p>\n<div class=\"thumbs\">\n"
            for (index, chart) in decisionBoundaries.enumerated() {
                let caption = escapeXML(chart.title)
                grid += "<figure class=\"thumb\">\n\(try chart.svg(style: .thumbnail, idPrefix: "b\(index)"))"
                    + "<figcaption title=\"\(caption)\">\(caption)</figcaption>\n</figure>\n"
            }
            page += section("Decision boundaries", grid + "</div>\n")
        }
        return page + "</body>\n</html>\n"
    }

    private func section(_ heading: String, _ content: String) -> String {
        "<section>\n<h2>\(escapeXML(heading))</h2>\n\(content)</section>\n"
    }

    private func tableHTML(_ table: Table) throws -> String {
        for (index, row) in table.rows.enumerated() where row.count != table.headers.count {
            throw PlotError.rowWidthMismatch(row: index, expected: table.headers.count, actual: row.count)
        }
        let numeric = table.numericColumns
        func cells(_ values: [String], tag: String) -> String {
            values.enumerated().map { column, value in
                "<\(tag)\(numeric.contains(column) ? " class=\"num\"" : "")>\(escapeXML(value))</\(tag)>"
            }.joined()
        }
        var html = "<p class=\"note\">\(table.rows.count) row\(table.rows.count == 1 ? "" : "s")</p>\n"
        html += "<div class=\"table-wrap\">\n<table>\n<thead><tr>\(cells(table.headers, tag: "th"))</tr></thead>\n<tbody>\n"
        for row in table.rows {
            html += "<tr>\(cells(row, tag: "td"))</tr>\n"
        }
        return html + "</tbody>\n</table>\n</div>\n"
    }

    private static let css = """

        body { font-family: system-ui, sans-serif; color: #222; background: #fff; max-width: 1100px; margin: 1.5rem auto; padding: 0 1rem; }
        h1 { font-size: 1.5rem; margin: 0 0 0.25rem; }
        h2 { font-size: 1.15rem; margin: 2rem 0 0.5rem; padding-bottom: 0.25rem; border-bottom: 1px solid #ddd; }
        .generated, .note { color: #666; font-size: 0.85rem; margin: 0 0 0.75rem; }
        .table-wrap { max-height: 26rem; overflow: auto; border: 1px solid #ccc; }
        table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
        th, td { padding: 0.3rem 0.6rem; text-align: left; white-space: nowrap; }
        th { position: sticky; top: 0; z-index: 1; background: #eef1f5; border-bottom: 1px solid #bbb; }
        tbody tr:nth-child(even) { background: #f5f6f8; }
        tbody tr:hover { background: #fff4d1; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        figure { margin: 0; }
        figure svg { display: block; width: 100%; height: auto; }
        figure.sweep { max-width: 880px; }
        .thumbs { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 0.75rem; }
        .thumb figcaption { font-size: 0.75rem; text-align: center; margin-top: 0.2rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }

        """
}
