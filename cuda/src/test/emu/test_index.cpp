// Emulation test of index.cu: gather (every type) and index_add (f32 f64 i32 i64) with negative and repeated
// indices, empty dimensions, grid-stride sizes, and bad indices: the first bad one is reported through err, its
// outputs are left untouched, the good ones are still done, and indices are checked even when there is no output.
#include "cuda_emu.h"
#include "index.cu"
#include "common_test.h"

std::mt19937 rng(11);

struct Shape {
    long long outer, len, inner;
};

// Position and value of every index outside [-len, len).
std::vector<std::pair<long long, long long>> badIndices(const std::vector<long long>& idx, long long len) {
    std::vector<std::pair<long long, long long>> bad;
    for (size_t j = 0; j < idx.size(); ++j) {
        if (idx[j] < -len || idx[j] >= len) bad.push_back({(long long)j, idx[j]});
    }
    return bad;
}

// err after a launch: zero when every index is good, else (1, position, value) of one of the bad ones.
void checkErr(const char* what, const char* name, const std::vector<long long>& err, const std::vector<long long>& idx, long long len) {
    const auto bad = badIndices(idx, len);
    if (bad.empty()) {
        CHECK(err[0] == 0 && err[1] == 0 && err[2] == 0, "%s %s: no bad index, err=(%lld,%lld,%lld)", what, name, err[0], err[1], err[2]);
        return;
    }
    bool known = false;
    for (auto [j, v] : bad) known = known || (err[1] == j && err[2] == v);
    CHECK(err[0] == 1 && known, "%s %s: bad index not reported, err=(%lld,%lld,%lld)", what, name, err[0], err[1], err[2]);
}

long long wrap(long long v, long long len) { return v < 0 ? v + len : v; }

template <typename T>
void testGather(const char* name, void (*g)(long long, long long, long long, long long, const T*, const long long*, T*, long long*),
                const Shape& s, const std::vector<long long>& idx, dim3 grid, dim3 block) {
    const long long nidx = (long long)idx.size();
    std::vector<T> x(s.outer * s.len * s.inner + 1);
    for (size_t i = 0; i < x.size(); ++i) x[i] = (T)(std::is_same_v<T, unsigned char> ? i % 2 : i % 100 + 1);
    const T sentinel = std::is_same_v<T, unsigned char> ? (T)7 : (T)-42;
    std::vector<T> out(s.outer * nidx * s.inner + 2, sentinel);
    std::vector<long long> err(3, 0);
    launch(g, grid, block, s.outer, nidx, s.inner, s.len, (const T*)x.data(), (const long long*)idx.data(), out.data(), err.data());
    checkErr("gather", name, err, idx, s.len);
    for (long long a = 0; a < s.outer; ++a) {
        for (long long j = 0; j < nidx; ++j) {
            const long long w = wrap(idx[j], s.len);
            const bool good = w >= 0 && w < s.len;
            for (long long q = 0; q < s.inner; ++q) {
                const T got = out[(a * nidx + j) * s.inner + q];
                const T exp = good ? x[(a * s.len + w) * s.inner + q] : sentinel;
                CHECK(got == exp, "gather %s outer=%lld len=%lld inner=%lld a=%lld j=%lld (idx %lld) q=%lld got=%g exp=%g", name,
                      s.outer, s.len, s.inner, a, j, idx[j], q, (double)got, (double)exp);
            }
        }
    }
    CHECK(out[s.outer * nidx * s.inner] == sentinel && out[s.outer * nidx * s.inner + 1] == sentinel,
          "gather %s wrote past the output", name);
}

template <typename T>
void testIndexAdd(const char* name, void (*ia)(long long, long long, long long, long long, const T*, const long long*, T*, long long*),
                  const Shape& s, const std::vector<long long>& idx, dim3 grid, dim3 block) {
    const long long nidx = (long long)idx.size();
    std::vector<T> src(s.outer * nidx * s.inner + 1);
    for (size_t i = 0; i < src.size(); ++i) src[i] = (T)(i % 7 + 1);
    std::vector<T> out(s.outer * s.len * s.inner + 2);
    for (size_t i = 0; i < out.size(); ++i) out[i] = (T)(i % 5);
    std::vector<T> ref = out;
    for (long long a = 0; a < s.outer; ++a) {
        for (long long j = 0; j < nidx; ++j) {
            const long long w = wrap(idx[j], s.len);
            if (w < 0 || w >= s.len) continue;
            for (long long q = 0; q < s.inner; ++q) ref[(a * s.len + w) * s.inner + q] += src[(a * nidx + j) * s.inner + q];
        }
    }
    std::vector<long long> err(3, 0);
    launch(ia, grid, block, s.outer, nidx, s.inner, s.len, (const T*)src.data(), (const long long*)idx.data(), out.data(), err.data());
    checkErr("index_add", name, err, idx, s.len);
    for (size_t i = 0; i < ref.size(); ++i) {
        CHECK(out[i] == ref[i], "index_add %s outer=%lld len=%lld inner=%lld at %zu got=%g exp=%g", name, s.outer, s.len, s.inner,
              i, (double)out[i], (double)ref[i]);
    }
}

struct Case {
    Shape s;
    std::vector<long long> idx;
    dim3 grid, block;
};

std::vector<Case> cases() {
    std::vector<Case> cs = {
        {{3, 5, 4}, {0, -1, 4, 2, 2, -5}, dim3{2}, dim3{32}},   // negative and repeated indices
        {{3, 5, 4}, {1, 7, -6}, dim3{1}, dim3{32}},             // two bad indices
        {{0, 5, 4}, {1, 7, -6}, dim3{1}, dim3{32}},             // no output: the indices are still checked
        {{2, 5, 0}, {2, -9}, dim3{1}, dim3{64}},                // inner 0
        {{2, 5, 3}, {}, dim3{1}, dim3{32}},                     // no index
        {{1, 1, 1}, {0, -1, 1}, dim3{3}, dim3{256}},            // len 1
        {{4, 3, 1}, {2, 0, 1, -3, 2}, dim3{1}, dim3{32}},       // inner 1
    };
    // grid-stride sizes with random indices, one of them bad in every other case
    for (int t = 0; t < 6; ++t) {
        const long long len = 1 + (long long)(rng() % 40);
        Case c{{1 + (long long)(rng() % 7), len, 1 + (long long)(rng() % 9)}, {}, dim3{1u + (unsigned)(t % 2)}, dim3{t % 3 == 0 ? 256u : 32u}};
        const long long nidx = 1 + (long long)(rng() % 60);
        for (long long j = 0; j < nidx; ++j) c.idx.push_back((long long)(rng() % (2 * len)) - len);
        if (t % 2) c.idx[rng() % nidx] = len + (long long)(rng() % 3);
        cs.push_back(c);
    }
    return cs;
}

int main() {
    for (const Case& c : cases()) {
        testGather<float>("f32", gather_f32, c.s, c.idx, c.grid, c.block);
        testGather<double>("f64", gather_f64, c.s, c.idx, c.grid, c.block);
        testGather<int>("i32", gather_i32, c.s, c.idx, c.grid, c.block);
        testGather<long long>("i64", gather_i64, c.s, c.idx, c.grid, c.block);
        testGather<unsigned char>("u8", gather_u8, c.s, c.idx, c.grid, c.block);
        testIndexAdd<float>("f32", index_add_f32, c.s, c.idx, c.grid, c.block);
        testIndexAdd<double>("f64", index_add_f64, c.s, c.idx, c.grid, c.block);
        testIndexAdd<int>("i32", index_add_i32, c.s, c.idx, c.grid, c.block);
        testIndexAdd<long long>("i64", index_add_i64, c.s, c.idx, c.grid, c.block);
    }
    return emu::summary();
}
