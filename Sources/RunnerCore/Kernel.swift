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
    /// The network's parameters, read by both passes.
    let weights: WeightPointers
    /// Scratch for 2·h values: the activations H of the last `forward` call,
    /// then the scaled hidden-unit errors of `addGradient`.
    let scratch: UnsafeMutablePointer<Double>

    private var hidden: UnsafeMutablePointer<Double> { scratch }
    private var delta: UnsafeMutablePointer<Double> { scratch + h }

    /// Ybar = Wo·ReLU(x·Wi + bi) + bo; leaves the activations H in scratch.
    ///
    /// Sums in numpy's order, (x·Wi) + bi, one input row per pass so each
    /// pass is a straight vector loop over the hidden units; the last row's
    /// pass also adds the bias, applies the ReLU and accumulates Wo·H.
    @inline(__always)
    func forward(_ x: UnsafePointer<Double>) -> Double {
        let last = d &- 1
        if last > 0 {
            let x0 = x[0]
            forEachChunk { k in store(SIMD4(repeating: x0) * load(weights.wi + k), hidden + k) } tail: { k in
                hidden[k] = x0 * weights.wi[k]
            }
        }
        var j = 1
        while j < last {
            let xj = x[j]
            let row = weights.wi + j &* h
            forEachChunk { k in store(load(hidden + k) + SIMD4(repeating: xj) * load(row + k), hidden + k) } tail: { k in
                hidden[k] += xj * row[k]
            }
            j &+= 1
        }
        let xLast = x[last]
        let lastRow = weights.wi + last &* h
        var sums = SIMD4<Double>.zero
        var tailSum = 0.0
        forEachChunk { k in
            let product = SIMD4(repeating: xLast) * load(lastRow + k)
            var z = (last > 0 ? load(hidden + k) + product : product) + load(weights.bi + k)
            z.replace(with: 0, where: z .< 0)
            store(z, hidden + k)
            sums += load(weights.wo + k) * z
        } tail: { k in
            let product = xLast * lastRow[k]
            let z = max((last > 0 ? hidden[k] + product : product) + weights.bi[k], 0)
            hidden[k] = z
            tailSum += weights.wo[k] * z
        }
        return ((sums[0] + sums[1]) + (sums[2] + sums[3]) + tailSum) + weights.bo.pointee
    }

    /// Adds `scale · (∂s/∂θ + decay·θ)` to `target`, for the example `x` last
    /// passed to `forward`, whose loss has derivative `g` = ∂s/∂Ybar.
    ///
    /// The seed's gradient without its Kronecker product: with
    /// δₖ = g·Woₖ·[Hₖ > 0], ∂s/∂Wi[j][k] = xⱼ·δₖ, ∂s/∂bi = δ, ∂s/∂Wo = g·H and
    /// ∂s/∂bo = g. The decay term applies to `Wi` and `Wo` only. `target` may be
    /// `weights` itself: each weight is read before it is written. The first
    /// pass also updates the first row of `Wi`; later rows reuse the stored δ.
    @inline(__always)
    func addGradient(
        input x: UnsafePointer<Double>, outputGradient g: Double,
        scale: Double, decay: Double, into target: WeightPointers
    ) {
        let scaledG = scale * g
        let scaledDecay = scale * decay
        // Without decay the term is ±0 for every finite weight: skipping it
        // changes no value and saves a load and a multiply-add per weight.
        let decays = decay != 0
        let x0 = x[0]
        forEachChunk { k in
            let activations = load(hidden + k)
            let outputWeights = load(weights.wo + k)
            var errors = SIMD4(repeating: g) * outputWeights
            errors.replace(with: 0, where: .!(activations .> 0))
            let scaledErrors = SIMD4(repeating: scale) * errors
            store(scaledErrors, delta + k)
            store(load(target.bi + k) + scaledErrors, target.bi + k)
            let outputStep = SIMD4(repeating: scaledG) * activations
            store(load(target.wo + k) + (decays ? outputStep + SIMD4(repeating: scaledDecay) * outputWeights : outputStep), target.wo + k)
            let inputStep = SIMD4(repeating: x0) * scaledErrors
            store(load(target.wi + k) + (decays ? inputStep + SIMD4(repeating: scaledDecay) * load(weights.wi + k) : inputStep), target.wi + k)
        } tail: { k in
            let activation = hidden[k]
            let outputWeight = weights.wo[k]
            let scaledError = scale * (activation > 0 ? g * outputWeight : 0)
            delta[k] = scaledError
            target.bi[k] += scaledError
            target.wo[k] += decays ? scaledG * activation + scaledDecay * outputWeight : scaledG * activation
            target.wi[k] += decays ? x0 * scaledError + scaledDecay * weights.wi[k] : x0 * scaledError
        }
        var j = 1
        while j < d {
            let xj = x[j]
            let row = target.wi + j &* h
            let weightRow = weights.wi + j &* h
            forEachChunk { k in
                let step = SIMD4(repeating: xj) * load(delta + k)
                store(load(row + k) + (decays ? step + SIMD4(repeating: scaledDecay) * load(weightRow + k) : step), row + k)
            } tail: { k in
                row[k] += decays ? xj * delta[k] + scaledDecay * weightRow[k] : xj * delta[k]
            }
            j &+= 1
        }
        target.bo.pointee += scaledG
    }

    /// Calls `chunk` for k = 0, 4, 8, … while four hidden units remain, then
    /// `tail` for each of the last h mod 4.
    @inline(__always)
    private func forEachChunk(_ chunk: (Int) -> Void, tail: (Int) -> Void) {
        var k = 0
        while k &+ 4 <= h {
            chunk(k)
            k &+= 4
        }
        while k < h {
            tail(k)
            k &+= 1
        }
    }
}

/// Where each tensor starts in a buffer laid out like `Parameters.values`.
struct WeightPointers {
    let wi: UnsafeMutablePointer<Double>
    let bi: UnsafeMutablePointer<Double>
    let wo: UnsafeMutablePointer<Double>
    let bo: UnsafeMutablePointer<Double>

    init(_ base: UnsafeMutablePointer<Double>, d: Int, h: Int) {
        wi = base
        bi = base + d * h
        wo = base + d * h + h
        bo = base + d * h + 2 * h
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
