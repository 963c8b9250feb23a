// Measures the core's training speed in a release build:
//
//     swift run -c release runner-benchmark
//
// For h = 16, 64 and 256 on 10,000 moons points it reports per-example SGD
// throughput for each kernel the processor runs (training steps only, the
// best of 30 timed epochs after a quarter-second warm-up), and the wall time
// of a full 100-epoch run with per-epoch evaluation on the training set and a
// 20% validation split.

import RunnerCore

let hiddenSizes = [16, 64, 256]
let pointCount = 10_000
let timedEpochs = 30

var dataRandom = RandomSource(seed: 0)
let moons = DataGenerator.moons.generate(points: pointCount, noise: 0.1, random: &dataRandom)
let clock = ContinuousClock()

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// Training examples per second for one hidden size: the best of
/// `timedEpochs` epochs of updates, without evaluation, after epochs for a
/// quarter of a second (long enough for the processor to reach its clock).
func throughput(hidden: Int, instructions: KernelInstructions) -> Double {
    var random = RandomSource(seed: 1)
    let start = Parameters(inputDimension: 2, hiddenUnits: hidden, initialization: .he, random: &random)
    var trainer = Trainer(parameters: start, data: moons, options: TrainingOptions(learningRate: 0.001, epochs: 1))
    trainer.instructions = instructions
    let warmUpEnd = clock.now.advanced(by: .milliseconds(250))
    while clock.now < warmUpEnd {
        trainer.runEpoch(random: &random)
    }
    let best = (0..<timedEpochs).map { _ in clock.measure { trainer.runEpoch(random: &random) } }.min()!
    return Double(pointCount) / seconds(best)
}

/// Wall time of a complete 100-epoch run with evaluation on both sets.
func fullRun(hidden: Int) -> Double {
    var random = RandomSource(seed: 2)
    let (training, validation) = moons.split(validationFraction: 0.2, using: &random)
    let start = Parameters(inputDimension: 2, hiddenUnits: hidden, initialization: .he, random: &random)
    let elapsed = clock.measure {
        _ = start.trained(on: training, validation: validation, options: TrainingOptions(learningRate: 0.001, epochs: 100), random: &random)
    }
    return seconds(elapsed)
}

print("runner-benchmark: per-example SGD on \(pointCount) moons points (d = 2)")
print("")
let kernels = KernelInstructions.available
print("examples/s with each kernel this processor runs; the full run uses the \(KernelInstructions.best) kernel")
print("")
print("| hidden units | " + kernels.map { "\($0) examples/s" }.joined(separator: " | ") + " | 100 epochs with evaluation |")
print("|---:|" + String(repeating: "---:|", count: kernels.count + 1))
for hidden in hiddenSizes {
    let rates = kernels.map { kernel in
        "\((throughput(hidden: hidden, instructions: kernel) / 1e4).rounded() / 100)M"
    }
    let wall = (fullRun(hidden: hidden) * 1000).rounded() / 1000
    print("| \(hidden) | " + rates.joined(separator: " | ") + " | \(wall) s |")
}
