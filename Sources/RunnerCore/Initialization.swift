/// How a network's starting weights are drawn.
public enum Initialization: String, CaseIterable, Sendable {
    /// He et al. (2015), for ReLU: weights ~ N(0, 2/fan-in), biases 0.
    case he
    /// Glorot and Bengio (2010): weights ~ U(−a, a), a = √(6/(fan-in + fan-out)), biases 0.
    case xavier
    /// The practical's `rand` (MATLAB; `np.random.rand` in numpy): every weight and bias ~ U[0, 1).
    case uniform
}

extension Parameters {
    /// Random starting weights for `inputDimension` inputs and `hiddenUnits` hidden units.
    ///
    /// Values are drawn in storage order: `Wi` row by row, then `bi`, `Wo`, `bo`.
    public init(inputDimension d: Int, hiddenUnits h: Int, initialization: Initialization, random: inout RandomSource) {
        self.init(inputDimension: d, hiddenUnits: h)
        let layout = Layout(self)
        for i in values.indices {
            let isBias = (layout.bi..<layout.wo).contains(i) || i == layout.bo
            let (fanIn, fanOut) = i < layout.bi ? (d, h) : (h, 1)
            switch initialization {
            case .he:
                values[i] = isBias ? 0 : random.normal(mean: 0, standardDeviation: (2 / Double(fanIn)).squareRoot())
            case .xavier:
                let limit = (6 / Double(fanIn + fanOut)).squareRoot()
                values[i] = isBias ? 0 : random.uniform(-limit, limit)
            case .uniform:
                values[i] = random.nextUnit()
            }
        }
    }
}
