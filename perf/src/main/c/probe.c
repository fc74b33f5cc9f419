/*
 * probe.c: measures this machine's limits for ./vela bench — the single-precision FMA peak (one core and
 * all cores) and the streaming memory bandwidth of a large copy-scale-add loop.
 * Build: gcc -O3 -march=native -fopenmp probe.c -o probe
 * Output: one "name value unit" line per limit.
 */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* 12 independent FMA chains per thread hide the FMA latency; returns flops done. */
static double fma_kernel(long iters) {
#if defined(__AVX512F__)
    __m512 a[12], b = _mm512_set1_ps(1.0000001f), c = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < 12; i++) a[i] = _mm512_set1_ps((float) i);
    for (long k = 0; k < iters; k++)
        for (int i = 0; i < 12; i++) a[i] = _mm512_fmadd_ps(a[i], b, c);
    float s = 0; float tmp[16];
    for (int i = 0; i < 12; i++) { _mm512_storeu_ps(tmp, a[i]); s += tmp[0]; }
    if (s == 42.0f) printf("#");
    return (double) iters * 12 * 16 * 2;
#else
    __m256 a[12], b = _mm256_set1_ps(1.0000001f), c = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < 12; i++) a[i] = _mm256_set1_ps((float) i);
    for (long k = 0; k < iters; k++)
        for (int i = 0; i < 12; i++) a[i] = _mm256_fmadd_ps(a[i], b, c);
    float s = 0; float tmp[8];
    for (int i = 0; i < 12; i++) { _mm256_storeu_ps(tmp, a[i]); s += tmp[0]; }
    if (s == 42.0f) printf("#");
    return (double) iters * 12 * 8 * 2;
#endif
}

static double fma_peak(int threads, long iters) {
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now(), flops = 0;
#pragma omp parallel num_threads(threads) reduction(+ : flops)
        flops += fma_kernel(iters);
        double g = flops / (now() - t0) / 1e9;
        if (g > best) best = g;
    }
    return best;
}

int main(int argc, char **argv) {
    int quick = argc > 1;
    long iters = quick ? 20000000L : 100000000L;
    int cores = omp_get_num_procs();
    printf("fma_peak_1core %.1f GFLOP/s\n", fma_peak(1, iters));
    printf("fma_peak_all %.1f GFLOP/s\n", fma_peak(cores, iters));
    size_t n = (size_t) (quick ? 16 : 64) << 20; /* floats per array: 64 MiB or 256 MiB each */
    float *x = aligned_alloc(64, n * 4), *y = aligned_alloc(64, n * 4);
#pragma omp parallel for
    for (size_t i = 0; i < n; i++) { x[i] = (float) i; y[i] = 0; }
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
#pragma omp parallel for
        for (size_t i = 0; i < n; i++) y[i] = 0.5f * x[i] + y[i];
        double gbs = 3.0 * n * 4 / (now() - t0) / 1e9; /* read x, read y, write y */
        if (gbs > best) best = gbs;
    }
    printf("bandwidth %.1f GB/s\n", best);
    printf("cores %d\n", cores);
    free(x);
    free(y);
    return 0;
}
