/*
 * Thrown by a RawAllocator when the device has no room for a block.
 */
package dev.vela.cuda;

/**
 * The device could not supply a block ({@code CUDA_ERROR_OUT_OF_MEMORY}). {@link CachingAllocator} answers it
 * by emptying its cache and retrying, and only then throws {@link CudaOutOfMemoryError}.
 *
 * <pre>{@code
 * if (rc == Cu.ERROR_OUT_OF_MEMORY) throw new RawOutOfMemory("cuMemAlloc of " + bytes + " bytes");
 * }</pre>
 */
public class RawOutOfMemory extends Exception {
    private static final long serialVersionUID = 1L;

    public RawOutOfMemory(String message) {
        super(message);
    }
}
