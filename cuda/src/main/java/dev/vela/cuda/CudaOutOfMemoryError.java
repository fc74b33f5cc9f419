/*
 * Device memory is exhausted even after Vela gave back everything it had cached.
 */
package dev.vela.cuda;

/**
 * A device allocation failed after {@link CachingAllocator} emptied its cache and retried. The message names
 * the requested bytes, what Vela holds (in use and reserved) and what the driver reports available.
 *
 * <pre>{@code
 * try {
 *     allocator.allocate(1L << 40);
 * } catch (CudaOutOfMemoryError e) {
 *     // "CUDA out of memory on cuda:0: cannot allocate 1.0 TiB (1099511627776 bytes) ..."
 *     e.requestedBytes();
 * }
 * }</pre>
 */
public class CudaOutOfMemoryError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long requestedBytes;
    private final long availableBytes;

    public CudaOutOfMemoryError(String message, long requestedBytes, long availableBytes, Throwable cause) {
        super(message, cause);
        this.requestedBytes = requestedBytes;
        this.availableBytes = availableBytes;
    }

    /** The bytes the failed request asked for. */
    public long requestedBytes() { return requestedBytes; }

    /** The free bytes the driver reported after the failure (-1 when unknown). */
    public long availableBytes() { return availableBytes; }
}
