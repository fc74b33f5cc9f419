// keras.utils helpers for labels: one-hot encoding (toCategorical) and its inverse.
package dev.vela.nn.data;

import dev.vela.DType;
import dev.vela.Tensor;

/**
 * Label helpers from {@code keras.utils}.
 * <pre>{@code
 * jshell> Utils.toCategorical(new int[] {0, 2, 1}, 3)
 * $1 ==> Tensor(shape=(3, 3), dtype=float32, device=cpu)
 * [[1., 0., 0.],
 *  [0., 0., 1.],
 *  [0., 1., 0.]]
 * }</pre>
 */
public final class Utils {
    private Utils() {}

    /**
     * One-hot rows: {@code (n, numClasses)} float32 with a 1 in column {@code labels[i]} of row i. With
     * {@code numClasses <= 0} the number of classes is {@code max(labels) + 1}, as Keras does for
     * {@code num_classes=None}.
     *
     * @throws IllegalArgumentException naming the index and value of a label outside {@code 0..numClasses-1}
     */
    public static Tensor toCategorical(int[] labels, int numClasses) {
        int k = numClasses;
        if (k <= 0) {
            k = 0;
            for (int v : labels) k = Math.max(k, v + 1);
        }
        float[] out = new float[Math.multiplyExact(labels.length, k)];
        for (int i = 0; i < labels.length; i++) {
            int v = labels[i];
            if (v < 0 || v >= k) {
                throw new IllegalArgumentException("toCategorical: label " + v + " at index " + i + " is outside 0.."
                        + (k - 1) + " (numClasses " + k + ")");
            }
            out[i * k + v] = 1f;
        }
        return Tensor.fromArray(out, labels.length, k);
    }

    /** {@link #toCategorical(int[], int)} with the number of classes taken from the labels. */
    public static Tensor toCategorical(int[] labels) { return toCategorical(labels, 0); }

    /**
     * One-hot encoding of a tensor of class indices of any integer or floating dtype, shape {@code (n,)} or
     * {@code (n, 1)} (Keras drops a trailing 1); higher ranks gain a last axis of size {@code numClasses}.
     *
     * @throws IllegalArgumentException for a value that is not a whole number or is out of range
     */
    public static Tensor toCategorical(Tensor labels, int numClasses) {
        int[] dims = labels.dims();
        if (dims.length >= 2 && dims[dims.length - 1] == 1) dims = java.util.Arrays.copyOf(dims, dims.length - 1);
        int[] idx;
        if (labels.dtype() == DType.INT32 || labels.dtype() == DType.INT64 || labels.dtype() == DType.BOOL) {
            idx = toInts(labels.to(DType.INT64).toLongArray());
        } else {
            double[] d = labels.toDoubleArray();
            idx = new int[d.length];
            for (int i = 0; i < d.length; i++) {
                if (d[i] != Math.rint(d[i]) || Math.abs(d[i]) > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("toCategorical: label " + d[i] + " at index " + i
                            + " is not a whole number");
                }
                idx[i] = (int) d[i];
            }
        }
        Tensor flat = toCategorical(idx, numClasses);
        int k = flat.shape().dim(1);
        int[] shape = java.util.Arrays.copyOf(dims, dims.length + 1);
        shape[dims.length] = k;
        return flat.reshape(shape);
    }

    private static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < Integer.MIN_VALUE || v[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("toCategorical: label " + v[i] + " at index " + i + " is out of range");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    /** The inverse of one-hot encoding: the index of the largest value in each row of {@code (n, k)} → int32 {@code (n,)}. */
    public static Tensor fromCategorical(Tensor oneHot) {
        if (oneHot.rank() < 1) {
            throw new IllegalArgumentException("fromCategorical: expected at least one dimension, got shape " + oneHot.shape());
        }
        return oneHot.argmax(-1).to(DType.INT32);
    }
}
