// Host storage: one Java array per buffer (float[], double[], int[], long[], byte[] for bool).
package dev.vela.cpu;

import dev.vela.DType;
import dev.vela.Device;
import dev.vela.spi.Storage;

/** A buffer in the Java heap. */
public final class CpuStorage extends Storage {
    /** Buffers created since start (every tensor and kernel temporary): lets tests see steady-state reuse. */
    static final java.util.concurrent.atomic.AtomicLong CREATED = new java.util.concurrent.atomic.AtomicLong();

    final DType dtype;
    final Object data;
    final int size;

    CpuStorage(DType dtype, int size) {
        CREATED.incrementAndGet();
        this.dtype = dtype;
        this.size = size;
        this.data = switch (dtype) {
            case FLOAT32 -> new float[size];
            case FLOAT64 -> new double[size];
            case INT32 -> new int[size];
            case INT64 -> new long[size];
            case BOOL -> new byte[size];
        };
    }

    CpuStorage(DType dtype, Object data, int size) {
        CREATED.incrementAndGet();
        this.dtype = dtype;
        this.data = data;
        this.size = size;
    }

    @Override public DType dtype() { return dtype; }

    @Override public long size() { return size; }

    @Override public Device device() { return Device.CPU; }

    /** The backing array (for kernels and zero-copy interop); writing to it bypasses version tracking. */
    public Object array() { return data; }

    double get(long i) {
        int k = (int) i;
        return switch (dtype) {
            case FLOAT32 -> ((float[]) data)[k];
            case FLOAT64 -> ((double[]) data)[k];
            case INT32 -> ((int[]) data)[k];
            case INT64 -> ((long[]) data)[k];
            case BOOL -> ((byte[]) data)[k];
        };
    }

    void set(long i, double v) {
        int k = (int) i;
        switch (dtype) {
            case FLOAT32 -> ((float[]) data)[k] = (float) v;
            case FLOAT64 -> ((double[]) data)[k] = v;
            case INT32 -> ((int[]) data)[k] = (int) v;
            case INT64 -> ((long[]) data)[k] = (long) v;
            case BOOL -> ((byte[]) data)[k] = (byte) (v != 0 ? 1 : 0);
        }
    }
}
