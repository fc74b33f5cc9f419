// Reductions, arg-reductions and row softmax. See cuda/KERNELS.md.
// Every reduction combines in a fixed order that depends only on the arguments and the block size (no atomics),
// so results are deterministic run to run.
#include "vela_common.cuh"

// ============================================================================ helpers

template <typename T> struct Vec2x;   // 16-byte vector of T
template <> struct Vec2x<float> { typedef float4 type; static const int W = 4; };
template <> struct Vec2x<double> { typedef double2 type; static const int W = 2; };

template <typename F>
__device__ __forceinline__ float fold_vec(float acc, const float4& v, const F& f) {
    acc = f(acc, v.x); acc = f(acc, v.y); acc = f(acc, v.z); return f(acc, v.w);
}
template <typename F>
__device__ __forceinline__ double fold_vec(double acc, const double2& v, const F& f) {
    acc = f(acc, v.x); return f(acc, v.y);
}

// This thread's partial (thread t of nt cooperating threads) over the contiguous run p[0, len):
// a scalar head up to 16-byte alignment, 16-byte vectors, a scalar tail; each thread folds in increasing order.
template <typename T, typename F>
__device__ __forceinline__ T partial_contig(const T* p, long long len, int t, int nt, T acc, const F& f) {
    typedef typename Vec2x<T>::type V;
    const int W = Vec2x<T>::W;
    long long head = (long long)((16u - ((unsigned int)(unsigned long long)p & 15u)) & 15u) / (long long)sizeof(T);
    if (((unsigned long long)p & (sizeof(T) - 1)) != 0) head = len;  // misaligned element pointer: all scalar
    if (head > len) head = len;
    for (long long i = t; i < head; i += nt) acc = f(acc, p[i]);
    const V* pv = reinterpret_cast<const V*>(p + head);
    const long long nv = (len - head) / W;
    long long g = t;
    // four independent loads in flight per iteration, folded in index order
    for (; g + 3LL * nt < nv; g += 4LL * nt) {
        V v0 = pv[g], v1 = pv[g + nt], v2 = pv[g + 2LL * nt], v3 = pv[g + 3LL * nt];
        acc = fold_vec(acc, v0, f); acc = fold_vec(acc, v1, f); acc = fold_vec(acc, v2, f); acc = fold_vec(acc, v3, f);
    }
    for (; g < nv; g += nt) acc = fold_vec(acc, pv[g], f);
    for (long long i = head + nv * W + t; i < len; i += nt) acc = f(acc, p[i]);
    return acc;
}

// Rows of at most this many reduced elements get one warp each; longer ones one block each.
#define VELA_WARP_ROW_MAX 2048

// ============================================================================ reduce_rows

template <typename T, int OP>
__device__ __forceinline__ void reduce_rows_impl(long long outer, long long inner, long long chunk, const T* x,
                                                 const Layout& lkept, const Layout& lred, T* out) {
    __shared__ T scratch[32];
    const VelaReduceOpC<T, OP> f;
    const T id = reduce_identity<T>(OP);
    if (chunk <= 0 || chunk > inner) chunk = inner;
    const long long nchunks = inner > 0 ? (inner + chunk - 1) / chunk : 1;  // inner == 0: one empty chunk per row
    const long long total = outer * nchunks;
    const bool contig = vela_is_contiguous(lred);
    const bool smallRed = ((unsigned long long)inner >> 32) == 0ull;
    const bool smallKept = ((unsigned long long)outer >> 32) == 0ull;
    if (chunk <= VELA_WARP_ROW_MAX) {
        // one warp per output
        const int lane = threadIdx.x & 31, wpb = blockDim.x >> 5;
        const long long nw = (long long)gridDim.x * wpb;
        for (long long b = (long long)blockIdx.x * wpb + (threadIdx.x >> 5); b < total; b += nw) {
            long long c;
            const long long o = vela_divmod(b, nchunks, c);
            const long long r0 = c * chunk, r1 = r0 + chunk < inner ? r0 + chunk : inner;
            const long long base = at(lkept, o, smallKept);
            T acc = id;
            if (contig) {
                acc = partial_contig(x + base + lred.offset + r0, r1 - r0, lane, 32, acc, f);
            } else {
                for (long long r = r0 + lane; r < r1; r += 32) acc = f(acc, x[base + at(lred, r, smallRed)]);
            }
#pragma unroll
            for (int d = 16; d > 0; d >>= 1) acc = f(acc, __shfl_down_sync(VELA_FULL_MASK, acc, d));
            if (lane == 0) out[b] = acc;
        }
    } else {
        // one block per output
        for (long long b = blockIdx.x; b < total; b += gridDim.x) {
            long long c;
            const long long o = vela_divmod(b, nchunks, c);
            const long long r0 = c * chunk, r1 = r0 + chunk < inner ? r0 + chunk : inner;
            const long long base = at(lkept, o, smallKept);
            T acc = id;
            if (contig) {
                acc = partial_contig(x + base + lred.offset + r0, r1 - r0, (int)threadIdx.x, (int)blockDim.x, acc, f);
            } else {
                for (long long r = r0 + threadIdx.x; r < r1; r += blockDim.x) acc = f(acc, x[base + at(lred, r, smallRed)]);
            }
            acc = block_allreduce(acc, f, scratch);
            if (threadIdx.x == 0) out[b] = acc;
        }
    }
}

// ============================================================================ reduce_cols

// Folds x[p + at(lred, r)] for r in [r0, r1) in increasing r (p: the kept element's offset).
template <typename T, typename F>
__device__ __forceinline__ T cols_partial(const T* p, const Layout& lred, long long r0, long long r1, T acc, const F& f) {
    const int rr = lred.rank;
    if (rr <= 1) {
        const long long s = rr == 1 ? lred.stride[0] : 0;
        const T* q = p + lred.offset;
        long long r = r0;
        for (; r + 3 < r1; r += 4) {
            const T v0 = q[r * s], v1 = q[(r + 1) * s], v2 = q[(r + 2) * s], v3 = q[(r + 3) * s];
            acc = f(acc, v0); acc = f(acc, v1); acc = f(acc, v2); acc = f(acc, v3);
        }
        for (; r < r1; ++r) acc = f(acc, q[r * s]);
        return acc;
    }
    // r = row * lastLen + l: walk the last reduced axis, re-deriving the row offset at each wrap
    const long long lastLen = lred.shape[rr - 1], lastStride = lred.stride[rr - 1];
    long long l;
    long long row = vela_divmod(r0, lastLen, l);
    long long rowOff = at_prefix(lred, rr - 1, row);
    for (long long r = r0; r < r1; ++r) {
        acc = f(acc, p[rowOff + l * lastStride]);
        if (++l == lastLen) {
            l = 0;
            ++row;
            if (r + 1 < r1) rowOff = at_prefix(lred, rr - 1, row);
        }
    }
    return acc;
}

// Reduced runs of at least this many elements are split over the 8 warps of a block (32 kept indices per
// block); shorter ones take one thread per kept index.
#define VELA_COLS_SPLIT_MIN 64

template <typename T, int OP>
__device__ __forceinline__ void reduce_cols_impl(long long outer, long long inner, const T* x, const Layout& lkept,
                                                 const Layout& lred, T* out) {
    __shared__ T part[8][32];  // blocks of at most 256 threads (launch bounds)
    const VelaReduceOpC<T, OP> f;
    const T id = reduce_identity<T>(OP);
    const bool smallKept = ((unsigned long long)outer >> 32) == 0ull;
    if (inner >= VELA_COLS_SPLIT_MIN) {
        // block: 32 consecutive kept indices (one per lane); warp w folds the w-th segment of the reduced range;
        // the segments are then combined in warp order
        const int lane = threadIdx.x & 31, w = threadIdx.x >> 5, nw = blockDim.x >> 5;
        const long long seg = (inner + nw - 1) / nw;
        const long long ntiles = (outer + 31) / 32;
        for (long long t = blockIdx.x; t < ntiles; t += gridDim.x) {
            const long long o = t * 32 + lane;
            T acc = id;
            if (o < outer) {
                const long long r0 = w * seg, r1 = r0 + seg < inner ? r0 + seg : inner;
                if (r0 < r1) acc = cols_partial(x + at(lkept, o, smallKept), lred, r0, r1, acc, f);
            }
            part[w][lane] = acc;
            __syncthreads();
            if (w == 0 && o < outer) {
                T r = part[0][lane];
                for (int i = 1; i < nw; ++i) r = f(r, part[i][lane]);
                out[o] = r;
            }
            __syncthreads();
        }
    } else {
        const long long tid = vela_tid(), nt = vela_nthreads();
        for (long long o = tid; o < outer; o += nt) {
            out[o] = cols_partial(x + at(lkept, o, smallKept), lred, 0, inner, id, f);
        }
    }
}

#define VELA_REDUCE_DISPATCH(CALL) \
    switch (op) {                  \
        case R_SUM: CALL(R_SUM); break;   \
        case R_PROD: CALL(R_PROD); break; \
        case R_MAX: CALL(R_MAX); break;   \
        default: CALL(R_MIN); break;      \
    }

// ============================================================================ argreduce

// (value, index) candidate; index -1 means none. NaN beats everything (the first NaN wins), then the better
// value, then the smaller index.
__device__ __forceinline__ bool arg_better(bool isMax, double vb, long long ib, double va, long long ia) {
    if (ib < 0) return false;
    if (ia < 0) return true;
    const bool na = va != va, nb = vb != vb;
    if (na || nb) return nb && (!na || ib < ia);
    if (isMax ? vb > va : vb < va) return true;
    if (vb == va) return ib < ia;
    return false;
}

template <typename T>
__device__ __forceinline__ void argreduce_impl(int isMax, long long outer, long long len, const T* x,
                                               const Layout& lkept, long long axisStride, long long* out) {
    const bool smallKept = ((unsigned long long)outer >> 32) == 0ull;
    const bool mx = isMax != 0;
    if ((axisStride == 1 || axisStride == -1) && len >= 32) {
        // one warp per output: lane l scans j = l, l+32, ... keeping its first best; then a shuffle tree
        const int lane = threadIdx.x & 31, wpb = blockDim.x >> 5;
        const long long nw = (long long)gridDim.x * wpb;
        for (long long o = (long long)blockIdx.x * wpb + (threadIdx.x >> 5); o < outer; o += nw) {
            const T* p = x + at(lkept, o, smallKept);
            double bv = 0.0;
            long long bi = -1;
            bool nan = false;  // no early exit, so that the loads can be issued ahead
#pragma unroll 4
            for (long long j = lane; j < len; j += 32) {
                const double v = to_d(p[j * axisStride]);
                if (!nan) {
                    if (v != v) { bv = v; bi = j; nan = true; }
                    else if (bi < 0 || (mx ? v > bv : v < bv)) { bv = v; bi = j; }
                }
            }
#pragma unroll
            for (int d = 16; d > 0; d >>= 1) {
                const double ov = __shfl_down_sync(VELA_FULL_MASK, bv, d);
                const long long oi = __shfl_down_sync(VELA_FULL_MASK, bi, d);
                if (arg_better(mx, ov, oi, bv, bi)) { bv = ov; bi = oi; }
            }
            if (lane == 0) out[o] = bi < 0 ? 0 : bi;
        }
    } else {
        // one thread per output, the CPU loop
        const long long tid = vela_tid(), nt = vela_nthreads();
        for (long long o = tid; o < outer; o += nt) {
            long long best = 0;
            if (len > 0) {
                const T* p = x + at(lkept, o, smallKept);
                double bv = to_d(p[0]);
                if (bv == bv) {
                    for (long long j = 1; j < len; ++j) {
                        const double v = to_d(p[j * axisStride]);
                        if (v != v) { best = j; break; }
                        if (mx ? v > bv : v < bv) { bv = v; best = j; }
                    }
                }
            }
            out[o] = best;
        }
    }
}

// ============================================================================ softmax

template <typename T> __device__ __forceinline__ T vexp(T x);
template <> __device__ __forceinline__ float vexp<float>(float x) { return expf(x); }
template <> __device__ __forceinline__ double vexp<double>(double x) { return exp(x); }
template <typename T> __device__ __forceinline__ T vlog(T x);
template <> __device__ __forceinline__ float vlog<float>(float x) { return logf(x); }
template <> __device__ __forceinline__ double vlog<double>(double x) { return log(x); }

// Per-row statistics shared by every variant: row max m (NaN propagates; 0 when infinite) and s = sum exp(x - m).
// out = exp(x - m) / s, or (x - m) - log(s) for log-softmax.

// A group (a warp, G = 32, or a block, G = blockDim.x) handles a row held in registers: thread t holds the
// vectors of W elements starting at W * (t + G * j), j < C.
template <typename T, int W, int C, bool BLOCK>
__device__ __forceinline__ void softmax_row_regs(bool isLog, long long cols, const T* xr, T* orow, int t, int G,
                                                 T* scratch) {
    T v[C * W];
    T m = -vela_inf<T>();
#pragma unroll
    for (int j = 0; j < C; ++j) {
        const long long e = (long long)(t + G * j) * W;
        if (e < cols) {
            if constexpr (W == 1) {
                v[j * W] = xr[e];
            } else {
                T tmp[W];
                ldv(xr + e, tmp);
#pragma unroll
                for (int w = 0; w < W; ++w) v[j * W + w] = tmp[w];
            }
#pragma unroll
            for (int w = 0; w < W; ++w) m = jmax(m, v[j * W + w]);
        }
    }
    m = BLOCK ? block_allreduce(m, VelaMaxOp(), scratch) : warp_allreduce(m, VelaMaxOp());
    if (vela_isinf(m)) m = (T)0;
    T s = (T)0;
#pragma unroll
    for (int j = 0; j < C; ++j) {
        const long long e = (long long)(t + G * j) * W;
        if (e < cols) {
#pragma unroll
            for (int w = 0; w < W; ++w) {
                const T d = v[j * W + w] - m;
                const T ex = vexp(d);
                s += ex;
                v[j * W + w] = isLog ? d : ex;
            }
        }
    }
    s = BLOCK ? block_allreduce(s, VelaSumOp(), scratch) : warp_allreduce(s, VelaSumOp());
    const T k = isLog ? vlog(s) : (T)1 / s;
#pragma unroll
    for (int j = 0; j < C; ++j) {
        const long long e = (long long)(t + G * j) * W;
        if (e < cols) {
            T r[W];
#pragma unroll
            for (int w = 0; w < W; ++w) r[w] = isLog ? v[j * W + w] - k : v[j * W + w] * k;
            if constexpr (W == 1) orow[e] = r[0];
            else stv(orow + e, r);
        }
    }
}

// Any row length: three passes over global memory (max, sum, write), thread t of G taking t, t+G, ...
template <typename T, bool BLOCK>
__device__ __forceinline__ void softmax_row_passes(bool isLog, long long cols, const T* xr, T* orow, int t, int G,
                                                   T* scratch) {
    T m = -vela_inf<T>();
    for (long long e = t; e < cols; e += G) m = jmax(m, xr[e]);
    m = BLOCK ? block_allreduce(m, VelaMaxOp(), scratch) : warp_allreduce(m, VelaMaxOp());
    if (vela_isinf(m)) m = (T)0;
    T s = (T)0;
    for (long long e = t; e < cols; e += G) s += vexp(xr[e] - m);
    s = BLOCK ? block_allreduce(s, VelaSumOp(), scratch) : warp_allreduce(s, VelaSumOp());
    if (isLog) {
        const T ls = vlog(s);
        for (long long e = t; e < cols; e += G) orow[e] = (xr[e] - m) - ls;
    } else {
        const T inv = (T)1 / s;
        for (long long e = t; e < cols; e += G) orow[e] = vexp(xr[e] - m) * inv;
    }
}

// Rows handled by warps: warp w of the grid takes rows w, w + nwarps, ...
template <typename T>
__device__ __forceinline__ void softmax_warp_impl(int isLogI, long long rows, long long cols, const T* x, T* out) {
    const int VW = Vec2x<T>::W;  // 4 floats or 2 doubles per 16 bytes
    const bool isLog = isLogI != 0;
    const int lane = threadIdx.x & 31, wpb = blockDim.x >> 5;
    const long long nw = (long long)gridDim.x * wpb;
    const bool vec = cols % VW == 0 && vela_aligned(x, 16) && vela_aligned(out, 16);
    for (long long r = (long long)blockIdx.x * wpb + (threadIdx.x >> 5); r < rows; r += nw) {
        const T* xr = x + r * cols;
        T* orow = out + r * cols;
        if (vec && cols <= 32 * VW * 2) softmax_row_regs<T, Vec2x<T>::W, 2, false>(isLog, cols, xr, orow, lane, 32, nullptr);
        else if (vec && cols <= 1024) softmax_row_regs<T, Vec2x<T>::W, 1024 / 32 / Vec2x<T>::W, false>(isLog, cols, xr, orow, lane, 32, nullptr);
        else if (cols <= 1024) softmax_row_regs<T, 1, 32, false>(isLog, cols, xr, orow, lane, 32, nullptr);
        else softmax_row_passes<T, false>(isLog, cols, xr, orow, lane, 32, nullptr);
    }
}

// Rows handled by blocks: block b takes rows b, b + gridDim.x, ... (the branch taken is uniform per block).
template <typename T>
__device__ __forceinline__ void softmax_block_impl(int isLogI, long long rows, long long cols, const T* x, T* out) {
    __shared__ T scratch[32];
    const int VW = Vec2x<T>::W;
    const bool isLog = isLogI != 0;
    const int t = threadIdx.x, G = blockDim.x;
    const bool vec = cols % VW == 0 && vela_aligned(x, 16) && vela_aligned(out, 16);
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + r * cols;
        T* orow = out + r * cols;
        if (vec && cols <= (long long)G * VW * 2) softmax_row_regs<T, Vec2x<T>::W, 2, true>(isLog, cols, xr, orow, t, G, scratch);
        else if (vec && cols <= (long long)G * VW * 4) softmax_row_regs<T, Vec2x<T>::W, 4, true>(isLog, cols, xr, orow, t, G, scratch);
        else if (vec && cols <= (long long)G * VW * 8) softmax_row_regs<T, Vec2x<T>::W, 8, true>(isLog, cols, xr, orow, t, G, scratch);
        else if (cols <= (long long)G * 4) softmax_row_regs<T, 1, 4, true>(isLog, cols, xr, orow, t, G, scratch);
        else if (cols <= (long long)G * 16) softmax_row_regs<T, 1, 16, true>(isLog, cols, xr, orow, t, G, scratch);
        else softmax_row_passes<T, true>(isLog, cols, xr, orow, t, G, scratch);
    }
}

// ============================================================================ instantiation

// Block size 256 for all (the softmax kernels are compiled for at most 256 threads per block).
#define VELA_REDUCE_T(SUF, T, WARP_MINB)                                                                             \
    extern "C" __global__ void __launch_bounds__(256, 4)                                                            \
        reduce_rows_##SUF(int op, long long outer, long long inner, long long chunk, const T* x,                      \
                          const __grid_constant__ Layout lkept, const __grid_constant__ Layout lred, T* out) {        \
        VELA_REDUCE_DISPATCH(VELA_CALL_ROWS_##SUF)                                                                   \
    }                                                                                                                \
    extern "C" __global__ void __launch_bounds__(256)                                                               \
        reduce_cols_##SUF(int op, long long outer, long long inner, const T* x, const __grid_constant__ Layout lkept,  \
                          const __grid_constant__ Layout lred, T* out) {                                              \
        VELA_REDUCE_DISPATCH(VELA_CALL_COLS_##SUF)                                                                   \
    }                                                                                                                \
    extern "C" __global__ void __launch_bounds__(256, WARP_MINB)                                                    \
        softmax_warp_##SUF(int isLog, long long rows, long long cols, const T* x, T* out) {                           \
        softmax_warp_impl<T>(isLog, rows, cols, x, out);                                                             \
    }                                                                                                                \
    extern "C" __global__ void __launch_bounds__(256, 2)                                                            \
        softmax_block_##SUF(int isLog, long long rows, long long cols, const T* x, T* out) {                          \
        softmax_block_impl<T>(isLog, rows, cols, x, out);                                                            \
    }

#define VELA_CALL_ROWS_f32(OPC) reduce_rows_impl<float, OPC>(outer, inner, chunk, x, lkept, lred, out)
#define VELA_CALL_ROWS_f64(OPC) reduce_rows_impl<double, OPC>(outer, inner, chunk, x, lkept, lred, out)
#define VELA_CALL_COLS_f32(OPC) reduce_cols_impl<float, OPC>(outer, inner, x, lkept, lred, out)
#define VELA_CALL_COLS_f64(OPC) reduce_cols_impl<double, OPC>(outer, inner, x, lkept, lred, out)

VELA_REDUCE_T(f32, float, 4)
VELA_REDUCE_T(f64, double, 2)

#define VELA_ARGREDUCE_T(SUF, T)                                                                                     \
    extern "C" __global__ void argreduce_##SUF(int isMax, long long outer, long long len, const T* x,                 \
                                               const __grid_constant__ Layout lkept, long long axisStride,           \
                                               long long* out) {                                                     \
        argreduce_impl<T>(isMax, outer, len, x, lkept, axisStride, out);                                             \
    }

VELA_ARGREDUCE_T(f32, float)
VELA_ARGREDUCE_T(f64, double)
VELA_ARGREDUCE_T(i32, int)
VELA_ARGREDUCE_T(i64, long long)
