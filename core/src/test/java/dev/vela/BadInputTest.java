// Bad input gets a clear exception naming the op, shapes and dtypes, and leaves state unchanged; NaN/Inf propagate.
package dev.vela;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Error messages (op name first, then the shapes/axes/dtypes involved, per the design's conventions),
 * no half-done in-place updates, and IEEE special values flowing through ops instead of being swallowed.
 */
class BadInputTest {

    static IllegalArgumentException iae(Supplier<?> op) {
        return assertThrows(IllegalArgumentException.class, op::get);
    }

    static void assertMessage(Exception e, String... parts) {
        String m = String.valueOf(e.getMessage());
        for (String p : parts) {
            assertTrue(m.contains(p), () -> "message should contain \"" + p + "\": " + m);
        }
    }

    static void assertStartsWith(Exception e, String op) {
        String m = String.valueOf(e.getMessage());
        assertTrue(m.startsWith(op), () -> "message should start with the op name \"" + op + "\": " + m);
    }

    // ------------------------------------------------------------------ shapes

    @Test
    void matmulWithUnalignedShapes() {
        IllegalArgumentException e = iae(() -> Tensor.zeros(3, 4).matmul(Tensor.zeros(5, 6)));
        assertStartsWith(e, "matmul");
        assertMessage(e, "(3, 4)", "(5, 6)");
    }

    @Test
    void batchedMatmulWithUnbroadcastableBatch() {
        IllegalArgumentException e = iae(() -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)));
        assertStartsWith(e, "matmul");
        assertMessage(e, "(2, 3, 4)", "(3, 4, 5)");
    }

    @Test
    void dotWithUnalignedShapes() {
        IllegalArgumentException e = iae(() -> Tensor.zeros(32, 784).dot(Tensor.zeros(10, 784)));
        assertStartsWith(e, "dot");
        assertMessage(e, "(32, 784)", "(10, 784)");
    }

    @Test
    void addWithUnbroadcastableShapes() {
        IllegalArgumentException e = iae(() -> Tensor.zeros(3, 4).add(Tensor.zeros(5)));
        assertStartsWith(e, "add");
        assertMessage(e, "(3, 4)", "(5,)");
        IllegalArgumentException e2 = iae(() -> Tensor.zeros(2, 3).mul(Tensor.zeros(3, 2)));
        assertStartsWith(e2, "mul");
        assertMessage(e2, "(2, 3)", "(3, 2)");
    }

    @Test
    void reductionOverAnAxisOutOfRange() {
        IllegalArgumentException e = iae(() -> Tensor.zeros(2, 3, 4).sum(7, false));
        assertStartsWith(e, "sum");
        assertMessage(e, "7", "3");
        IllegalArgumentException neg = iae(() -> Tensor.zeros(2, 3, 4).mean(-4, false));
        assertStartsWith(neg, "mean");
        assertMessage(neg, "-4", "3");
        IllegalArgumentException e2 = iae(() -> Tensor.zeros(2, 5).max(5, true));
        assertStartsWith(e2, "max");
        assertMessage(e2, "5", "2");
    }

    @Test
    void softmaxAndConcatenateAxesOutOfRange() {
        assertStartsWith(iae(() -> Tensor.zeros(2, 3).softmax(2)), "softmax");
        assertStartsWith(iae(() -> Tensor.concatenate(List.of(Tensor.zeros(2, 3), Tensor.zeros(2, 3)), 2)), "concatenate");
    }

    @Test
    void reshapeToAnIncompatibleSize() {
        IllegalArgumentException e = iae(() -> Tensor.zeros(2, 3).reshape(4, 2));
        assertStartsWith(e, "reshape");
        assertMessage(e, "(2, 3)");
        assertStartsWith(iae(() -> Tensor.zeros(2, 3).reshape(-1, 4)), "reshape");
        assertStartsWith(iae(() -> Tensor.zeros(2, 3).reshape(-1, -1)), "reshape");
    }

    @Test
    void concatenateWithMismatchedDims() {
        IllegalArgumentException e = iae(() -> Tensor.concatenate(List.of(Tensor.zeros(2, 3), Tensor.zeros(3, 4)), 0));
        assertStartsWith(e, "concatenate");
        assertMessage(e, "(2, 3)", "(3, 4)");
        assertStartsWith(iae(() -> Tensor.concatenate(List.of(Tensor.zeros(2, 3), Tensor.zeros(2, 3, 1)), 0)),
                "concatenate");
        assertStartsWith(iae(() -> Tensor.stack(List.of(Tensor.zeros(2, 3), Tensor.zeros(3, 2)), 0)), "stack");
    }

    @Test
    void permuteAndSqueezeMisuse() {
        assertStartsWith(iae(() -> Tensor.zeros(2, 3, 4).permute(0, 0, 1)), "permute");
        assertStartsWith(iae(() -> Tensor.zeros(2, 3).permute(1, 0, 2)), "permute");
        assertStartsWith(iae(() -> Tensor.zeros(2, 3).squeeze(0)), "squeeze");
        assertStartsWith(iae(() -> Tensor.zeros(2, 3).expand(4, 3)), "expand");
    }

    @Test
    void convolutionWithMismatchedChannels() {
        IllegalArgumentException e = iae(() -> NN.conv2d(Tensor.zeros(1, 5, 5, 3), Tensor.zeros(3, 3, 2, 4),
                new int[] {1, 1}, "valid"));
        assertStartsWith(e, "conv2d");
        assertMessage(e, "(1, 5, 5, 3)", "(3, 3, 2, 4)");
        assertStartsWith(iae(() -> NN.conv2d(Tensor.zeros(1, 5, 5, 3), Tensor.zeros(3, 3, 3, 4),
                new int[] {1, 1}, "full")), "conv2d");
    }

    // ------------------------------------------------------------------ dtypes

    @Test
    void gatherWithFloatIndices() {
        IllegalArgumentException e = iae(() -> Tensor.zeros(5, 3).gather(Tensor.of(new float[] {0, 1}), 0));
        assertStartsWith(e, "gather");
        assertMessage(e, "float32");
    }

    @Test
    void matmulOfIndicesWithFloats() {
        IllegalArgumentException e = iae(() -> Tensor.of(new long[] {0, 1, 2}).reshape(1, 3).matmul(Tensor.zeros(3, 2)));
        assertStartsWith(e, "matmul");
        assertMessage(e, "int64");
    }

    @Test
    void requiresGradOnAnIntegerTensor() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new long[] {1, 2}).requiresGrad(true));
    }

    @Test
    void oneHotWithIdsOutOfRange() {
        IllegalArgumentException e = iae(() -> Tensor.oneHot(Tensor.of(new long[] {0, 3}), 3));
        assertStartsWith(e, "oneHot");
        assertMessage(e, "3");
        assertStartsWith(iae(() -> Tensor.oneHot(Tensor.of(new long[] {-1, 0}), 3)), "oneHot");
    }

    @Test
    void gatherWithAnIndexOutOfRange() {
        // An index value (not a shape) out of range: IllegalArgumentException or IndexOutOfBoundsException.
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> Tensor.zeros(5, 3).gather(Tensor.of(new long[] {0, 5}), 0));
        assertTrue(e instanceof IllegalArgumentException || e instanceof IndexOutOfBoundsException, e.toString());
        assertStartsWith(e, "gather");
        assertMessage(e, "5");
    }

    // ------------------------------------------------------------------ nothing half-updated

    @Test
    void failingAddInPlaceLeavesTheTargetUnchanged() {
        Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        float[] before = x.toFloatArray();
        IllegalArgumentException e = iae(() -> x.addInPlace(Tensor.ones(4)));
        assertStartsWith(e, "addInPlace");
        assertArrayEquals(before, x.toFloatArray());
        // A broadcast that would need to grow the target must fail too, and change nothing.
        Tensor col = Tensor.of(new float[][] {{1}, {2}, {3}});
        iae(() -> col.addInPlace(Tensor.ones(3, 4)));
        assertArrayEquals(new float[] {1, 2, 3}, col.toFloatArray());
        assertArrayEquals(new int[] {3, 1}, col.dims());
        // And a valid broadcasting in-place add still works.
        x.addInPlace(Tensor.of(new float[] {10, 20, 30}));
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, x.toFloatArray());
    }

    @Test
    void failingCopyFromLeavesTheTargetUnchanged() {
        Tensor x = Tensor.of(new double[] {1, 2, 3});
        iae(() -> x.copyFrom(Tensor.of(new double[] {4, 5})));
        assertArrayEquals(new double[] {1, 2, 3}, x.toDoubleArray());
    }

    @Test
    void failingOpLeavesGradientsAndTapeUsable() {
        Tensor w = Tensor.of(new double[] {1, 2}).requiresGrad(true);
        iae(() -> w.mul(Tensor.of(new double[] {1, 2, 3})));
        w.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {3, 3}, w.grad().toDoubleArray());
    }

    // ------------------------------------------------------------------ NaN and infinities propagate

    /** A vector long enough to take the vectorised path, with a NaN in the middle of a SIMD block. */
    static Tensor withNaN(DType t, int n, int at) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = Math.sin(i) + 0.5;
        v[at] = Double.NaN;
        return Tensor.fromArray(v, t, n);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void nanPropagatesThroughElementwiseOps(DType t) {
        for (int n : new int[] {1, 7, 1000}) {
            int at = n / 2;
            Tensor x = withNaN(t, n, at);
            for (var op : List.<java.util.function.UnaryOperator<Tensor>>of(Tensor::exp, Tensor::log, Tensor::relu,
                    y -> y.clip(-0.5, 0.5), Tensor::abs, Tensor::sigmoid, Tensor::tanh, Tensor::sqrt,
                    y -> y.maximum(Tensor.scalar(0.0, t)), y -> y.minimum(Tensor.scalar(0.0, t)))) {
                double[] r = op.apply(x).toDoubleArray();
                assertTrue(Double.isNaN(r[at]), () -> "NaN lost at " + at + " of " + n + " in " + t + ": " + r[at]);
                for (int i = 0; i < n; i++) {
                    if (i != at && Double.isNaN(r[i]) && x.toDoubleArray()[i] > 0) {
                        int fi = i;
                        throw new AssertionError("NaN leaked to element " + fi + " of " + n);
                    }
                }
            }
            // NaN on the other side of maximum/minimum too.
            assertTrue(Double.isNaN(Tensor.scalar(0.0, t).maximum(x).toDoubleArray()[at]));
            assertTrue(Double.isNaN(Tensor.scalar(0.0, t).minimum(x).toDoubleArray()[at]));
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void nanPropagatesThroughReductions(DType t) {
        for (int n : new int[] {1, 7, 1000, 4099}) {
            for (int at : new int[] {0, n / 2, n - 1}) {
                Tensor x = withNaN(t, n, at);
                assertTrue(Double.isNaN(x.sum().item()), "sum, n=" + n + " NaN at " + at);
                assertTrue(Double.isNaN(x.mean().item()), "mean, n=" + n + " NaN at " + at);
                assertTrue(Double.isNaN(x.max().item()), "max, n=" + n + " NaN at " + at);
                assertTrue(Double.isNaN(x.min().item()), "min, n=" + n + " NaN at " + at);
                assertTrue(Double.isNaN(x.prod().item()), "prod, n=" + n + " NaN at " + at);
                assertTrue(Double.isNaN(x.logsumexp().item()), "logsumexp, n=" + n + " NaN at " + at);
            }
        }
        // Along an axis, only the row holding the NaN is NaN.
        Tensor m = Tensor.fromArray(new double[] {1, Double.NaN, 3, 4, 5, 6}, t, 2, 3);
        for (Tensor r : new Tensor[] {m.max(1, false), m.min(1, false), m.sum(1, false)}) {
            double[] v = r.toDoubleArray();
            assertTrue(Double.isNaN(v[0]), Arrays.toString(v));
            assertTrue(!Double.isNaN(v[1]), Arrays.toString(v));
        }
        assertEquals(6.0, m.max(1, false).toDoubleArray()[1]);
        assertEquals(4.0, m.min(1, false).toDoubleArray()[1]);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void infinitiesFollowIeee(DType t) {
        Tensor x = Tensor.fromArray(new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, 1.0}, t, 4);
        double[] e = x.exp().toDoubleArray();
        assertEquals(Double.POSITIVE_INFINITY, e[0]);
        assertEquals(0.0, e[1]);
        double[] l = Tensor.fromArray(new double[] {0.0, Double.POSITIVE_INFINITY, -1.0}, t, 3).log().toDoubleArray();
        assertEquals(Double.NEGATIVE_INFINITY, l[0]);
        assertEquals(Double.POSITIVE_INFINITY, l[1]);
        assertTrue(Double.isNaN(l[2]));
        assertEquals(Double.POSITIVE_INFINITY, Tensor.fromArray(new double[] {1, Double.POSITIVE_INFINITY, 2}, t, 3).sum().item());
        assertTrue(Double.isNaN(x.slice(0, 0, 2).sum().item()), "inf + -inf is NaN");
        assertEquals(Double.POSITIVE_INFINITY, x.max().item());
        assertEquals(Double.NEGATIVE_INFINITY, x.min().item());
        double[] sig = x.sigmoid().toDoubleArray();
        assertEquals(1.0, sig[0]);
        assertEquals(0.0, sig[1]);
        double[] th = x.tanh().toDoubleArray();
        assertEquals(1.0, th[0]);
        assertEquals(-1.0, th[1]);
        double[] d = Tensor.fromArray(new double[] {1, -1, 0}, t, 3).div(Tensor.scalar(0.0, t)).toDoubleArray();
        assertEquals(Double.POSITIVE_INFINITY, d[0]);
        assertEquals(Double.NEGATIVE_INFINITY, d[1]);
        assertTrue(Double.isNaN(d[2]));
    }
}
