// Checks the Vector API kernels against their scalar reference (ScalarKernels) over ops, sizes, strides and offsets.
package dev.vela.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vela.spi.BinaryOp;
import dev.vela.spi.ReduceOp;
import dev.vela.spi.UnaryOp;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class VectorKernelsTest {
    static final int[] SIZES = {0, 1, 7, 8, 9, 1023, 1025, 2100};
    /** {xOff, xStride, outOff}: contiguous, offset, strided, broadcast, reversed (offset counted from the low end). */
    static final int[][] UNARY_LAYOUTS = {{0, 1, 0}, {3, 1, 5}, {1, 2, 0}, {2, 3, 4}, {4, 0, 2}, {1, -1, 0}, {2, -2, 3}};
    /** {aOff, aStride, bOff, bStride, outOff}. */
    static final int[][] BINARY_LAYOUTS = {
        {0, 1, 0, 1, 0}, {1, 1, 2, 1, 3}, {0, 1, 3, 0, 0}, {2, 0, 0, 1, 1}, {1, 0, 2, 0, 0},
        {1, 2, 0, 1, 2}, {0, 1, 1, 2, 0}, {3, 2, 1, 0, 1}, {0, 0, 5, 3, 0}, {1, 2, 2, 3, 4}, {0, -1, 1, 1, 0},
        {2, 1, 0, -3, 1}, {1, -1, 0, 0, 0}};
    static final float SENTINEL = 12345.25f;

    /** Ops whose vector result is built from the Vector API math library: compared within a few ulps. */
    static final Set<UnaryOp> TRANSCENDENTAL = EnumSet.of(UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIN,
            UnaryOp.COS, UnaryOp.POW, UnaryOp.SIGMOID, UnaryOp.SOFTPLUS, UnaryOp.ELU, UnaryOp.SELU, UnaryOp.LOG1P,
            UnaryOp.EXPM1);
    static final int ULPS = 4;

    static final double[] SPECIALS = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
        0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 1.0, -1.0, 0.25, 3e7, -3e7, 8388607.5, 1e-40};

    // ------------------------------------------------------------------ data

    static double[] params(UnaryOp op) {
        return switch (op) {
            case ELU -> new double[] {1.0, 0};
            case SELU -> new double[] {1.0507009873554805, 1.6732632423543772};
            case LEAKY_RELU -> new double[] {0.3, 0};
            case CLIP -> new double[] {-1.5, 2.0};
            case POW -> new double[] {1.7, 0};
            case AFFINE -> new double[] {1.3, -0.7};
            case IN_RANGE -> new double[] {-1.0, 1.0};
            case STEP -> new double[] {0.25, 0};
            default -> new double[] {0, 0};
        };
    }

    /** Inputs in the op's natural domain, with special values mixed in for the ops that are exact. */
    static double[] unaryData(UnaryOp op, int len, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[len];
        for (int i = 0; i < len; i++) {
            d[i] = switch (op) {
                case LOG, SQRT, POW -> r.nextDouble(0.01, 10);
                case LOG1P -> r.nextDouble(-0.9, 10);
                case EXP, EXPM1, SIGMOID, SOFTPLUS, ELU, SELU, TANH -> r.nextDouble(-20, 20);
                case SIN, COS -> r.nextDouble(-10, 10);
                default -> r.nextInt(4) == 0 ? r.nextInt(-6, 7) * 0.5 : r.nextDouble(-5, 5);
            };
            if (r.nextInt(8) == 0) d[i] = SPECIALS[r.nextInt(SPECIALS.length)];
        }
        return d;
    }

    static double[] binaryData(BinaryOp op, boolean first, int len, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[len];
        for (int i = 0; i < len; i++) {
            if (op == BinaryOp.POW) {
                d[i] = first ? r.nextDouble(0.05, 5) : r.nextDouble(-3, 3);
                if (r.nextInt(16) == 0) d[i] = first ? 0.0 : 2.0;
            } else {
                // small half-integers make equal pairs and zeros common, for comparisons and AND/OR
                d[i] = r.nextBoolean() ? r.nextInt(-3, 4) * 0.5 : r.nextDouble(-100, 100);
                if (r.nextInt(10) == 0) d[i] = SPECIALS[r.nextInt(SPECIALS.length)];
            }
        }
        return d;
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** Length of an input array holding n elements at off with the given stride (at least one element). */
    static int extent(int off, int stride, int n) {
        return off + Math.max(1, (n - 1) * Math.abs(stride) + 1) + 3;
    }

    /** Index of element 0: a negative stride walks down from the top of the run. */
    static int start(int off, int stride, int n) {
        return stride < 0 && n > 0 ? off + (n - 1) * -stride : off;
    }

    // ------------------------------------------------------------------ comparison

    static boolean close(float v, float ref, boolean exact) {
        if (Float.floatToIntBits(v) == Float.floatToIntBits(ref)) return true;
        if (exact || Float.isNaN(v) || Float.isNaN(ref) || Float.isInfinite(v) || Float.isInfinite(ref)) return false;
        // a few ulps of the reference, and an absolute floor for results that cancel towards 0
        return Math.abs(v - ref) <= ULPS * Math.ulp(ref) || Math.abs(v - ref) <= 1e-7f;
    }

    static boolean close(double v, double ref, boolean exact) {
        if (Double.doubleToLongBits(v) == Double.doubleToLongBits(ref)) return true;
        if (exact || Double.isNaN(v) || Double.isNaN(ref) || Double.isInfinite(v) || Double.isInfinite(ref)) return false;
        return Math.abs(v - ref) <= ULPS * Math.ulp(ref) || Math.abs(v - ref) <= 1e-15;
    }

    static void checkOut(String what, float[] out, float[] ref, int outOff, int n, boolean exact) {
        for (int i = 0; i < out.length; i++) {
            boolean inside = i >= outOff && i < outOff + n;
            if (!inside) {
                if (out[i] != SENTINEL) fail(what + ": wrote outside the output run at " + i);
            } else if (!close(out[i], ref[i], exact)) {
                fail(what + ": element " + (i - outOff) + " vector " + out[i] + " scalar " + ref[i]);
            }
        }
    }

    static void checkOut(String what, double[] out, double[] ref, int outOff, int n, boolean exact) {
        for (int i = 0; i < out.length; i++) {
            boolean inside = i >= outOff && i < outOff + n;
            if (!inside) {
                if (out[i] != SENTINEL) fail(what + ": wrote outside the output run at " + i);
            } else if (!close(out[i], ref[i], exact)) {
                fail(what + ": element " + (i - outOff) + " vector " + out[i] + " scalar " + ref[i]);
            }
        }
    }

    // ------------------------------------------------------------------ unary

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryFloatMatchesScalar(UnaryOp op) {
        double[] p = params(op);
        boolean exact = !TRANSCENDENTAL.contains(op);
        for (int n : SIZES) {
            for (int[] l : UNARY_LAYOUTS) {
                float[] x = toFloat(unaryData(op, extent(l[0], l[1], n), 31L * n + l[1]));
                float[] out = new float[l[2] + n + 4], ref = new float[out.length];
                Arrays.fill(out, SENTINEL);
                Arrays.fill(ref, SENTINEL);
                int xo = start(l[0], l[1], n);
                VectorKernels.unary(op, p[0], p[1], x, xo, l[1], out, l[2], n);
                ScalarKernels.unary(op, p[0], p[1], x, xo, l[1], ref, l[2], n);
                checkOut(op + " float n=" + n + " layout=" + Arrays.toString(l), out, ref, l[2], n, exact);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryDoubleMatchesScalar(UnaryOp op) {
        double[] p = params(op);
        boolean exact = !TRANSCENDENTAL.contains(op);
        for (int n : SIZES) {
            for (int[] l : UNARY_LAYOUTS) {
                double[] x = unaryData(op, extent(l[0], l[1], n), 31L * n + l[1]);
                double[] out = new double[l[2] + n + 4], ref = new double[out.length];
                Arrays.fill(out, SENTINEL);
                Arrays.fill(ref, SENTINEL);
                int xo = start(l[0], l[1], n);
                VectorKernels.unary(op, p[0], p[1], x, xo, l[1], out, l[2], n);
                ScalarKernels.unary(op, p[0], p[1], x, xo, l[1], ref, l[2], n);
                checkOut(op + " double n=" + n + " layout=" + Arrays.toString(l), out, ref, l[2], n, exact);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("powExponents")
    void powSpecialExponents(double e) {
        double[] x = unaryData(UnaryOp.POW, 1025, 7);
        x[3] = 0; x[4] = -0.0; x[5] = Double.NaN; x[6] = Double.POSITIVE_INFINITY; x[7] = -2;
        float[] xf = toFloat(x);
        float[] out = new float[x.length], ref = new float[x.length];
        VectorKernels.unary(UnaryOp.POW, e, 0, xf, 0, 1, out, 0, x.length);
        ScalarKernels.unary(UnaryOp.POW, e, 0, xf, 0, 1, ref, 0, x.length);
        for (int i = 0; i < x.length; i++) assertTrue(close(out[i], ref[i], false), "pow float " + xf[i] + "^" + e);
        double[] outD = new double[x.length], refD = new double[x.length];
        VectorKernels.unary(UnaryOp.POW, e, 0, x, 0, 1, outD, 0, x.length);
        ScalarKernels.unary(UnaryOp.POW, e, 0, x, 0, 1, refD, 0, x.length);
        for (int i = 0; i < x.length; i++) assertTrue(close(outD[i], refD[i], false), "pow double " + x[i] + "^" + e);
    }

    static Stream<Double> powExponents() {
        return Stream.of(2.0, 1.0, 0.5, -1.0, 3.0, 0.0);
    }

    /**
     * The Vector API computes transcendentals with Math in the interpreter and with its own math library once C2
     * compiles the loop; run each op until it is hot so the compiled results are checked too.
     */
    @ParameterizedTest
    @EnumSource(value = UnaryOp.class, names = {"EXP", "LOG", "TANH", "SIN", "COS", "POW", "SIGMOID", "SOFTPLUS",
        "ELU", "SELU", "LOG1P", "EXPM1"})
    void transcendentalsStayWithinUlpsWhenCompiled(UnaryOp op) {
        double[] p = params(op);
        double[] x = unaryData(op, 256, 99);
        float[] xf = toFloat(x), out = new float[x.length], ref = new float[x.length];
        double[] outD = new double[x.length], refD = new double[x.length];
        for (int rep = 0; rep < 4000; rep++) {
            VectorKernels.unary(op, p[0], p[1], xf, 0, 1, out, 0, x.length);
            VectorKernels.unary(op, p[0], p[1], x, 0, 1, outD, 0, x.length);
        }
        ScalarKernels.unary(op, p[0], p[1], xf, 0, 1, ref, 0, x.length);
        ScalarKernels.unary(op, p[0], p[1], x, 0, 1, refD, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertTrue(close(out[i], ref[i], false), op + " float(" + xf[i] + ") = " + out[i] + " vs " + ref[i]);
            assertTrue(close(outD[i], refD[i], false), op + " double(" + x[i] + ") = " + outD[i] + " vs " + refD[i]);
        }
    }

    @Test
    void unaryInPlace() {
        float[] x = toFloat(unaryData(UnaryOp.EXP, 1025, 3));
        float[] ref = new float[x.length];
        VectorKernels.unary(UnaryOp.EXP, 0, 0, x, 0, 1, ref, 0, x.length);
        VectorKernels.unary(UnaryOp.EXP, 0, 0, x, 0, 1, x, 0, x.length);
        assertTrue(Arrays.equals(ref, x));
    }

    /** A value's result must not depend on where it sits (vector body, tail, strided or broadcast). */
    @Test
    void transcendentalResultIndependentOfPosition() {
        float[] x = toFloat(unaryData(UnaryOp.TANH, 37, 11));
        float[] all = new float[x.length];
        VectorKernels.unary(UnaryOp.TANH, 0, 0, x, 0, 1, all, 0, x.length);
        float[] one = new float[1];
        for (int i = 0; i < x.length; i++) {
            VectorKernels.unary(UnaryOp.TANH, 0, 0, x, i, 0, one, 0, 1);
            assertEquals(Float.floatToIntBits(all[i]), Float.floatToIntBits(one[0]), "tanh(" + x[i] + ") at " + i);
        }
    }

    // ------------------------------------------------------------------ binary

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryFloatMatchesScalar(BinaryOp op) {
        boolean exact = op != BinaryOp.POW;
        for (int n : SIZES) {
            for (int[] l : BINARY_LAYOUTS) {
                float[] a = toFloat(binaryData(op, true, extent(l[0], l[1], n), 17L * n + l[1]));
                float[] b = toFloat(binaryData(op, false, extent(l[2], l[3], n), 19L * n + l[3]));
                float[] out = new float[l[4] + n + 4], ref = new float[out.length];
                Arrays.fill(out, SENTINEL);
                Arrays.fill(ref, SENTINEL);
                int ao = start(l[0], l[1], n), bo = start(l[2], l[3], n);
                VectorKernels.binary(op, a, ao, l[1], b, bo, l[3], out, l[4], n);
                ScalarKernels.binary(op, a, ao, l[1], b, bo, l[3], ref, l[4], n);
                checkOut(op + " float n=" + n + " layout=" + Arrays.toString(l), out, ref, l[4], n, exact);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryDoubleMatchesScalar(BinaryOp op) {
        boolean exact = op != BinaryOp.POW;
        for (int n : SIZES) {
            for (int[] l : BINARY_LAYOUTS) {
                double[] a = binaryData(op, true, extent(l[0], l[1], n), 17L * n + l[1]);
                double[] b = binaryData(op, false, extent(l[2], l[3], n), 19L * n + l[3]);
                double[] out = new double[l[4] + n + 4], ref = new double[out.length];
                Arrays.fill(out, SENTINEL);
                Arrays.fill(ref, SENTINEL);
                int ao = start(l[0], l[1], n), bo = start(l[2], l[3], n);
                VectorKernels.binary(op, a, ao, l[1], b, bo, l[3], out, l[4], n);
                ScalarKernels.binary(op, a, ao, l[1], b, bo, l[3], ref, l[4], n);
                checkOut(op + " double n=" + n + " layout=" + Arrays.toString(l), out, ref, l[4], n, exact);
            }
        }
    }

    @Test
    void binaryInPlaceWithBroadcast() {
        double[] a = binaryData(BinaryOp.ADD, true, 1025, 5);
        double[] ref = new double[a.length];
        double[] s = {0.75};
        ScalarKernels.binary(BinaryOp.MUL, a, 0, 1, s, 0, 0, ref, 0, a.length);
        VectorKernels.binary(BinaryOp.MUL, a, 0, 1, s, 0, 0, a, 0, a.length);
        for (int i = 0; i < a.length; i++) assertEquals(Double.doubleToLongBits(ref[i]), Double.doubleToLongBits(a[i]));
    }

    // ------------------------------------------------------------------ NaN propagation

    @Test
    void nanPropagatesThroughMaxMinReluClip() {
        for (int n : new int[] {1, 9, 40}) {
            for (int pos : new int[] {0, n / 2, n - 1}) {
                float[] a = new float[n], b = new float[n], out = new float[n];
                Arrays.fill(a, 1f);
                Arrays.fill(b, 2f);
                a[pos] = Float.NaN;
                for (BinaryOp op : new BinaryOp[] {BinaryOp.MAX, BinaryOp.MIN}) {
                    VectorKernels.binary(op, a, 0, 1, b, 0, 1, out, 0, n);
                    assertTrue(Float.isNaN(out[pos]), op + "(NaN, 2)");
                    VectorKernels.binary(op, b, 0, 1, a, 0, 1, out, 0, n);
                    assertTrue(Float.isNaN(out[pos]), op + "(2, NaN)");
                    VectorKernels.binary(op, b, 0, 1, a, pos, 0, out, 0, n);
                    assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[n - 1]), op + " with broadcast NaN");
                }
                double[] ad = new double[n], outD = new double[n];
                Arrays.fill(ad, -3.0);
                ad[pos] = Double.NaN;
                VectorKernels.unary(UnaryOp.RELU, 0, 0, a, 0, 1, out, 0, n);
                assertTrue(Float.isNaN(out[pos]) && (n == 1 || out[(pos + 1) % n] == 1f), "relu float");
                VectorKernels.unary(UnaryOp.RELU, 0, 0, ad, 0, 1, outD, 0, n);
                assertTrue(Double.isNaN(outD[pos]) && (n == 1 || outD[(pos + 1) % n] == 0.0), "relu double");
                VectorKernels.unary(UnaryOp.CLIP, -1, 1, ad, 0, 1, outD, 0, n);
                assertTrue(Double.isNaN(outD[pos]) && (n == 1 || outD[(pos + 1) % n] == -1.0), "clip double");
                VectorKernels.unary(UnaryOp.CLIP, -1, 1, a, 0, 1, out, 0, n);
                assertTrue(Float.isNaN(out[pos]), "clip float");
                for (ReduceOp op : new ReduceOp[] {ReduceOp.MAX, ReduceOp.MIN}) {
                    assertTrue(Double.isNaN(VectorKernels.reduce(op, a, 0, n)), op + " float at " + pos);
                    assertTrue(Double.isNaN(VectorKernels.reduce(op, ad, 0, n)), op + " double at " + pos);
                    assertTrue(Double.isNaN(VectorKernels.reduceStrided(op, ad, 0, 1, n)), op + " strided");
                    float[] rows = new float[3];
                    VectorKernels.reduceRows(op, a, 0, n, 1, rows, 1);
                    assertTrue(Float.isNaN(rows[1]), op + " rows");
                }
            }
        }
    }

    // ------------------------------------------------------------------ reductions

    static final int[] REDUCE_SIZES = {0, 1, 7, 8, 9, 31, 32, 33, 1023, 1025, 4096, 4097, 10007};

    static double[] reduceData(ReduceOp op, int len, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[len];
        // products stay finite near 1; sums get mixed signs and magnitudes
        for (int i = 0; i < len; i++) d[i] = op == ReduceOp.PROD ? r.nextDouble(0.9, 1.1) : r.nextDouble(-1, 1) * Math.exp(r.nextDouble(-3, 3));
        return d;
    }

    /** Both NaN, or within tol. */
    static boolean near(double v, double ref, double tol) {
        return Double.isNaN(ref) ? Double.isNaN(v) : Math.abs(v - ref) <= tol;
    }

    /** SUM within 1e-11 of the sum of magnitudes, PROD within 1e-11 relative, MAX/MIN exactly. */
    static void checkReduce(String what, ReduceOp op, double v, double ref, double absSum) {
        switch (op) {
            case SUM -> assertTrue(Math.abs(v - ref) <= 1e-11 * absSum, what + ": " + v + " vs " + ref);
            case PROD -> assertTrue(Math.abs(v - ref) <= 1e-11 * Math.abs(ref), what + ": " + v + " vs " + ref);
            default -> assertEquals(Double.doubleToLongBits(ref), Double.doubleToLongBits(v), what + ": " + v + " vs " + ref);
        }
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void reduceMatchesScalar(ReduceOp op) {
        for (int n : REDUCE_SIZES) {
            for (int off : new int[] {0, 3}) {
                double[] d = reduceData(op, off + n + 2, 41L * n + off);
                float[] f = toFloat(d);
                double absSum = 0;
                for (int i = off; i < off + n; i++) absSum += Math.abs(d[i]);
                String what = op + " n=" + n + " off=" + off;
                checkReduce(what + " float", op, VectorKernels.reduce(op, f, off, n), ScalarKernels.reduce(op, f, off, n), absSum);
                checkReduce(what + " double", op, VectorKernels.reduce(op, d, off, n), ScalarKernels.reduce(op, d, off, n), absSum);
                for (int stride : new int[] {1, 2, 3, -2}) {
                    int cnt = n / Math.abs(stride), st = start(off, stride, cnt);
                    double abs = 0;
                    for (int i = 0; i < cnt; i++) abs += Math.abs(d[st + i * stride]);
                    checkReduce(what + " stride " + stride + " float", op, VectorKernels.reduceStrided(op, f, st, stride, cnt),
                            ScalarKernels.reduceStrided(op, f, st, stride, cnt), abs);
                    checkReduce(what + " stride " + stride + " double", op, VectorKernels.reduceStrided(op, d, st, stride, cnt),
                            ScalarKernels.reduceStrided(op, d, st, stride, cnt), abs);
                }
            }
            if (n == 0) {
                assertEquals(ScalarKernels.identity(op), VectorKernels.reduce(op, new float[0], 0, 0));
                assertEquals(ScalarKernels.identity(op), VectorKernels.reduce(op, new double[0], 0, 0));
            }
        }
    }

    @Test
    void reduceIsDeterministic() {
        float[] f = toFloat(reduceData(ReduceOp.SUM, 100_003, 9));
        double first = VectorKernels.reduce(ReduceOp.SUM, f, 0, f.length);
        for (int r = 0; r < 5; r++) assertEquals(first, VectorKernels.reduce(ReduceOp.SUM, f, 0, f.length));
    }

    @Test
    void floatSumOf2To25OnesIsExact() {
        float[] ones = new float[1 << 25];
        Arrays.fill(ones, 1f);
        assertEquals(33554432.0, VectorKernels.reduce(ReduceOp.SUM, ones, 0, ones.length));
        assertEquals(33554432f, (float) VectorKernels.reduce(ReduceOp.SUM, ones, 0, ones.length));
        float[] col = new float[1];
        VectorKernels.reduceRows(ReduceOp.SUM, ones, 0, ones.length, 1, col, 0);
        assertEquals(33554432f, col[0]);
    }

    static Stream<Arguments> reduceRowsCases() {
        int[][] shapes = {{0, 5}, {1, 1}, {3, 7}, {7, 8}, {5, 9}, {17, 1025}, {1025, 3}, {4, 2100}, {2, 17}};
        return Stream.of(ReduceOp.values()).flatMap(op -> Stream.of(shapes).map(s -> Arguments.of(op, s[0], s[1])));
    }

    @ParameterizedTest
    @MethodSource("reduceRowsCases")
    void reduceRowsMatchesScalar(ReduceOp op, int rows, int cols) {
        int off = 2, outOff = 3;
        double[] d = reduceData(op, off + rows * cols + 1, 13L * rows + cols);
        if (op != ReduceOp.PROD && d.length > 10) d[7] = Double.NaN;
        float[] f = toFloat(d);
        float[] out = new float[outOff + cols + 2], ref = new float[out.length];
        double[] outD = new double[out.length], refD = new double[out.length];
        Arrays.fill(out, SENTINEL); Arrays.fill(ref, SENTINEL); Arrays.fill(outD, SENTINEL); Arrays.fill(refD, SENTINEL);
        VectorKernels.reduceRows(op, f, off, rows, cols, out, outOff);
        ScalarKernels.reduceRows(op, f, off, rows, cols, ref, outOff);
        VectorKernels.reduceRows(op, d, off, rows, cols, outD, outOff);
        ScalarKernels.reduceRows(op, d, off, rows, cols, refD, outOff);
        for (int j = 0; j < out.length; j++) {
            boolean inside = j >= outOff && j < outOff + cols;
            if (!inside) {
                assertEquals(SENTINEL, out[j]);
                assertEquals(SENTINEL, outD[j]);
                continue;
            }
            double abs = 0;
            for (int i = 0; i < rows; i++) abs += Math.abs(d[off + i * cols + (j - outOff)]);
            String what = op + " rows=" + rows + " cols=" + cols + " col " + (j - outOff);
            if (op == ReduceOp.MAX || op == ReduceOp.MIN) {
                assertEquals(Float.floatToIntBits(ref[j]), Float.floatToIntBits(out[j]), what + " float");
                assertEquals(Double.doubleToLongBits(refD[j]), Double.doubleToLongBits(outD[j]), what + " double");
            } else {
                double scale = op == ReduceOp.SUM ? abs : Math.abs(refD[j]);
                assertTrue(near(out[j], ref[j], Math.ulp(ref[j]) + 1e-11 * scale), what + " float " + out[j] + " vs " + ref[j]);
                assertTrue(near(outD[j], refD[j], 1e-11 * scale), what + " double " + outD[j] + " vs " + refD[j]);
            }
        }
    }

    // ------------------------------------------------------------------ matmul

    /**
     * The build runs this class twice, once with {@code -XX:UseAVX=2}: check that the flag really gave 256-bit
     * vectors and the 5-row float tile there, and the 12-row tile wherever vectors are 512 bits.
     */
    @Test
    void registerTileFollowsVectorWidth() {
        boolean avx2Run = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:UseAVX=2");
        if (avx2Run) assertEquals(8, VectorKernels.FL, "float lanes with -XX:UseAVX=2");
        assertEquals(VectorKernels.FL >= 16 ? 12 : 5, VectorKernels.MRF, "float register tile rows for " + VectorKernels.FL + " lanes");
    }

    /** Products large enough for the packed path (m, k > 64, n > 256), with full and partial 12- and 5-row panels. */
    @ParameterizedTest
    @MethodSource("packedCases")
    void packedMatmulMatchesNaive(int m, int n, int k, boolean transA, boolean transB) {
        matmulFloatMatchesNaive(m, n, k, transA, transB);
    }

    static Stream<Arguments> packedCases() {
        int[][] shapes = {{97, 300, 70}, {200, 290, 300}, {131, 513, 257}};
        return Stream.of(shapes).flatMap(s -> Stream.of(new boolean[][] {{false, false}, {false, true}, {true, false}, {true, true}})
                .map(t -> Arguments.of(s[0], s[1], s[2], t[0], t[1])));
    }

    static Stream<Arguments> matmulCases() {
        int[][] shapes = {{1, 1, 1}, {7, 9, 13}, {33, 17, 9}, {64, 64, 64}, {130, 70, 257}, {3, 5, 0}, {2, 1, 600},
            {1, 300, 40}, {300, 200, 150}, {20, 400, 100}, {97, 1100, 3}, {50, 32, 300}, {29, 45, 70}};
        return Stream.of(shapes).flatMap(s -> Stream.of(new boolean[][] {{false, false}, {false, true}, {true, false}, {true, true}})
                .map(t -> Arguments.of(s[0], s[1], s[2], t[0], t[1])));
    }

    /** A stored with leading dimension and offset: [m,k] or, transposed, [k,m]; padding columns hold junk. */
    static final int PAD = 3, A_OFF = 5, B_OFF = 2, C_OFF = 4;

    @ParameterizedTest
    @MethodSource("matmulCases")
    void matmulFloatMatchesNaive(int m, int n, int k, boolean transA, boolean transB) {
        int lda = (transA ? m : k) + PAD, ldb = (transB ? k : n) + PAD, ldc = n + PAD;
        double[] ad = randomMatrix(A_OFF + (transA ? k : m) * lda, 1L + m * 7 + k), bd = randomMatrix(B_OFF + (transB ? n : k) * ldb, 2L + n * 5 + k);
        float[] a = toFloat(ad), b = toFloat(bd);
        float[] c = new float[C_OFF + m * ldc], ref = new float[c.length];
        Arrays.fill(c, Float.NaN);  // matmul overwrites C; NaN would leak through if it accumulated
        for (int i = 0; i < m; i++) for (int j = n; j < ldc; j++) c[C_OFF + i * ldc + j] = SENTINEL;
        VectorKernels.matmul(a, A_OFF, lda, transA, b, B_OFF, ldb, transB, c, C_OFF, ldc, m, n, k);
        ScalarKernels.matmul(a, A_OFF, lda, transA, b, B_OFF, ldb, transB, ref, C_OFF, ldc, m, n, k);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                int ci = C_OFF + i * ldc + j;
                if (j >= n) {
                    assertEquals(SENTINEL, c[ci], "padding of C row " + i);
                    continue;
                }
                double bound = 0;
                for (int p = 0; p < k; p++) {
                    bound += Math.abs(a[transA ? A_OFF + p * lda + i : A_OFF + i * lda + p]) * Math.abs(b[transB ? B_OFF + j * ldb + p : B_OFF + p * ldb + j]);
                }
                assertTrue(Math.abs(c[ci] - ref[ci]) <= 1e-4 * bound + Math.ulp(ref[ci]),
                        "C[" + i + "," + j + "] = " + c[ci] + " vs " + ref[ci]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("matmulCases")
    void matmulDoubleMatchesNaive(int m, int n, int k, boolean transA, boolean transB) {
        int lda = (transA ? m : k) + PAD, ldb = (transB ? k : n) + PAD, ldc = n + PAD;
        double[] a = randomMatrix(A_OFF + (transA ? k : m) * lda, 3L + m * 7 + k), b = randomMatrix(B_OFF + (transB ? n : k) * ldb, 4L + n * 5 + k);
        double[] c = new double[C_OFF + m * ldc], ref = new double[c.length];
        Arrays.fill(c, Double.NaN);
        for (int i = 0; i < m; i++) for (int j = n; j < ldc; j++) c[C_OFF + i * ldc + j] = SENTINEL;
        VectorKernels.matmul(a, A_OFF, lda, transA, b, B_OFF, ldb, transB, c, C_OFF, ldc, m, n, k);
        ScalarKernels.matmul(a, A_OFF, lda, transA, b, B_OFF, ldb, transB, ref, C_OFF, ldc, m, n, k);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                int ci = C_OFF + i * ldc + j;
                if (j >= n) {
                    assertEquals(SENTINEL, c[ci], "padding of C row " + i);
                    continue;
                }
                double bound = 0;
                for (int p = 0; p < k; p++) {
                    bound += Math.abs(a[transA ? A_OFF + p * lda + i : A_OFF + i * lda + p]) * Math.abs(b[transB ? B_OFF + j * ldb + p : B_OFF + p * ldb + j]);
                }
                assertTrue(Math.abs(c[ci] - ref[ci]) <= 1e-12 * bound, "C[" + i + "," + j + "] = " + c[ci] + " vs " + ref[ci]);
            }
        }
    }

    static double[] randomMatrix(int len, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[len];
        for (int i = 0; i < len; i++) d[i] = r.nextDouble(-1, 1);
        return d;
    }

    /** The scalar reference's indexing, checked by hand: [[1,2,3],[4,5,6]] · [[7,8],[9,10],[11,12]]. */
    @Test
    void scalarMatmulReferenceByHand() {
        float[] a = {1, 2, 3, 4, 5, 6}, aT = {1, 4, 2, 5, 3, 6}, b = {7, 8, 9, 10, 11, 12}, bT = {7, 9, 11, 8, 10, 12};
        float[] want = {58, 64, 139, 154};
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                float[] c = new float[4], v = new float[4];
                ScalarKernels.matmul(ta ? aT : a, 0, ta ? 2 : 3, ta, tb ? bT : b, 0, tb ? 3 : 2, tb, c, 0, 2, 2, 2, 3);
                VectorKernels.matmul(ta ? aT : a, 0, ta ? 2 : 3, ta, tb ? bT : b, 0, tb ? 3 : 2, tb, v, 0, 2, 2, 2, 3);
                assertTrue(Arrays.equals(want, c), "scalar " + ta + " " + tb + " " + Arrays.toString(c));
                assertTrue(Arrays.equals(want, v), "vector " + ta + " " + tb + " " + Arrays.toString(v));
            }
        }
    }

    /**
     * Each element of C is computed the same way whatever the split: the rows (columns) of a large, parallel
     * product equal, bit for bit, the same rows (columns) computed as separate smaller products.
     */
    @Test
    void matmulDoesNotDependOnSplit() {
        int m = 300, n = 200, k = 300;
        float[] a = toFloat(randomMatrix(m * k, 21)), b = toFloat(randomMatrix(k * n, 22));
        float[] full = new float[m * n];
        VectorKernels.matmul(a, 0, k, false, b, 0, n, false, full, 0, n, m, n, k);
        for (int i0 = 0; i0 < m; i0 += 37) {
            int rows = Math.min(37, m - i0);
            float[] part = new float[rows * n];
            VectorKernels.matmul(a, i0 * k, k, false, b, 0, n, false, part, 0, n, rows, n, k);
            assertTrue(Arrays.equals(part, Arrays.copyOfRange(full, i0 * n, (i0 + rows) * n)), "rows from " + i0);
        }
        int wide = 1000;
        double[] bw = randomMatrix(k * wide, 23), ad = randomMatrix(8 * k, 24);
        double[] cw = new double[8 * wide];
        VectorKernels.matmul(ad, 0, k, false, bw, 0, wide, false, cw, 0, wide, 8, wide, k);
        for (int j0 = 0; j0 < wide; j0 += 211) {
            int cols = Math.min(211, wide - j0);
            double[] part = new double[8 * cols];
            VectorKernels.matmul(ad, 0, k, false, bw, j0, wide, false, part, 0, cols, 8, cols, k);
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < cols; j++) assertEquals(cw[i * wide + j0 + j], part[i * cols + j], "C[" + i + "," + (j0 + j) + "]");
            }
        }
    }

    /**
     * Products whose masked column block ends B's array read that block from a copy with whole-vector rows: the
     * same bits as the same B with room after it (read in place), for the shapes of the unpacked kernels' tails.
     */
    @Test
    void matmulWithBAtTheEndOfItsArrayMatchesBWithRoomAfterIt() {
        int[][] mnk = {{32, 10, 128}, {256, 10, 128}, {13, 7, 5}, {9, 3, 200}, {64, 20, 70}, {5, 33, 1}};
        for (int[] s : mnk) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = toFloat(randomMatrix(m * k, 31)), tight = toFloat(randomMatrix(k * n, 32));
            float[] roomy = Arrays.copyOf(tight, tight.length + 64);
            for (boolean transA : new boolean[] {false, true}) {
                float[] c1 = new float[m * n], c2 = new float[m * n];
                int lda = transA ? m : k;
                VectorKernels.matmul(a, 0, lda, transA, tight, 0, n, false, c1, 0, n, m, n, k);
                VectorKernels.matmul(a, 0, lda, transA, roomy, 0, n, false, c2, 0, n, m, n, k);
                for (int i = 0; i < c1.length; i++) {
                    assertEquals(Float.floatToRawIntBits(c2[i]), Float.floatToRawIntBits(c1[i]),
                            m + "x" + n + "x" + k + (transA ? " (A transposed)" : "") + ": C element " + i);
                }
            }
        }
    }

    /**
     * Likewise C: rows whose masked store would pass the end of C's array are computed in a staging tile. Same bits
     * as C with room after it, with C at an offset and wider than the product, over several KC blocks (the
     * accumulating path) and with the row groups split over the threads.
     */
    @Test
    void matmulWithCAtTheEndOfItsArrayMatchesCWithRoomAfterIt() {
        int[][] mnk = {{32, 10, 128}, {13, 7, 5}, {21, 10, 600}, {9, 3, 200}, {3000, 20, 60}, {1, 5, 9}};
        for (int[] s : mnk) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = toFloat(randomMatrix(m * k, 41)), b = toFloat(randomMatrix(k * n, 42));
            for (int ldc : new int[] {n, n + 3}) {
                int off = 5, len = off + (m - 1) * ldc + n;
                float[] tight = new float[len], roomy = new float[len + 64];
                VectorKernels.matmul(a, 0, k, false, b, 0, n, false, tight, off, ldc, m, n, k);
                VectorKernels.matmul(a, 0, k, false, b, 0, n, false, roomy, off, ldc, m, n, k);
                for (int i = 0; i < len; i++) {
                    assertEquals(Float.floatToRawIntBits(roomy[i]), Float.floatToRawIntBits(tight[i]),
                            m + "x" + n + "x" + k + " ldc " + ldc + ": C element " + i);
                }
            }
        }
    }
}
