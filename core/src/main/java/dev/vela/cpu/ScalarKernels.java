// Plain-loop reference twins of VectorKernels (same signatures, same semantics): the oracle its tests compare against.
package dev.vela.cpu;

import dev.vela.spi.BinaryOp;
import dev.vela.spi.ReduceOp;
import dev.vela.spi.UnaryOp;

/**
 * Scalar reference implementations of the {@link VectorKernels} methods, written for clarity: one element at a time
 * with {@link Math} functions. float32 kernels compute in float32 with {@code p0, p1} rounded to float; reductions
 * accumulate SUM/PROD sequentially in double; matmul is the naive triple loop accumulating in double. Also usable
 * for single values through {@link #apply(UnaryOp, float, float, float)} and friends.
 */
public final class ScalarKernels {
    private ScalarKernels() {}

    // ===================================================================== single values

    /** One float32 unary op (p0, p1 already rounded to float). */
    public static float apply(UnaryOp op, float x, float p0, float p1) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case SQUARE -> x * x;
            case SIGMOID -> 1f / (1f + (float) Math.exp(-x));
            case TANH -> (float) Math.tanh(x);
            case RELU -> Math.max(x, 0f);
            case SIN -> (float) Math.sin(x);
            case COS -> (float) Math.cos(x);
            case SIGN -> Math.signum(x);
            case RECIPROCAL -> 1f / x;
            case FLOOR -> (float) Math.floor(x);
            case CEIL -> (float) Math.ceil(x);
            case ROUND -> (float) Math.rint(x);
            case LOG1P -> (float) Math.log1p(x);
            case EXPM1 -> (float) Math.expm1(x);
            case SOFTPLUS -> Math.max(x, 0f) + (float) Math.log1p((float) Math.exp(-Math.abs(x)));
            case SOFTSIGN -> x / (1f + Math.abs(x));
            case ELU -> x > 0f ? x : p0 * (float) Math.expm1(x);
            case SELU -> x > 0f ? p0 * x : VectorKernels.seluNegScale(p0, p1) * (float) Math.expm1(x);
            case LEAKY_RELU -> x > 0f ? x : p0 * x;
            case CLIP -> Math.min(Math.max(x, p0), p1);
            case POW -> (float) Math.pow(x, p0);
            case AFFINE -> x * p0 + p1;
            case HARD_SIGMOID -> Math.min(Math.max(x * 0.2f + 0.5f, 0f), 1f);
            case IN_RANGE -> x >= p0 && x <= p1 ? 1f : 0f;
            case STEP -> x > p0 ? 1f : 0f;
            case ONE_MINUS_SQUARE -> 1f - x * x;
            case SIGMOID_GRAD_FROM_OUT -> x * (1f - x);
            case IS_NAN -> x != x ? 1f : 0f;
            case FLUSH_SUBNORMAL -> Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
        };
    }

    /** One float64 unary op. */
    public static double apply(UnaryOp op, double x, double p0, double p1) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case SQUARE -> x * x;
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case RELU -> Math.max(x, 0.0);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case SIGN -> Math.signum(x);
            case RECIPROCAL -> 1.0 / x;
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
            case ROUND -> Math.rint(x);
            case LOG1P -> Math.log1p(x);
            case EXPM1 -> Math.expm1(x);
            case SOFTPLUS -> Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
            case SOFTSIGN -> x / (1.0 + Math.abs(x));
            case ELU -> x > 0.0 ? x : p0 * Math.expm1(x);
            case SELU -> x > 0.0 ? p0 * x : VectorKernels.seluNegScale(p0, p1) * Math.expm1(x);
            case LEAKY_RELU -> x > 0.0 ? x : p0 * x;
            case CLIP -> Math.min(Math.max(x, p0), p1);
            case POW -> Math.pow(x, p0);
            case AFFINE -> x * p0 + p1;
            case HARD_SIGMOID -> Math.min(Math.max(x * 0.2 + 0.5, 0.0), 1.0);
            case IN_RANGE -> x >= p0 && x <= p1 ? 1.0 : 0.0;
            case STEP -> x > p0 ? 1.0 : 0.0;
            case ONE_MINUS_SQUARE -> 1.0 - x * x;
            case SIGMOID_GRAD_FROM_OUT -> x * (1.0 - x);
            case IS_NAN -> x != x ? 1.0 : 0.0;
            case FLUSH_SUBNORMAL -> Math.abs(x) < Double.MIN_NORMAL ? 0.0 : x;
        };
    }

    /** One float32 binary op. */
    public static float apply(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case POW -> (float) Math.pow(a, b);
            case EQ -> a == b ? 1f : 0f;
            case NE -> a != b ? 1f : 0f;
            case LT -> a < b ? 1f : 0f;
            case LE -> a <= b ? 1f : 0f;
            case GT -> a > b ? 1f : 0f;
            case GE -> a >= b ? 1f : 0f;
            case AND -> a != 0f && b != 0f ? 1f : 0f;
            case OR -> a != 0f || b != 0f ? 1f : 0f;
        };
    }

    /** One float64 binary op. */
    public static double apply(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case POW -> Math.pow(a, b);
            case EQ -> a == b ? 1.0 : 0.0;
            case NE -> a != b ? 1.0 : 0.0;
            case LT -> a < b ? 1.0 : 0.0;
            case LE -> a <= b ? 1.0 : 0.0;
            case GT -> a > b ? 1.0 : 0.0;
            case GE -> a >= b ? 1.0 : 0.0;
            case AND -> a != 0.0 && b != 0.0 ? 1.0 : 0.0;
            case OR -> a != 0.0 || b != 0.0 ? 1.0 : 0.0;
        };
    }

    // ===================================================================== elementwise

    /** Reference for {@link VectorKernels#unary(UnaryOp, double, double, float[], int, int, float[], int, int)}. */
    public static void unary(UnaryOp op, double p0, double p1, float[] x, int xOff, int xStride,
                             float[] out, int outOff, int n) {
        float q0 = (float) p0, q1 = (float) p1;
        for (int i = 0; i < n; i++) out[outOff + i] = apply(op, x[xOff + i * xStride], q0, q1);
    }

    /** Reference for {@link VectorKernels#unary(UnaryOp, double, double, double[], int, int, double[], int, int)}. */
    public static void unary(UnaryOp op, double p0, double p1, double[] x, int xOff, int xStride,
                             double[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = apply(op, x[xOff + i * xStride], p0, p1);
    }

    /** Reference for {@link VectorKernels#binary(BinaryOp, float[], int, int, float[], int, int, float[], int, int)}. */
    public static void binary(BinaryOp op, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                              float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = apply(op, a[aOff + i * aStride], b[bOff + i * bStride]);
    }

    /** Reference for {@link VectorKernels#binary(BinaryOp, double[], int, int, double[], int, int, double[], int, int)}. */
    public static void binary(BinaryOp op, double[] a, int aOff, int aStride, double[] b, int bOff, int bStride,
                              double[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = apply(op, a[aOff + i * aStride], b[bOff + i * bStride]);
    }

    // ===================================================================== reductions

    /** Reference for {@link VectorKernels#reduce(ReduceOp, float[], int, int)}. */
    public static double reduce(ReduceOp op, float[] x, int off, int n) {
        return reduceStrided(op, x, off, 1, n);
    }

    /** Reference for {@link VectorKernels#reduce(ReduceOp, double[], int, int)}. */
    public static double reduce(ReduceOp op, double[] x, int off, int n) {
        return reduceStrided(op, x, off, 1, n);
    }

    /** Reference for {@link VectorKernels#reduceStrided(ReduceOp, float[], int, int, int)}. */
    public static double reduceStrided(ReduceOp op, float[] x, int off, int stride, int n) {
        double s = identity(op);
        for (int i = 0; i < n; i++) s = combine(op, s, x[off + i * stride]);
        return s;
    }

    /** Reference for {@link VectorKernels#reduceStrided(ReduceOp, double[], int, int, int)}. */
    public static double reduceStrided(ReduceOp op, double[] x, int off, int stride, int n) {
        double s = identity(op);
        for (int i = 0; i < n; i++) s = combine(op, s, x[off + i * stride]);
        return s;
    }

    /** Reference for {@link VectorKernels#reduceRows(ReduceOp, float[], int, int, int, float[], int)}. */
    public static void reduceRows(ReduceOp op, float[] x, int off, int rows, int cols, float[] out, int outOff) {
        for (int j = 0; j < cols; j++) out[outOff + j] = (float) reduceStrided(op, x, off + j, cols, rows);
    }

    /** Reference for {@link VectorKernels#reduceRows(ReduceOp, double[], int, int, int, double[], int)}. */
    public static void reduceRows(ReduceOp op, double[] x, int off, int rows, int cols, double[] out, int outOff) {
        for (int j = 0; j < cols; j++) out[outOff + j] = reduceStrided(op, x, off + j, cols, rows);
    }

    /** SUM 0, PROD 1, MAX -inf, MIN +inf. */
    public static double identity(ReduceOp op) {
        return switch (op) {
            case SUM -> 0.0;
            case PROD -> 1.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    private static double combine(ReduceOp op, double acc, double v) {
        return switch (op) {
            case SUM -> acc + v;
            case PROD -> acc * v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
        };
    }

    // ===================================================================== matmul

    /** Reference for {@link VectorKernels#matmul(float[], int, int, boolean, float[], int, int, boolean, float[], int, int, int, int, int)}. */
    public static void matmul(float[] a, int aOff, int lda, boolean transA, float[] b, int bOff, int ldb, boolean transB,
                              float[] c, int cOff, int ldc, int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += (double) av * bv;
                }
                c[cOff + i * ldc + j] = (float) s;
            }
        }
    }

    /** Reference for {@link VectorKernels#matmul(double[], int, int, boolean, double[], int, int, boolean, double[], int, int, int, int, int)}. */
    public static void matmul(double[] a, int aOff, int lda, boolean transA, double[] b, int bOff, int ldb, boolean transB,
                              double[] c, int cOff, int ldc, int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                c[cOff + i * ldc + j] = s;
            }
        }
    }
}
