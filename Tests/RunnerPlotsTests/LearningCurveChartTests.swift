import Foundation
import FoundationXML
import Testing

@testable import RunnerPlots

@Suite struct LearningCurveChartTests {
    @Test func drawsOnePathPerRecordedSeriesAndALegendEntryPerRun() throws {
        let runs = [Fixture.run("lr 0.1", seed: 1), Fixture.run("lr 0.01", seed: 2), Fixture.run("no validation", seed: 3, validation: false)]
        let document = try parse(try LearningCurveChart(title: "Curves", runs: runs).svg())
        let paths = document.elements("path", class: "series")
        #expect(paths.count == 3 * 4 - 2)
        #expect(paths.filter { $0.attribute("data-kind") == "validation" }.allSatisfy { $0.attribute("stroke-dasharray") == Palette.validationDash })
        #expect(paths.filter { $0.attribute("data-kind") == "train" }.allSatisfy { $0.attribute("stroke-dasharray") == nil })
        // "train" and "validation" style keys, then one entry per run.
        #expect(document.elements("line", class: "legend-entry").count == 2 + 3)
        #expect(document.rootElement()?.texts.contains("no validation") == true)
    }

    @Test func axesCoverTheDataAndLossesSpanningDecadesGetALogAxis() throws {
        let steep = Fixture.run("steep", epochs: 40, rate: 0.3)  // loss 0.5 → 0.02: under two decades
        var decaying = steep
        decaying.trainLoss = (1...40).map { CurvePoint(epoch: Double($0), value: 0.7 * pow(0.85, Double($0))) }
        let linear = try parse(try LearningCurveChart(title: "t", runs: [steep]).svg())
        let log = try parse(try LearningCurveChart(title: "t", runs: [decaying]).svg())

        let xAxis = linear.elements("g", class: "x-axis")[0].texts.dropLast().compactMap(Double.init)
        #expect(xAxis.first! <= 1 && xAxis.last! >= 40)
        let yTitles = { (document: XMLDocument) in document.elements("g", class: "y-axis").map { $0.texts.last! } }
        #expect(yTitles(linear) == ["loss (mean logistic loss)", "error (1 − accuracy, fraction)"])
        #expect(yTitles(log) == ["loss (mean logistic loss; log scale)", "error (1 − accuracy, fraction)"])
        let errors = linear.elements("g", class: "y-axis")[1].texts.dropLast().compactMap(Double.init)
        let values = steep.trainAccuracy.map { 1 - $0.value } + steep.validationAccuracy.map { 1 - $0.value }
        #expect(errors.first! <= values.min()! && errors.last! >= values.max()!)
    }

    @Test func accuracyPanelCanShowAccuracyInsteadOfError() throws {
        let chart = LearningCurveChart(title: "t", runs: [Fixture.run("r", final: 0.9)], accuracyPanel: .accuracy)
        let axis = try parse(try chart.svg()).elements("g", class: "y-axis")[1].texts
        #expect(axis.last == "accuracy (fraction)")
        #expect(axis.dropLast().compactMap(Double.init).last! >= 0.9)
    }

    @Test func aLonePointIsDrawnAsADot() throws {
        let run = LearningCurveRun(label: "one epoch", trainLoss: [CurvePoint(epoch: 1, value: 0.5)])
        let path = try parse(try LearningCurveChart(title: "t", runs: [run]).svg()).elements("path", class: "series")[0]
        #expect(path.attribute("d")!.hasSuffix(" h0"))
    }

    @Test func manyRunsCapTheLegend() throws {
        let runs = (0..<120).map { Fixture.run("run \($0)", epochs: 10, seed: UInt64($0)) }
        let document = try parse(try LearningCurveChart(title: "Many", runs: runs, maxLegendEntries: 12).svg())
        #expect(document.elements("path", class: "series").count == 480)
        #expect(document.elements("line", class: "legend-entry").count == 2 + 12)
        #expect(document.rootElement()?.texts.contains("… and 108 more") == true)
        // A cap larger than the space falls back to what fits.
        let fitted = try parse(try LearningCurveChart(title: "Many", runs: runs, maxLegendEntries: 500).svg())
        #expect(fitted.elements("line", class: "legend-entry").count == 2 + 18)
        // Past the palette, runs are told apart by marker shapes: dashes mean validation and nothing else.
        let train = document.elements("path", class: "series").filter { $0.attribute("data-kind") == "train" }
        #expect(train.allSatisfy { $0.attribute("stroke-dasharray") == nil })
        let markers = document.elements("g", class: "markers").flatMap { $0.elements("path", class: "marker") }
        #expect(markers.count == 2 * 6 * (120 - Palette.series.count))
    }

    @Test func escapesTextAndRendersDeterministically() throws {
        let runs = [Fixture.run("a<b & \"c\"", seed: 4)]
        let chart = LearningCurveChart(title: "Title <&>", runs: runs)
        let svg = try chart.svg()
        #expect(svg == (try chart.svg()))
        let texts = try parse(svg).rootElement()!.texts
        #expect(texts.contains("a<b & \"c\"") && texts.contains("Title <&>"))
    }

    @Test func coordinatesAreRoundedToTwoDecimals() throws {
        let document = try parse(try LearningCurveChart(title: "t", runs: [Fixture.run("r")]).svg())
        let attributes = try document.nodes(forXPath: "//*").compactMap { $0 as? XMLElement }.flatMap { $0.attributes ?? [] }.compactMap(\.stringValue)
        let decimals = try NSRegularExpression(pattern: "[0-9]\\.[0-9]{3}")
        #expect(attributes.contains { $0.contains(".") })
        #expect(!attributes.contains { decimals.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil })
    }

    @Test func rejectsNothingToPlot() throws {
        #expect(throws: PlotError.nothingToPlot(chart: "learning curves")) { try LearningCurveChart(title: "t", runs: []).svg() }
        let empty = LearningCurveRun(label: "diverged", trainLoss: [CurvePoint(epoch: 1, value: .nan)])
        let error = #expect(throws: PlotError.self) { try LearningCurveChart(title: "t", runs: [empty]).svg() }
        #expect(error?.description == "run \"diverged\" has no finite values to plot")
    }

    @Test func nonFiniteValuesBreakTheLine() throws {
        let run = LearningCurveRun(label: "blows up", trainLoss: [1, 2, 3, 4, 5].map { CurvePoint(epoch: $0, value: $0 == 3 ? .infinity : 1 / $0) })
        let path = try parse(try LearningCurveChart(title: "t", runs: [run]).svg()).elements("path", class: "series")[0]
        #expect(path.attribute("d")!.filter { $0 == "M" }.count == 2)
    }
}
