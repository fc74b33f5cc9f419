// Row softmax and log-softmax in one kernel per row (max, exp-sum, scale), instead of five passes.
package dev.vela.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax over contiguous rows of length {@code n}: {@code out = exp(x - m) / sum(exp(x - m))} with m the
 * row maximum (0 when the maximum is infinite, so rows of -inf do not become NaN from inf - inf), or the
 * log form {@code x - m - log(sum(exp(x - m)))}. NaN in a row gives a NaN row. Sums accumulate in double.
 */
public final class SoftmaxKernels {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    private SoftmaxKernels() {}

    /** Rows [r0, r1) of a [rows, n] block starting at {@code xo} (input) and {@code oo} (output). */
    public static void rows(float[] x, int xo, float[] out, int oo, int n, int r0, int r1, boolean log) {
        int end = FS.loopBound(n) + FS.length(); // where a row's masked tail vector ends
        for (int r = r0; r < r1; r++) {
            int xr = xo + r * n, or = oo + r * n;
            if (end > n && (xr + end > x.length || or + end > out.length)) rowPadded(x, xr, out, or, n, log);
            else row(x, xr, out, or, n, log);
        }
    }

    private static final ThreadLocal<float[][]> PAD = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * {@link #row} of a row whose masked tail vector would reach past the end of its array (the last row, when
     * rows are not whole vectors): the Vector API's bounds check for such a masked access is not compiled away and
     * allocates, so the row goes through a per-thread copy with room for whole vectors. The same values in the
     * same lanes: the same results.
     */
    private static void rowPadded(float[] x, int o, float[] out, int oo, int n, boolean log) {
        int p = FS.loopBound(n) + FS.length();
        float[][] holder = PAD.get();
        if (holder[0].length < 2 * p) holder[0] = new float[2 * p];
        float[] t = holder[0];
        System.arraycopy(x, o, t, 0, n);
        row(t, 0, t, p, n, log);
        System.arraycopy(t, p, out, oo, n);
    }

    public static void rows(double[] x, int xo, double[] out, int oo, int n, int r0, int r1, boolean log) {
        for (int r = r0; r < r1; r++) row(x, xo + r * n, out, oo + r * n, n, log);
    }

    // float rows: whole vectors, then one masked vector for the rest (short rows are common: class scores), with
    // the vector kernels' float exp for every element, so a value's result does not depend on its position

    static float rowMax(float[] x, int o, int n) {
        final int L = FS.length();
        int ub = FS.loopBound(n), ub4 = n - n % (4 * L);
        // four running maxima: a float vector max is several dependent instructions (NaN and -0 rules), so one
        // chain would wait on itself; max is associative, so the split does not change the result
        FloatVector ninf = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY), a0 = ninf, a1 = ninf, a2 = ninf, a3 = ninf;
        VectorMask<Float> nan = FS.maskAll(false); // NaN is tracked apart: a vector MAX need not carry it through
        int i = 0;
        for (; i < ub4; i += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(FS, x, o + i), v1 = FloatVector.fromArray(FS, x, o + i + L),
                    v2 = FloatVector.fromArray(FS, x, o + i + 2 * L), v3 = FloatVector.fromArray(FS, x, o + i + 3 * L);
            a0 = a0.max(v0); a1 = a1.max(v1); a2 = a2.max(v2); a3 = a3.max(v3);
            nan = nan.or(v0.compare(VectorOperators.NE, v0)).or(v1.compare(VectorOperators.NE, v1))
                    .or(v2.compare(VectorOperators.NE, v2)).or(v3.compare(VectorOperators.NE, v3));
        }
        for (; i < ub; i += L) {
            FloatVector v = FloatVector.fromArray(FS, x, o + i);
            a0 = a0.max(v);
            nan = nan.or(v.compare(VectorOperators.NE, v));
        }
        if (ub < n) {
            VectorMask<Float> tail = FS.indexInRange(ub, n);
            FloatVector v = FloatVector.fromArray(FS, x, o + ub, tail).blend(Float.NEGATIVE_INFINITY, tail.not());
            a0 = a0.max(v);
            nan = nan.or(v.compare(VectorOperators.NE, v));
        }
        return nan.anyTrue() ? Float.NaN : a0.max(a1).max(a2.max(a3)).reduceLanes(VectorOperators.MAX);
    }

    /**
     * Writes exp(x - m) to out and returns the sum (in double): each float vector is widened into two double
     * vectors of running sums (no horizontal add per vector), whose lanes are added in a fixed order at the end.
     * The tail (fewer than a vector's elements) runs as one more vector from a zero-padded copy, its lanes past
     * the row zeroed before they are summed: one call of expF, which the JIT then inlines (with a second one for
     * the tail, it ran out of its inlining budget on 256-bit vectors and boxed the vectors passed to expF).
     */
    static double expShiftSum(float[] x, int o, float[] out, int oo, int n, float m) {
        final int L = FS.length();
        int ub = FS.loopBound(n), end = ub < n ? ub + L : ub, r = n - ub;
        FloatVector vm = FloatVector.broadcast(FS, m);
        DoubleVector lo = DoubleVector.zero(DS), hi = lo;
        int parts = L / DS.length(); // 2 where doubles are as wide as floats' vector; 1 on odd shapes
        float[] pad = end > ub ? PAD_TAIL.get() : null;
        for (int i = 0; i < end; i += L) {
            boolean tail = i == ub;
            if (tail) {
                System.arraycopy(x, o + ub, pad, 0, r);
                java.util.Arrays.fill(pad, r, L, 0f);
            }
            FloatVector e = VectorKernels.expF(FloatVector.fromArray(FS, tail ? pad : x, tail ? 0 : o + i).sub(vm));
            if (tail) {
                e.intoArray(pad, 0);
                System.arraycopy(pad, 0, out, oo + ub, r);
                java.util.Arrays.fill(pad, r, L, 0f);
                e = FloatVector.fromArray(FS, pad, 0);
            } else {
                e.intoArray(out, oo + i);
            }
            lo = lo.add(e.convertShape(VectorOperators.F2D, DS, 0));
            if (parts > 1) hi = hi.add(e.convertShape(VectorOperators.F2D, DS, 1));
        }
        DoubleVector all = lo.add(hi);
        double s = 0;
        for (int l = 0; l < DS.length(); l++) s += all.lane(l);
        return s;
    }

    private static final ThreadLocal<float[]> PAD_TAIL = ThreadLocal.withInitial(() -> new float[FS.length()]);

    static void row(float[] x, int o, float[] out, int oo, int n, boolean log) {
        float m = rowMax(x, o, n);
        if (Float.isInfinite(m)) m = 0;
        double s = expShiftSum(x, o, out, oo, n, m);
        int ub = FS.loopBound(n);
        VectorMask<Float> tail = FS.indexInRange(ub, n);
        if (log) {
            // (x - m) - log(s) in two steps: x - m is exact near the maximum, where the result matters most
            float ls = (float) Math.log(s);
            FloatVector vm = FloatVector.broadcast(FS, m), vl = FloatVector.broadcast(FS, ls);
            for (int i = 0; i < ub; i += FS.length()) FloatVector.fromArray(FS, x, o + i).sub(vm).sub(vl).intoArray(out, oo + i);
            if (ub < n) FloatVector.fromArray(FS, x, o + ub, tail).sub(vm).sub(vl).intoArray(out, oo + ub, tail);
        } else {
            float inv = (float) (1.0 / s);
            FloatVector vi = FloatVector.broadcast(FS, inv);
            for (int i = 0; i < ub; i += FS.length()) FloatVector.fromArray(FS, out, oo + i).mul(vi).intoArray(out, oo + i);
            if (ub < n) FloatVector.fromArray(FS, out, oo + ub, tail).mul(vi).intoArray(out, oo + ub, tail);
        }
    }

    static double rowMax(double[] x, int o, int n) {
        int ub = DS.loopBound(n);
        double m = Double.NEGATIVE_INFINITY;
        if (ub > 0) {
            DoubleVector acc = DoubleVector.broadcast(DS, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < ub; i += DS.length()) acc = acc.max(DoubleVector.fromArray(DS, x, o + i));
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (int i = ub; i < n; i++) m = Math.max(m, x[o + i]);
        for (int i = 0; i < n && m == m; i++) if (x[o + i] != x[o + i]) m = Double.NaN;
        return m;
    }

    static double expShiftSum(double[] x, int o, double[] out, int oo, int n, double m) {
        int ub = DS.loopBound(n);
        double s = 0;
        for (int i = 0; i < ub; i += DS.length()) {
            // Math.exp per element, not the Vector API's EXP: that one's last bit depends on whether it is compiled
            for (int l = 0; l < DS.length(); l++) out[oo + i + l] = Math.exp(x[o + i + l] - m);
            s += DoubleVector.fromArray(DS, out, oo + i).reduceLanes(VectorOperators.ADD);
        }
        for (int i = ub; i < n; i++) {
            double e = Math.exp(x[o + i] - m);
            out[oo + i] = e;
            s += e;
        }
        return s;
    }

    static void row(double[] x, int o, double[] out, int oo, int n, boolean log) {
        double m = rowMax(x, o, n);
        if (Double.isInfinite(m)) m = 0;
        double s = expShiftSum(x, o, out, oo, n, m);
        int ub = DS.loopBound(n);
        if (log) {
            double ls = Math.log(s);
            DoubleVector vm = DoubleVector.broadcast(DS, m), vl = DoubleVector.broadcast(DS, ls);
            for (int i = 0; i < ub; i += DS.length()) DoubleVector.fromArray(DS, x, o + i).sub(vm).sub(vl).intoArray(out, oo + i);
            for (int i = ub; i < n; i++) out[oo + i] = (x[o + i] - m) - ls;
        } else {
            double inv = 1.0 / s;
            DoubleVector vi = DoubleVector.broadcast(DS, inv);
            for (int i = 0; i < ub; i += DS.length()) DoubleVector.fromArray(DS, out, oo + i).mul(vi).intoArray(out, oo + i);
            for (int i = ub; i < n; i++) out[oo + i] *= inv;
        }
    }
}
