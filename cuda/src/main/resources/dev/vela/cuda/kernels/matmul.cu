// Batched GEMM C[z] = A[z] B[z] with arbitrary strides. See cuda/KERNELS.md.
//
// One block of 256 threads computes a BM x BN tile of C, stepping through k in slices of BK that are staged in
// double-buffered shared memory: while the tile of slice t is multiplied out of shared memory, slice t+1 is
// already loaded from global memory into registers, and stored into the other buffer afterwards (one barrier
// per slice). Shared tiles are stored k-major (As[k][m], Bs[k][n]) so that each thread reads its fragments
// with vector loads. The 8 warps are arranged 2 (m) x 4 (n); a lane owns a TM x TN block of C made of 2 x 2
// sub-blocks (TM/2 x TN/2) spaced half a warp tile apart, which keeps the shared reads conflict-free.
//
// Global loads: each thread loads a run of LA elements of A (LB of B) per slice along the operand's contiguous
// axis (k for row-major A, m for transposed A; n for row-major B, k for transposed B), as one 16-byte vector
// when the run is in bounds and aligned, else element by element with bounds checks (zeros outside). Edges
// (m, n, k not multiples of the tile, k == 0) are handled by these checks and by the guarded epilogue.
#include "vela_common.cuh"

__device__ __forceinline__ float vela_fma(float a, float b, float c) { return fmaf(a, b, c); }
__device__ __forceinline__ double vela_fma(double a, double b, double c) { return fma(a, b, c); }

template <typename T, int BM, int BN, int BK, int TM, int TN, int PADA, int PADB>
__device__ __forceinline__ void gemm_impl(int m, int n, int k, const T* a, long long sab, long long sam, long long sak,
                                          const T* b, long long sbb, long long sbk, long long sbn, T* c, long long scb,
                                          long long scm, long long scn) {
    constexpr int NT = 256;               // threads per block
    constexpr int LA = BM * BK / NT;      // A elements loaded per thread per slice
    constexpr int LB = BK * BN / NT;      // B elements loaded per thread per slice
    constexpr int SM = TM / 2, SN = TN / 2;
    constexpr int WM = BM / 2, WN = BN / 4;  // warp tile
    constexpr int RS = WM / 2, CS = WN / 2;  // distance between a lane's two sub-blocks
    constexpr int LDA = BM + PADA, LDB = BN + PADB;
    static_assert(WM == 16 * SM && WN == 8 * SN, "lanes are 8 (m) x 4 (n), each owning 2 x 2 sub-blocks");
    static_assert(LA * NT == BM * BK && LB * NT == BK * BN, "tile sizes must split evenly over 256 threads");
    static_assert(LA * sizeof(T) == 16 && LB * sizeof(T) == 16, "global runs are one 16-byte vector");
    static_assert(LDA % SM == 0 && LDB % SN == 0, "fragment loads must stay aligned");
    constexpr bool STORE_VEC_A = (LDA * sizeof(T)) % 16 == 0;
    constexpr bool STORE_VEC_B = (LDB * sizeof(T)) % 16 == 0;

    __shared__ __align__(16) T As[2][BK][LDA];
    __shared__ __align__(16) T Bs[2][BK][LDB];

    const int tid = threadIdx.x;
    const int warp = tid >> 5, lane = tid & 31;
    const int rowBase = (warp >> 2) * WM + (lane >> 2) * SM;
    const int colBase = (warp & 3) * WN + (lane & 3) * SN;

    const long long z = blockIdx.z;
    a += z * sab;
    b += z * sbb;
    c += z * scb;
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;

    // ---- A: runs along m when m is the unit-stride axis, else along k
    const bool aAlongM = sam == 1 && sak != 1;
    int aM, aK;
    if (aAlongM) { aK = tid / (BM / LA); aM = (tid % (BM / LA)) * LA; }
    else         { aM = tid / (BK / LA); aK = (tid % (BK / LA)) * LA; }
    const bool aVec = vela_aligned(a, 16) && (aAlongM ? (sak % LA == 0) : (sak == 1 && sam % LA == 0));

    // ---- B: runs along k when k is the unit-stride axis, else along n
    const bool bAlongK = sbk == 1 && sbn != 1;
    int bN, bK;
    if (bAlongK) { bN = tid / (BK / LB); bK = (tid % (BK / LB)) * LB; }
    else         { bK = tid / (BN / LB); bN = (tid % (BN / LB)) * LB; }
    const bool bVec = vela_aligned(b, 16) && (bAlongK ? (sbn % LB == 0) : (sbn == 1 && sbk % LB == 0));

    T ra[LA], rb[LB];

    auto loadA = [&](int k0) {
        const int gm = m0 + aM, gk = k0 + aK;
        if (aAlongM) {
            if (aVec && gk < k && gm + LA <= m) {
                ldv(a + (long long)gk * sak + gm, ra);
            } else {
#pragma unroll
                for (int i = 0; i < LA; ++i)
                    ra[i] = (gk < k && gm + i < m) ? a[(long long)gk * sak + (long long)(gm + i) * sam] : (T)0;
            }
        } else {
            if (aVec && gm < m && gk + LA <= k) {
                ldv(a + (long long)gm * sam + gk, ra);
            } else {
#pragma unroll
                for (int i = 0; i < LA; ++i)
                    ra[i] = (gm < m && gk + i < k) ? a[(long long)gm * sam + (long long)(gk + i) * sak] : (T)0;
            }
        }
    };
    auto loadB = [&](int k0) {
        const int gn = n0 + bN, gk = k0 + bK;
        if (bAlongK) {
            if (bVec && gn < n && gk + LB <= k) {
                ldv(b + (long long)gn * sbn + gk, rb);
            } else {
#pragma unroll
                for (int i = 0; i < LB; ++i)
                    rb[i] = (gn < n && gk + i < k) ? b[(long long)(gk + i) * sbk + (long long)gn * sbn] : (T)0;
            }
        } else {
            if (bVec && gk < k && gn + LB <= n) {
                ldv(b + (long long)gk * sbk + gn, rb);
            } else {
#pragma unroll
                for (int i = 0; i < LB; ++i)
                    rb[i] = (gk < k && gn + i < n) ? b[(long long)gk * sbk + (long long)(gn + i) * sbn] : (T)0;
            }
        }
    };
    auto storeA = [&](int buf) {
        if (aAlongM) {
            if constexpr (STORE_VEC_A) {
                stv(&As[buf][aK][aM], ra);
            } else {
#pragma unroll
                for (int i = 0; i < LA; ++i) As[buf][aK][aM + i] = ra[i];
            }
        } else {
#pragma unroll
            for (int i = 0; i < LA; ++i) As[buf][aK + i][aM] = ra[i];
        }
    };
    auto storeB = [&](int buf) {
        if (bAlongK) {
#pragma unroll
            for (int i = 0; i < LB; ++i) Bs[buf][bK + i][bN] = rb[i];
        } else {
            if constexpr (STORE_VEC_B) {
                stv(&Bs[buf][bK][bN], rb);
            } else {
#pragma unroll
                for (int i = 0; i < LB; ++i) Bs[buf][bK][bN + i] = rb[i];
            }
        }
    };

    T acc[TM][TN];
#pragma unroll
    for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = (T)0;

    const int ktiles = (k + BK - 1) / BK;
    if (ktiles > 0) {
        loadA(0);
        loadB(0);
        storeA(0);
        storeB(0);
    }
    __syncthreads();

    for (int kt = 0; kt < ktiles; ++kt) {
        const int cur = kt & 1;
        const bool more = kt + 1 < ktiles;  // uniform over the block
        if (more) {
            loadA((kt + 1) * BK);
            loadB((kt + 1) * BK);
        }
#pragma unroll
        for (int kk = 0; kk < BK; ++kk) {
            T fa[2][SM], fb[2][SN];
            ldv(&As[cur][kk][rowBase], fa[0]);
            ldv(&As[cur][kk][rowBase + RS], fa[1]);
            ldv(&Bs[cur][kk][colBase], fb[0]);
            ldv(&Bs[cur][kk][colBase + CS], fb[1]);
#pragma unroll
            for (int i = 0; i < TM; ++i)
#pragma unroll
                for (int j = 0; j < TN; ++j) acc[i][j] = vela_fma(fa[i / SM][i % SM], fb[j / SN][j % SN], acc[i][j]);
        }
        if (more) {
            // the other buffer was last read in iteration kt-1, before the barrier that ended it
            storeA(cur ^ 1);
            storeB(cur ^ 1);
        }
        __syncthreads();
    }

    // ---- epilogue: row rowBase + s*RS + i, column colBase + t*CS + j holds acc[s*SM + i][t*SN + j]
    const bool cVec = scn == 1 && vela_aligned(c, SN * sizeof(T)) && scm % SN == 0;
#pragma unroll
    for (int s = 0; s < 2; ++s) {
#pragma unroll
        for (int i = 0; i < SM; ++i) {
            const int gm = m0 + rowBase + s * RS + i;
            if (gm < m) {
                T* crow = c + (long long)gm * scm;
#pragma unroll
                for (int t = 0; t < 2; ++t) {
                    const int gn = n0 + colBase + t * CS;
                    T v[SN];
#pragma unroll
                    for (int j = 0; j < SN; ++j) v[j] = acc[s * SM + i][t * SN + j];
                    if (cVec && gn + SN <= n) {
                        stv(crow + gn, v);
                    } else {
#pragma unroll
                        for (int j = 0; j < SN; ++j)
                            if (gn + j < n) crow[(long long)(gn + j) * scn] = v[j];
                    }
                }
            }
        }
    }
}

#define VELA_GEMM_ARGS(T)                                                                                            \
    int m, int n, int k, const T* a, long long sab, long long sam, long long sak, const T* b, long long sbb,        \
        long long sbk, long long sbn, T* c, long long scb, long long scm, long long scn
#define VELA_GEMM_PASS m, n, k, a, sab, sam, sak, b, sbb, sbk, sbn, c, scb, scm, scn

// 128 x 128 tile, k slices of 8, 8 x 8 per thread
extern "C" __global__ void __launch_bounds__(256, 2) gemm_f32(VELA_GEMM_ARGS(float)) {
    gemm_impl<float, 128, 128, 8, 8, 8, 4, 4>(VELA_GEMM_PASS);
}

// 64 x 64 tile, k slices of 16, 4 x 4 per thread (problems with few 128-tiles)
extern "C" __global__ void __launch_bounds__(256) gemm64_f32(VELA_GEMM_ARGS(float)) {
    gemm_impl<float, 64, 64, 16, 4, 4, 2, 2>(VELA_GEMM_PASS);
}

// double: 64 x 64 tile, k slices of 8, 4 x 4 per thread
extern "C" __global__ void __launch_bounds__(256) gemm_f64(VELA_GEMM_ARGS(double)) {
    gemm_impl<double, 64, 64, 8, 4, 4, 2, 2>(VELA_GEMM_PASS);
}
