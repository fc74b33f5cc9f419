// The float32 exp, tanh and sigmoid vector kernels (own range reduction and polynomials): special values and
// boundaries exactly as Math gives them, and an ulp-error sweep over a dense set of floats.
package dev.vela.cpu;

import dev.vela.spi.UnaryOp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class TranscendentalKernelsTest {

    /** Runs the vector kernel over {@code x} (padded so every value goes through a full vector and the tail path). */
    static float[] run(UnaryOp op, float... x) {
        float[] out = new float[x.length];
        VectorKernels.unary(op, 0, 0, x, 0, 1, out, 0, x.length);
        // each value alone (the tail path) must give the same bits
        for (int i = 0; i < x.length; i++) {
            float[] one = new float[1];
            VectorKernels.unary(op, 0, 0, x, i, 1, one, 0, 1);
            assertEquals(Float.floatToIntBits(out[i]), Float.floatToIntBits(one[0]), op + " of " + x[i] + " alone");
        }
        return out;
    }

    /** Distance in representable floats (inf counts as the float after MAX_VALUE; NaN only matches NaN). */
    static long ulps(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        return Math.abs(ordered(a) - ordered(b));
    }

    static long ordered(float f) {
        int i = Float.floatToRawIntBits(f);
        return i < 0 ? -(long) (i & 0x7fffffff) : i;
    }

    static float expRef(float x) { return (float) Math.exp(x); }

    static float tanhRef(float x) { return (float) Math.tanh(x); }

    /** The scalar reference's formula, in float. */
    static float sigmoidRef(float x) { return 1f / (1f + (float) Math.exp(-x)); }

    static void assertBits(float want, float got, String what) {
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), what + ": want " + want + " got " + got);
    }

    // ------------------------------------------------------------------ special values

    @Test
    void expSpecialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
            Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 89f, -104f, 200f, -200f};
        float[] y = run(UnaryOp.EXP, x);
        assertTrue(Float.isNaN(y[0]), "exp(NaN)");
        assertBits(Float.POSITIVE_INFINITY, y[1], "exp(+inf)");
        assertBits(0f, y[2], "exp(-inf)");
        for (int i = 3; i <= 8; i++) assertBits(1f, y[i], "exp(" + x[i] + ")");
        assertBits(Float.POSITIVE_INFINITY, y[9], "exp(1e30)");
        assertBits(0f, y[10], "exp(-1e30)");
        assertBits(Float.POSITIVE_INFINITY, y[11], "exp(MAX)");
        assertBits(0f, y[12], "exp(-MAX)");
        assertBits(expRef(1f), y[13], "exp(1)");
        assertBits(expRef(-1f), y[14], "exp(-1)");
        assertBits(Float.POSITIVE_INFINITY, y[15], "exp(89)");
        assertBits(0f, y[16], "exp(-104)");
        assertBits(Float.POSITIVE_INFINITY, y[17], "exp(200)");
        assertBits(0f, y[18], "exp(-200)");
    }

    @Test
    void expOverflowAndUnderflowBoundaries() {
        // the last float whose exp is finite, the first below which it is subnormal, the last with a nonzero result
        float lastFinite = lastBelow(x -> !Float.isInfinite(expRef(x)), 80f, 100f);
        float firstNormal = lastBelow(x -> expRef(x) < Float.MIN_NORMAL, -90f, -80f);
        float lastNonzero = lastBelow(x -> expRef(x) == 0f, -110f, -100f);
        for (float centre : new float[] {lastFinite, firstNormal, lastNonzero}) {
            float[] x = new float[4001];
            for (int i = 0; i < x.length; i++) x[i] = Float.intBitsToFloat(Float.floatToRawIntBits(centre) + (i - 2000) * (centre < 0 ? -1 : 1));
            float[] y = run(UnaryOp.EXP, x);
            for (int i = 0; i < x.length; i++) {
                assertTrue(ulps(expRef(x[i]), y[i]) <= 1, "exp(" + x[i] + ") = " + y[i] + ", Math gives " + expRef(x[i]));
            }
        }
        assertBits(Float.POSITIVE_INFINITY, run(UnaryOp.EXP, Math.nextUp(lastFinite + 0.01f))[0], "just past overflow");
        assertBits(0f, run(UnaryOp.EXP, lastNonzero - 0.01f)[0], "just past underflow");
        assertTrue(run(UnaryOp.EXP, firstNormal + 1f)[0] >= Float.MIN_NORMAL);
        float sub = run(UnaryOp.EXP, firstNormal - 5f)[0];
        assertTrue(sub > 0 && sub < Float.MIN_NORMAL, "a subnormal result: " + sub);
    }

    @Test
    void expOfALaneDoesNotDependOnItsNeighbours() {
        // a vector with a lane beyond +-87 runs the wide case (lane by lane, in scalar float); its other lanes must
        // come out with the bits the fast vector path gives them
        java.util.Random r = new java.util.Random(3);
        float[] x = new float[1 << 14];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 30);
        float[] narrow = x.clone();
        for (int i = 0; i < narrow.length; i++) narrow[i] = Math.max(-86f, Math.min(86f, narrow[i]));
        float[] mixed = narrow.clone();
        for (int i = 0; i < mixed.length; i += 7) mixed[i] = i % 2 == 0 ? 95f + i % 13 : -95f - i % 11;
        float[] a = new float[x.length], b = new float[x.length];
        VectorKernels.unary(UnaryOp.EXP, 0, 0, narrow, 0, 1, a, 0, x.length);
        VectorKernels.unary(UnaryOp.EXP, 0, 0, mixed, 0, 1, b, 0, x.length);
        int checked = 0;
        for (int i = 0; i < x.length; i++) {
            if (i % 7 == 0) {
                assertTrue(ulps(expRef(mixed[i]), b[i]) <= 1, "exp(" + mixed[i] + ") = " + b[i]);
                continue;
            }
            assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]), "exp(" + narrow[i] + ") next to a wide lane");
            checked++;
        }
        assertTrue(checked > x.length / 2);
    }

    /** The largest float in [lo, hi] at which {@code p} is false, for p false below some point and true above. */
    static float lastBelow(java.util.function.Predicate<Float> p, float lo, float hi) {
        // p(lo) must differ from p(hi); bisect on the ordered bit patterns
        boolean pl = p.test(lo);
        long a = ordered(lo), b = ordered(hi);
        while (b - a > 1) {
            long m = (a + b) / 2;
            if (p.test(fromOrdered(m)) == pl) a = m;
            else b = m;
        }
        return fromOrdered(a);
    }

    static float fromOrdered(long o) {
        return o < 0 ? Float.intBitsToFloat((int) (-o) | 0x80000000) : Float.intBitsToFloat((int) o);
    }

    @Test
    void tanhSpecialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
            Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-20f, -1e-20f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, 9.5f, -9.5f,
            0.625f, -0.625f, Math.nextDown(0.625f), -Math.nextDown(0.625f), 20f, -20f};
        float[] y = run(UnaryOp.TANH, x);
        assertTrue(Float.isNaN(y[0]), "tanh(NaN)");
        assertBits(1f, y[1], "tanh(+inf)");
        assertBits(-1f, y[2], "tanh(-inf)");
        for (int i = 3; i <= 10; i++) assertBits(x[i], y[i], "tanh(" + x[i] + ") keeps the value and the sign");
        for (int i = 11; i < x.length; i++) {
            assertTrue(ulps(tanhRef(x[i]), y[i]) <= 1, "tanh(" + x[i] + ") = " + y[i] + ", Math gives " + tanhRef(x[i]));
        }
        assertBits(1f, y[11], "tanh(1e30)");
        assertBits(-1f, y[12], "tanh(-1e30)");
    }

    @Test
    void sigmoidSpecialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
            1e30f, -1e30f, 89f, -89f, 17f, -17f, 100f, -100f};
        float[] y = run(UnaryOp.SIGMOID, x);
        assertTrue(Float.isNaN(y[0]), "sigmoid(NaN)");
        assertBits(1f, y[1], "sigmoid(+inf)");
        assertBits(0f, y[2], "sigmoid(-inf)");
        for (int i = 3; i <= 6; i++) assertBits(0.5f, y[i], "sigmoid(" + x[i] + ")");
        for (int i = 7; i < x.length; i++) {
            assertTrue(ulps(sigmoidRef(x[i]), y[i]) <= 2, "sigmoid(" + x[i] + ") = " + y[i] + ", reference " + sigmoidRef(x[i]));
        }
        assertBits(0f, y[10], "sigmoid(-89): exp(89) overflows float, as in the scalar reference");
    }

    // ------------------------------------------------------------------ dense sweeps

    /** Every 97th float of both signs up to 120 in magnitude, through the kernel in blocks. */
    static void sweep(UnaryOp op, java.util.function.DoubleUnaryOperator exact, java.util.function.Function<Float, Float> reference,
                      long maxVsReference, long maxVsExact, float exactFrom) {
        int top = Float.floatToRawIntBits(120f);
        float[] x = new float[1 << 15], y = new float[x.length];
        long worstRef = 0, worstExact = 0, n = 0;
        float worstRefX = 0, worstExactX = 0;
        for (int sign = 0; sign < 2; sign++) {
            int k = 0;
            for (int b = 0; ; b += 97) {
                boolean last = b > top;
                if (!last) x[k++] = Float.intBitsToFloat(b | (sign << 31));
                if (k == x.length || (last && k > 0)) {
                    VectorKernels.unary(op, 0, 0, x, 0, 1, y, 0, k);
                    for (int i = 0; i < k; i++) {
                        long dr = ulps(reference.apply(x[i]), y[i]);
                        if (dr > worstRef) { worstRef = dr; worstRefX = x[i]; }
                        if (x[i] >= exactFrom) {
                            long de = ulps((float) exact.applyAsDouble(x[i]), y[i]);
                            if (de > worstExact) { worstExact = de; worstExactX = x[i]; }
                        }
                    }
                    n += k;
                    k = 0;
                }
                if (last) break;
            }
        }
        assertTrue(n > 5_000_000, "swept " + n);
        if (worstRef > maxVsReference) fail(op + ": " + worstRef + " ulps from the scalar reference at x = " + worstRefX);
        if (worstExact > maxVsExact) fail(op + ": " + worstExact + " ulps from the exact value at x = " + worstExactX);
    }

    @Test
    void expIsWithinOneUlp() {
        sweep(UnaryOp.EXP, Math::exp, TranscendentalKernelsTest::expRef, 1, 1, Float.NEGATIVE_INFINITY);
    }

    @Test
    void tanhIsWithinOneUlp() {
        sweep(UnaryOp.TANH, Math::tanh, TranscendentalKernelsTest::tanhRef, 1, 1, Float.NEGATIVE_INFINITY);
    }

    @Test
    void sigmoidIsWithinTwoUlpsOfTheExactValue() {
        // the scalar reference computes 1 / (1 + e^-x) in float too, so the two may round apart by a few ulps where
        // 1 + e^-x is large; against the exact value (where the float formula does not overflow) both stay close
        sweep(UnaryOp.SIGMOID, v -> 1 / (1 + Math.exp(-v)), TranscendentalKernelsTest::sigmoidRef, 4, 2, -87f);
    }

    // ------------------------------------------------------------------ log

    /** The kernel's algorithm written with scalar float operations (Java's float arithmetic and Math.fma are exact IEEE). */
    static float logSameSteps(float x) {
        if (Float.isNaN(x) || x < 0) return Float.NaN;
        if (x == 0) return Float.NEGATIVE_INFINITY;
        if (x == Float.POSITIVE_INFINITY) return x;
        float eAdd = 0;
        if (x < Float.MIN_NORMAL) {
            x *= 0x1p23f;
            eAdd = -23;
        }
        int b = Float.floatToRawIntBits(x);
        float m = Float.intBitsToFloat((b & 0x807fffff) | 0x3f000000);
        float e = (float) ((b >>> 23) - 126) + eAdd;
        boolean low = m < VectorKernels.SQRT_HALF_F;
        e = e - (low ? 1f : 0f);
        float f = (m + (low ? m : 0f)) - 1f;
        float z = f * f;
        float p = Math.fma(f, VectorKernels.L8, VectorKernels.L7);
        p = Math.fma(p, f, VectorKernels.L6);
        p = Math.fma(p, f, VectorKernels.L5);
        p = Math.fma(p, f, VectorKernels.L4);
        p = Math.fma(p, f, VectorKernels.L3);
        p = Math.fma(p, f, VectorKernels.L2);
        p = Math.fma(p, f, VectorKernels.L1);
        p = Math.fma(p, f, VectorKernels.L0);
        float y = p * f * z;
        y = Math.fma(e, VectorKernels.LOG_LN2_LO, y);
        y = Math.fma(z, -0.5f, y);
        return Math.fma(e, VectorKernels.LOG_LN2_HI, f + y);
    }

    @Test
    void logSpecialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, -1f, -Float.MIN_VALUE, 1f,
            Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, 2f, 0.5f, (float) Math.E};
        float[] y = run(UnaryOp.LOG, x);
        assertTrue(Float.isNaN(y[0]), "log(NaN)");
        assertBits(Float.POSITIVE_INFINITY, y[1], "log(+inf)");
        assertTrue(Float.isNaN(y[2]), "log(-inf)");
        assertBits(Float.NEGATIVE_INFINITY, y[3], "log(0)");
        assertBits(Float.NEGATIVE_INFINITY, y[4], "log(-0)");
        assertTrue(Float.isNaN(y[5]) && Float.isNaN(y[6]), "log of a negative");
        assertBits(0f, y[7], "log(1)");
        for (int i = 8; i < x.length; i++) {
            assertTrue(ulps((float) Math.log(x[i]), y[i]) <= 1, "log(" + x[i] + ") = " + y[i] + ", Math.log " + Math.log(x[i]));
        }
        assertBits((float) Math.log(2), y[11], "log(2)");
    }

    @Test
    void logIsWithinOneUlpOverAllPositiveFloats() {
        float[] x = new float[1 << 15], y = new float[x.length];
        long worstRef = 0, worstExact = 0, n = 0;
        float worstX = 0;
        int k = 0;
        for (long b = 1; ; b += 211) { // subnormals to MAX_VALUE
            boolean last = b >= 0x7f800000L;
            if (!last) x[k++] = Float.intBitsToFloat((int) b);
            if (k == x.length || (last && k > 0)) {
                VectorKernels.unary(UnaryOp.LOG, 0, 0, x, 0, 1, y, 0, k);
                for (int i = 0; i < k; i++) {
                    long dr = ulps((float) Math.log(x[i]), y[i]);
                    if (dr > worstRef) { worstRef = dr; worstX = x[i]; }
                    // off by at most 0.85 ulp from the exact value (1 ulp counted in the result's binade)
                    double err = Math.abs(y[i] - Math.log(x[i])) / Math.ulp((float) Math.log(x[i]));
                    if (err > 0.85) worstExact = Math.max(worstExact, 1);
                    assertBits(logSameSteps(x[i]), y[i], "log(" + x[i] + ") against the same steps in scalar float");
                }
                n += k;
                k = 0;
            }
            if (last) break;
        }
        assertTrue(n > 10_000_000, "swept " + n);
        assertTrue(worstRef <= 1, worstRef + " ulps from (float) Math.log at x = " + worstX);
        assertEquals(0, worstExact, "an error above 0.85 ulp of the exact value");
    }

    // ------------------------------------------------------------------ the per-element functions

    /**
     * The functions without a kernel of our own run Math's per element: bit for bit the scalar reference, through
     * the array kernels and through the one-vector functions the fused loops call, in float and in float64.
     */
    @Test
    void perElementFunctionsAreTheScalarReferenceBitForBit() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        int n = 1000;
        float[] x = new float[n];
        double[] xd = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextDouble(-12, 12);
            xd[i] = r.nextDouble(-12, 12);
        }
        UnaryOp[] ops = {UnaryOp.SIN, UnaryOp.COS, UnaryOp.LOG1P, UnaryOp.EXPM1, UnaryOp.SOFTPLUS, UnaryOp.ELU, UnaryOp.SELU, UnaryOp.POW};
        for (UnaryOp op : ops) {
            float p0 = op == UnaryOp.POW ? 1.5f : 1.0507f, p1 = 1.6733f;
            float[] y = new float[n];
            VectorKernels.unary(op, p0, p1, x, 0, 1, y, 0, n);
            double[] yd = new double[n];
            VectorKernels.unary(op, p0, p1, xd, 0, 1, yd, 0, n);
            for (int i = 0; i < n; i++) {
                assertBits(ScalarKernels.apply(op, x[i], p0, p1), y[i], op + " float of " + x[i]);
                assertEquals(Double.doubleToLongBits(ScalarKernels.apply(op, xd[i], (double) p0, (double) p1)),
                        Double.doubleToLongBits(yd[i]), op + " float64 of " + xd[i]);
            }
        }
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID}) {
            double[] yd = new double[n];
            VectorKernels.unary(op, 0, 0, xd, 0, 1, yd, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToLongBits(ScalarKernels.apply(op, xd[i], 0.0, 0.0)), Double.doubleToLongBits(yd[i]),
                        op + " float64 of " + xd[i]);
            }
        }
        // the one-vector functions of the fused loops
        float[] lane = java.util.Arrays.copyOf(x, VectorKernels.FL);
        float[] got = new float[VectorKernels.FL];
        jdk.incubator.vector.FloatVector v = jdk.incubator.vector.FloatVector.fromArray(VectorKernels.FS, lane, 0);
        VectorKernels.u_SIN(v, 0, 0).intoArray(got, 0);
        for (int i = 0; i < got.length; i++) assertBits((float) Math.sin(lane[i]), got[i], "u_SIN");
        VectorKernels.b_POW(v.abs(), v).intoArray(got, 0);
        for (int i = 0; i < got.length; i++) assertBits((float) Math.pow(Math.abs(lane[i]), lane[i]), got[i], "b_POW");
        float[] p = new float[n];
        VectorKernels.binary(dev.vela.spi.BinaryOp.POW, java.util.Arrays.copyOf(x, n), 0, 1, x, 0, 1, p, 0, n);
        for (int i = 0; i < n; i++) assertBits((float) Math.pow(x[i], x[i]), p[i], "binary pow of " + x[i]);
    }
}
