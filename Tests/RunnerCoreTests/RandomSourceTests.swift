import RunnerCore
import Testing

@Suite("RandomSource: xoshiro256** seeded by SplitMix64")
struct RandomSourceTests {
    @Test("first outputs are pinned (computed by an independent implementation)")
    func pinnedOutputs() {
        var zero = RandomSource(seed: 0)
        #expect((0..<5).map { _ in zero.next() } == [
            0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0,
            0x6AA5_94F1_262D_2D2C, 0xBBA5_AD4A_1F84_2E59,
        ])
        var fortyTwo = RandomSource(seed: 42)
        #expect((0..<3).map { _ in fortyTwo.next() } == [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1])
    }

    @Test("doubles are the top 53 bits scaled into [0, 1)")
    func unitDoubles() {
        var random = RandomSource(seed: 42)
        #expect((0..<3).map { _ in random.nextUnit() } == [0.08386297105988216, 0.3789802506626686, 0.6800434110281394])
    }

    @Test("bounded integers stay in range and hit every value")
    func boundedIntegers() {
        var random = RandomSource(seed: 7)
        var counts = Array(repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[random.nextInt(below: 6)] += 1 }
        #expect(counts.allSatisfy { (9_500...10_500).contains($0) }, "counts \(counts)")
    }

    @Test("shuffles are permutations, reproducible from the seed")
    func shuffles() {
        var first = RandomSource(seed: 3)
        var second = RandomSource(seed: 3)
        var a = Array(0..<100)
        var b = Array(0..<100)
        first.shuffle(&a)
        second.shuffle(&b)
        #expect(a == b)
        #expect(a != Array(0..<100))
        #expect(a.sorted() == Array(0..<100))
    }

    @Test("normals have mean 0 and standard deviation 1")
    func normals() {
        var random = RandomSource(seed: 11)
        let samples = (0..<200_000).map { _ in random.normal() }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.01)
    }
}
