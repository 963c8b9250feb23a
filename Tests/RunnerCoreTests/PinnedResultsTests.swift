import RunnerCore
import Testing

/// Results pinned to their exact bits, as this version of the core computes
/// them: a change of kernel, instruction set or compiler that alters one bit
/// of one weight fails here. The hashes are FNV-1a over the bit patterns of
/// every final weight and every epoch's metrics.
@Suite("Pinned results")
struct PinnedResultsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var inputs: Int
        var hidden: Int
        var order: VisitOrder
        var weightDecay: Double
        var hash: UInt64

        var testDescription: String { "d = \(inputs), h = \(hidden), \(order), decay \(weightDecay)" }
    }

    /// Every input width the kernels specialise (1–4) and two they do not (5, 6);
    /// hidden sizes with and without a remainder of lanes.
    static let cases: [Case] = [
        Case(inputs: 2, hidden: 16, order: .shuffle, weightDecay: 0, hash: 0x24f3_6fc5_416d_32f2),
        Case(inputs: 2, hidden: 7, order: .replacement, weightDecay: 0, hash: 0x21e6_25e3_27f1_6801),
        Case(inputs: 1, hidden: 13, order: .file, weightDecay: 1e-3, hash: 0x1e44_80c2_7297_a7b1),
        Case(inputs: 3, hidden: 64, order: .shuffle, weightDecay: 0, hash: 0x43ba_1345_aeb1_ce55),
        Case(inputs: 4, hidden: 3, order: .shuffle, weightDecay: 1e-2, hash: 0x8b42_704a_1c5a_d1a8),
        Case(inputs: 5, hidden: 21, order: .shuffle, weightDecay: 0, hash: 0x4d3a_d6d3_00b7_0141),
        Case(inputs: 2, hidden: 256, order: .shuffle, weightDecay: 1e-4, hash: 0x5bd7_aafc_3d90_2821),
        Case(inputs: 4, hidden: 16, order: .shuffle, weightDecay: 1e-2, hash: 0xf372_0775_1a75_ccc6),
        Case(inputs: 6, hidden: 32, order: .replacement, weightDecay: 1e-3, hash: 0xd781_0fc7_e12a_4c0d),
    ]

    static func hash(of values: [Double], into hash: inout UInt64) {
        for value in values {
            var bits = value.bitPattern
            for _ in 0..<8 {
                hash = (hash ^ (bits & 0xff)) &* 0x100_0000_01b3
                bits >>= 8
            }
        }
    }

    /// Trains a network of the case's shape for five epochs on random points
    /// labelled by a fixed rule, evaluating after each, and hashes what came out.
    static func trainedHash(_ c: Case, instructions: KernelInstructions) -> UInt64 {
        var random = RandomSource(seed: 2026)
        var data = Dataset(dimension: c.inputs)
        for _ in 0..<300 {
            let point = (0..<c.inputs).map { _ in random.uniform(-2, 2) }
            let label: Double = point.reduce(0, +) * point[0] > 0.3 ? 1 : -1
            data.append(point, label: label)
        }
        let (training, validation) = data.split(validationFraction: 0.2, using: &random)
        let start = Parameters(inputDimension: c.inputs, hiddenUnits: c.hidden, initialization: .he, random: &random)
        var trainer = Trainer(parameters: start, data: training, options: TrainingOptions(learningRate: 0.05, epochs: 5, order: c.order, weightDecay: c.weightDecay))
        trainer.instructions = instructions
        var metrics: [Double] = []
        for _ in 1...5 {
            trainer.runEpoch(random: &random)
            let (onTraining, onValidation) = (trainer.parameters.evaluate(on: training), trainer.parameters.evaluate(on: validation))
            metrics += [onTraining.loss, onTraining.accuracy, onValidation.loss, onValidation.accuracy]
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        Self.hash(of: trainer.parameters.values + metrics, into: &hash)
        return hash
    }

    @Test("per-example SGD gives the pinned bits with every kernel this processor runs", arguments: cases, KernelInstructions.available)
    func pinnedTraining(_ c: Case, instructions: KernelInstructions) {
        let hash = Self.trainedHash(c, instructions: instructions)
        #expect(hash == c.hash, "got 0x\(String(hash, radix: 16))")
    }

    @Test("exp and the sigmoid give the pinned bits")
    func pinnedMath() {
        var random = RandomSource(seed: 7)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for _ in 0..<100_000 {
            let x = random.uniform(-750, 712)
            Self.hash(of: [PortableMath.exp(x), PortableMath.sigmoid(x / 16)], into: &hash)
        }
        #expect(hash == 0x7edf_fe82_8129_fcd3, "got 0x\(String(hash, radix: 16))")
    }
}
