// Shared definitions of the Vela CUDA kernels (see cuda/KERNELS.md): the Layout struct, op codes, the scalar
// semantics of every op (mirroring dev.vela.cpu.ScalarKernels), conversions, vector loads and warp helpers.
// Compiled by NVRTC (no system headers available) and by nvcc: only built-in types and CUDA built-ins here.
#ifndef VELA_COMMON_CUH
#define VELA_COMMON_CUH

#define VELA_MAX_RANK 8

// ============================================================================ Layout

struct Layout {
    long long offset;                 // element offset of element (0,...,0)
    int rank; int pad;                // 0 <= rank <= 8
    long long shape[VELA_MAX_RANK];   // only [0, rank) used
    long long stride[VELA_MAX_RANK];  // in elements; may be 0 or negative
};
static_assert(sizeof(Layout) == 144, "Layout must be 144 bytes");

// ============================================================================ op codes (Java enum ordinals)

enum VelaUnary {
    U_NEG, U_ABS, U_EXP, U_LOG, U_SQRT, U_SQUARE, U_SIGMOID, U_TANH, U_RELU, U_SIN, U_COS,
    U_SIGN,
    U_RECIPROCAL, U_FLOOR, U_CEIL,
    U_ROUND,
    U_LOG1P, U_EXPM1,
    U_SOFTPLUS,
    U_SOFTSIGN,
    U_ELU,
    U_SELU,
    U_LEAKY_RELU,
    U_CLIP,
    U_POW,
    U_AFFINE,
    U_HARD_SIGMOID,
    U_IN_RANGE,
    U_STEP,
    U_ONE_MINUS_SQUARE,
    U_SIGMOID_GRAD_FROM_OUT,
    U_IS_NAN,
    U_FLUSH_SUBNORMAL
};

enum VelaBinary {
    B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_POW,
    B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE,
    B_AND,
    B_OR
};

enum VelaReduce { R_SUM, R_PROD, R_MAX, R_MIN };

// ============================================================================ constants (no <cfloat>/<cmath>)

#define VELA_INF_F (__int_as_float(0x7f800000))
#define VELA_NAN_F (__int_as_float(0x7fc00000))
#define VELA_MIN_NORMAL_F (__int_as_float(0x00800000))
#define VELA_INF_D (__longlong_as_double(0x7ff0000000000000LL))
#define VELA_NAN_D (__longlong_as_double(0x7ff8000000000000LL))
#define VELA_MIN_NORMAL_D (__longlong_as_double(0x0010000000000000LL))
#define VELA_FULL_MASK 0xffffffffu

// ============================================================================ grid-stride helpers

__device__ __forceinline__ long long vela_tid() {
    return (long long)blockIdx.x * blockDim.x + threadIdx.x;
}

__device__ __forceinline__ long long vela_nthreads() {
    return (long long)gridDim.x * blockDim.x;
}

template <typename T>
__device__ __forceinline__ bool vela_aligned(const T* p, unsigned long long bytes) {
    return ((unsigned long long)p & (bytes - 1ull)) == 0ull;
}

// ============================================================================ index math

// Row-major digits of i over L's shape (32-bit divisions when `small`, i.e. i and every shape fit in 32 bits).
__device__ __forceinline__ void vela_unravel(const Layout& L, long long i, bool small, long long (&d)[VELA_MAX_RANK]) {
    if (small) {
        unsigned int u = (unsigned int)i;
#pragma unroll
        for (int k = VELA_MAX_RANK - 1; k >= 0; --k) {
            d[k] = 0;
            if (k < L.rank) {
                unsigned int s = (unsigned int)L.shape[k];
                unsigned int q = u / s;
                d[k] = (long long)(u - q * s);
                u = q;
            }
        }
    } else {
#pragma unroll
        for (int k = VELA_MAX_RANK - 1; k >= 0; --k) {
            d[k] = 0;
            if (k < L.rank) {
                long long s = L.shape[k];
                long long q = i / s;
                d[k] = i - q * s;
                i = q;
            }
        }
    }
}

// offset + sum_k d[k] * stride[k]
__device__ __forceinline__ long long vela_dot(const Layout& L, const long long (&d)[VELA_MAX_RANK]) {
    long long off = L.offset;
#pragma unroll
    for (int k = 0; k < VELA_MAX_RANK; ++k) {
        if (k < L.rank) off += d[k] * L.stride[k];
    }
    return off;
}

// True when i and every shape of L fit in 32 bits (so the cheap 32-bit unravel is exact).
__device__ __forceinline__ bool vela_small(const Layout& L, long long i) {
    bool ok = ((unsigned long long)i >> 32) == 0ull;
#pragma unroll
    for (int k = 0; k < VELA_MAX_RANK; ++k) {
        if (k < L.rank) ok = ok && (((unsigned long long)L.shape[k] >> 32) == 0ull);
    }
    return ok;
}

// Element offset of the row-major linear index i (i < prod(shape)); `small`: see vela_unravel.
__device__ __forceinline__ long long at(const Layout& L, long long i, bool small) {
    long long d[VELA_MAX_RANK];
    vela_unravel(L, i, small, d);
    return vela_dot(L, d);
}

// Element offset of the row-major linear index i over L's shape (any sizes).
__device__ __forceinline__ long long at(const Layout& L, long long i) {
    return at(L, i, vela_small(L, i));
}

// Like at() over only the first `rank` axes of L (rank <= L.rank).
__device__ __forceinline__ long long at_prefix(const Layout& L, int rank, long long i) {
    long long off = L.offset;
#pragma unroll
    for (int k = VELA_MAX_RANK - 1; k >= 0; --k) {
        if (k < rank) {
            long long s = L.shape[k];
            long long q = i / s;
            off += (i - q * s) * L.stride[k];
            i = q;
        }
    }
    return off;
}

__device__ __forceinline__ bool vela_same_shape(const Layout& a, const Layout& b) {
    bool same = a.rank == b.rank;
#pragma unroll
    for (int k = 0; k < VELA_MAX_RANK; ++k) {
        if (k < a.rank) same = same && a.shape[k] == b.shape[k];
    }
    return same;
}

// True when L maps index i to L.offset + i (row-major without gaps; axes of size 1 ignored).
__device__ __forceinline__ bool vela_is_contiguous(const Layout& L) {
    bool c = true;
    long long expected = 1;
#pragma unroll
    for (int k = VELA_MAX_RANK - 1; k >= 0; --k) {
        if (k < L.rank) {
            if (L.shape[k] != 1 && L.stride[k] != expected) c = false;
            expected *= L.shape[k];
        }
    }
    return c;
}

// 32-bit divmod when both fit (much cheaper than the 64-bit division routine).
__device__ __forceinline__ long long vela_divmod(long long a, long long b, long long& rem) {
    if ((((unsigned long long)a | (unsigned long long)b) >> 32) == 0ull) {
        unsigned int q = (unsigned int)a / (unsigned int)b;
        rem = (long long)((unsigned int)a - q * (unsigned int)b);
        return (long long)q;
    }
    long long q = a / b;
    rem = a - q * b;
    return q;
}

// ============================================================================ Java semantics helpers

// Math.max / Math.min: NaN if either is NaN; max(-0, +0) = +0, min(-0, +0) = -0.
__device__ __forceinline__ float jmax(float a, float b) {
    return a > b ? a : (b > a ? b : (a == b ? __int_as_float(__float_as_int(a) & __float_as_int(b)) : a + b));
}
__device__ __forceinline__ float jmin(float a, float b) {
    return a < b ? a : (b < a ? b : (a == b ? __int_as_float(__float_as_int(a) | __float_as_int(b)) : a + b));
}
__device__ __forceinline__ double jmax(double a, double b) {
    return a > b ? a
         : (b > a ? b
         : (a == b ? __longlong_as_double(__double_as_longlong(a) & __double_as_longlong(b)) : a + b));
}
__device__ __forceinline__ double jmin(double a, double b) {
    return a < b ? a
         : (b < a ? b
         : (a == b ? __longlong_as_double(__double_as_longlong(a) | __double_as_longlong(b)) : a + b));
}

__device__ __forceinline__ bool vela_isinf(float x) { return fabsf(x) == VELA_INF_F; }
__device__ __forceinline__ bool vela_isinf(double x) { return fabs(x) == VELA_INF_D; }

// Math.pow: unlike C pow, pow(x, NaN) is NaN (also for x == 1) and pow(+-1, +-inf) is NaN.
__device__ __forceinline__ double jpow(double x, double y) {
    if (y != y) return y;
    if (fabs(x) == 1.0 && fabs(y) == VELA_INF_D) return VELA_NAN_D;
    return pow(x, y);
}

// ============================================================================ unary ops

// float32: computed in float with p0, p1 rounded to float; products that Java rounds separately are kept
// un-fused (__fmul_rn) so that e.g. AFFINE matches the CPU bit for bit.
__device__ __forceinline__ float unary_val(int op, float x, float p0, float p1) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return fabsf(x);
        case U_EXP: return expf(x);
        case U_LOG: return logf(x);
        case U_SQRT: return sqrtf(x);
        case U_SQUARE: return x * x;
        case U_SIGMOID: return 1.0f / (1.0f + expf(-x));
        case U_TANH: return tanhf(x);
        case U_RELU: return (x > 0.0f || x != x) ? x : 0.0f;
        case U_SIN: return sinf(x);
        case U_COS: return cosf(x);
        case U_SIGN: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);
        case U_RECIPROCAL: return 1.0f / x;
        case U_FLOOR: return floorf(x);
        case U_CEIL: return ceilf(x);
        case U_ROUND: return rintf(x);
        case U_LOG1P: return log1pf(x);
        case U_EXPM1: return expm1f(x);
        case U_SOFTPLUS: return jmax(x, 0.0f) + log1pf(expf(-fabsf(x)));
        case U_SOFTSIGN: return x / (1.0f + fabsf(x));
        case U_ELU: return x > 0.0f ? x : __fmul_rn(p0, expm1f(x));
        case U_SELU: return x > 0.0f ? __fmul_rn(p0, x) : __fmul_rn((float)((double)p0 * (double)p1), expm1f(x));
        case U_LEAKY_RELU: return x > 0.0f ? x : __fmul_rn(p0, x);
        case U_CLIP: return jmin(jmax(x, p0), p1);
        case U_POW: return (float)jpow((double)x, (double)p0);
        case U_AFFINE: return __fadd_rn(__fmul_rn(x, p0), p1);
        case U_HARD_SIGMOID: return jmin(jmax(__fadd_rn(__fmul_rn(x, 0.2f), 0.5f), 0.0f), 1.0f);
        case U_IN_RANGE: return (x >= p0 && x <= p1) ? 1.0f : 0.0f;
        case U_STEP: return x > p0 ? 1.0f : 0.0f;
        case U_ONE_MINUS_SQUARE: return __fsub_rn(1.0f, __fmul_rn(x, x));
        case U_SIGMOID_GRAD_FROM_OUT: return __fmul_rn(x, 1.0f - x);
        case U_IS_NAN: return x != x ? 1.0f : 0.0f;
        case U_FLUSH_SUBNORMAL: return fabsf(x) < VELA_MIN_NORMAL_F ? 0.0f : x;
        default: return VELA_NAN_F;
    }
}

__device__ __forceinline__ double unary_val(int op, double x, double p0, double p1) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return fabs(x);
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_SQRT: return sqrt(x);
        case U_SQUARE: return x * x;
        case U_SIGMOID: return 1.0 / (1.0 + exp(-x));
        case U_TANH: return tanh(x);
        case U_RELU: return (x > 0.0 || x != x) ? x : 0.0;
        case U_SIN: return sin(x);
        case U_COS: return cos(x);
        case U_SIGN: return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : x);
        case U_RECIPROCAL: return 1.0 / x;
        case U_FLOOR: return floor(x);
        case U_CEIL: return ceil(x);
        case U_ROUND: return rint(x);
        case U_LOG1P: return log1p(x);
        case U_EXPM1: return expm1(x);
        case U_SOFTPLUS: return jmax(x, 0.0) + log1p(exp(-fabs(x)));
        case U_SOFTSIGN: return x / (1.0 + fabs(x));
        case U_ELU: return x > 0.0 ? x : __dmul_rn(p0, expm1(x));
        case U_SELU: return x > 0.0 ? __dmul_rn(p0, x) : __dmul_rn(__dmul_rn(p0, p1), expm1(x));
        case U_LEAKY_RELU: return x > 0.0 ? x : __dmul_rn(p0, x);
        case U_CLIP: return jmin(jmax(x, p0), p1);
        case U_POW: return jpow(x, p0);
        case U_AFFINE: return __dadd_rn(__dmul_rn(x, p0), p1);
        case U_HARD_SIGMOID: return jmin(jmax(__dadd_rn(__dmul_rn(x, 0.2), 0.5), 0.0), 1.0);
        case U_IN_RANGE: return (x >= p0 && x <= p1) ? 1.0 : 0.0;
        case U_STEP: return x > p0 ? 1.0 : 0.0;
        case U_ONE_MINUS_SQUARE: return __dsub_rn(1.0, __dmul_rn(x, x));
        case U_SIGMOID_GRAD_FROM_OUT: return __dmul_rn(x, 1.0 - x);
        case U_IS_NAN: return x != x ? 1.0 : 0.0;
        case U_FLUSH_SUBNORMAL: return fabs(x) < VELA_MIN_NORMAL_D ? 0.0 : x;
        default: return VELA_NAN_D;
    }
}

// ============================================================================ binary ops

__device__ __forceinline__ float binary_val(int op, float a, float b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_MAX: return jmax(a, b);
        case B_MIN: return jmin(a, b);
        case B_POW: return (float)jpow((double)a, (double)b);
        case B_EQ: return a == b ? 1.0f : 0.0f;
        case B_NE: return a != b ? 1.0f : 0.0f;
        case B_LT: return a < b ? 1.0f : 0.0f;
        case B_LE: return a <= b ? 1.0f : 0.0f;
        case B_GT: return a > b ? 1.0f : 0.0f;
        case B_GE: return a >= b ? 1.0f : 0.0f;
        case B_AND: return (a != 0.0f && b != 0.0f) ? 1.0f : 0.0f;
        case B_OR: return (a != 0.0f || b != 0.0f) ? 1.0f : 0.0f;
        default: return VELA_NAN_F;
    }
}

__device__ __forceinline__ double binary_val(int op, double a, double b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_MAX: return jmax(a, b);
        case B_MIN: return jmin(a, b);
        case B_POW: return jpow(a, b);
        case B_EQ: return a == b ? 1.0 : 0.0;
        case B_NE: return a != b ? 1.0 : 0.0;
        case B_LT: return a < b ? 1.0 : 0.0;
        case B_LE: return a <= b ? 1.0 : 0.0;
        case B_GT: return a > b ? 1.0 : 0.0;
        case B_GE: return a >= b ? 1.0 : 0.0;
        case B_AND: return (a != 0.0 && b != 0.0) ? 1.0 : 0.0;
        case B_OR: return (a != 0.0 || b != 0.0) ? 1.0 : 0.0;
        default: return VELA_NAN_D;
    }
}

// ============================================================================ reductions

template <typename T> __device__ __forceinline__ T vela_inf();
template <> __device__ __forceinline__ float vela_inf<float>() { return VELA_INF_F; }
template <> __device__ __forceinline__ double vela_inf<double>() { return VELA_INF_D; }

template <typename T>
__device__ __forceinline__ T reduce_identity(int op) {
    return op == R_SUM ? (T)0 : op == R_PROD ? (T)1 : op == R_MAX ? -vela_inf<T>() : vela_inf<T>();
}

template <typename T>
__device__ __forceinline__ T reduce_combine(int op, T a, T b) {
    switch (op) {
        case R_SUM: return a + b;
        case R_PROD: return a * b;
        case R_MAX: return jmax(a, b);
        default: return jmin(a, b);
    }
}

// ============================================================================ conversions (as the CPU backend: via double)

__device__ __forceinline__ double to_d(float v) { return (double)v; }
__device__ __forceinline__ double to_d(double v) { return v; }
__device__ __forceinline__ double to_d(int v) { return (double)v; }
__device__ __forceinline__ double to_d(long long v) { return (double)v; }
__device__ __forceinline__ double to_d(unsigned char v) { return (double)v; }

// Java's narrowing casts: round toward zero, saturate, NaN -> 0; BOOL: v != 0.
template <typename D> __device__ __forceinline__ D from_d(double v);
template <> __device__ __forceinline__ float from_d<float>(double v) { return (float)v; }
template <> __device__ __forceinline__ double from_d<double>(double v) { return v; }
template <> __device__ __forceinline__ int from_d<int>(double v) {
    if (v != v) return 0;
    if (v >= 2147483647.0) return 2147483647;
    if (v <= -2147483648.0) return (int)(-2147483647 - 1);
    return (int)v;
}
template <> __device__ __forceinline__ long long from_d<long long>(double v) {
    if (v != v) return 0;
    if (v >= 9223372036854775807.0) return 9223372036854775807LL;
    if (v <= -9223372036854775808.0) return -9223372036854775807LL - 1LL;
    return (long long)v;
}
template <> __device__ __forceinline__ unsigned char from_d<unsigned char>(double v) {
    return v != 0.0 ? (unsigned char)1 : (unsigned char)0;
}

// S -> D as CpuBackend.copy does (same type: unchanged; else through double).
template <typename S, typename D> struct VelaConv {
    static __device__ __forceinline__ D apply(S v) { return from_d<D>(to_d(v)); }
};
template <typename T> struct VelaConv<T, T> {
    static __device__ __forceinline__ T apply(T v) { return v; }
};

// A float result written to a float or bool output.
template <typename O> __device__ __forceinline__ O from_f(float v);
template <> __device__ __forceinline__ float from_f<float>(float v) { return v; }
template <> __device__ __forceinline__ unsigned char from_f<unsigned char>(float v) {
    return v != 0.0f ? (unsigned char)1 : (unsigned char)0;
}

// ============================================================================ packs of 4 elements (16-byte accesses)

template <typename T> struct Pack4 { T v[4]; };

// Alignment (bytes) a pointer needs for the Pack4 loads and stores of its type.
template <typename T> __device__ __forceinline__ unsigned long long pack_align() {
    return sizeof(T) == 1 ? 4ull : 16ull;
}

__device__ __forceinline__ Pack4<float> ld4(const float* p) {
    float4 q = *reinterpret_cast<const float4*>(p);
    Pack4<float> r; r.v[0] = q.x; r.v[1] = q.y; r.v[2] = q.z; r.v[3] = q.w;
    return r;
}
__device__ __forceinline__ Pack4<double> ld4(const double* p) {
    double2 a = reinterpret_cast<const double2*>(p)[0], b = reinterpret_cast<const double2*>(p)[1];
    Pack4<double> r; r.v[0] = a.x; r.v[1] = a.y; r.v[2] = b.x; r.v[3] = b.y;
    return r;
}
__device__ __forceinline__ Pack4<int> ld4(const int* p) {
    int4 q = *reinterpret_cast<const int4*>(p);
    Pack4<int> r; r.v[0] = q.x; r.v[1] = q.y; r.v[2] = q.z; r.v[3] = q.w;
    return r;
}
__device__ __forceinline__ Pack4<long long> ld4(const long long* p) {
    longlong2 a = reinterpret_cast<const longlong2*>(p)[0], b = reinterpret_cast<const longlong2*>(p)[1];
    Pack4<long long> r; r.v[0] = a.x; r.v[1] = a.y; r.v[2] = b.x; r.v[3] = b.y;
    return r;
}
__device__ __forceinline__ Pack4<unsigned char> ld4(const unsigned char* p) {
    uchar4 q = *reinterpret_cast<const uchar4*>(p);
    Pack4<unsigned char> r; r.v[0] = q.x; r.v[1] = q.y; r.v[2] = q.z; r.v[3] = q.w;
    return r;
}

__device__ __forceinline__ void st4(float* p, const Pack4<float>& r) {
    *reinterpret_cast<float4*>(p) = make_float4(r.v[0], r.v[1], r.v[2], r.v[3]);
}
__device__ __forceinline__ void st4(double* p, const Pack4<double>& r) {
    reinterpret_cast<double2*>(p)[0] = make_double2(r.v[0], r.v[1]);
    reinterpret_cast<double2*>(p)[1] = make_double2(r.v[2], r.v[3]);
}
__device__ __forceinline__ void st4(int* p, const Pack4<int>& r) {
    *reinterpret_cast<int4*>(p) = make_int4(r.v[0], r.v[1], r.v[2], r.v[3]);
}
__device__ __forceinline__ void st4(long long* p, const Pack4<long long>& r) {
    reinterpret_cast<longlong2*>(p)[0] = make_longlong2(r.v[0], r.v[1]);
    reinterpret_cast<longlong2*>(p)[1] = make_longlong2(r.v[2], r.v[3]);
}
__device__ __forceinline__ void st4(unsigned char* p, const Pack4<unsigned char>& r) {
    *reinterpret_cast<uchar4*>(p) = make_uchar4(r.v[0], r.v[1], r.v[2], r.v[3]);
}

// Small fixed-size vector loads/stores (array sizes 2 and 4) used by the GEMM and softmax kernels.
__device__ __forceinline__ void ldv(const float* p, float (&r)[4]) {
    float4 q = *reinterpret_cast<const float4*>(p);
    r[0] = q.x; r[1] = q.y; r[2] = q.z; r[3] = q.w;
}
__device__ __forceinline__ void ldv(const float* p, float (&r)[2]) {
    float2 q = *reinterpret_cast<const float2*>(p);
    r[0] = q.x; r[1] = q.y;
}
__device__ __forceinline__ void ldv(const double* p, double (&r)[2]) {
    double2 q = *reinterpret_cast<const double2*>(p);
    r[0] = q.x; r[1] = q.y;
}
__device__ __forceinline__ void ldv(const double* p, double (&r)[4]) {
    double2 a = reinterpret_cast<const double2*>(p)[0], b = reinterpret_cast<const double2*>(p)[1];
    r[0] = a.x; r[1] = a.y; r[2] = b.x; r[3] = b.y;
}
__device__ __forceinline__ void stv(float* p, const float (&r)[4]) {
    *reinterpret_cast<float4*>(p) = make_float4(r[0], r[1], r[2], r[3]);
}
__device__ __forceinline__ void stv(float* p, const float (&r)[2]) {
    *reinterpret_cast<float2*>(p) = make_float2(r[0], r[1]);
}
__device__ __forceinline__ void stv(double* p, const double (&r)[2]) {
    *reinterpret_cast<double2*>(p) = make_double2(r[0], r[1]);
}
__device__ __forceinline__ void stv(double* p, const double (&r)[4]) {
    reinterpret_cast<double2*>(p)[0] = make_double2(r[0], r[1]);
    reinterpret_cast<double2*>(p)[1] = make_double2(r[2], r[3]);
}

// ============================================================================ warp helpers

// All lanes end with the same (bitwise) value: combine is commutative, so partners compute identical results.
template <typename T, typename F>
__device__ __forceinline__ T warp_allreduce(T v, F f) {
#pragma unroll
    for (int d = 16; d > 0; d >>= 1) v = f(v, __shfl_xor_sync(VELA_FULL_MASK, v, d));
    return v;
}

struct VelaSumOp {
    template <typename T> __device__ __forceinline__ T operator()(T a, T b) const { return a + b; }
};
struct VelaMaxOp {
    template <typename T> __device__ __forceinline__ T operator()(T a, T b) const { return jmax(a, b); }
};
template <typename T, int OP> struct VelaReduceOpC {
    __device__ __forceinline__ T operator()(T a, T b) const { return reduce_combine<T>(OP, a, b); }
};

// Block-wide all-reduce in a fixed order (warp butterfly, then every thread folds the per-warp results
// 0..nwarps-1 in order). `scratch` holds >= 32 values. Must be called by every thread of the block.
template <typename T, typename F>
__device__ __forceinline__ T block_allreduce(T v, F f, T* scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = (blockDim.x + 31) >> 5;
    v = warp_allreduce(v, f);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    T r = scratch[0];
    for (int w = 1; w < nwarps; ++w) r = f(r, scratch[w]);
    __syncthreads();  // scratch may be reused right after
    return r;
}

#endif  // VELA_COMMON_CUH
