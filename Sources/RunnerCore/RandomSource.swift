/// A seeded random generator whose output is fixed by its seed alone.
///
/// The algorithm is xoshiro256** 1.0 (Blackman and Vigna, 2018), with its
/// 256-bit state filled from the 64-bit seed by SplitMix64, exactly as the
/// authors recommend. Every conversion below (to doubles, bounded integers,
/// normals, shuffles) is written here with integer and IEEE-754 basic
/// arithmetic only, so the same seed gives the same numbers on every machine
/// and every Swift version. The standard library's generators are never used:
/// `SystemRandomNumberGenerator` is unseeded, and the algorithms behind
/// `Double.random(in:using:)` and `shuffle(using:)` are not specified.
public struct RandomSource: Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator from a 64-bit seed (any value, zero included).
    public init(seed: UInt64) {
        var splitMix = SplitMix64(state: seed)
        state = (splitMix.next(), splitMix.next(), splitMix.next(), splitMix.next())
    }

    /// The next 64 uniformly distributed bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, by: 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, by: 45)
        return result
    }

    /// A uniform double in [0, 1): the top 53 bits of `next()` times 2⁻⁵³.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform double in [lower, upper).
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * nextUnit()
    }

    /// A uniform integer in 0..<bound, without modulo bias.
    ///
    /// Lemire's multiply-and-reject method: the high word of `next() * bound`,
    /// redrawing when the low word falls in the biased region. That region is
    /// below 2⁶⁴ mod bound < bound, so the division that finds it is needed
    /// only when the low word is below `bound` (rarely).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let range = UInt64(bound)
        var (high, low) = next().multipliedFullWidth(by: range)
        if low < range {
            let threshold = (0 &- range) % range
            while low < threshold {
                (high, low) = next().multipliedFullWidth(by: range)
            }
        }
        return Int(high)
    }

    /// A standard normal deviate by Marsaglia's polar method.
    ///
    /// Uses `PortableMath.log` and the correctly rounded square root, so the
    /// result is the same everywhere. The second deviate of each pair is
    /// discarded to keep the generator's state a plain function of its draws.
    public mutating func normal() -> Double {
        while true {
            let u = 2 * nextUnit() - 1
            let v = 2 * nextUnit() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * PortableMath.log(s) / s).squareRoot()
            }
        }
    }

    /// A normal deviate with the given mean and standard deviation.
    public mutating func normal(mean: Double, standardDeviation: Double) -> Double {
        mean + standardDeviation * normal()
    }

    /// Shuffles `elements` in place (Fisher–Yates, from the back).
    public mutating func shuffle<Element>(_ elements: inout [Element]) {
        var index = elements.count - 1
        while index > 0 {
            elements.swapAt(index, nextInt(below: index + 1))
            index -= 1
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014), used only to seed xoshiro256**.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@inline(__always)
private func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
    (value << amount) | (value >> (64 - amount))
}
