/// The forward and backward passes of one example, on raw memory.
///
/// Training calls these once per example, so they touch no arrays, allocate
/// nothing and process hidden units four at a time with `SIMD4<Double>`
/// (concrete SIMD types: generic SIMD code measured 5–10× slower here). Every
/// operation is a plain IEEE-754 add, multiply or compare in a fixed order,
/// so results are bit-identical on every machine.
struct Kernel {
    /// d, the number of inputs.
    let d: Int
    /// h, the number of hidden units.
    let h: Int
    /// The network's parameters in `Parameters.values` layout.
    let weights: UnsafeMutablePointer<Double>
    /// Scratch for the h hidden activations of the last `forward` call.
    let hidden: UnsafeMutablePointer<Double>

    private var bi: Int { d * h }
    private var wo: Int { d * h + h }
    private var bo: Int { d * h + 2 * h }

    /// Ybar = Wo·ReLU(x·Wi + bi) + bo; leaves the activations H in `hidden`.
    @inline(__always)
    func forward(_ x: UnsafePointer<Double>) -> Double {
        var sums = SIMD4<Double>.zero
        var k = 0
        while k + 4 <= h {
            var z = SIMD4(repeating: x[0]) * load(weights + k)
            for j in 1..<d {
                z += SIMD4(repeating: x[j]) * load(weights + j * h + k)
            }
            z += load(weights + bi + k)
            z.replace(with: 0, where: z .< 0)
            store(z, hidden + k)
            sums += load(weights + wo + k) * z
            k += 4
        }
        var output = (sums[0] + sums[1]) + (sums[2] + sums[3])
        while k < h {
            var z = x[0] * weights[k]
            for j in 1..<d {
                z += x[j] * weights[j * h + k]
            }
            z += weights[bi + k]
            if z < 0 { z = 0 }
            hidden[k] = z
            output += weights[wo + k] * z
            k += 1
        }
        return output + weights[bo]
    }

    /// Adds `scale · (∂s/∂θ + decay·θ)` to `target`, for the example `x` last
    /// passed to `forward`, whose loss has derivative `g` = ∂s/∂Ybar.
    ///
    /// The seed's gradient without its Kronecker product: with
    /// δₖ = g·Woₖ·[Hₖ > 0], ∂s/∂Wi[j][k] = xⱼ·δₖ, ∂s/∂bi = δ, ∂s/∂Wo = g·H and
    /// ∂s/∂bo = g. The decay term applies to `Wi` and `Wo` only. `target` may be
    /// `weights` itself: each weight is read before it is written.
    @inline(__always)
    func addGradient(
        input x: UnsafePointer<Double>, outputGradient g: Double,
        scale: Double, decay: Double, into target: UnsafeMutablePointer<Double>
    ) {
        let scaledG = scale * g
        let scaledDecay = scale * decay
        var k = 0
        while k + 4 <= h {
            let activations = load(hidden + k)
            let outputWeights = load(weights + wo + k)
            var delta = SIMD4(repeating: g) * outputWeights
            delta.replace(with: 0, where: .!(activations .> 0))
            let scaledDelta = SIMD4(repeating: scale) * delta
            store(load(target + wo + k) + (SIMD4(repeating: scaledG) * activations
                + SIMD4(repeating: scaledDecay) * outputWeights), target + wo + k)
            store(load(target + bi + k) + scaledDelta, target + bi + k)
            for j in 0..<d {
                let offset = j * h + k
                store(load(target + offset) + (SIMD4(repeating: x[j]) * scaledDelta
                    + SIMD4(repeating: scaledDecay) * load(weights + offset)), target + offset)
            }
            k += 4
        }
        while k < h {
            let activation = hidden[k]
            let outputWeight = weights[wo + k]
            let delta = activation > 0 ? g * outputWeight : 0
            let scaledDelta = scale * delta
            target[wo + k] += scaledG * activation + scaledDecay * outputWeight
            target[bi + k] += scaledDelta
            for j in 0..<d {
                let offset = j * h + k
                target[offset] += x[j] * scaledDelta + scaledDecay * weights[offset]
            }
            k += 1
        }
        target[bo] += scaledG
    }
}

/// ∂s/∂Ybar for the logistic loss s = log(1 + exp(−Y·Ybar)): −Y·σ(−Y·Ybar).
@inline(__always)
func logisticLossDerivative(label y: Double, output: Double) -> Double {
    -y * PortableMath.sigmoid(-y * output)
}

/// The logistic loss log(1 + exp(−Y·Ybar)), finite for every finite margin.
@inline(__always)
public func logisticLoss(label y: Double, output: Double) -> Double {
    PortableMath.softplus(-y * output)
}

@inline(__always)
private func load(_ pointer: UnsafePointer<Double>) -> SIMD4<Double> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Double>.self)
}

@inline(__always)
private func load(_ pointer: UnsafeMutablePointer<Double>) -> SIMD4<Double> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Double>.self)
}

@inline(__always)
private func store(_ value: SIMD4<Double>, _ pointer: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD4<Double>.self)
}
