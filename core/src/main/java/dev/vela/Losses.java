// The Keras 2 losses and the binary accuracy metric, in (target, output) order, per element or per row.
package dev.vela;

/**
 * Keras 2 backend losses. Probabilities are clipped to [1e-7, 1 - 1e-7]; {@code fromLogits} variants
 * take raw scores and stay finite for logits of any size. Results are not averaged over the batch.
 * <pre>{@code
 * Tensor t = Tensor.of(new float[][] {{0, 1}}), o = Tensor.of(new float[][] {{0.2f, 0.8f}});
 * Losses.categoricalCrossentropy(t, o)        // (1,): -log(0.8)
 * }</pre>
 */
public final class Losses {
    /** Keras's fuzz factor. */
    public static final double EPSILON = 1e-7;

    private Losses() {}

    /** Same rank and equal dimensions, where a dimension unknown on either side (a placeholder's None) matches. */
    private static void sameShape(String op, Tensor t, Tensor o) {
        int[] a = t.shape().dims(), b = o.shape().dims();
        boolean ok = a.length == b.length;
        for (int i = 0; ok && i < a.length; i++) ok = a[i] == b[i] || a[i] < 0 || b[i] < 0;
        if (!ok) {
            throw new IllegalArgumentException(op + ": target shape " + t.shape() + " and output shape " + o.shape()
                    + " differ");
        }
    }

    /** -(t log o + (1-t) log(1-o)) elementwise, o clipped. */
    public static Tensor binaryCrossentropy(Tensor target, Tensor output) { return binaryCrossentropy(target, output, false); }

    public static Tensor binaryCrossentropy(Tensor target, Tensor output, boolean fromLogits) {
        sameShape("binaryCrossentropy", target, output);
        Tensor t = target.to(output.dtype());
        if (fromLogits) { // max(x,0) - x t + log(1 + exp(-|x|))
            return output.relu().sub(output.mul(t)).add(output.abs().neg().softplus());
        }
        Tensor o = output.clip(EPSILON, 1 - EPSILON);
        return t.mul(o.log()).add(t.rsub(1.0).mul(o.rsub(1.0).log())).neg();
    }

    /** -sum(t log o) over the last axis; o is first rescaled to sum to 1, then clipped. */
    public static Tensor categoricalCrossentropy(Tensor target, Tensor output) { return categoricalCrossentropy(target, output, false); }

    public static Tensor categoricalCrossentropy(Tensor target, Tensor output, boolean fromLogits) {
        sameShape("categoricalCrossentropy", target, output);
        Tensor t = target.to(output.dtype());
        if (fromLogits) return t.mul(output.logSoftmax(-1)).sum(-1, false).neg();
        Tensor o = output.div(output.sum(-1, true)).clip(EPSILON, 1 - EPSILON);
        return t.mul(o.log()).sum(-1, false).neg();
    }

    /** Categorical cross-entropy with integer class ids as targets (shape of output without the last axis, or with a trailing 1). */
    public static Tensor sparseCategoricalCrossentropy(Tensor target, Tensor output) {
        return sparseCategoricalCrossentropy(target, output, false);
    }

    public static Tensor sparseCategoricalCrossentropy(Tensor target, Tensor output, boolean fromLogits) {
        Tensor t = target;
        if (t.rank() == output.rank() && t.shape().dim(-1) == 1) t = t.squeeze(-1);
        int[] want = java.util.Arrays.copyOf(output.shape().raw(), output.rank() - 1);
        if (!t.shape().equals(Shape.of(want))) {
            throw new IllegalArgumentException("sparseCategoricalCrossentropy: target shape " + target.shape()
                    + " does not match output shape " + output.shape() + " (expected " + Shape.of(want) + ")");
        }
        Tensor oneHot = Tensor.oneHot(t, output.shape().dim(-1)).to(output.dtype());
        return categoricalCrossentropy(oneHot, output, fromLogits);
    }

    /** mean((o - t)^2) over the last axis. */
    public static Tensor meanSquaredError(Tensor target, Tensor output) {
        sameShape("meanSquaredError", target, output);
        return output.sub(target.to(output.dtype())).square().mean(-1, false);
    }

    /** mean(|o - t|) over the last axis. */
    public static Tensor meanAbsoluteError(Tensor target, Tensor output) {
        sameShape("meanAbsoluteError", target, output);
        return output.sub(target.to(output.dtype())).abs().mean(-1, false);
    }

    /** mean(t == round(o)) over the last axis. */
    public static Tensor binaryAccuracy(Tensor target, Tensor output) {
        sameShape("binaryAccuracy", target, output);
        return target.to(output.dtype()).eq(output.round()).to(output.dtype()).mean(-1, false);
    }
}
