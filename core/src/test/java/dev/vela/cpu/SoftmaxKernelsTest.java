// The fused row softmax/log-softmax kernels against a plain double-precision reference, incl. odd lengths,
// huge logits, rows of -inf and NaN; and Tensor.softmax on a non-last axis (the composed path) agreeing.
package dev.vela.cpu;

import dev.vela.DType;
import dev.vela.Generator;
import dev.vela.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoftmaxKernelsTest {
    static double[] reference(double[] x, boolean log) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) m = Math.max(m, v);
        if (Double.isInfinite(m)) m = 0;
        double s = 0;
        for (double v : x) s += Math.exp(v - m);
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = log ? x[i] - m - Math.log(s) : Math.exp(x[i] - m) / s;
        return r;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 17, 33, 1000})
    void rowsMatchTheReference(int n) {
        Generator g = new Generator(n);
        double[] x = g.normal(DType.FLOAT64, 0, 30, 3, n).toDoubleArray();
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) xf[i] = (float) x[i];
        for (boolean log : new boolean[] {false, true}) {
            double[] od = new double[x.length];
            float[] of = new float[x.length];
            SoftmaxKernels.rows(x, 0, od, 0, n, 0, 3, log);
            SoftmaxKernels.rows(xf, 0, of, 0, n, 0, 3, log);
            for (int r = 0; r < 3; r++) {
                double[] row = java.util.Arrays.copyOfRange(x, r * n, r * n + n);
                double[] want = reference(row, log);
                for (int i = 0; i < n; i++) {
                    assertEquals(want[i], od[r * n + i], 1e-12 * Math.max(1, Math.abs(want[i])), "double n=" + n + " log=" + log);
                    assertEquals(want[i], of[r * n + i], 2e-5 * Math.max(1, Math.abs(want[i])), "float n=" + n + " log=" + log);
                }
            }
        }
    }

    /**
     * Rows long enough for the unrolled maximum (four vectors at a time), then single vectors, then a masked tail:
     * a NaN or the row's maximum placed in any of those parts is found.
     */
    @Test
    void longRowsFindNaNAndTheMaximumAnywhere() {
        int n = 4 * 16 * 3 + 16 + 5; // with 16 or 8 float lanes: unrolled blocks, a single vector or more, a tail
        for (int pos = 0; pos < n; pos += 7) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float) Math.sin(i) * 3;
            x[pos] = 50; // the maximum: every other exp(x - 50) is tiny
            float[] out = new float[n];
            SoftmaxKernels.rows(x, 0, out, 0, n, 0, 1, false);
            assertEquals(1.0, out[pos], 1e-6, "maximum at " + pos);
            assertEquals(50f, SoftmaxKernels.rowMax(x, 0, n), "rowMax with the maximum at " + pos);
            x[(pos * 5 + 3) % n] = Float.NaN;
            SoftmaxKernels.rows(x, 0, out, 0, n, 0, 1, false);
            for (int i = 0; i < n; i++) assertTrue(Float.isNaN(out[i]), "NaN at " + ((pos * 5 + 3) % n) + " makes element " + i + " NaN");
        }
    }

    @Test
    void hugeLogitsInfinitiesAndNaN() {
        float[] x = {1000, -1000, 999, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY,
                1, Float.NaN, 2};
        float[] out = new float[9];
        SoftmaxKernels.rows(x, 0, out, 0, 3, 0, 3, false);
        assertEquals(1 / (1 + Math.exp(-1)), out[0], 1e-6);
        assertEquals(0.0, out[1]);
        assertEquals(Math.exp(-1) / (1 + Math.exp(-1)), out[2], 1e-6);
        for (int i = 3; i < 6; i++) assertTrue(Float.isNaN(out[i]), "a row of -inf has no distribution: 0/0");
        for (int i = 6; i < 9; i++) assertTrue(Float.isNaN(out[i]), "NaN in a row makes the row NaN");
        SoftmaxKernels.rows(x, 0, out, 0, 3, 0, 1, true);
        assertEquals(-Math.log1p(Math.exp(-1)), out[0], 1e-5);
        assertEquals(-2000 - Math.log1p(Math.exp(-1)), out[1], 1e-2);
    }

    @Test
    void lastAxisFusedAgreesWithOtherAxisComposed() {
        Tensor x = new Generator(3).normal(DType.FLOAT64, 0, 5, 6, 9);
        double[] fused = x.softmax(-1).toDoubleArray();
        double[] composed = x.transpose().softmax(0).transpose().contiguous().toDoubleArray();
        for (int i = 0; i < fused.length; i++) assertEquals(composed[i], fused[i], 1e-14);
        double[] lf = x.logSoftmax(-1).toDoubleArray();
        double[] lc = x.transpose().logSoftmax(0).transpose().contiguous().toDoubleArray();
        for (int i = 0; i < lf.length; i++) assertEquals(lc[i], lf[i], 1e-12);
    }

    /** A last row that ends its arrays goes through a padded copy: the same bits as a row with room after it. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 10, 16, 17, 33})
    void rowsAtTheEndOfTheirArraysMatchRowsWithRoomAfterThem(int n) {
        java.util.Random r = new java.util.Random(n);
        int rows = 5, pad = 40;
        float[] tight = new float[rows * n], roomy = new float[rows * n + pad];
        for (int i = 0; i < tight.length; i++) tight[i] = roomy[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 60 : 3));
        for (boolean log : new boolean[] {false, true}) {
            float[] a = new float[rows * n], b = new float[rows * n + pad];
            SoftmaxKernels.rows(tight, 0, a, 0, n, 0, rows, log);
            SoftmaxKernels.rows(roomy, 0, b, 0, n, 0, rows, log);
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.floatToRawIntBits(b[i]), Float.floatToRawIntBits(a[i]), "n " + n + " element " + i + (log ? " (log)" : ""));
            }
        }
    }
}
