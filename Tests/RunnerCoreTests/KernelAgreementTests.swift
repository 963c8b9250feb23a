import CRunnerKernel
import Foundation
@testable import RunnerCore
import Testing

@Suite("The AVX2 kernel against the Swift kernel")
struct KernelAgreementTests {
    static let hasAVX2 = KernelInstructions.available.contains(.avx2)

    /// Equal bits, or both NaN: the sign and payload of a NaN are not pinned.
    static func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    @Test("both kernels train and evaluate to the same bits on random networks, extreme values included", .enabled(if: hasAVX2))
    func kernelsAgree() {
        var random = RandomSource(seed: 99)
        let awkward: [Double] = [0, -0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, 1e300, -1e300, .infinity, -.infinity, .nan]
        func pick<T>(_ choices: [T]) -> T { choices[random.nextInt(below: choices.count)] }
        /// Mostly ordinary values, one in twenty awkward.
        func value(_ scale: Double) -> Double {
            random.nextInt(below: 20) == 0 ? pick(awkward) : random.uniform(-scale, scale)
        }
        for trial in 0..<1_000 {
            let (d, h) = (pick([1, 2, 3, 4, 5, 6, 8]), pick([1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 31, 64]))
            var data = Dataset(dimension: d)
            for _ in 0..<(1 + random.nextInt(below: 20)) {
                data.append((0..<d).map { _ in value(3) }, label: pick([-1.0, 1.0]))
            }
            var start = Parameters(inputDimension: d, hiddenUnits: h)
            start.values = start.values.map { _ in value(1) }
            let options = TrainingOptions(
                learningRate: pick([0.05, 1, 1e3, 1e200]), epochs: 3, order: pick(VisitOrder.allCases),
                weightDecay: pick([0, -0.0, 1e-3, 0.5]))
            var portable = Trainer(parameters: start, data: data, options: options)
            portable.instructions = .portable
            var avx2 = portable
            avx2.instructions = .avx2
            var (portableRandom, avx2Random) = (RandomSource(seed: UInt64(trial)), RandomSource(seed: UInt64(trial)))
            for epoch in 1...options.epochs {
                portable.runEpoch(random: &portableRandom)
                avx2.runEpoch(random: &avx2Random)
                let weights = portable.parameters
                let (portableMetrics, avx2Metrics) = (weights.evaluate(on: data, instructions: .portable), weights.evaluate(on: data, instructions: .avx2))
                guard Self.sameBits(weights.values, avx2.parameters.values),
                      Self.sameBits(weights.outputs(forFlatInputs: data.features, instructions: .portable),
                                    weights.outputs(forFlatInputs: data.features, instructions: .avx2)),
                      Self.sameBits([portableMetrics.loss, portableMetrics.accuracy], [avx2Metrics.loss, avx2Metrics.accuracy])
                else {
                    Issue.record("trial \(trial), epoch \(epoch): d = \(d), h = \(h), \(options)")
                    return
                }
            }
        }
    }

    @Test("the AVX2 losses equal logisticLoss bit for bit, around every branch of its log1p and log", .enabled(if: hasAVX2))
    func lossesAgree() {
        var outputs: [Double] = [0, -0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, 1e-300, 1e300, -1e300, .infinity, -.infinity, .nan]
        // Margins where 1 + e crosses √2 (the log's reduction), where 1 + e rounds to 1
        // (log1p returns e: |m| about 36.7 to 37.5), where exp underflows, and tiny ones (1 + e near 2).
        for center in [0.881373587019543, 36.04365338911715, 36.7368005696771, 37.42994775023705, 709.78, 745.1332191019411, 1e-8] {
            var x = center
            for _ in 0..<2_000 { x = x.nextDown }
            for _ in 0..<4_000 {
                outputs += [x, -x]
                x = x.nextUp
            }
        }
        var random = RandomSource(seed: 5)
        for _ in 0..<100_000 {
            outputs.append(random.uniform(-1, 1) * PortableMath.exp(random.uniform(-40, 8)))  // |m| from 4e-18 to 3,000
        }
        let labels = outputs.indices.map { _ in random.nextInt(below: 2) == 0 ? -1.0 : 1.0 }
        let expected = zip(labels, outputs).map { logisticLoss(label: $0, output: $1) }
        for count in [outputs.count, 1, 2, 3, 5, 6, 7] {  // a tail of every length
            var values = Array(outputs.prefix(count))
            #expect(runner_logistic_losses_avx2(labels, &values, count))
            for (i, (loss, want)) in zip(values, expected).enumerated() where !Self.sameBits([loss], [want]) {
                Issue.record("output \(outputs[i]), label \(labels[i]): \(loss), logisticLoss gives \(want)")
                return
            }
        }
    }

    @Test("the AVX2 kernel is offered exactly when the processor lists AVX2", .enabled(if: FileManager.default.fileExists(atPath: "/proc/cpuinfo")))
    func detection() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ") ?? []
        #expect(Self.hasAVX2 == flags.contains("avx2"))
    }

    /// exp as it was before its last scaling moved: 2ᵐ · (high + (low + high·q)),
    /// the scaling by two multiplies where one would leave the normal range.
    static func referenceExp(_ x: Double) -> Double {
        let n = (x * 0x1.71547652b82fep+6 + 0x1.8p52) - 0x1.8p52
        let r = (x - n * 0x1.62e42fef00000p-7) - n * 0x1.473de6af278edp-40
        let r2 = r * r
        let q = r + r2 * ((0.5 + r * (1.0 / 6)) + r2 * ((1.0 / 24) + r * (1.0 / 120)))
        let k = Int(n)
        let table = withUnsafeBytes(of: runner_powers_of_two_by_64) { Array($0.bindMemory(to: Double.self)) }
        let (high, low) = (table[(k & 63) * 2], table[(k & 63) * 2 + 1])
        let m = k >> 6
        let power = { (e: Int) in Double(sign: .plus, exponent: e, significand: 1) }
        let sum = high + (low + high * q)
        if m >= -1021 && m <= 1023 { return sum * power(m) }
        return m > 1023 ? sum * 0x1p1023 * power(m - 1023) : sum * 0x1p-1000 * power(m + 1000)
    }

    /// Where k = round(64x/ln2) changes between the given value and the next:
    /// m = k >> 6 changes there when k is a multiple of 64.
    static func step(after k: Double) -> Double { (k + 0.5) * 0x1.62e42fefa39efp-7 }

    @Test("exp equals its reference formula around every boundary of its fast path", arguments: [
        -745.13321910194110842,  // below: 0
        step(after: -65_345), step(after: -61_441),  // m = -1021 and m = -960 start
        step(after: -1), step(after: 0),  // around 0
        step(after: 65_535), 709.782712893383973096,  // m = 1024 starts; above: infinity
    ])
    func expBoundaries(around center: Double) {
        var x = center
        for _ in 0..<10_000 { x = x.nextDown }
        for _ in 0..<20_000 {
            #expect(PortableMath.exp(x).bitPattern == Self.referenceExp(x).bitPattern, "exp(\(x))")
            x = x.nextUp
        }
        var random = RandomSource(seed: 3)
        for _ in 0..<20_000 {
            let y = center + random.uniform(-0.5, 0.5)
            guard y >= -745.13321910194110842 && y <= 709.782712893383973096 else { continue }
            #expect(PortableMath.exp(y).bitPattern == Self.referenceExp(y).bitPattern, "exp(\(y))")
        }
    }
}
