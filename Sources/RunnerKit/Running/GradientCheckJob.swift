import RunnerCore

/// The finite-difference gradient check of `runner gradcheck`: at the start
/// weights of a spec and again after training it.
public struct GradientCheckJob {
    /// The most training points the check uses; each costs two forward passes per parameter.
    public static let pointLimit = 200

    public let job: TrainingJob

    public init(job: TrainingJob) {
        self.job = job
    }

    /// The checks at the start weights and after training, and whether both passed.
    public func run(step: Double = Parameters.gradientCheckStep) -> (table: Table, passed: Bool) {
        let sample = job.training.subset(0..<min(job.training.count, Self.pointLimit))
        let trained = job.train { _ in .proceed }
        let stages = [("start", job.startParameters), ("trained (\(trained.epochCount) epochs)", trained.parameters)]
        let reports = stages.map { ($0.0, $0.1.gradientCheck(on: sample, step: step)) }
        let tensors = reports[0].1.largestRelativeError.map(\.tensor)
        let table = Table(
            headers: ["weights"] + tensors + ["points", "near_kinks", "verdict"],
            rows: reports.map { stage, report in
                [Cell(stage)]
                    + report.largestRelativeError.map { .number($0.error) { Format.printf("%.2e", $0) } }
                    + [Cell(String(report.pointsUsed), isNumber: true), Cell(String(report.pointsNearKinks), isNumber: true),
                       Cell(report.pointsUsed == 0 ? "no points" : report.passed() ? "ok" : "CHECK")]
            })
        return (table, reports.allSatisfy { $0.1.passed() })
    }

    /// The practical's QB2: the gradient of the loss on training example `index` at the
    /// start weights, analytic next to central differences, component by component, and
    /// whether every tensor agrees to 1e-6 (relative, max norm; false on a ReLU kink).
    public func exampleComparison(index: Int, step: Double = Parameters.gradientCheckStep) -> (table: Table, passed: Bool) {
        precondition((0..<job.training.count).contains(index), "an index of the training points")
        let parameters = job.startParameters
        let example = job.training.subset([index])
        let (analytic, numeric) = parameters.gradients(on: example, step: step)
        let h = parameters.hiddenUnits
        let rows = parameters.tensorRanges.flatMap { name, range in
            range.map { p -> [Cell] in
                let offset = p - range.lowerBound
                let position = switch name {
                case "Wi": "[\(offset / h),\(offset % h)]"
                case "bo": ""
                default: "[\(offset)]"
                }
                return [
                    Cell(name), Cell(position), .number(analytic[p]) { Format.printf("% .10f", $0) },
                    .number(numeric[p]) { Format.printf("% .10f", $0) },
                    .number(abs(analytic[p] - numeric[p])) { Format.printf("%.1e", $0) },
                ]
            }
        }
        let table = Table(headers: ["tensor", "index", "analytic", "finite_difference", "difference"], rows: rows)
        return (table, parameters.gradientCheck(on: example, step: step).passed())
    }
}
