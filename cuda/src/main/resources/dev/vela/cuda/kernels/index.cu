// gather / index_add along one axis of a contiguous [outer, len, inner] tensor. See cuda/KERNELS.md.
#include "vela_common.cuh"

// Records the first bad index seen: err[0] becomes 1 once, and the thread that flipped it writes
// err[1] = position in idx, err[2] = the index value.
__device__ __forceinline__ void vela_report_bad_index(long long* err, long long position, long long value) {
    if (atomicCAS(reinterpret_cast<unsigned long long*>(err), 0ull, 1ull) == 0ull) {
        err[1] = position;
        err[2] = value;
    }
}

// Validates every index once (also when outer or inner is 0), reporting a bad one through err.
__device__ __forceinline__ void vela_check_indices(long long nidx, long long len, const long long* idx, long long* err) {
    const long long tid = vela_tid(), nt = vela_nthreads();
    for (long long j = tid; j < nidx; j += nt) {
        const long long v = idx[j];
        const long long w = v < 0 ? v + len : v;
        if (w < 0 || w >= len) vela_report_bad_index(err, j, v);
    }
}

// out[a, j, q] = x[a, idx[j], q]
template <typename T>
__device__ __forceinline__ void gather_impl(long long outer, long long nidx, long long inner, long long len, const T* x,
                                            const long long* idx, T* out, long long* err) {
    vela_check_indices(nidx, len, idx, err);
    const long long total = outer * nidx * inner;
    const long long tid = vela_tid(), nt = vela_nthreads();
    for (long long i = tid; i < total; i += nt) {
        long long q, j;
        const long long t = vela_divmod(i, inner, q);
        const long long a = vela_divmod(t, nidx, j);
        const long long v = idx[j];
        const long long w = v < 0 ? v + len : v;
        if (w < 0 || w >= len) continue;  // reported by vela_check_indices
        out[i] = x[(a * len + w) * inner + q];
    }
}

__device__ __forceinline__ void vela_atomic_add(float* p, float v) { atomicAdd(p, v); }
__device__ __forceinline__ void vela_atomic_add(double* p, double v) { atomicAdd(p, v); }
__device__ __forceinline__ void vela_atomic_add(int* p, int v) { atomicAdd(p, v); }
__device__ __forceinline__ void vela_atomic_add(long long* p, long long v) {
    atomicAdd(reinterpret_cast<unsigned long long*>(p), (unsigned long long)v);  // two's complement: same bits
}

// out[a, idx[j], q] += src[a, j, q]
template <typename T>
__device__ __forceinline__ void index_add_impl(long long outer, long long nidx, long long inner, long long len,
                                               const T* src, const long long* idx, T* out, long long* err) {
    vela_check_indices(nidx, len, idx, err);
    const long long total = outer * nidx * inner;
    const long long tid = vela_tid(), nt = vela_nthreads();
    for (long long i = tid; i < total; i += nt) {
        long long q, j;
        const long long t = vela_divmod(i, inner, q);
        const long long a = vela_divmod(t, nidx, j);
        const long long v = idx[j];
        const long long w = v < 0 ? v + len : v;
        if (w < 0 || w >= len) continue;  // reported by vela_check_indices
        vela_atomic_add(out + (a * len + w) * inner + q, src[i]);
    }
}

#define VELA_GATHER_T(SUF, T)                                                                                        \
    extern "C" __global__ void gather_##SUF(long long outer, long long nidx, long long inner, long long len,          \
                                            const T* x, const long long* idx, T* out, long long* err) {              \
        gather_impl<T>(outer, nidx, inner, len, x, idx, out, err);                                                   \
    }
#define VELA_INDEX_ADD_T(SUF, T)                                                                                     \
    extern "C" __global__ void index_add_##SUF(long long outer, long long nidx, long long inner, long long len,       \
                                               const T* src, const long long* idx, T* out, long long* err) {         \
        index_add_impl<T>(outer, nidx, inner, len, src, idx, out, err);                                              \
    }

VELA_GATHER_T(f32, float)
VELA_GATHER_T(f64, double)
VELA_GATHER_T(i32, int)
VELA_GATHER_T(i64, long long)
VELA_GATHER_T(u8, unsigned char)

VELA_INDEX_ADD_T(f32, float)
VELA_INDEX_ADD_T(f64, double)
VELA_INDEX_ADD_T(i32, int)
VELA_INDEX_ADD_T(i64, long long)
