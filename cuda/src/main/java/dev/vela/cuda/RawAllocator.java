/*
 * The device allocator underneath the caching allocator (cuMemAlloc/cuMemFree on a GPU, a fake in tests).
 */
package dev.vela.cuda;

/**
 * Allocates and frees raw device memory for {@link CachingAllocator}. Implementations need not be
 * thread-safe: the caching allocator calls them under its lock.
 *
 * <pre>{@code
 * RawAllocator raw = new RawAllocator() {
 *     public long alloc(long bytes) throws RawOutOfMemory { ... cuMemAlloc ... }
 *     public void free(long ptr) { ... cuMemFree ... }
 *     public long available() { ... cuMemGetInfo ... }
 * };
 * }</pre>
 */
public interface RawAllocator {
    /** A new block of at least {@code bytes} bytes (bytes > 0); throws RawOutOfMemory when the device is full. */
    long alloc(long bytes) throws RawOutOfMemory;

    /** Returns a block that {@link #alloc} gave. */
    void free(long ptr);

    /** Free bytes on the device as the driver reports them (for error messages); -1 when unknown. */
    long available();

    /**
     * Called once before cached blocks are handed back with {@link #free}, so that device work still
     * queued on them finishes first (the CUDA implementation synchronises its stream). Does nothing by default.
     */
    default void awaitIdle() {
    }
}
