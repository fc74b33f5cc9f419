// A buffer in device memory, from the caching allocator, released by close() or by a Cleaner.
package dev.vela.cuda;

import dev.vela.DType;
import dev.vela.Device;
import dev.vela.spi.Storage;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Device memory holding {@code size} elements of one dtype. The block goes back to the backend's
 * {@link CachingAllocator} when {@link #close()} is called or, failing that, when the storage becomes
 * unreachable (a {@link Cleaner} action). Using a closed storage throws {@link IllegalStateException}.
 */
final class CudaStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaBackend backend;
    private final DType dtype;
    private final long size;
    private final Release release;
    private final Cleaner.Cleanable cleanable;

    CudaStorage(CudaBackend backend, DType dtype, long size, CachingAllocator.Block block) {
        this.backend = backend;
        this.dtype = dtype;
        this.size = size;
        this.release = new Release(backend.context().allocator(), block);
        this.cleanable = CLEANER.register(this, release);
    }

    /** The release action; holds no reference to the storage so the Cleaner can run it. */
    private static final class Release implements Runnable {
        final CachingAllocator allocator;
        final CachingAllocator.Block block;
        final AtomicBoolean done = new AtomicBoolean();

        Release(CachingAllocator allocator, CachingAllocator.Block block) {
            this.allocator = allocator;
            this.block = block;
        }

        @Override
        public void run() {
            if (done.compareAndSet(false, true)) allocator.free(block);
        }
    }

    @Override public DType dtype() { return dtype; }

    @Override public long size() { return size; }

    @Override public Device device() { return backend.device(); }

    CudaBackend backend() { return backend; }

    /** The device address of element 0; throws when the storage was closed. */
    long ptr() {
        if (release.done.get()) {
            throw new IllegalStateException("cuda: this tensor was closed (its " + size + " " + dtype
                    + " elements went back to the allocator); it cannot be used any more");
        }
        return release.block.ptr();
    }

    /** The device address of element {@code index}. */
    long ptr(long index) { return ptr() + index * dtype.byteSize(); }

    @Override
    public void close() { cleanable.clean(); }

    @Override
    public boolean isClosed() { return release.done.get(); }
}
