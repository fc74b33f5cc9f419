// Emulation test of random.cu. Checks here: the values do not depend on the grid, value i of counter c is value
// i - d of counter c + d, float32 outputs are the float64 ones rounded, n = 0 writes nothing. Then every value is
// printed as a line
//   RNG <uniform|normal> <f32|f64> <seed> <position> <low|mean bits> <high|std bits> <value bits>
// (seed and position as unsigned decimals, the doubles' and the value's IEEE bits in hex) for KernelEmulationTest to
// compare with dev.vela.cpu.CounterRng. Streams include seeds 0, -1 and Long.MIN_VALUE and positions that wrap
// past 2^63 and 2^64 (Java's long arithmetic wraps the same way).
#include "cuda_emu.h"
#include "random.cu"
#include "common_test.h"

struct Stream {
    unsigned long long seed, counter;
    double a, b;  // low and high, or mean and std
    long long n;
    dim3 grid, block;
};

template <typename T>
using RandomKernel = void (*)(long long, unsigned long long, unsigned long long, double, double, T*);

template <typename T> std::vector<T> generate(RandomKernel<T> k, const Stream& s, unsigned long long counter, long long n, dim3 grid, dim3 block) {
    std::vector<T> out(n + 1, (T)-77);
    launch(k, grid, block, n, s.seed, counter, s.a, s.b, out.data());
    CHECK(out[n] == (T)-77, "random wrote past the output (n=%lld)", n);
    out.pop_back();
    return out;
}

unsigned long long bits(double v) { unsigned long long u; memcpy(&u, &v, 8); return u; }
unsigned bits(float v) { unsigned u; memcpy(&u, &v, 4); return u; }

void testStream(const char* dist, RandomKernel<double> k64, RandomKernel<float> k32, const Stream& s) {
    const std::vector<double> d = generate(k64, s, s.counter, s.n, s.grid, s.block);
    const std::vector<float> f = generate(k32, s, s.counter, s.n, s.grid, s.block);
    const std::vector<double> d1 = generate(k64, s, s.counter, s.n, dim3{1}, dim3{32});
    const long long shift = std::min(7LL, s.n);
    const std::vector<double> d2 = generate(k64, s, s.counter + (unsigned long long)shift, s.n - shift, dim3{2}, dim3{64});
    const std::vector<double> empty = generate(k64, s, s.counter, 0, dim3{1}, dim3{32});
    for (long long i = 0; i < s.n; ++i) {
        CHECK(same_bits(d[i], d1[i]), "%s seed=%llu counter=%llu i=%lld depends on the grid", dist, s.seed, s.counter, i);
        if (i >= shift) CHECK(same_bits(d[i], d2[i - shift]), "%s seed=%llu: value %lld differs from counter + %lld", dist, s.seed, i, shift);
        CHECK(same_bits(f[i], (float)d[i]), "%s seed=%llu i=%lld: float32 %a is not float64 %a rounded", dist, s.seed, i, (double)f[i], d[i]);
        const unsigned long long position = s.counter + (unsigned long long)i;
        printf("RNG %s f64 %llu %llu %016llx %016llx %016llx\n", dist, s.seed, position, bits(s.a), bits(s.b), bits(d[i]));
        printf("RNG %s f32 %llu %llu %016llx %016llx %08x\n", dist, s.seed, position, bits(s.a), bits(s.b), bits(f[i]));
    }
}

int main() {
    std::vector<Stream> streams = {
        {42, 1000, -1.0, 3.0, 300, dim3{1}, dim3{32}},                          // grid-stride over 300 values
        {0, 0, 0.0, 1.0, 100, dim3{2}, dim3{64}},
        {~0ULL, (1ULL << 63) - 50, -5.0, 5.0, 100, dim3{1}, dim3{256}},        // seed -1; positions pass 2^63
        {1ULL << 63, ~0ULL - 30, 1e-3, 1e3, 64, dim3{3}, dim3{32}},            // Long.MIN_VALUE; positions wrap to 0
        {0x123456789abcdef0ULL, (1ULL << 62) - 10, 0.5, 2.0, 40, dim3{1}, dim3{32}},  // normal's 2 * position passes 2^63
        {7, 0, 2.5, 2.5, 10, dim3{1}, dim3{32}},                                // low == high, std 2.5
    };
    std::mt19937_64 rng(2024);
    for (int t = 0; t < 4; ++t) {
        const double a = (double)(rng() % 2001) / 100 - 10, b = a + 0.1 + (double)(rng() % 1000) / 100;
        streams.push_back({rng(), rng(), a, b, 257, dim3{3}, dim3{64}});
    }
    for (const Stream& s : streams) {
        testStream("uniform", random_uniform_f64, random_uniform_f32, s);
        testStream("normal", random_normal_f64, random_normal_f32, s);
    }
    return emu::summary();
}
