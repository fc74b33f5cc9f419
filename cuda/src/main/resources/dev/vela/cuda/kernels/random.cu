// Counter-based random numbers, the generator of dev.vela.cpu.CounterRng. See cuda/KERNELS.md.
// The 64-bit hash is reproduced bit for bit (unsigned arithmetic wraps like Java's long); the double
// arithmetic after it is kept un-fused (__dmul_rn / __dadd_rn) so that it rounds exactly like Java.
#include "vela_common.cuh"

#define VELA_TWO_POW_M53 1.1102230246251565404236316680908203125e-16  // 2^-53
#define VELA_TWO_PI 6.283185307179586                                   // (double) (2.0 * Math.PI)

// CounterRng.bits(seed, i): the SplitMix64 finaliser of seed * C1 + (i + 1) * golden gamma.
__device__ __forceinline__ unsigned long long vela_rng_bits(unsigned long long seed, unsigned long long i) {
    unsigned long long z = seed * 0xD1B54A32D192ED03ull + (i + 1ull) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// (bits >>> 11) * 2^-53: uniform in [0, 1) with 53 random bits (exact).
__device__ __forceinline__ double vela_rng_uniform(unsigned long long seed, unsigned long long i) {
    return (double)(vela_rng_bits(seed, i) >> 11) * VELA_TWO_POW_M53;
}

// CounterRng.normal(seed, i): Box-Muller over positions 2i and 2i+1.
__device__ __forceinline__ double vela_rng_normal(unsigned long long seed, unsigned long long i) {
    const double u1 = vela_rng_uniform(seed, 2ull * i);
    const double u2 = vela_rng_uniform(seed, 2ull * i + 1ull);
    return __dmul_rn(sqrt(__dmul_rn(-2.0, log1p(-u1))), cos(__dmul_rn(VELA_TWO_PI, u2)));
}

template <typename T>
__device__ __forceinline__ void random_uniform_impl(long long n, unsigned long long seed, unsigned long long counter,
                                                    double low, double high, T* out) {
    const double span = high - low;
    const long long tid = vela_tid(), nt = vela_nthreads();
    for (long long i = tid; i < n; i += nt) {
        const double u = vela_rng_uniform(seed, counter + (unsigned long long)i);
        out[i] = from_d<T>(__dadd_rn(low, __dmul_rn(span, u)));
    }
}

template <typename T>
__device__ __forceinline__ void random_normal_impl(long long n, unsigned long long seed, unsigned long long counter,
                                                   double mean, double std, T* out) {
    const long long tid = vela_tid(), nt = vela_nthreads();
    for (long long i = tid; i < n; i += nt) {
        const double g = vela_rng_normal(seed, counter + (unsigned long long)i);
        out[i] = from_d<T>(__dadd_rn(mean, __dmul_rn(std, g)));
    }
}

#define VELA_RANDOM_T(SUF, T)                                                                                        \
    extern "C" __global__ void random_uniform_##SUF(long long n, unsigned long long seed, unsigned long long counter,  \
                                                    double low, double high, T* out) {                               \
        random_uniform_impl<T>(n, seed, counter, low, high, out);                                                    \
    }                                                                                                                \
    extern "C" __global__ void random_normal_##SUF(long long n, unsigned long long seed, unsigned long long counter,   \
                                                   double mean, double std, T* out) {                                \
        random_normal_impl<T>(n, seed, counter, mean, std, out);                                                     \
    }

VELA_RANDOM_T(f32, float)
VELA_RANDOM_T(f64, double)
