// User-facing helpers for CUDA devices: availability, synchronisation, memory statistics and the cache.
package dev.vela.cuda;

import dev.vela.Device;

/**
 * Static helpers for CUDA devices.
 * <pre>{@code
 * jshell> Cuda.isAvailable()
 * $1 ==> true
 * jshell> Tensor x = Tensor.randn(1024, 1024).to(Device.cuda(0));
 * jshell> Cuda.memoryStats(Device.cuda(0))
 * $3 ==> in use 4.0 MiB, reserved 4.0 MiB, peak 4.0 MiB, 1 live block, 1 driver allocation
 * jshell> x.close(); Cuda.emptyCache(Device.cuda(0));
 * }</pre>
 */
public final class Cuda {
    private Cuda() {}

    /** True when a CUDA device can be used; {@link #unavailableReason()} says why not otherwise. */
    public static boolean isAvailable() { return CudaLibs.unavailableReason() == null; }

    /** Why CUDA cannot be used here, or null when it can. */
    public static String unavailableReason() { return CudaLibs.unavailableReason(); }

    private static CudaBackend backend(Device d) {
        if (!(d.backend() instanceof CudaBackend b)) throw new IllegalArgumentException("Cuda: " + d + " is not a CUDA device");
        return b;
    }

    /** Waits until every queued kernel on the device has finished; reports an asynchronous fault here. */
    public static void synchronize(Device d) { backend(d).synchronize(); }

    /** Bytes in use, reserved and peak, live blocks and driver allocations of the device's caching allocator. */
    public static CachingAllocator.Stats memoryStats(Device d) { return backend(d).memoryStats(); }

    /** Hands every cached, unused block back to the driver. */
    public static void emptyCache(Device d) { backend(d).emptyCache(); }

    /** Device buffers alive now (tensors neither closed nor collected); 0 means nothing leaked. */
    public static int liveBuffers(Device d) { return backend(d).liveBuffers(); }
}
