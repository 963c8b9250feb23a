import CRunnerKernel

/// Elementary functions computed the same way on every machine.
///
/// `exp`, `log`, `sin` and `cos` from the platform's libm differ in their last
/// bit between glibc, Apple's libm and musl, and one differing bit in a
/// sigmoid changes every later SGD step. These versions follow fdlibm's
/// algorithms (Sun Microsystems, 1993: the same range reductions and
/// polynomial coefficients; `exp` is table-driven like glibc's and written in
/// C, shared with the AVX2 kernel) using only IEEE-754 basic operations,
/// which are correctly rounded everywhere, so their results are bit-identical
/// across machines and within about one ulp of the true value.
public enum PortableMath {
    private static let ln2Hi = 6.93147180369123816490e-01
    private static let ln2Lo = 1.90821492927058770002e-10

    /// e raised to `x`, within one ulp.
    ///
    /// Table-driven, like glibc's, with no division; written
    /// in C (`runner_exp` in CRunnerKernel) so that the C training kernel and
    /// the Swift code share one implementation.
    @inline(__always)
    public static func exp(_ x: Double) -> Double {
        runner_exp(x)
    }

    /// The natural logarithm of `x`.
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x.isInfinite { return x }
        var k = Double(x.exponent)
        var m = x.significand  // in [1, 2)
        if m > 1.41421356237309504880 {
            m *= 0.5
            k += 1
        }
        let f = m - 1
        let s = f / (2 + f)
        let z = s * s
        let w = z * z
        let t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01))
        let t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01
            + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)))
        let r = t2 + t1
        let halfSquare = 0.5 * f * f
        return k * ln2Hi - ((halfSquare - (s * (halfSquare + r) + k * ln2Lo)) - f)
    }

    /// log(1 + x), accurate for small `x` (Goldberg's correction of log(1 + x)).
    public static func log1p(_ x: Double) -> Double {
        if x == -1 { return -.infinity }
        if x.isInfinite && x > 0 { return x }
        let u = 1 + x
        if u == 1 { return x }
        return log(u) + (x - (u - 1)) / u
    }

    /// The sine of `x` (radians), to about 2·10⁻¹⁶ absolute for |x| up to 10⁶;
    /// larger arguments lose accuracy. NaN for infinite or NaN `x`.
    public static func sin(_ x: Double) -> Double {
        if !x.isFinite { return .nan }
        if abs(x) < 0x1p-27 { return x }  // sin x = x to double precision, keeping −0
        let (quadrant, r) = reduceQuarterTurns(x)
        switch quadrant {
        case 0: return sinKernel(r)
        case 1: return cosKernel(r)
        case 2: return -sinKernel(r)
        default: return -cosKernel(r)
        }
    }

    /// The cosine of `x` (radians), to about 2·10⁻¹⁶ absolute for |x| up to 10⁶;
    /// larger arguments lose accuracy. NaN for infinite or NaN `x`.
    public static func cos(_ x: Double) -> Double {
        if !x.isFinite { return .nan }
        let (quadrant, r) = reduceQuarterTurns(x)
        switch quadrant {
        case 0: return cosKernel(r)
        case 1: return -sinKernel(r)
        case 2: return -cosKernel(r)
        default: return sinKernel(r)
        }
    }

    /// The numerically stable logistic function 1 / (1 + e⁻ˣ): 1/(1 + e⁻ˣ)
    /// for x ≥ 0 and eˣ/(1 + eˣ) below, so exp never overflows. Shared with
    /// the C kernel (`runner_sigmoid`).
    @inline(__always)
    public static func sigmoid(_ x: Double) -> Double {
        runner_sigmoid(x)
    }

    /// The numerically stable softplus log(1 + eˣ): never overflows, equals x for large x.
    @inline(__always)
    public static func softplus(_ x: Double) -> Double {
        max(x, 0) + log1p(exp(-abs(x)))
    }

    /// `v` rounded to the nearest integer, ties to even, for |v| < 2⁵¹.
    ///
    /// Adding and subtracting 1.5·2⁵² pushes the fraction bits out of the
    /// significand: one IEEE addition rounds, with no call into libm.
    @inline(__always)
    private static func roundedToInteger(_ v: Double) -> Double {
        (v + 0x1.8p52) - 0x1.8p52
    }

    /// Splits x into n·π/2 + r with |r| ≤ π/4 (Cody–Waite, two-part π/2).
    ///
    /// Exact for |x| < 2²⁰; larger arguments are first reduced modulo the
    /// double nearest 2π (an exact operation), which keeps the result a
    /// sine or cosine of some angle but not of x itself.
    private static func reduceQuarterTurns(_ x: Double) -> (quadrant: Int, remainder: Double) {
        let x = abs(x) < 0x1p20 ? x : x.truncatingRemainder(dividingBy: 2 * .pi)
        let pio2Hi = 1.57079632673412561417e+00  // 33 bits: n·pio2Hi is exact
        let pio2Lo = 6.07710050650619224932e-11
        let n = roundedToInteger(x * 6.36619772367581382433e-01)
        let r = (x - n * pio2Hi) - n * pio2Lo
        let quadrant = Int(n.truncatingRemainder(dividingBy: 4)) & 3  // no Int overflow for huge n
        return (quadrant, r)
    }

    private static func sinKernel(_ x: Double) -> Double {
        let z = x * x
        let v = z * x
        let r = 8.33333333332248946124e-03 + z * (-1.98412698298579493134e-04
            + z * (2.75573137070700676789e-06 + z * (-2.50507602534068634195e-08
            + z * 1.58969099521155010221e-10)))
        return x + v * (-1.66666666666666324348e-01 + z * r)
    }

    private static func cosKernel(_ x: Double) -> Double {
        let z = x * x
        let r = z * (4.16666666666666019037e-02 + z * (-1.38888888888741095749e-03
            + z * (2.48015872894767294178e-05 + z * (-2.75573143513906633035e-07
            + z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11)))))
        let halfZ = 0.5 * z
        let w = 1 - halfZ
        return w + (((1 - w) - halfZ) + z * r)
    }
}
