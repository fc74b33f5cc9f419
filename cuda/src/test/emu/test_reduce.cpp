// Emulation test of reduce.cu. reduce_rows (warp and block paths, chunks, contiguous runs at every alignment,
// strided and random layouts, empty rows) and reduce_cols (both paths, random layouts) on data whose every
// reduction is exact, so a lost or repeated element shows bit for bit; reduce_cols also in its documented fixed
// order on random data; every reduction and softmax give the same bits for any grid (the order depends only on
// the arguments and the block size). argreduce: first index of ties, the first NaN, both paths and strides.
// Softmax: both kernels, every register/pass variant, misaligned rows, NaN / -inf / +inf rows.
#include "cuda_emu.h"
#include "reduce.cu"
#include "common_test.h"

std::mt19937 rng(77);

long long randInt(long long lo, long long hi) { return std::uniform_int_distribution<long long>(lo, hi)(rng); }

// ============================================================================ references

template <typename T> T identityOf(int op) {
    return op == R_SUM ? (T)0 : op == R_PROD ? (T)1 : op == R_MAX ? (T)-INFINITY : (T)INFINITY;
}

template <typename T> T combine(int op, T a, T b) {
    switch (op) {
        case R_SUM: return a + b;
        case R_PROD: return a * b;
        case R_MAX: return (T)jmaxR(a, b);
        default: return (T)jminR(a, b);
    }
}

// Sequential reduction in double (exact for the data below), rounded to T.
template <typename T> T refReduce(int op, const std::vector<T>& v) {
    double s = identityOf<double>(op);
    for (T x : v) s = combine<double>(op, s, (double)x);
    return (T)s;
}

// Values whose sums (small integers, some -0) and products (+-1 with rare +-2, +-0.5) are exact in any order.
template <typename T> T exactValue(int op) {
    if (op == R_PROD) {
        const long long r = randInt(0, 127);
        const T mag = r == 0 ? (T)2 : r == 1 ? (T)0.5 : (T)1;
        return randInt(0, 1) ? mag : -mag;
    }
    const long long v = randInt(-8, 8);
    return v == 0 && randInt(0, 1) ? (T)-0.0 : (T)v;
}

// Kept axes then reduced axes of one strided tensor.
struct Split {
    Layout kept, red;
    long long outer, inner;
};

Split split(const Layout& L, int nKept) {
    Split s;
    std::vector<long long> ks, kst, rs, rst;
    for (int k = 0; k < L.rank; ++k) {
        (k < nKept ? ks : rs).push_back(L.shape[k]);
        (k < nKept ? kst : rst).push_back(L.stride[k]);
    }
    s.kept = mk(ks, kst, L.offset);
    s.red = mk(rs, rst, 0);
    s.outer = numel(s.kept);
    s.inner = numel(s.red);
    return s;
}

// A layout over `shape` (offsets >= base) with axes in a random memory order and gaps, some strides negated.
Layout randomLayout(const std::vector<long long>& shape, long long base) {
    const int r = (int)shape.size();
    std::vector<int> order(r);
    for (int i = 0; i < r; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<long long> stride(r);
    long long acc = randInt(1, 2);
    for (int k = r - 1; k >= 0; --k) {
        stride[order[k]] = acc;
        acc = acc * std::max(shape[order[k]], 1LL) + randInt(0, 2);
    }
    for (auto& s : stride) if (randInt(0, 2) == 0) s = -s;
    Layout L = mk(shape, stride, 0);
    L.offset = base - span_of(L).first;
    return L;
}

// ============================================================================ reduce_rows

// The grid KERNELS.md prescribes: one warp per output up to VELA_WARP_ROW_MAX elements per output, else one block.
unsigned rowsGrid(long long outer, long long inner, long long chunk) {
    const long long c = chunk <= 0 || chunk > inner ? inner : chunk;
    const long long total = outer * (inner > 0 ? (inner + c - 1) / c : 1);
    return (unsigned)std::max(1LL, c <= VELA_WARP_ROW_MAX ? (total + 7) / 8 : total);
}

template <typename T>
void checkRows(const char* name, void (*k)(int, long long, long long, long long, const T*, Layout, Layout, T*),
               const std::vector<T>& x, const Split& s, long long chunk, const char* what) {
    const long long c = chunk <= 0 || chunk > s.inner ? s.inner : chunk;
    const long long nch = s.inner > 0 ? (s.inner + c - 1) / c : 1;
    for (int op = 0; op < 4; ++op) {
        std::vector<T> xx = x;
        for (auto& v : xx) v = exactValue<T>(op);
        for (int nanCase = 0; nanCase < 2; ++nanCase) {
            if (nanCase) {
                if (s.outer * s.inner == 0) continue;
                xx[ref_at(s.kept, s.outer - 1) + ref_at(s.red, s.inner - 1)] = NAN;
            }
            std::vector<T> expected(s.outer * nch);
            for (long long o = 0; o < s.outer; ++o) {
                for (long long ci = 0; ci < nch; ++ci) {
                    std::vector<T> vals;
                    for (long long r = ci * c; r < std::min(s.inner, (ci + 1) * c); ++r)
                        vals.push_back(xx[ref_at(s.kept, o) + ref_at(s.red, r)]);
                    expected[o * nch + ci] = refReduce(op, vals);
                }
            }
            std::vector<unsigned> grids = {rowsGrid(s.outer, s.inner, chunk)};
            if (!nanCase) grids.push_back(2);  // grid-stride (or idle warps when one block is enough)
            for (unsigned grid : grids) {
                std::vector<T> out(s.outer * nch + 2, (T)-7);
                launch(k, dim3{grid}, dim3{256}, op, s.outer, s.inner, chunk, (const T*)xx.data(), s.kept, s.red, out.data());
                for (long long b = 0; b < s.outer * nch; ++b) {
                    CHECK(same_bits(out[b], expected[b]), "reduce_rows %s %s op=%d outer=%lld inner=%lld chunk=%lld grid=%u "
                          "nan=%d o=%lld c=%lld got=%.9g exp=%.9g", name, what, op, s.outer, s.inner, chunk, grid, nanCase,
                          b / nch, b % nch, (double)out[b], (double)expected[b]);
                }
                CHECK(out[s.outer * nch] == (T)-7 && out[s.outer * nch + 1] == (T)-7,
                      "reduce_rows %s %s op=%d wrote past the output", name, what, op);
            }
        }
    }
}

template <typename T>
void testRows(const char* name, void (*k)(int, long long, long long, long long, const T*, Layout, Layout, T*)) {
    struct Case { std::vector<long long> kept, red; long long chunk; bool transposed; int shift; };
    const std::vector<Case> cases = {
        {{3}, {5}, 0, false, 0},       {{4}, {37}, 0, false, 1},      {{2}, {1000}, 0, false, 0},
        {{2}, {1000}, 0, false, 1},    {{2}, {1000}, 0, false, 2},    {{2}, {1000}, 0, false, 3},
        {{3}, {2049}, 0, false, 0},    {{2}, {5000}, 0, false, 3},    {{2}, {5000}, 700, false, 1},
        {{2, 3}, {4, 7}, 0, false, 0}, {{3}, {2100}, 0, true, 0},     {{5}, {64}, 0, true, 0},
        {{2}, {0}, 0, false, 0},       {{0}, {5}, 0, false, 0},       {{1}, {7}, 3, false, 0},
        {{2}, {9000}, 4096, false, 2}, {{17}, {33}, 32, false, 1},    {{1}, {1}, 0, false, 0},
        {{3}, {4000}, 2048, false, 0}, {{3}, {4000}, 2049, true, 0}};
    for (const Case& cs : cases) {
        long long outer = 1, inner = 1;
        for (auto v : cs.kept) outer *= v;
        for (auto v : cs.red) inner *= v;
        Split s;
        if (!cs.transposed) {
            // x as [kept..., red...] contiguous from element `shift`
            std::vector<long long> all = cs.kept;
            all.insert(all.end(), cs.red.begin(), cs.red.end());
            s = split(contig(all, cs.shift), (int)cs.kept.size());
        } else {
            // x stored [inner, outer]: kept stride 1, reduced stride outer (a strided reduction)
            s = split(mk({outer, inner}, {1, outer}, cs.shift), 1);
        }
        std::vector<T> x(outer * inner + cs.shift + 4);
        checkRows<T>(name, k, x, s, cs.chunk, cs.transposed ? "transposed" : "contiguous");
    }
    for (int trial = 0; trial < 25;) {
        static const long long dims[] = {1, 2, 3, 5, 9, 40};
        const int nKept = (int)randInt(1, 2), nRed = (int)randInt(1, 3);
        std::vector<long long> shape(nKept + nRed);
        for (auto& d : shape) d = dims[randInt(0, 5)];
        const Layout L = randomLayout(shape, randInt(0, 3));
        if (numel(L) > 5000) continue;
        ++trial;
        std::vector<T> x(span_of(L).second + 4);
        static const long long chunks[] = {0, 1, 5, 100, 3000};
        checkRows<T>(name, k, x, split(L, nKept), chunks[randInt(0, 4)], "random layout");
    }
}

// The same bits for every grid on inexact data, and close to the double reference.
template <typename T>
void testRowsDeterministic(const char* name, void (*k)(int, long long, long long, long long, const T*, Layout, Layout, T*)) {
    std::uniform_real_distribution<double> U(-1, 1);
    for (long long inner : {100LL, 3000LL}) {
        for (int shift = 0; shift < 2; ++shift) {
            const long long outer = 9;
            std::vector<T> x(outer * inner + 2);
            for (auto& v : x) v = (T)U(rng);
            const Split s = split(contig({outer, inner}, shift), 1);
            std::vector<T> first;
            for (unsigned grid : {rowsGrid(outer, inner, 0), 1u, 2u, 5u}) {
                std::vector<T> out(outer);
                launch(k, dim3{grid}, dim3{256}, (int)R_SUM, outer, inner, 0LL, (const T*)x.data(), s.kept, s.red, out.data());
                if (first.empty()) first = out;
                for (long long o = 0; o < outer; ++o) {
                    CHECK(same_bits(out[o], first[o]), "reduce_rows %s sum of row %lld depends on the grid (%u)", name, o, grid);
                    double e = 0;
                    for (long long r = 0; r < inner; ++r) e += x[shift + o * inner + r];
                    CHECK(std::fabs(out[o] - e) < (std::is_same_v<T, float> ? 1e-3 : 1e-12), "reduce_rows %s sum o=%lld got=%.9g exp=%.9g",
                          name, o, (double)out[o], e);
                }
            }
        }
    }
}

// ============================================================================ reduce_cols

// Documented order: inner < 64, r in increasing order from the identity; else segment w (ceil(inner / nwarps)
// long) folded by warp w from the identity, the segment results combined in warp order.
template <typename T> T colsOrder(int op, const std::vector<T>& v, int nwarps) {
    if (v.size() < VELA_COLS_SPLIT_MIN) {
        T acc = identityOf<T>(op);
        for (T x : v) acc = combine(op, acc, x);
        return acc;
    }
    const size_t seg = (v.size() + nwarps - 1) / nwarps;
    std::vector<T> part(nwarps, identityOf<T>(op));
    for (int w = 0; w < nwarps; ++w)
        for (size_t r = w * seg; r < std::min(v.size(), (w + 1) * seg); ++r) part[w] = combine(op, part[w], v[r]);
    T acc = part[0];
    for (int w = 1; w < nwarps; ++w) acc = combine(op, acc, part[w]);
    return acc;
}

template <typename T>
void checkCols(const char* name, void (*k)(int, long long, long long, const T*, Layout, Layout, T*), const Split& s,
               size_t xsize, const char* what) {
    std::uniform_real_distribution<double> U(-1, 1);
    for (int op = 0; op < 4; ++op) {
        for (int data = 0; data < 3; ++data) {  // exact values, exact with a NaN, random values (order check)
            std::vector<T> x(xsize);
            for (auto& v : x) v = data < 2 ? exactValue<T>(op) : (T)U(rng);
            if (data == 1 && s.outer * s.inner > 0) x[ref_at(s.kept, s.outer / 2) + ref_at(s.red, s.inner / 2)] = NAN;
            const unsigned blocks = s.inner >= VELA_COLS_SPLIT_MIN ? (unsigned)((s.outer + 31) / 32) : (unsigned)((s.outer + 255) / 256);
            for (unsigned block : {256u, 64u}) {
                std::vector<T> expected(s.outer);
                for (long long o = 0; o < s.outer; ++o) {
                    std::vector<T> v;
                    for (long long r = 0; r < s.inner; ++r) v.push_back(x[ref_at(s.kept, o) + ref_at(s.red, r)]);
                    expected[o] = data < 2 ? refReduce(op, v) : colsOrder(op, v, (int)block / 32);
                }
                for (unsigned grid : {std::max(1u, blocks), 1u, 2u}) {
                    std::vector<T> out(s.outer + 1, (T)-3);
                    launch(k, dim3{grid}, dim3{block}, op, s.outer, s.inner, (const T*)x.data(), s.kept, s.red, out.data());
                    for (long long o = 0; o < s.outer; ++o) {
                        CHECK(same_bits(out[o], expected[o]), "reduce_cols %s %s op=%d data=%d outer=%lld inner=%lld block=%u "
                              "grid=%u o=%lld got=%.9g exp=%.9g", name, what, op, data, s.outer, s.inner, block, grid, o,
                              (double)out[o], (double)expected[o]);
                    }
                    CHECK(out[s.outer] == (T)-3, "reduce_cols %s %s wrote past the output", name, what);
                }
            }
        }
    }
}

template <typename T>
void testCols(const char* name, void (*k)(int, long long, long long, const T*, Layout, Layout, T*)) {
    // [N, C] reduced over N; [A, B, C] reduced over (A, B) in both orders; rank-0 reduced layout
    struct Case { long long a, b, c; bool swap; };
    for (const Case& cs : std::vector<Case>{{37, 1, 5, false}, {10, 13, 45, false}, {10, 13, 45, true}, {64, 1, 3, false},
                                            {63, 1, 70, false}, {0, 1, 6, false}, {200, 1, 97, false}, {4, 16, 33, true}}) {
        const long long inner = cs.a * cs.b, off = 2;
        const Layout lk = mk({cs.c}, {1}, off);
        const Layout lr = cs.swap ? mk({cs.b, cs.a}, {cs.c, cs.b * cs.c}) : (cs.b == 1 ? mk({cs.a}, {cs.c}) : mk({cs.a, cs.b}, {cs.b * cs.c, cs.c}));
        checkCols<T>(name, k, Split{lk, lr, cs.c, inner}, (size_t)(inner * cs.c + off + 1), "fixed");
    }
    checkCols<T>(name, k, Split{mk({3}, {1}), mk({}, {}), 3, 1}, 4, "rank-0 reduced");
    for (int trial = 0; trial < 20;) {
        static const long long dims[] = {1, 2, 3, 7, 33, 70};
        const int nKept = (int)randInt(1, 2), nRed = (int)randInt(1, 3);
        std::vector<long long> shape(nKept + nRed);
        for (auto& d : shape) d = dims[randInt(0, 5)];
        const Layout L = randomLayout(shape, randInt(0, 3));
        const Split s = split(L, nKept);
        if (s.outer * s.inner > 20000) continue;
        ++trial;
        checkCols<T>(name, k, s, (size_t)(span_of(L).second + 2), "random layout");
    }
}

// ============================================================================ argreduce

template <typename T>
void testArg(const char* name, void (*k)(int, long long, long long, const T*, Layout, long long, long long*)) {
    for (long long len : {1LL, 5LL, 31LL, 32LL, 33LL, 100LL, 1000LL}) {
        for (long long outer : {6LL, 1LL, 19LL}) {
            for (int mode = 0; mode < 4; ++mode) {  // rows with axis stride 1; axis stride = outer; reversed; [3, outer/3] kept
                std::vector<T> x(outer * len + 1);
                for (auto& v : x) v = (T)randInt(0, 6);
                Layout lk;
                long long as;
                if (mode == 0) { lk = mk({outer}, {len}, 1); as = 1; }
                else if (mode == 1) { lk = mk({outer}, {1}); as = outer; }
                else if (mode == 2) { lk = mk({outer}, {len}, len - 1); as = -1; }
                else { if (outer % 3) continue; lk = mk({3, outer / 3}, {len, 3 * len}); as = 1; }
                if constexpr (std::is_floating_point_v<T>) {
                    if (outer > 5) {
                        if (len > 3) {
                            x[ref_at(lk, 2) + 3 * as] = NAN;
                            x[ref_at(lk, 2) + (len - 1) * as] = NAN;
                        }
                        x[ref_at(lk, 4)] = NAN;
                        if (len > 2) x[ref_at(lk, 5) + as] = -0.0;
                    }
                }
                const unsigned properGrid = (std::llabs(as) == 1 && len >= 32) ? (unsigned)((outer + 7) / 8) : (unsigned)((outer + 255) / 256);
                for (int isMax = 0; isMax < 2; ++isMax) {
                    for (unsigned grid : {properGrid, 1u, 2u}) {
                        std::vector<long long> out(outer + 1, -5);
                        launch(k, dim3{grid}, dim3{256}, isMax, outer, len, (const T*)x.data(), lk, as, out.data());
                        for (long long o = 0; o < outer; ++o) {
                            const T* p = x.data() + ref_at(lk, o);
                            long long best = 0;
                            double bv = (double)p[0];
                            if (!std::isnan(bv)) {
                                for (long long j = 1; j < len; ++j) {
                                    const double v = (double)p[j * as];
                                    if (std::isnan(v)) { best = j; break; }
                                    if (isMax ? v > bv : v < bv) { bv = v; best = j; }
                                }
                            }
                            CHECK(out[o] == best, "argreduce %s len=%lld outer=%lld mode=%d max=%d grid=%u o=%lld got=%lld exp=%lld",
                                  name, len, outer, mode, isMax, grid, o, out[o], best);
                        }
                        CHECK(out[outer] == -5, "argreduce %s wrote past the output", name);
                    }
                }
            }
        }
    }
}

// ============================================================================ softmax

template <typename T>
void testSoftmax(const char* name, void (*kw)(int, long long, long long, const T*, T*), void (*kb)(int, long long, long long, const T*, T*)) {
    std::normal_distribution<double> N(0, 3);
    const long long rows = 5;
    for (long long cols : {1LL, 3LL, 4LL, 31LL, 64LL, 100LL, 128LL, 256LL, 257LL, 1000LL, 1023LL, 1024LL, 1500LL, 2048LL,
                           3000LL, 4096LL, 5000LL, 8192LL, 9000LL}) {
        // x and out aligned, both misaligned, or only one of them (the vector paths need both aligned)
        for (auto [sx, so] : std::vector<std::pair<int, int>>{{0, 0}, {1, 1}, {0, 1}, {1, 0}}) {
            std::vector<T> x(rows * cols + 2);
            for (auto& v : x) v = (T)N(rng);
            T* xp = x.data() + sx;
            // row 1 has a NaN, row 2 is all -inf, row 3 starts with +inf
            xp[1 * cols + cols / 2] = NAN;
            for (long long j = 0; j < cols; ++j) xp[2 * cols + j] = -INFINITY;
            xp[3 * cols] = INFINITY;
            std::vector<T> expected[2];
            for (int isLog = 0; isLog < 2; ++isLog) {
                expected[isLog].resize(rows * cols);
                for (long long r = 0; r < rows; ++r) {
                    const T* xr = xp + r * cols;
                    double m = -INFINITY;
                    for (long long j = 0; j < cols; ++j) m = jmaxR(m, xr[j]);
                    if (std::isinf(m)) m = 0;
                    const T mt = (T)m;
                    double s = 0;
                    for (long long j = 0; j < cols; ++j) s += (T)std::exp((double)(T)(xr[j] - mt));
                    for (long long j = 0; j < cols; ++j) {
                        expected[isLog][r * cols + j] = isLog ? (T)((T)(xr[j] - mt) - (T)std::log(s))
                                                              : (T)(std::exp((double)(T)(xr[j] - mt)) / s);
                    }
                }
            }
            for (int isLog = 0; isLog < 2; ++isLog) {
                for (int which = 0; which < 2; ++which) {
                    std::vector<T> first;
                    for (unsigned grid : {which == 0 ? 1u : (unsigned)rows, 2u}) {
                        std::vector<T> out(rows * cols + 2, (T)-9);
                        launch(which == 0 ? kw : kb, dim3{grid}, dim3{256}, isLog, rows, cols, (const T*)xp, out.data() + so);
                        if (first.empty()) first = out;
                        for (long long i = 0; i < rows * cols; ++i) {
                            const T e = expected[isLog][i], got = out[so + i];
                            CHECK(close(got, e, std::is_same_v<T, float> ? 2e-5 : 1e-12) || std::fabs((double)got - e) < 1e-6,
                                  "softmax %s %s log=%d cols=%lld shifts=(%d,%d) r=%lld j=%lld got=%.9g exp=%.9g", name,
                                  which ? "block" : "warp", isLog, cols, sx, so, i / cols, i % cols, (double)got, (double)e);
                            CHECK(same_bits(got, first[so + i]), "softmax %s %s depends on the grid", name, which ? "block" : "warp");
                        }
                        for (long long k : {0LL, rows * cols + 1}) {
                            if (k < so || k >= so + rows * cols) CHECK(out[k] == (T)-9, "softmax %s wrote outside the output", name);
                        }
                    }
                }
            }
        }
    }
}

int main() {
    testRows<float>("f32", reduce_rows_f32);
    testRows<double>("f64", reduce_rows_f64);
    testRowsDeterministic<float>("f32", reduce_rows_f32);
    testRowsDeterministic<double>("f64", reduce_rows_f64);
    testCols<float>("f32", reduce_cols_f32);
    testCols<double>("f64", reduce_cols_f64);
    testArg<float>("f32", argreduce_f32);
    testArg<double>("f64", argreduce_f64);
    testArg<int>("i32", argreduce_i32);
    testArg<long long>("i64", argreduce_i64);
    testSoftmax<float>("f32", softmax_warp_f32, softmax_block_f32);
    testSoftmax<double>("f64", softmax_warp_f64, softmax_block_f64);
    return emu::summary();
}
