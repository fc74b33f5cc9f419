// Vector API (jdk.incubator.vector) CPU kernels over plain float[]/double[] runs: elementwise, reductions, matmul.
package dev.vela.cpu;

import dev.vela.spi.BinaryOp;
import dev.vela.spi.ReduceOp;
import dev.vela.spi.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
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
 * transcendental ones (log, sin, cos, pow, log1p, expm1, float64 exp and tanh, and what is built from them) come from
 * the Vector API's math library and may differ from {@link Math} by a few ulps; float32 exp and tanh are computed
 * here (range reduction and polynomials, within 1 ulp of Math's result) and sigmoid from that exp. Reductions and
 * matmul are deterministic: the same inputs give the same bits whatever the thread count.
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
    /**
     * Rows of the float register tile: 12 x (2 vectors) = 24 accumulators where vectors are 512 bits (32 vector
     * registers), 5 x (2 vectors) = 10 on AVX2 (16 registers). The taller tile loads each B vector once per 12
     * multiply-adds instead of 6; at 1024^3 on one AVX-512 core it raised the packed product from about 60% to
     * about 80% of the FMA peak. On AVX2 a 6-row tile (12 accumulators) does not fit: C2 loads broadcasts of A
     * ahead, runs out of the 16 registers and keeps one accumulator on the stack, a store and a reload on every
     * step of p, which halved the kernel (6 x 2: 47-50 GFLOP/s on one Zen 4 core under -XX:UseAVX=2, against
     * 74-106 for 5 x 2, in a stand-alone loop over L1-resident panels). KC stays 256 whatever the tile, and each
     * element of C is summed over p in the same order whatever its tile, so every bit of C is the same on every
     * machine with the same vector width.
     */
    static final int MRF = FL >= 16 ? 12 : 5;
    /** Rows of A per packed block for float: MC rounded down to whole register tiles (96 for 12 rows, 95 for 5). */
    static final int MCF = MC / MRF * MRF;
    static final int NRW_F = 2 * FL, NRW_D = 2 * DL;
    /**
     * {@code TAIL_F[r]}: the mask of a float vector's first r lanes, made once. A mask computed in a loop and
     * passed to a method that is not inlined (the row kernels) is boxed on every call; one read from this table
     * already is an object.
     */
    private static final VectorMask<Float>[] TAIL_F = tailMasks();
    private static final VectorMask<Float> ALL_F = FS.maskAll(true);

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] tailMasks() {
        VectorMask<Float>[] m = new VectorMask[FL + 1];
        for (int r = 0; r <= FL; r++) m[r] = FS.indexInRange(0, r);
        return m;
    }

    /** The mask of the lanes of a vector at {@code offset} that are below {@code limit} (FS.indexInRange, from the table). */
    static VectorMask<Float> tailMaskF(int offset, int limit) {
        return TAIL_F[Math.max(0, Math.min(FL, limit - offset))];
    }
    /** Products with fewer multiply-adds than this run on the calling thread. */
    static final long PARALLEL_THRESHOLD = 1L << 18;

    private static final float TWO23F = 8388608f;          // 2^23: floats at or above are integers
    private static final double TWO52D = 4503599627370496.0; // 2^52: doubles at or above are integers
    private static final int SIGN_F = 0x80000000;
    private static final long SIGN_D = 0x8000000000000000L;

    /** Per-thread scratch for tails, lane sums and transposed operands, so steady-state kernels allocate nothing. */
    private static final class Scratch {
        final float[] fa = new float[FL], fb = new float[FL];
        /** expF's wide case and logF's special one. */
        final float[] wide = new float[FL];
        /** Lanes of the per-lane transcendental functions. */
        final float[] laneA = new float[FL], laneB = new float[FL];
        final double[] lanes = new double[DL], da = new double[DL], db = new double[DL];
        float[] big = new float[0];

        float[] panel = new float[0];

        float[] big(int n) {
            if (big.length < n) big = new float[Math.max(n, 2 * big.length)];
            return big;
        }

        float[] panel(int n) {
            if (panel.length < n) panel = new float[Math.max(n, 2 * panel.length)];
            return panel;
        }

        float[] tail = new float[0];

        /** gemmRowsF's copy of B's last masked column block. */
        float[] tail(int n) {
            if (tail.length < n) tail = new float[Math.max(n, 2 * tail.length)];
            return tail;
        }

        /** gemmRowsF's staging copy of C's last rows (8 rows of one vector). */
        final float[] cTile = new float[8 * FL];
        /** gemmRowsF's parallel body, refilled per product. */
        final RowsJobF rowsJob = new RowsJobF();

        /** reduceRows' column accumulators (at most CHUNK). */
        final double[] acc = new double[CHUNK];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
     * Splits C into row (or, when C is wider than tall, column) ranges {i0, i1, j0, j1} for the worker threads ({@link Par}), or
     * returns null when the product is too small or does not split. Ranges are whole register tiles.
     */
    static List<int[]> splitRanges(int m, int n, int k, int mr, int nrw) {
        int threads = Par.threads();
        if (threads < 2 || (long) m * n * k < PARALLEL_THRESHOLD) return null;
        List<int[]> out = new ArrayList<>();
        if (m >= n) {
            int step = roundUp((m + threads - 1) / threads, mr);
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
            float[] t = SCRATCH.get().fa;
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
            float[] t = SCRATCH.get().fa;
            System.arraycopy(x, xo + ub, t, 0, r);
            Arrays.fill(t, r, FL, 0f);
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

    /*
     * The transcendental functions we have no kernel of our own for (sin, cos, log1p, expm1 and what is built on
     * them; pow; all of float64's) run Math's per element, exactly the scalar reference. Not the Vector API's
     * operators: compiled they run SVML on x86, before that Math per lane, and the two differ in the last bit for
     * up to 6.6% of inputs (float sin 4.9%, double exp 4.6%, double expm1 6.6%: first call against warm, 64K
     * random inputs), so results depended on how far the JIT had got. Math's functions give the same bits
     * interpreted and compiled.
     */
    private static UnaryF perElementF(UnaryOp op) {
        return (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i++) out[oo + i] = ScalarKernels.apply(op, x[xo + i], p0, p1); };
    }

    private static UnaryD perElementD(UnaryOp op) {
        return (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i++) out[oo + i] = ScalarKernels.apply(op, x[xo + i], p0, p1); };
    }

    private static UnaryF unaryF(UnaryOp op) {
        return switch (op) {
            case NEG -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_NEG(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case ABS -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_ABS(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case EXP -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_EXP(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case LOG -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_LOG(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case SQRT -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_SQRT(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case SQUARE -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_SQUARE(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case SIGMOID -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_SIGMOID(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case TANH -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_TANH(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            // lanewise MAX/MIN follow Math.max/min: NaN propagates and max(-0, 0) is +0
            case RELU -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_RELU(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case SIN -> perElementF(op);
            case COS -> perElementF(op);
            case SIGN -> (x, xo, out, oo, n, p0, p1) -> {  // Math.signum: ±0 and NaN map to themselves
                for (int i = 0; i < n; i += FL) {
                    FloatVector v = FloatVector.fromArray(FS, x, xo + i);
                    v.blend(1f, v.compare(VectorOperators.GT, 0f)).blend(-1f, v.compare(VectorOperators.LT, 0f)).intoArray(out, oo + i);
                }
            };
            case RECIPROCAL -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_RECIPROCAL(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
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
            case LOG1P -> perElementF(op);
            case EXPM1 -> perElementF(op);
            case SOFTPLUS -> perElementF(op);
            case SOFTSIGN -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_SOFTSIGN(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case ELU -> perElementF(op);
            case SELU -> perElementF(op);
            case LEAKY_RELU -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_LEAKY_RELU(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case CLIP -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_CLIP(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case POW -> (x, xo, out, oo, n, p0, p1) -> {
                if (p0 == 2f || p0 == 1f) for (int i = 0; i < n; i += FL) u_POW(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i);
                else for (int i = 0; i < n; i++) out[oo + i] = ScalarKernels.apply(UnaryOp.POW, x[xo + i], p0, p1);
            };
            case AFFINE -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_AFFINE(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case HARD_SIGMOID -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_HARD_SIGMOID(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
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
            case ONE_MINUS_SQUARE -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_ONE_MINUS_SQUARE(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case SIGMOID_GRAD_FROM_OUT -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_SIGMOID_GRAD_FROM_OUT(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
            case IS_NAN -> (x, xo, out, oo, n, p0, p1) -> {
                FloatVector zero = FloatVector.zero(FS);
                for (int i = 0; i < n; i += FL) zero.blend(1f, FloatVector.fromArray(FS, x, xo + i).test(VectorOperators.IS_NAN)).intoArray(out, oo + i);
            };
            case FLUSH_SUBNORMAL -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += FL) u_FLUSH_SUBNORMAL(FloatVector.fromArray(FS, x, xo + i), p0, p1).intoArray(out, oo + i); };
        };
    }

    // ===================================================================== float32: one vector of each fusable op

    /*
     * The elementwise ops that fused groups may contain, one vector at a time: the float kernels above run them
     * lane block by lane block and the generated fused loops (FusedProgramF) call them by name ("u_" or "b_" and
     * the op's name), so both give the same bits. Unary ones take the op's parameters, already rounded to float.
     */
    static FloatVector u_NEG(FloatVector v, float p0, float p1) { return v.neg(); }

    static FloatVector u_ABS(FloatVector v, float p0, float p1) { return v.abs(); }

    static FloatVector u_EXP(FloatVector v, float p0, float p1) { return expF(v); }

    static FloatVector u_LOG(FloatVector v, float p0, float p1) { return logF(v); }

    static FloatVector u_SQRT(FloatVector v, float p0, float p1) { return v.sqrt(); }

    static FloatVector u_SQUARE(FloatVector v, float p0, float p1) { return v.mul(v); }

    static FloatVector u_SIGMOID(FloatVector v, float p0, float p1) { return sigmoidF(v); }

    static FloatVector u_TANH(FloatVector v, float p0, float p1) { return tanhF(v); }

    // lanewise MAX/MIN follow Math.max/min: NaN propagates and max(-0, 0) is +0
    static FloatVector u_RELU(FloatVector v, float p0, float p1) { return v.lanewise(VectorOperators.MAX, 0f); }

    static FloatVector u_SIN(FloatVector v, float p0, float p1) { return perLaneF(v, UnaryOp.SIN, p0, p1); }

    static FloatVector u_COS(FloatVector v, float p0, float p1) { return perLaneF(v, UnaryOp.COS, p0, p1); }

    static FloatVector u_RECIPROCAL(FloatVector v, float p0, float p1) { return FloatVector.broadcast(FS, 1f).div(v); }

    static FloatVector u_LOG1P(FloatVector v, float p0, float p1) { return perLaneF(v, UnaryOp.LOG1P, p0, p1); }

    static FloatVector u_EXPM1(FloatVector v, float p0, float p1) { return perLaneF(v, UnaryOp.EXPM1, p0, p1); }

    static FloatVector u_SOFTPLUS(FloatVector v, float p0, float p1) {
        return perLaneF(v, UnaryOp.SOFTPLUS, p0, p1);
    }

    static FloatVector u_SOFTSIGN(FloatVector v, float p0, float p1) { return v.div(v.abs().add(1f)); }

    // expm1 is exp(x) - 1 without the cancellation near 0
    static FloatVector u_ELU(FloatVector v, float p0, float p1) {
        return perLaneF(v, UnaryOp.ELU, p0, p1);
    }

    static FloatVector u_SELU(FloatVector v, float p0, float p1) {
        return perLaneF(v, UnaryOp.SELU, p0, p1);
    }

    static FloatVector u_LEAKY_RELU(FloatVector v, float p0, float p1) { return v.mul(p0).blend(v, v.compare(VectorOperators.GT, 0f)); }

    static FloatVector u_CLIP(FloatVector v, float p0, float p1) {
        return v.lanewise(VectorOperators.MAX, p0).lanewise(VectorOperators.MIN, p1);
    }

    // pow(x, 2) is exactly x*x in IEEE arithmetic, pow(x, 1) is x: skip the transcendental
    static FloatVector u_POW(FloatVector v, float p0, float p1) {
        return p0 == 2f ? v.mul(v) : p0 == 1f ? v : perLaneF(v, UnaryOp.POW, p0, p1);
    }

    static FloatVector u_AFFINE(FloatVector v, float p0, float p1) { return v.mul(p0).add(p1); }

    static FloatVector u_HARD_SIGMOID(FloatVector v, float p0, float p1) {
        return v.mul(0.2f).add(0.5f).lanewise(VectorOperators.MAX, 0f).lanewise(VectorOperators.MIN, 1f);
    }

    static FloatVector u_ONE_MINUS_SQUARE(FloatVector v, float p0, float p1) { return FloatVector.broadcast(FS, 1f).sub(v.mul(v)); }

    static FloatVector u_SIGMOID_GRAD_FROM_OUT(FloatVector v, float p0, float p1) { return v.mul(FloatVector.broadcast(FS, 1f).sub(v)); }

    static FloatVector u_FLUSH_SUBNORMAL(FloatVector v, float p0, float p1) {
        return v.blend(FloatVector.zero(FS), v.abs().lt(Float.MIN_NORMAL));
    }

    static FloatVector b_ADD(FloatVector a, FloatVector b) { return a.add(b); }

    static FloatVector b_SUB(FloatVector a, FloatVector b) { return a.sub(b); }

    static FloatVector b_MUL(FloatVector a, FloatVector b) { return a.mul(b); }

    static FloatVector b_DIV(FloatVector a, FloatVector b) { return a.div(b); }

    static FloatVector b_MAX(FloatVector a, FloatVector b) { return a.lanewise(VectorOperators.MAX, b); }

    static FloatVector b_MIN(FloatVector a, FloatVector b) { return a.lanewise(VectorOperators.MIN, b); }

    static FloatVector b_POW(FloatVector a, FloatVector b) {
        Scratch sc = SCRATCH.get();
        a.intoArray(sc.laneA, 0);
        b.intoArray(sc.laneB, 0);
        for (int i = 0; i < FL; i++) sc.laneA[i] = (float) Math.pow(sc.laneA[i], sc.laneB[i]);
        return FloatVector.fromArray(FS, sc.laneA, 0);
    }

    /** The scalar reference's op on each lane (see perElementF). */
    private static FloatVector perLaneF(FloatVector v, UnaryOp op, float p0, float p1) {
        float[] t = SCRATCH.get().laneA;
        v.intoArray(t, 0);
        for (int i = 0; i < FL; i++) t[i] = ScalarKernels.apply(op, t[i], p0, p1);
        return FloatVector.fromArray(FS, t, 0);
    }

    // comparisons give 1 or 0 in float, as the float comparison kernels write them
    static FloatVector b_EQ(FloatVector a, FloatVector b) { return FloatVector.zero(FS).blend(1f, a.compare(VectorOperators.EQ, b)); }

    static FloatVector b_NE(FloatVector a, FloatVector b) { return FloatVector.zero(FS).blend(1f, a.compare(VectorOperators.NE, b)); }

    static FloatVector b_LT(FloatVector a, FloatVector b) { return FloatVector.zero(FS).blend(1f, a.compare(VectorOperators.LT, b)); }

    static FloatVector b_LE(FloatVector a, FloatVector b) { return FloatVector.zero(FS).blend(1f, a.compare(VectorOperators.LE, b)); }

    static FloatVector b_GT(FloatVector a, FloatVector b) { return FloatVector.zero(FS).blend(1f, a.compare(VectorOperators.GT, b)); }

    static FloatVector b_GE(FloatVector a, FloatVector b) { return FloatVector.zero(FS).blend(1f, a.compare(VectorOperators.GE, b)); }

    // ===================================================================== float32: fused elementwise loops

    /** The body of a generated fused loop: {@code n} (a multiple of the vector length) elements. */
    abstract static class FusedBody {
        abstract void run(Object[] src, int[] srcOff, Object[] dst, int[] dstOff, int n);
    }

    /**
     * A chain of fusable float32 ops compiled into one vector loop: a hidden class whose loop loads each operand
     * vector once, runs every op on it in registers (calling the ops' per-vector forms, {@code u_NAME} and
     * {@code b_NAME}, so the bits are those of the op-by-op kernels) and stores the results. Operands are
     * contiguous runs or scalars (broadcast). Within one vector step every load comes before every store, so a
     * result may be written over an operand that it exactly overlaps. Tails run through zero-padded copies, like
     * the op-by-op kernels. Not thread-safe (scratch buffers); programs with the same shape share the class.
     */
    public static final class FusedProgramF {
        /** Generated loops by program, shared by groups with the same program; the least recently used go first. */
        private static final java.util.Map<String, FusedBody> BODIES = java.util.Collections.synchronizedMap(
                new java.util.LinkedHashMap<>(64, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(java.util.Map.Entry<String, FusedBody> e) { return size() > 512; }
                });

        private final FusedBody body;
        private final boolean[] scalar;
        private final float[][] padIn, padOut;
        private final Object[] tSrc, tDst;
        private final int[] tSrcOff, tDstOff;

        private FusedProgramF(FusedBody body, boolean[] scalar, int nOut) {
            this.body = body;
            this.scalar = scalar.clone();
            int ne = scalar.length;
            padIn = new float[ne][FL];
            padOut = new float[nOut][FL];
            tSrc = new Object[ne];
            tDst = new Object[nOut];
            tSrcOff = new int[ne];
            tDstOff = new int[nOut];
        }

        /**
         * Compiles a program, or returns null when an op has no per-vector form. Member {@code m} applies
         * {@code u[m]} (with {@code p0[m], p1[m]}) or {@code b[m]} to operands {@code refs[m]}: {@code r >= 0} is
         * member r's value, {@code r < 0} external {@code -1-r}; {@code scalar[e]} says external e is one value
         * broadcast. {@code resultOf[m] >= 0} stores member m's value into that output.
         */
        public static FusedProgramF compile(boolean[] scalar, int[][] refs, UnaryOp[] u, BinaryOp[] b, double[] p0, double[] p1,
                                            int[] resultOf, int nOut) {
            StringBuilder key = new StringBuilder();
            for (boolean s : scalar) key.append(s ? 's' : 'v');
            for (int m = 0; m < refs.length; m++) {
                String name = u[m] != null ? "u_" + u[m].name() : "b_" + b[m].name();
                if (!FUSABLE.contains(name)) return null;
                key.append('|').append(name).append(Arrays.toString(refs[m])).append(resultOf[m]);
                if (u[m] != null) key.append(':').append(Float.floatToRawIntBits((float) p0[m])).append(':').append(Float.floatToRawIntBits((float) p1[m]));
            }
            FusedBody body = BODIES.computeIfAbsent(key.toString(), k -> generate(scalar, refs, u, b, p0, p1, resultOf, nOut));
            return new FusedProgramF(body, scalar, nOut);
        }

        /** A program with the same generated loop and scratch of its own, for another thread. */
        public FusedProgramF copy() { return new FusedProgramF(body, scalar, padOut.length); }

        /**
         * Runs {@code len} elements: external e from {@code src[e]} (a float[]) at {@code srcOff[e]} (one value when
         * scalar), output j into {@code dst[j]} at {@code dstOff[j]}.
         */
        public void run(Object[] src, int[] srcOff, Object[] dst, int[] dstOff, int len) {
            int ub = FS.loopBound(len);
            if (ub > 0) {
                if (freshOutputs(src, srcOff, dst, dstOff) < 2) body.run(src, srcOff, dst, dstOff, ub);
                else staged(src, srcOff, dst, dstOff, ub);
            }
            if (ub == len) return;
            int r = len - ub;
            for (int e = 0; e < scalar.length; e++) {
                if (scalar[e]) {
                    tSrc[e] = src[e];
                    tSrcOff[e] = srcOff[e];
                } else {
                    float[] pad = padIn[e];
                    System.arraycopy((float[]) src[e], srcOff[e] + ub, pad, 0, r);
                    Arrays.fill(pad, r, FL, 0f);
                    tSrc[e] = pad;
                    tSrcOff[e] = 0;
                }
            }
            for (int j = 0; j < padOut.length; j++) {
                tDst[j] = padOut[j];
                tDstOff[j] = 0;
            }
            body.run(tSrc, tSrcOff, tDst, tDstOff, FL);
            for (int j = 0; j < padOut.length; j++) System.arraycopy(padOut[j], 0, (float[]) dst[j], dstOff[j] + ub, r);
            Arrays.fill(tSrc, null);
        }

        /** Elements per staged sub-block (see staged). */
        private static final int STAGE = 512;
        private float[][] stage;
        private Object[] stageDst;
        private int[] stageSrcOff, stageDstOff;

        /** Outputs that do not overwrite an operand read at the same place (written over lines not yet loaded). */
        private int freshOutputs(Object[] src, int[] srcOff, Object[] dst, int[] dstOff) {
            int fresh = 0;
            for (int j = 0; j < dst.length; j++) {
                boolean over = false;
                for (int e = 0; e < scalar.length && !over; e++) over = !scalar[e] && src[e] == dst[j] && srcOff[e] == dstOff[j];
                if (!over) fresh++;
            }
            return fresh;
        }

        /**
         * Several fresh results: vector stores that alternate between two or more output streams run several
         * times slower than stores to one stream once the outputs outgrow L1 (measured here: 0.5 vs 0.12 ns per
         * element; results written over the operands just read, as in-place updates are, do not suffer). So the
         * loop writes each sub-block of results into small L1 buffers, then copies each buffer out in one run.
         * Every operand of a sub-block is read before any of its results is copied out, so in-place results stay
         * safe.
         */
        private void staged(Object[] src, int[] srcOff, Object[] dst, int[] dstOff, int n) {
            int nOut = padOut.length;
            if (stage == null) {
                stage = new float[nOut][STAGE];
                stageDst = new Object[nOut];
                stageSrcOff = new int[scalar.length];
                stageDstOff = new int[nOut];
                for (int j = 0; j < nOut; j++) stageDst[j] = stage[j];
            }
            for (int b = 0; b < n; b += STAGE) {
                int len = Math.min(STAGE, n - b);
                for (int e = 0; e < scalar.length; e++) stageSrcOff[e] = scalar[e] ? srcOff[e] : srcOff[e] + b;
                body.run(src, stageSrcOff, stageDst, stageDstOff, len);
                for (int j = 0; j < nOut; j++) System.arraycopy(stage[j], 0, (float[]) dst[j], dstOff[j] + b, len);
            }
        }

        private static final java.util.Set<String> FUSABLE = new java.util.HashSet<>();

        static {
            for (java.lang.reflect.Method m : VectorKernels.class.getDeclaredMethods()) {
                if (m.getName().startsWith("u_") || m.getName().startsWith("b_")) FUSABLE.add(m.getName());
            }
        }

        private static FusedBody generate(boolean[] scalar, int[][] refs, UnaryOp[] u, BinaryOp[] b, double[] p0, double[] p1,
                                          int[] resultOf, int nOut) {
            java.lang.constant.ClassDesc fv = java.lang.constant.ClassDesc.of("jdk.incubator.vector.FloatVector");
            java.lang.constant.ClassDesc species = java.lang.constant.ClassDesc.of("jdk.incubator.vector.VectorSpecies");
            java.lang.constant.ClassDesc vk = java.lang.constant.ClassDesc.of(VectorKernels.class.getName());
            java.lang.constant.ClassDesc base = java.lang.constant.ClassDesc.of(FusedBody.class.getName());
            java.lang.constant.ClassDesc fa = java.lang.constant.ConstantDescs.CD_float.arrayType();
            java.lang.constant.ClassDesc cdInt = java.lang.constant.ConstantDescs.CD_int, cdFloat = java.lang.constant.ConstantDescs.CD_float;
            java.lang.constant.ClassDesc cdVoid = java.lang.constant.ConstantDescs.CD_void;
            java.lang.constant.MethodTypeDesc unaryType = java.lang.constant.MethodTypeDesc.of(fv, fv, cdFloat, cdFloat);
            java.lang.constant.MethodTypeDesc binaryType = java.lang.constant.MethodTypeDesc.of(fv, fv, fv);
            java.lang.constant.MethodTypeDesc runType = java.lang.constant.MethodTypeDesc.of(cdVoid,
                    java.lang.constant.ConstantDescs.CD_Object.arrayType(), cdInt.arrayType(),
                    java.lang.constant.ConstantDescs.CD_Object.arrayType(), cdInt.arrayType(), cdInt);
            int ne = scalar.length, nm = refs.length;
            boolean[] used = new boolean[ne];
            for (int[] r : refs) for (int x : r) if (x < 0) used[-1 - x] = true;
            byte[] bytes = java.lang.classfile.ClassFile.of().build(java.lang.constant.ClassDesc.of("dev.vela.cpu.FusedLoop"), cb -> {
                cb.withFlags(java.lang.classfile.ClassFile.ACC_FINAL | java.lang.classfile.ClassFile.ACC_SUPER);
                cb.withSuperclass(base);
                cb.withMethodBody(java.lang.constant.ConstantDescs.INIT_NAME, java.lang.constant.ConstantDescs.MTD_void,
                        java.lang.classfile.ClassFile.ACC_PUBLIC,
                        c -> c.aload(0).invokespecial(base, java.lang.constant.ConstantDescs.INIT_NAME, java.lang.constant.ConstantDescs.MTD_void).return_());
                cb.withMethodBody("run", runType, java.lang.classfile.ClassFile.ACC_FINAL, c -> {
                    int slot = 6;
                    int[] arr = new int[ne], off = new int[ne], vec = new int[ne], out = new int[nOut], outOff = new int[nOut], mem = new int[nm];
                    for (int e = 0; e < ne; e++) {
                        if (!used[e]) continue;
                        if (scalar[e]) { // broadcast once, before the loop
                            c.getstatic(vk, "FS", species);
                            c.aload(1).loadConstant(e).aaload().checkcast(fa).aload(2).loadConstant(e).iaload().faload();
                            c.invokestatic(fv, "broadcast", java.lang.constant.MethodTypeDesc.of(fv, species, cdFloat));
                            vec[e] = slot++;
                            c.astore(vec[e]);
                        } else {
                            arr[e] = slot++;
                            off[e] = slot++;
                            vec[e] = slot++;
                            c.aload(1).loadConstant(e).aaload().checkcast(fa).astore(arr[e]);
                            c.aload(2).loadConstant(e).iaload().istore(off[e]);
                        }
                    }
                    for (int j = 0; j < nOut; j++) {
                        out[j] = slot++;
                        outOff[j] = slot++;
                        c.aload(3).loadConstant(j).aaload().checkcast(fa).astore(out[j]);
                        c.aload(4).loadConstant(j).iaload().istore(outOff[j]);
                    }
                    for (int m = 0; m < nm; m++) mem[m] = slot++;
                    int i = slot++;
                    c.iconst_0().istore(i);
                    java.lang.classfile.Label top = c.newLabel(), end = c.newLabel();
                    c.labelBinding(top);
                    c.iload(i).iload(5).if_icmpge(end);
                    // every operand vector of this step is loaded before anything is stored
                    for (int e = 0; e < ne; e++) {
                        if (!used[e] || scalar[e]) continue;
                        c.getstatic(vk, "FS", species).aload(arr[e]).iload(off[e]).iload(i).iadd();
                        c.invokestatic(fv, "fromArray", java.lang.constant.MethodTypeDesc.of(fv, species, fa, cdInt));
                        c.astore(vec[e]);
                    }
                    for (int m = 0; m < nm; m++) {
                        for (int x : refs[m]) c.aload(x >= 0 ? mem[x] : vec[-1 - x]);
                        if (u[m] != null) {
                            c.loadConstant((float) p0[m]).loadConstant((float) p1[m]);
                            c.invokestatic(vk, "u_" + u[m].name(), unaryType);
                        } else {
                            c.invokestatic(vk, "b_" + b[m].name(), binaryType);
                        }
                        c.astore(mem[m]);
                    }
                    for (int m = 0; m < nm; m++) {
                        int j = resultOf[m];
                        if (j < 0) continue;
                        c.aload(mem[m]).aload(out[j]).iload(outOff[j]).iload(i).iadd();
                        c.invokevirtual(fv, "intoArray", java.lang.constant.MethodTypeDesc.of(cdVoid, fa, cdInt));
                    }
                    c.iinc(i, FL).goto_(top);
                    c.labelBinding(end);
                    c.return_();
                });
            });
            try {
                java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.lookup().defineHiddenClass(bytes, true);
                return (FusedBody) l.findConstructor(l.lookupClass(), java.lang.invoke.MethodType.methodType(void.class)).invoke();
            } catch (Throwable t) {
                throw new IllegalStateException("fused loop: cannot define the generated class", t);
            }
        }
    }

    // ===================================================================== float32: exp, sigmoid, tanh

    /*
     * exp(x) = 2^n e^r with n = round(x / ln2) and r = x - n ln2 (|r| <= ln2 / 2, two-step Cody-Waite with FMA);
     * e^r = 1 + r Q(r) with Q a degree-5 near-minimax fit (Chebyshev, coefficients rounded to float: relative error
     * about 1e-8), evaluated by Horner with one rounding at the end: within 1 ulp of the correctly rounded result
     * (checked over every 7th float below 120 in magnitude). For |x| <= 87 (the common case) 2^n is one normal
     * float factor; wider inputs are clamped to [-104, 89] (beyond, the result is 0 or +inf anyway) and scaled by
     * two exact factors 2^(n/2) 2^(n - n/2), so overflow and gradual underflow round once, as in Math.exp. NaN
     * fails every comparison and comes out NaN.
     */
    private static final float EXP_FAST = 87f, EXP_MIN = -104f, EXP_MAX = 89f;
    private static final float LOG2E_F = 1.442695040888963f;
    private static final float LN2_HI_F = 0.6931471824645996f;          // float(ln 2)
    private static final float LN2_LO_F = -1.904654299957768e-9f;       // ln 2 - LN2_HI_F
    private static final float ROUND_F = 12582912f;                     // 1.5 * 2^23: adding it rounds to an integer
    private static final int ROUND_F_BITS = Float.floatToRawIntBits(ROUND_F);
    private static final float Q5 = 0.0013933641603216529f, Q4 = 0.008369148708879948f, Q3 = 0.04166646674275398f,
            Q2 = 0.16666504740715027f;

    /**
     * e^x lane by lane, within 1 ulp of {@code (float) Math.exp(x)}, with the same special values. The rare wide
     * case goes through an array: the JIT does not inline a rarely taken call of more than a few bytecodes, and a
     * vector passed to a call that is not inlined, or merged with its result, is boxed (two allocations per call,
     * on every call once any input has been wide: a training step's softmax rows get there as soon as the model is
     * confident). This body stays small, so that its callers inline it.
     * <p>
     * Until some input has been wide, the JIT compiles the test as a trap: the first wide vector (in an MNIST run,
     * the softmax of a model confident enough, some 40,000 steps in) sends the calling kernel back to the
     * interpreter until it is compiled again, a one-time stretch of slower steps that allocate (about 34 MB in
     * all, measured with MlpAlloc). A version without the test (inputs always clamped, always two scale factors)
     * had no such stretch but made softmax rows about a fifth slower on one thread (JMH, softmaxRowsReused at 64K
     * and 1M floats, alternating builds), so the test stays.
     */
    static FloatVector expF(FloatVector x) {
        if (x.abs().compare(VectorOperators.GT, EXP_FAST).anyTrue()) {
            float[] w = SCRATCH.get().wide;
            x.intoArray(w, 0);
            expWideF(w);
            return FloatVector.fromArray(FS, w, 0);
        }
        FloatVector t = x.fma(LOG2E_F, ROUND_F);                     // ROUND_F + n: n in the low mantissa bits
        FloatVector y = expReducedF(x, t.sub(ROUND_F));
        // 2^n: n << 23 is the exponent field of 2^n less the bias (the bits of ROUND_F shift out)
        return y.mul(t.viewAsIntegralLanes().lanewise(VectorOperators.LSHL, 23).add(0x3F800000).viewAsFloatingLanes());
    }

    /**
     * expF for a vector with a lane beyond +-87, in place on w's first vector: clamped, and scaled in two steps.
     * Lane by lane in scalar float: the same IEEE operations in the same order as the vector steps (an FMA is an
     * FMA), so the same bits, and no vector objects. This path runs too rarely for C2 to compile it, and the
     * interpreter and C1 allocate an object for every vector operation (about 1 KB per call; it made a warm
     * training step allocate 1-2 KB once its softmax inputs passed -87).
     */
    private static void expWideF(float[] w) {
        for (int l = 0; l < FL; l++) {
            float x = w[l];
            float v = x < EXP_MIN ? EXP_MIN : x > EXP_MAX ? EXP_MAX : x; // NaN fails both and stays NaN
            float t = Math.fma(v, LOG2E_F, ROUND_F);
            float n = t - ROUND_F;
            float r = Math.fma(n, -LN2_HI_F, v);
            r = Math.fma(n, -LN2_LO_F, r);
            float q = Math.fma(r, Q5, Q4);
            q = Math.fma(q, r, Q3);
            q = Math.fma(q, r, Q2);
            q = Math.fma(q, r, 0.5f);
            q = Math.fma(q, r, 1f);
            float y = Math.fma(q, r, 1f);
            int ni = Float.floatToRawIntBits(t) - ROUND_F_BITS, n1 = ni >> 1;
            w[l] = y * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((ni - n1 + 127) << 23);
        }
    }

    /** e^r for r = x - n ln2. */
    private static FloatVector expReducedF(FloatVector x, FloatVector n) {
        FloatVector r = n.fma(FloatVector.broadcast(FS, -LN2_HI_F), x);
        r = n.fma(FloatVector.broadcast(FS, -LN2_LO_F), r);
        FloatVector q = r.fma(Q5, Q4);
        q = q.fma(r, FloatVector.broadcast(FS, Q3));
        q = q.fma(r, FloatVector.broadcast(FS, Q2));
        q = q.fma(r, FloatVector.broadcast(FS, 0.5f));
        q = q.fma(r, FloatVector.broadcast(FS, 1f));
        return q.fma(r, FloatVector.broadcast(FS, 1f));
    }

    /*
     * log: x = m 2^e with m in [sqrt(1/2), sqrt(2)), log x = e ln2 + log(1 + f) for f = m - 1 (exact), and
     * log(1 + f) = f - f^2/2 + f^3 P(f) with Cephes' degree-8 fit; ln2 split in two so that e ln2 adds exactly.
     * Within 1 ulp of (float) Math.log (0.83 ulp of the exact value at most, over 16 M samples of all normal
     * floats). Not the Vector API's LOG: its compiled form (SVML on x86) and its not-yet-compiled form (Math.log
     * per lane) differ in the last bit for 0.005% (AVX-512) to 1.8% (AVX2) of inputs, so a result depended on how
     * far the JIT had got. Only IEEE operations here: the same bits on every path and every vector width.
     */
    static final float SQRT_HALF_F = 0.70710677f, LOG_LN2_HI = 0.693359375f, LOG_LN2_LO = -2.12194440e-4f;
    static final float L8 = 7.0376836292E-2f, L7 = -1.1514610310E-1f, L6 = 1.1676998740E-1f,
            L5 = -1.2420140846E-1f, L4 = 1.4249322787E-1f, L3 = -1.6668057665E-1f, L2 = 2.0000714765E-1f,
            L1 = -2.4999993993E-1f, L0 = 3.3333331174E-1f;

    /** Natural log lane by lane (see above); 0 gives -inf, negatives and NaN give NaN, +inf gives +inf. */
    static FloatVector logF(FloatVector x) {
        if (!x.compare(VectorOperators.GE, Float.MIN_NORMAL).and(x.compare(VectorOperators.LT, Float.POSITIVE_INFINITY)).allTrue()) {
            float[] w = SCRATCH.get().wide;
            x.intoArray(w, 0);
            logSpecialF(w);
            return FloatVector.fromArray(FS, w, 0);
        }
        return logNormalF(x, FloatVector.zero(FS));
    }

    /** logF for a vector with a lane that is not a positive normal float, in place on w's first vector. */
    private static void logSpecialF(float[] w) {
        FloatVector x = FloatVector.fromArray(FS, w, 0);
        VectorMask<Float> sub = x.compare(VectorOperators.GT, 0f).and(x.compare(VectorOperators.LT, Float.MIN_NORMAL));
        FloatVector scaled = x.blend(x.mul(0x1p23f), sub);                // subnormals scaled to normal, exactly
        FloatVector r = logNormalF(scaled, FloatVector.zero(FS).blend(-23f, sub));
        r = r.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        r = r.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        r = r.blend(Float.NaN, x.compare(VectorOperators.LT, 0f).or(x.test(VectorOperators.IS_NAN)));
        r.intoArray(w, 0);
    }

    /** log x + eAdd ln2 for positive normal x (other lanes give garbage, replaced by the caller). */
    private static FloatVector logNormalF(FloatVector x, FloatVector eAdd) {
        IntVector b = x.viewAsIntegralLanes();
        FloatVector m = b.and(0x807fffff).or(0x3f000000).viewAsFloatingLanes();  // the mantissa in [1/2, 1)
        FloatVector e = b.lanewise(VectorOperators.LSHR, 23).sub(126).convert(VectorOperators.I2F, 0).reinterpretAsFloats().add(eAdd);
        VectorMask<Float> low = m.compare(VectorOperators.LT, SQRT_HALF_F);   // below sqrt(1/2): use 2m, e - 1
        e = e.sub(FloatVector.zero(FS).blend(1f, low));
        FloatVector f = m.add(FloatVector.zero(FS).blend(m, low)).sub(1f);
        FloatVector z = f.mul(f);
        FloatVector p = f.fma(L8, L7);
        p = p.fma(f, FloatVector.broadcast(FS, L6));
        p = p.fma(f, FloatVector.broadcast(FS, L5));
        p = p.fma(f, FloatVector.broadcast(FS, L4));
        p = p.fma(f, FloatVector.broadcast(FS, L3));
        p = p.fma(f, FloatVector.broadcast(FS, L2));
        p = p.fma(f, FloatVector.broadcast(FS, L1));
        p = p.fma(f, FloatVector.broadcast(FS, L0));
        FloatVector y = p.mul(f).mul(z);
        y = e.fma(FloatVector.broadcast(FS, LOG_LN2_LO), y);
        y = z.fma(FloatVector.broadcast(FS, -0.5f), y);
        return e.fma(FloatVector.broadcast(FS, LOG_LN2_HI), f.add(y));
    }

    /** 1 / (1 + e^-x), as the scalar reference computes it. */
    static FloatVector sigmoidF(FloatVector x) {
        return FloatVector.broadcast(FS, 1f).div(expF(x.neg()).add(1f));
    }

    /*
     * tanh: below |x| = 0.625, x + x^3 Q(x^2) with Q a degree-5 near-minimax fit (Chebyshev, relative error
     * < 2e-9); above, 1 - 2 / (e^(2|x|) + 1) with the sign of x put back (no cancellation there: the result is at
     * least 0.55). +-0, subnormals and +-inf come out as Math.tanh gives them; NaN stays NaN.
     */
    private static final float TANH_SMALL = 0.625f, TANH_ONE = 9.5f;
    private static final float T0 = -0.3333333317214036f, T1 = 0.1333330355691574f, T2 = -0.053959259577204544f,
            T3 = 0.02176891865102821f, T4 = -0.008343945515839153f, T5 = 0.002292744816178142f;

    static FloatVector tanhF(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector c = a.blend(TANH_ONE, a.compare(VectorOperators.GT, TANH_ONE)); // tanh is 1f from 9.1 on
        // 1 - 2 / (e^(2|x|) + 1) (2|x| <= 19: the fast exp)
        FloatVector t = c.fma(2 * LOG2E_F, ROUND_F);
        FloatVector e = expReducedF(c.add(c), t.sub(ROUND_F))
                .mul(t.viewAsIntegralLanes().lanewise(VectorOperators.LSHL, 23).add(0x3F800000).viewAsFloatingLanes());
        FloatVector big = FloatVector.broadcast(FS, 1f).sub(FloatVector.broadcast(FS, 2f).div(e.add(1f)));
        // both forms from |x|, then the sign of x (so -0.0 stays -0.0)
        FloatVector r = big.blend(tanhSmallF(a), a.compare(VectorOperators.LT, TANH_SMALL));
        return r.viewAsIntegralLanes().or(x.viewAsIntegralLanes().and(SIGN_F)).viewAsFloatingLanes();
    }

    private static FloatVector tanhSmallF(FloatVector x) {
        FloatVector z = x.mul(x);
        FloatVector q = z.fma(T5, T4);
        q = q.fma(z, FloatVector.broadcast(FS, T3));
        q = q.fma(z, FloatVector.broadcast(FS, T2));
        q = q.fma(z, FloatVector.broadcast(FS, T1));
        q = q.fma(z, FloatVector.broadcast(FS, T0));
        return q.fma(z.mul(x), x);
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
            float[] t = SCRATCH.get().fa;
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
            Scratch sc = SCRATCH.get();
            float[] ta = sc.fa, tb = sc.fb;
            System.arraycopy(a, ao + ub, ta, 0, r);
            System.arraycopy(b, bo + ub, tb, 0, r);
            Arrays.fill(ta, r, FL, 0f);
            Arrays.fill(tb, r, FL, 0f);
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
            case POW -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i++) out[oo + i] = (float) Math.pow(a[ao + i], b[bo + i]); };
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
            float[] t = SCRATCH.get().fa;
            System.arraycopy(a, ao + ub, t, 0, r);
            Arrays.fill(t, r, FL, 0f);
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
            case POW -> (a, ao, s, out, oo, n) -> { for (int i = 0; i < n; i++) out[oo + i] = (float) Math.pow(a[ao + i], s); };
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
            float[] t = SCRATCH.get().fa;
            System.arraycopy(b, bo + ub, t, 0, r);
            Arrays.fill(t, r, FL, 0f);
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
            case POW -> (s, b, bo, out, oo, n) -> { for (int i = 0; i < n; i++) out[oo + i] = (float) Math.pow(s, b[bo + i]); };
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

    /** Sums of at least this many elements add their blocks on all cores (the blocks are then added in order). */
    static final int PARALLEL_SUM = 1 << 20;

    private static double sumF(float[] x, int off, int n) {
        final int step = 4 * DL;
        if (n < step) { // no vector step: the same in-order double sum, without the lane machinery (short rows)
            double s = 0;
            for (int i = 0; i < n; i++) s += x[off + i];
            return s;
        }
        int blocks = (n + BLOCK - 1) / BLOCK;
        if (n >= PARALLEL_SUM && Par.threads() > 1) {
            // each block's sum as on one thread, then the same in-order total: the bits do not depend on the split
            double[] part = new double[blocks];
            Par.forRange(blocks, BLOCK, (lo, hi) -> {
                double[] lanes = SCRATCH.get().lanes;
                for (long b = lo; b < hi; b++) part[(int) b] = sumBlockF(x, off, (int) b * BLOCK, Math.min(n, (int) b * BLOCK + BLOCK), lanes);
            });
            double total = 0;
            for (double s : part) total += s;
            return total;
        }
        double[] lanes = SCRATCH.get().lanes;
        double total = 0;
        for (int blk = 0; blk < n; blk += BLOCK) total += sumBlockF(x, off, blk, Math.min(n, blk + BLOCK), lanes);
        return total;
    }

    /** The double sum of x[off+i] for i in [from, end): four vector accumulators, lanes combined in a fixed order. */
    private static double sumBlockF(float[] x, int off, int from, int end, double[] lanes) {
        final int step = 4 * DL;
        int i = from;
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
        return s;
    }

    private static double prodF(float[] x, int off, int n) {
        final int step = 4 * DL;
        double[] lanes = SCRATCH.get().lanes;
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
                double[] acc = SCRATCH.get().acc;
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
     * overlap A or B. Large products are split over the cores ({@link Par}); every element of C is computed by one
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
        if (m <= 64 || k <= 64 || n <= ROWS_MAX_N) { // few rows, a short inner dimension or few columns: packing costs more than it saves
            if (transB) { // B^T stored [n,k]: lay B out row-major once, then the same kernels
                float[] bt = SCRATCH.get().big(k * n);
                for (int j = 0; j < n; j++) {
                    int src = bOff + j * ldb;
                    for (int p = 0; p < k; p++) bt[p * n + j] = b[src + p];
                }
                gemmRowsF(a, aOff, lda, transA, bt, 0, n, c, cOff, ldc, m, n, k);
            } else {
                gemmRowsF(a, aOff, lda, transA, b, bOff, ldb, c, cOff, ldc, m, n, k);
            }
            return;
        }
        List<int[]> ranges = splitRanges(m, n, k, MRF, NRW_F);
        if (ranges == null) {
            gemmF(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, k, 0, m, 0, n);
            return;
        }
        Par.forEach(ranges.size(), (lo, hi) -> {
            for (long i = lo; i < hi; i++) {
                int[] r = ranges.get((int) i);
                gemmF(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, k, r[0], r[1], r[2], r[3]);
            }
        });
    }

    /** Products at most this wide use the unpacked kernels whatever m and k (B's column chunk stays in cache). */
    static final int ROWS_MAX_N = 256;
    /**
     * Unpacked products with at least this many multiply-adds (128^3 and up) are split over the cores. With the
     * ForkJoinPool this had to be 16 M: waking a parked worker cost more than small products gained, and at 1 M the
     * batch-32 MNIST step went 227 -> 334 us. With {@link Par}'s workers polling between ops (JMH, 2 vCPUs, other
     * one idle): 128^3 46 -> 30 us, 32x784x128 62 -> 38 us, the batch-32 step unchanged within the noise
     * (221-237 us for thresholds of 1, 2, 4 and 16 M), the batch-256 step 1.26 ms -> 0.93-1.0 ms.
     */
    static final long ROWS_PARALLEL = 1L << 21;
    /** Columns of C per chunk of the unpacked kernels: 4 vectors (4 rows x 4 vectors = 16 accumulators). */
    static final int RW_F = 4 * FL;
    /** Steps of p per pass over the row tiles in the unpacked kernels: KS x RW_F floats of B stay in L1. */
    static final int KS = 64;

    /**
     * C = op(A)·B for row-major B without packing. Full chunks of {@link #RW_F} columns run 4 rows of C by 4
     * vectors held in registers (one broadcast of A per 4 multiply-adds), streaming B's rows; the chunk of B (one
     * KC block deep) stays in cache across the row tiles. Columns left over run 8 rows by one masked vector.
     * Large products split into (column chunk, row range) items over the pool. Each C element is the packed path's
     * sum: KC-deep blocks, each summed in order from zero, then added.
     */
    private static void gemmRowsF(float[] a, int aOff, int lda, boolean transA, float[] b, int bOff, int ldb,
                                  float[] c, int cOff, int ldc, int m, int n, int k) {
        final int sI = transA ? 1 : lda, sP = transA ? lda : 1;
        final int tiles = (m + 7) / 8;
        int threads = Par.threads();
        boolean parallel = threads > 1 && (long) m * n * k >= ROWS_PARALLEL;
        int groups = parallel ? Math.max(1, Math.min(tiles, threads * 4)) : 1;
        final int tilesPer = (tiles + groups - 1) / groups;
        final int nGroups = (tiles + tilesPer - 1) / tilesPer;
        if (!parallel || nGroups < 2) {
            gemmRowsItemsF(0, nGroups, tilesPer, a, aOff, sI, sP, b, bOff, ldb, c, cOff, ldc, m, n, k);
        } else {
            RowsJobF job = SCRATCH.get().rowsJob; // no lambda per product: the thread's job object, refilled
            job.set(tilesPer, a, aOff, sI, sP, b, bOff, ldb, c, cOff, ldc, m, n, k);
            try {
                Par.forEach(nGroups, job);
            } finally {
                job.set(0, null, 0, 0, 0, null, 0, 0, null, 0, 0, 0, 0, 0);
            }
        }
    }

    /**
     * {@link #gemmRowsItemsF} over one product's row groups as a {@link Par.Range}. Each thread has one (in its
     * scratch): the caller fills it before the job is published, so the workers see the fields, and clears it after.
     * A product inside another product's item cannot reach it: the row kernels call no matmul.
     */
    private static final class RowsJobF implements Par.Range {
        private int tilesPer, aOff, sI, sP, bOff, ldb, cOff, ldc, m, n, k;
        private float[] a, b, c;

        void set(int tilesPer, float[] a, int aOff, int sI, int sP, float[] b, int bOff, int ldb, float[] c, int cOff,
                 int ldc, int m, int n, int k) {
            this.tilesPer = tilesPer;
            this.a = a;
            this.aOff = aOff;
            this.sI = sI;
            this.sP = sP;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.m = m;
            this.n = n;
            this.k = k;
        }

        @Override
        public void run(long lo, long hi) {
            gemmRowsItemsF(lo, hi, tilesPer, a, aOff, sI, sP, b, bOff, ldb, c, cOff, ldc, m, n, k);
        }
    }

    /** Row groups [lo, hi) of {@link #gemmRowsF}: {@code tilesPer} tiles of 8 rows per group. */
    private static void gemmRowsItemsF(long lo, long hi, int tilesPer, float[] a, int aOff, int sI, int sP, float[] b,
                                       int bOff, int ldb, float[] c, int cOff, int ldc, int m, int n, int k) {
        final int w = RW_F;
        final int full = n / w; // full column chunks; the rest runs masked
        for (long item = lo; item < hi; item++) {
            int i0 = (int) item * tilesPer * 8, i1 = Math.min(m, i0 + tilesPer * 8), rows = i1 - i0;
            for (int pc = 0; pc < k; pc += KC) {
                int kb = Math.min(KC, k - pc);
                boolean acc = pc > 0;
                int ao = aOff + pc * sP;
                if (full > 0) {
                    // the KC block in sub-blocks of KS steps: each sub-block of one chunk of B stays in L1 across
                    // the row tiles, and the chunks of a sub-block follow each other, so each part of A comes
                    // from memory once. The running sums wait in C (first block) or in a scratch panel (later
                    // blocks), stored and reloaded exactly: every element is the same in-order sum as without
                    float[] t = acc && kb > KS ? SCRATCH.get().panel(rows * w * full) : null;
                    for (int ps = 0; ps < kb; ps += KS) {
                        int ks = Math.min(KS, kb - ps);
                        boolean first = ps == 0, last = ps + ks == kb;
                        int aos = ao + ps * sP;
                        for (int ch = 0; ch < full; ch++) {
                            int j = ch * w, bos = bOff + (pc + ps) * ldb + j, co = cOff + j;
                            int to = ch * rows * w - i0 * w; // chunk ch's rows in the panel, indexed by i
                            float[] run = acc ? t : c;
                            int i = i0;
                            for (; i + 4 <= i1; i += 4) {
                                int ro = acc ? to + i * w : co + i * ldc, ldr = acc ? w : ldc;
                                rows4x4F(a, aos + i * sI, sI, sP, b, bos, ldb, ks,
                                        first ? null : run, ro, ldr,
                                        last ? c : run, last ? co + i * ldc : ro, last ? ldc : ldr, last && acc);
                            }
                            for (; i < i1; i++) {
                                int ro = acc ? to + i * w : co + i * ldc;
                                rows1x4F(a, aos + i * sI, sP, b, bos, ldb, ks, first ? null : run, ro,
                                        last ? c : run, last ? co + i * ldc : ro, last && acc);
                            }
                        }
                    }
                }
                int j = full * w, cols = n - j;
                int bo = bOff + pc * ldb + j, co = cOff + j;
                int jj = 0;
                for (; jj + FL < cols; jj += 2 * FL) { // two vectors of columns at a time (conv2d's n = 32)
                    VectorMask<Float> mask = tailMaskF(jj + FL, cols), whole = ALL_F;
                    int i = i0;
                    for (; i + 8 <= i1; i += 8) rows8x2F(a, ao + i * sI, sI, sP, b, bo + jj, ldb, c, co + i * ldc + jj, ldc, kb, acc, mask);
                    for (; i < i1; i++) {
                        rows1x1F(a, ao + i * sI, sP, b, bo + jj, ldb, c, co + i * ldc + jj, kb, acc, whole);
                        rows1x1F(a, ao + i * sI, sP, b, bo + jj + FL, ldb, c, co + i * ldc + jj + FL, kb, acc, mask);
                    }
                }
                for (; jj < cols; jj += FL) {
                    VectorMask<Float> mask = tailMaskF(jj, cols);
                    // masked loads of B's last rows must not reach past its end (the Vector API's bounds check
                    // for those allocates): then this block is read from a copy with whole-vector rows
                    float[] bm = b;
                    int bmo = bo + jj, bml = ldb;
                    if (bmo + (long) (kb - 1) * ldb + FL > b.length) {
                        bm = SCRATCH.get().tail(kb * FL);
                        for (int p = 0; p < kb; p++) System.arraycopy(b, bo + jj + p * ldb, bm, p * FL, cols - jj);
                        bmo = 0;
                        bml = FL;
                    }
                    int i = i0;
                    // likewise masked stores of C's last rows: the rows whose whole vector would pass C's end go
                    // through a staging copy of the tile (the same sums, stored to C afterwards)
                    int safeEnd = i1;
                    while (safeEnd > i0 && co + (long) (safeEnd - 1) * ldc + jj + FL > c.length) safeEnd--;
                    for (; i + 8 <= safeEnd; i += 8) rows8x1F(a, ao + i * sI, sI, sP, bm, bmo, bml, c, co + i * ldc + jj, ldc, kb, acc, mask);
                    for (; i < safeEnd; i++) rows1x1F(a, ao + i * sI, sP, bm, bmo, bml, c, co + i * ldc + jj, kb, acc, mask);
                    if (i < i1) {
                        int w1 = cols - jj;
                        float[] ct = SCRATCH.get().cTile;
                        for (; i < i1; i += 8) {
                            int r8 = Math.min(8, i1 - i);
                            for (int r = 0; r < r8; r++) System.arraycopy(c, co + (i + r) * ldc + jj, ct, r * FL, w1);
                            if (r8 == 8) rows8x1F(a, ao + i * sI, sI, sP, bm, bmo, bml, ct, 0, FL, kb, acc, mask);
                            else for (int r = 0; r < r8; r++) rows1x1F(a, ao + (i + r) * sI, sP, bm, bmo, bml, ct, r * FL, kb, acc, mask);
                            for (int r = 0; r < r8; r++) System.arraycopy(ct, r * FL, c, co + (i + r) * ldc + jj, w1);
                        }
                    }
                }
            }
        }
    }

    /**
     * 4 rows (A(i+r, p) = a[ao + r*sI + p*sP]) times 4 full vectors of columns, over kb steps of p, from running sums
     * in {@code in} (rows {@code io + r*ldi}; null: from zero), into {@code out} (rows {@code oo + r*ldo}), adding
     * what {@code out} holds when {@code add}.
     */
    private static void rows4x4F(float[] a, int ao, int sI, int sP, float[] b, int bo, int ldb, int kb,
                                 float[] in, int io, int ldi, float[] out, int oo, int ldo, boolean add) {
        if (FL < 16) {
            // 16 accumulators and the 4 B vectors do not fit in AVX2's 16 registers (C2 kept some on the stack,
            // a store and a reload per step): two passes of 4 rows x 2 vectors, the same sums in the same order
            rows4x2F(a, ao, sI, sP, b, bo, ldb, kb, in, io, ldi, out, oo, ldo, add);
            rows4x2F(a, ao, sI, sP, b, bo + 2 * FL, ldb, kb, in, io + 2 * FL, ldi, out, oo + 2 * FL, ldo, add);
            return;
        }
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (in == null) {
            FloatVector z = FloatVector.zero(FS);
            c00 = z; c01 = z; c02 = z; c03 = z; c10 = z; c11 = z; c12 = z; c13 = z;
            c20 = z; c21 = z; c22 = z; c23 = z; c30 = z; c31 = z; c32 = z; c33 = z;
        } else {
            int i1 = io + ldi, i2 = i1 + ldi, i3 = i2 + ldi;
            c00 = FloatVector.fromArray(FS, in, io); c01 = FloatVector.fromArray(FS, in, io + FL);
            c02 = FloatVector.fromArray(FS, in, io + 2 * FL); c03 = FloatVector.fromArray(FS, in, io + 3 * FL);
            c10 = FloatVector.fromArray(FS, in, i1); c11 = FloatVector.fromArray(FS, in, i1 + FL);
            c12 = FloatVector.fromArray(FS, in, i1 + 2 * FL); c13 = FloatVector.fromArray(FS, in, i1 + 3 * FL);
            c20 = FloatVector.fromArray(FS, in, i2); c21 = FloatVector.fromArray(FS, in, i2 + FL);
            c22 = FloatVector.fromArray(FS, in, i2 + 2 * FL); c23 = FloatVector.fromArray(FS, in, i2 + 3 * FL);
            c30 = FloatVector.fromArray(FS, in, i3); c31 = FloatVector.fromArray(FS, in, i3 + FL);
            c32 = FloatVector.fromArray(FS, in, i3 + 2 * FL); c33 = FloatVector.fromArray(FS, in, i3 + 3 * FL);
        }
        int s2 = 2 * sI, s3 = 3 * sI;
        for (int p = 0, ai = ao, bi = bo; p < kb; p++, ai += sP, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(FS, b, bi), b1 = FloatVector.fromArray(FS, b, bi + FL),
                    b2 = FloatVector.fromArray(FS, b, bi + 2 * FL), b3 = FloatVector.fromArray(FS, b, bi + 3 * FL);
            FloatVector av = FloatVector.broadcast(FS, a[ai]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(FS, a[ai + sI]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
            av = FloatVector.broadcast(FS, a[ai + s2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
            av = FloatVector.broadcast(FS, a[ai + s3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
        }
        // one store sequence in a loop over the rows: 16 inlined copies of it would exceed C2's inlining budget,
        // and a vector handed to a call that is not inlined gets boxed (allocated) on every use
        for (int r = 0, o = oo; r < 4; r++, o += ldo) {
            FloatVector x0 = r == 0 ? c00 : r == 1 ? c10 : r == 2 ? c20 : c30;
            FloatVector x1 = r == 0 ? c01 : r == 1 ? c11 : r == 2 ? c21 : c31;
            FloatVector x2 = r == 0 ? c02 : r == 1 ? c12 : r == 2 ? c22 : c32;
            FloatVector x3 = r == 0 ? c03 : r == 1 ? c13 : r == 2 ? c23 : c33;
            if (add) {
                x0 = x0.add(FloatVector.fromArray(FS, out, o));
                x1 = x1.add(FloatVector.fromArray(FS, out, o + FL));
                x2 = x2.add(FloatVector.fromArray(FS, out, o + 2 * FL));
                x3 = x3.add(FloatVector.fromArray(FS, out, o + 3 * FL));
            }
            x0.intoArray(out, o);
            x1.intoArray(out, o + FL);
            x2.intoArray(out, o + 2 * FL);
            x3.intoArray(out, o + 3 * FL);
        }
    }

    /** 4 rows times 2 full vectors of columns, as {@link #rows4x4F} (its half on AVX2). */
    private static void rows4x2F(float[] a, int ao, int sI, int sP, float[] b, int bo, int ldb, int kb,
                                 float[] in, int io, int ldi, float[] out, int oo, int ldo, boolean add) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (in == null) {
            FloatVector z = FloatVector.zero(FS);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z;
        } else {
            int i1 = io + ldi, i2 = i1 + ldi, i3 = i2 + ldi;
            c00 = FloatVector.fromArray(FS, in, io); c01 = FloatVector.fromArray(FS, in, io + FL);
            c10 = FloatVector.fromArray(FS, in, i1); c11 = FloatVector.fromArray(FS, in, i1 + FL);
            c20 = FloatVector.fromArray(FS, in, i2); c21 = FloatVector.fromArray(FS, in, i2 + FL);
            c30 = FloatVector.fromArray(FS, in, i3); c31 = FloatVector.fromArray(FS, in, i3 + FL);
        }
        int s2 = 2 * sI, s3 = 3 * sI;
        for (int p = 0, ai = ao, bi = bo; p < kb; p++, ai += sP, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(FS, b, bi), b1 = FloatVector.fromArray(FS, b, bi + FL);
            FloatVector av = FloatVector.broadcast(FS, a[ai]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(FS, a[ai + sI]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(FS, a[ai + s2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(FS, a[ai + s3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
        }
        for (int r = 0, o = oo; r < 4; r++, o += ldo) { // one store sequence (see rows4x4F)
            FloatVector x0 = r == 0 ? c00 : r == 1 ? c10 : r == 2 ? c20 : c30;
            FloatVector x1 = r == 0 ? c01 : r == 1 ? c11 : r == 2 ? c21 : c31;
            if (add) {
                x0 = x0.add(FloatVector.fromArray(FS, out, o));
                x1 = x1.add(FloatVector.fromArray(FS, out, o + FL));
            }
            x0.intoArray(out, o);
            x1.intoArray(out, o + FL);
        }
    }

    /** One row times 4 full vectors of columns (see rows4x4F). */
    private static void rows1x4F(float[] a, int ao, int sP, float[] b, int bo, int ldb, int kb,
                                 float[] in, int io, float[] out, int oo, boolean add) {
        FloatVector c0, c1, c2, c3;
        if (in == null) {
            c0 = FloatVector.zero(FS); c1 = c0; c2 = c0; c3 = c0;
        } else {
            c0 = FloatVector.fromArray(FS, in, io); c1 = FloatVector.fromArray(FS, in, io + FL);
            c2 = FloatVector.fromArray(FS, in, io + 2 * FL); c3 = FloatVector.fromArray(FS, in, io + 3 * FL);
        }
        for (int p = 0, ai = ao, bi = bo; p < kb; p++, ai += sP, bi += ldb) {
            FloatVector av = FloatVector.broadcast(FS, a[ai]);
            c0 = av.fma(FloatVector.fromArray(FS, b, bi), c0);
            c1 = av.fma(FloatVector.fromArray(FS, b, bi + FL), c1);
            c2 = av.fma(FloatVector.fromArray(FS, b, bi + 2 * FL), c2);
            c3 = av.fma(FloatVector.fromArray(FS, b, bi + 3 * FL), c3);
        }
        if (add) {
            c0 = c0.add(FloatVector.fromArray(FS, out, oo));
            c1 = c1.add(FloatVector.fromArray(FS, out, oo + FL));
            c2 = c2.add(FloatVector.fromArray(FS, out, oo + 2 * FL));
            c3 = c3.add(FloatVector.fromArray(FS, out, oo + 3 * FL));
        }
        c0.intoArray(out, oo);
        c1.intoArray(out, oo + FL);
        c2.intoArray(out, oo + 2 * FL);
        c3.intoArray(out, oo + 3 * FL);
    }

    /** 8 rows times one vector of columns, of which {@code mask} selects the ones that exist. */
    private static void rows8x1F(float[] a, int ao, int sI, int sP, float[] b, int bo, int ldb,
                                 float[] c, int co, int ldc, int kb, boolean acc, VectorMask<Float> mask) {
        FloatVector z = FloatVector.zero(FS);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;
        int s2 = 2 * sI, s3 = 3 * sI, s4 = 4 * sI, s5 = 5 * sI, s6 = 6 * sI, s7 = 7 * sI;
        for (int p = 0, ai = ao, bi = bo; p < kb; p++, ai += sP, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(FS, b, bi, mask);
            c0 = FloatVector.broadcast(FS, a[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(FS, a[ai + sI]).fma(b0, c1);
            c2 = FloatVector.broadcast(FS, a[ai + s2]).fma(b0, c2);
            c3 = FloatVector.broadcast(FS, a[ai + s3]).fma(b0, c3);
            c4 = FloatVector.broadcast(FS, a[ai + s4]).fma(b0, c4);
            c5 = FloatVector.broadcast(FS, a[ai + s5]).fma(b0, c5);
            c6 = FloatVector.broadcast(FS, a[ai + s6]).fma(b0, c6);
            c7 = FloatVector.broadcast(FS, a[ai + s7]).fma(b0, c7);
        }
        for (int r = 0; r < 8; r++, co += ldc) { // one store sequence (see rows4x4F)
            FloatVector x = r == 0 ? c0 : r == 1 ? c1 : r == 2 ? c2 : r == 3 ? c3 : r == 4 ? c4 : r == 5 ? c5 : r == 6 ? c6 : c7;
            if (acc) x = x.add(FloatVector.fromArray(FS, c, co, mask));
            x.intoArray(c, co, mask);
        }
    }

    /** 8 rows times one full and one masked vector of columns (16 accumulators), in the order of {@link #rows8x1F}. */
    private static void rows8x2F(float[] a, int ao, int sI, int sP, float[] b, int bo, int ldb,
                                 float[] c, int co, int ldc, int kb, boolean acc, VectorMask<Float> mask) {
        if (FL < 16) { // AVX2: two passes of 4 rows (see rows4x4F)
            rows4x2mF(a, ao, sI, sP, b, bo, ldb, c, co, ldc, kb, acc, mask);
            rows4x2mF(a, ao + 4 * sI, sI, sP, b, bo, ldb, c, co + 4 * ldc, ldc, kb, acc, mask);
            return;
        }
        FloatVector z = FloatVector.zero(FS);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;
        FloatVector d0 = z, d1 = z, d2 = z, d3 = z, d4 = z, d5 = z, d6 = z, d7 = z;
        int s2 = 2 * sI, s3 = 3 * sI, s4 = 4 * sI, s5 = 5 * sI, s6 = 6 * sI, s7 = 7 * sI;
        for (int p = 0, ai = ao, bi = bo; p < kb; p++, ai += sP, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(FS, b, bi), b1 = FloatVector.fromArray(FS, b, bi + FL, mask);
            FloatVector av = FloatVector.broadcast(FS, a[ai]);
            c0 = av.fma(b0, c0); d0 = av.fma(b1, d0);
            av = FloatVector.broadcast(FS, a[ai + sI]);
            c1 = av.fma(b0, c1); d1 = av.fma(b1, d1);
            av = FloatVector.broadcast(FS, a[ai + s2]);
            c2 = av.fma(b0, c2); d2 = av.fma(b1, d2);
            av = FloatVector.broadcast(FS, a[ai + s3]);
            c3 = av.fma(b0, c3); d3 = av.fma(b1, d3);
            av = FloatVector.broadcast(FS, a[ai + s4]);
            c4 = av.fma(b0, c4); d4 = av.fma(b1, d4);
            av = FloatVector.broadcast(FS, a[ai + s5]);
            c5 = av.fma(b0, c5); d5 = av.fma(b1, d5);
            av = FloatVector.broadcast(FS, a[ai + s6]);
            c6 = av.fma(b0, c6); d6 = av.fma(b1, d6);
            av = FloatVector.broadcast(FS, a[ai + s7]);
            c7 = av.fma(b0, c7); d7 = av.fma(b1, d7);
        }
        for (int r = 0; r < 8; r++, co += ldc) { // one store sequence (see rows4x4F)
            FloatVector x = r == 0 ? c0 : r == 1 ? c1 : r == 2 ? c2 : r == 3 ? c3 : r == 4 ? c4 : r == 5 ? c5 : r == 6 ? c6 : c7;
            FloatVector y = r == 0 ? d0 : r == 1 ? d1 : r == 2 ? d2 : r == 3 ? d3 : r == 4 ? d4 : r == 5 ? d5 : r == 6 ? d6 : d7;
            store(x, c, co, acc);
            storeMasked(y, c, co + FL, acc, mask);
        }
    }

    /** 4 rows times one full and one masked vector of columns: {@link #rows8x2F}'s half on AVX2. */
    private static void rows4x2mF(float[] a, int ao, int sI, int sP, float[] b, int bo, int ldb,
                                  float[] c, int co, int ldc, int kb, boolean acc, VectorMask<Float> mask) {
        FloatVector z = FloatVector.zero(FS);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, d0 = z, d1 = z, d2 = z, d3 = z;
        int s2 = 2 * sI, s3 = 3 * sI;
        for (int p = 0, ai = ao, bi = bo; p < kb; p++, ai += sP, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(FS, b, bi), b1 = FloatVector.fromArray(FS, b, bi + FL, mask);
            FloatVector av = FloatVector.broadcast(FS, a[ai]);
            c0 = av.fma(b0, c0); d0 = av.fma(b1, d0);
            av = FloatVector.broadcast(FS, a[ai + sI]);
            c1 = av.fma(b0, c1); d1 = av.fma(b1, d1);
            av = FloatVector.broadcast(FS, a[ai + s2]);
            c2 = av.fma(b0, c2); d2 = av.fma(b1, d2);
            av = FloatVector.broadcast(FS, a[ai + s3]);
            c3 = av.fma(b0, c3); d3 = av.fma(b1, d3);
        }
        for (int r = 0; r < 4; r++, co += ldc) { // one store sequence (see rows4x4F)
            FloatVector x = r == 0 ? c0 : r == 1 ? c1 : r == 2 ? c2 : c3;
            FloatVector y = r == 0 ? d0 : r == 1 ? d1 : r == 2 ? d2 : d3;
            store(x, c, co, acc);
            storeMasked(y, c, co + FL, acc, mask);
        }
    }

    /** One row times one masked vector of columns. */
    private static void rows1x1F(float[] a, int ao, int sP, float[] b, int bo, int ldb, float[] c, int co, int kb,
                                 boolean acc, VectorMask<Float> mask) {
        FloatVector c0 = FloatVector.zero(FS);
        for (int p = 0, ai = ao, bi = bo; p < kb; p++, ai += sP, bi += ldb) {
            c0 = FloatVector.broadcast(FS, a[ai]).fma(FloatVector.fromArray(FS, b, bi, mask), c0);
        }
        storeMasked(c0, c, co, acc, mask);
    }

    private static void storeMasked(FloatVector part, float[] c, int o, boolean acc, VectorMask<Float> mask) {
        (acc ? part.add(FloatVector.fromArray(FS, c, o, mask)) : part).intoArray(c, o, mask);
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
        float[] ap = new float[kcMax * roundUp(Math.min(MCF, i1 - i0), MRF)];
        float[] tile = new float[MRF * nrw];
        for (int jc = j0; jc < j1; jc += NC) {
            int nb = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kb = Math.min(KC, k - pc);
                packBF(b, bOff, ldb, transB, pc, kb, jc, nb, bp);
                boolean acc = pc > 0;
                for (int ic = i0; ic < i1; ic += MCF) {
                    int mb = Math.min(MCF, i1 - ic);
                    packAF(a, aOff, lda, transA, ic, mb, pc, kb, ap);
                    for (int jr = 0; jr < nb; jr += nrw) {
                        int cols = Math.min(nrw, nb - jr), bo = (jr / nrw) * kb * nrw;
                        for (int ir = 0; ir < mb; ir += MRF) {
                            int ao = (ir / MRF) * kb * MRF, co = cOff + (ic + ir) * ldc + jc + jr, rows = Math.min(MRF, mb - ir);
                            if (MRF == 12) kernel12F(ap, ao, bp, bo, kb, c, co, ldc, rows, cols, acc, tile);
                            else kernelF(ap, ao, bp, bo, kb, c, co, ldc, rows, cols, acc, tile);
                        }
                    }
                }
            }
        }
    }

    /** Packs op(B)[pc:pc+kb, jc:jc+nb] as column panels of width NRW_F, each row-major and zero-padded. */
    private static void packBF(float[] b, int bOff, int ldb, boolean transB, int pc, int kb, int jc, int nb, float[] bp) {
        final int nrw = NRW_F;
        if (!transB) {
            // row by row of B, so the reads stream; each row's slices go to the full panels, the last one padded
            int full = nb / nrw, rest = nb - full * nrw, last = full * kb * nrw;
            for (int p = 0; p < kb; p++) {
                int src = bOff + (pc + p) * ldb + jc, dst = p * nrw;
                for (int q = 0; q < full; q++, src += nrw, dst += kb * nrw) System.arraycopy(b, src, bp, dst, nrw);
                if (rest > 0) {
                    int d = last + p * nrw;
                    System.arraycopy(b, src, bp, d, rest);
                    Arrays.fill(bp, d + rest, d + nrw, 0f);
                }
            }
            return;
        }
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

    /** Packs op(A)[ic:ic+mb, pc:pc+kb] as row panels of height MRF, each column-major and zero-padded. */
    private static void packAF(float[] a, int aOff, int lda, boolean transA, int ic, int mb, int pc, int kb, float[] ap) {
        for (int i = 0, base = 0; i < mb; i += MRF, base += kb * MRF) {
            int h = Math.min(MRF, mb - i);
            if (!transA && h == 12) {
                // a full 12-row panel: one pass over p reading the 12 rows side by side, writing the panel in order
                int s0 = aOff + (ic + i) * lda + pc, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda,
                        s5 = s4 + lda, s6 = s5 + lda, s7 = s6 + lda, s8 = s7 + lda, s9 = s8 + lda, s10 = s9 + lda,
                        s11 = s10 + lda;
                for (int p = 0, d = base; p < kb; p++, d += 12) {
                    ap[d] = a[s0 + p]; ap[d + 1] = a[s1 + p]; ap[d + 2] = a[s2 + p]; ap[d + 3] = a[s3 + p];
                    ap[d + 4] = a[s4 + p]; ap[d + 5] = a[s5 + p]; ap[d + 6] = a[s6 + p]; ap[d + 7] = a[s7 + p];
                    ap[d + 8] = a[s8 + p]; ap[d + 9] = a[s9 + p]; ap[d + 10] = a[s10 + p]; ap[d + 11] = a[s11 + p];
                }
            } else if (!transA && h == 5) {
                int s0 = aOff + (ic + i) * lda + pc, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda;
                for (int p = 0, d = base; p < kb; p++, d += 5) {
                    ap[d] = a[s0 + p]; ap[d + 1] = a[s1 + p]; ap[d + 2] = a[s2 + p];
                    ap[d + 3] = a[s3 + p]; ap[d + 4] = a[s4 + p];
                }
            } else if (!transA) {
                for (int r = 0; r < h; r++) {
                    int src = aOff + (ic + i + r) * lda + pc;
                    for (int p = 0; p < kb; p++) ap[base + p * MRF + r] = a[src + p];
                }
            } else {
                for (int p = 0; p < kb; p++) {
                    int src = aOff + (pc + p) * lda + ic + i;
                    for (int r = 0; r < h; r++) ap[base + p * MRF + r] = a[src + r];
                }
            }
            if (h < MRF) for (int p = 0; p < kb; p++) for (int r = h; r < MRF; r++) ap[base + p * MRF + r] = 0f;
        }
    }

    /**
     * The register tile where vectors are narrower than 512 bits: a 5 x (2 vectors) block of C from packed panels
     * (see {@link #MRF} for why not 6). {@code acc} adds to C (later k blocks) instead of overwriting it. Edge tiles
     * go through {@code tile} so no vector crosses a method boundary.
     */
    private static void kernelF(float[] ap, int ao, float[] bp, int bo, int kb, float[] c, int co, int ldc,
                                int rows, int cols, boolean acc, float[] tile) {
        final int nrw = NRW_F;
        FloatVector c00 = FloatVector.zero(FS), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00;
        for (int p = 0, ai = ao, bi = bo; p < kb; p++, ai += 5, bi += nrw) {
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
        }
        if (rows == 5 && cols == nrw) {
            int o0 = co, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc;
            if (acc) {
                c00 = c00.add(FloatVector.fromArray(FS, c, o0)); c01 = c01.add(FloatVector.fromArray(FS, c, o0 + FL));
                c10 = c10.add(FloatVector.fromArray(FS, c, o1)); c11 = c11.add(FloatVector.fromArray(FS, c, o1 + FL));
                c20 = c20.add(FloatVector.fromArray(FS, c, o2)); c21 = c21.add(FloatVector.fromArray(FS, c, o2 + FL));
                c30 = c30.add(FloatVector.fromArray(FS, c, o3)); c31 = c31.add(FloatVector.fromArray(FS, c, o3 + FL));
                c40 = c40.add(FloatVector.fromArray(FS, c, o4)); c41 = c41.add(FloatVector.fromArray(FS, c, o4 + FL));
            }
            c00.intoArray(c, o0); c01.intoArray(c, o0 + FL);
            c10.intoArray(c, o1); c11.intoArray(c, o1 + FL);
            c20.intoArray(c, o2); c21.intoArray(c, o2 + FL);
            c30.intoArray(c, o3); c31.intoArray(c, o3 + FL);
            c40.intoArray(c, o4); c41.intoArray(c, o4 + FL);
        } else {
            c00.intoArray(tile, 0); c01.intoArray(tile, FL);
            c10.intoArray(tile, nrw); c11.intoArray(tile, nrw + FL);
            c20.intoArray(tile, 2 * nrw); c21.intoArray(tile, 2 * nrw + FL);
            c30.intoArray(tile, 3 * nrw); c31.intoArray(tile, 3 * nrw + FL);
            c40.intoArray(tile, 4 * nrw); c41.intoArray(tile, 4 * nrw + FL);
            for (int r = 0; r < rows; r++) {
                int o = co + r * ldc, t = r * nrw;
                if (acc) for (int j = 0; j < cols; j++) c[o + j] += tile[t + j];
                else System.arraycopy(tile, t, c, o, cols);
            }
        }
    }

    /**
     * The 12 x (2 vectors) register tile for 512-bit vectors: 24 accumulators, two B vectors and one broadcast of A
     * live in registers across the loop over p. Otherwise as {@link #kernelF}.
     */
    private static void kernel12F(float[] ap, int ao, float[] bp, int bo, int kb, float[] c, int co, int ldc,
                                  int rows, int cols, boolean acc, float[] tile) {
        final int nrw = NRW_F;
        final FloatVector z = FloatVector.zero(FS);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z,
                c60 = z, c61 = z, c70 = z, c71 = z, c80 = z, c81 = z, c90 = z, c91 = z, ca0 = z, ca1 = z, cb0 = z, cb1 = z;
        for (int p = 0, ai = ao, bi = bo; p < kb; p++, ai += 12, bi += nrw) {
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
            av = FloatVector.broadcast(FS, ap[ai + 6]);
            c60 = av.fma(b0, c60); c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(FS, ap[ai + 7]);
            c70 = av.fma(b0, c70); c71 = av.fma(b1, c71);
            av = FloatVector.broadcast(FS, ap[ai + 8]);
            c80 = av.fma(b0, c80); c81 = av.fma(b1, c81);
            av = FloatVector.broadcast(FS, ap[ai + 9]);
            c90 = av.fma(b0, c90); c91 = av.fma(b1, c91);
            av = FloatVector.broadcast(FS, ap[ai + 10]);
            ca0 = av.fma(b0, ca0); ca1 = av.fma(b1, ca1);
            av = FloatVector.broadcast(FS, ap[ai + 11]);
            cb0 = av.fma(b0, cb0); cb1 = av.fma(b1, cb1);
        }
        if (rows == 12 && cols == nrw) {
            int o = co;
            if (acc) {
                c00 = c00.add(FloatVector.fromArray(FS, c, o + 0 * ldc)); c01 = c01.add(FloatVector.fromArray(FS, c, o + 0 * ldc + FL));
                c10 = c10.add(FloatVector.fromArray(FS, c, o + 1 * ldc)); c11 = c11.add(FloatVector.fromArray(FS, c, o + 1 * ldc + FL));
                c20 = c20.add(FloatVector.fromArray(FS, c, o + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(FS, c, o + 2 * ldc + FL));
                c30 = c30.add(FloatVector.fromArray(FS, c, o + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(FS, c, o + 3 * ldc + FL));
                c40 = c40.add(FloatVector.fromArray(FS, c, o + 4 * ldc)); c41 = c41.add(FloatVector.fromArray(FS, c, o + 4 * ldc + FL));
                c50 = c50.add(FloatVector.fromArray(FS, c, o + 5 * ldc)); c51 = c51.add(FloatVector.fromArray(FS, c, o + 5 * ldc + FL));
                c60 = c60.add(FloatVector.fromArray(FS, c, o + 6 * ldc)); c61 = c61.add(FloatVector.fromArray(FS, c, o + 6 * ldc + FL));
                c70 = c70.add(FloatVector.fromArray(FS, c, o + 7 * ldc)); c71 = c71.add(FloatVector.fromArray(FS, c, o + 7 * ldc + FL));
                c80 = c80.add(FloatVector.fromArray(FS, c, o + 8 * ldc)); c81 = c81.add(FloatVector.fromArray(FS, c, o + 8 * ldc + FL));
                c90 = c90.add(FloatVector.fromArray(FS, c, o + 9 * ldc)); c91 = c91.add(FloatVector.fromArray(FS, c, o + 9 * ldc + FL));
                ca0 = ca0.add(FloatVector.fromArray(FS, c, o + 10 * ldc)); ca1 = ca1.add(FloatVector.fromArray(FS, c, o + 10 * ldc + FL));
                cb0 = cb0.add(FloatVector.fromArray(FS, c, o + 11 * ldc)); cb1 = cb1.add(FloatVector.fromArray(FS, c, o + 11 * ldc + FL));
            }
            c00.intoArray(c, o); c01.intoArray(c, o + FL); o += ldc;
            c10.intoArray(c, o); c11.intoArray(c, o + FL); o += ldc;
            c20.intoArray(c, o); c21.intoArray(c, o + FL); o += ldc;
            c30.intoArray(c, o); c31.intoArray(c, o + FL); o += ldc;
            c40.intoArray(c, o); c41.intoArray(c, o + FL); o += ldc;
            c50.intoArray(c, o); c51.intoArray(c, o + FL); o += ldc;
            c60.intoArray(c, o); c61.intoArray(c, o + FL); o += ldc;
            c70.intoArray(c, o); c71.intoArray(c, o + FL); o += ldc;
            c80.intoArray(c, o); c81.intoArray(c, o + FL); o += ldc;
            c90.intoArray(c, o); c91.intoArray(c, o + FL); o += ldc;
            ca0.intoArray(c, o); ca1.intoArray(c, o + FL); o += ldc;
            cb0.intoArray(c, o); cb1.intoArray(c, o + FL); o += ldc;
        } else {
            c00.intoArray(tile, 0 * nrw); c01.intoArray(tile, 0 * nrw + FL);
            c10.intoArray(tile, 1 * nrw); c11.intoArray(tile, 1 * nrw + FL);
            c20.intoArray(tile, 2 * nrw); c21.intoArray(tile, 2 * nrw + FL);
            c30.intoArray(tile, 3 * nrw); c31.intoArray(tile, 3 * nrw + FL);
            c40.intoArray(tile, 4 * nrw); c41.intoArray(tile, 4 * nrw + FL);
            c50.intoArray(tile, 5 * nrw); c51.intoArray(tile, 5 * nrw + FL);
            c60.intoArray(tile, 6 * nrw); c61.intoArray(tile, 6 * nrw + FL);
            c70.intoArray(tile, 7 * nrw); c71.intoArray(tile, 7 * nrw + FL);
            c80.intoArray(tile, 8 * nrw); c81.intoArray(tile, 8 * nrw + FL);
            c90.intoArray(tile, 9 * nrw); c91.intoArray(tile, 9 * nrw + FL);
            ca0.intoArray(tile, 10 * nrw); ca1.intoArray(tile, 10 * nrw + FL);
            cb0.intoArray(tile, 11 * nrw); cb1.intoArray(tile, 11 * nrw + FL);
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
            double[] t = SCRATCH.get().da;
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
            double[] t = SCRATCH.get().da;
            System.arraycopy(x, xo + ub, t, 0, r);
            Arrays.fill(t, r, DL, 0.0);
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
            case EXP -> perElementD(op);
            case LOG -> perElementD(op);
            case SQRT -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).sqrt().intoArray(out, oo + i); };
            case SQUARE -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) { DoubleVector v = DoubleVector.fromArray(DS, x, xo + i); v.mul(v).intoArray(out, oo + i); } };
            case SIGMOID -> perElementD(op);
            case TANH -> perElementD(op);
            // lanewise MAX/MIN follow Math.max/min: NaN propagates and max(-0, 0) is +0
            case RELU -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) DoubleVector.fromArray(DS, x, xo + i).lanewise(VectorOperators.MAX, 0.0).intoArray(out, oo + i); };
            case SIN -> perElementD(op);
            case COS -> perElementD(op);
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
            case LOG1P -> perElementD(op);
            case EXPM1 -> perElementD(op);
            case SOFTPLUS -> perElementD(op);
            case SOFTSIGN -> (x, xo, out, oo, n, p0, p1) -> { for (int i = 0; i < n; i += DL) { DoubleVector v = DoubleVector.fromArray(DS, x, xo + i); v.div(v.abs().add(1.0)).intoArray(out, oo + i); } };
            case ELU -> perElementD(op);
            case SELU -> perElementD(op);
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
                    for (int i = 0; i < n; i++) out[oo + i] = Math.pow(x[xo + i], p0);
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
            double[] t = SCRATCH.get().da;
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
            Scratch sc = SCRATCH.get();
            double[] ta = sc.da, tb = sc.db;
            System.arraycopy(a, ao + ub, ta, 0, r);
            System.arraycopy(b, bo + ub, tb, 0, r);
            Arrays.fill(ta, r, DL, 0.0);
            Arrays.fill(tb, r, DL, 0.0);
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
            case POW -> (a, ao, b, bo, out, oo, n) -> { for (int i = 0; i < n; i++) out[oo + i] = Math.pow(a[ao + i], b[bo + i]); };
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
            double[] t = SCRATCH.get().da;
            System.arraycopy(a, ao + ub, t, 0, r);
            Arrays.fill(t, r, DL, 0.0);
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
                for (int i = 0; i < n; i++) out[oo + i] = Math.pow(a[ao + i], s);
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
            double[] t = SCRATCH.get().da;
            System.arraycopy(b, bo + ub, t, 0, r);
            Arrays.fill(t, r, DL, 0.0);
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
                for (int i = 0; i < n; i++) out[oo + i] = Math.pow(s, b[bo + i]);
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
     * overlap A or B. Large products are split over the cores ({@link Par}); every element of C is computed by one
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
        List<int[]> ranges = splitRanges(m, n, k, MR, NRW_D);
        if (ranges == null) {
            gemmD(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, k, 0, m, 0, n);
            return;
        }
        Par.forEach(ranges.size(), (lo, hi) -> {
            for (long i = lo; i < hi; i++) {
                int[] r = ranges.get((int) i);
                gemmD(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, k, r[0], r[1], r[2], r[3]);
            }
        });
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
