// Per-element definitions of every elementwise op in double precision: the semantics all kernels follow.
package dev.vela.cpu;

import dev.vela.spi.BinaryOp;
import dev.vela.spi.UnaryOp;

/** One element at a time, in double: used for integer/bool tensors and as the meaning of each op. */
public final class ScalarOps {
    private ScalarOps() {}

    public static double unary(UnaryOp op, double p0, double p1, double x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case SQUARE -> x * x;
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case RELU -> x != x ? x : Math.max(x, 0.0);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case SIGN -> x != x ? x : Math.signum(x) + 0.0;
            case RECIPROCAL -> 1.0 / x;
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
            case ROUND -> Math.rint(x);
            case LOG1P -> Math.log1p(x);
            case EXPM1 -> Math.expm1(x);
            case SOFTPLUS -> Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
            case SOFTSIGN -> x / (1.0 + Math.abs(x));
            case ELU -> x > 0 ? x : p0 * Math.expm1(x);
            case SELU -> x > 0 ? p0 * x : p0 * p1 * Math.expm1(x);
            case LEAKY_RELU -> x > 0 ? x : p0 * x;
            case CLIP -> x != x ? x : Math.min(Math.max(x, p0), p1);
            case POW -> Math.pow(x, p0);
            case AFFINE -> x * p0 + p1;
            case HARD_SIGMOID -> x != x ? x : Math.min(Math.max(0.2 * x + 0.5, 0.0), 1.0);
            case IN_RANGE -> (x >= p0 && x <= p1) ? 1.0 : 0.0;
            case STEP -> x > p0 ? 1.0 : 0.0;
            case ONE_MINUS_SQUARE -> 1.0 - x * x;
            case SIGMOID_GRAD_FROM_OUT -> x * (1.0 - x);
            case IS_NAN -> x != x ? 1.0 : 0.0;
        };
    }

    public static double binary(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case POW -> Math.pow(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case AND -> (a != 0 && b != 0) ? 1 : 0;
            case OR -> (a != 0 || b != 0) ? 1 : 0;
        };
    }
}
