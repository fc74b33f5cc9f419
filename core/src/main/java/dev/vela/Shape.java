// An immutable tensor shape; -1 marks a dimension that is unknown until a placeholder is fed.
package dev.vela;

import java.util.Arrays;

/**
 * The dimensions of a tensor. Immutable. A dimension of -1 is unknown (Keras's {@code None}) and only
 * appears on symbolic tensors.
 * <pre>{@code
 * jshell> Shape.of(2, 3)
 * $1 ==> (2, 3)
 * }</pre>
 */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0]);
    private final int[] dims;

    private Shape(int[] dims) { this.dims = dims; }

    /** A shape with the given dimensions (each >= 0, or -1 for unknown). */
    public static Shape of(int... dims) {
        if (dims.length == 0) return SCALAR;
        for (int d : dims) {
            if (d < -1) throw new IllegalArgumentException("shape: negative dimension " + d + " in " + Arrays.toString(dims));
        }
        return new Shape(dims.clone());
    }

    /** The shape of a scalar, {@code ()}. */
    public static Shape scalar() { return SCALAR; }

    static Shape wrap(int[] dims) { return dims.length == 0 ? SCALAR : new Shape(dims); }

    public int rank() { return dims.length; }

    /** Dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) { return dims[normAxis(axis, dims.length, "shape")]; }

    /** A copy of the dimensions. */
    public int[] dims() { return dims.clone(); }

    int[] raw() { return dims; }

    /** Number of elements (product of the dimensions); -1 if any dimension is unknown. */
    public long size() {
        long n = 1;
        for (int d : dims) {
            if (d < 0) return -1;
            n *= d;
        }
        return n;
    }

    /** True when no dimension is unknown. */
    public boolean isKnown() {
        for (int d : dims) if (d < 0) return false;
        return true;
    }

    /** Normalises {@code axis} into [0, rank), naming {@code op} in the error. */
    public static int normAxis(int axis, int rank, String op) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for a tensor of rank " + rank);
        }
        return a;
    }

    /**
     * NumPy broadcasting of two shapes; unknown (-1) dimensions broadcast against 1 and match anything. When the
     * result equals an operand (a bias added to a batch), that operand is returned.
     */
    public static Shape broadcast(Shape a, Shape b, String op) {
        int r = Math.max(a.rank(), b.rank());
        boolean isA = r == a.rank(), isB = r == b.rank();
        for (int i = 0; i < r; i++) {
            int d = broadcastDim(a, b, r, i, op);
            if (isA && a.dims[i] != d) isA = false; // isA: a has rank r
            if (isB && b.dims[i] != d) isB = false;
        }
        if (isA) return a;
        if (isB) return b;
        int[] out = new int[r];
        for (int i = 0; i < r; i++) out[i] = broadcastDim(a, b, r, i, op);
        return wrap(out);
    }

    /** Dimension i of the broadcast of a and b (rank r). */
    private static int broadcastDim(Shape a, Shape b, int r, int i, String op) {
        int da = i - (r - a.rank()) >= 0 ? a.dims[i - (r - a.rank())] : 1;
        int db = i - (r - b.rank()) >= 0 ? b.dims[i - (r - b.rank())] : 1;
        if (da == db) return da;
        if (da == 1) return db;
        if (db == 1) return da;
        if (da == -1) return db;
        if (db == -1) return da;
        throw new IllegalArgumentException(op + ": shapes " + a + " and " + b
                + " cannot be broadcast together: " + da + " != " + db + " at dim " + i + " of the result");
    }

    @Override
    public boolean equals(Object o) { return o instanceof Shape s && Arrays.equals(dims, s.dims); }

    @Override
    public int hashCode() { return Arrays.hashCode(dims); }

    /** Python-style: {@code (2, 3)}, {@code (5,)}, {@code ()}; unknown dimensions print as {@code None}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(dims[i] < 0 ? "None" : Integer.toString(dims[i]));
        }
        if (dims.length == 1) sb.append(',');
        return sb.append(')').toString();
    }
}
