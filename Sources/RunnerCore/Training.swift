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

/// The trained weights, every epoch's metrics and how training ended.
public struct TrainingResult: Equatable, Sendable {
    public var parameters: Parameters
    public var epochs: [EpochReport]
    public var outcome: TrainingOutcome
}

extension Parameters {
    /// Trains these weights by stochastic gradient descent.
    ///
    /// Each epoch visits the training examples in `options.order` and updates
    /// the weights after every `batchSize` examples with their mean gradient.
    /// After each epoch it evaluates the weights on both sets and hands the
    /// metrics to `onEpoch`, which may stop the run. A non-finite weight or
    /// loss ends training as diverged. The inner loop allocates nothing.
    ///
    /// - Parameters:
    ///   - training: The examples to learn from (same dimension as the network).
    ///   - validation: Examples only evaluated, if any.
    ///   - options: Learning rate, epochs, order, batch size and weight decay.
    ///   - random: Draws the visiting order; untouched for `.file` order.
    ///   - onEpoch: Called after every finite epoch, in order.
    public func trained(
        on training: Dataset,
        validation: Dataset? = nil,
        options: TrainingOptions,
        random: inout RandomSource,
        onEpoch: (EpochReport) throws -> EpochDecision
    ) rethrows -> TrainingResult {
        precondition(training.count > 0 && training.dimension == inputDimension, "training data must match the network")
        precondition(options.epochs >= 1 && options.batchSize >= 1, "at least one epoch and one example per batch")
        var weights = values
        var lastFinite = self
        var history: [EpochReport] = []
        var outcome = TrainingOutcome.completed
        var visits = Array(0..<training.count)
        var gradientSum = Array(repeating: 0.0, count: values.count)

        try withKernel(&weights) { kernel in
            for epoch in 1...options.epochs {
                switch options.order {
                case .shuffle: random.shuffle(&visits)
                case .file: break
                case .replacement:
                    for i in visits.indices { visits[i] = random.nextInt(below: training.count) }
                }
                if options.batchSize == 1 {
                    kernel.runSGDEpoch(training, visits: visits, options: options)
                } else {
                    kernel.runMiniBatchEpoch(training, visits: visits, options: options, gradientSum: &gradientSum)
                }
                let report = EpochReport(
                    epoch: epoch,
                    training: kernel.evaluate(training),
                    validation: validation.map(kernel.evaluate))
                let weightsAreFinite = UnsafeBufferPointer(start: kernel.weights, count: values.count).allSatisfy(\.isFinite)
                guard weightsAreFinite && report.training.loss.isFinite && report.validation?.loss.isFinite != false else {
                    outcome = .diverged(atEpoch: epoch)
                    return
                }
                lastFinite.values.withUnsafeMutableBufferPointer { snapshot in
                    _ = snapshot.update(from: UnsafeBufferPointer(start: kernel.weights, count: values.count))
                }
                history.append(report)
                if try onEpoch(report) == .stop {
                    if epoch < options.epochs { outcome = .stopped(afterEpoch: epoch) }
                    return
                }
            }
        }
        return TrainingResult(parameters: lastFinite, epochs: history, outcome: outcome)
    }
}

extension Parameters {
    /// Trains these weights by stochastic gradient descent for every epoch,
    /// without watching them; see `trained(on:validation:options:random:onEpoch:)`.
    public func trained(on training: Dataset, validation: Dataset? = nil, options: TrainingOptions, random: inout RandomSource) -> TrainingResult {
        trained(on: training, validation: validation, options: options, random: &random) { _ in .proceed }
    }
}

extension Kernel {
    /// One epoch of per-example SGD, updating the weights in place.
    func runSGDEpoch(_ data: Dataset, visits: [Int], options: TrainingOptions) {
        let step = -options.learningRate
        data.features.withUnsafeBufferPointer { features in
            data.labels.withUnsafeBufferPointer { labels in
                for index in visits {
                    let x = features.baseAddress! + index * d
                    let output = forward(x)
                    let g = logisticLossDerivative(label: labels[index], output: output)
                    addGradient(input: x, outputGradient: g, scale: step, decay: options.weightDecay, into: weights)
                }
            }
        }
    }

    /// One epoch of mini-batch SGD: each update uses the mean gradient of up
    /// to `batchSize` consecutive visits (the last batch may be smaller).
    func runMiniBatchEpoch(_ data: Dataset, visits: [Int], options: TrainingOptions, gradientSum: inout [Double]) {
        let parameterCount = d * h + 2 * h + 1
        data.features.withUnsafeBufferPointer { features in
            data.labels.withUnsafeBufferPointer { labels in
                gradientSum.withUnsafeMutableBufferPointer { sum in
                    var start = 0
                    while start < visits.count {
                        let end = min(start + options.batchSize, visits.count)
                        sum.update(repeating: 0)
                        for index in visits[start..<end] {
                            let x = features.baseAddress! + index * d
                            let output = forward(x)
                            let g = logisticLossDerivative(label: labels[index], output: output)
                            addGradient(input: x, outputGradient: g, scale: 1, decay: 0, into: sum.baseAddress!)
                        }
                        let batchSize = Double(end - start)
                        let biases = (d * h)..<(d * h + h)
                        for i in 0..<parameterCount {
                            let decay = biases.contains(i) || i == parameterCount - 1 ? 0 : options.weightDecay
                            weights[i] -= options.learningRate * (sum[i] / batchSize + decay * weights[i])
                        }
                        start = end
                    }
                }
            }
        }
    }
}
