// The elementwise unary kernels every backend provides. Parameters p0/p1 are passed beside the op.
package dev.vela.spi;

/** Elementwise unary kernels; the meaning of the two scalar parameters {@code p0, p1} is given per constant. */
public enum UnaryOp {
    NEG, ABS, EXP, LOG, SQRT, SQUARE, SIGMOID, TANH, RELU, SIN, COS,
    /** -1, 0 or 1 (0 for ±0; NaN stays NaN). */
    SIGN,
    RECIPROCAL, FLOOR, CEIL,
    /** round half to even, as NumPy and Keras do. */
    ROUND,
    LOG1P, EXPM1,
    /** log(1 + exp(x)), computed stably as max(x,0) + log1p(exp(-|x|)). */
    SOFTPLUS,
    /** x / (1 + |x|). */
    SOFTSIGN,
    /** x > 0 ? x : p0 * (exp(x) - 1). */
    ELU,
    /** x > 0 ? p0 * x : p0 * p1 * (exp(x) - 1)  (selu uses p0 = scale, p1 = alpha). */
    SELU,
    /** x > 0 ? x : p0 * x. */
    LEAKY_RELU,
    /** min(max(x, p0), p1); NaN propagates. */
    CLIP,
    /** pow(x, p0). */
    POW,
    /** x * p0 + p1. */
    AFFINE,
    /** clip(0.2 x + 0.5, 0, 1). */
    HARD_SIGMOID,
    /** 1 where p0 <= x <= p1 else 0 (the derivative mask of CLIP). */
    IN_RANGE,
    /** x > p0 ? 1 : 0. */
    STEP,
    /** 1 - x*x (tanh derivative from its output). */
    ONE_MINUS_SQUARE,
    /** x * (1 - x) (sigmoid derivative from its output). */
    SIGMOID_GRAD_FROM_OUT,
    /** x != x ? 1 : 0. */
    IS_NAN,
    /** x, or zero where |x| is below the smallest normal number of the type (flush-to-zero; NaN stays NaN). */
    FLUSH_SUBNORMAL
}
