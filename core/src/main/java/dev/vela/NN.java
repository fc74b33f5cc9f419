// Neural-network functions on tensors: conv2d, pooling and dropout (NHWC, HWIO, as Keras).
package dev.vela;

/**
 * Convolution, pooling and dropout, channels-last as Keras. Built from the patch (im2col) primitive and
 * matmul, so their gradients of any order come from those ops' rules.
 * <pre>{@code
 * Tensor x = Tensor.randn(1, 28, 28, 1), k = Tensor.randn(3, 3, 1, 32);
 * NN.conv2d(x, k, new int[] {1, 1}, "same").shape()    // (1, 28, 28, 32)
 * }</pre>
 */
public final class NN {
    private NN() {}

    /** 2-D convolution of NHWC {@code x} with an HWIO {@code kernel}; padding "valid" or "same" (TensorFlow's). */
    public static Tensor conv2d(Tensor x, Tensor kernel, int[] strides, String padding) {
        if (kernel.rank() != 4) {
            throw new IllegalArgumentException("conv2d: kernel must be HWIO (rank 4), got shape " + kernel.shape());
        }
        if (x.rank() != 4 || x.shape().dim(3) != kernel.shape().dim(2)) {
            throw new IllegalArgumentException("conv2d: input shape " + x.shape() + " (NHWC) does not match kernel shape "
                    + kernel.shape() + " (HWIO): input channels " + (x.rank() == 4 ? x.shape().dim(3) : -1)
                    + " != kernel in-channels " + kernel.shape().dim(2));
        }
        checkStrides("conv2d", strides);
        int kh = kernel.shape().dim(0), kw = kernel.shape().dim(1), c = kernel.shape().dim(2), o = kernel.shape().dim(3);
        LinalgOps.Window w = LinalgOps.Window.of("conv2d", x.shape().raw(), kh, kw, strides[0], strides[1], padding);
        if (x.dtype() == kernel.dtype() && x.dtype().isFloating()) return Op.apply(new LinalgOps.Conv2d(w), x, kernel);
        // mixed float widths (or a non-float operand, which matmul rejects): the composition promotes like matmul
        Tensor cols = Op.apply(new LinalgOps.Patches(w, 0.0), x).reshape(-1, kh * kw * c);
        return cols.matmul(kernel.reshape(kh * kw * c, o)).reshape(-1, w.oh(), w.ow(), o);
    }

    private static void checkStrides(String op, int[] strides) {
        if (strides.length != 2) throw new IllegalArgumentException(op + ": strides need 2 entries, got " + strides.length);
    }

    private static Tensor windows(String op, Tensor x, int[] pool, int[] strides, String padding, double padValue,
                                  LinalgOps.Window[] geometry) {
        if (pool.length != 2) throw new IllegalArgumentException(op + ": pool size needs 2 entries, got " + pool.length);
        checkStrides(op, strides);
        LinalgOps.Window w = LinalgOps.Window.of(op, x.shape().raw(), pool[0], pool[1], strides[0], strides[1], padding);
        geometry[0] = w;
        int c = x.shape().dim(3);
        return Op.apply(new LinalgOps.Patches(w, padValue), x).reshape(-1, w.oh(), w.ow(), w.kh() * w.kw(), c);
    }

    /** Max pooling over NHWC windows; padded positions never win. */
    public static Tensor maxPool2d(Tensor x, int[] pool, int[] strides, String padding) {
        LinalgOps.Window[] g = new LinalgOps.Window[1];
        return windows("maxPool2d", x, pool, strides, padding, Double.NEGATIVE_INFINITY, g).max(3, false);
    }

    /** Average pooling over NHWC windows; with "same" padding the padded positions are not counted (as Keras). */
    public static Tensor avgPool2d(Tensor x, int[] pool, int[] strides, String padding) {
        LinalgOps.Window[] g = new LinalgOps.Window[1];
        Tensor sums = windows("avgPool2d", x, pool, strides, padding, 0.0, g).sum(3, false);
        LinalgOps.Window w = g[0];
        if (w.padTop() == 0 && w.padLeft() == 0 && padding.equalsIgnoreCase("valid")) return sums.div((double) w.kh() * w.kw());
        Tensor ones = Tensor.ones(x.dtype(), 1, x.shape().dim(1), x.shape().dim(2), 1);
        Tensor counts = Op.apply(new LinalgOps.Patches(w, 0.0), ones).reshape(1, w.oh(), w.ow(), w.kh() * w.kw(), 1).sum(3, false);
        return sums.div(counts);
    }

    /** Inverted dropout: zeroes each element with probability {@code rate} and scales the rest by 1/(1-rate). */
    public static Tensor dropout(Tensor x, double rate) { return dropout(x, rate, Generator.defaultGenerator()); }

    public static Tensor dropout(Tensor x, double rate, Generator g) {
        if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("dropout: rate must be in [0, 1), got " + rate);
        if (rate == 0) return x;
        Tensor u = x.isSymbolic() || x.isVariable()
                ? Op.apply(new K.RandomUniformLike(), x)   // a fresh mask each time the graph runs
                : g.uniform(x.dtype(), 0, 1, x.dims());
        Tensor keep = u.ge(rate);
        return x.mul(keep).mul(1.0 / (1.0 - rate));
    }
}
