// sklearn.preprocessing.StandardScaler: per-column standardisation (x - mean) / std with the population std.
package dev.vela.nn.data;

import dev.vela.DType;
import dev.vela.Tensor;

/**
 * Standardises each feature (column) to mean 0 and standard deviation 1, like scikit-learn's
 * {@code StandardScaler}: statistics over axis 0, the population standard deviation (ddof 0), and a scale of 1
 * for a constant column (so it maps to 0 instead of NaN or a huge value). Statistics are computed in float64; results keep the
 * input's dtype. Any rank is accepted: each position of {@code x.shape()[1:]} is a feature.
 * <pre>{@code
 * jshell> StandardScaler s = new StandardScaler();
 * jshell> Tensor z = s.fitTransform(Tensor.of(new float[][] {{0, 1}, {2, 1}}));
 * jshell> z.toFloatArray()
 * $3 ==> float[4] { -1.0, 0.0, 1.0, 0.0 }
 * jshell> s.inverseTransform(z).toFloatArray()
 * $4 ==> float[4] { 0.0, 1.0, 2.0, 1.0 }
 * }</pre>
 */
public final class StandardScaler {
    private final boolean withMean, withStd;
    private Tensor mean, var, scale;  // float64, shape x.shape()[1:]

    /** Centres and scales. */
    public StandardScaler() { this(true, true); }

    /** Chooses whether to centre ({@code with_mean}) and whether to scale ({@code with_std}). */
    public StandardScaler(boolean withMean, boolean withStd) {
        this.withMean = withMean;
        this.withStd = withStd;
    }

    /** Learns each column's mean and population variance from {@code x} {@code (n, features...)}. */
    public StandardScaler fit(Tensor x) {
        Scaling.checkFitInput("StandardScaler", x);
        Tensor d = x.to(DType.FLOAT64).detach();
        Tensor m = d.mean(0, false);
        Tensor v = d.sub(m).square().mean(0, false);
        double[] sd = v.sqrt().toDoubleArray();
        // a constant column gets scale 1 (sklearn); tested on min == max, as rounding can leave var a hair above 0
        double[] lo = d.min(0, false).toDoubleArray(), hi = d.max(0, false).toDoubleArray();
        for (int i = 0; i < sd.length; i++) if (lo[i] == hi[i]) sd[i] = 1;
        mean = m;
        var = v;
        scale = Tensor.fromArray(sd, DType.FLOAT64, m.dims());
        return this;
    }

    /** {@code (x - mean) / scale}, in x's dtype. */
    public Tensor transform(Tensor x) {
        check("transform", x);
        Tensor out = x.dtype().isFloating() ? x : x.to(dev.vela.Vela.floatx());
        if (withMean) out = out.sub(mean.to(out.dtype()));
        if (withStd) out = out.div(scale.to(out.dtype()));
        return out;
    }

    /** {@link #fit} then {@link #transform}. */
    public Tensor fitTransform(Tensor x) { return fit(x).transform(x); }

    /** {@code z * scale + mean}: undoes {@link #transform}. */
    public Tensor inverseTransform(Tensor z) {
        check("inverseTransform", z);
        Tensor out = z.dtype().isFloating() ? z : z.to(dev.vela.Vela.floatx());
        if (withStd) out = out.mul(scale.to(out.dtype()));
        if (withMean) out = out.add(mean.to(out.dtype()));
        return out;
    }

    /** Column means (float64, shape {@code x.shape()[1:]}). */
    public Tensor mean() { fitted("mean"); return mean; }

    /** Column population variances (float64). */
    public Tensor var() { fitted("var"); return var; }

    /** The divisor per column: the population standard deviation, or 1 where it is 0 (float64). */
    public Tensor scale() { fitted("scale"); return scale; }

    private void fitted(String op) {
        if (mean == null) throw new IllegalStateException("StandardScaler." + op + ": call fit first");
    }

    private void check(String op, Tensor x) {
        fitted(op);
        Scaling.checkFeatures("StandardScaler." + op, mean.shape(), x);
    }
}
