/*
 * Tests StandardScaler and MinMaxScaler: statistics against values computed here in double precision,
 * mean 0 / population std 1 after standardising, exact small cases from scikit-learn's documentation, constant
 * columns, inverse transforms, and shape errors.
 */
package dev.vela.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.DType;
import dev.vela.Generator;
import dev.vela.Tensor;
import org.junit.jupiter.api.Test;

class ScalersTest {
    /** (200, 4) float32 data with very different scales and offsets per column. */
    private static Tensor data() {
        Tensor z = new Generator(11).normal(DType.FLOAT32, 0, 1, 200, 4);
        return z.mul(Tensor.of(new float[] {1, 10, 0.01f, 300})).add(Tensor.of(new float[] {5, -50, 0.3f, 1000}));
    }

    private static double[][] columns(Tensor x) {
        int n = x.shape().dim(0), d = x.shape().dim(1);
        double[] v = x.toDoubleArray();
        double[][] c = new double[d][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) c[j][i] = v[i * d + j];
        return c;
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s / a.length;
    }

    private static double popStd(double[] a) {
        double m = mean(a), s = 0;
        for (double v : a) s += (v - m) * (v - m);
        return Math.sqrt(s / a.length);
    }

    @Test
    void standardScalerGivesMeanZeroStdOne() {
        Tensor x = data();
        double[][] cols = columns(x);
        StandardScaler s = new StandardScaler();
        Tensor z = s.fitTransform(x);
        assertEquals(DType.FLOAT32, z.dtype());
        assertEquals(x.shape(), z.shape());
        double[] mu = s.mean().toDoubleArray(), sc = s.scale().toDoubleArray(), var = s.var().toDoubleArray();
        for (int j = 0; j < 4; j++) {
            assertEquals(mean(cols[j]), mu[j], 1e-9 * Math.max(1, Math.abs(mu[j])), "mean of column " + j);
            assertEquals(popStd(cols[j]), sc[j], 1e-9 * sc[j], "population std of column " + j);
            assertEquals(sc[j] * sc[j], var[j], 1e-9 * var[j]);
        }
        double[][] zc = columns(z);
        for (int j = 0; j < 4; j++) {
            assertEquals(0, mean(zc[j]), 1e-5, "standardised mean, column " + j);
            assertEquals(1, popStd(zc[j]), 1e-5, "standardised population std, column " + j);
        }
        float[] back = s.inverseTransform(z).toFloatArray(), orig = x.toFloatArray();
        for (int i = 0; i < orig.length; i++) assertEquals(orig[i], back[i], 1e-5f * Math.max(1, Math.abs(orig[i])));
    }

    @Test
    void standardScalerSmallCasesAndConstantColumns() {
        StandardScaler s = new StandardScaler();
        Tensor z = s.fitTransform(Tensor.of(new float[][] {{0, 0}, {0, 0}, {1, 1}, {1, 1}}));  // sklearn's doc example
        assertArrayEquals(new double[] {0.5, 0.5}, s.mean().toDoubleArray(), 0);
        assertArrayEquals(new float[] {-1, -1, -1, -1, 1, 1, 1, 1}, z.toFloatArray(), 0f);
        assertArrayEquals(new float[] {3, 3}, s.transform(Tensor.of(new float[][] {{2, 2}})).toFloatArray(), 0f);

        // a constant column gets scale 1 and maps to 0
        Tensor c = Tensor.of(new float[][] {{0.1f, 1}, {0.1f, 2}, {0.1f, 3}});
        Tensor zc = s.fitTransform(c);
        assertArrayEquals(new double[] {1, Math.sqrt(2.0 / 3)}, s.scale().toDoubleArray(), 1e-12);
        float[] v = zc.toFloatArray();
        assertEquals(0f, v[0], 1e-7f);
        assertEquals(0f, v[2], 1e-7f);
        assertEquals(0f, v[4], 1e-7f);
        assertArrayEquals(c.toFloatArray(), s.inverseTransform(zc).toFloatArray(), 1e-7f);

        StandardScaler noMean = new StandardScaler(false, true);
        // {2, 6}: population std 2, so scaled without centring it is {1, 3}
        assertArrayEquals(new float[] {1, 3}, noMean.fitTransform(Tensor.of(new float[] {2, 6}).reshape(2, 1))
                .toFloatArray(), 0f);
    }

    @Test
    void scalersCheckShapesAndFitting() {
        StandardScaler s = new StandardScaler();
        IllegalStateException st = assertThrows(IllegalStateException.class, () -> s.transform(Tensor.ones(2, 3)));
        assertTrue(st.getMessage().contains("fit"), st.getMessage());
        s.fit(Tensor.ones(4, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.transform(Tensor.ones(2, 5)));
        assertTrue(e.getMessage().contains("(3)") || e.getMessage().contains("(3,)"), e.getMessage());
        assertTrue(e.getMessage().contains("(2, 5)"), e.getMessage());
        MinMaxScaler m = new MinMaxScaler().fit(Tensor.ones(4, 3));
        assertThrows(IllegalArgumentException.class, () -> m.inverseTransform(Tensor.ones(3)));
        assertThrows(IllegalArgumentException.class, () -> new MinMaxScaler(1, 1));
    }

    @Test
    void minMaxScalerAsScikitLearnDocuments() {
        Tensor x = Tensor.of(new float[][] {{-1, 2}, {-0.5f, 6}, {0, 10}, {1, 18}});
        MinMaxScaler s = new MinMaxScaler();
        Tensor z = s.fitTransform(x);
        assertArrayEquals(new float[] {0, 0, 0.25f, 0.25f, 0.5f, 0.5f, 1, 1}, z.toFloatArray(), 1e-7f);
        assertArrayEquals(new double[] {1, 18}, s.dataMax().toDoubleArray(), 0);
        assertArrayEquals(new double[] {-1, 2}, s.dataMin().toDoubleArray(), 0);
        assertArrayEquals(new float[] {1.5f, 0}, s.transform(Tensor.of(new float[][] {{2, 2}})).toFloatArray(), 1e-7f);
        assertArrayEquals(x.toFloatArray(), s.inverseTransform(z).toFloatArray(), 1e-6f);

        MinMaxScaler sym = new MinMaxScaler(-1, 1);
        Tensor zz = sym.fitTransform(data());
        double[][] cols = columns(zz);
        for (double[] c : cols) {
            double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
            for (double v : c) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            assertEquals(-1, lo, 1e-6);
            assertEquals(1, hi, 1e-6);
        }
        float[] orig = data().toFloatArray(), back = sym.inverseTransform(zz).toFloatArray();
        for (int i = 0; i < orig.length; i++) assertEquals(orig[i], back[i], 1e-5f * Math.max(1, Math.abs(orig[i])));

        // a constant column: scale as if its range were 1, so it maps to lo
        Tensor c = new MinMaxScaler().fitTransform(Tensor.of(new float[][] {{7, 0}, {7, 2}}));
        assertArrayEquals(new float[] {0, 0, 0, 1}, c.toFloatArray(), 0f);
    }
}
