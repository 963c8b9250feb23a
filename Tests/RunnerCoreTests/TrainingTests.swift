import RunnerCore
import Testing

@Suite("Stochastic gradient descent")
struct TrainingTests {
    /// A small, learnable problem: 200 moons points with a 20% validation split.
    func moons(seed: UInt64 = 4) -> (training: Dataset, validation: Dataset) {
        var random = RandomSource(seed: seed)
        return DataGenerator.moons.generate(points: 200, noise: 0.1, random: &random)
            .split(validationFraction: 0.2, using: &random)
    }

    func network(hidden: Int = 7, seed: UInt64 = 1) -> (Parameters, RandomSource) {
        var random = RandomSource(seed: seed)
        let parameters = Parameters(inputDimension: 2, hiddenUnits: hidden, initialization: .he, random: &random)
        return (parameters, random)
    }

    @Test("identical configurations give bit-identical weights and metrics", arguments: VisitOrder.allCases)
    func reproducible(order: VisitOrder) {
        let (training, validation) = moons()
        let options = TrainingOptions(learningRate: 0.05, epochs: 20, order: order, batchSize: 3, weightDecay: 1e-3)
        var (start, firstRandom) = network()
        var secondRandom = firstRandom
        var thirdRandom = firstRandom

        let first = start.trained(on: training, validation: validation, options: options, random: &firstRandom)
        let second = start.trained(on: training, validation: validation, options: options, random: &secondRandom)

        #expect(first == second)
        #expect(first.parameters.values.map(\.bitPattern) == second.parameters.values.map(\.bitPattern))
        start.values[0] += 1e-9
        let perturbed = start.trained(on: training, validation: validation, options: options, random: &thirdRandom)
        #expect(perturbed.parameters != first.parameters, "a different start must lead elsewhere")
    }

    @Test("training on the moons learns: validation accuracy above 85%")
    func learns() throws {
        let (training, validation) = moons()
        var (start, random) = network(hidden: 16)
        let before = start.evaluate(on: validation)

        let result = start.trained(on: training, validation: validation, options: TrainingOptions(learningRate: 0.05, epochs: 100), random: &random)

        let after = try #require(result.epochs.last?.validation)
        #expect(result.outcome == .completed)
        #expect(result.epochs.count == 100)
        #expect(after.accuracy > 0.85, "validation accuracy \(after.accuracy)")
        #expect(after.loss < before.loss)
        start = result.parameters
        #expect(start.evaluate(on: validation) == after, "reported metrics are those of the returned weights")
    }

    @Test("per-example SGD applies W ← W − lr·(∂s/∂W + λW) with the old weights")
    func singleStep() {
        let data = Dataset(points: [[0.3, -1.2]], labels: [1])
        let (start, _) = network(hidden: 5)
        let (_, gradient) = start.gradient(at: [0.3, -1.2], label: 1)
        var random = RandomSource(seed: 0)
        let options = TrainingOptions(learningRate: 0.1, epochs: 1, order: .file, weightDecay: 0.01)

        let result = start.trained(on: data, options: options, random: &random)

        let decays = Set(0..<10).union(15..<20)  // Wi (2×5) and Wo, not the biases
        for i in start.values.indices {
            let decay = decays.contains(i) ? 0.01 * start.values[i] : 0
            let expected = start.values[i] - 0.1 * (gradient.values[i] + decay)
            #expect(abs(result.parameters.values[i] - expected) <= 1e-15 * max(1, abs(expected)), "parameter \(i)")
        }
    }

    @Test("a full batch is one step along the mean gradient")
    func fullBatch() {
        let (training, _) = moons()
        let (start, _) = network()
        var mean = Array(repeating: 0.0, count: start.values.count)
        for i in 0..<training.count {
            let (_, gradient) = start.gradient(at: Array(training.point(i)), label: training.labels[i])
            for p in mean.indices { mean[p] += gradient.values[p] }
        }
        var random = RandomSource(seed: 0)
        let options = TrainingOptions(learningRate: 0.5, epochs: 1, order: .file, batchSize: training.count)

        let result = start.trained(on: training, options: options, random: &random)

        let expected = zip(start.values, mean).map { $0 - 0.5 * ($1 / Double(training.count)) }
        #expect(result.parameters.values == expected)
    }

    @Test("sampling with replacement and shuffling visit differently from file order")
    func visitOrders() {
        let (training, _) = moons()
        let (start, random) = network()
        let results = VisitOrder.allCases.map { order -> Parameters in
            var copy = random
            return start.trained(on: training, options: TrainingOptions(learningRate: 0.05, epochs: 1, order: order), random: &copy).parameters
        }
        #expect(Set(results.map(\.values)).count == 3)
    }

    @Test("an exploding learning rate ends as diverged, with the last finite weights")
    func divergence() {
        let (training, validation) = moons()
        let (start, random) = network()
        var copy = random
        let result = start.trained(on: training, validation: validation, options: TrainingOptions(learningRate: 1e300, epochs: 50), random: &copy)

        guard case .diverged(let epoch) = result.outcome else {
            Issue.record("expected divergence, got \(result.outcome)")
            return
        }
        #expect(epoch <= 3)
        #expect(result.epochs.count == epoch - 1)
        #expect(result.parameters.isFinite)
    }

    @Test("the callback sees every epoch in order and can stop the run")
    func stopping() {
        let (training, _) = moons()
        var (start, random) = network()
        var seen: [EpochReport] = []
        let end = start.trained(on: training, options: TrainingOptions(learningRate: 0.05, epochs: 10), random: &random) { report in
            seen.append(report)
            return report.epoch == 4 ? .stop : .proceed
        }
        #expect(seen.map(\.epoch) == [1, 2, 3, 4])
        #expect(end.outcome == .stopped(afterEpoch: 4))
        #expect(end.lastEpoch == seen.last && end.epochCount == 4)
        start = end.parameters
        #expect(start.evaluate(on: training) == seen[3].training)
    }
}
