/*
 * A strided view's layout as a kernel argument: the 144-byte Layout struct of KERNELS.md.
 */
package dev.vela.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The {@code Layout} kernel argument (passed by value, 144 bytes, little-endian, 8-byte aligned):
 * <pre>
 * offset 0    long long offset      element offset of element (0,...,0)
 * offset 8    int rank              0..8 (0 is a scalar)
 * offset 12   int pad               0
 * offset 16   long long shape[8]    only [0, rank) used, the rest 0
 * offset 80   long long stride[8]   in elements, may be 0 or negative
 * </pre>
 *
 * <pre>{@code
 * kernel.launch("add", grid, 1, 1, 256, 1, 1, 0,
 *         n, a.ptr(), new LayoutArg(0, new long[] {2, 3}, new long[] {3, 1}), ...);
 * LayoutArg.of(view)   // from a dev.vela.spi.View (its int[] shape and strides, its offset)
 * }</pre>
 *
 * @param offset element offset of element (0,...,0)
 * @param shape  the extent of each axis (rank = shape.length, at most {@link #MAX_RANK} when serialised)
 * @param stride the stride of each axis in elements, as long as shape
 */
public record LayoutArg(long offset, long[] shape, long[] stride) {
    /** Size of the serialised struct. */
    public static final int BYTES = 144;
    /** VELA_MAX_RANK. */
    public static final int MAX_RANK = 8;

    public LayoutArg {
        if (shape == null || stride == null) throw new IllegalArgumentException("LayoutArg: shape and stride must not be null");
        if (shape.length != stride.length) {
            throw new IllegalArgumentException("LayoutArg: shape " + Arrays.toString(shape) + " and stride "
                    + Arrays.toString(stride) + " differ in rank");
        }
        shape = shape.clone();
        stride = stride.clone();
    }

    /** The layout of a view's int shape and strides at {@code offset}. */
    public static LayoutArg of(int[] shape, int[] strides, long offset) {
        long[] s = new long[shape.length];
        long[] t = new long[strides.length];
        for (int i = 0; i < shape.length; i++) s[i] = shape[i];
        for (int i = 0; i < strides.length; i++) t[i] = strides[i];
        return new LayoutArg(offset, s, t);
    }

    /** The layout of a {@link dev.vela.spi.View}. */
    public static LayoutArg of(dev.vela.spi.View v) {
        return of(v.shape(), v.strides(), v.offset());
    }

    public int rank() { return shape.length; }

    @Override
    public long[] shape() { return shape.clone(); }

    @Override
    public long[] stride() { return stride.clone(); }

    /**
     * Writes the 144-byte struct at {@code at} (absolute, little-endian whatever {@code buf}'s order).
     *
     * @throws IllegalArgumentException naming {@code op} when the rank exceeds 8
     */
    public void writeTo(ByteBuffer buf, int at, String op) {
        if (shape.length > MAX_RANK) {
            throw new IllegalArgumentException(op + ": a tensor of rank " + shape.length + " (shape "
                    + Arrays.toString(shape) + ") cannot be passed to a CUDA kernel, which handles rank <= "
                    + MAX_RANK);
        }
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(at, offset);
        b.putInt(at + 8, shape.length);
        b.putInt(at + 12, 0);
        for (int i = 0; i < MAX_RANK; i++) {
            b.putLong(at + 16 + 8 * i, i < shape.length ? shape[i] : 0);
            b.putLong(at + 80 + 8 * i, i < stride.length ? stride[i] : 0);
        }
    }

    /** The serialised struct as a new 144-byte little-endian buffer. */
    public ByteBuffer toBytes(String op) {
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        writeTo(b, 0, op);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayoutArg l && l.offset == offset && Arrays.equals(l.shape, shape)
                && Arrays.equals(l.stride, stride);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 961 + Arrays.hashCode(shape) * 31 + Arrays.hashCode(stride);
    }

    @Override
    public String toString() {
        return "Layout[offset " + offset + ", shape " + Arrays.toString(shape) + ", stride " + Arrays.toString(stride) + "]";
    }
}
