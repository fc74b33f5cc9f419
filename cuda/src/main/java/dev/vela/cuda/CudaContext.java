/*
 * One CUDA device as Vela uses it: its primary context, one stream, a caching allocator, pinned staging
 * copies, and the modules compiled for it.
 */
package dev.vela.cuda;

import static org.bytedeco.cuda.global.cudart.CU_STREAM_NON_BLOCKING;
import static org.bytedeco.cuda.global.cudart.cuCtxSetCurrent;
import static org.bytedeco.cuda.global.cudart.cuDeviceGet;
import static org.bytedeco.cuda.global.cudart.cuDevicePrimaryCtxRetain;
import static org.bytedeco.cuda.global.cudart.cuMemAlloc;
import static org.bytedeco.cuda.global.cudart.cuMemAllocHost;
import static org.bytedeco.cuda.global.cudart.cuMemFree;
import static org.bytedeco.cuda.global.cudart.cuMemGetInfo;
import static org.bytedeco.cuda.global.cudart.cuMemcpyDtoDAsync;
import static org.bytedeco.cuda.global.cudart.cuMemcpyDtoHAsync;
import static org.bytedeco.cuda.global.cudart.cuMemcpyHtoDAsync;
import static org.bytedeco.cuda.global.cudart.cuMemsetD8Async;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;
import static org.bytedeco.cuda.global.cudart.cuStreamCreate;
import static org.bytedeco.cuda.global.cudart.cuStreamSynchronize;

import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.vela.DType;

import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * One CUDA device: its primary context (retained, never destroyed: contexts live as long as the JVM), one
 * non-blocking stream that all of Vela's work on the device is ordered on, a {@link CachingAllocator} over
 * {@code cuMemAlloc}, an 8 MiB page-locked staging buffer for host copies, and the kernel modules compiled
 * for the device's architecture.
 *
 * <pre>{@code
 * CudaContext ctx = CudaContext.get(0);            // throws IllegalStateException saying why when CUDA is unusable
 * CachingAllocator.Block b = ctx.allocator().allocate(4 * 1024);
 * ctx.copyToDevice(new float[] {1, 2, 3}, 0, 3, b.ptr());
 * ctx.loadModule("elementwise.cu").kernel("unary_contig_f32")
 *    .launch("exp", 1, 1, 1, 256, 1, 1, 0, UnaryOp.EXP.ordinal(), 0.0, 0.0, 3L, b.ptr(), b.ptr());
 * float[] back = (float[]) ctx.copyToHost(b.ptr(), DType.FLOAT32, 3);   // synchronises
 * }</pre>
 *
 * <p>Every method makes the context current on the calling thread first ({@link #makeCurrent()}), so any
 * thread (a Cleaner's included) may use it. Work is asynchronous: errors inside kernels surface at the next
 * synchronisation, which names the last op launched ({@link #synchronize(String)}).
 */
public final class CudaContext {
    /** Bytes of the page-locked staging buffer; larger copies go through it in chunks. */
    public static final int STAGING_BYTES = 8 << 20;

    private static final Map<Integer, CudaContext> CONTEXTS = new ConcurrentHashMap<>();
    private static final ThreadLocal<CudaContext> CURRENT = new ThreadLocal<>();

    private final int device;
    private final String label;
    private final CUctx_st context;
    private final CUstream_st stream;
    private final String name;
    private final int ccMajor;
    private final int ccMinor;
    private final int smCount;
    private final long totalMemory;
    private final CachingAllocator allocator;
    private final Map<String, CudaModule> modules = new ConcurrentHashMap<>();

    private final Object stagingLock = new Object();
    private final BytePointer staging;
    private final ByteBuffer stagingBuffer;
    private boolean stagingInFlight; // guarded by stagingLock

    private volatile String lastOp;

    /**
     * The context of CUDA device {@code device}, created on first use and then shared.
     *
     * @throws IllegalStateException    when CUDA cannot be used here (the reason says why) or the device is too old
     * @throws IllegalArgumentException when there is no such device
     */
    public static CudaContext get(int device) {
        CudaContext c = CONTEXTS.get(device);
        if (c != null) return c;
        CudaLibs.requireAvailable();
        synchronized (CONTEXTS) {
            c = CONTEXTS.get(device);
            if (c == null) {
                c = new CudaContext(device);
                CONTEXTS.put(device, c);
            }
            return c;
        }
    }

    private CudaContext(int device) {
        int count = CudaLibs.deviceCount();
        if (device < 0 || device >= count) throw new IllegalArgumentException(CudaLibs.deviceUnusableReason(device));
        String unusable = CudaLibs.deviceUnusableReason(device);
        if (unusable != null) throw new IllegalStateException(unusable);
        this.device = device;
        this.label = "cuda:" + device;

        int[] dev = new int[1];
        Cu.check(cuDeviceGet(dev, device), "cuDeviceGet", label);
        this.context = new CUctx_st();
        Cu.check(cuDevicePrimaryCtxRetain(context, dev[0]), "cuDevicePrimaryCtxRetain", label);
        Cu.check(cuCtxSetCurrent(context), "cuCtxSetCurrent", label);
        CURRENT.set(this);
        this.stream = new CUstream_st();
        Cu.check(cuStreamCreate(stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate", label);

        this.name = CudaLibs.Native.deviceName(device);
        int[] cc = CudaLibs.Native.computeCapability(device);
        this.ccMajor = cc[0];
        this.ccMinor = cc[1];
        this.smCount = CudaLibs.Native.attribute(device, 16 /* CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT */);
        this.totalMemory = CudaLibs.Native.totalMemory(device);

        Pointer host = new Pointer();
        Cu.check(cuMemAllocHost(host, STAGING_BYTES), "cuMemAllocHost",
                "allocating the " + (STAGING_BYTES >> 20) + " MiB page-locked staging buffer for " + label);
        this.staging = new BytePointer(host);
        staging.capacity(STAGING_BYTES);
        staging.limit(STAGING_BYTES);
        staging.position(0);
        this.stagingBuffer = staging.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (stagingBuffer.capacity() < STAGING_BYTES) {
            throw new IllegalStateException("staging buffer view of " + stagingBuffer.capacity() + " bytes");
        }
        this.allocator = new CachingAllocator(new DeviceMemory(), label, System::gc);
    }

    /** Makes this context current on the calling thread (a driver call only the first time per thread). */
    public void makeCurrent() {
        if (CURRENT.get() == this) return;
        Cu.check(cuCtxSetCurrent(context), "cuCtxSetCurrent",
                "making " + label + " current on thread " + Thread.currentThread().getName());
        CURRENT.set(this);
    }

    /** The stream all of Vela's work on this device is ordered on. */
    public CUstream_st stream() { return stream; }

    /** The device ordinal. */
    public int device() { return device; }

    /** The device's name, e.g. "NVIDIA H100 80GB HBM3". */
    public String name() { return name; }

    public int ccMajor() { return ccMajor; }

    public int ccMinor() { return ccMinor; }

    /** Streaming multiprocessors. */
    public int smCount() { return smCount; }

    /** Device memory in bytes. */
    public long totalMemory() { return totalMemory; }

    /** The real architecture kernels are compiled for, e.g. "sm_90". */
    public String arch() { return "sm_" + ccMajor + ccMinor; }

    /** The device's caching allocator. */
    public CachingAllocator allocator() { return allocator; }

    /** Free device memory in bytes as the driver reports it (cuMemGetInfo). */
    public long freeMemory() {
        makeCurrent();
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            Cu.check(cuMemGetInfo(free, total), "cuMemGetInfo", label);
            return free.get();
        }
    }

    /** Records the op (and kernel) launched last, for asynchronous error messages. */
    public void recordLaunch(String op) { lastOp = op; }

    /** The op launched last, or "none". */
    public String lastOp() {
        String op = lastOp;
        return op == null ? "none" : op;
    }

    /**
     * Waits for all work on the stream.
     *
     * @param lastOp the op to name if the wait reports an error (usually {@link #lastOp()})
     * @throws CudaException "asynchronous CUDA error detected at synchronisation; last op launched: ..."
     */
    public void synchronize(String lastOp) {
        makeCurrent();
        int rc = cuStreamSynchronize(stream);
        if (rc != Cu.SUCCESS) {
            throw new CudaException(rc, "cuStreamSynchronize", "asynchronous CUDA error detected at synchronisation "
                    + "on " + label + "; last op launched: " + lastOp
                    + (Cu.isStickyError(rc) ? "; " + STICKY_NOTE : ""));
        }
    }

    static final String STICKY_NOTE = "after such an error the CUDA context cannot be used any more: restart the JVM";

    /**
     * {@link Cu#check}, adding for the errors a kernel fault leaves behind that they probably come from earlier
     * work (naming the last op launched), not from this call.
     */
    void check(int rc, String call, String what) {
        if (rc == Cu.SUCCESS) return;
        if (Cu.isStickyError(rc)) {
            what = what + "; this is probably an asynchronous error from earlier work on the device (last op "
                    + "launched: " + lastOp() + "); " + STICKY_NOTE;
        }
        throw new CudaException(rc, call, what);
    }

    /** {@link #synchronize(String)} naming the recorded last op. */
    public void synchronize() { synchronize(lastOp()); }

    // ---------------------------------------------------------------- copies

    /**
     * Copies {@code count} elements of a Java array (float[], double[], int[], long[], byte[] or boolean[],
     * the last as bytes 0/1), starting at {@code fromIndex}, to device address {@code dstPtr}, through the
     * page-locked staging buffer in chunks of {@link #STAGING_BYTES}. Returns once the array has been read
     * (the caller may change it); the last chunk's transfer may still be running, ordered on the stream.
     */
    public void copyToDevice(Object javaArray, int fromIndex, long count, long dstPtr) {
        int elem = elementBytes(javaArray);
        checkRange(javaArray, fromIndex, count);
        if (count == 0) return;
        synchronized (stagingLock) {
            makeCurrent();
            long perChunk = STAGING_BYTES / elem;
            for (long done = 0; done < count; ) {
                int n = (int) Math.min(count - done, perChunk);
                awaitStaging();
                fillStaging(stagingBuffer, javaArray, fromIndex + (int) done, n);
                long bytes = (long) n * elem;
                check(cuMemcpyHtoDAsync(dstPtr + done * elem, staging, bytes, stream), "cuMemcpyHtoDAsync",
                        "copying " + bytes + " bytes to 0x" + Long.toHexString(dstPtr + done * elem) + " on " + label);
                stagingInFlight = true;
                done += n;
            }
        }
    }

    /**
     * A new Java array with {@code count} elements read from device address {@code srcPtr}: float[] for
     * FLOAT32, double[] for FLOAT64, int[] for INT32, long[] for INT64, byte[] (0/1) for BOOL. Waits for all
     * work queued before it.
     */
    public Object copyToHost(long srcPtr, DType dtype, long count) {
        if (count < 0 || count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("copyToHost: cannot read " + count + " elements into one Java array");
        }
        int n = (int) count;
        Object array = switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
            case BOOL -> new byte[n];
        };
        copyToHost(srcPtr, array, 0, count);
        return array;
    }

    /**
     * Reads {@code count} elements from device address {@code srcPtr} into {@code javaArray} (float[], double[],
     * int[], long[], byte[] or boolean[]) from {@code toIndex}. Waits for all work queued before it.
     */
    public void copyToHost(long srcPtr, Object javaArray, int toIndex, long count) {
        int elem = elementBytes(javaArray);
        checkRange(javaArray, toIndex, count);
        if (count == 0) return;
        synchronized (stagingLock) {
            makeCurrent();
            long perChunk = STAGING_BYTES / elem;
            for (long done = 0; done < count; ) {
                int n = (int) Math.min(count - done, perChunk);
                awaitStaging();
                long bytes = (long) n * elem;
                check(cuMemcpyDtoHAsync(staging, srcPtr + done * elem, bytes, stream), "cuMemcpyDtoHAsync",
                        "copying " + bytes + " bytes from 0x" + Long.toHexString(srcPtr + done * elem) + " on " + label);
                stagingInFlight = true;
                awaitStaging();
                drainStaging(stagingBuffer, javaArray, toIndex + (int) done, n);
                done += n;
            }
        }
    }

    /** Sets {@code bytes} bytes at {@code ptr} to zero (asynchronous, on the stream). */
    public void memsetZero(long ptr, long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("memsetZero: negative byte count " + bytes);
        if (bytes == 0) return;
        makeCurrent();
        check(cuMemsetD8Async(ptr, (byte) 0, bytes, stream), "cuMemsetD8Async",
                "zeroing " + bytes + " bytes at 0x" + Long.toHexString(ptr) + " on " + label);
    }

    /** Copies {@code bytes} bytes from device address {@code src} to {@code dst} (asynchronous, on the stream). */
    public void copyDeviceToDevice(long dst, long src, long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("copyDeviceToDevice: negative byte count " + bytes);
        if (bytes == 0) return;
        makeCurrent();
        check(cuMemcpyDtoDAsync(dst, src, bytes, stream), "cuMemcpyDtoDAsync",
                "copying " + bytes + " bytes from 0x" + Long.toHexString(src) + " to 0x" + Long.toHexString(dst)
                        + " on " + label);
    }

    private void awaitStaging() {
        if (stagingInFlight) {
            synchronize(lastOp());
            stagingInFlight = false;
        }
    }

    /** Writes elements [from, from + n) of a Java array at the start of the staging buffer (bools as 0/1 bytes). */
    static void fillStaging(ByteBuffer staging, Object array, int from, int n) {
        ByteBuffer b = staging.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.clear();
        switch (array) {
            case float[] a -> b.asFloatBuffer().put(a, from, n);
            case double[] a -> b.asDoubleBuffer().put(a, from, n);
            case int[] a -> b.asIntBuffer().put(a, from, n);
            case long[] a -> b.asLongBuffer().put(a, from, n);
            case byte[] a -> b.put(a, from, n);
            case boolean[] a -> {
                for (int i = 0; i < n; i++) b.put(i, a[from + i] ? (byte) 1 : (byte) 0);
            }
            default -> throw new IllegalArgumentException("unsupported array type " + array.getClass().getName());
        }
    }

    /** Reads n elements from the start of the staging buffer into a Java array from {@code to} (nonzero bytes are true). */
    static void drainStaging(ByteBuffer staging, Object array, int to, int n) {
        ByteBuffer b = staging.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.clear();
        switch (array) {
            case float[] a -> b.asFloatBuffer().get(a, to, n);
            case double[] a -> b.asDoubleBuffer().get(a, to, n);
            case int[] a -> b.asIntBuffer().get(a, to, n);
            case long[] a -> b.asLongBuffer().get(a, to, n);
            case byte[] a -> b.get(a, to, n);
            case boolean[] a -> {
                for (int i = 0; i < n; i++) a[to + i] = b.get(i) != 0;
            }
            default -> throw new IllegalArgumentException("unsupported array type " + array.getClass().getName());
        }
    }

    /** Bytes per element of a supported Java array type. */
    static int elementBytes(Object array) {
        return switch (array) {
            case float[] a -> 4;
            case double[] a -> 8;
            case int[] a -> 4;
            case long[] a -> 8;
            case byte[] a -> 1;
            case boolean[] a -> 1;
            case null -> throw new NullPointerException("array");
            default -> throw new IllegalArgumentException("expected a float[], double[], int[], long[], byte[] or "
                    + "boolean[], got " + array.getClass().getName());
        };
    }

    static void checkRange(Object array, int from, long count) {
        int length = Array.getLength(array);
        if (from < 0 || count < 0 || from + count > length) {
            throw new IndexOutOfBoundsException("elements [" + from + ", " + (from + count) + ") of an array of "
                    + length);
        }
    }

    // ---------------------------------------------------------------- modules

    /**
     * The kernel file {@code fileName} (a resource under {@code /dev/vela/cuda/kernels/}) compiled for this
     * device with the header {@code vela_common.cuh} and loaded; cached per file name.
     */
    public CudaModule loadModule(String fileName) {
        CudaModule m = modules.get(fileName);
        return m != null ? m : modules.computeIfAbsent(fileName, this::compileAndLoad);
    }

    private CudaModule compileAndLoad(String fileName) {
        String source = KernelCache.resource(fileName);
        Map<String, String> headers = Map.of("vela_common.cuh", KernelCache.resource("vela_common.cuh"));
        byte[] cubin = KernelCache.cubin(fileName, source, headers, arch(), List.of());
        makeCurrent();
        CUmod_st module = new CUmod_st();
        try (BytePointer image = new BytePointer(cubin)) {
            check(cuModuleLoadData(module, image), "cuModuleLoadData", "loading " + fileName + " ("
                    + cubin.length + " bytes of CUBIN for " + arch() + ") on " + label + " (" + name + ")");
        }
        return new CudaModule(this, fileName, module);
    }

    @Override
    public String toString() { return label; }

    /** cuMemAlloc/cuMemFree/cuMemGetInfo for the caching allocator. */
    private final class DeviceMemory implements RawAllocator {
        @Override
        public long alloc(long bytes) throws RawOutOfMemory {
            makeCurrent();
            long[] ptr = new long[1];
            int rc = cuMemAlloc(ptr, bytes);
            if (rc == Cu.ERROR_OUT_OF_MEMORY) throw new RawOutOfMemory("cuMemAlloc of " + bytes + " bytes on " + label);
            check(rc, "cuMemAlloc", "allocating " + bytes + " bytes on " + label);
            return ptr[0];
        }

        @Override
        public void free(long ptr) {
            makeCurrent();
            check(cuMemFree(ptr), "cuMemFree", "freeing 0x" + Long.toHexString(ptr) + " on " + label);
        }

        @Override
        public long available() { return freeMemory(); }

        @Override
        public void awaitIdle() { synchronize(lastOp()); }
    }
}
