import CRunnerKernel

/// The vector type of the kernel: four doubles, two SSE2 or NEON registers.
/// (Measured here: SIMD2 was slower and SIMD8 no faster.)
typealias Lanes = SIMD4<Double>

/// The forward and backward passes of one example, on raw memory.
///
/// Training calls these once per example, so they touch no arrays, allocate
/// nothing and process hidden units four at a time with `Lanes`
/// (concrete SIMD types: generic SIMD code measured 5–10× slower here), each
/// pass one sweep over the hidden units. Inputs of up to four features (the
/// seed's data has two) get their own inlined copy of each pass, with the
/// width a constant and the features held in registers; wider inputs share a
/// copy that reads them from memory. Every operation is a plain IEEE-754 add,
/// multiply or compare in a fixed order, so results are bit-identical on
/// every machine.
///
/// This is the reference and portable kernel. On x86-64 processors with AVX2,
/// per-example SGD runs in `CRunnerKernel` instead (AVX2Kernel.c), which
/// computes the same bits; any change here must be made there too, and the
/// pinned-results tests fail until both agree.
struct Kernel {
    /// d, the number of inputs.
    let d: Int
    /// h, the number of hidden units.
    let h: Int
    /// The network's parameters, read by both passes.
    let weights: WeightPointers
    /// Scratch for the h activations H of the last `forward` call.
    let hidden: UnsafeMutablePointer<Double>

    /// This kernel's network as the C kernel takes it.
    var network: runner_network {
        runner_network(inputs: d, hidden_units: h, weights: weights.wi, activations: hidden)
    }

    /// Stops the program when a call into the AVX2 kernel did not run: it was
    /// chosen on a processor without AVX2, outside `KernelInstructions.available`.
    func requireAVX2(_ ran: Bool) {
        precondition(ran, "the AVX2 kernel was chosen on a processor without AVX2")
    }

    /// Ybar = Wo·ReLU(x·Wi + bi) + bo; leaves the activations H in `hidden`.
    @inline(__always)
    func forward(_ x: UnsafePointer<Double>) -> Double {
        switch d {
        case 1: forward(x, width: 1)
        case 2: forward(x, width: 2)
        case 3: forward(x, width: 3)
        case 4: forward(x, width: 4)
        default: forward(x, width: d)
        }
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
        scale: Double, decay: Double, into target: WeightPointers
    ) {
        switch d {
        case 1: addGradient(x, width: 1, g, scale, decay, target)
        case 2: addGradient(x, width: 2, g, scale, decay, target)
        case 3: addGradient(x, width: 3, g, scale, decay, target)
        case 4: addGradient(x, width: 4, g, scale, decay, target)
        default: addGradient(x, width: d, g, scale, decay, target)
        }
    }

    /// `forward` for inputs of `width` features; inlined with a constant width.
    ///
    /// Each pre-activation sums in numpy's order, (x·Wi) + bi; Wo·H sums four lanes at a
    /// time, then the lanes and the tail in order (numpy's `dot` sums as its BLAS does).
    @inline(__always)
    private func forward(_ x: UnsafePointer<Double>, width: Int) -> Double {
        let features = Features(x, width: width)
        var sums = Lanes.zero
        var tailSum = 0.0
        forEachChunk { k in
            var z = features.vector(0) * load(weights.wi + k)
            var j = 1
            while j < width {
                z += features.vector(j) * load(weights.wi + (j &* h &+ k))
                j &+= 1
            }
            z += load(weights.bi + k)
            z.replace(with: 0, where: z .< 0)
            store(z, hidden + k)
            sums += load(weights.wo + k) * z
        } tail: { k in
            var z = features[0] * weights.wi[k]
            var j = 1
            while j < width {
                z += features[j] * weights.wi[j &* h &+ k]
                j &+= 1
            }
            z = max(z + weights.bi[k], 0)
            hidden[k] = z
            tailSum += weights.wo[k] * z
        }
        var output = 0.0
        for lane in 0..<Lanes.scalarCount {
            output += sums[lane]  // in lane order: SIMD's sum() leaves its order unspecified
        }
        return (output + tailSum) + weights.bo.pointee
    }

    /// `addGradient` for inputs of `width` features; inlined with a constant width.
    @inline(__always)
    private func addGradient(
        _ x: UnsafePointer<Double>, width: Int, _ g: Double,
        _ scale: Double, _ decay: Double, _ target: WeightPointers
    ) {
        let features = Features(x, width: width)
        let scaledG = scale * g
        let scaledDecay = scale * decay
        // Without decay the term is ±0 for every finite weight: skipping it
        // changes no value and saves a load and a multiply-add per weight.
        let decays = decay != 0
        forEachChunk { k in
            let activations = load(hidden + k)
            let outputWeights = load(weights.wo + k)
            var errors = Lanes(repeating: scaledG) * outputWeights  // scale·δ
            errors.replace(with: 0, where: .!(activations .> 0))
            store(load(target.bi + k) + errors, target.bi + k)
            let outputStep = Lanes(repeating: scaledG) * activations
            store(load(target.wo + k) + (decays ? outputStep + Lanes(repeating: scaledDecay) * outputWeights : outputStep), target.wo + k)
            var j = 0
            while j < width {
                let offset = j &* h &+ k
                let step = features.vector(j) * errors
                store(load(target.wi + offset) + (decays ? step + Lanes(repeating: scaledDecay) * load(weights.wi + offset) : step), target.wi + offset)
                j &+= 1
            }
        } tail: { k in
            let activation = hidden[k]
            let outputWeight = weights.wo[k]
            let error = activation > 0 ? scaledG * outputWeight : 0
            target.bi[k] += error
            target.wo[k] += decays ? scaledG * activation + scaledDecay * outputWeight : scaledG * activation
            var j = 0
            while j < width {
                let offset = j &* h &+ k
                target.wi[offset] += decays ? features[j] * error + scaledDecay * weights.wi[offset] : features[j] * error
                j &+= 1
            }
        }
        target.bo.pointee += scaledG
    }

    /// Calls `chunk` for k = 0, 4, 8, … while four hidden units remain, then
    /// `tail` for each of the last h mod 4.
    @inline(__always)
    private func forEachChunk(_ chunk: (Int) -> Void, tail: (Int) -> Void) {
        let h = h
        var k = 0
        while k &+ Lanes.scalarCount <= h {
            chunk(k)
            k &+= Lanes.scalarCount
        }
        while k < h {
            tail(k)
            k &+= 1
        }
    }
}

/// The features of one example: up to four copied into a register, so the
/// passes need not reload them after every store; more are read from memory.
private struct Features {
    let pointer: UnsafePointer<Double>
    let width: Int
    let registers: SIMD4<Double>

    @inline(__always)
    init(_ pointer: UnsafePointer<Double>, width: Int) {
        self.pointer = pointer
        self.width = width
        var registers = SIMD4<Double>.zero
        if width <= 4 {
            for j in 0..<width { registers[j] = pointer[j] }
        }
        self.registers = registers
    }

    /// Feature j in every lane.
    @inline(__always)
    func vector(_ j: Int) -> Lanes {
        Lanes(repeating: width <= 4 ? registers[j] : pointer[j])
    }

    /// Feature j.
    @inline(__always)
    subscript(j: Int) -> Double {
        width <= 4 ? registers[j] : pointer[j]
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
private func load(_ pointer: UnsafePointer<Double>) -> Lanes {
    UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
}

@inline(__always)
private func load(_ pointer: UnsafeMutablePointer<Double>) -> Lanes {
    UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
}

@inline(__always)
private func store(_ value: Lanes, _ pointer: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self)
}
