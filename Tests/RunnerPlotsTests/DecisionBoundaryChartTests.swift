import Foundation
import FoundationXML
import Testing

@testable import RunnerPlots

@Suite struct DecisionBoundaryChartTests {
    private func chart(_ output: (Double, Double) -> Double, nx: Int = 21, ny: Int = 17, points: [LabeledPoint] = []) -> DecisionBoundaryChart {
        let grid = BoundaryGrid(xRange: -1...1, yRange: -2...2, nx: nx, ny: ny, output: output)
        return DecisionBoundaryChart(title: "run", grid: grid, points: points)
    }

    @Test func zeroContourExistsOnlyWhenTheGridChangesSign() throws {
        let crossing = try parse(try chart { x, y in x * x + y * y / 4 - 0.5 }.svg())
        #expect(crossing.elements("path", class: "zero-contour").count == 1)
        let positive = try parse(try chart { x, _ in 1 + x * x }.svg())
        #expect(positive.elements("path", class: "zero-contour").isEmpty)
        let thumbnail = try parse(try chart { x, _ in x }.svg(style: .thumbnail))
        #expect(thumbnail.elements("path", class: "zero-contour").count == 1)
    }

    @Test func zeroContourIsInterpolatedBetweenNodes() throws {
        // Nodes are 0.1 apart in x, so x = 0.33 lies strictly between two of them.
        let svg = try chart { x, _ in x - 0.33 }.svg()
        let frame = PlotFrame(left: 64, top: 44, width: 380, height: 380, x: (.linear, -1, 1), y: (.linear, -2, 2), extendToTicks: false)
        let d = try #require(try parse(svg).elements("path", class: "zero-contour").first?.attribute("d"))
        let xs = d.split(whereSeparator: { $0 == "M" || $0 == "L" }).map { Double($0.split(separator: " ")[0])! }
        #expect(xs.count == 2 * 16)
        #expect(xs.allSatisfy { abs($0 - frame.x.position(0.33)!) <= 0.005 })
    }

    @Test func saddleCellsGiveTwoSegments() {
        let grid = BoundaryGrid(xRange: 0...1, yRange: 0...1, nx: 2, ny: 2, values: [1, -1, -1, 1])
        #expect(grid.zeroContour().count == 2)
    }

    @Test func pointsAreColouredByLabelAndMisclassifiedOnesRinged() throws {
        let points = Fixture.circlePoints(count: 40)
        let document = try parse(try chart(Fixture.circleOutput, points: points).svg())
        let dots = document.elements("circle", class: "point")
        #expect(dots.count == 40)
        #expect(dots.filter { $0.attribute("fill") == Palette.positivePoint }.count == points.filter { $0.label > 0 }.count)
        let misclassified = points.filter(\.misclassified).count
        #expect(misclassified > 0)
        #expect(document.elements("circle", class: "misclassified").count == misclassified)
    }

    @Test func heatMapIsAnImageWithTheTopRowFirst() throws {
        // σ(±40) is 0 or 1 to double precision: the ends of the colour scale.
        let document = try parse(try chart({ _, y in 20 * y }, nx: 5, ny: 4).svg())
        let href = try #require(document.elements("image", class: "heat-map").first?.attribute("href"))
        let png = try #require(Data(base64Encoded: String(href.dropFirst("data:image/png;base64,".count))))
        let bytes = [UInt8](png)
        #expect(bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(bytes[16..<24]) == [0, 0, 0, 5, 0, 0, 0, 4])
        // IDAT payload: 2-byte zlib header and 5-byte stored-block header, then one filter byte per row.
        let idat = try #require(bytes.indices.first { bytes[$0..<($0 + 4)].elementsEqual("IDAT".utf8) })
        let rows = Array(bytes[(idat + 4 + 7)...].prefix(4 * 6)).chunked(6).map { Array($0.dropFirst()) }
        #expect(rows.first == [254, 254, 254, 254, 254] && rows.last == [0, 0, 0, 0, 0])
    }

    @Test func colourIsTheProbabilityOfClassPlusOne() throws {
        // Ybar = 0 is σ = 0.5, the white middle of the scale (level 127 of 0...254);
        // Ybar = ±2 is σ = 0.881 or 0.119, however large other outputs are.
        for (output, level) in [(0.0, 127), (2.0, 224), (-2.0, 30)] {
            let values = [Double](repeating: output, count: 4) + [1000, -1000]
            let grid = BoundaryGrid(xRange: 0...1, yRange: 0...1, nx: 3, ny: 2, values: values)
            let href = try #require(try parse(DecisionBoundaryChart(title: "t", grid: grid, points: []).svg())
                .elements("image", class: "heat-map").first?.attribute("href"))
            let bytes = [UInt8](try #require(Data(base64Encoded: String(href.dropFirst("data:image/png;base64,".count)))))
            let idat = try #require(bytes.indices.first { bytes[$0..<($0 + 4)].elementsEqual("IDAT".utf8) })
            // The bottom row (grid row 0) is the image's last: filter byte, then three pixels.
            #expect(Array(bytes[(idat + 4 + 7 + 4)...].prefix(4)) == [0, UInt8(level), UInt8(level), UInt8(level)])
        }
    }

    @Test func equalSpansGiveBothAxesTheSameScale() {
        let points = [LabeledPoint(x: 0, y: 0, label: 1), LabeledPoint(x: 4, y: 1, label: -1)]
        let range = DecisionBoundaryChart.paddedRange(of: points, margin: 0.1, equalSpans: true)
        #expect(abs(range.x.lowerBound + 0.4) < 1e-12 && abs(range.x.upperBound - 4.4) < 1e-12)
        #expect(abs(range.y.lowerBound + 1.9) < 1e-12 && abs(range.y.upperBound - 2.9) < 1e-12)
        #expect(range.x.upperBound - range.x.lowerBound == range.y.upperBound - range.y.lowerBound)
    }

    @Test func validationPointsAreSquaresAndLongTitlesWrapInsideTheFigure() throws {
        let title = "ea32e7f1 practical-default: 9 of 300 training points misclassified, last finite weights of a diverged run"
        let grid = BoundaryGrid(xRange: -1...1, yRange: -1...1, nx: 5, ny: 5, output: Fixture.circleOutput)
        let chart = DecisionBoundaryChart(
            title: title, grid: grid, points: Fixture.circlePoints(count: 10),
            validationPoints: [LabeledPoint(x: 0, y: 0, label: 1, misclassified: true)])
        let document = try parse(try chart.svg())
        #expect(document.elements("rect", class: "validation-point").count == 1)
        #expect(document.elements("circle", class: "misclassified").count == 1 + Fixture.circlePoints(count: 10).filter(\.misclassified).count)
        let lines = document.elements("text").filter { $0.attribute("font-weight") == "bold" }
        #expect(lines.count == 2)
        #expect(lines.map(\.stringValue!).joined(separator: " ") == title)
        // Centred on the figure: 62 characters of 15 px bold text fit in its 600 px.
        #expect(lines.allSatisfy { $0.attribute("x") == "300" && $0.attribute("text-anchor") == "middle" && $0.stringValue!.count <= 62 })
    }

    @Test func paddedRangeWidensTheBoundingBox() {
        let points = [LabeledPoint(x: 0, y: 5, label: 1), LabeledPoint(x: 2, y: 5, label: -1)]
        let range = DecisionBoundaryChart.paddedRange(of: points, margin: 0.1)
        #expect(range.x == -0.2...2.2)
        #expect(range.y == 4...6)
        #expect(DecisionBoundaryChart.paddedRange(of: []).x == -1...1)
    }

    @Test func fullChartHasAxesColourBarAndLegend() throws {
        let document = try parse(try chart(Fixture.circleOutput, points: Fixture.circlePoints()).svg())
        let bar = try #require(document.elements("g", class: "color-bar").first)
        let ticks = bar.texts.dropLast().compactMap(Double.init)
        #expect(ticks.first == 0 && ticks.last == 1)
        #expect(document.rootElement()?.texts.contains("misclassified") == true)
        let xTicks = document.elements("g", class: "x-axis")[0].texts.dropLast().compactMap(Double.init)
        #expect(xTicks.first! == -1 && xTicks.last! == 1)
    }

    @Test func rejectsMalformedGrids() throws {
        let short = BoundaryGrid(xRange: 0...1, yRange: 0...1, nx: 3, ny: 2, values: [1, 2, 3, 4, 5])
        let error = #expect(throws: PlotError.self) { try DecisionBoundaryChart(title: "t", grid: short, points: []).svg() }
        #expect(error == .gridSizeMismatch(nx: 3, ny: 2, valueCount: 5))
        #expect(error?.description == "grid has 5 values but nx × ny = 3 × 2 = 6")
        let flat = BoundaryGrid(xRange: 1...1, yRange: 0...1, nx: 2, ny: 2, values: [1, 2, 3, 4])
        #expect(throws: PlotError.invalidRange(axis: "x", lower: 1, upper: 1)) { try DecisionBoundaryChart(title: "t", grid: flat, points: []).svg() }
        let line = BoundaryGrid(xRange: 0...1, yRange: 0...1, nx: 1, ny: 4, values: [1, 2, 3, 4])
        #expect(throws: PlotError.gridTooSmall(nx: 1, ny: 4)) { try DecisionBoundaryChart(title: "t", grid: line, points: []).svg() }
    }

    @Test func rendersDeterministically() throws {
        let boundary = chart(Fixture.circleOutput, points: Fixture.circlePoints())
        #expect(try boundary.svg() == boundary.svg())
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
