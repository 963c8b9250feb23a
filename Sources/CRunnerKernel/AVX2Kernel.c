// Per-example SGD epochs, and forward passes for evaluation, for processors
// with AVX2, chosen at run time (RunnerKernel.h says why).
//
// Written with four-lane vectors of the compiler's vector extension, the
// lanes of the Swift kernel's SIMD4<Double>, it computes every value the
// Swift kernel (Kernel.swift) computes, to the bit, for every finite input;
// only the sign and payload of a NaN may differ. It makes one sweep over the
// weights per example instead of two: the sweep that applies example n's
// update to a hidden unit goes on to compute that unit's activation for
// example n + 1 from the weights just written, which are the values a
// separate forward pass would read. Where it departs from the Swift kernel's
// operations, to shorten the chain of dependent operations from one example
// to the next, the comment says why the result is the same: products with a
// label are sign flips (times_minus_label), the sigmoid's exp starts from the
// output rather than the margin, the output
// sum selects Wo·(+0) for negative pre-activations instead of multiplying
// after the ReLU, and a +0 tail sum is not added.
//
// It is compiled and chosen for AVX2, which x86-64 processors have had since
// 2013 (Intel Haswell, AMD Excavator).

#include "RunnerKernel.h"

#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)

#include <cpuid.h>

#define INLINE static inline __attribute__((always_inline))

// Everything up to the entry point is inlined into it and compiled for AVX2.
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)

/// Four doubles, loaded from and stored to any 8-byte aligned address of
/// doubles (may_alias, as <immintrin.h>'s own unaligned types).
typedef double lanes __attribute__((vector_size(32), aligned(8), __may_alias__));
/// Four lanes of all-ones or all-zeros bits, as comparisons give them.
typedef int64_t lane_mask __attribute__((vector_size(32), aligned(8), __may_alias__));
enum { lane_count = 4, max_register_inputs = 4 };

INLINE lanes load(const double *p) { return *(const lanes *)p; }
INLINE void store(double *p, lanes v) { *(lanes *)p = v; }
INLINE lanes splat(double v) { return (lanes){v, v, v, v}; }
INLINE lanes zero_where(lane_mask mask, lanes v) { return (lanes)((lane_mask)v & ~mask); }
/// a where mask is set, b elsewhere.
INLINE lanes blend(lane_mask mask, lanes a, lanes b) { return (lanes)(((lane_mask)a & mask) | ((lane_mask)b & ~mask)); }

/// Where each tensor starts in the flat weight buffer.
typedef struct {
    double *wi, *bi, *wo, *bo;
} tensors;

INLINE tensors tensors_of(const runner_network *network) {
    const ptrdiff_t d = network->inputs, h = network->hidden_units;
    double *weights = network->weights;
    return (tensors){weights, weights + d * h, weights + d * h + h, weights + d * h + 2 * h};
}

/// The features of one example: when the width is a constant of at most
/// four, held in registers, each also in every lane; otherwise read from memory.
typedef struct {
    const double *pointer;
    double scalars[max_register_inputs];
    lanes vectors[max_register_inputs];
} features;

INLINE features features_of(const double *x, ptrdiff_t width) {
    features f = {.pointer = x};
    if (width <= max_register_inputs) {
        for (ptrdiff_t j = 0; j < width; j++) {
            f.scalars[j] = x[j];
            f.vectors[j] = splat(x[j]);
        }
    }
    return f;
}

INLINE lanes feature_lanes(const features *f, ptrdiff_t width, ptrdiff_t j) {
    return width <= max_register_inputs ? f->vectors[j] : splat(f->pointer[j]);
}

INLINE double feature(const features *f, ptrdiff_t width, ptrdiff_t j) {
    return width <= max_register_inputs ? f->scalars[j] : f->pointer[j];
}

/// What one sweep over the hidden units does.
typedef struct {
    /// Apply the step of the example `x`, whose activations the sweep before
    /// left in the scratch, with `scaled_gradient` = step·∂s/∂Ybar and
    /// `scaled_decay` = step·decay.
    bool update;
    const double *x;
    double scaled_gradient;
    double scaled_decay;
    /// Compute the activations and output of the example `next`.
    bool forward;
    const double *next;
} sweep_work;

/// One pass over the hidden units (see sweep_work); returns the output of
/// `next` when work.forward is set. `width` is the number of inputs, a
/// constant up to four; `decays` is whether decay is non-zero.
INLINE double sweep(const runner_network *network, tensors t, ptrdiff_t width, bool decays, sweep_work work) {
    const ptrdiff_t h = network->hidden_units;
    double *activations = network->activations;
    const features x = features_of(work.x, work.update ? width : 0);
    const features next = features_of(work.next, work.forward ? width : 0);
    const lanes scaled_gradient = splat(work.scaled_gradient);
    const lanes scaled_decays = splat(work.scaled_decay);
    if (work.update) *t.bo += work.scaled_gradient;

    lanes sums = splat(0);
    ptrdiff_t k = 0;
    for (; k + lane_count <= h; k += lane_count) {
        // The weights of these units stay in registers from update to forward
        // (for up to four inputs; more are written back and read again).
        lanes bi = load(t.bi + k), wo = load(t.wo + k), wi[max_register_inputs];
        if (width <= max_register_inputs) {
            for (ptrdiff_t j = 0; j < width; j++) wi[j] = load(t.wi + j * h + k);
        }
        if (work.update) {
            // Kernel.addGradient: the errors use the output weights from before the step.
            lanes activation = load(activations + k);
            lanes errors = zero_where(~(activation > splat(0)), scaled_gradient * wo);
            bi = bi + errors;
            store(t.bi + k, bi);
            lanes output_step = scaled_gradient * activation;
            wo = wo + (decays ? output_step + scaled_decays * wo : output_step);
            store(t.wo + k, wo);
            for (ptrdiff_t j = 0; j < width; j++) {
                lanes old = width <= max_register_inputs ? wi[j] : load(t.wi + j * h + k);
                lanes step = feature_lanes(&x, width, j) * errors;
                lanes updated = old + (decays ? step + scaled_decays * old : step);
                store(t.wi + j * h + k, updated);
                if (width <= max_register_inputs) wi[j] = updated;
            }
        }
        if (work.forward) {
            // Kernel.forward: (x·Wi) + bi, then ReLU keeping −0 as the Swift kernel's lanes do.
            lanes z = splat(0);
            for (ptrdiff_t j = 0; j < width; j++) {
                lanes weight = width <= max_register_inputs ? wi[j] : load(t.wi + j * h + k);
                lanes term = feature_lanes(&next, width, j) * weight;
                z = j == 0 ? term : z + term;
            }
            z += bi;
            // ReLU, then Wo·z. Where z < 0 the product is Wo·(+0), which does
            // not wait for z: select it rather than multiply after the ReLU.
            lane_mask negative = z < splat(0);
            store(activations + k, zero_where(negative, z));
            lanes product = wo * z, product_if_negative = wo * splat(0);
            sums += blend(negative, product_if_negative, product);
        }
    }
    double tail_sum = 0;
    for (; k < h; k++) {
        if (work.update) {
            double activation = activations[k], output_weight = t.wo[k];
            double error = activation > 0 ? work.scaled_gradient * output_weight : 0;
            t.bi[k] += error;
            t.wo[k] += decays ? work.scaled_gradient * activation + work.scaled_decay * output_weight
                              : work.scaled_gradient * activation;
            for (ptrdiff_t j = 0; j < width; j++) {
                double *wi = t.wi + j * h + k;
                *wi += decays ? feature(&x, width, j) * error + work.scaled_decay * *wi : feature(&x, width, j) * error;
            }
        }
        if (work.forward) {
            double z = feature(&next, width, 0) * t.wi[k];
            for (ptrdiff_t j = 1; j < width; j++) z += feature(&next, width, j) * t.wi[j * h + k];
            z += t.bi[k];
            z = 0 >= z ? 0 : z;  // Swift's max(z, 0), which gives +0 for −0
            activations[k] = z;
            tail_sum += t.wo[k] * z;
        }
    }
    double output = 0;
    for (int lane = 0; lane < lane_count; lane++) output += sums[lane];
    // Adding a tail sum of +0 changes nothing: `output` cannot be −0 after 0 + sums[0].
    return (h % lane_count ? output + tail_sum : output) + *t.bo;
}

/// −y·v for a label y of ±1: exact, so a sign flip rather than a multiply.
INLINE double times_minus_label(double y, double v) {
    typedef double pair __attribute__((vector_size(16)));
    typedef int64_t pair_bits __attribute__((vector_size(16)));
    pair_bits flip = (pair_bits)(pair){-y, 0} & (pair_bits){INT64_MIN, 0};
    return ((pair)((pair_bits)(pair){v, 0} ^ flip))[0];
}

/// The epoch for inputs of `width` features (a constant, or the network's).
INLINE void epoch(const runner_sgd_epoch *job, ptrdiff_t width, bool decays) {
    const runner_sgd_epoch e = *job;  // a local copy stays in registers
    const ptrdiff_t d = e.network.inputs;
    const tensors t = tensors_of(&e.network);
    const double *x = e.features + e.visits[0] * d;
    double output = sweep(&e.network, t, width, decays, (sweep_work){.forward = true, .next = x});
    for (ptrdiff_t n = 0; n < e.visit_count; n++) {
        const double y = e.labels[e.visits[n]];
        // step·∂s/∂Ybar = step·(−Y·σ(−Y·Ybar)) as logisticLossDerivative and
        // Kernel.addGradient compute it. With Y = ±1 every product with Y is
        // exact, so (−Y·step)·σ rounds the same way and saves a multiply on
        // the chain from one example to the next.
        // The exp starts from the output, before the sign flip: |margin| = |output|.
        const double margin = times_minus_label(y, output);
        const double sigmoid = runner_sigmoid_given_exp(margin, runner_exp(-__builtin_fabs(output)));
        const double scaled_gradient = times_minus_label(y, e.step) * sigmoid;
        sweep_work work = {.update = true, .x = x, .scaled_gradient = scaled_gradient, .scaled_decay = e.step * e.decay};
        if (n + 1 < e.visit_count) {
            x = e.features + e.visits[n + 1] * d;
            work.forward = true;
            work.next = x;
        }
        output = sweep(&e.network, t, width, decays, work);
    }
}

/// The outputs for inputs of `width` features (a constant, or the network's).
INLINE void outputs(const runner_outputs *job, ptrdiff_t width) {
    const ptrdiff_t d = job->network.inputs;
    const tensors t = tensors_of(&job->network);
    for (ptrdiff_t i = 0; i < job->count; i++) {
        job->outputs[i] = sweep(&job->network, t, width, false, (sweep_work){.forward = true, .next = job->features + i * d});
    }
}

/// Runs CALL(width) with the width a constant for one to four inputs.
#define WITH_CONSTANT_WIDTH(inputs, CALL) \
    switch (inputs) {                     \
    case 1: CALL(1); break;               \
    case 2: CALL(2); break;               \
    case 3: CALL(3); break;               \
    case 4: CALL(4); break;               \
    default: CALL(inputs); break;         \
    }

/// The epoch with the input width and whether it decays made constants.
INLINE void specialized_epoch(const runner_sgd_epoch *e) {
#define DECAYING_EPOCH(width) epoch(e, width, true)
#define PLAIN_EPOCH(width) epoch(e, width, false)
    if (e->decay != 0) {
        WITH_CONSTANT_WIDTH(e->network.inputs, DECAYING_EPOCH)
    } else {
        WITH_CONSTANT_WIDTH(e->network.inputs, PLAIN_EPOCH)
    }
#undef DECAYING_EPOCH
#undef PLAIN_EPOCH
}

/// The outputs with the input width made a constant.
INLINE void specialized_outputs(const runner_outputs *job) {
#define OUTPUTS(width) outputs(job, width)
    WITH_CONSTANT_WIDTH(job->network.inputs, OUTPUTS)
#undef OUTPUTS
}

/// PortableMath.log(u) for u in [1, 2], or NaN: fdlibm's reduction, whose
/// exponent k is then 0 or 1 (u = 2, or a significand above √2 halved).
INLINE lanes log_one_to_two(lanes u) {
    const lane_mask two = u == splat(2);
    lanes k = blend(two, splat(1), splat(0));
    lanes m = blend(two, splat(1), u);
    const lane_mask halve = m > splat(1.41421356237309504880);
    m = blend(halve, m * splat(0.5), m);
    k = blend(halve, k + splat(1), k);
    const lanes f = m - splat(1);
    const lanes s = f / (splat(2) + f);
    const lanes z = s * s;
    const lanes w = z * z;
    const lanes t1 = w * (splat(3.999999999940941908e-01) + w * (splat(2.222219843214978396e-01) + w * splat(1.531383769920937332e-01)));
    const lanes t2 = z * (splat(6.666666666666735130e-01) + w * (splat(2.857142874366239149e-01)
        + w * (splat(1.818357216161805012e-01) + w * splat(1.479819860511658591e-01))));
    const lanes r = t2 + t1;
    const lanes half_square = splat(0.5) * f * f;
    return k * splat(6.93147180369123816490e-01)
        - ((half_square - (s * (half_square + r) + k * splat(1.90821492927058770002e-10))) - f);
}

/// logisticLoss: softplus(−Y·Ybar) = max(m, 0) + log1p(exp(−|m|)) for the
/// margin m = −Y·Ybar, as PortableMath computes it. exp(−|m|) is in [0, 1],
/// so log1p's 1 + e is in [1, 2], where it returns e itself when 1 + e = 1.
INLINE lanes logistic_losses(lanes labels, lanes outputs) {
    const lanes margin = -labels * outputs;
    const lanes e = {
        runner_exp(-__builtin_fabs(margin[0])), runner_exp(-__builtin_fabs(margin[1])),
        runner_exp(-__builtin_fabs(margin[2])), runner_exp(-__builtin_fabs(margin[3])),
    };
    const lanes u = splat(1) + e;
    const lanes log1p = blend(u == splat(1), e, log_one_to_two(u) + (e - (u - splat(1))) / u);
    return blend(splat(0) >= margin, splat(0), margin) + log1p;  // Swift's max(m, 0)
}

/// Replaces each of `count` outputs with its logistic loss, four at a time;
/// the last few padded to four.
INLINE void losses(const double *labels, double *values, ptrdiff_t count) {
    ptrdiff_t i = 0;
    for (; i + lane_count <= count; i += lane_count) {
        store(values + i, logistic_losses(load(labels + i), load(values + i)));
    }
    if (i < count) {
        double label_tail[lane_count] = {1, 1, 1, 1}, value_tail[lane_count] = {0, 0, 0, 0};
        for (ptrdiff_t j = 0; i + j < count; j++) {
            label_tail[j] = labels[i + j];
            value_tail[j] = values[i + j];
        }
        store(value_tail, logistic_losses(load(label_tail), load(value_tail)));
        for (ptrdiff_t j = 0; i + j < count; j++) values[i + j] = value_tail[j];
    }
}

#pragma clang attribute pop

__attribute__((target("avx2"))) static void epoch_avx2(const runner_sgd_epoch *e) { specialized_epoch(e); }

__attribute__((target("avx2"))) static void outputs_avx2(const runner_outputs *job) { specialized_outputs(job); }

__attribute__((target("avx2"))) static void losses_avx2(const double *labels, double *values, ptrdiff_t count) {
    losses(labels, values, count);
}

/// Whether the processor and the operating system support AVX2.
static bool supports_avx2(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE) || !(ecx & bit_AVX)) return false;
    unsigned xcr0_low, xcr0_high;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    const bool saves_ymm_registers = (xcr0_low & 0x6) == 0x6;
    return saves_ymm_registers && __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ebx & bit_AVX2);
}

/// 0 until asked, then 1 + the answer: cpuid is slow in a virtual machine,
/// so it is asked once (racing threads all write the same value).
static int cached_avx2_support;

bool runner_has_avx2(void) {
    int cached = __atomic_load_n(&cached_avx2_support, __ATOMIC_RELAXED);
    if (cached == 0) {
        cached = 1 + supports_avx2();
        __atomic_store_n(&cached_avx2_support, cached, __ATOMIC_RELAXED);
    }
    return cached == 2;
}

bool runner_run_sgd_epoch_avx2(const runner_sgd_epoch *epoch) {
    if (!runner_has_avx2()) return false;
    epoch_avx2(epoch);
    return true;
}

bool runner_compute_outputs_avx2(const runner_outputs *job) {
    if (!runner_has_avx2()) return false;
    outputs_avx2(job);
    return true;
}

bool runner_logistic_losses_avx2(const double *labels, double *values, ptrdiff_t count) {
    if (!runner_has_avx2()) return false;
    losses_avx2(labels, values, count);
    return true;
}

#else

bool runner_has_avx2(void) { return false; }

bool runner_run_sgd_epoch_avx2(const runner_sgd_epoch *epoch) {
    (void)epoch;
    return false;
}

bool runner_compute_outputs_avx2(const runner_outputs *job) {
    (void)job;
    return false;
}

bool runner_logistic_losses_avx2(const double *labels, double *values, ptrdiff_t count) {
    (void)labels, (void)values, (void)count;
    return false;
}

#endif
