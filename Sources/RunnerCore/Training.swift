import CRunnerKernel

/// The order in which an epoch visits the training examples.
public enum VisitOrder: String, CaseIterable, Sendable {
    /// A fresh random permutation every epoch.
    case shuffle
    /// The data set's own order, every epoch.
    case file
    /// n draws with replacement per epoch, as the practical's `train_loop` does.
    case replacement
}

/// How stochastic gradient descent runs.
public struct TrainingOptions: Equatable, Sendable {
    /// The step size: W ← W − learningRate·gradient.
    public var learningRate: Double
    /// The number of passes over the training set.
    public var epochs: Int
    /// The order of the examples within an epoch.
    public var order: VisitOrder
    /// Examples per update; the gradient is averaged over the batch.
    public var batchSize: Int
    /// L2 weight decay λ on `Wi` and `Wo` (not the biases): adds λ·W to their gradient.
    public var weightDecay: Double

    public init(learningRate: Double, epochs: Int, order: VisitOrder = .shuffle, batchSize: Int = 1, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.epochs = epochs
        self.order = order
        self.batchSize = batchSize
        self.weightDecay = weightDecay
    }
}

/// The metrics at the end of one epoch, with the weights as they are then.
public struct EpochReport: Equatable, Sendable {
    /// The epoch, counted from 1.
    public var epoch: Int
    /// Mean loss and accuracy on the training set.
    public var training: Evaluation
    /// Mean loss and accuracy on the validation set, when there is one.
    public var validation: Evaluation?

    public init(epoch: Int, training: Evaluation, validation: Evaluation?) {
        self.epoch = epoch
        self.training = training
        self.validation = validation
    }
}

/// What the per-epoch callback wants next.
public enum EpochDecision: Sendable {
    case proceed
    case stop
}

/// How a training run ended.
public enum TrainingOutcome: Equatable, Sendable {
    /// Every epoch ran.
    case completed
    /// The callback asked to stop after this epoch.
    case stopped(afterEpoch: Int)
    /// A loss or weight became NaN or infinite during this epoch; the weights
    /// are those at the end of the epoch before.
    case diverged(atEpoch: Int)
}

/// How a watched training ended: the weights, the last epoch's metrics and how. The
/// metrics of every epoch went to the callback as they came and are not kept, so a run of
/// a million epochs holds one.
public struct TrainingEnd: Equatable, Sendable {
    /// The weights after the last finite epoch (the start weights if there was none).
    public var parameters: Parameters
    /// The metrics of the last finite epoch, if there was one.
    public var lastEpoch: EpochReport?
    /// Completed, stopped by the callback, or diverged.
    public var outcome: TrainingOutcome

    /// The finite epochs trained, each handed to the callback.
    public var epochCount: Int { lastEpoch?.epoch ?? 0 }
}

/// The trained weights, every epoch's metrics and how training ended.
public struct TrainingResult: Equatable, Sendable {
    /// The weights after the last finite epoch (the start weights if there was none).
    public var parameters: Parameters
    /// The metrics of every finite epoch, in order.
    public var epochs: [EpochReport]
    /// Completed, stopped by the callback, or diverged.
    public var outcome: TrainingOutcome
}

/// The instructions per-example SGD runs with.
///
/// Both give the same bits for every weight and metric that is a number; only
/// the sign and payload of a NaN in a diverged epoch may differ, and
/// `Parameters.trained` never returns those.
public enum KernelInstructions: CaseIterable, Sendable, CustomStringConvertible {
    /// The Swift kernel: baseline instructions of any processor (SSE2 on x86-64, NEON on ARM).
    case portable
    /// The C kernel compiled for AVX2, on x86-64 processors that have it.
    case avx2

    /// The fastest choice this processor runs.
    public static var best: KernelInstructions {
        runner_has_avx2() ? .avx2 : .portable
    }

    /// Every choice this processor runs.
    public static var available: [KernelInstructions] {
        runner_has_avx2() ? [.portable, .avx2] : [.portable]
    }

    public var description: String {
        switch self {
        case .portable: "portable"
        case .avx2: "AVX2"
        }
    }
}

/// Stochastic gradient descent on one network, one epoch at a time.
///
/// Holds the weights, the training set and every buffer an epoch needs, so
/// `runEpoch` allocates nothing. `Parameters.trained(on:…)` drives it with
/// evaluation and divergence checks; use it directly to step epochs yourself.
public struct Trainer: Sendable {
    /// The weights as they are now.
    public private(set) var parameters: Parameters
    /// The examples every epoch visits.
    public let data: Dataset
    /// Learning rate, order, batch size and weight decay (`epochs` is not used here).
    public let options: TrainingOptions
    /// The instructions per-example epochs run with: the fastest available
    /// unless set to another of `KernelInstructions.available` (mini-batches
    /// always use the Swift kernel).
    public var instructions = KernelInstructions.best
    private var visits: [Int]
    private var hidden: [Double]
    private var gradientSum: [Double]

    public init(parameters: Parameters, data: Dataset, options: TrainingOptions) {
        precondition(data.count > 0 && data.dimension == parameters.inputDimension, "training data must match the network")
        precondition(options.batchSize >= 1, "at least one example per batch")
        self.parameters = parameters
        self.data = data
        self.options = options
        visits = Array(0..<data.count)
        hidden = Array(repeating: 0, count: parameters.hiddenUnits)
        gradientSum = Array(repeating: 0, count: options.batchSize > 1 ? parameters.values.count : 0)
    }

    /// Visits the training set once in `options.order`, updating the weights
    /// after every `batchSize` examples with their mean gradient.
    ///
    /// - Parameter random: Draws the visiting order; untouched for `.file` order.
    public mutating func runEpoch(random: inout RandomSource) {
        switch options.order {
        case .shuffle: random.shuffle(&visits)
        case .file: break
        case .replacement:
            for i in visits.indices { visits[i] = random.nextInt(below: data.count) }
        }
        let (d, h) = (parameters.inputDimension, parameters.hiddenUnits)
        let options = options
        parameters.values.withUnsafeMutableBufferPointer { weights in
            hidden.withUnsafeMutableBufferPointer { hidden in
                let kernel = Kernel(d: d, h: h, weights: WeightPointers(weights.baseAddress!, d: d, h: h), hidden: hidden.baseAddress!)
                if options.batchSize > 1 {
                    gradientSum.withUnsafeMutableBufferPointer { sum in
                        kernel.runMiniBatchEpoch(data, visits: visits, options: options, gradientSum: sum)
                    }
                } else if instructions == .portable {
                    kernel.runSGDEpoch(data, visits: visits, options: options)
                } else {
                    kernel.runSGDEpochWithAVX2(data, visits: visits, options: options)
                }
            }
        }
    }
}

extension Parameters {
    /// Trains these weights by stochastic gradient descent.
    ///
    /// Runs `options.epochs` epochs of `Trainer.runEpoch`. After each one it
    /// evaluates the weights on both sets and hands the metrics to `onEpoch`,
    /// which may stop the run. A non-finite weight or loss ends training as
    /// diverged, keeping the weights of the epoch before.
    ///
    /// - Parameters:
    ///   - training: The examples to learn from (same dimension as the network).
    ///   - validation: Examples only evaluated, if any.
    ///   - options: Learning rate, epochs, order, batch size and weight decay.
    ///   - random: Draws the visiting order; untouched for `.file` order.
    ///   - onEpoch: Called after every finite epoch, in order; what it is given is not kept.
    public func trained(
        on training: Dataset,
        validation: Dataset? = nil,
        options: TrainingOptions,
        random: inout RandomSource,
        onEpoch: (EpochReport) throws -> EpochDecision
    ) rethrows -> TrainingEnd {
        precondition(options.epochs >= 1, "at least one epoch")
        var trainer = Trainer(parameters: self, data: training, options: options)
        var lastFinite = self
        var lastReport: EpochReport?
        for epoch in 1...options.epochs {
            trainer.runEpoch(random: &random)
            let report = EpochReport(
                epoch: epoch,
                training: trainer.parameters.evaluate(on: training),
                validation: validation.map(trainer.parameters.evaluate))
            guard trainer.parameters.isFinite && report.training.loss.isFinite && report.validation?.loss.isFinite != false else {
                return TrainingEnd(parameters: lastFinite, lastEpoch: lastReport, outcome: .diverged(atEpoch: epoch))
            }
            lastFinite = trainer.parameters
            lastReport = report
            if try onEpoch(report) == .stop && epoch < options.epochs {
                return TrainingEnd(parameters: lastFinite, lastEpoch: lastReport, outcome: .stopped(afterEpoch: epoch))
            }
        }
        return TrainingEnd(parameters: lastFinite, lastEpoch: lastReport, outcome: .completed)
    }

    /// Trains these weights by stochastic gradient descent for every epoch, keeping every
    /// epoch's metrics; see `trained(on:validation:options:random:onEpoch:)`.
    public func trained(on training: Dataset, validation: Dataset? = nil, options: TrainingOptions, random: inout RandomSource) -> TrainingResult {
        var history: [EpochReport] = []
        let end = trained(on: training, validation: validation, options: options, random: &random) { report in
            history.append(report)
            return .proceed
        }
        return TrainingResult(parameters: end.parameters, epochs: history, outcome: end.outcome)
    }
}

extension Kernel {
    /// One epoch of per-example SGD, updating the weights in place.
    func runSGDEpoch(_ data: Dataset, visits: [Int], options: TrainingOptions) {
        let step = -options.learningRate
        let decay = options.weightDecay
        data.features.withUnsafeBufferPointer { features in
            data.labels.withUnsafeBufferPointer { labels in
                visits.withUnsafeBufferPointer { visits in
                    for index in visits {
                        let x = features.baseAddress! + index &* d
                        let output = forward(x)
                        let g = logisticLossDerivative(label: labels[index], output: output)
                        addGradient(input: x, outputGradient: g, scale: step, decay: decay, into: weights)
                    }
                }
            }
        }
    }

    /// `runSGDEpoch` in the C kernel for AVX2 (which this processor must have).
    func runSGDEpochWithAVX2(_ data: Dataset, visits: [Int], options: TrainingOptions) {
        data.features.withUnsafeBufferPointer { features in
            data.labels.withUnsafeBufferPointer { labels in
                visits.withUnsafeBufferPointer { visits in
                    var epoch = runner_sgd_epoch(
                        network: network,
                        features: features.baseAddress!, labels: labels.baseAddress!,
                        visits: visits.baseAddress!, visit_count: visits.count,
                        step: -options.learningRate, decay: options.weightDecay)
                    requireAVX2(runner_run_sgd_epoch_avx2(&epoch))
                }
            }
        }
    }

    /// One epoch of mini-batch SGD: each update uses the mean gradient of up
    /// to `batchSize` consecutive visits (the last batch may be smaller).
    func runMiniBatchEpoch(_ data: Dataset, visits: [Int], options: TrainingOptions, gradientSum sum: UnsafeMutableBufferPointer<Double>) {
        let target = WeightPointers(sum.baseAddress!, d: d, h: h)
        let weightCount = d * h
        data.features.withUnsafeBufferPointer { features in
            data.labels.withUnsafeBufferPointer { labels in
                var start = 0
                while start < visits.count {
                    let end = min(start + options.batchSize, visits.count)
                    sum.update(repeating: 0)
                    for index in visits[start..<end] {
                        let x = features.baseAddress! + index * d
                        let output = forward(x)
                        let g = logisticLossDerivative(label: labels[index], output: output)
                        addGradient(input: x, outputGradient: g, scale: 1, decay: 0, into: target)
                    }
                    let batchSize = Double(end - start)
                    // W ← W − lr·(mean gradient + λ·W) for Wi and Wo; the biases bi and bo get no decay.
                    func step(_ range: Range<Int>, decay: Double) {
                        for i in range {
                            weights.wi[i] -= options.learningRate * (sum[i] / batchSize + decay * weights.wi[i])
                        }
                    }
                    step(0..<weightCount, decay: options.weightDecay)
                    step(weightCount..<(weightCount + h), decay: 0)
                    step((weightCount + h)..<(weightCount + 2 * h), decay: options.weightDecay)
                    step((weightCount + 2 * h)..<sum.count, decay: 0)
                    start = end
                }
            }
        }
    }
}
