// A flat buffer of elements owned by one backend, with the version counter autograd checks.
package dev.vela.spi;

import dev.vela.DType;
import dev.vela.Device;

/** A flat, typed buffer on a device. Tensors are strided views onto storages. */
public abstract class Storage {
    private int version;

    public abstract DType dtype();

    public abstract long size();

    public abstract Device device();

    /** Incremented by every in-place write, so autograd can tell that a saved tensor changed. */
    public final int version() { return version; }

    public final void bumpVersion() { version++; }

    /**
     * Releases the buffer now instead of when the storage becomes unreachable (device memory goes back to the
     * backend's cache). Every view of this storage becomes unusable; a later use throws an exception that says
     * the tensor was closed. The CPU backend keeps its arrays to the garbage collector: there it does nothing.
     */
    public void close() {}

    /** True after {@link #close()} released the buffer. */
    public boolean isClosed() { return false; }
}
