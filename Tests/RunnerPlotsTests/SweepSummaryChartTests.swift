import FoundationXML
import Testing

@testable import RunnerPlots

@Suite struct SweepSummaryChartTests {
    @Test func learningRatesSpanningDecadesGetALogAxis() throws {
        let chart = SweepSummaryChart(title: "LR sweep", points: Fixture.sweep(), xTitle: "learning rate", seriesTitle: "hidden units")
        let xAxis = try parse(try chart.svg()).elements("g", class: "x-axis")[0].texts
        #expect(Array(xAxis.dropLast()) == ["0.001", "0.01", "0.1", "1"])
        #expect(xAxis.last == "learning rate (log scale)")
    }

    @Test func hiddenSizesWithinTwoDecadesGetALinearAxisCoveringTheData() throws {
        let points = [2, 4, 8, 16, 32, 64].map { SweepPoint(x: Double($0), series: "lr 0.1", mean: 0.1, std: 0.01, count: 3) }
        let chart = SweepSummaryChart(title: "Width", points: points, xTitle: "hidden units", seriesTitle: "learning rate")
        let xAxis = try parse(try chart.svg()).elements("g", class: "x-axis")[0].texts
        let ticks = xAxis.dropLast().compactMap(Double.init)
        #expect(xAxis.last == "hidden units")
        #expect(ticks.first! <= 2 && ticks.last! >= 64 && ticks.count >= 4)
    }

    @Test func drawsALinePerSeriesAndErrorBarsWhereThereIsSpread() throws {
        var points = Fixture.sweep()
        points[0].count = 1  // one seed: no bar
        points[1].std = 0
        let document = try parse(try SweepSummaryChart(title: "t", points: points, xTitle: "learning rate", seriesTitle: "hidden").svg())
        #expect(document.elements("path", class: "series").count == 3)
        #expect(document.elements("g", class: "sweep-series").map { $0.attribute("data-series") } == ["2", "8", "32"])
        // A marker per mean, one shape and one colour per line.
        let means = document.elements("g", class: "means")
        #expect(means.map { $0.elements("path", class: "marker").count } == [4, 4, 4])
        #expect(Set(means.map { $0.elements("path", class: "marker")[0].attribute("d")!.prefix(1) }).count >= 1)
        #expect(Set(means.map { $0.elements("path", class: "marker")[0].attribute("fill")! }).count == 3)
        #expect(document.elements("path", class: "error-bar").count == 10)
        #expect(document.elements("line", class: "legend-entry").count == 3)
        let yTicks = document.elements("g", class: "y-axis")[0].texts.dropLast().compactMap(Double.init)
        let bars = points.filter { $0.count > 1 }
        #expect(yTicks.first! <= bars.map { $0.mean - $0.std }.min()! && yTicks.last! >= bars.map { $0.mean + $0.std }.max()!)
    }

    @Test func rejectsAnEmptySweep() {
        #expect(throws: PlotError.nothingToPlot(chart: "sweep summary")) {
            try SweepSummaryChart(title: "t", points: [], xTitle: "x", seriesTitle: "s").svg()
        }
    }

    @Test func escapesSeriesNamesAndRendersDeterministically() throws {
        let points = [SweepPoint(x: 1, series: "<b>&", mean: 0.2, std: 0.1, count: 2), SweepPoint(x: 2, series: "<b>&", mean: 0.1, std: 0.1, count: 2)]
        let chart = SweepSummaryChart(title: "t", points: points, xTitle: "x", seriesTitle: "s")
        let svg = try chart.svg()
        #expect(svg == (try chart.svg()))
        #expect(try parse(svg).rootElement()!.texts.contains("<b>&"))
    }
}
