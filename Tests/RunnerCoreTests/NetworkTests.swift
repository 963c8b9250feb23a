import Foundation
import RunnerCore
import Testing

@Suite("Network: weights, initialisation and the gradient check")
struct NetworkTests {
    @Test("weights read and write the seed's JSON layout")
    func seedLayout() throws {
        let json = #"{"Wi": [[1, 2, 3], [4, 5, 6]], "bi": [0.5, -0.5, 0], "Wo": [1, -1, 2], "bo": 0.25}"#
        let parameters = try JSONDecoder().decode(Parameters.self, from: Data(json.utf8))
        #expect(parameters.inputDimension == 2)
        #expect(parameters.hiddenUnits == 3)
        #expect(parameters.wi == [[1, 2, 3], [4, 5, 6]])
        // H = ReLU((5, 7, 9) + (0.5, −0.5, 0)) = (5.5, 6.5, 9); Ybar = 5.5 − 6.5 + 18 + 0.25
        #expect(parameters.output(for: [1, 1]) == 17.25)
        #expect(parameters.outputs(forFlatInputs: [1, 1, 0, 0, -1, 2]) == [[1, 1], [0, 0], [-1, 2]].map(parameters.output(for:)))
        let again = try JSONDecoder().decode(Parameters.self, from: JSONEncoder().encode(parameters))
        #expect(again == parameters)
    }

    @Test("inconsistent shapes are rejected with the reason")
    func badShapes() {
        #expect(throws: ParametersError.shape("Wo has 2 values but bi has 3: both must have h values")) {
            try Parameters(wi: [[1, 2, 3]], bi: [0, 0, 0], wo: [1, 2], bo: 0)
        }
        #expect(throws: ParametersError.self) {
            try Parameters(wi: [[1, 2], [3]], bi: [0, 0], wo: [1, 2], bo: 0)
        }
    }

    @Test("initialisations have their documented distributions", arguments: Initialization.allCases)
    func initialisation(scheme: Initialization) {
        var random = RandomSource(seed: 8)
        let parameters = Parameters(inputDimension: 2, hiddenUnits: 4000, initialization: scheme, random: &random)
        let wi = parameters.wi.flatMap { $0 }
        let spread = (wi.map { $0 * $0 }.reduce(0, +) / Double(wi.count)).squareRoot()
        switch scheme {
        case .he:
            #expect(abs(spread - 1) < 0.02, "He: std √(2/d) = 1, got \(spread)")
            #expect(parameters.bi.allSatisfy { $0 == 0 } && parameters.bo == 0)
        case .xavier:
            let limit = (6.0 / 4002).squareRoot()
            #expect(wi.allSatisfy { abs($0) <= limit })
            #expect(abs(spread - limit / 3.0.squareRoot()) < 0.002)
        case .uniform:
            #expect(parameters.values.allSatisfy { (0..<1).contains($0) })
            #expect(parameters.bi.contains { $0 != 0 })
        }
    }

    @Test("the analytic gradient agrees with central differences to 1e-6", arguments: [1, 3, 7, 16])
    func gradientCheck(hidden: Int) {
        var random = RandomSource(seed: UInt64(hidden))
        let parameters = Parameters(inputDimension: 3, hiddenUnits: hidden, initialization: .he, random: &random)
        var points = Dataset(dimension: 3)
        for _ in 0..<20 {
            points.append([random.normal(), random.normal(), random.normal()], label: random.nextUnit() < 0.5 ? -1 : 1)
        }

        let report = parameters.gradientCheck(on: points)

        #expect(report.largestRelativeError.map(\.tensor) == ["Wi", "bi", "Wo", "bo"])
        #expect(report.pointsUsed > 10)
        #expect(report.worstError <= 1e-6, "\(report.largestRelativeError)")
    }

    @Test("the gradient check skips points on a ReLU kink")
    func gradientCheckSkipsKinks() throws {
        // Unit 0 has pre-activation exactly 0 at (1, 1): the loss has no derivative there.
        let parameters = try Parameters(wi: [[1, 0.5], [-1, 0.25]], bi: [0, 0.1], wo: [1, -2], bo: 0.3)
        let points = Dataset(points: [[1, 1], [0.4, -0.9], [2, 0.5]], labels: [1, -1, 1])

        let report = parameters.gradientCheck(on: points)

        #expect(report.pointsNearKinks == 1)
        #expect(report.pointsUsed == 2)
        #expect(report.worstError <= 1e-6)
    }
}
