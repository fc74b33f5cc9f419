// CPU emulation of the CUDA device features the Vela kernels use (see README.md), so that the kernels' logic can
// be tested on a machine without a GPU: a test includes this header, then a kernel source (*.cu), and launches the
// kernels with launch(kernel, grid, block, args...).
//
// The CUDA keywords expand to nothing (__shared__ to `static`), the built-in variables are globals, and launch()
// runs the blocks one after another. The threads of a block are fibers on the calling OS thread: a thread runs until
// it reaches a barrier (__syncthreads, a warp shuffle) or returns, and the scheduler always resumes the runnable
// thread of lowest rank (thread index, reversed in every other block), so one end of the block runs as far ahead as
// the barriers allow and runs are deterministic. Barriers count the threads that have not returned; a barrier no
// thread can complete is reported as a deadlock, and a crash or sanitizer error names the CUDA thread that ran.
#pragma once

#include <algorithm>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <math.h>  // the kernels call the C math functions unqualified (expf, log1p, fma, ...)
#include <memory>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#if defined(__x86_64__) && defined(__linux__) && !defined(VELA_EMU_UCONTEXT)
#define VELA_EMU_FAST_SWITCH 1
#if defined(__SANITIZE_ADDRESS__)
#define VELA_EMU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VELA_EMU_ASAN 1
#endif
#endif
#else
#include <ucontext.h>
#endif
#if defined(VELA_EMU_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif

// ============================================================================ keywords

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__
#define __shared__ static
#define __grid_constant__
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))

// ============================================================================ built-in variables and vector types

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};

// Set by the scheduler before it resumes a thread.
inline dim3 threadIdx, blockIdx, blockDim, gridDim;

struct alignas(16) float4 { float x, y, z, w; };
struct alignas(8) float2 { float x, y; };
struct alignas(16) double2 { double x, y; };
struct alignas(16) int4 { int x, y, z, w; };
struct alignas(16) longlong2 { long long x, y; };
struct alignas(4) uchar4 { unsigned char x, y, z, w; };
inline float4 make_float4(float a, float b, float c, float d) { return {a, b, c, d}; }
inline float2 make_float2(float a, float b) { return {a, b}; }
inline double2 make_double2(double a, double b) { return {a, b}; }
inline int4 make_int4(int a, int b, int c, int d) { return {a, b, c, d}; }
inline longlong2 make_longlong2(long long a, long long b) { return {a, b}; }
inline uchar4 make_uchar4(unsigned char a, unsigned char b, unsigned char c, unsigned char d) { return {a, b, c, d}; }

// ============================================================================ intrinsics (host IEEE arithmetic)

inline float __int_as_float(int i) { float f; memcpy(&f, &i, 4); return f; }
inline int __float_as_int(float f) { int i; memcpy(&i, &f, 4); return i; }
inline double __longlong_as_double(long long i) { double f; memcpy(&f, &i, 8); return f; }
inline long long __double_as_longlong(double f) { long long i; memcpy(&i, &f, 8); return i; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dsub_rn(double a, double b) { return a - b; }

// Only one thread runs at a time, so the atomics are plain read-modify-writes.
inline unsigned long long atomicCAS(unsigned long long* p, unsigned long long cmp, unsigned long long val) {
    unsigned long long old = *p;
    if (old == cmp) *p = val;
    return old;
}
template <typename T> inline T emu_atomic_add(T* p, T v) { T old = *p; *p = old + v; return old; }
inline float atomicAdd(float* p, float v) { return emu_atomic_add(p, v); }
inline double atomicAdd(double* p, double v) { return emu_atomic_add(p, v); }
inline int atomicAdd(int* p, int v) { return emu_atomic_add(p, v); }
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) { return emu_atomic_add(p, v); }

// ============================================================================ failures

namespace emu {

inline long checks = 0, failures = 0;
constexpr long kMaxPrinted = 40;

// Counts a failure and prints it (the first kMaxPrinted) as a line starting with "FAIL".
inline void fail(const char* file, int line, const char* fmt, ...) {
    if (failures++ < kMaxPrinted) {
        printf("FAIL %s:%d: ", file, line);
        va_list ap;
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
        fflush(stdout);
    }
}

// Prints the summary line the Java test reads and returns the exit status.
inline int summary() {
    printf("ALL: %ld checks, %ld failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}

// ============================================================================ context switching

// A Context is a suspended stack. On x86-64 Linux a switch saves the callee-saved registers and swaps the stack
// pointer (a few instructions; the floating-point control state is shared, the kernels never change it); elsewhere,
// or with -DVELA_EMU_UCONTEXT, ucontext does it (portable, but a system call per switch for the signal mask).

#if defined(VELA_EMU_FAST_SWITCH)

struct Context {
    void* sp = nullptr;
    const void* stackLo = nullptr;  // the stack's extent, for AddressSanitizer's fiber annotations
    size_t stackSize = 0;
};

// Pushes rbp, rbx, r12-r15 (callee-saved in the SysV ABI), stores the stack pointer in *save, loads `to` and pops
// the same registers from it: returns into the context that was saved there.
__attribute__((naked, noinline)) static void emu_switch(void** /*save*/, void* /*to*/) {
    asm volatile(
        "pushq %rbp\n\t"
        "pushq %rbx\n\t"
        "pushq %r12\n\t"
        "pushq %r13\n\t"
        "pushq %r14\n\t"
        "pushq %r15\n\t"
        "movq %rsp, (%rdi)\n\t"
        "movq %rsi, %rsp\n\t"
        "popq %r15\n\t"
        "popq %r14\n\t"
        "popq %r13\n\t"
        "popq %r12\n\t"
        "popq %rbx\n\t"
        "popq %rbp\n\t"
        "ret\n\t");
}

// A context that starts `entry` (which must never return) on the stack [lo, lo + size).
inline void make_context(Context& c, char* lo, size_t size, void (*entry)()) {
    void** sp = reinterpret_cast<void**>(reinterpret_cast<uintptr_t>(lo + size) & ~uintptr_t{15});
    *--sp = nullptr;                         // entry's return address: entry starts as if called
    *--sp = reinterpret_cast<void*>(entry);  // popped by emu_switch's ret
    for (int i = 0; i < 6; ++i) *--sp = nullptr;
    c.sp = sp;
    c.stackLo = lo;
    c.stackSize = size;
}

inline Context mainContext;

// The stack a fiber was resumed from is the main one (the scheduler only switches main <-> fiber).
inline void arrived_from_main([[maybe_unused]] void* fakeStack) {
#if defined(VELA_EMU_ASAN)
    __sanitizer_finish_switch_fiber(fakeStack, &mainContext.stackLo, &mainContext.stackSize);
#endif
}

// Suspends the running context into `from` and resumes `to`; returns when something resumes `from`.
inline void switch_context(Context& from, Context& to) {
#if defined(VELA_EMU_ASAN)
    void* fakeStack = nullptr;
    __sanitizer_start_switch_fiber(&fakeStack, to.stackLo, to.stackSize);
#endif
    emu_switch(&from.sp, to.sp);
    asm volatile("" ::: "memory");  // other threads ran meanwhile: nothing in memory may be assumed unchanged
#if defined(VELA_EMU_ASAN)
    if (&from == &mainContext) __sanitizer_finish_switch_fiber(fakeStack, nullptr, nullptr);
    else arrived_from_main(fakeStack);
#endif
}

#else  // ucontext

struct Context {
    ucontext_t uc;
};

inline void make_context(Context& c, char* lo, size_t size, void (*entry)()) {
    getcontext(&c.uc);
    c.uc.uc_stack.ss_sp = lo;
    c.uc.uc_stack.ss_size = size;
    c.uc.uc_link = nullptr;
    makecontext(&c.uc, entry, 0);
}

inline Context mainContext;
inline void arrived_from_main(void*) {}
inline void switch_context(Context& from, Context& to) { swapcontext(&from.uc, &to.uc); }

#endif

// ============================================================================ scheduler

struct Barrier {
    unsigned expected = 0, arrived = 0;
    unsigned long long generation = 0;
    unsigned firstRank = 0;  // the scheduling rank (see run_block) of its first thread
};

struct Fiber {
    Context ctx;
    bool done = false;
    const Barrier* waitingOn = nullptr;  // resumable once waitingOn->generation != waitGen
    unsigned long long waitGen = 0;
};

struct Warp {
    Barrier bar;
    unsigned long long slots[2][32];  // a shuffle's values, by barrier generation parity
};

constexpr size_t kStackBytes = 64 * 1024;  // ample for the kernels, also unoptimised with AddressSanitizer

struct Scheduler {
    std::vector<std::unique_ptr<Fiber>> fibers;  // as many as the largest block so far, reused
    std::function<void()> body;                  // the kernel call of the current launch
    Fiber* current = nullptr;
    unsigned currentIndex = 0;
    Barrier block;
    std::vector<Warp> warps;
    unsigned long long blocksRun = 0;
    unsigned releasedRank = ~0u;  // the lowest rank a barrier released since the scheduler last looked
};
inline Scheduler sched;

// A fiber stack of kStackBytes with an inaccessible guard page below it (an overflow crashes).
inline char* alloc_stack() {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    void* p = mmap(nullptr, kStackBytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) { perror("mmap"); std::abort(); }
    mprotect(p, page, PROT_NONE);
    return static_cast<char*>(p) + page;
}

inline void release(Barrier& b) {
    b.arrived = 0;
    ++b.generation;
    sched.releasedRank = std::min(sched.releasedRank, b.firstRank);
}

// The calling thread returns to the scheduler; it resumes when `on` (if any) has moved past generation `gen`.
inline void yield(const Barrier* on, unsigned long long gen) {
    Fiber* f = sched.current;
    f->waitingOn = on;
    f->waitGen = gen;
    switch_context(f->ctx, mainContext);
}

// Waits until every thread of the barrier that has not returned has arrived. The last one to arrive also yields,
// so that the threads leave a barrier in the scheduler's order.
inline void arrive_and_wait(Barrier& b) {
    const unsigned long long gen = b.generation;
    if (++b.arrived == b.expected) release(b);
    yield(&b, gen);
}

// A returning thread no longer counts for the barriers of its block and warp.
inline void drop(Barrier& b) {
    --b.expected;
    if (b.arrived > 0 && b.arrived == b.expected) release(b);
}

// A fiber runs the launch's kernel body once per block it takes part in, forever.
inline void fiber_main() {
    arrived_from_main(nullptr);
    for (;;) {
        sched.body();
        Fiber* f = sched.current;
        drop(sched.block);
        drop(sched.warps[sched.currentIndex >> 5].bar);
        f->done = true;
        switch_context(f->ctx, mainContext);
    }
}

inline Fiber& fiber(unsigned i) {
    while (sched.fibers.size() <= i) {
        auto f = std::make_unique<Fiber>();
        make_context(f->ctx, alloc_stack(), kStackBytes, fiber_main);
        sched.fibers.push_back(std::move(f));
    }
    return *sched.fibers[i];
}

inline bool runnable(const Fiber& f) {
    return !f.done && (f.waitingOn == nullptr || f.waitingOn->generation != f.waitGen);
}

// Runs every thread of block `b` to its end, always resuming the runnable thread of lowest rank: rank = thread index
// in even blocks, nt - 1 - index in odd ones. So the first thread (warp) runs as far ahead of the others as the
// barriers allow, from either end of the block: a missing __syncthreads shows up as a stale read (a read before the
// other threads' write) or a clobbered one (a write before the other threads' read).
inline void run_block(dim3 b, unsigned nt) {
    blockIdx = b;
    const bool reverse = (sched.blocksRun++ & 1) != 0;
    const unsigned nw = (nt + 31) / 32;
    sched.block = Barrier{nt, 0, 0, 0};
    sched.warps.assign(nw, Warp{});
    for (unsigned w = 0; w < nw; ++w) {
        const unsigned lanes = std::min(32u, nt - 32 * w);
        sched.warps[w].bar.expected = lanes;
        sched.warps[w].bar.firstRank = reverse ? nt - 32 * w - lanes : 32 * w;
    }
    std::vector<Fiber*> byRank(nt);
    for (unsigned t = 0; t < nt; ++t) {
        Fiber& f = fiber(t);
        f.done = false;
        f.waitingOn = nullptr;
        byRank[reverse ? nt - 1 - t : t] = &f;
    }
    // Invariant: no thread of rank < k is runnable (k drops to the lowest rank a barrier releases).
    unsigned remaining = nt, k = 0;
    while (remaining > 0) {
        while (k < nt && !runnable(*byRank[k])) ++k;
        if (k == nt) {
            printf("FAIL emulator: deadlock in block (%u,%u,%u) of a %u-thread block: %u threads wait at a barrier "
                   "that the others never reach\n", b.x, b.y, b.z, nt, remaining);
            fflush(stdout);
            std::_Exit(3);
        }
        Fiber& f = *byRank[k];
        const unsigned t = reverse ? nt - 1 - k : k;
        threadIdx = dim3{t, 0, 0};
        sched.current = &f;
        sched.currentIndex = t;
        sched.releasedRank = ~0u;
        switch_context(mainContext, f.ctx);
        if (f.done) --remaining;
        k = std::min(k, sched.releasedRank);
    }
    sched.current = nullptr;
}

// Prints "FAIL emulator: <what> in thread t of block (x,y,z) ..." (or "outside a kernel") with write(2), which a
// signal handler may call.
inline void report_thread(const char* what) {
    char msg[256];
    int n;
    if (sched.current != nullptr) {
        n = snprintf(msg, sizeof msg, "FAIL emulator: %s in thread %u of block (%u,%u,%u), grid (%u,%u,%u), block size %u\n",
                     what, threadIdx.x, blockIdx.x, blockIdx.y, blockIdx.z, gridDim.x, gridDim.y, gridDim.z, blockDim.x);
    } else {
        n = snprintf(msg, sizeof msg, "FAIL emulator: %s outside a kernel\n", what);
    }
    fflush(stdout);
    if (n > 0 && write(STDOUT_FILENO, msg, (size_t)n) < 0) _exit(5);
}

// A crash (e.g. an access far out of bounds) names the CUDA thread that was running, then exits with status 4.
inline void on_crash(int sig) {
    char what[32];
    snprintf(what, sizeof what, "signal %d", sig);
    report_thread(what);
    _exit(4);
}

inline void install_crash_handler() {
    static bool installed = false;
    if (installed) return;
    installed = true;
    static std::vector<char> altStack(64 * 1024);  // the handler must run when a fiber's stack overflowed
    stack_t ss{};
    ss.ss_sp = altStack.data();
    ss.ss_size = altStack.size();
    sigaltstack(&ss, nullptr);
    struct sigaction sa{};
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_ONSTACK;
    for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(s, &sa, nullptr);
#if defined(VELA_EMU_ASAN)
    __sanitizer_set_death_callback([] { report_thread("sanitizer error (report above)"); });
#endif
}

}  // namespace emu

// ============================================================================ barriers and warp shuffles

inline void __syncthreads() { emu::arrive_and_wait(emu::sched.block); }

// Every lane of the warp takes part (the kernels pass the full mask); the value of lane `src` is returned.
template <typename T> T emu_shfl(T v, unsigned src) {
    static_assert(sizeof(T) <= 8, "shuffled values are at most 8 bytes");
    const unsigned lane = threadIdx.x & 31;
    emu::Warp& w = emu::sched.warps[threadIdx.x >> 5];
    if (w.bar.expected != 32) {
        emu::fail(__FILE__, __LINE__, "warp shuffle with the full mask in block (%u,%u,%u) while only %u lanes of warp "
                  "%u are running", blockIdx.x, blockIdx.y, blockIdx.z, w.bar.expected, threadIdx.x >> 5);
    }
    const unsigned parity = (unsigned)(w.bar.generation & 1);
    memcpy(&w.slots[parity][lane], &v, sizeof(T));
    emu::arrive_and_wait(w.bar);
    T r;
    memcpy(&r, &w.slots[parity][src & 31], sizeof(T));
    return r;
}
template <typename T> T __shfl_xor_sync(unsigned, T v, int laneMask) {
    return emu_shfl(v, (threadIdx.x & 31) ^ (unsigned)laneMask);
}
template <typename T> T __shfl_down_sync(unsigned, T v, unsigned delta) {
    const unsigned lane = threadIdx.x & 31;
    return emu_shfl(v, lane + delta < 32 ? lane + delta : lane);
}

// ============================================================================ launch

// Runs kernel k over the grid (blocks one after another); the arguments are converted to the parameter types as a
// kernel launch would pass them. Blocks are one-dimensional, as the Vela kernels use them.
template <typename... P, typename... A>
void launch(void (*k)(P...), dim3 grid, dim3 block, A... args) {
    static_assert(sizeof...(P) == sizeof...(A), "argument count differs from the kernel's parameters");
    if (block.y != 1 || block.z != 1 || block.x == 0 || block.x > 1024) {
        fprintf(stderr, "launch: unsupported block (%u,%u,%u)\n", block.x, block.y, block.z);
        std::abort();
    }
    emu::install_crash_handler();
    gridDim = grid;
    blockDim = block;
    emu::sched.body = [&]() { k(((P)args)...); };
    for (unsigned z = 0; z < grid.z; ++z)
        for (unsigned y = 0; y < grid.y; ++y)
            for (unsigned x = 0; x < grid.x; ++x) emu::run_block(dim3{x, y, z}, block.x);
    emu::sched.body = nullptr;
}
