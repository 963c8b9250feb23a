import Foundation
import Testing

@testable import RunnerPlots

@Suite struct NumberFormatTests {
    @Test(arguments: [
        (0.5, "0.5"), (3, "3"), (-2.5, "-2.5"), (-0.001, "0"), (1234.567, "1234.57"), (0.125, "0.13"), (1e20, "1e20"),
    ])
    func coordinatesHaveAtMostTwoDecimals(value: Double, expected: String) {
        #expect(value.coord == expected)
    }

    @Test func tickLabelsAreShort() {
        #expect(NumberFormat.tick(0.30000000000000004, step: 0.1) == "0.3")
        #expect(NumberFormat.tick(100, step: 50) == "100")
        #expect(NumberFormat.tick(0.001, step: 0.001) == "0.001")
        #expect(NumberFormat.tick(2.5e-7, step: 1e-7) == "2.5e-7")
        #expect([-5, -3, 0, 2, 6].map(NumberFormat.decade) == ["1e-5", "0.001", "1", "100", "1e6"])
    }
}

@Suite struct TickAndScaleTests {
    @Test(arguments: [(0.03, 0.97), (1, 60), (-3.7, 2.2), (0.0123, 0.0456), (5, 5), (-0.2, 1e4)])
    func linearTicksAreNiceAndCoverTheData(lower: Double, upper: Double) {
        let (values, step) = Ticks.linear(lower, upper)
        #expect(values.first! <= lower && values.last! >= upper)
        #expect((3...12).contains(values.count))
        let mantissa = step / pow(10, floor(log10(step)))
        #expect([1, 2, 5].contains { abs(mantissa - $0) < 1e-9 })
    }

    @Test func decadesCoverTheDataAndThinOut() {
        #expect(Ticks.decades(0.0007, 0.3) == [-4, -3, -2, -1, 0])
        #expect(Ticks.decades(1e-12, 1e6, maxCount: 8) == stride(from: -12, through: 6, by: 3).map { $0 })
    }

    @Test func logScaleOnlyWhenPositiveValuesSpanTwoDecades() {
        #expect(Scale.preferredKind(for: [0.001, 0.1]) == .log)
        #expect(Scale.preferredKind(for: [0.01, 0.5]) == .linear)
        #expect(Scale.preferredKind(for: [0, 1, 100]) == .linear)
        #expect(Scale.preferredKind(for: [2, 4, 8, 16, 32, 64]) == .linear)
        #expect(Scale.preferredKind(for: [1, 10, 100, .nan]) == .log)
    }

    @Test func scalesMapTheirEndsToTheirPixels() {
        let log = Scale(kind: .log, dataLower: 0.002, dataUpper: 0.5, start: 0, end: 300)
        #expect(log.tickLabels == ["0.001", "0.01", "0.1", "1"])
        #expect(log.position(0.01)! == 100)
        #expect(log.position(-1) == nil)
        let exact = Scale(kind: .linear, dataLower: -1.3, dataUpper: 1.3, start: 200, end: 0, extendToTicks: false)
        #expect(exact.ticks == [-1, -0.5, 0, 0.5, 1])
        #expect(exact.position(-1.3) == 200 && exact.position(1.3) == 0)
    }
}
