import Foundation
import FoundationXML
import Testing

@testable import RunnerPlots

@Suite struct ChartEdgeTests {
    private func boundary() -> DecisionBoundaryChart {
        let grid = BoundaryGrid(xRange: -2...2, yRange: -2...2, nx: 10, ny: 10, output: Fixture.circleOutput)
        return DecisionBoundaryChart(title: "run", grid: grid, points: Fixture.circlePoints(count: 10))
    }

    @Test func everyChartHasASizeAndAWhiteBackground() throws {
        let charts = [
            try LearningCurveChart(title: "t", runs: [Fixture.run("r")]).svg(),
            try boundary().svg(), try boundary().svg(style: .thumbnail),
            try SweepSummaryChart(title: "t", points: Fixture.sweep(), xTitle: "x", seriesTitle: "s").svg(),
        ]
        for svg in charts {
            let root = try #require(try parse(svg).rootElement())
            let viewBox = try #require(root.attribute("viewBox")).split(separator: " ")
            #expect(root.attribute("width") == String(viewBox[2]) && root.attribute("height") == String(viewBox[3]))
            let background = try #require(root.elements("rect", class: "background").first)
            #expect(background.attribute("fill") == "#FFFFFF" && background.attribute("width") == "100%")
        }
    }

    @Test func legendLabelsAreNeverCutAndTheChartWidensForThem() throws {
        let label = "h=100 lr=0.002 seed=3 noise=0.15 data=double_moon decay=0.0001 order=replacement"
        let svg = try LearningCurveChart(title: "t", runs: [Fixture.run(label), Fixture.run("short")]).svg()
        let document = try parse(svg)
        #expect(document.rootElement()!.texts.contains(label))
        let width = try #require(Double(document.rootElement()!.attribute("width")!))
        #expect(width >= 815 + 28 + Double(label.count) * PlotFrame.characterWidth)
    }

    @Test func aDivergedRunIsClippedAndMarked() throws {
        let calm = Fixture.run("calm", epochs: 60)
        var blown = Fixture.run("blown", epochs: 20)
        blown.trainLoss = (1...20).map { CurvePoint(epoch: Double($0), value: $0 < 10 ? 0.6 : pow(10, Double($0 * 15))) }
        blown.divergedAtEpoch = 21
        let document = try parse(try LearningCurveChart(title: "t", runs: [calm, blown]).svg())
        let axis = document.elements("g", class: "y-axis")[0].texts
        #expect(axis.last == "loss (mean logistic loss; clipped; log scale)")
        // Ten times the largest first loss (about 0.8) is under 10: the axis ends at the decade 10, not at 1e285.
        let decades = axis.dropLast().compactMap(Double.init)
        #expect(decades.max() == 10 && decades.min()! >= 1e-8)
        let divergence = document.elements("g", class: "divergence")
        #expect(divergence.count == 2 && divergence.allSatisfy { $0.attribute("data-epoch") == "21" && $0.attribute("data-run") == "1" })
        let xTicks = document.elements("g", class: "x-axis")[0].texts.dropLast().compactMap(Double.init)
        #expect(xTicks.last! >= 21)
    }

    @Test func longCurvesAreThinnedToThePixelsKeepingTheirExtremes() throws {
        let epochs = 20_000
        var run = Fixture.run("long", epochs: epochs)
        run.trainLoss[12_345].value = 5  // a spike that must survive thinning
        let svg = try LearningCurveChart(title: "t", runs: [run]).svg()
        #expect(svg.utf8.count < 150_000)
        let paths = try parse(svg).elements("path", class: "series")
        for path in paths {
            #expect(path.attribute("d")!.filter { $0 == "L" }.count <= 4 * 320)
        }
        let frame = PlotFrame(left: 0, top: 0, width: 320, height: 330, x: (.linear, 1, Double(epochs)), y: (.linear, 0, 5))
        let points = run.trainLoss.map { (x: $0.epoch, y: $0.value) }
        let kept = frame.thinned(points)
        #expect(kept.count <= 4 * 320 && kept.count > 320)
        #expect(kept.first! == points.first! && kept.last! == points.last!)
        #expect(kept.contains { $0.y == 5 } && kept.contains { $0.y == points.map(\.y).min()! })
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $0.x < $1.x })
    }

    @Test func xTickLabelsKeepTwoCharactersApart() throws {
        for epochs in [7, 60, 999, 20_000, 1_234_567] {
            let frame = PlotFrame(left: 0, top: 0, width: 320, height: 330, x: (.linear, 1, Double(epochs)), y: (.linear, 0, 1))
            #expect(!PlotFrame.labelsOverlap(frame.x), "\(epochs) epochs: \(frame.x.tickLabels)")
            #expect(frame.x.ticks.count >= 3)
        }
    }

    @Test func curvesBySettingHaveAnOrderedColourKeyAMarkerKeyAndBands() throws {
        let encoding = CurveEncoding(colorTitle: "hidden", colorValues: ["1", "5", "100"], ordered: true, markerTitle: "lr", markerValues: ["0.02", "0.2"])
        let band = (1...60).map { CurveBand(epoch: Double($0), low: 0.1, high: 0.3) }
        let runs = (0..<6).map { index in
            var run = Fixture.run("h lr \(index)", seed: UInt64(index))
            run.colorIndex = index % 3
            run.markerIndex = index / 3
            run.bands = [band, band, band, band]
            return run
        }
        let document = try parse(try LearningCurveChart(title: "t", runs: runs, encoding: encoding).svg())
        let texts = document.rootElement()!.texts
        #expect(["hidden", "1", "5", "100", "lr", "0.02", "0.2", "band: range over seeds"].allSatisfy(texts.contains))
        let colors = document.elements("line", class: "legend-entry").dropFirst(2).map { $0.attribute("stroke")! }
        #expect(colors == [Palette.ordered[0], Palette.ordered[3], Palette.ordered[6]])
        #expect(document.elements("path", class: "band").count == 6 * 4)
        // Six markers per run along each panel's training curve: the second marker value's runs too.
        #expect(document.elements("g", class: "markers").flatMap { $0.elements("path", class: "marker") }.count == 2 * 6 * 6)
    }
}
