// The kernel SPI: the small set of operations over strided views that a device must provide.
package dev.vela.spi;

import dev.vela.DType;
import dev.vela.Device;

/**
 * Kernels over buffers and strided views. Shapes, broadcasting, dtype promotion and error messages live
 * above this interface, once; a backend may assume its arguments were validated. Outputs passed in are
 * contiguous unless said otherwise, and inputs to elementwise kernels already have the output's shape
 * (broadcast dimensions have stride 0).
 */
public interface Backend {
    Device device();

    /** How many buffers this backend has created so far (for allocation checks), or -1 if it does not count. */
    default long allocationCount() { return -1; }

    /** A zero-filled buffer. */
    Storage allocate(DType dtype, long size);

    /** A buffer holding a copy of a Java array: float[], double[], int[], long[] or boolean[]. */
    Storage fromArray(Object array);

    /** The view's elements, row-major, as a new Java array of {@code as}'s type (float[], double[], int[], long[], boolean[]). */
    Object toArray(View v, DType as);

    /** One element as a double. */
    double get(Storage s, long index);

    /** dst = src elementwise (same shape, any strides, converting the dtype). */
    void copy(View src, View dst);

    void fill(View dst, double value);

    /** out = op(x); x and out have the same dtype. */
    void unary(UnaryOp op, double p0, double p1, View x, View out);

    /** out = a op b; a and b have the same dtype; out has it too, or BOOL for comparisons and AND/OR. */
    void binary(BinaryOp op, View a, View b, View out);

    /** out = reduction of x over {@code axes}; out has x's shape with those axes set to 1. Float types. */
    void reduce(ReduceOp op, View x, int[] axes, View out);

    /**
     * Softmax (or log-softmax) over the last axis of a contiguous x into a contiguous out of the same shape.
     * Returns false when this backend has no fused kernel for the case (the caller then composes it).
     */
    default boolean softmaxLastAxis(View x, boolean log, View out) { return false; }

    /** out (int64, x's shape with {@code axis} set to 1) = index of the first max (or min) along axis. */
    void argReduce(boolean max, View x, int axis, View out);

    /** out[b] = a[b] · b[b] for shapes [B, m, k], [B, k, n], [B, m, n]; any strides; float types. */
    void matmul(View a, View b, View out);

    /** out = cond != 0 ? a : b (all with out's shape; a, b and out share a dtype). */
    void where(View cond, View a, View b, View out);

    /**
     * out = x gathered along {@code axis} by the int32/int64 {@code index}: shape
     * x[:axis] + index.shape + x[axis+1:]. Throws IndexOutOfBoundsException naming the bad index.
     */
    void gather(View x, View index, int axis, View out);

    /** The adjoint of gather: out[.., index[j], ..] += src[.., j, ..]. out is contiguous and pre-filled. */
    void indexAdd(View src, View index, int axis, View out);

    /**
     * Image patches (im2col) of an NHWC input: out [N, OH, OW, KH, KW, C], positions outside the
     * input take {@code padValue}.
     */
    void patches(View x, int kh, int kw, int sh, int sw, int padTop, int padLeft, double padValue, View out);

    /**
     * 2-D convolution as Keras computes it (cross-correlation, NHWC input, the kernel as a [KH*KW*C, O] matrix):
     * out [N*OH*OW, O] = patches(x) · kernel. x, kernel and out share a float dtype; out is contiguous. This default
     * builds the whole patch matrix in a temporary buffer and multiplies once; a backend may instead build and
     * multiply the patches block by block, with the same per-element result.
     */
    default void conv2d(View x, View kernel, int kh, int kw, int sh, int sw, int padTop, int padLeft, int oh, int ow, View out) {
        int n = x.shape()[0], c = x.shape()[3], k = kh * kw * c, o = kernel.shape()[1], m = n * oh * ow;
        Storage cols = allocate(x.storage().dtype(), (long) m * k);
        try {
            int[] cs = {n, oh, ow, kh, kw, c};
            patches(x, kh, kw, sh, sw, padTop, padLeft, 0.0, new View(cols, cs, View.contiguousStrides(cs), 0));
            matmul(new View(cols, new int[] {1, m, k}, new int[] {m * k, k, 1}, 0),
                    new View(kernel.storage(), new int[] {1, k, o}, new int[] {k * o, kernel.strides()[0], kernel.strides()[1]}, kernel.offset()),
                    new View(out.storage(), new int[] {1, m, o}, new int[] {m * o, o, 1}, out.offset()));
        } finally {
            cols.close();
        }
    }

    /** The adjoint of patches (col2im): out [N, H, W, C] += every patch element at its source position. */
    void unpatches(View cols, int kh, int kw, int sh, int sw, int padTop, int padLeft, View out);

    /** Counter-based random numbers: element i uses stream position {@code counter + i} of {@code seed}. */
    void randomUniform(View out, long seed, long counter, double low, double high);

    void randomNormal(View out, long seed, long counter, double mean, double std);
}
