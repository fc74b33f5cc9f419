// Emulation test of elementwise.cu: every unary and binary op of every type on special values (NaN, infinities,
// signed zeros, subnormals, values past the integer ranges) against Java-semantics references; the contiguous
// kernels' vector and scalar paths (aligned and misaligned pointers, tails, empty and grid-stride sizes); the
// strided kernels over random layouts (any rank, broadcast, negative strides, output shape differing from the
// inputs'); all 25 copy conversions, fill and where. Every output buffer is checked outside the output too.
#include "cuda_emu.h"
#include "elementwise.cu"
#include "common_test.h"

#include <string>

// ============================================================================ references (Java semantics)

// UnaryOp on x in double; f32: every step the CPU does in float is rounded to float (p0, p1 already rounded).
double refU(int op, double x, double p0, double p1, bool f32) {
    auto F = [&](double v) { return f32 ? (double)(float)v : v; };
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return std::fabs(x);
        case U_EXP: return F(std::exp(x));
        case U_LOG: return F(std::log(x));
        case U_SQRT: return F(std::sqrt(x));
        case U_SQUARE: return F(x * x);
        case U_SIGMOID: return f32 ? (double)(1.0f / (1.0f + (float)std::exp(-x))) : 1.0 / (1.0 + std::exp(-x));
        case U_TANH: return F(std::tanh(x));
        case U_RELU: return jmaxR(x, 0.0);
        case U_SIN: return F(std::sin(x));
        case U_COS: return F(std::cos(x));
        case U_SIGN: return std::isnan(x) ? x : (x == 0 ? x : (x > 0 ? 1.0 : -1.0));
        case U_RECIPROCAL: return F(1.0 / x);
        case U_FLOOR: return std::floor(x);
        case U_CEIL: return std::ceil(x);
        case U_ROUND: return std::nearbyint(x);
        case U_LOG1P: return F(std::log1p(x));
        case U_EXPM1: return F(std::expm1(x));
        case U_SOFTPLUS:
            return f32 ? (double)((float)jmaxR(x, 0) + (float)std::log1p((float)std::exp(-std::fabs(x))))
                       : jmaxR(x, 0) + std::log1p(std::exp(-std::fabs(x)));
        case U_SOFTSIGN: return F(x / F(1.0 + std::fabs(x)));
        case U_ELU: return x > 0 ? x : F(p0 * F(std::expm1(x)));
        case U_SELU: return x > 0 ? F(p0 * x) : F(F(p0 * p1) * F(std::expm1(x)));
        case U_LEAKY_RELU: return x > 0 ? x : F(p0 * x);
        case U_CLIP: return jminR(jmaxR(x, p0), p1);
        case U_POW: return F(jpowR(x, p0));
        case U_AFFINE: return F(F(x * p0) + p1);
        case U_HARD_SIGMOID: return jminR(jmaxR(F(F(x * (f32 ? (double)0.2f : 0.2)) + 0.5), 0), 1);
        case U_IN_RANGE: return x >= p0 && x <= p1 ? 1 : 0;
        case U_STEP: return x > p0 ? 1 : 0;
        case U_ONE_MINUS_SQUARE: return F(1.0 - F(x * x));
        case U_SIGMOID_GRAD_FROM_OUT: return F(x * F(1.0 - x));
        case U_IS_NAN: return std::isnan(x) ? 1 : 0;
        case U_FLUSH_SUBNORMAL:
            return std::fabs(x) < (f32 ? (double)std::numeric_limits<float>::min() : std::numeric_limits<double>::min()) ? 0.0 : x;
    }
    return NAN;
}

// Ops computed by math-library routines: the device's differ from the host's in the last bits.
bool approxOp(int op) {
    switch (op) {
        case U_EXP: case U_LOG: case U_SIGMOID: case U_TANH: case U_SIN: case U_COS: case U_LOG1P: case U_EXPM1:
        case U_SOFTPLUS: case U_ELU: case U_SELU: return true;
    }
    return false;
}

// The unary result the kernel of type T must produce (floats in their own type, others through double).
template <typename T> T expectUnary(int op, T x, double p0, double p1) {
    if constexpr (std::is_same_v<T, float>) return (float)refU(op, (double)x, (double)(float)p0, (double)(float)p1, true);
    else if constexpr (std::is_same_v<T, double>) return refU(op, x, p0, p1, false);
    else return javaCast<T>(refU(op, (double)x, p0, p1, false));
}

template <typename T> bool unaryMatches(int op, T got, T exp) {
    if (approxOp(op)) return close(got, exp, std::is_same_v<T, float> ? 3e-7 : 1e-15);
    return same_bits(got, exp);
}

double refB(int op, double a, double b, bool f32) {
    auto F = [&](double v) { return f32 ? (double)(float)v : v; };
    switch (op) {
        case B_ADD: return F(a + b);
        case B_SUB: return F(a - b);
        case B_MUL: return F(a * b);
        case B_DIV: return F(a / b);
        case B_MAX: return jmaxR(a, b);
        case B_MIN: return jminR(a, b);
        case B_POW: return F(jpowR(a, b));
        case B_EQ: return a == b;
        case B_NE: return a != b;
        case B_LT: return a < b;
        case B_LE: return a <= b;
        case B_GT: return a > b;
        case B_GE: return a >= b;
        case B_AND: return a != 0 && b != 0;
        case B_OR: return a != 0 || b != 0;
    }
    return NAN;
}

template <typename T, typename O> O expectBinary(int op, T a, T b) {
    return javaCast<O>(refB(op, (double)a, (double)b, std::is_same_v<T, float>));
}

template <typename S, typename D> D expectCopy(S v) {
    if constexpr (std::is_same_v<S, D>) return v;
    else return javaCast<D>((double)v);
}

std::vector<double> specials() {
    return {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.7, -3.7, 0.2, 100.0, -100.0, 1e-40, -1e-40, 1e-310,
            3e38, -3e38, 1e300, INFINITY, -INFINITY, NAN, 2.0, 0.99, 1e-7, 88.0, -88.0, 20.0, -20.0, 2147483648.0,
            -2147483649.0, 1e19, -1e19, 7.0, 0.25, 42.0};
}

// Distinct small values of T (so that a wrong source element shows), alternating sign where T has one.
template <typename T> T sample(long long i) {
    if constexpr (std::is_same_v<T, unsigned char>) return (unsigned char)((i * 7 + i / 3) & 1);
    else if constexpr (std::is_floating_point_v<T>) return (T)((i % 2 ? -1 : 1) * (T)(i % 97) / 4);
    else return (T)((i % 2 ? -1 : 1) * (i % 1009));
}

std::mt19937 rng(20240607);

long long randInt(long long lo, long long hi) { return std::uniform_int_distribution<long long>(lo, hi)(rng); }

dim3 randomBlock() { static const unsigned sizes[] = {32, 64, 256}; return dim3{sizes[randInt(0, 2)]}; }
dim3 randomGrid() { return dim3{(unsigned)randInt(1, 3)}; }

// ============================================================================ random layouts

std::vector<long long> randomShape(int maxRank) {
    static const long long dims[] = {1, 2, 3, 4, 5, 7};
    std::vector<long long> s(randInt(0, maxRank));
    for (auto& d : s) d = randInt(0, 30) == 0 ? 0 : dims[randInt(0, 5)];
    return s;
}

// A layout over `shape` whose element offsets are >= base: axes in a random memory order, strides padded with gaps,
// some negated; with `broadcast`, some strides are 0. Without it no two elements share an offset.
Layout randomLayout(const std::vector<long long>& shape, long long base, bool broadcast) {
    const int r = (int)shape.size();
    std::vector<int> order(r);
    for (int i = 0; i < r; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<long long> stride(r);
    long long acc = randInt(1, 2);
    for (int k = r - 1; k >= 0; --k) {
        const int ax = order[k];
        stride[ax] = acc;
        acc = acc * std::max(shape[ax], 1LL) + randInt(0, 2);
    }
    for (int k = 0; k < r; ++k) {
        if (randInt(0, 2) == 0) stride[k] = -stride[k];
        if (broadcast && randInt(0, 3) == 0) stride[k] = 0;
    }
    Layout L = mk(shape, stride, 0);
    L.offset = base - span_of(L).first;
    return L;
}

// A shape with the same element count: adjacent axes of `shape` merged at random, or `shape` itself.
std::vector<long long> randomReshape(const std::vector<long long>& shape) {
    if (shape.empty() || randInt(0, 1) == 0) return shape;
    std::vector<long long> out;
    for (long long d : shape) {
        if (!out.empty() && randInt(0, 1) == 0) out.back() *= d;
        else out.push_back(d);
    }
    return out;
}

// A buffer of `sentinel` big enough for L plus `slack` elements after it.
template <typename T> std::vector<T> bufferFor(const Layout& L, T sentinel, long long slack = 3) {
    return std::vector<T>((size_t)(span_of(L).second + 1 + slack), sentinel);
}

// Checks out against the expected value at every offset of lo, and that every other element is still sentinel.
template <typename T, typename E>
void checkOutput(const std::string& what, const std::vector<T>& out, const Layout& lo, T sentinel, const E& expected) {
    std::vector<char> hit(out.size(), 0);
    const long long n = numel(lo);
    for (long long i = 0; i < n; ++i) {
        const long long o = ref_at(lo, i);
        hit[o] = 1;
        const T e = expected(i);
        CHECK(same_bits(out[o], e), "%s: element %lld (offset %lld) got %g, expected %g", what.c_str(), i, o,
              (double)out[o], (double)e);
    }
    for (size_t k = 0; k < out.size(); ++k) {
        if (!hit[k]) CHECK(same_bits(out[k], sentinel), "%s: wrote offset %zu outside the output", what.c_str(), k);
    }
}

std::string describe(const Layout& L) {
    std::string s = "[";
    for (int k = 0; k < L.rank; ++k) s += (k ? "," : "") + std::to_string(L.shape[k]) + ":" + std::to_string(L.stride[k]);
    return s + "]@" + std::to_string(L.offset);
}

// ============================================================================ unary

template <typename T>
void testUnarySpecials(const char* name, void (*kc)(int, double, double, long long, const T*, T*),
                       void (*ks)(int, double, double, long long, const T*, Layout, T*, Layout)) {
    std::vector<T> xs;
    for (double v : specials()) xs.push_back(javaCast<T>(v));
    const long long n = (long long)xs.size();
    const std::vector<std::pair<double, double>> params = {
        {0.3, 1.2}, {-1.0, 2.0}, {2.0, 0.5}, {1.6732632423543772, 1.0507009873554805}, {0.5, NAN}};
    for (int op = 0; op <= U_FLUSH_SUBNORMAL; ++op) {
        for (auto [p0, p1] : params) {
            for (int shift = 0; shift < 2; ++shift) {
                std::vector<T> buf(n + 4), out(n + 4, (T)77);
                for (long long i = 0; i < n; ++i) buf[i + shift] = xs[i];
                launch(kc, dim3{2}, dim3{64}, op, p0, p1, n, buf.data() + shift, out.data() + shift);
                // the same through the strided kernel: x reversed, out with stride 2
                std::vector<T> out2(2 * n + 2, (T)77);
                launch(ks, dim3{1}, dim3{64}, op, p0, p1, n, buf.data(), mk({n}, {-1}, n - 1 + shift), out2.data(),
                       mk({n}, {2}, 1));
                for (long long i = 0; i < n; ++i) {
                    const T exp = expectUnary<T>(op, xs[i], p0, p1), got = out[i + shift];
                    CHECK(unaryMatches(op, got, exp), "unary %s op=%d x=%g p=(%g,%g) got=%.9g exp=%.9g", name, op,
                          (double)xs[i], p0, p1, (double)got, (double)exp);
                    const T got2 = out2[1 + 2 * (n - 1 - i)];
                    CHECK(unaryMatches(op, got2, exp), "unary strided %s op=%d x=%g got=%.9g exp=%.9g", name, op,
                          (double)xs[i], (double)got2, (double)exp);
                }
                for (long long k = 0; k < n + 4; ++k) {
                    if (k < shift || k >= shift + n) {
                        CHECK(out[k] == (T)77, "unary %s op=%d n=%lld shift=%d wrote %g at %lld, outside the output [%d, %lld)",
                              name, op, n, shift, (double)out[k], k, shift, shift + n);
                    }
                }
            }
        }
    }
}

// The contiguous loop skeleton: empty, tails of 1-3, grid-stride sizes, every misalignment of x and out.
template <typename T>
void testUnarySizes(const char* name, void (*kc)(int, double, double, long long, const T*, T*)) {
    const int op = std::is_same_v<T, unsigned char> ? U_STEP : U_AFFINE;
    const double p0 = std::is_same_v<T, unsigned char> ? 0.5 : -2.0, p1 = std::is_same_v<T, unsigned char> ? 0 : 3.0;
    for (long long n : {0LL, 1LL, 3LL, 4LL, 5LL, 63LL, 1023LL, 1024LL, 1025LL, 4099LL}) {
        for (int sx = 0; sx < 4; ++sx) {
            for (int so = 0; so < 4; so += 3) {
                std::vector<T> x(n + 8);
                for (long long i = 0; i < n + 8; ++i) x[i] = sample<T>(i);
                std::vector<T> out(n + 8, (T)99);
                const dim3 grid{n > 1000 ? 2u : 1u}, block{n > 1000 ? 64u : 32u};
                launch(kc, grid, block, op, p0, p1, n, (const T*)x.data() + sx, out.data() + so);
                for (long long k = 0; k < n + 8; ++k) {
                    const bool inside = k >= so && k < so + n;
                    const T exp = inside ? expectUnary<T>(op, x[k - so + sx], p0, p1) : (T)99;
                    CHECK(same_bits(out[k], exp), "unary sizes %s n=%lld shifts=(%d,%d) k=%lld got=%g exp=%g", name, n,
                          sx, so, k, (double)out[k], (double)exp);
                }
            }
        }
    }
}

template <typename T>
void testUnaryLayouts(const char* name, void (*ks)(int, double, double, long long, const T*, Layout, T*, Layout)) {
    const int op = std::is_same_v<T, unsigned char> ? U_STEP : U_NEG;
    for (int trial = 0; trial < 60; ++trial) {
        const auto shape = randomShape(4);
        const Layout lx = randomLayout(shape, randInt(0, 3), true);
        const Layout lo = randomLayout(randomReshape(shape), randInt(0, 3), false);
        const long long n = numel(lo);
        std::vector<T> x = bufferFor<T>(lx, (T)0);
        for (size_t i = 0; i < x.size(); ++i) x[i] = sample<T>((long long)i);
        std::vector<T> out = bufferFor<T>(lo, (T)111);
        launch(ks, randomGrid(), randomBlock(), op, 0.5, 0.0, n, (const T*)x.data(), lx, out.data(), lo);
        checkOutput(std::string("unary strided ") + name + " x" + describe(lx) + " out" + describe(lo), out, lo, (T)111,
                    [&](long long i) { return expectUnary<T>(op, x[ref_at(lx, i)], 0.5, 0.0); });
    }
}

// ============================================================================ binary

template <typename T, typename O>
void testBinarySpecials(const char* name, void (*kc)(int, long long, const T*, const T*, O*),
                        void (*ks)(int, long long, const T*, Layout, const T*, Layout, O*, Layout)) {
    std::vector<T> vs;
    for (double v : specials()) vs.push_back(javaCast<T>(v));
    const long long m = (long long)vs.size(), n = m * m;
    std::vector<T> a(n + 1), b(n + 1);
    for (long long i = 0; i < m; ++i) {
        for (long long j = 0; j < m; ++j) {
            a[i * m + j] = vs[i];
            b[i * m + j] = vs[j];
        }
    }
    std::vector<T> a1(n + 1);
    for (long long i = 0; i < n; ++i) a1[i + 1] = a[i];
    for (int op = 0; op <= B_OR; ++op) {
        std::vector<O> out(n + 4, (O)9), out1(n + 4, (O)9), out2(n + 4, (O)9);
        launch(kc, dim3{3}, dim3{64}, op, n, (const T*)a.data(), (const T*)b.data(), out.data());
        launch(kc, dim3{3}, dim3{64}, op, n, (const T*)a1.data() + 1, (const T*)b.data(), out1.data());  // misaligned a
        // strided, both operands broadcast from vs: a as [m, m] with strides (1, 0), b with (0, 1)
        launch(ks, dim3{2}, dim3{128}, op, n, (const T*)vs.data(), mk({m, m}, {1, 0}), (const T*)vs.data(),
               mk({m, m}, {0, 1}), out2.data(), contig({m, m}));
        for (long long i = 0; i < n; ++i) {
            const O exp = expectBinary<T, O>(op, a[i], b[i]);
            CHECK(same_bits(out[i], exp), "binary %s op=%d a=%g b=%g got=%g exp=%g", name, op, (double)a[i],
                  (double)b[i], (double)out[i], (double)exp);
            CHECK(same_bits(out1[i], exp), "binary %s misaligned op=%d i=%lld", name, op, i);
            CHECK(same_bits(out2[i], exp), "binary %s strided op=%d i=%lld", name, op, i);
        }
        for (long long k = n; k < n + 4; ++k) {
            CHECK(out[k] == (O)9 && out1[k] == (O)9 && out2[k] == (O)9, "binary %s op=%d n=%lld wrote at %lld, past the output",
                  name, op, n, k);
        }
    }
}

template <typename T, typename O>
void testBinarySizes(const char* name, void (*kc)(int, long long, const T*, const T*, O*)) {
    const int op = std::is_same_v<O, unsigned char> ? B_GT : B_SUB;
    struct Shifts { int a, b, o; };
    for (long long n : {0LL, 1LL, 2LL, 7LL, 64LL, 1025LL, 2051LL}) {
        for (Shifts sh : {Shifts{0, 0, 0}, Shifts{1, 0, 0}, Shifts{0, 1, 0}, Shifts{0, 0, 1}, Shifts{1, 1, 1}}) {
            std::vector<T> a(n + 4), b(n + 4);
            for (long long i = 0; i < n + 4; ++i) {
                a[i] = sample<T>(i);
                b[i] = sample<T>(3 * i + 1);
            }
            std::vector<O> out(n + 4, (O)7);
            launch(kc, dim3{n > 1000 ? 2u : 1u}, dim3{32}, op, n, (const T*)a.data() + sh.a, (const T*)b.data() + sh.b,
                   out.data() + sh.o);
            for (long long k = 0; k < n + 4; ++k) {
                const bool inside = k >= sh.o && k < sh.o + n;
                const O exp = inside ? expectBinary<T, O>(op, a[k - sh.o + sh.a], b[k - sh.o + sh.b]) : (O)7;
                CHECK(same_bits(out[k], exp), "binary sizes %s n=%lld shifts=(%d,%d,%d) k=%lld got=%g exp=%g", name, n,
                      sh.a, sh.b, sh.o, k, (double)out[k], (double)exp);
            }
        }
    }
}

template <typename T, typename O>
void testBinaryLayouts(const char* name, void (*ks)(int, long long, const T*, Layout, const T*, Layout, O*, Layout)) {
    const int op = std::is_same_v<O, unsigned char> ? B_GT : B_SUB;  // not symmetric: swapped operands show
    for (int trial = 0; trial < 60; ++trial) {
        const auto shape = randomShape(4);
        const Layout la = randomLayout(shape, randInt(0, 3), true), lb = randomLayout(shape, randInt(0, 3), true);
        const Layout lo = randomLayout(randomReshape(shape), randInt(0, 3), false);
        std::vector<T> a = bufferFor<T>(la, (T)0), b = bufferFor<T>(lb, (T)0);
        for (size_t i = 0; i < a.size(); ++i) a[i] = sample<T>((long long)i);
        for (size_t i = 0; i < b.size(); ++i) b[i] = sample<T>((long long)(5 * i + 2));
        std::vector<O> out = bufferFor<O>(lo, (O)5);
        launch(ks, randomGrid(), randomBlock(), op, numel(lo), (const T*)a.data(), la, (const T*)b.data(), lb, out.data(), lo);
        checkOutput(std::string("binary strided ") + name + " a" + describe(la) + " b" + describe(lb) + " out" + describe(lo),
                    out, lo, (O)5, [&](long long i) { return expectBinary<T, O>(op, a[ref_at(la, i)], b[ref_at(lb, i)]); });
    }
}

// ============================================================================ copy

template <typename S, typename D>
void testCopy(const char* name, void (*kc)(long long, const S*, D*), void (*ks)(long long, const S*, Layout, D*, Layout)) {
    std::vector<S> src;
    for (int r = 0; r < 3; ++r) for (double v : specials()) src.push_back(javaCast<S>(v));
    const long long n = (long long)src.size();
    for (int shift = 0; shift < 2; ++shift) {
        std::vector<S> s(n + 2);
        for (long long i = 0; i < n; ++i) s[i + shift] = src[i];
        std::vector<D> d(n + 2, (D)5);
        launch(kc, dim3{1}, dim3{32}, n, (const S*)s.data() + shift, d.data());
        for (long long i = 0; i < n; ++i) {
            const D exp = expectCopy<S, D>(src[i]);
            CHECK(same_bits(d[i], exp), "copy %s i=%lld src=%g got=%g exp=%g", name, i, (double)src[i], (double)d[i],
                  (double)exp);
        }
        CHECK(d[n] == (D)5 && d[n + 1] == (D)5, "copy %s n=%lld shift=%d wrote past the output", name, n, shift);
    }
    // the contiguous loop: empty, tails, grid-stride, source or destination misaligned
    for (long long n : {0LL, 1LL, 4LL, 5LL, 1029LL}) {
        for (auto [ss, sd] : std::vector<std::pair<int, int>>{{0, 0}, {1, 0}, {0, 1}}) {
            std::vector<S> x(n + 2);
            for (long long i = 0; i < n + 2; ++i) x[i] = javaCast<S>((double)sample<double>(i) * 3);
            std::vector<D> d(n + 2, (D)5);
            launch(kc, dim3{n > 1000 ? 2u : 1u}, dim3{32}, n, (const S*)x.data() + ss, d.data() + sd);
            for (long long k = 0; k < n + 2; ++k) {
                const bool inside = k >= sd && k < sd + n;
                const D exp = inside ? expectCopy<S, D>(x[k - sd + ss]) : (D)5;
                CHECK(same_bits(d[k], exp), "copy %s n=%lld shifts=(%d,%d) k=%lld got=%g exp=%g", name, n, ss, sd, k,
                      (double)d[k], (double)exp);
            }
        }
    }
    for (int trial = 0; trial < 12; ++trial) {
        const auto shape = randomShape(3);
        const Layout ls = randomLayout(shape, randInt(0, 2), true);
        const Layout ld = randomLayout(randomReshape(shape), randInt(0, 2), false);
        std::vector<S> x = bufferFor<S>(ls, (S)0);
        for (size_t i = 0; i < x.size(); ++i) x[i] = javaCast<S>((double)sample<double>((long long)i) * 3);
        std::vector<D> out = bufferFor<D>(ld, (D)13);
        launch(ks, randomGrid(), randomBlock(), numel(ld), (const S*)x.data(), ls, out.data(), ld);
        checkOutput(std::string("copy strided ") + name + " src" + describe(ls) + " dst" + describe(ld), out, ld, (D)13,
                    [&](long long i) { return expectCopy<S, D>(x[ref_at(ls, i)]); });
    }
}

// ============================================================================ fill, where

template <typename T>
void testFillWhere(const char* name, void (*fc)(long long, double, T*), void (*fs)(long long, double, T*, Layout),
                   void (*wh)(long long, const unsigned char*, Layout, const T*, Layout, const T*, Layout, T*, Layout)) {
    for (double v : {1.5, -2.7, (double)NAN, 3e10, -0.0}) {
        for (long long n : {0LL, 1LL, 5LL, 17LL, 1000LL, 4097LL}) {
            for (int shift : {0, 1, 3}) {
                std::vector<T> d(n + 5, (T)3);
                launch(fc, dim3{2}, dim3{32}, n, v, d.data() + shift);
                for (long long k = 0; k < n + 5; ++k) {
                    const bool inside = k >= shift && k < shift + n;
                    const T exp = inside ? javaCast<T>(v) : (T)3;
                    CHECK(same_bits(d[k], exp), "fill %s v=%g n=%lld shift=%d k=%lld got=%g exp=%g", name, v, n, shift, k,
                          (double)d[k], (double)exp);
                }
            }
        }
        for (int trial = 0; trial < 6; ++trial) {
            const Layout ld = randomLayout(randomShape(4), randInt(0, 2), false);
            std::vector<T> d = bufferFor<T>(ld, (T)3);
            launch(fs, randomGrid(), randomBlock(), numel(ld), v, d.data(), ld);
            checkOutput(std::string("fill strided ") + name + describe(ld), d, ld, (T)3, [&](long long) { return javaCast<T>(v); });
        }
    }
    // cond [3, 1] broadcast over [3, 4], a contiguous, b a broadcast scalar; then the same with out as rank 1
    const std::vector<unsigned char> c = {1, 0, 1};
    std::vector<T> a(12), b = {(T)9};
    for (int i = 0; i < 12; ++i) a[i] = (T)i;
    std::vector<T> out(12), out2(12);
    launch(wh, dim3{1}, dim3{32}, 12LL, c.data(), mk({3, 4}, {1, 0}), (const T*)a.data(), contig({3, 4}),
           (const T*)b.data(), mk({3, 4}, {0, 0}), out.data(), contig({3, 4}));
    launch(wh, dim3{1}, dim3{32}, 12LL, c.data(), mk({3, 4}, {1, 0}), (const T*)a.data(), contig({12}),
           (const T*)b.data(), mk({3, 4}, {0, 0}), out2.data(), contig({12}));
    for (int i = 0; i < 12; ++i) {
        CHECK(out[i] == (c[i / 4] ? a[i] : (T)9), "where %s i=%d", name, i);
        CHECK(out2[i] == out[i], "where %s (out of another shape) i=%d", name, i);
    }
    for (int trial = 0; trial < 40; ++trial) {
        const auto shape = randomShape(4);
        const Layout lc = randomLayout(shape, randInt(0, 2), true), la = randomLayout(shape, randInt(0, 2), true);
        const Layout lb = randomLayout(shape, randInt(0, 2), true);
        const Layout lo = randomLayout(randomReshape(shape), randInt(0, 2), false);
        std::vector<unsigned char> cc = bufferFor<unsigned char>(lc, 0);
        for (auto& v : cc) v = (unsigned char)randInt(0, 1);
        std::vector<T> aa = bufferFor<T>(la, (T)0), bb = bufferFor<T>(lb, (T)0);
        for (size_t i = 0; i < aa.size(); ++i) aa[i] = (T)(1 + i % 50);
        for (size_t i = 0; i < bb.size(); ++i) bb[i] = (T)(60 + i % 50);
        std::vector<T> oo = bufferFor<T>(lo, (T)0);
        launch(wh, randomGrid(), randomBlock(), numel(lo), (const unsigned char*)cc.data(), lc, (const T*)aa.data(), la,
               (const T*)bb.data(), lb, oo.data(), lo);
        checkOutput(std::string("where ") + name + " c" + describe(lc) + " a" + describe(la) + " b" + describe(lb) +
                        " out" + describe(lo), oo, lo, (T)0,
                    [&](long long i) { return cc[ref_at(lc, i)] ? aa[ref_at(la, i)] : bb[ref_at(lb, i)]; });
    }
}

// ============================================================================ main

template <typename T>
void testUnaryAll(const char* name, void (*kc)(int, double, double, long long, const T*, T*),
                  void (*ks)(int, double, double, long long, const T*, Layout, T*, Layout)) {
    testUnarySpecials<T>(name, kc, ks);
    testUnarySizes<T>(name, kc);
    testUnaryLayouts<T>(name, ks);
}

template <typename T, typename O>
void testBinaryAll(const char* name, void (*kc)(int, long long, const T*, const T*, O*),
                   void (*ks)(int, long long, const T*, Layout, const T*, Layout, O*, Layout)) {
    testBinarySpecials<T, O>(name, kc, ks);
    testBinarySizes<T, O>(name, kc);
    testBinaryLayouts<T, O>(name, ks);
}

int main() {
    testUnaryAll<float>("f32", unary_contig_f32, unary_strided_f32);
    testUnaryAll<double>("f64", unary_contig_f64, unary_strided_f64);
    testUnaryAll<int>("i32", unary_contig_i32, unary_strided_i32);
    testUnaryAll<long long>("i64", unary_contig_i64, unary_strided_i64);
    testUnaryAll<unsigned char>("u8", unary_contig_u8, unary_strided_u8);
    testBinaryAll<float, float>("f32", binary_contig_f32, binary_strided_f32);
    testBinaryAll<float, unsigned char>("f32_u8", binary_contig_f32_u8, binary_strided_f32_u8);
    testBinaryAll<double, double>("f64", binary_contig_f64, binary_strided_f64);
    testBinaryAll<double, unsigned char>("f64_u8", binary_contig_f64_u8, binary_strided_f64_u8);
    testBinaryAll<int, int>("i32", binary_contig_i32, binary_strided_i32);
    testBinaryAll<int, unsigned char>("i32_u8", binary_contig_i32_u8, binary_strided_i32_u8);
    testBinaryAll<long long, long long>("i64", binary_contig_i64, binary_strided_i64);
    testBinaryAll<long long, unsigned char>("i64_u8", binary_contig_i64_u8, binary_strided_i64_u8);
    testBinaryAll<unsigned char, unsigned char>("u8", binary_contig_u8, binary_strided_u8);
    testBinaryAll<unsigned char, unsigned char>("u8_u8", binary_contig_u8_u8, binary_strided_u8_u8);
#define VELA_TEST_COPY(SS, S, DS, D) testCopy<S, D>(#SS "_" #DS, copy_contig_##SS##_##DS, copy_strided_##SS##_##DS);
#define VELA_TEST_COPY_FROM(SS, S)                                                                             \
    VELA_TEST_COPY(SS, S, f32, float) VELA_TEST_COPY(SS, S, f64, double) VELA_TEST_COPY(SS, S, i32, int)       \
    VELA_TEST_COPY(SS, S, i64, long long) VELA_TEST_COPY(SS, S, u8, unsigned char)
    VELA_TEST_COPY_FROM(f32, float)
    VELA_TEST_COPY_FROM(f64, double)
    VELA_TEST_COPY_FROM(i32, int)
    VELA_TEST_COPY_FROM(i64, long long)
    VELA_TEST_COPY_FROM(u8, unsigned char)
    testFillWhere<float>("f32", fill_contig_f32, fill_strided_f32, where_f32);
    testFillWhere<double>("f64", fill_contig_f64, fill_strided_f64, where_f64);
    testFillWhere<int>("i32", fill_contig_i32, fill_strided_i32, where_i32);
    testFillWhere<long long>("i64", fill_contig_i64, fill_strided_i64, where_i64);
    testFillWhere<unsigned char>("u8", fill_contig_u8, fill_strided_u8, where_u8);
    return emu::summary();
}
