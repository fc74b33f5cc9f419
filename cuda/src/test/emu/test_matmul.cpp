// Emulation test of matmul.cu: gemm_f32 (128 x 128 tiles), gemm64_f32 and gemm_f64 (64 x 64 tiles) on sizes that
// are and are not multiples of the tiles, k = 0, batches, every combination of transposed A, B and C, padded leading
// dimensions, misaligned pointers and negative strides (rows, columns and batches stepped backwards). The operands are
// multiples of 1/2 so every product is exact: C must equal the reference bit for bit, and no other element of C's
// buffer may change. A and B end at their last element (AddressSanitizer catches a read past them), and the gaps
// between their elements hold NaN, which spoils any result that reads one.
//
// g++ flags: -O1
// (the GEMM's inner loops dominate: optimising them saves more run time than it costs to compile)
#include "cuda_emu.h"
#include "matmul.cu"
#include "common_test.h"

// An operand [batch, rows, cols] in a buffer of `size` elements: element (z, i, j) at base + z*sb + i*sr + j*sc.
struct Placement {
    long long base, sb, sr, sc, size;
};

// Row-major (or column-major when `trans`) with leading dimension padded by `pad`, `extra` elements between batch
// matrices and `shift` elements before the first; `flip` bits reverse the batch (1), row (2) and column (4) order,
// or (8) make every batch the same matrix (batch stride 0).
// The buffer ends at the last element, plus `margin`.
Placement place(long long batch, long long rows, long long cols, bool trans, long long pad, long long extra, long long shift,
                int flip, long long margin) {
    const long long ld = (trans ? rows : cols) + pad;
    const long long matrix = (trans ? cols : rows) * ld;
    Placement p{shift, matrix + extra, trans ? 1 : ld, trans ? ld : 1, 0};
    if (flip & 1) { p.base += std::max(batch - 1, 0LL) * p.sb; p.sb = -p.sb; }
    if (flip & 2) { p.base += std::max(rows - 1, 0LL) * p.sr; p.sr = -p.sr; }
    if (flip & 4) { p.base += std::max(cols - 1, 0LL) * p.sc; p.sc = -p.sc; }
    if (flip & 8) p.sb = 0;
    long long last = p.base;
    if (batch > 0 && rows > 0 && cols > 0) {
        last += (batch - 1) * std::max(p.sb, 0LL) + (rows - 1) * std::max(p.sr, 0LL) + (cols - 1) * std::max(p.sc, 0LL);
    }
    p.size = last + 1 + margin;
    return p;
}

long long at(const Placement& p, long long z, long long i, long long j) { return p.base + z * p.sb + i * p.sr + j * p.sc; }

struct Variant {
    const char* what;
    int padA, padB, padC, shiftA, shiftB, shiftC, flipA, flipB, flipC;
    bool transC;
};

const Variant kVariants[] = {
    {"padded", 4, 4, 4, 0, 0, 0, 0, 0, 0, false},
    {"misaligned", 0, 0, 0, 1, 2, 3, 0, 0, 0, false},
    {"C transposed", 3, 1, 3, 0, 0, 0, 0, 0, 0, true},
    {"negative strides", 4, 4, 4, 0, 0, 0, 1 | 2, 4, 2, false},
    {"negative strides 2", 0, 2, 1, 2, 0, 1, 4, 1 | 2, 1 | 4, true},
    {"odd leading dimensions", 1, 3, 1, 0, 0, 0, 0, 0, 0, false},  // C's vector path with a partial last vector
    {"B shared by the batch", 4, 0, 4, 0, 0, 0, 0, 8, 0, false},
};

template <typename T>
void run(const char* name, void (*k)(int, int, int, const T*, long long, long long, long long, const T*, long long, long long,
                                     long long, T*, long long, long long, long long),
         int tile, int m, int n, int kk, int batch, bool transA, bool transB, const Variant& v) {
    std::mt19937 rng(m * 131 + n * 7 + kk + batch);
    std::uniform_int_distribution<int> U(-4, 4);
    const Placement pa = place(batch, m, kk, transA, v.padA, 3, v.shiftA, v.flipA, 0);
    const Placement pb = place(batch, kk, n, transB, v.padB, 1, v.shiftB, v.flipB, 0);
    const Placement pc = place(batch, m, n, v.transC, v.padC, 5, v.shiftC, v.flipC, 8);
    const T sentinel = (T)12345;
    std::vector<T> A(pa.size, (T)NAN), B(pb.size, (T)NAN), C(pc.size, sentinel);
    for (int z = 0; z < batch; ++z) {
        for (int i = 0; i < m; ++i)
            for (int p = 0; p < kk; ++p) A[at(pa, z, i, p)] = (T)U(rng) / 2;
        for (int p = 0; p < kk; ++p)
            for (int j = 0; j < n; ++j) B[at(pb, z, p, j)] = (T)U(rng) / 2;
    }
    const dim3 grid{(unsigned)((n + tile - 1) / tile), (unsigned)((m + tile - 1) / tile), (unsigned)batch};
    launch(k, grid, dim3{256}, m, n, kk, (const T*)A.data() + pa.base, pa.sb, pa.sr, pa.sc, (const T*)B.data() + pb.base, pb.sb,
           pb.sr, pb.sc, C.data() + pc.base, pc.sb, pc.sr, pc.sc);
    std::vector<char> touched(C.size(), 0);
    for (int z = 0; z < batch; ++z) {
        for (int i = 0; i < m; ++i) {
            for (int j = 0; j < n; ++j) {
                double s = 0;
                for (int p = 0; p < kk; ++p) s += (double)A[at(pa, z, i, p)] * B[at(pb, z, p, j)];
                const long long idx = at(pc, z, i, j);
                touched[idx] = 1;
                CHECK(C[idx] == (T)s, "%s %s m=%d n=%d k=%d batch=%d tA=%d tB=%d z=%d i=%d j=%d got=%g exp=%g", name, v.what,
                      m, n, kk, batch, transA, transB, z, i, j, (double)C[idx], s);
            }
        }
    }
    for (size_t i = 0; i < C.size(); ++i) {
        if (!touched[i]) CHECK(C[i] == sentinel, "%s %s wrote outside C at %zu (m=%d n=%d k=%d)", name, v.what, i, m, n, kk);
    }
}

int main() {
    struct Size { int m, n, k, batch; };
    const Size sizes[] = {{128, 128, 16, 1}, {130, 129, 17, 1}, {1, 1, 1, 1},   {5, 7, 0, 2},   {64, 200, 9, 1},
                          {200, 64, 8, 2},   {33, 31, 40, 1},   {129, 3, 5, 1}, {3, 70, 24, 3}, {65, 1, 33, 1}};
    for (const Size& s : sizes) {
        for (int tA = 0; tA < 2; ++tA) {
            for (int tB = 0; tB < 2; ++tB) {
                for (const Variant& v : kVariants) {
                    run<float>("gemm_f32", gemm_f32, 128, s.m, s.n, s.k, s.batch, tA, tB, v);
                    run<float>("gemm64_f32", gemm64_f32, 64, s.m, s.n, s.k, s.batch, tA, tB, v);
                    run<double>("gemm_f64", gemm_f64, 64, s.m, s.n, s.k, s.batch, tA, tB, v);
                }
            }
        }
    }
    return emu::summary();
}
