// Test of cuda_emu.h itself, so that the kernel tests can rely on it: built-in variables over a 3-D grid, shared
// memory with __syncthreads, threads that return before a barrier, warp shuffles (xor and down, 4- and 8-byte
// values, lanes past the warp), atomics, and that a missing __syncthreads is exposed by the scheduling order, both
// before a read (stale data) and before a write (data clobbered before the other threads read it).
#include "cuda_emu.h"
#include "vela_common.cuh"
#include "common_test.h"

// ============================================================================ kernels

__global__ void builtins(int* out) {
    const unsigned b = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
    const unsigned i = b * blockDim.x + threadIdx.x;
    out[4 * i] = (int)(blockIdx.x + 10 * blockIdx.y + 100 * blockIdx.z);
    out[4 * i + 1] = (int)threadIdx.x;
    out[4 * i + 2] = (int)(gridDim.x + 10 * gridDim.y + 100 * gridDim.z);
    out[4 * i + 3] = (int)blockDim.x;
}

// Each thread reads both neighbours' values written before the barrier (when `sync`).
__global__ void neighbours(int tag, int sync, int* out) {
    __shared__ int sh[256];
    const unsigned t = threadIdx.x, n = blockDim.x;
    sh[t] = tag * 100000 + (int)blockIdx.x * 1000 + (int)t;
    if (sync) __syncthreads();
    const long long o = 2 * ((long long)blockIdx.x * n + t);
    out[o] = sh[(t + 1) % n];
    out[o + 1] = sh[(t + n - 1) % n];
    if (sync) __syncthreads();  // sh is rewritten by the next block
}

// Two rounds of: write sh[t], barrier, read the next thread's value; the barrier between the read and the next
// round's write only when `sync`.
__global__ void reuse(int sync, int* out) {
    __shared__ int sh[256];
    const unsigned t = threadIdx.x, n = blockDim.x;
    for (int round = 1; round <= 2; ++round) {
        sh[t] = round * 1000 + (int)t;
        __syncthreads();
        out[(blockIdx.x * n + t) * 2 + round - 1] = sh[(t + 1) % n];
        if (sync) __syncthreads();
    }
    if (!sync) __syncthreads();  // sh is rewritten by the next block
}

// Threads t >= active return at once; the others pass two barriers and sum what they wrote.
__global__ void early_return(unsigned active, int* out) {
    __shared__ int sh[256];
    const unsigned t = threadIdx.x;
    if (t >= active) return;
    sh[t] = (int)t + 1;
    __syncthreads();
    int s = 0;
    for (unsigned i = 0; i < active; ++i) s += sh[i];
    __syncthreads();
    out[blockIdx.x * blockDim.x + t] = s;
}

template <typename T> __global__ void shuffles(T* out) {
    const unsigned t = threadIdx.x, lane = t & 31;
    const T v = (T)(lane * 10 + (t >> 5)) + (T)0.5;
    T* o = out + (blockIdx.x * blockDim.x + t) * 10;
    int k = 0;
    for (int m = 1; m < 32; m <<= 1) o[k++] = __shfl_xor_sync(VELA_FULL_MASK, v, m);
    for (unsigned d : {1u, 16u, 31u, 0u, 40u}) o[k++] = __shfl_down_sync(VELA_FULL_MASK, v, d);
}

__global__ void atomics(int* sum, unsigned long long* first, unsigned long long* who) {
    const unsigned long long id = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;
    atomicAdd(sum, (int)id);
    if (atomicCAS(first, 0ULL, id + 1) == 0ULL) *who = id + 1;
}

// ============================================================================ tests

void testBuiltins() {
    const dim3 grid{2, 3, 2}, block{64};
    const unsigned n = 2 * 3 * 2 * 64;
    std::vector<int> out(4 * n, -1);
    launch(builtins, grid, block, out.data());
    for (unsigned z = 0; z < 2; ++z)
        for (unsigned y = 0; y < 3; ++y)
            for (unsigned x = 0; x < 2; ++x)
                for (unsigned t = 0; t < 64; ++t) {
                    const unsigned i = (x + 2 * (y + 3 * z)) * 64 + t;
                    CHECK(out[4 * i] == (int)(x + 10 * y + 100 * z) && out[4 * i + 1] == (int)t && out[4 * i + 2] == 232 &&
                          out[4 * i + 3] == 64, "built-ins of thread %u of block (%u,%u,%u)", t, x, y, z);
                }
}

void testBarriers() {
    for (unsigned nt : {32u, 96u, 256u}) {
        std::vector<int> out(2 * 3 * nt);
        launch(neighbours, dim3{3}, dim3{nt}, 1, 1, out.data());
        for (unsigned b = 0; b < 3; ++b)
            for (unsigned t = 0; t < nt; ++t) {
                const int base = 100000 + (int)b * 1000;
                CHECK(out[2 * (b * nt + t)] == base + (int)((t + 1) % nt) && out[2 * (b * nt + t) + 1] == base + (int)((t + nt - 1) % nt),
                      "__syncthreads: thread %u of block %u (of %u) read a stale neighbour", t, b, nt);
            }
    }
    // without the barrier, blocks run in increasing and decreasing thread order: each sees stale reads
    const unsigned nt = 64;
    std::vector<int> out(2 * 2 * nt);
    launch(neighbours, dim3{2}, dim3{nt}, 2, 0, out.data());
    for (unsigned b = 0; b < 2; ++b) {
        int stale = 0;
        for (unsigned t = 0; t < nt; ++t) {
            const int base = 200000 + (int)b * 1000;
            stale += out[2 * (b * nt + t)] != base + (int)((t + 1) % nt);
            stale += out[2 * (b * nt + t) + 1] != base + (int)((t + nt - 1) % nt);
        }
        CHECK(stale > 0, "a missing __syncthreads went unnoticed in block %u", b);
    }
    for (int sync = 1; sync >= 0; --sync) {
        std::vector<int> r(2 * 2 * nt);
        launch(reuse, dim3{2}, dim3{nt}, sync, r.data());
        for (unsigned b = 0; b < 2; ++b) {
            int clobbered = 0;
            for (unsigned t = 0; t < nt; ++t)
                for (int round = 1; round <= 2; ++round) clobbered += r[(b * nt + t) * 2 + round - 1] != round * 1000 + (int)((t + 1) % nt);
            if (sync) CHECK(clobbered == 0, "__syncthreads: block %u read %d clobbered values", b, clobbered);
            else CHECK(clobbered > 0, "a missing __syncthreads before a write went unnoticed in block %u", b);
        }
    }
}

void testEarlyReturn() {
    for (unsigned active : {1u, 40u, 255u, 256u}) {
        std::vector<int> out(2 * 256, -1);
        launch(early_return, dim3{2}, dim3{256}, active, out.data());
        for (unsigned i = 0; i < out.size(); ++i) {
            const unsigned t = i % 256;
            CHECK(out[i] == (t < active ? (int)(active * (active + 1) / 2) : -1), "early return: active=%u thread %u got %d", active, t, out[i]);
        }
    }
}

template <typename T> void testShuffles(const char* name) {
    const unsigned nt = 64;
    std::vector<T> out(2 * nt * 10);
    launch(shuffles<T>, dim3{2}, dim3{nt}, out.data());
    for (unsigned i = 0; i < 2 * nt; ++i) {
        const unsigned t = i % nt, lane = t & 31, w = t >> 5;
        auto val = [&](unsigned l) { return (T)(l * 10 + w) + (T)0.5; };
        int k = 0;
        for (unsigned m = 1; m < 32; m <<= 1, ++k)
            CHECK(out[i * 10 + k] == val(lane ^ m), "%s __shfl_xor_sync mask %u lane %u", name, m, lane);
        for (unsigned d : {1u, 16u, 31u, 0u, 40u}) {
            CHECK(out[i * 10 + k] == val(lane + d < 32 ? lane + d : lane), "%s __shfl_down_sync delta %u lane %u", name, d, lane);
            ++k;
        }
    }
}

void testAtomics() {
    int sum = 0;
    unsigned long long first = 0, who = 0;
    launch(atomics, dim3{3}, dim3{256}, &sum, &first, &who);
    CHECK(sum == 767 * 768 / 2, "atomicAdd sum %d", sum);
    CHECK(first != 0 && who == first, "atomicCAS: first=%llu who=%llu", first, who);
}

int main() {
    testBuiltins();
    testBarriers();
    testEarlyReturn();
    testShuffles<float>("float");
    testShuffles<double>("double");
    testShuffles<int>("int");
    testShuffles<long long>("long long");
    testAtomics();
    return emu::summary();
}
