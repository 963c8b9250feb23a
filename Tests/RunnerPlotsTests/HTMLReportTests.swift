import Foundation
import FoundationXML
import Testing

@testable import RunnerPlots

@Suite struct HTMLReportTests {
    private func report(runs: Int) -> HTMLReport {
        let labels = (0..<runs).map { "run <\($0)> & co" }
        let points = Fixture.circlePoints(count: 30)
        let range = DecisionBoundaryChart.paddedRange(of: points)
        let grid = BoundaryGrid(xRange: range.x, yRange: range.y, nx: 30, ny: 30, output: Fixture.circleOutput)
        return HTMLReport(
            title: "Sweep <lr>",
            generatedAt: "Generated 2026-01-01 00:00 UTC",
            table: .init(
                headers: ["run", "learning rate", "final error", "note"],
                rows: labels.enumerated().map { [$1, "0.01", "0.\($0)", $0 == 0 ? "" : "ok"] }
            ),
            learningCurves: LearningCurveChart(title: "Curves", runs: labels.map { Fixture.run($0, epochs: 20) }),
            sweepSummary: SweepSummaryChart(title: "Sweep", points: Fixture.sweep(), xTitle: "learning rate", seriesTitle: "hidden units"),
            decisionBoundaries: labels.map { DecisionBoundaryChart(title: $0, grid: grid, points: points) }
        )
    }

    @Test func isOneWellFormedOfflineDocument() throws {
        let html = try report(runs: 3).html()
        let document = try parse(html)
        #expect(document.rootElement()?.name == "html")
        #expect(document.elements("svg").count == 2 + 3)
        #expect(document.elements("script").isEmpty)
        #expect(!html.contains("src=") && !html.contains("href=\"http") && !html.contains("url(http"))
        #expect(document.elements("p", class: "generated").first?.stringValue == "Generated 2026-01-01 00:00 UTC")
        let ids = try document.nodes(forXPath: "//@id").compactMap(\.stringValue)
        #expect(Set(ids).count == ids.count && !ids.isEmpty)
    }

    @Test func tableHasARowPerRunAndRightAlignsNumericColumns() throws {
        let document = try parse(try report(runs: 120).html())
        let header = document.elements("th")
        #expect(header.map { $0.stringValue } == ["run", "learning rate", "final error", "note"])
        #expect(header.map { $0.attribute("class") } == [nil, "num", "num", nil])
        #expect(document.elements("tr").count == 121)
        #expect(document.elements("td").first?.stringValue == "run <0> & co")
        #expect(document.elements("figure", class: "thumb").count == 120)
        #expect(document.elements("figcaption").last?.stringValue == "run <119> & co")
    }

    @Test func escapesTheTitleAndRendersDeterministically() throws {
        let report = report(runs: 2)
        let html = try report.html()
        #expect(html == (try report.html()))
        #expect(html.contains("<title>Sweep &lt;lr&gt;</title>"))
    }

    @Test func rejectsRaggedTables() {
        let ragged = HTMLReport(title: "t", generatedAt: "now", table: .init(headers: ["a", "b"], rows: [["1", "2"], ["3"]]))
        let error = #expect(throws: PlotError.self) { try ragged.html() }
        #expect(error?.description == "table row 1 has 1 cells but there are 2 headers")
    }

    @Test func propagatesChartErrors() {
        let report = HTMLReport(title: "t", generatedAt: "now", learningCurves: LearningCurveChart(title: "c", runs: []))
        #expect(throws: PlotError.nothingToPlot(chart: "learning curves")) { try report.html() }
    }
}
