/// The outcome of comparing the analytic gradient with finite differences.
public struct GradientCheckReport: Equatable, Sendable {
    /// The relative error of each tensor (max norm), in the order `Wi`, `bi`, `Wo`, `bo`.
    public var largestRelativeError: [(tensor: String, error: Double)]
    /// The points the check used.
    public var pointsUsed: Int
    /// Points left out because a hidden unit sat within one step of its ReLU kink,
    /// where the loss is not differentiable and differences disagree by design.
    public var pointsNearKinks: Int

    /// The largest error over all tensors.
    public var worstError: Double { largestRelativeError.map(\.error).max() ?? 0 }

    /// True when the check used at least one point and every tensor's error is at most `tolerance`.
    public func passed(tolerance: Double = 1e-6) -> Bool {
        pointsUsed > 0 && worstError <= tolerance
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.largestRelativeError.elementsEqual(rhs.largestRelativeError) { $0 == $1 }
            && lhs.pointsUsed == rhs.pointsUsed && lhs.pointsNearKinks == rhs.pointsNearKinks
    }
}

extension Parameters {
    /// The default finite-difference step, 1e-5: near the best step for
    /// central differences in double precision (about ε_machine^⅓), where the
    /// truncation error (~step²) and the rounding error (~1e-16/step) meet.
    public static let gradientCheckStep = 1e-5

    /// Checks the analytic gradient of the mean loss on `data` against central
    /// differences (L(θ + ε) − L(θ − ε)) / 2ε, one parameter at a time.
    ///
    /// The error of a tensor is relative in the max norm: the largest
    /// |analytic − numeric| over its components, divided by its largest
    /// component (of either gradient). Dividing each component by its own size
    /// instead would report rounding noise as error wherever a component is
    /// nearly zero, as many are at trained weights. A tensor whose gradient is
    /// zero both ways has error 0.
    ///
    /// - Parameters:
    ///   - data: The points; those within one step of a ReLU kink are skipped.
    ///   - step: ε, the perturbation of each parameter.
    public func gradientCheck(on data: Dataset, step: Double = Parameters.gradientCheckStep) -> GradientCheckReport {
        precondition(data.dimension == inputDimension, "data must match the network")
        let layout = Layout(self)
        let smoothPoints = (0..<data.count).filter { i in
            let x = Array(data.point(i))
            let reach = step * max(1, x.map(abs).max() ?? 0) * 4
            return (0..<hiddenUnits).allSatisfy { k in
                var z = values[layout.bi + k]
                for j in 0..<inputDimension { z += x[j] * values[j * hiddenUnits + k] }
                return abs(z) > reach
            }
        }
        let sample = data.subset(smoothPoints)
        let zeros = Array(repeating: 0.0, count: values.count)
        let (analytic, numeric) = sample.count > 0 ? gradients(on: sample, step: step) : (analytic: zeros, numeric: zeros)
        return GradientCheckReport(
            largestRelativeError: tensorRanges.map { name, range in
                let scale = range.map { max(abs(analytic[$0]), abs(numeric[$0])) }.max() ?? 0
                let difference = range.map { abs(analytic[$0] - numeric[$0]) }.max() ?? 0
                return (name, scale > 0 ? difference / scale : 0)
            },
            pointsUsed: sample.count,
            pointsNearKinks: data.count - sample.count)
    }

    /// The gradient of the mean loss on `data` (at least one point), analytic and by
    /// central differences with step `step`, in the parameters' layout.
    ///
    /// On one example this is the practical's QB2: `gradient_nn` next to `gradient_nn_approx`.
    public func gradients(on data: Dataset, step: Double = Parameters.gradientCheckStep) -> (analytic: [Double], numeric: [Double]) {
        precondition(data.dimension == inputDimension && data.count > 0, "at least one point that matches the network")
        var analytic = Array(repeating: 0.0, count: values.count)
        for i in 0..<data.count {
            let (_, gradient) = self.gradient(at: Array(data.point(i)), label: data.labels[i])
            for p in analytic.indices { analytic[p] += gradient.values[p] / Double(data.count) }
        }
        var perturbed = self
        var numeric = Array(repeating: 0.0, count: values.count)
        for p in values.indices {
            perturbed.values[p] = values[p] + step
            let above = perturbed.evaluate(on: data).loss
            perturbed.values[p] = values[p] - step
            let below = perturbed.evaluate(on: data).loss
            perturbed.values[p] = values[p]
            numeric[p] = (above - below) / (2 * step)
        }
        return (analytic, numeric)
    }

    /// The tensors' names and their ranges in `values`: `Wi`, `bi`, `Wo`, `bo`.
    public var tensorRanges: [(name: String, range: Range<Int>)] {
        let layout = Layout(self)
        return [("Wi", 0..<layout.bi), ("bi", layout.bi..<layout.wo), ("Wo", layout.wo..<layout.bo), ("bo", layout.bo..<values.count)]
    }
}
