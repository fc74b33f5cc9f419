/*
 * Run by FakeDriverTest in a child JVM whose LD_LIBRARY_PATH holds the fake libcuda.so.1 and libnvrtc.so.13
 * (test resources fakecuda/*.c): drives the real JNI paths of CudaLibs, CudaContext, CachingAllocator over
 * cuMemAlloc, Nvrtc, KernelCache, CudaModule and Kernel, and exits non-zero on the first failed check.
 */
package dev.vela.cuda;

import dev.vela.DType;
import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.nio.file.*;
import java.util.*;

public final class FakeDriverCheck {
    static final Linker L = Linker.nativeLinker();
    static SymbolLookup CUDA;
    static SymbolLookup NVRTC;
    static int ci(SymbolLookup lib, String f) throws Throwable {
        MethodHandle h = L.downcallHandle(lib.find(f).orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        return (int) h.invokeExact();
    }
    static int fakeInt(String f, int arg) throws Throwable {
        MethodHandle h = L.downcallHandle(CUDA.find(f).orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        return (int) h.invokeExact(arg);
    }
    static void setCapacity(long c) throws Throwable {
        MethodHandle h = L.downcallHandle(CUDA.find("fake_set_capacity").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG));
        h.invokeExact(c);
    }
    static int checks = 0;
    static void check(boolean ok, String what) {
        checks++;
        if (!ok) throw new AssertionError("FAILED: " + what);
        System.out.println("ok   " + what);
    }
    interface Body { void run() throws Throwable; }
    static <T extends Throwable> T expect(Class<T> type, Body body, String what) {
        try { body.run(); } catch (Throwable t) {
            if (type.isInstance(t)) { System.out.println("     " + t.getClass().getSimpleName() + ": " + t.getMessage()); return type.cast(t); }
            throw new AssertionError("FAILED: " + what + ": wrong exception " + t, t);
        }
        throw new AssertionError("FAILED: " + what + ": no exception");
    }

    public static void main(String[] args) throws Throwable {
        String mode = args.length > 0 ? args[0] : "main";
        if (!mode.equals("main")) { diagnose(mode); return; }
        CUDA = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
        NVRTC = SymbolLookup.libraryLookup("libnvrtc.so.13", Arena.global());
        check(CudaLibs.unavailableReason() == null, "CUDA available with the fake driver: " + CudaLibs.unavailableReason());
        System.out.println(CudaLibs.describeDevices());
        check(CudaLibs.describeDevices().equals(List.of("cuda:0: Fake H100 0, 79.2 GiB, compute capability 9.0, 132 SMs, driver 13.0, runtime " + CudaLibs.formatVersion(runtimeVersion()))), "describeDevices line");
        check(Cu.errorName(700).equals("CUDA_ERROR_ILLEGAL_ADDRESS") && Cu.errorString(2).equals("out of memory"), "error names come from the driver");
        check(Nvrtc.version().equals("13.0"), "nvrtc version");
        check(Arrays.equals(Nvrtc.supportedArchs(), new int[] {75, 90, 100}), "supported archs");

        int setBefore = ci(CUDA, "fake_ctx_set_calls");
        CudaContext ctx = CudaContext.get(0);
        check(ctx == CudaContext.get(0), "context cached");
        check(ctx.name().equals("Fake H100 0") && ctx.arch().equals("sm_90") && ctx.smCount() == 132 && ctx.ccMajor() == 9
                && ctx.ccMinor() == 0 && ctx.totalMemory() == 85_000_000_000L && ctx.device() == 0, "context properties");
        check(ctx.stream() != null && !ctx.stream().isNull(), "stream created");
        int setAfterCreate = ci(CUDA, "fake_ctx_set_calls");
        ctx.makeCurrent(); ctx.makeCurrent(); ctx.memsetZero(0, 0);
        check(ci(CUDA, "fake_ctx_set_calls") == setAfterCreate, "makeCurrent is a no-op when current on this thread (" + (setAfterCreate - setBefore) + " set calls at creation)");
        Thread t = new Thread(() -> { ctx.makeCurrent(); ctx.makeCurrent(); ctx.freeMemory(); });
        t.start(); t.join();
        check(ci(CUDA, "fake_ctx_set_calls") == setAfterCreate + 1, "another thread makes the context current once");

        CachingAllocator a = ctx.allocator();
        // round trips of every type, one spanning two staging chunks
        int n = 3_000_000;
        float[] f = new float[n]; for (int i = 0; i < n; i++) f[i] = i * 0.5f;
        CachingAllocator.Block bf = a.allocate((long) n * 4);
        ctx.copyToDevice(f, 0, n, bf.ptr());
        float[] fb = (float[]) ctx.copyToHost(bf.ptr(), DType.FLOAT32, n);
        check(Arrays.equals(f, fb), "float round trip of 12 MB (two staging chunks)");
        ctx.copyToDevice(f, 10, 5, bf.ptr());
        check(Arrays.equals(Arrays.copyOfRange(f, 10, 15), (float[]) ctx.copyToHost(bf.ptr(), DType.FLOAT32, 5)), "copy from an index");
        double[] d = {1.5, -2.25, Math.PI};
        CachingAllocator.Block bd = a.allocate(24);
        ctx.copyToDevice(d, 0, 3, bd.ptr());
        check(Arrays.equals(d, (double[]) ctx.copyToHost(bd.ptr(), DType.FLOAT64, 3)), "double round trip");
        int[] ii = {1, -2, Integer.MAX_VALUE};
        ctx.copyToDevice(ii, 0, 3, bd.ptr());
        check(Arrays.equals(ii, (int[]) ctx.copyToHost(bd.ptr(), DType.INT32, 3)), "int round trip");
        long[] ll = {Long.MIN_VALUE, 7, -9};
        ctx.copyToDevice(ll, 0, 3, bd.ptr());
        check(Arrays.equals(ll, (long[]) ctx.copyToHost(bd.ptr(), DType.INT64, 3)), "long round trip");
        ctx.copyToDevice(new boolean[] {true, false, true}, 0, 3, bd.ptr());
        check(Arrays.equals(new byte[] {1, 0, 1}, (byte[]) ctx.copyToHost(bd.ptr(), DType.BOOL, 3)), "boolean[] -> BOOL bytes");
        boolean[] zb = new boolean[4];
        ctx.copyToHost(bd.ptr(), zb, 1, 3);
        check(Arrays.equals(new boolean[] {false, true, false, true}, zb), "BOOL bytes -> boolean[] at an index");
        long[] big = new long[2_500_000]; for (int i = 0; i < big.length; i++) big[i] = i * 3L;
        CachingAllocator.Block bl = a.allocate(big.length * 8L);
        ctx.copyToDevice(big, 0, big.length, bl.ptr());
        check(Arrays.equals(big, (long[]) ctx.copyToHost(bl.ptr(), DType.INT64, big.length)), "20 MB long round trip (three chunks)");
        ctx.memsetZero(bl.ptr() + 8, 16);
        long[] z = (long[]) ctx.copyToHost(bl.ptr(), DType.INT64, 4);
        check(Arrays.equals(new long[] {0, 0, 0, 9}, z), "memsetZero");
        ctx.copyToDevice(ll, 0, 3, bd.ptr());
        ctx.copyDeviceToDevice(bl.ptr(), bd.ptr(), 24);
        check(Arrays.equals(ll, (long[]) ctx.copyToHost(bl.ptr(), DType.INT64, 3)), "copyDeviceToDevice");

        // modules: compiled with the header and options, cached on disk and per context
        int compiles0 = ci(NVRTC, "fake_compiles");
        CudaModule m = ctx.loadModule("elementwise.cu");
        check(m == ctx.loadModule("elementwise.cu"), "module cached per file");
        byte[] cubin = KernelCache.cubin("elementwise.cu", KernelCache.resource("elementwise.cu"),
                Map.of("vela_common.cuh", KernelCache.resource("vela_common.cuh")), "sm_90", List.of());
        String payload = new String(cubin, 64, cubin.length - 64);
        System.out.println("     fake cubin payload: " + payload);
        check(payload.contains("--gpu-architecture=sm_90 -std=c++17") && payload.contains("vela_common.cuh("), "NVRTC got the options and the in-memory header");
        int compiles1 = ci(NVRTC, "fake_compiles");
        check(compiles1 - compiles0 <= 1, "compiled at most once (" + (compiles1 - compiles0) + "; 0 when the disk cache already had it)");
        try (var s = Files.list(KernelCache.cacheDir())) { check(s.anyMatch(p -> p.toString().endsWith(".cubin")), "a .cubin in " + KernelCache.cacheDir()); }

        // kernels
        Kernel axpy = m.kernel("fake_axpy");
        check(axpy == m.kernel("fake_axpy"), "kernel cached");
        CudaException nf = expect(CudaException.class, () -> m.kernel("no_such_kernel"), "unknown kernel");
        check(nf.getMessage().contains("elementwise.cu") && nf.getMessage().contains("no_such_kernel") && nf.getMessage().contains("CUDA_ERROR_NOT_FOUND"), "unknown kernel message");
        float[] x = {1, 2, 3, 4}, y = {10, 20, 30, 40};
        CachingAllocator.Block bx = a.allocate(16), by = a.allocate(16);
        ctx.copyToDevice(x, 0, 4, bx.ptr()); ctx.copyToDevice(y, 0, 4, by.ptr());
        axpy.launch("axpy", 3, 2, 1, 128, 2, 1, 64, 4L, 2.0f, bx.ptr(), by.ptr());
        check(Arrays.equals(new float[] {12, 24, 36, 48}, (float[]) ctx.copyToHost(by.ptr(), DType.FLOAT32, 4)), "kernel arguments reach the kernel");
        check(fakeInt("fake_last_grid", 0) == 3 && fakeInt("fake_last_grid", 1) == 2 && fakeInt("fake_last_block", 0) == 128
                && fakeInt("fake_last_block", 1) == 2 && ci(CUDA, "fake_last_shared") == 64, "launch shape passed");
        axpy.launch("axpy", 1, 1, 1, 32, 1, 1, 0, 2L, -1.0f, bx.ptr(), by.ptr());
        check(Arrays.equals(new float[] {11, 22, 36, 48}, (float[]) ctx.copyToHost(by.ptr(), DType.FLOAT32, 4)), "second launch rewrites the slots");
        check(ctx.lastOp().equals("axpy (kernel fake_axpy)"), "lastOp recorded: " + ctx.lastOp());
        expect(IllegalArgumentException.class, () -> axpy.launch("axpy", 1, 1, 1, 32, 1, 1, 0, 2, -1.0f, bx.ptr(), by.ptr()), "changed arg types");
        expect(IllegalArgumentException.class, () -> axpy.launch("axpy", 0, 1, 1, 32, 1, 1, 0, 2L, -1.0f, bx.ptr(), by.ptr()), "empty grid");

        Kernel lay = m.kernel("fake_layout");
        CachingAllocator.Block out = a.allocate(22 * 8);
        lay.launch("layout", 1, 1, 1, 1, 1, 1, 0, out.ptr(), new LayoutArg(77, new long[] {2, 3, 4}, new long[] {12, -4, 0}), 5, 0.75);
        long[] o = (long[]) ctx.copyToHost(out.ptr(), DType.INT64, 22);
        System.out.println("     layout seen by the kernel: " + Arrays.toString(o));
        check(o[0] == 77 && o[1] == 3 && o[2] == 0 && o[3] == 2 && o[4] == 3 && o[5] == 4 && o[6] == 0 && o[11] == 12 && o[12] == -4
                && o[13] == 0 && o[19] == 5 && Double.longBitsToDouble(o[20]) == 0.75 && o[21] == 0, "Layout by value, 8-byte aligned");
        expect(IllegalArgumentException.class, () -> lay.launch("layout9", 1, 1, 1, 1, 1, 1, 0, out.ptr(), new LayoutArg(0, new long[9], new long[9]), 5, 0.75), "rank 9");
        m.kernel("fake_noargs").launch("noargs", 1, 1, 1, 1, 1, 1, 0);
        check(true, "a kernel without arguments gets NULL params");

        // NVRTC errors carry the log
        CudaException ce = expect(CudaException.class, () -> Nvrtc.compile("bad.cu", "int x;\n#error broken\n", Map.of(), "sm_90", List.of("-lineinfo")), "compile error");
        check(ce.getMessage().contains("NVRTC_ERROR_COMPILATION") && ce.getMessage().contains("bad.cu(3): error: fake compile error")
                && ce.getMessage().contains("-lineinfo") && ce.code() == 6, "compile error message with the log");
        expect(CudaException.class, () -> Nvrtc.compile("x.cu", "", Map.of(), "sm_120", List.of()), "unsupported arch");

        // allocator: reuse, OOM, emptyCache
        int allocs0 = ci(CUDA, "fake_allocs");
        a.free(bx); CachingAllocator.Block again = a.allocate(16);
        check(again.ptr() == bx.ptr() && ci(CUDA, "fake_allocs") == allocs0, "reuse without cuMemAlloc");
        System.out.println("     " + a.stats());
        setCapacity(64L << 20);
        CudaOutOfMemoryError oom = expect(CudaOutOfMemoryError.class, () -> a.allocate(100L << 20), "OOM");
        check(oom.getMessage().contains(Long.toString(100L << 20)) && oom.getMessage().contains("cuda:0"), "OOM message");
        setCapacity(1L << 30);
        int frees0 = ci(CUDA, "fake_frees");
        a.free(bf);
        a.emptyCache();
        check(ci(CUDA, "fake_frees") > frees0 && a.cached() == 0, "emptyCache frees through cuMemFree");

        // asynchronous faults surface at the next synchronisation, naming the last op
        m.kernel("fake_fault").launch("fault-op", 1, 1, 1, 1, 1, 1, 0);
        CudaException async = expect(CudaException.class, () -> ctx.synchronize(ctx.lastOp()), "async fault");
        check(async.getMessage().contains("asynchronous CUDA error detected at synchronisation") && async.getMessage().contains("last op launched: fault-op (kernel fake_fault)")
                && async.getMessage().contains("CUDA_ERROR_ILLEGAL_ADDRESS") && async.code() == 700, "async fault message");
        CudaException sticky = expect(CudaException.class, () -> ctx.copyToHost(by.ptr(), DType.FLOAT32, 4), "sticky error on copies");
        check(sticky.getMessage().contains("last op launched: fault-op (kernel fake_fault)") && sticky.getMessage().contains("restart the JVM"), "sticky error names the faulty op");
        CudaException stickyLaunch = expect(CudaException.class, () -> axpy.launch("axpy", 1, 1, 1, 32, 1, 1, 0, 2L, -1.0f, bx.ptr(), by.ptr()), "sticky error on launch");
        check(stickyLaunch.getMessage().contains("last op launched before: fault-op (kernel fake_fault)"), "launch after a fault names the faulty op");
        System.out.println("ALL " + checks + " CHECKS PASSED");
    }

    static int runtimeVersion() {
        int[] v = new int[1];
        org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion(v);
        return v[0];
    }

    /** The driver's diagnosis for odd machines (set up by the environment FakeDriverTest passes). */
    static void diagnose(String mode) {
        String reason = CudaLibs.unavailableReason();
        List<String> lines = CudaLibs.describeDevices();
        System.out.println("reason: " + reason);
        System.out.println("devices: " + lines);
        switch (mode) {
            case "second-device-old" -> {
                check(reason == null, "usable: cuda:0 is new enough");
                check(lines.size() == 2 && !lines.get(0).contains("unusable") && lines.get(1).contains("(unusable: compute capability 6.0"),
                        "the old device is listed as unusable");
                check(CudaContext.get(0).arch().equals("sm_90"), "cuda:0 opens");
                IllegalStateException old = expect(IllegalStateException.class, () -> CudaContext.get(1), "old device");
                check(old.getMessage().contains("cuda:1") && old.getMessage().contains("7.5"), "old device message");
                IllegalArgumentException none = expect(IllegalArgumentException.class, () -> CudaContext.get(2), "no such device");
                check(none.getMessage().contains("does not exist") && none.getMessage().contains("2 CUDA devices"), "missing device message");
            }
            case "no-device" -> {
                check(reason != null && reason.startsWith("no CUDA device"), "no device reason");
                check(lines.equals(List.of("cuda: unavailable: " + reason)), "one unavailable line");
                expect(IllegalStateException.class, () -> CudaContext.get(0), "no context");
            }
            case "all-old" -> {
                check(reason != null && reason.startsWith("no usable CUDA device: cuda:0 (Fake H100 0) has compute capability 6.0"), "all old reason");
                check(lines.size() == 1 && lines.get(0).contains("(unusable:"), "the device is still described");
                expect(IllegalStateException.class, () -> CudaContext.get(0), "no context");
            }
            default -> throw new IllegalArgumentException(mode);
        }
        System.out.println("ALL " + checks + " CHECKS PASSED");
    }
}
