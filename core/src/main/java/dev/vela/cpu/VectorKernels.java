// Vector API (jdk.incubator.vector) CPU kernels over plain float[]/double[] runs: elementwise, reductions, matmul.
package dev.vela.cpu;

import dev.vela.spi.BinaryOp;
import dev.vela.spi.ReduceOp;
import dev.vela.spi.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinTask;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Low-level CPU kernels as static methods over Java arrays, vectorized with the incubating Vector API. Every method
 * has a plain-loop twin in {@link ScalarKernels} with the same signature and semantics (the test reference).
 *
 * <p>Semantics shared by both: float32 kernels compute in float32 (the scalar parameters {@code p0, p1} are rounded
 * to float first, as NumPy treats Python scalars); MAX/MIN/RELU/CLIP propagate NaN like {@link Math#max}; ROUND is
 * half-to-even; comparisons write 1 or 0. Arithmetic ops give the same bits as the scalar reference; the
 * transcendental ones (exp, log, tanh, sin, cos, pow, log1p, expm1 and what is built from them) come from the Vector
 * API's math library and may differ from {@link Math} by a few ulps. Reductions and matmul are deterministic: the
 * same inputs give the same bits whatever the thread count.
 */
public final class VectorKernels {
    private VectorKernels() {}

    static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    /** Floats with as many lanes as DS, so a float load converts to one double vector. */
    static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(DS.vectorBitSize() / 2));
    static final int FL = FS.length(), DL = DS.length();

    /** Elements per block of a SUM/PROD reduction; block results are added in order, in double. */
    static final int BLOCK = 4096;
    /** Strided inputs are gathered into buffers of this many elements before running the vector code. */
    static final int CHUNK = 1024;

    // matmul blocking: register tile MR x (2 vectors), packed panels of KC (depth) x NC (columns), MC rows of A
    static final int MR = 6, KC = 256, MC = 96, NC = 1024;
    static final int NRW_F = 2 * FL, NRW_D = 2 * DL;
    /** Products with fewer multiply-adds than this run on the calling thread. */
    static final long PARALLEL_THRESHOLD = 1L << 18;

    private static final float TWO23F = 8388608f;          // 2^23: floats at or above are integers
    private static final double TWO52D = 4503599627370496.0; // 2^52: doubles at or above are integers
    private static final int SIGN_F = 0x80000000;
    private static final long SIGN_D = 0x8000000000000000L;

    /** SELU's scale on the negative side, p0 * p1, rounded once to the kernel's type. */
    static float seluNegScale(float p0, float p1) {
        return (float) ((double) p0 * p1);
    }

    static double seluNegScale(double p0, double p1) {
        return p0 * p1;
    }

    static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }

    /**
     * Splits C into row (or, when C is wider than tall, column) ranges {i0, i1, j0, j1} for the common pool, or
     * returns null when the product is too small or does not split. Ranges are whole register tiles.
     */
    static List<int[]> splitRanges(int m, int n, int k, int nrw) {
        int threads = Runtime.getRuntime().availableProcessors();
        if (threads < 2 || (long) m * n * k < PARALLEL_THRESHOLD) return null;
        List<int[]> out = new ArrayList<>();
        if (m >= n) {
            int step = roundUp((m + threads - 1) / threads, MR);
            if (step >= m) return null;
            for (int i = 0; i < m; i += step) out.add(new int[] {i, Math.min(m, i + step), 0, n});
        } else {
            int step = roundUp((n + threads - 1) / threads, nrw);
            if (step >= n) return null;
            for (int j = 0; j < n; j += step) out.add(new int[] {0, m, j, Math.min(n, j + step)});
        }
        return out;
    }

    // ===================================================================== float32: elementwise unary

    /**
     * {@code out[outOff+i] = f(x[xOff+i*xStride])} for {@code i < n}; {@code p0, p1} are rounded to float first.
     * {@code out} may alias {@code x} only exactly (same offset, stride 1).
     */
    public static void unary(UnaryOp op, double p0, double p1, float[] x, int xOff, int xStride,
                             float[] out, int outOff, int n) {
        if (n <= 0) return;
        float q0 = (float) p0, q1 = (float) p1;
        if (xStride == 1) {
            unaryContig(op, q0, q1, x, xOff, out, outOff, n);
        } else if (xStride == 0) {
            // one value broadcast: compute it once through the vector path so it matches the contiguous result
            float[] t = new float[FL];
            Arrays.fill(t, x[xOff]);
            unaryContig(op, q0, q1, t, 0, t, 0, FL);
            Arrays.fill(out, outOff, outOff + n, t[0]);
        } else {
            // gather strided input into a chunk buffer so every layout goes through the same vector code
            float[] buf = new float[Math.min(n, CHUNK)];
            for (int c = 0; c < n; c += CHUNK) {
                int len = Math.min(CHUNK, n - c);
                for (int i = 0, xi = xOff + c * xStride; i < len; i++, xi += xStride) buf[i] = x[xi];
                unaryContig(op, q0, q1, buf, 0, out, outOff + c, len);
            }
        }
    }

    private static void unaryContig(UnaryOp op, float p0, float p1, float[] x, int xo, float[] out, int oo, int n) {
        final int ub = FS.loopBound(n);
        if (ub > 0) UNARY_F[op.ordinal()].run(x, xo, out, oo, ub, p0, p1);
        if (ub < n) {
            // tail: run the same vector code on a zero-padded copy so a value's result never depends on its position
            int r = n - ub;
            float[] t = new float[FL];
            System.arraycopy(x, xo + ub, t, 0, r);
            UNARY_F[op.ordinal()].run(t, 0, t, 0, FL, p0, p1);
            System.arraycopy(t, 0, out, oo + ub, r);
        }
    }

    /** One vector loop over {@code n} (a multiple of FL) elements. */
    @FunctionalInterface
    private interface UnaryF {
        void run(float[] x, int xo, float[] out, int oo, int n, float p0, float p1);
    }

    /*
     * One small method per op, reached through this table, rather than one switch holding every loop: C2 compiles
     * a switch of 30 vector loops as one unit, runs out of inlining budget and boxes every vector (10-100x slower).
     * The call through the table is megamorphic, so each op's loop is compiled on its own.
     */
    private static final UnaryF[] UNARY_F = new UnaryF[UnaryOp.values().length];

    static {
        for (UnaryOp op : UnaryOp.values()) UNARY_F[op.ordinal()] = unaryF(op);
    }

    private static UnaryF unaryF(UnaryOp op) {
        return switch (op) {
            case NEG -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).neg().intoArray(out, oo + i); };
            case ABS -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).abs().intoArray(out, oo + i); };
            case EXP -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).lanewise(VectorOperators.EXP).intoArray(out, oo + i); };
            case LOG -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).lanewise(VectorOperators.LOG).intoArray(out, oo + i); };
            case SQRT -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).sqrt().intoArray(out, oo + i); };
            case SQUARE -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) { FloatVector v = FloatVector.fromArray(FS, x, xo + i); v.mul(v).intoArray(out, oo + i); } };
            case SIGMOID -> (x, xo, out, oo, n, p0, p1) -> {
                FloatVector one = FloatVector.broadcast(FS, 1f);
                for (int i = 0; i < n; i += FL) one.div(FloatVector.fromArray(FS, x, xo + i).neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(out, oo + i);
            };
            case TANH -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).lanewise(VectorOperators.TANH).intoArray(out, oo + i); };
            // lanewise MAX/MIN follow Math.max/min: NaN propagates and max(-0, 0) is +0
            case RELU -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).lanewise(VectorOperators.MAX, 0f).intoArray(out, oo + i); };
            case SIN -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).lanewise(VectorOperators.SIN).intoArray(out, oo + i); };
            case COS -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).lanewise(VectorOperators.COS).intoArray(out, oo + i); };
            case SIGN -> (x, xo, out, oo, n, p0, p1) -> {  // Math.signum: ±0 and NaN map to themselves
                for (int i = 0; i < n; i += FL) {
                    FloatVector v = FloatVector.fromArray(FS, x, xo + i);
                    v.blend(1f, v.compare(VectorOperators.GT, 0f)).blend(-1f, v.compare(VectorOperators.LT, 0f)).intoArray(out, oo + i);
                }
            };
            case RECIPROCAL -> (x, xo, out, oo, n, p0, p1) -> {
                FloatVector one = FloatVector.broadcast(FS, 1f);
                for (int i = 0; i < n; i += FL) one.div(FloatVector.fromArray(FS, x, xo + i)).intoArray(out, oo + i);
            };
            // FLOOR, CEIL, ROUND: there is no lanewise rint, so round half-to-even by adding and subtracting 2^23
            // (exact in nearest-even mode for |v| < 2^23; larger values are integers already, NaN fails the
            // compare), restoring the sign bit so -0.3 rounds to -0.0 as Math.rint does
            case ROUND -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += FL) {
                    FloatVector v = FloatVector.fromArray(FS, x, xo + i), a = v.abs();
                    IntVector r = a.blend(a.add(TWO23F).sub(TWO23F), a.compare(VectorOperators.LT, TWO23F)).viewAsIntegralLanes();
                    r.or(v.viewAsIntegralLanes().and(SIGN_F)).viewAsFloatingLanes().intoArray(out, oo + i);
                }
            };
            case FLOOR -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += FL) {
                    FloatVector v = FloatVector.fromArray(FS, x, xo + i), a = v.abs();
                    IntVector ri = a.blend(a.add(TWO23F).sub(TWO23F), a.compare(VectorOperators.LT, TWO23F)).viewAsIntegralLanes();
                    FloatVector r = ri.or(v.viewAsIntegralLanes().and(SIGN_F)).viewAsFloatingLanes();
                    r.blend(r.sub(1f), r.compare(VectorOperators.GT, v)).intoArray(out, oo + i);
                }
            };
            case CEIL -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += FL) {
                    FloatVector v = FloatVector.fromArray(FS, x, xo + i), a = v.abs();
                    IntVector ri = a.blend(a.add(TWO23F).sub(TWO23F), a.compare(VectorOperators.LT, TWO23F)).viewAsIntegralLanes();
                    IntVector sign = v.viewAsIntegralLanes().and(SIGN_F);
                    FloatVector r = ri.or(sign).viewAsFloatingLanes();
                    IntVector c = r.blend(r.add(1f), r.compare(VectorOperators.LT, v)).viewAsIntegralLanes();
                    // the sign again: inputs in (-1, 0) give -0.0, as Math.ceil does
                    c.and(~SIGN_F).or(sign).viewAsFloatingLanes().intoArray(out, oo + i);
                }
            };
            case LOG1P -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).lanewise(VectorOperators.LOG1P).intoArray(out, oo + i); };
            case EXPM1 -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).lanewise(VectorOperators.EXPM1).intoArray(out, oo + i); };
            case SOFTPLUS -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += FL) {
                    FloatVector v = FloatVector.fromArray(FS, x, xo + i);
                    v.lanewise(VectorOperators.MAX, 0f)
                            .add(v.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P)).intoArray(out, oo + i);
                }
            };
            case SOFTSIGN -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) { FloatVector v = FloatVector.fromArray(FS, x, xo + i); v.div(v.abs().add(1f)).intoArray(out, oo + i); } };
            case ELU -> (x, xo, out, oo, n, p0, p1) -> {  // expm1 is exp(x) - 1 without the cancellation near 0
                for (int i = 0; i < n; i += FL) {
                    FloatVector v = FloatVector.fromArray(FS, x, xo + i);
                    v.lanewise(VectorOperators.EXPM1).mul(p0).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, oo + i);
                }
            };
            case SELU -> (x, xo, out, oo, n, p0, p1) -> {
                float s = seluNegScale(p0, p1);
                for (int i = 0; i < n; i += FL) {
                    FloatVector v = FloatVector.fromArray(FS, x, xo + i);
                    v.lanewise(VectorOperators.EXPM1).mul(s).blend(v.mul(p0), v.compare(VectorOperators.GT, 0f)).intoArray(out, oo + i);
                }
            };
            case LEAKY_RELU -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += FL) {
                    FloatVector v = FloatVector.fromArray(FS, x, xo + i);
                    v.mul(p0).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, oo + i);
                }
            };
            case CLIP -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).lanewise(VectorOperators.MAX, p0).lanewise(VectorOperators.MIN, p1).intoArray(out, oo + i);
            };
            case POW -> (x, xo, out, oo, n, p0, p1) -> {
                if (p0 == 2f) {  // pow(x, 2) is exactly x*x in IEEE arithmetic; skip the transcendental
                    for (int i = 0; i < n; i += FL) { FloatVector v = FloatVector.fromArray(FS, x, xo + i); v.mul(v).intoArray(out, oo + i); }
                } else if (p0 == 1f) {
                    if (x != out || xo != oo) System.arraycopy(x, xo, out, oo, n);
                } else {
                    for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).lanewise(VectorOperators.POW, p0).intoArray(out, oo + i);
                }
            };
            case AFFINE -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, x, xo + i).mul(p0).add(p1).intoArray(out, oo + i); };
            case HARD_SIGMOID -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += FL) {
                    FloatVector.fromArray(FS, x, xo + i).mul(0.2f).add(0.5f)
                            .lanewise(VectorOperators.MAX, 0f).lanewise(VectorOperators.MIN, 1f).intoArray(out, oo + i);
                }
            };
            case IN_RANGE -> (x, xo, out, oo, n, p0, p1) -> {
                FloatVector zero = FloatVector.zero(FS);
                for (int i = 0; i < n; i += FL) {
                    FloatVector v = FloatVector.fromArray(FS, x, xo + i);
                    zero.blend(1f, v.compare(VectorOperators.GE, p0).and(v.compare(VectorOperators.LE, p1))).intoArray(out, oo + i);
                }
            };
            case STEP -> (x, xo, out, oo, n, p0, p1) -> {
                FloatVector zero = FloatVector.zero(FS);
                for (int i = 0; i < n; i += FL) zero.blend(1f, FloatVector.fromArray(FS, x, xo + i).compare(VectorOperators.GT, p0)).intoArray(out, oo + i);
            };
            case ONE_MINUS_SQUARE -> (x, xo, out, oo, n, p0, p1) -> {
                FloatVector one = FloatVector.broadcast(FS, 1f);
                for (int i = 0; i < n; i += FL) { FloatVector v = FloatVector.fromArray(FS, x, xo + i); one.sub(v.mul(v)).intoArray(out, oo + i); }
            };
            case SIGMOID_GRAD_FROM_OUT -> (x, xo, out, oo, n, p0, p1) -> {
                FloatVector one = FloatVector.broadcast(FS, 1f);
                for (int i = 0; i < n; i += FL) { FloatVector v = FloatVector.fromArray(FS, x, xo + i); v.mul(one.sub(v)).intoArray(out, oo + i); }
            };
            case IS_NAN -> (x, xo, out, oo, n, p0, p1) -> {
                FloatVector zero = FloatVector.zero(FS);
                for (int i = 0; i < n; i += FL) zero.blend(1f, FloatVector.fromArray(FS, x, xo + i).test(VectorOperators.IS_NAN)).intoArray(out, oo + i);
            };
            case FLUSH_SUBNORMAL -> (x, xo, out, oo, n, p0, p1) -> {
                FloatVector zero = FloatVector.zero(FS);
                for (int i = 0; i < n; i += FL) {
                    FloatVector v = FloatVector.fromArray(FS, x, xo + i);
                    v.blend(zero, v.abs().lt(Float.MIN_NORMAL)).intoArray(out, oo + i);
                }
            };
        };
    }

    // ===================================================================== float32: elementwise binary

    /**
     * {@code out[outOff+i] = a[aOff+i*aStride] op b[bOff+i*bStride]} for {@code i < n}. Strides may be 0 (broadcast),
     * 1 or anything else. {@code out} may alias an input only exactly (same offset, stride 1).
     */
    public static void binary(BinaryOp op, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                              float[] out, int outOff, int n) {
        if (n <= 0) return;
        boolean aSimple = aStride == 0 || aStride == 1, bSimple = bStride == 0 || bStride == 1;
        if (aSimple && bSimple) {
            binarySimple(op, a, aOff, aStride, b, bOff, bStride, out, outOff, n);
            return;
        }
        // gather the strided operand(s) chunk by chunk, then run the contiguous/broadcast kernels
        float[] ba = aSimple ? null : new float[Math.min(n, CHUNK)];
        float[] bb = bSimple ? null : new float[Math.min(n, CHUNK)];
        for (int c = 0; c < n; c += CHUNK) {
            int len = Math.min(CHUNK, n - c);
            float[] ca = a, cb = b;
            int cao = aOff + c * aStride, cbo = bOff + c * bStride, cas = aStride, cbs = bStride;
            if (ba != null) {
                for (int i = 0, j = cao; i < len; i++, j += aStride) ba[i] = a[j];
                ca = ba; cao = 0; cas = 1;
            }
            if (bb != null) {
                for (int i = 0, j = cbo; i < len; i++, j += bStride) bb[i] = b[j];
                cb = bb; cbo = 0; cbs = 1;
            }
            binarySimple(op, ca, cao, cas, cb, cbo, cbs, out, outOff + c, len);
        }
    }

    // The three shapes below (vector-vector, vector-scalar, scalar-vector) each dispatch through a table of
    // per-op loops, for the reason given at UNARY_F.

    /** Strides are each 0 or 1. */
    private static void binarySimple(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs,
                                     float[] out, int oo, int n) {
        if (as == 1 && bs == 1) {
            binaryVV(op, a, ao, b, bo, out, oo, n);
        } else if (as == 1) {
            binaryVS(op, a, ao, b[bo], out, oo, n);
        } else if (bs == 1) {
            binarySV(op, a[ao], b, bo, out, oo, n);
        } else {
            float[] t = new float[FL];
            Arrays.fill(t, a[ao]);
            binaryVS(op, t, 0, b[bo], t, 0, FL);
            Arrays.fill(out, oo, oo + n, t[0]);
        }
    }

    private static void binaryVV(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        final int ub = FS.loopBound(n);
        if (ub > 0) BINARYVV_F[op.ordinal()].run(a, ao, b, bo, out, oo, ub);
        if (ub < n) {
            int r = n - ub;
            float[] ta = new float[FL], tb = new float[FL];
            System.arraycopy(a, ao + ub, ta, 0, r);
            System.arraycopy(b, bo + ub, tb, 0, r);
            binaryVV(op, ta, 0, tb, 0, ta, 0, FL);
            System.arraycopy(ta, 0, out, oo + ub, r);
        }
    }

    @FunctionalInterface
    private interface BinVVF {
        void run(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);
    }

    private static final BinVVF[] BINARYVV_F = new BinVVF[BinaryOp.values().length];

    static {
        for (BinaryOp op : BinaryOp.values()) BINARYVV_F[op.ordinal()] = binaryVVF(op);
    }

    private static BinVVF binaryVVF(BinaryOp op) {
        return switch (op) {
            case ADD -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).add(FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i); };
            case SUB -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).sub(FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i); };
            case MUL -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).mul(FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i); };
            case DIV -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).div(FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i); };
            case MAX -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).lanewise(VectorOperators.MAX, FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i); };
            case MIN -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).lanewise(VectorOperators.MIN, FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i); };
            case POW -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).lanewise(VectorOperators.POW, FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i); };
            case EQ -> (a, ao, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.EQ, FloatVector.fromArray(FS, b, bo + i))).intoArray(out, oo + i);
            };
            case NE -> (a, ao, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.NE, FloatVector.fromArray(FS, b, bo + i))).intoArray(out, oo + i);
            };
            case LT -> (a, ao, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.LT, FloatVector.fromArray(FS, b, bo + i))).intoArray(out, oo + i);
            };
            case LE -> (a, ao, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.LE, FloatVector.fromArray(FS, b, bo + i))).intoArray(out, oo + i);
            };
            case GT -> (a, ao, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.GT, FloatVector.fromArray(FS, b, bo + i))).intoArray(out, oo + i);
            };
            case GE -> (a, ao, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.GE, FloatVector.fromArray(FS, b, bo + i))).intoArray(out, oo + i);
            };
            case AND -> (a, ao, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.NE, 0f).and(FloatVector.fromArray(FS, b, bo + i).compare(VectorOperators.NE, 0f))).intoArray(out, oo + i);
            };
            case OR -> (a, ao, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.NE, 0f).or(FloatVector.fromArray(FS, b, bo + i).compare(VectorOperators.NE, 0f))).intoArray(out, oo + i);
            };
        };
    }

    private static void binaryVS(BinaryOp op, float[] a, int ao, float s, float[] out, int oo, int n) {
        final int ub = FS.loopBound(n);
        if (ub > 0) BINARYVS_F[op.ordinal()].run(a, ao, s, out, oo, ub);
        if (ub < n) {
            int r = n - ub;
            float[] t = new float[FL];
            System.arraycopy(a, ao + ub, t, 0, r);
            binaryVS(op, t, 0, s, t, 0, FL);
            System.arraycopy(t, 0, out, oo + ub, r);
        }
    }

    @FunctionalInterface
    private interface BinVSF {
        void run(float[] a, int ao, float s, float[] out, int oo, int n);
    }

    private static final BinVSF[] BINARYVS_F = new BinVSF[BinaryOp.values().length];

    static {
        for (BinaryOp op : BinaryOp.values()) BINARYVS_F[op.ordinal()] = binaryVSF(op);
    }

    private static BinVSF binaryVSF(BinaryOp op) {
        return switch (op) {
            case ADD -> (a, ao, s, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).add(vs).intoArray(out, oo + i);
            };
            case SUB -> (a, ao, s, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).sub(vs).intoArray(out, oo + i);
            };
            case MUL -> (a, ao, s, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).mul(vs).intoArray(out, oo + i);
            };
            case DIV -> (a, ao, s, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).div(vs).intoArray(out, oo + i);
            };
            case MAX -> (a, ao, s, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).lanewise(VectorOperators.MAX, vs).intoArray(out, oo + i);
            };
            case MIN -> (a, ao, s, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).lanewise(VectorOperators.MIN, vs).intoArray(out, oo + i);
            };
            case POW -> (a, ao, s, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) FloatVector.fromArray(FS, a, ao + i).lanewise(VectorOperators.POW, vs).intoArray(out, oo + i);
            };
            case EQ -> (a, ao, s, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS), vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.EQ, vs)).intoArray(out, oo + i);
            };
            case NE -> (a, ao, s, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS), vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.NE, vs)).intoArray(out, oo + i);
            };
            case LT -> (a, ao, s, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS), vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.LT, vs)).intoArray(out, oo + i);
            };
            case LE -> (a, ao, s, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS), vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.LE, vs)).intoArray(out, oo + i);
            };
            case GT -> (a, ao, s, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS), vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.GT, vs)).intoArray(out, oo + i);
            };
            case GE -> (a, ao, s, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS), vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.GE, vs)).intoArray(out, oo + i);
            };
            case AND -> (a, ao, s, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS);
                if (s == 0f) Arrays.fill(out, oo, oo + n, 0f);
                else for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.NE, 0f)).intoArray(out, oo + i);
            };
            case OR -> (a, ao, s, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS);
                if (s != 0f) Arrays.fill(out, oo, oo + n, 1f);
                else for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, a, ao + i).compare(VectorOperators.NE, 0f)).intoArray(out, oo + i);
            };
        };
    }

    private static void binarySV(BinaryOp op, float s, float[] b, int bo, float[] out, int oo, int n) {
        final int ub = FS.loopBound(n);
        if (ub > 0) BINARYSV_F[op.ordinal()].run(s, b, bo, out, oo, ub);
        if (ub < n) {
            int r = n - ub;
            float[] t = new float[FL];
            System.arraycopy(b, bo + ub, t, 0, r);
            binarySV(op, s, t, 0, t, 0, FL);
            System.arraycopy(t, 0, out, oo + ub, r);
        }
    }

    @FunctionalInterface
    private interface BinSVF {
        void run(float s, float[] b, int bo, float[] out, int oo, int n);
    }

    private static final BinSVF[] BINARYSV_F = new BinSVF[BinaryOp.values().length];

    static {
        for (BinaryOp op : BinaryOp.values()) BINARYSV_F[op.ordinal()] = binarySVF(op);
    }

    private static BinSVF binarySVF(BinaryOp op) {
        return switch (op) {
            case ADD -> (s, b, bo, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) vs.add(FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i);
            };
            case SUB -> (s, b, bo, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) vs.sub(FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i);
            };
            case MUL -> (s, b, bo, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) vs.mul(FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i);
            };
            case DIV -> (s, b, bo, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) vs.div(FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i);
            };
            case MAX -> (s, b, bo, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) vs.lanewise(VectorOperators.MAX, FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i);
            };
            case MIN -> (s, b, bo, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) vs.lanewise(VectorOperators.MIN, FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i);
            };
            case POW -> (s, b, bo, out, oo, n) -> {
                FloatVector vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) vs.lanewise(VectorOperators.POW, FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i);
            };
            case EQ -> (s, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS), vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) z.blend(1f, vs.compare(VectorOperators.EQ, FloatVector.fromArray(FS, b, bo + i))).intoArray(out, oo + i);
            };
            case NE -> (s, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS), vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) z.blend(1f, vs.compare(VectorOperators.NE, FloatVector.fromArray(FS, b, bo + i))).intoArray(out, oo + i);
            };
            case LT -> (s, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS), vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) z.blend(1f, vs.compare(VectorOperators.LT, FloatVector.fromArray(FS, b, bo + i))).intoArray(out, oo + i);
            };
            case LE -> (s, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS), vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) z.blend(1f, vs.compare(VectorOperators.LE, FloatVector.fromArray(FS, b, bo + i))).intoArray(out, oo + i);
            };
            case GT -> (s, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS), vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) z.blend(1f, vs.compare(VectorOperators.GT, FloatVector.fromArray(FS, b, bo + i))).intoArray(out, oo + i);
            };
            case GE -> (s, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS), vs = FloatVector.broadcast(FS, s);
                for (int i = 0; i < n; i += FL) z.blend(1f, vs.compare(VectorOperators.GE, FloatVector.fromArray(FS, b, bo + i))).intoArray(out, oo + i);
            };
            case AND -> (s, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS);
                if (s == 0f) Arrays.fill(out, oo, oo + n, 0f);
                else for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, b, bo + i).compare(VectorOperators.NE, 0f)).intoArray(out, oo + i);
            };
            case OR -> (s, b, bo, out, oo, n) -> {
                FloatVector z = FloatVector.zero(FS);
                if (s != 0f) Arrays.fill(out, oo, oo + n, 1f);
                else for (int i = 0; i < n; i += FL) z.blend(1f, FloatVector.fromArray(FS, b, bo + i).compare(VectorOperators.NE, 0f)).intoArray(out, oo + i);
            };
        };
    }

    // ===================================================================== float32: reductions

    /**
     * Reduction of the contiguous run {@code x[off .. off+n)}; {@code n == 0} gives the identity. SUM and PROD
     * accumulate in double lanes within fixed blocks of {@value #BLOCK} elements whose results are added in order,
     * so the result is deterministic and close to the exact sum. MAX/MIN propagate NaN.
     */
    public static double reduce(ReduceOp op, float[] x, int off, int n) {
        return switch (op) {
            case SUM -> sumF(x, off, n);
            case PROD -> prodF(x, off, n);
            case MAX -> maxF(x, off, n);
            case MIN -> minF(x, off, n);
        };
    }

    /** Reduction of {@code x[off + i*stride]} for {@code i < n}; sequential in double (vectorized when stride is 1). */
    public static double reduceStrided(ReduceOp op, float[] x, int off, int stride, int n) {
        if (stride == 1) return reduce(op, x, off, n);
        switch (op) {
            case SUM -> { double s = 0; for (int i = 0, j = off; i < n; i++, j += stride) s += x[j]; return s; }
            case PROD -> { double s = 1; for (int i = 0, j = off; i < n; i++, j += stride) s *= x[j]; return s; }
            case MAX -> { float s = Float.NEGATIVE_INFINITY; for (int i = 0, j = off; i < n; i++, j += stride) s = Math.max(s, x[j]); return s; }
            case MIN -> { float s = Float.POSITIVE_INFINITY; for (int i = 0, j = off; i < n; i++, j += stride) s = Math.min(s, x[j]); return s; }
            default -> throw new AssertionError(op);
        }
    }

    private static double sumF(float[] x, int off, int n) {
        final int step = 4 * DL;
        double[] lanes = new double[DL];
        double total = 0;
        for (int blk = 0; blk < n; blk += BLOCK) {
            int end = Math.min(n, blk + BLOCK), i = blk;
            DoubleVector s0 = DoubleVector.zero(DS), s1 = s0, s2 = s0, s3 = s0;
            for (; i <= end - step; i += step) {
                int o = off + i;
                s0 = s0.add(FloatVector.fromArray(FH, x, o).convertShape(VectorOperators.F2D, DS, 0));
                s1 = s1.add(FloatVector.fromArray(FH, x, o + DL).convertShape(VectorOperators.F2D, DS, 0));
                s2 = s2.add(FloatVector.fromArray(FH, x, o + 2 * DL).convertShape(VectorOperators.F2D, DS, 0));
                s3 = s3.add(FloatVector.fromArray(FH, x, o + 3 * DL).convertShape(VectorOperators.F2D, DS, 0));
            }
            // lanes are combined in a fixed order (reduceLanes leaves the order of float additions unspecified)
            s0.add(s1).add(s2.add(s3)).intoArray(lanes, 0);
            double s = 0;
            for (int l = 0; l < DL; l++) s += lanes[l];
            for (; i < end; i++) s += x[off + i];
            total += s;
        }
        return total;
    }

    private static double prodF(float[] x, int off, int n) {
        final int step = 4 * DL;
        double[] lanes = new double[DL];
        double total = 1;
        for (int blk = 0; blk < n; blk += BLOCK) {
            int end = Math.min(n, blk + BLOCK), i = blk;
            DoubleVector s0 = DoubleVector.broadcast(DS, 1.0), s1 = s0, s2 = s0, s3 = s0;
            for (; i <= end - step; i += step) {
                int o = off + i;
                s0 = s0.mul(FloatVector.fromArray(FH, x, o).convertShape(VectorOperators.F2D, DS, 0));
                s1 = s1.mul(FloatVector.fromArray(FH, x, o + DL).convertShape(VectorOperators.F2D, DS, 0));
                s2 = s2.mul(FloatVector.fromArray(FH, x, o + 2 * DL).convertShape(VectorOperators.F2D, DS, 0));
                s3 = s3.mul(FloatVector.fromArray(FH, x, o + 3 * DL).convertShape(VectorOperators.F2D, DS, 0));
            }
            s0.mul(s1).mul(s2.mul(s3)).intoArray(lanes, 0);
            double s = 1;
            for (int l = 0; l < DL; l++) s *= lanes[l];
            for (; i < end; i++) s *= x[off + i];
            total *= s;
        }
        return total;
    }

    private static double maxF(float[] x, int off, int n) {
        final int ub = FS.loopBound(n);
        float r = Float.NEGATIVE_INFINITY;
        if (ub > 0) {
            FloatVector m = FloatVector.broadcast(FS, r);
            for (int i = 0; i < ub; i += FL) m = m.lanewise(VectorOperators.MAX, FloatVector.fromArray(FS, x, off + i));
            float[] lanes = new float[FL];
            m.intoArray(lanes, 0);
            for (float v : lanes) r = Math.max(r, v);
        }
        for (int i = ub; i < n; i++) r = Math.max(r, x[off + i]);
        return r;
    }

    private static double minF(float[] x, int off, int n) {
        final int ub = FS.loopBound(n);
        float r = Float.POSITIVE_INFINITY;
        if (ub > 0) {
            FloatVector m = FloatVector.broadcast(FS, r);
            for (int i = 0; i < ub; i += FL) m = m.lanewise(VectorOperators.MIN, FloatVector.fromArray(FS, x, off + i));
            float[] lanes = new float[FL];
            m.intoArray(lanes, 0);
            for (float v : lanes) r = Math.min(r, v);
        }
        for (int i = ub; i < n; i++) r = Math.min(r, x[off + i]);
        return r;
    }

    /**
     * Column reduction of the contiguous block {@code x[off ..]} seen as [rows, cols]:
     * {@code out[outOff+j] = reduce over i of x[off + i*cols + j]}. Each column is reduced sequentially over i
     * (SUM/PROD in double, rounded once), vectorized across j. {@code rows == 0} writes the identity; {@code out}
     * must not overlap {@code x}.
     */
    public static void reduceRows(ReduceOp op, float[] x, int off, int rows, int cols, float[] out, int outOff) {
        if (cols <= 0) return;
        switch (op) {
            case SUM, PROD -> {
                boolean sum = op == ReduceOp.SUM;
                double[] acc = new double[Math.min(cols, CHUNK)];
                for (int c0 = 0; c0 < cols; c0 += CHUNK) {
                    int w = Math.min(CHUNK, cols - c0), ub = FH.loopBound(w);
                    Arrays.fill(acc, 0, w, sum ? 0.0 : 1.0);
                    for (int i = 0; i < rows; i++) {
                        int base = off + i * cols + c0;
                        if (sum) {
                            for (int j = 0; j < ub; j += DL) {
                                DoubleVector.fromArray(DS, acc, j)
                                        .add(FloatVector.fromArray(FH, x, base + j).convertShape(VectorOperators.F2D, DS, 0)).intoArray(acc, j);
                            }
                            for (int j = ub; j < w; j++) acc[j] += x[base + j];
                        } else {
                            for (int j = 0; j < ub; j += DL) {
                                DoubleVector.fromArray(DS, acc, j)
                                        .mul(FloatVector.fromArray(FH, x, base + j).convertShape(VectorOperators.F2D, DS, 0)).intoArray(acc, j);
                            }
                            for (int j = ub; j < w; j++) acc[j] *= x[base + j];
                        }
                    }
                    for (int j = 0; j < w; j++) out[outOff + c0 + j] = (float) acc[j];
                }
            }
            case MAX -> {
                Arrays.fill(out, outOff, outOff + cols, Float.NEGATIVE_INFINITY);
                int ub = FS.loopBound(cols);
                for (int i = 0; i < rows; i++) {
                    int base = off + i * cols;
                    for (int j = 0; j < ub; j += FL) {
                        FloatVector.fromArray(FS, out, outOff + j).lanewise(VectorOperators.MAX, FloatVector.fromArray(FS, x, base + j)).intoArray(out, outOff + j);
                    }
                    for (int j = ub; j < cols; j++) out[outOff + j] = Math.max(out[outOff + j], x[base + j]);
                }
            }
            case MIN -> {
                Arrays.fill(out, outOff, outOff + cols, Float.POSITIVE_INFINITY);
                int ub = FS.loopBound(cols);
                for (int i = 0; i < rows; i++) {
                    int base = off + i * cols;
                    for (int j = 0; j < ub; j += FL) {
                        FloatVector.fromArray(FS, out, outOff + j).lanewise(VectorOperators.MIN, FloatVector.fromArray(FS, x, base + j)).intoArray(out, outOff + j);
                    }
                    for (int j = ub; j < cols; j++) out[outOff + j] = Math.min(out[outOff + j], x[base + j]);
                }
            }
        }
    }

    // ===================================================================== float32: matmul

    /**
     * {@code C[m,n] = op(A)[m,k] · op(B)[k,n]}, row-major with leading dimensions, overwriting C. {@code op(A)} is A
     * stored [m,k] ({@code A(i,p) = a[aOff+i*lda+p]}) or, when {@code transA}, A stored [k,m]
     * ({@code A(i,p) = a[aOff+p*lda+i]}); likewise B stored [k,n] or, when {@code transB}, [n,k]. C must not
     * overlap A or B. Large products are split over the common ForkJoinPool; every element of C is computed by one
     * task in the same order whatever the split, so results do not depend on the thread count.
     */
    public static void matmul(float[] a, int aOff, int lda, boolean transA, float[] b, int bOff, int ldb, boolean transB,
                              float[] c, int cOff, int ldc, int m, int n, int k) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        if (n == 1 && !transA) { // matrix-vector: packing 32-wide panels would waste 31 of every 32 lanes
            gemvF(a, aOff, lda, b, bOff, transB ? 1 : ldb, c, cOff, ldc, m, k);
            return;
        }
        if (!transB && (m <= 64 || k <= 64) && n >= FL) { // few rows or a short inner dimension: packing B costs more than it saves
            gemmRowsF(a, aOff, lda, transA, b, bOff, ldb, c, cOff, ldc, m, n, k);
            return;
        }
        List<int[]> ranges = splitRanges(m, n, k, NRW_F);
        if (ranges == null) {
            gemmF(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, k, 0, m, 0, n);
            return;
        }
        List<ForkJoinTask<?>> work = new ArrayList<>(ranges.size());
        for (int[] r : ranges) {
            work.add(ForkJoinTask.adapt(() -> gemmF(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, k, r[0], r[1], r[2], r[3])));
        }
        ForkJoinTask.invokeAll(work);
    }

    /**
     * C = op(A)·B for row-major B without packing: 4 rows of C by 2 vectors of columns held in registers,
     * streaming B's rows; the column chunk of B stays in cache across row groups. Columns are split over
     * the pool when the product is large. Each C element is one in-order sum over k.
     */
    private static void gemmRowsF(float[] a, int aOff, int lda, boolean transA, float[] b, int bOff, int ldb,
                                  float[] c, int cOff, int ldc, int m, int n, int k) {
        int w = 2 * FL;
        int chunks = (n + w - 1) / w;
        Par.forRange(chunks, (long) m * k * w / 4, (lo, hi) -> {
            for (long ch = lo; ch < hi; ch++) {
                int j = (int) ch * w;
                // k in the same KC-deep blocks as the packed path (a block's sum from zero, then added to C),
                // so every element gets the same bits whichever path or split computes it
                for (int pc = 0; pc < k; pc += KC) {
                    int kb = Math.min(KC, k - pc);
                    boolean acc = pc > 0;
                    if (j + w <= n) {
                        for (int i = 0; i < m; i += 4) {
                            rowsBlockF(a, aOff, lda, transA, b, bOff, ldb, c, cOff, ldc, i, Math.min(4, m - i), j, pc, kb, acc);
                        }
                    } else {
                        for (int i = 0; i < m; i++) { // the last partial chunk: scalar columns
                            for (int jj = j; jj < n; jj++) {
                                float part = 0;
                                for (int p = pc; p < pc + kb; p++) part = Math.fma(aAt(a, aOff, lda, transA, i, p), b[bOff + p * ldb + jj], part);
                                int ci = cOff + i * ldc + jj;
                                c[ci] = acc ? part + c[ci] : part;
                            }
                        }
                    }
                }
            }
        });
    }

    private static float aAt(float[] a, int aOff, int lda, boolean transA, int i, int p) {
        return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    /** rows [i, i+r) (r <= 4) times columns [j, j + 2 vectors). */
    private static void rowsBlockF(float[] a, int aOff, int lda, boolean transA, float[] b, int bOff, int ldb,
                                   float[] c, int cOff, int ldc, int i, int r, int j, int p0, int kb, boolean acc) {
        FloatVector c00 = FloatVector.zero(FS), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = p0; p < p0 + kb; p++) {
            int bo = bOff + p * ldb + j;
            FloatVector b0 = FloatVector.fromArray(FS, b, bo), b1 = FloatVector.fromArray(FS, b, bo + FL);
            FloatVector a0 = FloatVector.broadcast(FS, aAt(a, aOff, lda, transA, i, p));
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            if (r > 1) {
                FloatVector a1 = FloatVector.broadcast(FS, aAt(a, aOff, lda, transA, i + 1, p));
                c10 = a1.fma(b0, c10);
                c11 = a1.fma(b1, c11);
            }
            if (r > 2) {
                FloatVector a2 = FloatVector.broadcast(FS, aAt(a, aOff, lda, transA, i + 2, p));
                c20 = a2.fma(b0, c20);
                c21 = a2.fma(b1, c21);
            }
            if (r > 3) {
                FloatVector a3 = FloatVector.broadcast(FS, aAt(a, aOff, lda, transA, i + 3, p));
                c30 = a3.fma(b0, c30);
                c31 = a3.fma(b1, c31);
            }
        }
        int co = cOff + i * ldc + j;
        store(c00, c, co, acc);
        store(c01, c, co + FL, acc);
        if (r > 1) { store(c10, c, co + ldc, acc); store(c11, c, co + ldc + FL, acc); }
        if (r > 2) { store(c20, c, co + 2 * ldc, acc); store(c21, c, co + 2 * ldc + FL, acc); }
        if (r > 3) { store(c30, c, co + 3 * ldc, acc); store(c31, c, co + 3 * ldc + FL, acc); }
    }

    /** C = partial, or partial + C for later k blocks (the packed kernel's order). */
    private static void store(FloatVector part, float[] c, int o, boolean acc) {
        (acc ? part.add(FloatVector.fromArray(FS, c, o)) : part).intoArray(c, o);
    }

    /** c[i] = A[i, :] · x for a row-major A and a vector x with stride xs; each row is one vector dot product. */
    private static void gemvF(float[] a, int aOff, int lda, float[] x, int xOff, int xs, float[] c, int cOff, int ldc, int m, int k) {
        float[] xv = new float[k];
        for (int p = 0; p < k; p++) xv[p] = x[xOff + p * xs];
        var sp = FloatVector.SPECIES_PREFERRED;
        int lanes = sp.length(), kv = k - k % lanes;
        for (int i = 0; i < m; i++) {
            int row = aOff + i * lda;
            FloatVector acc = FloatVector.zero(sp);
            int p = 0;
            for (; p < kv; p += lanes) acc = FloatVector.fromArray(sp, a, row + p).fma(FloatVector.fromArray(sp, xv, p), acc);
            float s = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
            for (; p < k; p++) s += a[row + p] * xv[p];
            c[cOff + i * ldc] = s;
        }
    }

    private static void gemvD(double[] a, int aOff, int lda, double[] x, int xOff, int xs, double[] c, int cOff, int ldc, int m, int k) {
        double[] xv = new double[k];
        for (int p = 0; p < k; p++) xv[p] = x[xOff + p * xs];
        var sp = DoubleVector.SPECIES_PREFERRED;
        int lanes = sp.length(), kv = k - k % lanes;
        for (int i = 0; i < m; i++) {
            int row = aOff + i * lda;
            DoubleVector acc = DoubleVector.zero(sp);
            int p = 0;
            for (; p < kv; p += lanes) acc = DoubleVector.fromArray(sp, a, row + p).fma(DoubleVector.fromArray(sp, xv, p), acc);
            double s = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
            for (; p < k; p++) s += a[row + p] * xv[p];
            c[cOff + i * ldc] = s;
        }
    }

    /** The blocked product for rows [i0,i1) and columns [j0,j1) of C (GotoBLAS loop order: jc, pc, ic, jr, ir). */
    private static void gemmF(float[] a, int aOff, int lda, boolean transA, float[] b, int bOff, int ldb, boolean transB,
                              float[] c, int cOff, int ldc, int k, int i0, int i1, int j0, int j1) {
        final int nrw = NRW_F;
        int kcMax = Math.min(KC, k);
        float[] bp = new float[kcMax * roundUp(Math.min(NC, j1 - j0), nrw)];
        float[] ap = new float[kcMax * roundUp(Math.min(MC, i1 - i0), MR)];
        float[] tile = new float[MR * nrw];
        for (int jc = j0; jc < j1; jc += NC) {
            int nb = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kb = Math.min(KC, k - pc);
                packBF(b, bOff, ldb, transB, pc, kb, jc, nb, bp);
                boolean acc = pc > 0;
                for (int ic = i0; ic < i1; ic += MC) {
                    int mb = Math.min(MC, i1 - ic);
                    packAF(a, aOff, lda, transA, ic, mb, pc, kb, ap);
                    for (int jr = 0; jr < nb; jr += nrw) {
                        int cols = Math.min(nrw, nb - jr), bo = (jr / nrw) * kb * nrw;
                        for (int ir = 0; ir < mb; ir += MR) {
                            kernelF(ap, (ir / MR) * kb * MR, bp, bo, kb, c, cOff + (ic + ir) * ldc + jc + jr, ldc,
                                    Math.min(MR, mb - ir), cols, acc, tile);
                        }
                    }
                }
            }
        }
    }

    /** Packs op(B)[pc:pc+kb, jc:jc+nb] as column panels of width NRW_F, each row-major and zero-padded. */
    private static void packBF(float[] b, int bOff, int ldb, boolean transB, int pc, int kb, int jc, int nb, float[] bp) {
        final int nrw = NRW_F;
        for (int j = 0, base = 0; j < nb; j += nrw, base += kb * nrw) {
            int w = Math.min(nrw, nb - j);
            if (!transB) {
                for (int p = 0; p < kb; p++) {
                    int dst = base + p * nrw;
                    System.arraycopy(b, bOff + (pc + p) * ldb + jc + j, bp, dst, w);
                    if (w < nrw) Arrays.fill(bp, dst + w, dst + nrw, 0f);
                }
            } else {
                for (int jj = 0; jj < w; jj++) {
                    int src = bOff + (jc + j + jj) * ldb + pc;
                    for (int p = 0; p < kb; p++) bp[base + p * nrw + jj] = b[src + p];
                }
                if (w < nrw) for (int p = 0; p < kb; p++) Arrays.fill(bp, base + p * nrw + w, base + (p + 1) * nrw, 0f);
            }
        }
    }

    /** Packs op(A)[ic:ic+mb, pc:pc+kb] as row panels of height MR, each column-major and zero-padded. */
    private static void packAF(float[] a, int aOff, int lda, boolean transA, int ic, int mb, int pc, int kb, float[] ap) {
        for (int i = 0, base = 0; i < mb; i += MR, base += kb * MR) {
            int h = Math.min(MR, mb - i);
            if (!transA) {
                for (int r = 0; r < h; r++) {
                    int src = aOff + (ic + i + r) * lda + pc;
                    for (int p = 0; p < kb; p++) ap[base + p * MR + r] = a[src + p];
                }
            } else {
                for (int p = 0; p < kb; p++) {
                    int src = aOff + (pc + p) * lda + ic + i;
                    for (int r = 0; r < h; r++) ap[base + p * MR + r] = a[src + r];
                }
            }
            if (h < MR) for (int p = 0; p < kb; p++) for (int r = h; r < MR; r++) ap[base + p * MR + r] = 0f;
        }
    }

    /**
     * The register tile: a 6 x (2 vectors) block of C from packed panels. {@code acc} adds to C (later k blocks)
     * instead of overwriting it. Edge tiles go through {@code tile} so no vector crosses a method boundary.
     */
    private static void kernelF(float[] ap, int ao, float[] bp, int bo, int kb, float[] c, int co, int ldc,
                                int rows, int cols, boolean acc, float[] tile) {
        final int nrw = NRW_F;
        FloatVector c00 = FloatVector.zero(FS), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0, ai = ao, bi = bo; p < kb; p++, ai += MR, bi += nrw) {
            FloatVector b0 = FloatVector.fromArray(FS, bp, bi), b1 = FloatVector.fromArray(FS, bp, bi + FL);
            FloatVector av = FloatVector.broadcast(FS, ap[ai]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(FS, ap[ai + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(FS, ap[ai + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(FS, ap[ai + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(FS, ap[ai + 4]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(FS, ap[ai + 5]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
        }
        if (rows == MR && cols == nrw) {
            int o0 = co, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
            if (acc) {
                c00 = c00.add(FloatVector.fromArray(FS, c, o0)); c01 = c01.add(FloatVector.fromArray(FS, c, o0 + FL));
                c10 = c10.add(FloatVector.fromArray(FS, c, o1)); c11 = c11.add(FloatVector.fromArray(FS, c, o1 + FL));
                c20 = c20.add(FloatVector.fromArray(FS, c, o2)); c21 = c21.add(FloatVector.fromArray(FS, c, o2 + FL));
                c30 = c30.add(FloatVector.fromArray(FS, c, o3)); c31 = c31.add(FloatVector.fromArray(FS, c, o3 + FL));
                c40 = c40.add(FloatVector.fromArray(FS, c, o4)); c41 = c41.add(FloatVector.fromArray(FS, c, o4 + FL));
                c50 = c50.add(FloatVector.fromArray(FS, c, o5)); c51 = c51.add(FloatVector.fromArray(FS, c, o5 + FL));
            }
            c00.intoArray(c, o0); c01.intoArray(c, o0 + FL);
            c10.intoArray(c, o1); c11.intoArray(c, o1 + FL);
            c20.intoArray(c, o2); c21.intoArray(c, o2 + FL);
            c30.intoArray(c, o3); c31.intoArray(c, o3 + FL);
            c40.intoArray(c, o4); c41.intoArray(c, o4 + FL);
            c50.intoArray(c, o5); c51.intoArray(c, o5 + FL);
        } else {
            c00.intoArray(tile, 0); c01.intoArray(tile, FL);
            c10.intoArray(tile, nrw); c11.intoArray(tile, nrw + FL);
            c20.intoArray(tile, 2 * nrw); c21.intoArray(tile, 2 * nrw + FL);
            c30.intoArray(tile, 3 * nrw); c31.intoArray(tile, 3 * nrw + FL);
            c40.intoArray(tile, 4 * nrw); c41.intoArray(tile, 4 * nrw + FL);
            c50.intoArray(tile, 5 * nrw); c51.intoArray(tile, 5 * nrw + FL);
            for (int r = 0; r < rows; r++) {
                int o = co + r * ldc, t = r * nrw;
                if (acc) for (int j = 0; j < cols; j++) c[o + j] += tile[t + j];
                else System.arraycopy(tile, t, c, o, cols);
            }
        }
    }
    // ===================================================================== float64: elementwise unary

    /**
     * {@code out[outOff+i] = f(x[xOff+i*xStride])} for {@code i < n} (float64).
     * {@code out} may alias {@code x} only exactly (same offset, stride 1).
     */
    public static void unary(UnaryOp op, double p0, double p1, double[] x, int xOff, int xStride,
                             double[] out, int outOff, int n) {
        if (n <= 0) return;
        double q0 = p0, q1 = p1;
        if (xStride == 1) {
            unaryContig(op, q0, q1, x, xOff, out, outOff, n);
        } else if (xStride == 0) {
            // one value broadcast: compute it once through the vector path so it matches the contiguous result
            double[] t = new double[DL];
            Arrays.fill(t, x[xOff]);
            unaryContig(op, q0, q1, t, 0, t, 0, DL);
            Arrays.fill(out, outOff, outOff + n, t[0]);
        } else {
            // gather strided input into a chunk buffer so every layout goes through the same vector code
            double[] buf = new double[Math.min(n, CHUNK)];
            for (int c = 0; c < n; c += CHUNK) {
                int len = Math.min(CHUNK, n - c);
                for (int i = 0, xi = xOff + c * xStride; i < len; i++, xi += xStride) buf[i] = x[xi];
                unaryContig(op, q0, q1, buf, 0, out, outOff + c, len);
            }
        }
    }

    private static void unaryContig(UnaryOp op, double p0, double p1, double[] x, int xo, double[] out, int oo, int n) {
        final int ub = DS.loopBound(n);
        if (ub > 0) UNARY_D[op.ordinal()].run(x, xo, out, oo, ub, p0, p1);
        if (ub < n) {
            // tail: run the same vector code on a zero-padded copy so a value's result never depends on its position
            int r = n - ub;
            double[] t = new double[DL];
            System.arraycopy(x, xo + ub, t, 0, r);
            UNARY_D[op.ordinal()].run(t, 0, t, 0, DL, p0, p1);
            System.arraycopy(t, 0, out, oo + ub, r);
        }
    }

    /** One vector loop over {@code n} (a multiple of DL) elements. */
    @FunctionalInterface
    private interface UnaryD {
        void run(double[] x, int xo, double[] out, int oo, int n, double p0, double p1);
    }

    // one method per op, for the reason given at UNARY_F
    private static final UnaryD[] UNARY_D = new UnaryD[UnaryOp.values().length];

    static {
        for (UnaryOp op : UnaryOp.values()) UNARY_D[op.ordinal()] = unaryD(op);
    }

    private static UnaryD unaryD(UnaryOp op) {
        return switch (op) {
            case NEG -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).neg().intoArray(out, oo + i); };
            case ABS -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).abs().intoArray(out, oo + i); };
            case EXP -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).lanewise(VectorOperators.EXP).intoArray(out, oo + i); };
            case LOG -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).lanewise(VectorOperators.LOG).intoArray(out, oo + i); };
            case SQRT -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).sqrt().intoArray(out, oo + i); };
            case SQUARE -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) { DoubleVector v = DoubleVector.fromArray(DS, x, xo + i); v.mul(v).intoArray(out, oo + i); } };
            case SIGMOID -> (x, xo, out, oo, n, p0, p1) -> {
                DoubleVector one = DoubleVector.broadcast(DS, 1.0);
                for (int i = 0; i < n; i += DL) one.div(DoubleVector.fromArray(DS, x, xo + i).neg().lanewise(VectorOperators.EXP).add(1.0)).intoArray(out, oo + i);
            };
            case TANH -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).lanewise(VectorOperators.TANH).intoArray(out, oo + i); };
            // lanewise MAX/MIN follow Math.max/min: NaN propagates and max(-0, 0) is +0
            case RELU -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).lanewise(VectorOperators.MAX, 0.0).intoArray(out, oo + i); };
            case SIN -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).lanewise(VectorOperators.SIN).intoArray(out, oo + i); };
            case COS -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).lanewise(VectorOperators.COS).intoArray(out, oo + i); };
            case SIGN -> (x, xo, out, oo, n, p0, p1) -> {  // Math.signum: ±0 and NaN map to themselves
                for (int i = 0; i < n; i += DL) {
                    DoubleVector v = DoubleVector.fromArray(DS, x, xo + i);
                    v.blend(1.0, v.compare(VectorOperators.GT, 0.0)).blend(-1.0, v.compare(VectorOperators.LT, 0.0)).intoArray(out, oo + i);
                }
            };
            case RECIPROCAL -> (x, xo, out, oo, n, p0, p1) -> {
                DoubleVector one = DoubleVector.broadcast(DS, 1.0);
                for (int i = 0; i < n; i += DL) one.div(DoubleVector.fromArray(DS, x, xo + i)).intoArray(out, oo + i);
            };
            // FLOOR, CEIL, ROUND: there is no lanewise rint, so round half-to-even by adding and subtracting 2^52
            // (exact in nearest-even mode for |v| < 2^52; larger values are integers already, NaN fails the
            // compare), restoring the sign bit so -0.3 rounds to -0.0 as Math.rint does
            case ROUND -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += DL) {
                    DoubleVector v = DoubleVector.fromArray(DS, x, xo + i), a = v.abs();
                    LongVector r = a.blend(a.add(TWO52D).sub(TWO52D), a.compare(VectorOperators.LT, TWO52D)).viewAsIntegralLanes();
                    r.or(v.viewAsIntegralLanes().and(SIGN_D)).viewAsFloatingLanes().intoArray(out, oo + i);
                }
            };
            case FLOOR -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += DL) {
                    DoubleVector v = DoubleVector.fromArray(DS, x, xo + i), a = v.abs();
                    LongVector ri = a.blend(a.add(TWO52D).sub(TWO52D), a.compare(VectorOperators.LT, TWO52D)).viewAsIntegralLanes();
                    DoubleVector r = ri.or(v.viewAsIntegralLanes().and(SIGN_D)).viewAsFloatingLanes();
                    r.blend(r.sub(1.0), r.compare(VectorOperators.GT, v)).intoArray(out, oo + i);
                }
            };
            case CEIL -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += DL) {
                    DoubleVector v = DoubleVector.fromArray(DS, x, xo + i), a = v.abs();
                    LongVector ri = a.blend(a.add(TWO52D).sub(TWO52D), a.compare(VectorOperators.LT, TWO52D)).viewAsIntegralLanes();
                    LongVector sign = v.viewAsIntegralLanes().and(SIGN_D);
                    DoubleVector r = ri.or(sign).viewAsFloatingLanes();
                    LongVector c = r.blend(r.add(1.0), r.compare(VectorOperators.LT, v)).viewAsIntegralLanes();
                    // the sign again: inputs in (-1, 0) give -0.0, as Math.ceil does
                    c.and(~SIGN_D).or(sign).viewAsFloatingLanes().intoArray(out, oo + i);
                }
            };
            case LOG1P -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).lanewise(VectorOperators.LOG1P).intoArray(out, oo + i); };
            case EXPM1 -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).lanewise(VectorOperators.EXPM1).intoArray(out, oo + i); };
            case SOFTPLUS -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += DL) {
                    DoubleVector v = DoubleVector.fromArray(DS, x, xo + i);
                    v.lanewise(VectorOperators.MAX, 0.0)
                            .add(v.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P)).intoArray(out, oo + i);
                }
            };
            case SOFTSIGN -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) { DoubleVector v = DoubleVector.fromArray(DS, x, xo + i); v.div(v.abs().add(1.0)).intoArray(out, oo + i); } };
            case ELU -> (x, xo, out, oo, n, p0, p1) -> {  // expm1 is exp(x) - 1 without the cancellation near 0
                for (int i = 0; i < n; i += DL) {
                    DoubleVector v = DoubleVector.fromArray(DS, x, xo + i);
                    v.lanewise(VectorOperators.EXPM1).mul(p0).blend(v, v.compare(VectorOperators.GT, 0.0)).intoArray(out, oo + i);
                }
            };
            case SELU -> (x, xo, out, oo, n, p0, p1) -> {
                double s = seluNegScale(p0, p1);
                for (int i = 0; i < n; i += DL) {
                    DoubleVector v = DoubleVector.fromArray(DS, x, xo + i);
                    v.lanewise(VectorOperators.EXPM1).mul(s).blend(v.mul(p0), v.compare(VectorOperators.GT, 0.0)).intoArray(out, oo + i);
                }
            };
            case LEAKY_RELU -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += DL) {
                    DoubleVector v = DoubleVector.fromArray(DS, x, xo + i);
                    v.mul(p0).blend(v, v.compare(VectorOperators.GT, 0.0)).intoArray(out, oo + i);
                }
            };
            case CLIP -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).lanewise(VectorOperators.MAX, p0).lanewise(VectorOperators.MIN, p1).intoArray(out, oo + i);
            };
            case POW -> (x, xo, out, oo, n, p0, p1) -> {
                if (p0 == 2.0) {  // pow(x, 2) is exactly x*x in IEEE arithmetic; skip the transcendental
                    for (int i = 0; i < n; i += DL) { DoubleVector v = DoubleVector.fromArray(DS, x, xo + i); v.mul(v).intoArray(out, oo + i); }
                } else if (p0 == 1.0) {
                    if (x != out || xo != oo) System.arraycopy(x, xo, out, oo, n);
                } else {
                    for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).lanewise(VectorOperators.POW, p0).intoArray(out, oo + i);
                }
            };
            case AFFINE -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).mul(p0).add(p1).intoArray(out, oo + i); };
            case HARD_SIGMOID -> (x, xo, out, oo, n, p0, p1) -> {
                for (int i = 0; i < n; i += DL) {
                    DoubleVector.fromArray(DS, x, xo + i).mul(0.2).add(0.5)
                            .lanewise(VectorOperators.MAX, 0.0).lanewise(VectorOperators.MIN, 1.0).intoArray(out, oo + i);
                }
            };
            case IN_RANGE -> (x, xo, out, oo, n, p0, p1) -> {
                DoubleVector zero = DoubleVector.zero(DS);
                for (int i = 0; i < n; i += DL) {
                    DoubleVector v = DoubleVector.fromArray(DS, x, xo + i);
                    zero.blend(1.0, v.compare(VectorOperators.GE, p0).and(v.compare(VectorOperators.LE, p1))).intoArray(out, oo + i);
                }
            };
            case STEP -> (x, xo, out, oo, n, p0, p1) -> {
                DoubleVector zero = DoubleVector.zero(DS);
                for (int i = 0; i < n; i += DL) zero.blend(1.0, DoubleVector.fromArray(DS, x, xo + i).compare(VectorOperators.GT, p0)).intoArray(out, oo + i);
            };
            case ONE_MINUS_SQUARE -> (x, xo, out, oo, n, p0, p1) -> {
                DoubleVector one = DoubleVector.broadcast(DS, 1.0);
                for (int i = 0; i < n; i += DL) { DoubleVector v = DoubleVector.fromArray(DS, x, xo + i); one.sub(v.mul(v)).intoArray(out, oo + i); }
            };
            case SIGMOID_GRAD_FROM_OUT -> (x, xo, out, oo, n, p0, p1) -> {
                DoubleVector one = DoubleVector.broadcast(DS, 1.0);
                for (int i = 0; i < n; i += DL) { DoubleVector v = DoubleVector.fromArray(DS, x, xo + i); v.mul(one.sub(v)).intoArray(out, oo + i); }
            };
            case IS_NAN -> (x, xo, out, oo, n, p0, p1) -> {
                DoubleVector zero = DoubleVector.zero(DS);
                for (int i = 0; i < n; i += DL) zero.blend(1.0, DoubleVector.fromArray(DS, x, xo + i).test(VectorOperators.IS_NAN)).intoArray(out, oo + i);
            };
            case FLUSH_SUBNORMAL -> (x, xo, out, oo, n, p0, p1) -> {
                DoubleVector zero = DoubleVector.zero(DS);
                for (int i = 0; i < n; i += DL) {
                    DoubleVector v = DoubleVector.fromArray(DS, x, xo + i);
                    v.blend(zero, v.abs().lt(Double.MIN_NORMAL)).intoArray(out, oo + i);
                }
            };
        };
    }

    // ===================================================================== float64: elementwise binary

    /**
     * {@code out[outOff+i] = a[aOff+i*aStride] op b[bOff+i*bStride]} for {@code i < n}. Strides may be 0 (broadcast),
     * 1 or anything else. {@code out} may alias an input only exactly (same offset, stride 1).
     */
    public static void binary(BinaryOp op, double[] a, int aOff, int aStride, double[] b, int bOff, int bStride,
                              double[] out, int outOff, int n) {
        if (n <= 0) return;
        boolean aSimple = aStride == 0 || aStride == 1, bSimple = bStride == 0 || bStride == 1;
        if (aSimple && bSimple) {
            binarySimple(op, a, aOff, aStride, b, bOff, bStride, out, outOff, n);
            return;
        }
        // gather the strided operand(s) chunk by chunk, then run the contiguous/broadcast kernels
        double[] ba = aSimple ? null : new double[Math.min(n, CHUNK)];
        double[] bb = bSimple ? null : new double[Math.min(n, CHUNK)];
        for (int c = 0; c < n; c += CHUNK) {
            int len = Math.min(CHUNK, n - c);
            double[] ca = a, cb = b;
            int cao = aOff + c * aStride, cbo = bOff + c * bStride, cas = aStride, cbs = bStride;
            if (ba != null) {
                for (int i = 0, j = cao; i < len; i++, j += aStride) ba[i] = a[j];
                ca = ba; cao = 0; cas = 1;
            }
            if (bb != null) {
                for (int i = 0, j = cbo; i < len; i++, j += bStride) bb[i] = b[j];
                cb = bb; cbo = 0; cbs = 1;
            }
            binarySimple(op, ca, cao, cas, cb, cbo, cbs, out, outOff + c, len);
        }
    }

    // The three shapes below (vector-vector, vector-scalar, scalar-vector) each dispatch through a table of
    // per-op loops, for the reason given at UNARY_F.

    /** Strides are each 0 or 1. */
    private static void binarySimple(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs,
                                     double[] out, int oo, int n) {
        if (as == 1 && bs == 1) {
            binaryVV(op, a, ao, b, bo, out, oo, n);
        } else if (as == 1) {
            binaryVS(op, a, ao, b[bo], out, oo, n);
        } else if (bs == 1) {
            binarySV(op, a[ao], b, bo, out, oo, n);
        } else {
            double[] t = new double[DL];
            Arrays.fill(t, a[ao]);
            binaryVS(op, t, 0, b[bo], t, 0, DL);
            Arrays.fill(out, oo, oo + n, t[0]);
        }
    }

    private static void binaryVV(BinaryOp op, double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        final int ub = DS.loopBound(n);
        if (ub > 0) BINARYVV_D[op.ordinal()].run(a, ao, b, bo, out, oo, ub);
        if (ub < n) {
            int r = n - ub;
            double[] ta = new double[DL], tb = new double[DL];
            System.arraycopy(a, ao + ub, ta, 0, r);
            System.arraycopy(b, bo + ub, tb, 0, r);
            binaryVV(op, ta, 0, tb, 0, ta, 0, DL);
            System.arraycopy(ta, 0, out, oo + ub, r);
        }
    }

    @FunctionalInterface
    private interface BinVVD {
        void run(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n);
    }

    private static final BinVVD[] BINARYVV_D = new BinVVD[BinaryOp.values().length];

    static {
        for (BinaryOp op : BinaryOp.values()) BINARYVV_D[op.ordinal()] = binaryVVD(op);
    }

    private static BinVVD binaryVVD(BinaryOp op) {
        return switch (op) {
            case ADD -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).add(DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i); };
            case SUB -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).sub(DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i); };
            case MUL -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).mul(DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i); };
            case DIV -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).div(DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i); };
            case MAX -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).lanewise(VectorOperators.MAX, DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i); };
            case MIN -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).lanewise(VectorOperators.MIN, DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i); };
            case POW -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).lanewise(VectorOperators.POW, DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i); };
            case EQ -> (a, ao, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.EQ, DoubleVector.fromArray(DS, b, bo + i))).intoArray(out, oo + i);
            };
            case NE -> (a, ao, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.NE, DoubleVector.fromArray(DS, b, bo + i))).intoArray(out, oo + i);
            };
            case LT -> (a, ao, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.LT, DoubleVector.fromArray(DS, b, bo + i))).intoArray(out, oo + i);
            };
            case LE -> (a, ao, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.LE, DoubleVector.fromArray(DS, b, bo + i))).intoArray(out, oo + i);
            };
            case GT -> (a, ao, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.GT, DoubleVector.fromArray(DS, b, bo + i))).intoArray(out, oo + i);
            };
            case GE -> (a, ao, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.GE, DoubleVector.fromArray(DS, b, bo + i))).intoArray(out, oo + i);
            };
            case AND -> (a, ao, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.NE, 0.0).and(DoubleVector.fromArray(DS, b, bo + i).compare(VectorOperators.NE, 0.0))).intoArray(out, oo + i);
            };
            case OR -> (a, ao, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.NE, 0.0).or(DoubleVector.fromArray(DS, b, bo + i).compare(VectorOperators.NE, 0.0))).intoArray(out, oo + i);
            };
        };
    }

    private static void binaryVS(BinaryOp op, double[] a, int ao, double s, double[] out, int oo, int n) {
        final int ub = DS.loopBound(n);
        if (ub > 0) BINARYVS_D[op.ordinal()].run(a, ao, s, out, oo, ub);
        if (ub < n) {
            int r = n - ub;
            double[] t = new double[DL];
            System.arraycopy(a, ao + ub, t, 0, r);
            binaryVS(op, t, 0, s, t, 0, DL);
            System.arraycopy(t, 0, out, oo + ub, r);
        }
    }

    @FunctionalInterface
    private interface BinVSD {
        void run(double[] a, int ao, double s, double[] out, int oo, int n);
    }

    private static final BinVSD[] BINARYVS_D = new BinVSD[BinaryOp.values().length];

    static {
        for (BinaryOp op : BinaryOp.values()) BINARYVS_D[op.ordinal()] = binaryVSD(op);
    }

    private static BinVSD binaryVSD(BinaryOp op) {
        return switch (op) {
            case ADD -> (a, ao, s, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).add(vs).intoArray(out, oo + i);
            };
            case SUB -> (a, ao, s, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).sub(vs).intoArray(out, oo + i);
            };
            case MUL -> (a, ao, s, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).mul(vs).intoArray(out, oo + i);
            };
            case DIV -> (a, ao, s, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).div(vs).intoArray(out, oo + i);
            };
            case MAX -> (a, ao, s, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).lanewise(VectorOperators.MAX, vs).intoArray(out, oo + i);
            };
            case MIN -> (a, ao, s, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).lanewise(VectorOperators.MIN, vs).intoArray(out, oo + i);
            };
            case POW -> (a, ao, s, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, a, ao + i).lanewise(VectorOperators.POW, vs).intoArray(out, oo + i);
            };
            case EQ -> (a, ao, s, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS), vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.EQ, vs)).intoArray(out, oo + i);
            };
            case NE -> (a, ao, s, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS), vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.NE, vs)).intoArray(out, oo + i);
            };
            case LT -> (a, ao, s, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS), vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.LT, vs)).intoArray(out, oo + i);
            };
            case LE -> (a, ao, s, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS), vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.LE, vs)).intoArray(out, oo + i);
            };
            case GT -> (a, ao, s, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS), vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.GT, vs)).intoArray(out, oo + i);
            };
            case GE -> (a, ao, s, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS), vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.GE, vs)).intoArray(out, oo + i);
            };
            case AND -> (a, ao, s, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS);
                if (s == 0.0) Arrays.fill(out, oo, oo + n, 0.0);
                else for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.NE, 0.0)).intoArray(out, oo + i);
            };
            case OR -> (a, ao, s, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS);
                if (s != 0.0) Arrays.fill(out, oo, oo + n, 1.0);
                else for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, a, ao + i).compare(VectorOperators.NE, 0.0)).intoArray(out, oo + i);
            };
        };
    }

    private static void binarySV(BinaryOp op, double s, double[] b, int bo, double[] out, int oo, int n) {
        final int ub = DS.loopBound(n);
        if (ub > 0) BINARYSV_D[op.ordinal()].run(s, b, bo, out, oo, ub);
        if (ub < n) {
            int r = n - ub;
            double[] t = new double[DL];
            System.arraycopy(b, bo + ub, t, 0, r);
            binarySV(op, s, t, 0, t, 0, DL);
            System.arraycopy(t, 0, out, oo + ub, r);
        }
    }

    @FunctionalInterface
    private interface BinSVD {
        void run(double s, double[] b, int bo, double[] out, int oo, int n);
    }

    private static final BinSVD[] BINARYSV_D = new BinSVD[BinaryOp.values().length];

    static {
        for (BinaryOp op : BinaryOp.values()) BINARYSV_D[op.ordinal()] = binarySVD(op);
    }

    private static BinSVD binarySVD(BinaryOp op) {
        return switch (op) {
            case ADD -> (s, b, bo, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) vs.add(DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i);
            };
            case SUB -> (s, b, bo, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) vs.sub(DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i);
            };
            case MUL -> (s, b, bo, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) vs.mul(DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i);
            };
            case DIV -> (s, b, bo, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) vs.div(DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i);
            };
            case MAX -> (s, b, bo, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) vs.lanewise(VectorOperators.MAX, DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i);
            };
            case MIN -> (s, b, bo, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) vs.lanewise(VectorOperators.MIN, DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i);
            };
            case POW -> (s, b, bo, out, oo, n) -> {
                DoubleVector vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) vs.lanewise(VectorOperators.POW, DoubleVector.fromArray(DS, b, bo + i)).intoArray(out, oo + i);
            };
            case EQ -> (s, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS), vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) z.blend(1.0, vs.compare(VectorOperators.EQ, DoubleVector.fromArray(DS, b, bo + i))).intoArray(out, oo + i);
            };
            case NE -> (s, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS), vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) z.blend(1.0, vs.compare(VectorOperators.NE, DoubleVector.fromArray(DS, b, bo + i))).intoArray(out, oo + i);
            };
            case LT -> (s, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS), vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) z.blend(1.0, vs.compare(VectorOperators.LT, DoubleVector.fromArray(DS, b, bo + i))).intoArray(out, oo + i);
            };
            case LE -> (s, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS), vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) z.blend(1.0, vs.compare(VectorOperators.LE, DoubleVector.fromArray(DS, b, bo + i))).intoArray(out, oo + i);
            };
            case GT -> (s, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS), vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) z.blend(1.0, vs.compare(VectorOperators.GT, DoubleVector.fromArray(DS, b, bo + i))).intoArray(out, oo + i);
            };
            case GE -> (s, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS), vs = DoubleVector.broadcast(DS, s);
                for (int i = 0; i < n; i += DL) z.blend(1.0, vs.compare(VectorOperators.GE, DoubleVector.fromArray(DS, b, bo + i))).intoArray(out, oo + i);
            };
            case AND -> (s, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS);
                if (s == 0.0) Arrays.fill(out, oo, oo + n, 0.0);
                else for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, b, bo + i).compare(VectorOperators.NE, 0.0)).intoArray(out, oo + i);
            };
            case OR -> (s, b, bo, out, oo, n) -> {
                DoubleVector z = DoubleVector.zero(DS);
                if (s != 0.0) Arrays.fill(out, oo, oo + n, 1.0);
                else for (int i = 0; i < n; i += DL) z.blend(1.0, DoubleVector.fromArray(DS, b, bo + i).compare(VectorOperators.NE, 0.0)).intoArray(out, oo + i);
            };
        };
    }


    // ===================================================================== float64: reductions

    /** As {@link #reduce(ReduceOp, float[], int, int)}, for float64. */
    public static double reduce(ReduceOp op, double[] x, int off, int n) {
        return switch (op) {
            case SUM -> sumD(x, off, n);
            case PROD -> prodD(x, off, n);
            case MAX -> maxD(x, off, n);
            case MIN -> minD(x, off, n);
        };
    }

    /** As {@link #reduceStrided(ReduceOp, float[], int, int, int)}, for float64. */
    public static double reduceStrided(ReduceOp op, double[] x, int off, int stride, int n) {
        if (stride == 1) return reduce(op, x, off, n);
        switch (op) {
            case SUM -> { double s = 0; for (int i = 0, j = off; i < n; i++, j += stride) s += x[j]; return s; }
            case PROD -> { double s = 1; for (int i = 0, j = off; i < n; i++, j += stride) s *= x[j]; return s; }
            case MAX -> { double s = Double.NEGATIVE_INFINITY; for (int i = 0, j = off; i < n; i++, j += stride) s = Math.max(s, x[j]); return s; }
            case MIN -> { double s = Double.POSITIVE_INFINITY; for (int i = 0, j = off; i < n; i++, j += stride) s = Math.min(s, x[j]); return s; }
            default -> throw new AssertionError(op);
        }
    }

    private static double sumD(double[] x, int off, int n) {
        final int step = 4 * DL;
        double[] lanes = new double[DL];
        double total = 0;
        for (int blk = 0; blk < n; blk += BLOCK) {
            int end = Math.min(n, blk + BLOCK), i = blk;
            DoubleVector s0 = DoubleVector.zero(DS), s1 = s0, s2 = s0, s3 = s0;
            for (; i <= end - step; i += step) {
                int o = off + i;
                s0 = s0.add(DoubleVector.fromArray(DS, x, o));
                s1 = s1.add(DoubleVector.fromArray(DS, x, o + DL));
                s2 = s2.add(DoubleVector.fromArray(DS, x, o + 2 * DL));
                s3 = s3.add(DoubleVector.fromArray(DS, x, o + 3 * DL));
            }
            s0.add(s1).add(s2.add(s3)).intoArray(lanes, 0);
            double s = 0;
            for (int l = 0; l < DL; l++) s += lanes[l];
            for (; i < end; i++) s += x[off + i];
            total += s;
        }
        return total;
    }

    private static double prodD(double[] x, int off, int n) {
        final int step = 4 * DL;
        double[] lanes = new double[DL];
        double total = 1;
        for (int blk = 0; blk < n; blk += BLOCK) {
            int end = Math.min(n, blk + BLOCK), i = blk;
            DoubleVector s0 = DoubleVector.broadcast(DS, 1.0), s1 = s0, s2 = s0, s3 = s0;
            for (; i <= end - step; i += step) {
                int o = off + i;
                s0 = s0.mul(DoubleVector.fromArray(DS, x, o));
                s1 = s1.mul(DoubleVector.fromArray(DS, x, o + DL));
                s2 = s2.mul(DoubleVector.fromArray(DS, x, o + 2 * DL));
                s3 = s3.mul(DoubleVector.fromArray(DS, x, o + 3 * DL));
            }
            s0.mul(s1).mul(s2.mul(s3)).intoArray(lanes, 0);
            double s = 1;
            for (int l = 0; l < DL; l++) s *= lanes[l];
            for (; i < end; i++) s *= x[off + i];
            total *= s;
        }
        return total;
    }

    private static double maxD(double[] x, int off, int n) {
        final int ub = DS.loopBound(n);
        double r = Double.NEGATIVE_INFINITY;
        if (ub > 0) {
            DoubleVector m = DoubleVector.broadcast(DS, r);
            for (int i = 0; i < ub; i += DL) m = m.lanewise(VectorOperators.MAX, DoubleVector.fromArray(DS, x, off + i));
            double[] lanes = new double[DL];
            m.intoArray(lanes, 0);
            for (double v : lanes) r = Math.max(r, v);
        }
        for (int i = ub; i < n; i++) r = Math.max(r, x[off + i]);
        return r;
    }

    private static double minD(double[] x, int off, int n) {
        final int ub = DS.loopBound(n);
        double r = Double.POSITIVE_INFINITY;
        if (ub > 0) {
            DoubleVector m = DoubleVector.broadcast(DS, r);
            for (int i = 0; i < ub; i += DL) m = m.lanewise(VectorOperators.MIN, DoubleVector.fromArray(DS, x, off + i));
            double[] lanes = new double[DL];
            m.intoArray(lanes, 0);
            for (double v : lanes) r = Math.min(r, v);
        }
        for (int i = ub; i < n; i++) r = Math.min(r, x[off + i]);
        return r;
    }

    /** As {@link #reduceRows(ReduceOp, float[], int, int, int, float[], int)}, for float64 (accumulates in out). */
    public static void reduceRows(ReduceOp op, double[] x, int off, int rows, int cols, double[] out, int outOff) {
        if (cols <= 0) return;
        int ub = DS.loopBound(cols);
        switch (op) {
            case SUM -> {
                Arrays.fill(out, outOff, outOff + cols, 0.0);
                for (int i = 0; i < rows; i++) {
                    int base = off + i * cols;
                    for (int j = 0; j < ub; j += DL) {
                        DoubleVector.fromArray(DS, out, outOff + j).add(DoubleVector.fromArray(DS, x, base + j)).intoArray(out, outOff + j);
                    }
                    for (int j = ub; j < cols; j++) out[outOff + j] += x[base + j];
                }
            }
            case PROD -> {
                Arrays.fill(out, outOff, outOff + cols, 1.0);
                for (int i = 0; i < rows; i++) {
                    int base = off + i * cols;
                    for (int j = 0; j < ub; j += DL) {
                        DoubleVector.fromArray(DS, out, outOff + j).mul(DoubleVector.fromArray(DS, x, base + j)).intoArray(out, outOff + j);
                    }
                    for (int j = ub; j < cols; j++) out[outOff + j] *= x[base + j];
                }
            }
            case MAX -> {
                Arrays.fill(out, outOff, outOff + cols, Double.NEGATIVE_INFINITY);
                for (int i = 0; i < rows; i++) {
                    int base = off + i * cols;
                    for (int j = 0; j < ub; j += DL) {
                        DoubleVector.fromArray(DS, out, outOff + j).lanewise(VectorOperators.MAX, DoubleVector.fromArray(DS, x, base + j)).intoArray(out, outOff + j);
                    }
                    for (int j = ub; j < cols; j++) out[outOff + j] = Math.max(out[outOff + j], x[base + j]);
                }
            }
            case MIN -> {
                Arrays.fill(out, outOff, outOff + cols, Double.POSITIVE_INFINITY);
                for (int i = 0; i < rows; i++) {
                    int base = off + i * cols;
                    for (int j = 0; j < ub; j += DL) {
                        DoubleVector.fromArray(DS, out, outOff + j).lanewise(VectorOperators.MIN, DoubleVector.fromArray(DS, x, base + j)).intoArray(out, outOff + j);
                    }
                    for (int j = ub; j < cols; j++) out[outOff + j] = Math.min(out[outOff + j], x[base + j]);
                }
            }
        }
    }

    // ===================================================================== float64: matmul

    /**
     * {@code C[m,n] = op(A)[m,k] · op(B)[k,n]}, row-major with leading dimensions, overwriting C. {@code op(A)} is A
     * stored [m,k] ({@code A(i,p) = a[aOff+i*lda+p]}) or, when {@code transA}, A stored [k,m]
     * ({@code A(i,p) = a[aOff+p*lda+i]}); likewise B stored [k,n] or, when {@code transB}, [n,k]. C must not
     * overlap A or B. Large products are split over the common ForkJoinPool; every element of C is computed by one
     * task in the same order whatever the split, so results do not depend on the thread count.
     */
    public static void matmul(double[] a, int aOff, int lda, boolean transA, double[] b, int bOff, int ldb, boolean transB,
                              double[] c, int cOff, int ldc, int m, int n, int k) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
            return;
        }
        if (n == 1 && !transA) {
            gemvD(a, aOff, lda, b, bOff, transB ? 1 : ldb, c, cOff, ldc, m, k);
            return;
        }
        List<int[]> ranges = splitRanges(m, n, k, NRW_D);
        if (ranges == null) {
            gemmD(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, k, 0, m, 0, n);
            return;
        }
        List<ForkJoinTask<?>> work = new ArrayList<>(ranges.size());
        for (int[] r : ranges) {
            work.add(ForkJoinTask.adapt(() -> gemmD(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, k, r[0], r[1], r[2], r[3])));
        }
        ForkJoinTask.invokeAll(work);
    }

    /** The blocked product for rows [i0,i1) and columns [j0,j1) of C (GotoBLAS loop order: jc, pc, ic, jr, ir). */
    private static void gemmD(double[] a, int aOff, int lda, boolean transA, double[] b, int bOff, int ldb, boolean transB,
                              double[] c, int cOff, int ldc, int k, int i0, int i1, int j0, int j1) {
        final int nrw = NRW_D;
        int kcMax = Math.min(KC, k);
        double[] bp = new double[kcMax * roundUp(Math.min(NC, j1 - j0), nrw)];
        double[] ap = new double[kcMax * roundUp(Math.min(MC, i1 - i0), MR)];
        double[] tile = new double[MR * nrw];
        for (int jc = j0; jc < j1; jc += NC) {
            int nb = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kb = Math.min(KC, k - pc);
                packBD(b, bOff, ldb, transB, pc, kb, jc, nb, bp);
                boolean acc = pc > 0;
                for (int ic = i0; ic < i1; ic += MC) {
                    int mb = Math.min(MC, i1 - ic);
                    packAD(a, aOff, lda, transA, ic, mb, pc, kb, ap);
                    for (int jr = 0; jr < nb; jr += nrw) {
                        int cols = Math.min(nrw, nb - jr), bo = (jr / nrw) * kb * nrw;
                        for (int ir = 0; ir < mb; ir += MR) {
                            kernelD(ap, (ir / MR) * kb * MR, bp, bo, kb, c, cOff + (ic + ir) * ldc + jc + jr, ldc,
                                    Math.min(MR, mb - ir), cols, acc, tile);
                        }
                    }
                }
            }
        }
    }

    /** Packs op(B)[pc:pc+kb, jc:jc+nb] as column panels of width NRW_D, each row-major and zero-padded. */
    private static void packBD(double[] b, int bOff, int ldb, boolean transB, int pc, int kb, int jc, int nb, double[] bp) {
        final int nrw = NRW_D;
        for (int j = 0, base = 0; j < nb; j += nrw, base += kb * nrw) {
            int w = Math.min(nrw, nb - j);
            if (!transB) {
                for (int p = 0; p < kb; p++) {
                    int dst = base + p * nrw;
                    System.arraycopy(b, bOff + (pc + p) * ldb + jc + j, bp, dst, w);
                    if (w < nrw) Arrays.fill(bp, dst + w, dst + nrw, 0.0);
                }
            } else {
                for (int jj = 0; jj < w; jj++) {
                    int src = bOff + (jc + j + jj) * ldb + pc;
                    for (int p = 0; p < kb; p++) bp[base + p * nrw + jj] = b[src + p];
                }
                if (w < nrw) for (int p = 0; p < kb; p++) Arrays.fill(bp, base + p * nrw + w, base + (p + 1) * nrw, 0.0);
            }
        }
    }

    /** Packs op(A)[ic:ic+mb, pc:pc+kb] as row panels of height MR, each column-major and zero-padded. */
    private static void packAD(double[] a, int aOff, int lda, boolean transA, int ic, int mb, int pc, int kb, double[] ap) {
        for (int i = 0, base = 0; i < mb; i += MR, base += kb * MR) {
            int h = Math.min(MR, mb - i);
            if (!transA) {
                for (int r = 0; r < h; r++) {
                    int src = aOff + (ic + i + r) * lda + pc;
                    for (int p = 0; p < kb; p++) ap[base + p * MR + r] = a[src + p];
                }
            } else {
                for (int p = 0; p < kb; p++) {
                    int src = aOff + (pc + p) * lda + ic + i;
                    for (int r = 0; r < h; r++) ap[base + p * MR + r] = a[src + r];
                }
            }
            if (h < MR) for (int p = 0; p < kb; p++) for (int r = h; r < MR; r++) ap[base + p * MR + r] = 0.0;
        }
    }

    /**
     * The register tile: a 6 x (2 vectors) block of C from packed panels. {@code acc} adds to C (later k blocks)
     * instead of overwriting it. Edge tiles go through {@code tile} so no vector crosses a method boundary.
     */
    private static void kernelD(double[] ap, int ao, double[] bp, int bo, int kb, double[] c, int co, int ldc,
                                int rows, int cols, boolean acc, double[] tile) {
        final int nrw = NRW_D;
        DoubleVector c00 = DoubleVector.zero(DS), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0, ai = ao, bi = bo; p < kb; p++, ai += MR, bi += nrw) {
            DoubleVector b0 = DoubleVector.fromArray(DS, bp, bi), b1 = DoubleVector.fromArray(DS, bp, bi + DL);
            DoubleVector av = DoubleVector.broadcast(DS, ap[ai]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = DoubleVector.broadcast(DS, ap[ai + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = DoubleVector.broadcast(DS, ap[ai + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = DoubleVector.broadcast(DS, ap[ai + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = DoubleVector.broadcast(DS, ap[ai + 4]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = DoubleVector.broadcast(DS, ap[ai + 5]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
        }
        if (rows == MR && cols == nrw) {
            int o0 = co, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
            if (acc) {
                c00 = c00.add(DoubleVector.fromArray(DS, c, o0)); c01 = c01.add(DoubleVector.fromArray(DS, c, o0 + DL));
                c10 = c10.add(DoubleVector.fromArray(DS, c, o1)); c11 = c11.add(DoubleVector.fromArray(DS, c, o1 + DL));
                c20 = c20.add(DoubleVector.fromArray(DS, c, o2)); c21 = c21.add(DoubleVector.fromArray(DS, c, o2 + DL));
                c30 = c30.add(DoubleVector.fromArray(DS, c, o3)); c31 = c31.add(DoubleVector.fromArray(DS, c, o3 + DL));
                c40 = c40.add(DoubleVector.fromArray(DS, c, o4)); c41 = c41.add(DoubleVector.fromArray(DS, c, o4 + DL));
                c50 = c50.add(DoubleVector.fromArray(DS, c, o5)); c51 = c51.add(DoubleVector.fromArray(DS, c, o5 + DL));
            }
            c00.intoArray(c, o0); c01.intoArray(c, o0 + DL);
            c10.intoArray(c, o1); c11.intoArray(c, o1 + DL);
            c20.intoArray(c, o2); c21.intoArray(c, o2 + DL);
            c30.intoArray(c, o3); c31.intoArray(c, o3 + DL);
            c40.intoArray(c, o4); c41.intoArray(c, o4 + DL);
            c50.intoArray(c, o5); c51.intoArray(c, o5 + DL);
        } else {
            c00.intoArray(tile, 0); c01.intoArray(tile, DL);
            c10.intoArray(tile, nrw); c11.intoArray(tile, nrw + DL);
            c20.intoArray(tile, 2 * nrw); c21.intoArray(tile, 2 * nrw + DL);
            c30.intoArray(tile, 3 * nrw); c31.intoArray(tile, 3 * nrw + DL);
            c40.intoArray(tile, 4 * nrw); c41.intoArray(tile, 4 * nrw + DL);
            c50.intoArray(tile, 5 * nrw); c51.intoArray(tile, 5 * nrw + DL);
            for (int r = 0; r < rows; r++) {
                int o = co + r * ldc, t = r * nrw;
                if (acc) for (int j = 0; j < cols; j++) c[o + j] += tile[t + j];
                else System.arraycopy(tile, t, c, o, cols);
            }
        }
    }

}
