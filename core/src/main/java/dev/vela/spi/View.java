// A strided window onto a storage: what backend kernels receive.
package dev.vela.spi;

/**
 * A strided view: element {@code (i0, i1, ...)} is at {@code offset + sum(ik * strides[k])} in {@code storage}.
 * Strides are in elements and may be 0 (broadcast).
 */
public record View(Storage storage, int[] shape, int[] strides, long offset) {
    public long size() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public int rank() { return shape.length; }

    /** True when the elements are laid out row-major without gaps. */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** Row-major strides for a shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = (int) acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }
}
