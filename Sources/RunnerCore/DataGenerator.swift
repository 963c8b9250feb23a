/// Seeded generators for the classic 2-D classification sets.
///
/// Each draws `points` points, half per class (the odd one goes to +1), adds
/// Gaussian noise with standard deviation `noise` to both coordinates, and
/// returns them in a random order so that file-order training does not see
/// one class after the other. All randomness comes from the given
/// `RandomSource`, and angles go through `PortableMath`, so a seed fixes the
/// data to the bit on every machine.
public enum DataGenerator: String, CaseIterable, Sendable {
    /// Haykin's double moon, scaled to radius 1: two half rings of width 0.6,
    /// the lower one shifted right by 1 and up by 0.5 (Haykin's d = −5 at his
    /// scale), so that the moons interlock and no straight line separates them.
    /// Not the practical's moons: those are `practicalMoon`.
    case doubleMoon = "double_moon"
    /// scikit-learn's `make_moons`: unit half circles, the lower one at (1, 0.5).
    case moons
    /// scikit-learn's `make_circles(factor: 0.5)`: the +1 class inside.
    case circles
    /// Points uniform in [−1, 1]², labelled by the sign of x·y.
    case xor
    /// Two round Gaussian blobs at (−1, −1) and (1, 1); `noise` is their spread.
    case gaussians
    /// TensorFlow Playground's two interleaved spirals, scaled to radius 1.
    case spiral
    /// The practical's double moon (its `generate_double_moon.m`): half rings
    /// of radius 2, the −1 class at angles U[−π/2, π/2) around (0, 0), the +1
    /// class at U[π/2, 3π/2) around (0.8, −1.8), each coordinate moved by a
    /// uniform jitter 0.6·U[0, 1) (any `noise` is added on top).
    case practicalMoon = "practical_moon"

    /// The noise a generator uses when none is given.
    public var defaultNoise: Double {
        switch self {
        case .doubleMoon: 0
        case .moons: 0.1
        case .circles: 0.05
        case .xor: 0.05
        case .gaussians: 0.5
        case .spiral: 0.05
        case .practicalMoon: 0
        }
    }

    /// Draws `points` labelled points.
    public func generate(points: Int, noise: Double, random: inout RandomSource) -> Dataset {
        precondition(points >= 2 && noise >= 0, "at least two points and a non-negative noise")
        let negatives = points / 2
        var data = Dataset(dimension: 2)
        for i in 0..<points {
            let label: Double = i < negatives ? -1 : 1
            let classIndex = i < negatives ? i : i - negatives
            let classSize = i < negatives ? negatives : points - negatives
            let (x, y) = position(label: label, index: classIndex, of: classSize, random: &random)
            let noisyX = x + noise * random.normal()
            let noisyY = y + noise * random.normal()
            data.append([noisyX, noisyY], label: label)
        }
        var order = Array(0..<points)
        random.shuffle(&order)
        return data.subset(order)
    }

    /// The position of point `index` of the `count` points of class `label`, before the Gaussian noise.
    private func position(label: Double, index: Int, of count: Int, random: inout RandomSource) -> (Double, Double) {
        let fraction = count > 1 ? Double(index) / Double(count - 1) : 0
        switch self {
        case .doubleMoon:
            let angle = random.uniform(0, .pi)
            let radius = random.uniform(0.7, 1.3)
            let (x, y) = (radius * PortableMath.cos(angle), radius * PortableMath.sin(angle))
            return label > 0 ? (x, y) : (1 + x, 0.5 - y)
        case .moons:
            let angle = .pi * fraction
            let (x, y) = (PortableMath.cos(angle), PortableMath.sin(angle))
            return label < 0 ? (x, y) : (1 - x, 0.5 - y)
        case .circles:
            let angle = 2 * .pi * Double(index) / Double(count)
            let radius = label < 0 ? 1 : 0.5
            return (radius * PortableMath.cos(angle), radius * PortableMath.sin(angle))
        case .xor:
            while true {
                let (x, y) = (random.uniform(-1, 1), random.uniform(-1, 1))
                if (x * y > 0) == (label > 0) && x * y != 0 { return (x, y) }
            }
        case .gaussians:
            return label > 0 ? (1, 1) : (-1, -1)
        case .spiral:
            let radius = Double(index) / Double(count)
            let angle = 1.75 * 2 * .pi * radius + (label > 0 ? 0 : .pi)
            return (radius * PortableMath.sin(angle), radius * PortableMath.cos(angle))
        case .practicalMoon:
            let (start, centreX, centreY) = label < 0 ? (-Double.pi / 2, 0.0, 0.0) : (Double.pi / 2, 0.8, -1.8)
            let angle = random.uniform(start, start + .pi)
            let x = 2 * PortableMath.cos(angle) + centreX + 0.6 * random.nextUnit()
            let y = 2 * PortableMath.sin(angle) + centreY + 0.6 * random.nextUnit()
            return (x, y)
        }
    }
}
