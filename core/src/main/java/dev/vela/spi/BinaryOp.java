// The elementwise binary kernels every backend provides (comparisons produce 0/1 in the output type).
package dev.vela.spi;

/** Elementwise binary kernels. Comparisons write 1 or 0. MAX/MIN propagate NaN like {@link Math#max}. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN, POW,
    EQ, NE, LT, LE, GT, GE,
    /** a != 0 && b != 0 */
    AND,
    /** a != 0 || b != 0 */
    OR
}
