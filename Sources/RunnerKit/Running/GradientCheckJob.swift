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
        let stages = [("start", job.startParameters), ("trained (\(trained.epochs.count) epochs)", trained.parameters)]
        let reports = stages.map { ($0.0, $0.1.gradientCheck(on: sample, step: step)) }
        let tensors = reports[0].1.largestRelativeError.map(\.tensor)
        let table = Table(
            headers: ["weights"] + tensors + ["points", "near_kinks", "verdict"],
            rows: reports.map { stage, report in
                [Cell(stage)]
                    + report.largestRelativeError.map { .number($0.error) { String(format: "%.2e", $0) } }
                    + [Cell(String(report.pointsUsed), isNumber: true), Cell(String(report.pointsNearKinks), isNumber: true),
                       Cell(report.pointsUsed == 0 ? "no points" : report.passed() ? "ok" : "CHECK")]
            })
        return (table, reports.allSatisfy { $0.1.passed() })
    }
}
