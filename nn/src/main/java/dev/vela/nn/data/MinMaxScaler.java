// sklearn.preprocessing.MinMaxScaler: per-column linear map of [min, max] onto a feature range, default [0, 1].
package dev.vela.nn.data;

import dev.vela.DType;
import dev.vela.Tensor;
import dev.vela.Vela;

/**
 * Maps each feature (column) linearly so that its minimum and maximum in the fitted data land on
 * {@code featureRange} (default {@code [0, 1]}), like scikit-learn's {@code MinMaxScaler}:
 * {@code x * scale + min} with {@code scale = (hi - lo) / (dataMax - dataMin)} (a constant column gets
 * {@code dataMax - dataMin} taken as 1) and {@code min = lo - dataMin * scale}. Statistics in float64;
 * results in the input's dtype.
 * <pre>{@code
 * jshell> MinMaxScaler s = new MinMaxScaler();
 * jshell> s.fitTransform(Tensor.of(new float[][] {{-1, 2}, {-0.5f, 6}, {0, 10}, {1, 18}})).toFloatArray()
 * $2 ==> float[8] { 0.0, 0.0, 0.25, 0.25, 0.5, 0.5, 1.0, 1.0 }
 * }</pre>
 */
public final class MinMaxScaler {
    private final double lo, hi;
    private Tensor dataMin, dataMax, scale, min;  // float64, shape x.shape()[1:]

    /** Range [0, 1]. */
    public MinMaxScaler() { this(0, 1); }

    /** Range [lo, hi]; lo must be below hi. */
    public MinMaxScaler(double lo, double hi) {
        if (!(lo < hi)) {
            throw new IllegalArgumentException("MinMaxScaler: the minimum of the feature range must be smaller than its "
                    + "maximum, got (" + lo + ", " + hi + ")");
        }
        this.lo = lo;
        this.hi = hi;
    }

    /** Learns each column's minimum and maximum. */
    public MinMaxScaler fit(Tensor x) {
        Scaling.checkFitInput("MinMaxScaler", x);
        Tensor d = x.to(DType.FLOAT64).detach();
        Tensor mn = d.min(0, false), mx = d.max(0, false);
        double[] a = mn.toDoubleArray(), b = mx.toDoubleArray();
        double[] s = new double[a.length], m = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double range = b[i] - a[i];
            if (range == 0) range = 1;
            s[i] = (hi - lo) / range;
            m[i] = lo - a[i] * s[i];
        }
        dataMin = mn;
        dataMax = mx;
        scale = Tensor.fromArray(s, DType.FLOAT64, mn.dims());
        min = Tensor.fromArray(m, DType.FLOAT64, mn.dims());
        return this;
    }

    /** {@code x * scale + min}, in x's dtype. */
    public Tensor transform(Tensor x) {
        check("transform", x);
        Tensor out = x.dtype().isFloating() ? x : x.to(Vela.floatx());
        return out.mul(scale.to(out.dtype())).add(min.to(out.dtype()));
    }

    /** {@link #fit} then {@link #transform}. */
    public Tensor fitTransform(Tensor x) { return fit(x).transform(x); }

    /** {@code (z - min) / scale}: undoes {@link #transform}. */
    public Tensor inverseTransform(Tensor z) {
        check("inverseTransform", z);
        Tensor out = z.dtype().isFloating() ? z : z.to(Vela.floatx());
        return out.sub(min.to(out.dtype())).div(scale.to(out.dtype()));
    }

    /** Per-column minimum of the fitted data (float64). */
    public Tensor dataMin() { fitted("dataMin"); return dataMin; }

    /** Per-column maximum of the fitted data (float64). */
    public Tensor dataMax() { fitted("dataMax"); return dataMax; }

    /** Per-column factor (float64). */
    public Tensor scale() { fitted("scale"); return scale; }

    /** Per-column offset (float64). */
    public Tensor min() { fitted("min"); return min; }

    private void fitted(String op) {
        if (scale == null) throw new IllegalStateException("MinMaxScaler." + op + ": call fit first");
    }

    private void check(String op, Tensor x) {
        fitted(op);
        Scaling.checkFeatures("MinMaxScaler." + op, scale.shape(), x);
    }
}
