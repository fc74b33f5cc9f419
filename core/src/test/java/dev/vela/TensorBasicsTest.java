// Tensor basics: creation, random generators and seeding, views and storage sharing, toString, dtypes, numerics.
package dev.vela;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The everyday surface of {@link Tensor}: creation functions, random numbers and seeding, which shape ops
 * are views sharing storage with their base, the NumPy-like truncated {@code toString}, dtype promotion,
 * comparisons and {@code where}, and the numerics promised by the design (exact float32 sum of 2^25 ones,
 * finite softmax / log-softmax / cross-entropy at ±1000 logits).
 */
class TensorBasicsTest {

    // ------------------------------------------------------------------ creation

    @Test
    void ofNestedArrays() {
        Tensor a = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new int[] {2, 3}, a.dims());
        assertEquals(DType.FLOAT32, a.dtype());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.toFloatArray());
        assertEquals(6.0, a.getDouble(1, 2));
        assertEquals(2.0, a.getDouble(0, 1));
        assertEquals(6L, a.size());
        assertEquals(2, a.rank());
        assertEquals("(2, 3)", a.shape().toString());

        Tensor d = Tensor.of(new double[][][] {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}, {{9, 10}, {11, 12}}});
        assertArrayEquals(new int[] {3, 2, 2}, d.dims());
        assertEquals(DType.FLOAT64, d.dtype());
        assertEquals(11.0, d.getDouble(2, 1, 0));

        Tensor o = Tensor.of((Object) new double[][][][] {{{{1}, {2}}}, {{{3}, {4}}}});
        assertArrayEquals(new int[] {2, 1, 2, 1}, o.dims());
        assertArrayEquals(new double[] {1, 2, 3, 4}, o.toDoubleArray());

        assertEquals(DType.INT32, Tensor.of(new int[] {1, 2}).dtype());
        assertEquals(DType.INT64, Tensor.of(new long[] {1, 2}).dtype());
        Tensor bools = Tensor.of(new boolean[] {true, false, true});
        assertEquals(DType.BOOL, bools.dtype());
        assertArrayEquals(new double[] {1, 0, 1}, bools.toDoubleArray());
        assertArrayEquals(new long[] {7, -3}, Tensor.of(new long[] {7, -3}).toLongArray());
        assertArrayEquals(new int[] {1, 2, 2}, Tensor.of(new double[] {1.0, 2.0, 2.0}).toIntArray());
    }

    @Test
    void scalarsAndFromArray() {
        Tensor s = Tensor.scalar(2.5);
        assertEquals(0, s.rank());
        assertEquals(DType.FLOAT32, s.dtype());
        assertEquals(2.5, s.item());
        assertEquals("()", s.shape().toString());
        Tensor s64 = Tensor.scalar(0.1, DType.FLOAT64);
        assertEquals(0.1, s64.item());                   // exact: no detour through float
        assertEquals((double) 0.1f, Tensor.scalar(0.1).item());
        Tensor f = Tensor.fromArray(new double[] {1, 2, 3, 4, 5, 6}, DType.FLOAT64, 3, 2);
        assertArrayEquals(new int[] {3, 2}, f.dims());
        assertEquals(4.0, f.getDouble(1, 1));
        Tensor g = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2);
        assertEquals(DType.FLOAT32, g.dtype());
        assertEquals(3.0, g.getDouble(1, 0));
        assertEquals("(5,)", Tensor.zeros(5).shape().toString());
    }

    @Test
    void zerosOnesFullArangeLinspaceEye() {
        Tensor z = Tensor.zeros(2, 3);
        assertArrayEquals(new int[] {2, 3}, z.dims());
        assertEquals(DType.FLOAT32, z.dtype());
        assertArrayEquals(new double[6], z.toDoubleArray());
        Tensor o = Tensor.ones(DType.FLOAT64, 4);
        assertEquals(DType.FLOAT64, o.dtype());
        assertArrayEquals(new double[] {1, 1, 1, 1}, o.toDoubleArray());
        assertArrayEquals(new double[] {2.5, 2.5, 2.5}, Tensor.full(2.5, 3).toDoubleArray());
        assertEquals(DType.INT64, Tensor.zeros(DType.INT64, 2).dtype());

        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75}, Tensor.arange(0, 1, 0.25).toDoubleArray(), 1e-7);
        assertArrayEquals(new double[] {3, 1}, Tensor.arange(3, 0, -2).toDoubleArray(), 1e-7);
        assertArrayEquals(new double[] {0, 1, 2, 3, 4}, Tensor.arange(5).toDoubleArray());
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, Tensor.linspace(0, 1, 5).toDoubleArray(), 1e-7);
        assertArrayEquals(new double[] {-1, 1}, Tensor.linspace(-1, 1, 2).toDoubleArray(), 1e-7);
        Tensor eye = Tensor.eye(3);
        assertArrayEquals(new int[] {3, 3}, eye.dims());
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, eye.toDoubleArray());

        Tensor like = Tensor.zerosLike(Tensor.fromArray(new double[] {1, 2, 3, 4}, DType.FLOAT64, 2, 2));
        assertArrayEquals(new int[] {2, 2}, like.dims());
        assertEquals(DType.FLOAT64, like.dtype());
        assertArrayEquals(new double[4], like.toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, Tensor.onesLike(Tensor.zeros(2)).toDoubleArray());
    }

    @Test
    void randIsUniformInZeroOne() {
        Tensor r = Tensor.rand(new Generator(1), 10_000);
        double[] v = r.toDoubleArray();
        double sum = 0;
        double min = 1;
        double max = 0;
        for (double x : v) {
            assertTrue(x >= 0 && x < 1, "rand value out of [0, 1): " + x);
            sum += x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double mean = sum / v.length;
        assertEquals(0.5, mean, 0.015);        // sd of the mean is 0.0029
        assertTrue(min < 0.01 && max > 0.99, "range " + min + " .. " + max);
        assertEquals(0.5, r.mean().item(), 0.015);
        assertEquals(1.0 / 12, r.var().item(), 0.005);
    }

    @Test
    void randnIsStandardNormal() {
        Tensor r = Tensor.randn(new Generator(2), 100, 100);
        assertArrayEquals(new int[] {100, 100}, r.dims());
        double[] v = r.toDoubleArray();
        double s = 0;
        double s2 = 0;
        int within1 = 0;
        for (double x : v) {
            s += x;
            s2 += x * x;
            if (Math.abs(x) < 1) within1++;
        }
        double mean = s / v.length;
        double std = Math.sqrt(s2 / v.length - mean * mean);
        assertEquals(0.0, mean, 0.04);          // sd of the mean is 0.01
        assertEquals(1.0, std, 0.03);
        assertEquals(0.6827, within1 / (double) v.length, 0.02);
    }

    @Test
    void sameSeedSameValues() {
        double[] a = Tensor.randn(new Generator(42), 50).toDoubleArray();
        double[] b = Tensor.randn(new Generator(42), 50).toDoubleArray();
        double[] c = Tensor.randn(new Generator(43), 50).toDoubleArray();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c), "different seeds gave the same values");
        Generator g = new Generator(7);
        double[] first = Tensor.rand(g, 20).toDoubleArray();
        double[] second = Tensor.rand(g, 20).toDoubleArray();
        assertFalse(java.util.Arrays.equals(first, second), "a generator must advance");
    }

    @Test
    void velaSeedMakesTheDefaultGeneratorReproducible() {
        Vela.seed(1234);
        double[] a = Tensor.randn(30).toDoubleArray();
        double[] a2 = Tensor.rand(5).toDoubleArray();
        Vela.seed(1234);
        double[] b = Tensor.randn(30).toDoubleArray();
        double[] b2 = Tensor.rand(5).toDoubleArray();
        assertArrayEquals(a, b);
        assertArrayEquals(a2, b2);
        Vela.seed(1235);
        assertFalse(java.util.Arrays.equals(a, Tensor.randn(30).toDoubleArray()));
    }

    // ------------------------------------------------------------------ views

    static Tensor base23() {
        return Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
    }

    @Test
    void reshapeOfAContiguousTensorIsAView() {
        Tensor a = base23();
        Tensor r = a.reshape(3, 2);
        a.mulInPlace(10);
        assertArrayEquals(new float[] {10, 20, 30, 40, 50, 60}, r.toFloatArray());
        r.fill(1);                                     // and the other way round
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, a.toFloatArray());
    }

    @Test
    void transposePermuteSliceExpandAreViews() {
        Tensor a = base23();
        Tensor t = a.transpose();
        Tensor p = a.reshape(1, 2, 3).permute(2, 0, 1);
        Tensor s = a.slice(1, 1, 3);                   // columns 1..2
        Tensor row = Tensor.of(new float[][] {{1, 2, 3}});
        Tensor e = row.expand(2, 3);
        assertFalse(t.isContiguous());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.toFloatArray());
        assertArrayEquals(new float[] {2, 3, 5, 6}, s.toFloatArray());
        a.addInPlace(Tensor.of(new float[] {100, 200, 300}));
        assertArrayEquals(new float[] {101, 104, 202, 205, 303, 306}, t.toFloatArray());
        assertArrayEquals(new int[] {3, 1, 2}, p.dims());
        assertArrayEquals(new float[] {101, 104, 202, 205, 303, 306}, p.toFloatArray());
        assertArrayEquals(new float[] {202, 303, 205, 306}, s.toFloatArray());
        row.mulInPlace(-1);
        assertArrayEquals(new float[] {-1, -2, -3, -1, -2, -3}, e.toFloatArray());
    }

    @Test
    void stridedSliceIsAViewWithTheRightElements() {
        Tensor a = Tensor.arange(20).to(DType.FLOAT64).reshape(4, 5);
        Tensor s = a.slice(new int[] {1, 0}, new int[] {4, 5}, new int[] {2, 2});
        assertArrayEquals(new int[] {2, 3}, s.dims());
        assertArrayEquals(new double[] {5, 7, 9, 15, 17, 19}, s.toDoubleArray());
        a.fill(0);
        assertArrayEquals(new double[6], s.toDoubleArray());
    }

    @Test
    void contiguousAndCopyCopy() {
        Tensor a = base23();
        Tensor t = a.transpose();
        Tensor c = t.contiguous();
        Tensor k = a.copy();
        assertTrue(c.isContiguous());
        assertArrayEquals(new int[] {3, 2}, c.dims());
        a.mulInPlace(2);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, c.toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, k.toFloatArray());
        assertArrayEquals(new float[] {2, 8, 4, 10, 6, 12}, t.toFloatArray());
        // Reshaping a non-contiguous view still gives the logical row-major order.
        assertArrayEquals(new float[] {2, 8, 4, 10, 6, 12}, t.reshape(6).toFloatArray());
    }

    @Test
    void opsOnViewsUseLogicalOrder() {
        Tensor a = base23();
        Tensor t = a.transpose();                       // [[1,4],[2,5],[3,6]]
        Tensor m = t.matmul(Tensor.of(new float[][] {{1}, {10}}));
        assertArrayEquals(new float[] {41, 52, 63}, m.toFloatArray());
        assertArrayEquals(new float[] {5, 7, 9}, t.sum(1, false).toFloatArray());
        assertArrayEquals(new float[] {2, 8, 4, 10, 6, 12}, t.add(t).toFloatArray());
    }

    // ------------------------------------------------------------------ toString

    @Test
    void toStringHeaderAndTruncation() {
        Tensor a = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        String s = a.toString();
        assertEquals("Tensor(shape=(2, 3), dtype=float32, device=cpu)", s.lines().findFirst().orElse(""));
        assertTrue(s.contains("6"), s);
        Tensor d = Tensor.zeros(DType.FLOAT64, 5);
        assertEquals("Tensor(shape=(5,), dtype=float64, device=cpu)", d.toString().lines().findFirst().orElse(""));
        assertEquals("Tensor(shape=(), dtype=float32, device=cpu)", Tensor.scalar(3).toString().lines().findFirst().orElse(""));

        Tensor big = Tensor.arange(10_000).to(DType.FLOAT32).reshape(100, 100);
        String b = big.toString();
        assertTrue(b.length() < 1000, "toString of 10000 elements is " + b.length() + " chars");
        assertEquals("Tensor(shape=(100, 100), dtype=float32, device=cpu)", b.lines().findFirst().orElse(""));
        assertTrue(b.contains("..."), "truncated output should show an ellipsis: " + b);
        assertTrue(b.contains("9999"), "the last element should be shown: " + b);
        Tensor flat = Tensor.arange(10_000).to(DType.FLOAT64);
        assertTrue(flat.toString().length() < 1000);
    }

    // ------------------------------------------------------------------ dtypes, comparisons, where

    @Test
    void dtypePromotion() {
        Tensor a = Tensor.of(new float[] {1.5f, 2});
        Tensor b = Tensor.of(new double[] {0.1, 0.2});
        Tensor c = a.add(b);
        assertEquals(DType.FLOAT64, c.dtype());
        assertArrayEquals(new double[] {1.6, 2.2}, c.toDoubleArray(), 1e-15);
        assertEquals(DType.FLOAT64, b.mul(a).dtype());
        assertEquals(DType.FLOAT32, a.mul(2.0).dtype(), "a Java double scalar does not promote float32");
        assertEquals(DType.FLOAT64, a.to(DType.FLOAT64).dtype());
        assertEquals(DType.FLOAT32, a.add(Tensor.of(new int[] {1, 1})).dtype());
        assertEquals("float32", DType.FLOAT32.toString());
        assertEquals(DType.FLOAT64, DType.parse("float64"));
        assertTrue(DType.FLOAT64.isFloating());
        assertFalse(DType.INT64.isFloating());
    }

    @Test
    void comparisonsGiveBool() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4});
        Tensor b = Tensor.of(new float[] {4, 2, 1, 5});
        Tensor gt = a.gt(b);
        assertEquals(DType.BOOL, gt.dtype());
        assertArrayEquals(new double[] {0, 0, 1, 0}, gt.toDoubleArray());
        assertArrayEquals(new double[] {0, 1, 0, 0}, a.eq(b).toDoubleArray());
        assertArrayEquals(new double[] {1, 0, 1, 1}, a.ne(b).toDoubleArray());
        assertArrayEquals(new double[] {1, 0, 0, 1}, a.lt(b).toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 0, 1}, a.le(b).toDoubleArray());
        assertArrayEquals(new double[] {0, 1, 1, 0}, a.ge(b).toDoubleArray());
        assertArrayEquals(new double[] {0, 0, 1, 1}, a.gt(2.5).toDoubleArray());
        assertEquals(DType.BOOL, a.le(2.0).dtype());
        assertArrayEquals(new double[] {1, 1, 0, 1}, a.gt(b).logicalNot().toDoubleArray());
        assertArrayEquals(new double[] {0, 0, 1, 0}, a.gt(2.0).logicalAnd(a.lt(b).logicalNot()).toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 1, 1}, a.le(2.0).logicalOr(a.gt(2.0)).toDoubleArray());
    }

    @Test
    void whereSelects() {
        Tensor a = Tensor.of(new float[] {1, -2, 3, -4});
        Tensor w = Tensor.where(a.gt(0.0), a, a.mul(10.0));
        assertArrayEquals(new float[] {1, -20, 3, -40}, w.toFloatArray());
        // broadcasting the condition and a scalar branch
        Tensor m = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        Tensor cond = Tensor.of(new boolean[] {true, false});
        Tensor r = Tensor.where(cond, m, Tensor.scalar(0));
        assertArrayEquals(new int[] {2, 2}, r.dims());
        assertArrayEquals(new float[] {1, 0, 3, 0}, r.toFloatArray());
    }

    @Test
    void whereRoutesGradients() {
        Tensor x = Tensor.fromArray(new double[] {1, -2, 3}, DType.FLOAT64, 3).requiresGrad(true);
        Tensor y = Tensor.fromArray(new double[] {5, 5, 5}, DType.FLOAT64, 3).requiresGrad(true);
        Tensor.where(x.gt(0.0), x.mul(3.0), y).sum().backward();
        assertArrayEquals(new double[] {3, 0, 3}, x.grad().toDoubleArray());
        assertArrayEquals(new double[] {0, 1, 0}, y.grad().toDoubleArray());
    }

    // ------------------------------------------------------------------ numerics

    @Test
    void float32SumOf2To25OnesIsExact() {
        Tensor ones = Tensor.ones(1 << 25);
        assertEquals(DType.FLOAT32, ones.dtype());
        assertEquals(33_554_432.0, ones.sum().item());
        assertEquals(1.0, ones.mean().item());
        // along an axis too
        Tensor rows = ones.reshape(2, 1 << 24);
        assertArrayEquals(new float[] {16_777_216f, 16_777_216f}, rows.sum(1, false).toFloatArray());
    }

    @Test
    void float32SumOfManySmallValuesIsAccurate() {
        int n = 10_000_000;
        Tensor t = Tensor.full(0.1, n);
        // Naive sequential float32 accumulation gives about 1.09e6 here (9 % off); pairwise/blocked is within 1e-3.
        assertEquals(n * (double) 0.1f, t.sum().item(), 1e-3 * n * 0.1);
    }

    @Test
    void softmaxFamilyIsFiniteAtHugeLogits() {
        Tensor logits = Tensor.of(new float[][] {{1000, -1000, 0}, {-1000, -1000, 1000}, {1000, 1000, -1000}});
        double[] sm = logits.softmax(-1).toDoubleArray();
        assertArrayEquals(new double[] {1, 0, 0, 0, 0, 1, 0.5, 0.5, 0}, sm, 1e-6);
        double[] lsm = logits.logSoftmax(-1).toDoubleArray();
        double ln2 = Math.log(2);
        assertArrayEquals(new double[] {0, -2000, -1000, -2000, -2000, 0, -ln2, -ln2, -2000 - ln2}, lsm, 1e-3);
        for (double v : lsm) assertTrue(Double.isFinite(v));
        Tensor target = Tensor.of(new float[][] {{0, 1, 0}, {0, 0, 1}, {1, 0, 0}});
        double[] ce = Losses.categoricalCrossentropy(target, logits, true).toDoubleArray();
        assertArrayEquals(new double[] {2000, 0, ln2}, ce, 1e-3);
        double[] lse = logits.logsumexp(-1, false).toDoubleArray();
        assertArrayEquals(new double[] {1000, 1000, 1000 + ln2}, lse, 1e-3);
        double[] bce = Losses.binaryCrossentropy(Tensor.of(new float[] {0, 1, 1}),
                Tensor.of(new float[] {1000, -1000, 1000}), true).toDoubleArray();
        assertArrayEquals(new double[] {1000, 1000, 0}, bce, 1e-3);
        double[] sig = Tensor.of(new float[] {1000, -1000}).sigmoid().toDoubleArray();
        assertArrayEquals(new double[] {1, 0}, sig, 0);
        assertEquals(1000.0, Tensor.of(new float[] {1000}).softplus().item(), 1e-3);
    }

    @Test
    void gradientsAreFiniteAtHugeLogits() {
        Tensor logits = Tensor.fromArray(new double[] {1000, -1000, 0, -1000, 1000, 1000}, DType.FLOAT64, 2, 3)
                .requiresGrad(true);
        Tensor target = Tensor.fromArray(new double[] {0, 1, 0, 1, 0, 0}, DType.FLOAT64, 2, 3);
        Losses.categoricalCrossentropy(target, logits, true).sum().backward();
        double[] g = logits.grad().toDoubleArray();
        // softmax - target
        assertArrayEquals(new double[] {1, -1, 0, -1, 0.5, 0.5}, g, 1e-12);
    }

    @Test
    void oneHotAndArgmax() {
        Tensor ids = Tensor.of(new long[] {2, 0, 1});
        Tensor oh = Tensor.oneHot(ids, 3);
        assertEquals(DType.FLOAT32, oh.dtype());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, oh.toFloatArray());
        Tensor am = oh.argmax(-1);
        assertEquals(DType.INT64, am.dtype());
        assertArrayEquals(new long[] {2, 0, 1}, am.toLongArray());
        Tensor m = Tensor.of(new float[][] {{3, 1, 2}, {0, 5, 4}});
        assertArrayEquals(new long[] {1, 0, 0}, m.argmin(0).toLongArray());
        assertArrayEquals(new long[] {1, 0}, m.argmin(1).toLongArray());
        assertArrayEquals(new long[] {0, 1, 1}, m.argmax(0).toLongArray());
        assertArrayEquals(new long[] {1, 2, 0}, Tensor.of(new float[][] {{0, 1, 0}, {0, 0, 1}, {1, 0, 0}}).argmax(1).toLongArray());
    }

    @Test
    void concatenateAndStackValues() {
        Tensor a = Tensor.of(new float[][] {{1, 2}});
        Tensor b = Tensor.of(new float[][] {{3, 4}, {5, 6}});
        Tensor c = Tensor.concatenate(List.of(a, b), 0);
        assertArrayEquals(new int[] {3, 2}, c.dims());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c.toFloatArray());
        Tensor s = Tensor.stack(List.of(a, a.mul(2.0)), 2);
        assertArrayEquals(new int[] {1, 2, 2}, s.dims());
        assertArrayEquals(new float[] {1, 2, 2, 4}, s.toFloatArray());
    }
}
