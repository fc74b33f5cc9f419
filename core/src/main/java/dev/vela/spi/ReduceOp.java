// The reductions every backend provides. MAX/MIN propagate NaN.
package dev.vela.spi;

/** Reductions over one or more axes. Identity of SUM 0, PROD 1, MAX -inf, MIN +inf. */
public enum ReduceOp { SUM, PROD, MAX, MIN }
