/*
 * The same per-example SGD loop as runner's core, written plainly in C, for
 * comparison with `swift run -c release runner-benchmark` on the same machine:
 *
 *     gcc -O3 Benchmarks/plain-c-reference.c -o /tmp/c-reference -lm && /tmp/c-reference
 *     gcc -O3 -march=native Benchmarks/plain-c-reference.c -o /tmp/c-native -lm && /tmp/c-native
 *     gcc -Ofast -march=native Benchmarks/plain-c-reference.c -o /tmp/c-fast -lm && /tmp/c-fast
 *
 * The last line is what "a plain C loop" usually means in a speed claim; its
 * fast-math reorders sums and fuses multiply-adds, so its results depend on
 * the compiler and the machine, which runner's must not.
 *
 * It is not part of the package: it exists to keep the performance claims in
 * the README honest. Data: 10,000 points uniform in [-0.5, 0.5]^2 labelled by
 * the sign of x*y; the best of 30 timed epochs after one warm-up, as
 * runner-benchmark does.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    const int n = 10000, d = 2, sizes[] = {16, 64, 256};
    double *X = malloc(sizeof(double) * n * d), *Y = malloc(sizeof(double) * n);
    srand(1);
    for (int i = 0; i < n * d; i++) X[i] = rand() / (double)RAND_MAX - 0.5;
    for (int i = 0; i < n; i++) Y[i] = X[2 * i] * X[2 * i + 1] > 0 ? 1 : -1;
    for (int s = 0; s < 3; s++) {
        int h = sizes[s];
        double *Wi = malloc(sizeof(double) * d * h), *bi = calloc(h, sizeof(double));
        double *Wo = malloc(sizeof(double) * h), *H = malloc(sizeof(double) * h), bo = 0, lr = 0.001, best = 1e9;
        for (int i = 0; i < d * h; i++) Wi[i] = rand() / (double)RAND_MAX - 0.5;
        for (int k = 0; k < h; k++) Wo[k] = rand() / (double)RAND_MAX - 0.5;
        for (int round = 0; round < 31; round++) {
            double start = now();
            for (int i = 0; i < n; i++) {
                const double *x = X + i * d, y = Y[i];
                double out = bo;
                for (int k = 0; k < h; k++) {
                    double z = bi[k];
                    for (int j = 0; j < d; j++) z += x[j] * Wi[j * h + k];
                    H[k] = z > 0 ? z : 0;
                    out += Wo[k] * H[k];
                }
                double g = -y / (1 + exp(y * out));
                for (int k = 0; k < h; k++) {
                    double delta = H[k] > 0 ? g * Wo[k] : 0;
                    Wo[k] -= lr * g * H[k];
                    bi[k] -= lr * delta;
                    for (int j = 0; j < d; j++) Wi[j * h + k] -= lr * x[j] * delta;
                }
                bo -= lr * g;
            }
            double elapsed = now() - start;
            if (round > 0 && elapsed < best) best = elapsed;
        }
        printf("h = %3d: %.2fM examples/s\n", h, n / best / 1e6);
    }
    return 0;
}
