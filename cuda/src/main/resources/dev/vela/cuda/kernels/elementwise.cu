// Elementwise kernels: unary, binary, copy (with dtype conversion), fill, where. See cuda/KERNELS.md.
// Contiguous kernels move 4 elements per access (16-byte loads/stores) when every pointer is aligned for it,
// else run a scalar grid-stride loop; strided kernels unravel the linear index once per element and share the
// digits between operands of the same shape.
#include "vela_common.cuh"

// ============================================================================ loop skeletons

// out[i] = f(x[i]), i < n, contiguous; `tail` computes the same as f and serves the scalar tail and the
// misaligned fallback (so that an op specialised into f is inlined only once).
template <typename T, typename O, typename F, typename G>
__device__ __forceinline__ void map1_contig(long long n, const T* x, O* out, const F& f, const G& tail) {
    const long long tid = vela_tid(), nt = vela_nthreads();
    if (vela_aligned(x, pack_align<T>()) && vela_aligned(out, pack_align<O>())) {
        const long long n4 = n >> 2;
        for (long long g = tid; g < n4; g += nt) {
            Pack4<T> a = ld4(x + 4 * g);
            Pack4<O> r;
#pragma unroll
            for (int j = 0; j < 4; ++j) r.v[j] = f(a.v[j]);
            st4(out + 4 * g, r);
        }
        const long long i = 4 * n4 + tid;
        if (i < n) out[i] = tail(x[i]);
    } else {
        for (long long i = tid; i < n; i += nt) out[i] = tail(x[i]);
    }
}

template <typename T, typename O, typename F>
__device__ __forceinline__ void map1_contig(long long n, const T* x, O* out, const F& f) {
    map1_contig(n, x, out, f, f);
}

// out[i] = f(a[i], b[i]), i < n, contiguous; `tail` as in map1_contig.
template <typename T, typename O, typename F, typename G>
__device__ __forceinline__ void map2_contig(long long n, const T* a, const T* b, O* out, const F& f, const G& tail) {
    const long long tid = vela_tid(), nt = vela_nthreads();
    if (vela_aligned(a, pack_align<T>()) && vela_aligned(b, pack_align<T>()) && vela_aligned(out, pack_align<O>())) {
        const long long n4 = n >> 2;
        for (long long g = tid; g < n4; g += nt) {
            Pack4<T> u = ld4(a + 4 * g), v = ld4(b + 4 * g);
            Pack4<O> r;
#pragma unroll
            for (int j = 0; j < 4; ++j) r.v[j] = f(u.v[j], v.v[j]);
            st4(out + 4 * g, r);
        }
        const long long i = 4 * n4 + tid;
        if (i < n) out[i] = tail(a[i], b[i]);
    } else {
        for (long long i = tid; i < n; i += nt) out[i] = tail(a[i], b[i]);
    }
}

template <typename T, typename O, typename F>
__device__ __forceinline__ void map2_contig(long long n, const T* a, const T* b, O* out, const F& f) {
    map2_contig(n, a, b, out, f, f);
}

// out[at(lo, i)] = f(x[at(lx, i)]).
template <typename T, typename O, typename F>
__device__ __forceinline__ void map1_strided(long long n, const T* x, const Layout& lx, O* out, const Layout& lo,
                                             const F& f) {
    const long long tid = vela_tid(), nt = vela_nthreads();
    const bool small = ((unsigned long long)n >> 32) == 0ull;
    if (vela_same_shape(lx, lo)) {
        for (long long i = tid; i < n; i += nt) {
            long long d[VELA_MAX_RANK];
            vela_unravel(lo, i, small, d);
            out[vela_dot(lo, d)] = f(x[vela_dot(lx, d)]);
        }
    } else {
        for (long long i = tid; i < n; i += nt) out[at(lo, i, false)] = f(x[at(lx, i, false)]);
    }
}

// out[at(lo, i)] = f(a[at(la, i)], b[at(lb, i)]).
template <typename T, typename O, typename F>
__device__ __forceinline__ void map2_strided(long long n, const T* a, const Layout& la, const T* b, const Layout& lb,
                                             O* out, const Layout& lo, const F& f) {
    const long long tid = vela_tid(), nt = vela_nthreads();
    const bool small = ((unsigned long long)n >> 32) == 0ull;
    if (vela_same_shape(la, lo) && vela_same_shape(lb, lo)) {
        for (long long i = tid; i < n; i += nt) {
            long long d[VELA_MAX_RANK];
            vela_unravel(lo, i, small, d);
            out[vela_dot(lo, d)] = f(a[vela_dot(la, d)], b[vela_dot(lb, d)]);
        }
    } else {
        for (long long i = tid; i < n; i += nt) out[at(lo, i, false)] = f(a[at(la, i, false)], b[at(lb, i, false)]);
    }
}

// ============================================================================ op functors

// float / double with the op fixed at compile time (the switch in unary_val folds away).
template <typename T, int OP> struct UnaryFixed {
    T p0, p1;
    __device__ __forceinline__ T operator()(T x) const { return unary_val(OP, x, p0, p1); }
};

// Every op behind one call each (not inlined: one copy of the math routines per module instead of one per
// loop and unrolled lane), for the op codes chosen at run time.
__device__ __noinline__ float unary_call(int op, float x, float p0, float p1) { return unary_val(op, x, p0, p1); }
__device__ __noinline__ double unary_call(int op, double x, double p0, double p1) { return unary_val(op, x, p0, p1); }
__device__ __noinline__ float binary_call(int op, float a, float b) { return binary_val(op, a, b); }
__device__ __noinline__ double binary_call(int op, double a, double b) { return binary_val(op, a, b); }

// Any type, op chosen at run time; integers and bools are computed in double and converted back.
template <typename T> struct UnaryDyn {
    int op; double p0, p1;
    __device__ __forceinline__ T operator()(T x) const {
        return from_d<T>(unary_call(op, to_d(x), p0, p1));
    }
};
template <> struct UnaryDyn<float> {
    int op; float p0, p1;
    __device__ __forceinline__ float operator()(float x) const { return unary_call(op, x, p0, p1); }
};
template <> struct UnaryDyn<double> {
    int op; double p0, p1;
    __device__ __forceinline__ double operator()(double x) const { return unary_call(op, x, p0, p1); }
};

// Binary with a float/double result written to O (the same type, or bool: result != 0).
template <typename T, typename O> struct BinaryOut;
template <> struct BinaryOut<float, float> {
    static __device__ __forceinline__ float put(float r) { return r; }
};
template <> struct BinaryOut<float, unsigned char> {
    static __device__ __forceinline__ unsigned char put(float r) { return from_f<unsigned char>(r); }
};
template <> struct BinaryOut<double, double> {
    static __device__ __forceinline__ double put(double r) { return r; }
};
template <> struct BinaryOut<double, unsigned char> {
    static __device__ __forceinline__ unsigned char put(double r) { return from_d<unsigned char>(r); }
};

template <typename T, typename O, int OP> struct BinaryFixed {
    __device__ __forceinline__ O operator()(T a, T b) const { return BinaryOut<T, O>::put(binary_val(OP, a, b)); }
};

template <typename T, typename O> struct BinaryDyn {
    int op;
    __device__ __forceinline__ O operator()(T a, T b) const {
        return from_d<O>(binary_call(op, to_d(a), to_d(b)));
    }
};
template <typename O> struct BinaryDyn<float, O> {
    int op;
    __device__ __forceinline__ O operator()(float a, float b) const { return BinaryOut<float, O>::put(binary_call(op, a, b)); }
};
template <typename O> struct BinaryDyn<double, O> {
    int op;
    __device__ __forceinline__ O operator()(double a, double b) const { return BinaryOut<double, O>::put(binary_call(op, a, b)); }
};

template <typename S, typename D> struct ConvertFn {
    __device__ __forceinline__ D operator()(S v) const { return VelaConv<S, D>::apply(v); }
};

// ============================================================================ unary

// float p0/p1 for float32 kernels (Java rounds them to float), double otherwise.
template <typename T> struct ParamT { typedef double type; };
template <> struct ParamT<float> { typedef float type; };

// Ops cheap enough that the dispatch would cost as much as the op get a loop of their own; the others (long
// math-library routines) share one loop that dispatches per element, which keeps the module small.
#define VELA_UNARY_FAST_LIST(X) \
    X(U_NEG) X(U_ABS) X(U_EXP) X(U_SQRT) X(U_SQUARE) X(U_SIGMOID) X(U_RELU) X(U_SIGN) X(U_RECIPROCAL) X(U_FLOOR) \
    X(U_CEIL) X(U_ROUND) X(U_SOFTSIGN) X(U_LEAKY_RELU) X(U_CLIP) X(U_AFFINE) X(U_HARD_SIGMOID) X(U_IN_RANGE) \
    X(U_STEP) X(U_ONE_MINUS_SQUARE) X(U_SIGMOID_GRAD_FROM_OUT) X(U_IS_NAN) X(U_FLUSH_SUBNORMAL)

#define VELA_UNARY_CASE(OPC) \
    case OPC: map1_contig(n, x, out, UnaryFixed<T, OPC>{q0, q1}, dyn); break;

template <typename T>
__device__ __forceinline__ void unary_contig_float_impl(int op, double p0, double p1, long long n, const T* x, T* out) {
    const T q0 = (T)p0, q1 = (T)p1;
    const UnaryDyn<T> dyn{op, q0, q1};
    switch (op) {
        VELA_UNARY_FAST_LIST(VELA_UNARY_CASE)
        default: map1_contig(n, x, out, dyn); break;
    }
}

template <typename T>
__device__ __forceinline__ void unary_contig_impl(int op, double p0, double p1, long long n, const T* x, T* out) {
    map1_contig(n, x, out, UnaryDyn<T>{op, p0, p1});
}
template <>
__device__ __forceinline__ void unary_contig_impl<float>(int op, double p0, double p1, long long n, const float* x, float* out) {
    unary_contig_float_impl<float>(op, p0, p1, n, x, out);
}
template <>
__device__ __forceinline__ void unary_contig_impl<double>(int op, double p0, double p1, long long n, const double* x, double* out) {
    unary_contig_float_impl<double>(op, p0, p1, n, x, out);
}

template <typename T>
__device__ __forceinline__ void unary_strided_impl(int op, double p0, double p1, long long n, const T* x,
                                                   const Layout& lx, T* out, const Layout& lo) {
    typedef typename ParamT<T>::type P;
    map1_strided(n, x, lx, out, lo, UnaryDyn<T>{op, (P)p0, (P)p1});
}

// ============================================================================ binary

#define VELA_BINARY_CASE(OPC) \
    case OPC: map2_contig(n, a, b, out, BinaryFixed<T, O, OPC>(), dyn); break;

template <typename T, typename O>
__device__ __forceinline__ void binary_contig_float_impl(int op, long long n, const T* a, const T* b, O* out) {
    const BinaryDyn<T, O> dyn{op};
    switch (op) {  // every op but POW (a long routine) gets its own loop
        VELA_BINARY_CASE(B_ADD) VELA_BINARY_CASE(B_SUB) VELA_BINARY_CASE(B_MUL) VELA_BINARY_CASE(B_DIV)
        VELA_BINARY_CASE(B_MAX) VELA_BINARY_CASE(B_MIN) VELA_BINARY_CASE(B_EQ) VELA_BINARY_CASE(B_NE)
        VELA_BINARY_CASE(B_LT) VELA_BINARY_CASE(B_LE) VELA_BINARY_CASE(B_GT) VELA_BINARY_CASE(B_GE)
        VELA_BINARY_CASE(B_AND) VELA_BINARY_CASE(B_OR)
        default: map2_contig(n, a, b, out, dyn); break;
    }
}

template <typename T, typename O> struct BinaryContig {
    static __device__ __forceinline__ void run(int op, long long n, const T* a, const T* b, O* out) {
        map2_contig(n, a, b, out, BinaryDyn<T, O>{op});
    }
};
template <typename O> struct BinaryContig<float, O> {
    static __device__ __forceinline__ void run(int op, long long n, const float* a, const float* b, O* out) {
        binary_contig_float_impl<float, O>(op, n, a, b, out);
    }
};
template <typename O> struct BinaryContig<double, O> {
    static __device__ __forceinline__ void run(int op, long long n, const double* a, const double* b, O* out) {
        binary_contig_float_impl<double, O>(op, n, a, b, out);
    }
};

// ============================================================================ fill / where

template <typename T>
__device__ __forceinline__ void fill_contig_impl(long long n, double v, T* dst) {
    const T val = from_d<T>(v);
    const long long tid = vela_tid(), nt = vela_nthreads();
    if (vela_aligned(dst, pack_align<T>())) {
        Pack4<T> p;
        p.v[0] = val; p.v[1] = val; p.v[2] = val; p.v[3] = val;
        const long long n4 = n >> 2;
        for (long long g = tid; g < n4; g += nt) st4(dst + 4 * g, p);
        const long long i = 4 * n4 + tid;
        if (i < n) dst[i] = val;
    } else {
        for (long long i = tid; i < n; i += nt) dst[i] = val;
    }
}

template <typename T>
__device__ __forceinline__ void fill_strided_impl(long long n, double v, T* dst, const Layout& ld) {
    const T val = from_d<T>(v);
    const long long tid = vela_tid(), nt = vela_nthreads();
    const bool small = ((unsigned long long)n >> 32) == 0ull;
    for (long long i = tid; i < n; i += nt) dst[at(ld, i, small)] = val;
}

template <typename T>
__device__ __forceinline__ void where_impl(long long n, const unsigned char* c, const Layout& lc, const T* a,
                                           const Layout& la, const T* b, const Layout& lb, T* out, const Layout& lo) {
    const long long tid = vela_tid(), nt = vela_nthreads();
    const bool small = ((unsigned long long)n >> 32) == 0ull;
    if (vela_same_shape(lc, lo) && vela_same_shape(la, lo) && vela_same_shape(lb, lo)) {
        for (long long i = tid; i < n; i += nt) {
            long long d[VELA_MAX_RANK];
            vela_unravel(lo, i, small, d);
            out[vela_dot(lo, d)] = c[vela_dot(lc, d)] != 0 ? a[vela_dot(la, d)] : b[vela_dot(lb, d)];
        }
    } else {
        for (long long i = tid; i < n; i += nt) {
            out[at(lo, i, false)] = c[at(lc, i, false)] != 0 ? a[at(la, i, false)] : b[at(lb, i, false)];
        }
    }
}

// ============================================================================ instantiation

#define VELA_ELEMENTWISE_T(SUF, T, MINB)                                                                             \
    extern "C" __global__ void __launch_bounds__(256, MINB)                                                        \
        unary_contig_##SUF(int op, double p0, double p1, long long n, const T* x, T* out) {                          \
        unary_contig_impl<T>(op, p0, p1, n, x, out);                                                                 \
    }                                                                                                                \
    extern "C" __global__ void unary_strided_##SUF(int op, double p0, double p1, long long n, const T* x,             \
                                                   const __grid_constant__ Layout lx, T* out,                        \
                                                   const __grid_constant__ Layout lo) {                              \
        unary_strided_impl<T>(op, p0, p1, n, x, lx, out, lo);                                                        \
    }                                                                                                                \
    extern "C" __global__ void __launch_bounds__(256, MINB)                                                        \
        binary_contig_##SUF(int op, long long n, const T* a, const T* b, T* out) {                                   \
        BinaryContig<T, T>::run(op, n, a, b, out);                                                                   \
    }                                                                                                                \
    extern "C" __global__ void binary_strided_##SUF(int op, long long n, const T* a, const __grid_constant__ Layout la, \
                                                    const T* b, const __grid_constant__ Layout lb, T* out,           \
                                                    const __grid_constant__ Layout lo) {                             \
        map2_strided(n, a, la, b, lb, out, lo, BinaryDyn<T, T>{op});                                                 \
    }                                                                                                                \
    extern "C" __global__ void __launch_bounds__(256, MINB)                                                        \
        binary_contig_##SUF##_u8(int op, long long n, const T* a, const T* b,                                        \
                                                        unsigned char* out) {                                        \
        BinaryContig<T, unsigned char>::run(op, n, a, b, out);                                                       \
    }                                                                                                                \
    extern "C" __global__ void binary_strided_##SUF##_u8(int op, long long n, const T* a,                            \
                                                         const __grid_constant__ Layout la, const T* b,              \
                                                         const __grid_constant__ Layout lb, unsigned char* out,      \
                                                         const __grid_constant__ Layout lo) {                        \
        map2_strided(n, a, la, b, lb, out, lo, BinaryDyn<T, unsigned char>{op});                                     \
    }                                                                                                                \
    extern "C" __global__ void fill_contig_##SUF(long long n, double v, T* dst) { fill_contig_impl<T>(n, v, dst); }   \
    extern "C" __global__ void fill_strided_##SUF(long long n, double v, T* dst, const __grid_constant__ Layout ld) { \
        fill_strided_impl<T>(n, v, dst, ld);                                                                         \
    }                                                                                                                \
    extern "C" __global__ void where_##SUF(long long n, const unsigned char* c, const __grid_constant__ Layout lc,    \
                                           const T* a, const __grid_constant__ Layout la, const T* b,                \
                                           const __grid_constant__ Layout lb, T* out,                                \
                                           const __grid_constant__ Layout lo) {                                      \
        where_impl<T>(n, c, lc, a, la, b, lb, out, lo);                                                              \
    }

// float32 streaming kernels are held to 40 registers (6 blocks of 256 per SM) for more loads in flight
VELA_ELEMENTWISE_T(f32, float, 6)
VELA_ELEMENTWISE_T(f64, double, 1)
VELA_ELEMENTWISE_T(i32, int, 1)
VELA_ELEMENTWISE_T(i64, long long, 1)
VELA_ELEMENTWISE_T(u8, unsigned char, 1)

#define VELA_COPY(SS, S, DS, D)                                                                                      \
    extern "C" __global__ void copy_contig_##SS##_##DS(long long n, const S* src, D* dst) {                          \
        map1_contig(n, src, dst, ConvertFn<S, D>());                                                                 \
    }                                                                                                                \
    extern "C" __global__ void copy_strided_##SS##_##DS(long long n, const S* src, const __grid_constant__ Layout ls, \
                                                        D* dst, const __grid_constant__ Layout ld) {                 \
        map1_strided(n, src, ls, dst, ld, ConvertFn<S, D>());                                                        \
    }

#define VELA_COPY_FROM(SS, S)            \
    VELA_COPY(SS, S, f32, float)         \
    VELA_COPY(SS, S, f64, double)        \
    VELA_COPY(SS, S, i32, int)           \
    VELA_COPY(SS, S, i64, long long)     \
    VELA_COPY(SS, S, u8, unsigned char)

VELA_COPY_FROM(f32, float)
VELA_COPY_FROM(f64, double)
VELA_COPY_FROM(i32, int)
VELA_COPY_FROM(i64, long long)
VELA_COPY_FROM(u8, unsigned char)
