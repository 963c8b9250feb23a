import CRunnerKernel

/// Loss and accuracy of a network on a set of points.
public struct Evaluation: Equatable, Sendable {
    /// The mean logistic loss.
    public var loss: Double
    /// The fraction of points with Y·Ybar > 0.
    public var accuracy: Double

    public init(loss: Double, accuracy: Double) {
        self.loss = loss
        self.accuracy = accuracy
    }
}

extension Parameters {
    /// The network's output Ybar for one input point.
    public func output(for x: [Double]) -> Double {
        precondition(x.count == inputDimension, "input has \(x.count) features, the network expects \(inputDimension)")
        var copy = values
        return withKernel(&copy) { kernel in
            x.withUnsafeBufferPointer { kernel.forward($0.baseAddress!) }
        }
    }

    /// The network's outputs for many points at once, given flat and row-major
    /// (point i is `inputs[i·d ..< (i+1)·d]`): one pass, no copy per point.
    public func outputs(forFlatInputs inputs: [Double]) -> [Double] {
        outputs(forFlatInputs: inputs, instructions: .best)
    }

    /// `outputs(forFlatInputs:)` with the given instructions (one of `KernelInstructions.available`).
    func outputs(forFlatInputs inputs: [Double], instructions: KernelInstructions) -> [Double] {
        precondition(inputs.count % inputDimension == 0, "inputs must hold whole points of \(inputDimension) features")
        var copy = values
        return withKernel(&copy) { $0.outputs(inputs, instructions: instructions) }
    }

    /// The loss s = log(1 + exp(−Y·Ybar)) on one example and its gradient
    /// with respect to every parameter, in the parameters' own layout.
    public func gradient(at x: [Double], label y: Double) -> (loss: Double, gradient: Parameters) {
        precondition(x.count == inputDimension, "input has \(x.count) features, the network expects \(inputDimension)")
        var copy = values
        var gradient = Parameters(inputDimension: inputDimension, hiddenUnits: hiddenUnits)
        let loss = withKernel(&copy) { kernel in
            x.withUnsafeBufferPointer { input in
                gradient.values.withUnsafeMutableBufferPointer { target in
                    let output = kernel.forward(input.baseAddress!)
                    let g = logisticLossDerivative(label: y, output: output)
                    let pointers = WeightPointers(target.baseAddress!, d: inputDimension, h: hiddenUnits)
                    kernel.addGradient(input: input.baseAddress!, outputGradient: g, scale: 1, decay: 0, into: pointers)
                    return logisticLoss(label: y, output: output)
                }
            }
        }
        return (loss, gradient)
    }

    /// Mean loss and accuracy on `data`.
    public func evaluate(on data: Dataset) -> Evaluation {
        evaluate(on: data, instructions: .best)
    }

    /// `evaluate(on:)` with the given instructions (one of `KernelInstructions.available`).
    func evaluate(on data: Dataset, instructions: KernelInstructions) -> Evaluation {
        precondition(data.dimension == inputDimension, "data has \(data.dimension) features, the network expects \(inputDimension)")
        var copy = values
        return withKernel(&copy) { $0.evaluate(data, instructions: instructions) }
    }

    /// Runs `body` with a kernel over `weights` (which must have this network's shape).
    func withKernel<Result>(_ weights: inout [Double], _ body: (Kernel) throws -> Result) rethrows -> Result {
        let hidden = UnsafeMutablePointer<Double>.allocate(capacity: hiddenUnits)
        defer { hidden.deallocate() }
        return try weights.withUnsafeMutableBufferPointer { buffer in
            let pointers = WeightPointers(buffer.baseAddress!, d: inputDimension, h: hiddenUnits)
            return try body(Kernel(d: inputDimension, h: hiddenUnits, weights: pointers, hidden: hidden))
        }
    }
}

extension Kernel {
    /// Ybar for `count` points stored row-major at `features`, into `outputs`.
    func outputs(_ features: UnsafePointer<Double>, count: Int, into outputs: UnsafeMutablePointer<Double>, instructions: KernelInstructions) {
        if instructions == .avx2 {
            var job = runner_outputs(network: network, features: features, count: count, outputs: outputs)
            requireAVX2(runner_compute_outputs_avx2(&job))
            return
        }
        for i in 0..<count {
            outputs[i] = forward(features + i &* d)
        }
    }

    /// Ybar for every point of `inputs` (flat, row-major).
    func outputs(_ inputs: [Double], instructions: KernelInstructions) -> [Double] {
        let count = inputs.count / d
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            inputs.withUnsafeBufferPointer { points in
                outputs(points.baseAddress!, count: count, into: buffer.baseAddress!, instructions: instructions)
            }
            initialized = count
        }
    }

    /// Mean loss and accuracy of the current weights on `data`.
    func evaluate(_ data: Dataset, instructions: KernelInstructions) -> Evaluation {
        guard data.count > 0 else { return Evaluation(loss: .nan, accuracy: .nan) }
        var values = outputs(data.features, instructions: instructions)
        var correct = 0
        for (y, output) in zip(data.labels, values) where y * output > 0 {
            correct += 1
        }
        if instructions == .avx2 {
            requireAVX2(runner_logistic_losses_avx2(data.labels, &values, values.count))
        } else {
            for (i, y) in data.labels.enumerated() {
                values[i] = logisticLoss(label: y, output: values[i])
            }
        }
        var totalLoss = 0.0
        for loss in values {
            totalLoss += loss  // in order, whichever instructions computed the losses
        }
        return Evaluation(loss: totalLoss / Double(data.count), accuracy: Double(correct) / Double(data.count))
    }
}
