// The per-example SGD epoch of runner's core, compiled for AVX2 and used when
// the processor has it.
//
// Swift compiles a package for the baseline of its architecture (SSE2 on
// x86-64) unless given machine-specific flags, which would make the build
// run on fewer machines. C can compile one function for AVX2 with a target
// attribute, and the program asks the processor before calling it. It
// computes what the Swift kernel computes, to the bit, without fused
// multiply-adds (AVX2Kernel.c lists where its operations differ and why the
// results do not; RunnerCore's tests compare the two). Elsewhere, or on a
// processor without AVX2, RunnerCore runs its Swift kernel. (An AVX-512 build
// of the same code measured slower here.)
//
// The scalar functions below are shared with the Swift side, which calls them
// through PortableMath, so each exists exactly once.

#ifndef RUNNER_KERNEL_H
#define RUNNER_KERNEL_H

// Bit-identical results need IEEE-754 arithmetic as written. The pragmas
// below forbid fused multiply-adds; fast-math would reorder operations too.
// (-ffp-contract=fast overrides the pragmas and cannot be detected: do not
// build with it either.)
#if defined(__FAST_MATH__)
#error "runner's kernel must not be compiled with -ffast-math: results would depend on the machine"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// 2^(i/64) for i = 0…63 as (high, low) pairs: the table of runner_exp.
extern const double runner_powers_of_two_by_64[128];

/// 2^k as a double, for −1022 ≤ k ≤ 1023.
static inline __attribute__((always_inline)) double runner_power_of_two(int64_t k) {
    double power;
    uint64_t bits = (uint64_t)(1023 + k) << 52;
    __builtin_memcpy(&power, &bits, sizeof power);
    return power;
}

/// y·2^k, exact unless the result is subnormal or overflows.
static inline __attribute__((always_inline)) double runner_scale_by_power_of_two(double y, int64_t k) {
#pragma STDC FP_CONTRACT OFF
    if (k >= -1021 && k <= 1023) return y * runner_power_of_two(k);
    if (k > 1023) return y * 0x1p1023 * runner_power_of_two(k - 1023);
    return y * 0x1p-1000 * runner_power_of_two(k + 1000);
}

/// e raised to x, bit-identical on every machine and within one ulp.
///
/// Table-driven, like glibc's: x = (64m + i)·ln2/64 + r with |r| ≤ ln2/128,
/// so eˣ = 2ᵐ · 2^(i/64) · eʳ, with eʳ − 1 from a degree-5 polynomial
/// evaluated in parallel halves. Only IEEE-754 basic operations (correctly
/// rounded everywhere) and no division, which keeps each SGD step short.
static inline __attribute__((always_inline)) double runner_exp(double x) {
#pragma STDC FP_CONTRACT OFF
    if (x != x) return x;
    if (x > 709.782712893383973096) return __builtin_inf();
    if (x < -745.13321910194110842) return 0;
    // x·64/ln2 rounded to an integer, ties to even: adding and subtracting
    // 1.5·2⁵² pushes the fraction bits out of the significand.
    double n = (x * 0x1.71547652b82fep+6 + 0x1.8p52) - 0x1.8p52;
    double r = (x - n * 0x1.62e42fef00000p-7) - n * 0x1.473de6af278edp-40;  // ln2/64 in two parts
    double r2 = r * r;
    double q = r + r2 * ((0.5 + r * (1.0 / 6)) + r2 * ((1.0 / 24) + r * (1.0 / 120)));
    int64_t k = (int64_t)n;
    int64_t i = (k & 63) * 2;
    double high = runner_powers_of_two_by_64[i], low = runner_powers_of_two_by_64[i + 1];
    int64_t m = k >> 6;
    if (m >= -960 && m <= 1023) {
        // The value of the line below, with its last multiply moved off the
        // chain of dependent operations. Exact: for m ≥ −960, high·2ᵐ and
        // low·2ᵐ are exact (|low| ≥ 2⁻⁵⁹ unless 0, so low·2ᵐ stays normal),
        // and a rounding of normal numbers scales with 2ᵐ, so each sum rounds
        // to 2ᵐ times its counterpart below. Where high·2ᵐ·q is subnormal,
        // |q| < 2⁻⁶², the correction low + high·q is below half an ulp of
        // high, and both lines return high·2ᵐ. m = 1024 (x near 709.78)
        // takes the line below. Checked against it near every boundary.
        double factor = runner_power_of_two(m);
        double scaled_high = high * factor;
        return scaled_high + (low * factor + scaled_high * q);
    }
    return runner_scale_by_power_of_two(high + (low + high * q), m);
}

/// runner_sigmoid(x) given e = runner_exp(−|x|), which a caller may start
/// computing from any value of the same magnitude as x.
static inline __attribute__((always_inline)) double runner_sigmoid_given_exp(double x, double e) {
#pragma STDC FP_CONTRACT OFF
    // 1/(1 + e⁻ˣ) for x ≥ 0 and eˣ/(1 + eˣ) below: exp never overflows.
    return (x >= 0 ? 1.0 : e) / (1.0 + e);
}

/// The logistic function 1 / (1 + e⁻ˣ), computed without overflow.
static inline __attribute__((always_inline)) double runner_sigmoid(double x) {
    return runner_sigmoid_given_exp(x, runner_exp(-__builtin_fabs(x)));
}

/// A network in raw memory.
typedef struct {
    /// d, the number of inputs.
    ptrdiff_t inputs;
    /// h, the number of hidden units.
    ptrdiff_t hidden_units;
    /// Wi (d×h, row-major), bi, Wo and bo, one after another.
    double *weights;
    /// Scratch for h activations.
    double *activations;
} runner_network;

/// One epoch of per-example SGD.
typedef struct {
    /// The network, whose weights are updated in place.
    runner_network network;
    /// The training inputs, row-major: example i is features[i·d ..< (i+1)·d].
    const double *features;
    /// The training labels, exactly −1 or +1 (RunnerCore's Dataset ensures
    /// it): the kernel relies on products with a label being exact.
    const double *labels;
    /// The examples to visit, in order.
    const ptrdiff_t *visits;
    /// The number of visits, at least one.
    ptrdiff_t visit_count;
    /// The step W ← W + step·(∂s/∂W + decay·W): minus the learning rate.
    double step;
    /// L2 weight decay on Wi and Wo.
    double decay;
} runner_sgd_epoch;

/// The outputs Ybar of a network for many examples.
typedef struct {
    /// The network; its weights are not written.
    runner_network network;
    /// The inputs, row-major: example i is features[i·d ..< (i+1)·d].
    const double *features;
    /// The number of examples.
    ptrdiff_t count;
    /// Where Ybar of example i goes: outputs[i].
    double *outputs;
} runner_outputs;

/// Whether this processor and operating system run the AVX2 kernel; asked once.
bool runner_has_avx2(void);

/// Runs one epoch with AVX2; returns false, having done nothing, when
/// runner_has_avx2() is false.
bool runner_run_sgd_epoch_avx2(const runner_sgd_epoch *epoch);

/// Computes the outputs with AVX2, the same bits as the Swift kernel's
/// forward pass; returns false, having done nothing, without AVX2.
bool runner_compute_outputs_avx2(const runner_outputs *job);

/// Replaces each of `count` outputs Ybar in `values` with the logistic loss
/// log(1 + exp(−Y·Ybar)) for its label in `labels` (each −1 or +1), the same
/// bits as RunnerCore's logisticLoss; returns false, having done nothing,
/// without AVX2.
bool runner_logistic_losses_avx2(const double *labels, double *values, ptrdiff_t count);

#endif
