import Foundation
import RunnerCore
import Testing

@Suite("The practical's double moon")
struct PracticalMoonTests {
    /// 1,000 points of the practical's moons on data seed 0, as the practical's specs draw them.
    private let data: Dataset = {
        var random = RandomSource(seed: 0)
        return DataGenerator.practicalMoon.generate(points: 1000, noise: 0, random: &random)
    }()

    private func points(label: Double) -> [(x: Double, y: Double)] {
        (0..<data.count).filter { data.labels[$0] == label }.map { (data.features[2 * $0], data.features[2 * $0 + 1]) }
    }

    @Test("500 points per moon, labelled −1 and +1")
    func counts() {
        #expect(data.count == 1000)
        #expect(points(label: -1).count == 500)
        #expect(points(label: 1).count == 500)
    }

    @Test("each moon lies in its half ring of radius 2 moved by a jitter in [0, 0.6) per coordinate")
    func ranges() {
        // Moon 1: θ in [−π/2, π/2) around (0, 0): x = 2cos θ + u in [0, 2.6), y = 2sin θ + u in [−2, 2.6).
        // Moon 2: θ in [π/2, 3π/2) around (0.8, −1.8): x in [−1.2, 1.4), y in [−3.8, 0.8).
        let boxes: [(label: Double, x: Range<Double>, y: Range<Double>)] = [(-1, 0..<2.6, -2..<2.6), (1, -1.2..<1.4, -3.8..<0.8)]
        for box in boxes {
            let moon = points(label: box.label)
            #expect(moon.allSatisfy { box.x.contains($0.x) && box.y.contains($0.y) })
            // and they fill it: 500 points come within 0.25 of each side.
            #expect(abs(moon.map(\.x).min()! - box.x.lowerBound) < 0.25 && abs(moon.map(\.x).max()! - box.x.upperBound) < 0.25)
            #expect(abs(moon.map(\.y).min()! - box.y.lowerBound) < 0.25 && abs(moon.map(\.y).max()! - box.y.upperBound) < 0.25)
        }
    }

    @Test("every point is on its ring once a jitter in [0, 0.6)² is taken off, never closer to the centre than 2 − 0.6√2")
    func ringsAndJitter() {
        let centres: [Double: (x: Double, y: Double)] = [-1: (0, 0), 1: (0.8, -1.8)]
        for label in [-1.0, 1.0] {
            let centre = centres[label]!
            for p in points(label: label) {
                // The jitter u = p − centre − 2(cos θ, sin θ) must lie in [0, 0.6)² for some θ of the moon's half:
                // search θ finely and keep the best fit.
                let start = label < 0 ? -Double.pi / 2 : Double.pi / 2
                let fits = (0...2000).contains { step in
                    let theta = start + .pi * Double(step) / 2000
                    let u = (p.x - centre.x - 2 * cos(theta), p.y - centre.y - 2 * sin(theta))
                    return (-0.002..<0.602).contains(u.0) && (-0.002..<0.602).contains(u.1)
                }
                #expect(fits, "point \(p) of moon \(label)")
            }
        }
    }

    @Test("the jitter is uniform on [0, 0.6), not centred noise: the moons' means are shifted by 0.3")
    func jitterMean() {
        var random = RandomSource(seed: 1)
        let many = DataGenerator.practicalMoon.generate(points: 100_000, noise: 0, random: &random)
        // E[2cos θ] is 4/π on moon 1 and −4/π on moon 2, E[2sin θ] is 0 on both; the standard
        // error of a mean of 50,000 is below 0.007, so 0.03 is more than 4 of them.
        let expected: [(label: Double, x: Double, y: Double)] = [(-1, 4 / .pi + 0.3, 0.3), (1, 0.8 - 4 / .pi + 0.3, -1.8 + 0.3)]
        for moon in expected {
            let indices = (0..<many.count).filter { many.labels[$0] == moon.label }
            let mean = (x: indices.map { many.features[2 * $0] }.reduce(0, +) / Double(indices.count),
                        y: indices.map { many.features[2 * $0 + 1] }.reduce(0, +) / Double(indices.count))
            #expect(abs(mean.x - moon.x) < 0.03 && abs(mean.y - moon.y) < 0.03, "moon \(moon.label): mean \(mean)")
        }
    }
}
