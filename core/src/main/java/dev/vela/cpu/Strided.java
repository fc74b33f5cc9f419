// Walks an N-dimensional index space row by row for several operands with their own strides.
package dev.vela.cpu;

/**
 * Coalesces dimensions that are contiguous for every operand, then visits the index space one inner
 * row at a time, handing each operand's offset to a row kernel. Rows may be split across threads.
 */
final class Strided {
    final int[] shape;      // coalesced shape, inner dimension last
    final int[][] strides;  // per operand
    final int inner;        // length of a row
    final long rows;
    final long[] base;

    interface Row { void run(long[] offs, int n); }

    Strided(int[] shape0, int[][] strides0, long[] base) {
        this.base = base;
        int ops = strides0.length;
        int[] sh = new int[shape0.length];
        int[][] st = new int[ops][shape0.length];
        int r = coalesce(shape0, strides0, ops, sh, st);
        long size = 1;
        for (int d : shape0) size *= d;
        if (r == 0) { // a single element (or an empty space)
            this.shape = new int[] {size == 0 ? 0 : 1};
            this.strides = new int[ops][1];
            this.inner = size == 0 ? 0 : 1;
            this.rows = size == 0 ? 0 : 1;
            return;
        }
        this.shape = java.util.Arrays.copyOf(sh, r);
        this.strides = new int[ops][];
        for (int o = 0; o < ops; o++) this.strides[o] = java.util.Arrays.copyOf(st[o], r);
        this.inner = size == 0 ? 0 : shape[r - 1];
        this.rows = size == 0 ? 0 : size / inner;
    }

    /**
     * Drops size-1 dimensions of {@code shape0} and merges neighbours that are contiguous for all of the first
     * {@code ops} operands, into {@code sh} and {@code st} (at least as long as shape0); returns the new rank.
     */
    private static int coalesce(int[] shape0, int[][] strides0, int ops, int[] sh, int[][] st) {
        int r = 0;
        for (int i = 0; i < shape0.length; i++) {
            if (shape0[i] == 1) continue;
            if (r > 0) {
                boolean merge = true;
                for (int o = 0; o < ops; o++) {
                    if (st[o][r - 1] != (long) strides0[o][i] * shape0[i]) { merge = false; break; }
                }
                if (merge) {
                    sh[r - 1] *= shape0[i];
                    for (int o = 0; o < ops; o++) st[o][r - 1] = strides0[o][i];
                    continue;
                }
            }
            sh[r] = shape0[i];
            for (int o = 0; o < ops; o++) st[o][r] = strides0[o][i];
            r++;
        }
        return r;
    }

    /** Stride of operand {@code o} along the row. */
    int innerStride(int o) { return strides[o][shape.length - 1]; }

    /** Elements from which a space of fewer rows than threads is split inside its rows. */
    static final long SPLIT_ROWS_FROM = 1 << 18;
    /** Pieces of a split row are multiples of this many elements (whole vectors, whole cache lines). */
    static final int PIECE_ALIGN = 64;

    /**
     * Visits all rows, in parallel when the work is large. A space of few long rows (a contiguous tensor is one
     * row) is cut into pieces of rows, so both cores stream it; row kernels here are elementwise, so where a
     * row is cut does not change any element's result.
     */
    void forEachRow(Row fn) { forEachRow(fn, 1); }

    /**
     * {@link #forEachRow(Row)} for a kernel that costs about {@code weight} simple operations per element (a
     * transcendental function): the work is split from {@code weight} times fewer elements.
     */
    void forEachRow(Row fn, int weight) {
        if (rows == 0) return;
        int threads = Par.threads();
        if (threads > 1 && rows < 2L * threads && rows * inner * weight >= SPLIT_ROWS_FROM) {
            int pieces = (int) Math.max(1, (2L * threads + rows - 1) / rows);
            int piece = (int) (((inner + (long) pieces - 1) / pieces + PIECE_ALIGN - 1) / PIECE_ALIGN * PIECE_ALIGN);
            int perRow = (inner + piece - 1) / piece;
            Par.forRange(rows * perRow, (long) piece * weight, (lo, hi) -> {
                for (long item = lo; item < hi; item++) {
                    long r = item / perRow;
                    int start = (int) (item % perRow) * piece, len = Math.min(piece, inner - start);
                    visitPiece(r, start, len, fn);
                }
            });
            return;
        }
        if (!Par.splits(rows, (long) inner * weight)) visit(0, rows, fn);
        else Par.forRange(rows, (long) inner * weight, (lo, hi) -> visit(lo, hi, fn));
    }

    /** Elements [start, start+len) of row r. */
    private void visitPiece(long r, int start, int len, Row fn) {
        int ops = strides.length, outer = shape.length - 1;
        long[] offs = new long[ops];
        for (int o = 0; o < ops; o++) {
            long off = base[o], rem = r;
            for (int d = outer - 1; d >= 0; d--) {
                off += (rem % shape[d]) * strides[o][d];
                rem /= shape[d];
            }
            offs[o] = off + (long) start * strides[o][outer];
        }
        fn.run(offs, len);
    }

    /** Visits all rows on the calling thread. */
    void forEachRowSerial(Row fn) {
        if (rows == 0) return;
        visit(0, rows, fn);
    }

    private void visit(long lo, long hi, Row fn) {
        int ops = strides.length;
        int outer = shape.length - 1;
        int[] idx = new int[Math.max(outer, 1)];
        long[] offs = new long[ops];
        long rem = lo;
        for (int d = outer - 1; d >= 0; d--) {
            idx[d] = (int) (rem % shape[d]);
            rem /= shape[d];
        }
        for (int o = 0; o < ops; o++) {
            long off = base[o];
            for (int d = 0; d < outer; d++) off += (long) idx[d] * strides[o][d];
            offs[o] = off;
        }
        for (long r = lo; r < hi; r++) {
            fn.run(offs, inner);
            for (int d = outer - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    for (int o = 0; o < ops; o++) offs[o] += strides[o][d];
                    break;
                }
                idx[d] = 0;
                for (int o = 0; o < ops; o++) offs[o] -= (long) strides[o][d] * (shape[d] - 1);
            }
        }
    }

    /**
     * The serial row walk of {@link #forEachRowSerial} without its allocations (the iterator's arrays, the row
     * lambda and its captures), for kernels run on every step of a training loop: the same coalesced rows, visited
     * in the same order, through {@link #next()}, in a try-with-resources block. Each thread reuses one cursor; a walk
     * started while that one is in use (a kernel inside a kernel) gets a fresh cursor, so nesting is safe, only not
     * free.
     */
    static final class Cursor implements AutoCloseable {
        static final int MAX_RANK = 8, MAX_OPS = 3;
        private static final ThreadLocal<Cursor> LOCAL = ThreadLocal.withInitial(Cursor::new);

        private final int[] shape = new int[MAX_RANK], idx = new int[MAX_RANK];
        private final int[][] strides = new int[MAX_OPS][MAX_RANK], src = new int[MAX_OPS][];
        private final long[] base = new long[MAX_OPS];
        /** Each operand's offset at the start of the current row. */
        final long[] offs = new long[MAX_OPS];
        /** Length of a row. */
        int inner;
        private int rank, ops;
        private long rows, row;
        private boolean busy;

        private Cursor() {}

        /** A walk of two operands over {@code shape0}; null for more than {@link #MAX_RANK} dimensions. */
        static Cursor of(int[] shape0, int[] s0, long b0, int[] s1, long b1) {
            if (shape0.length > MAX_RANK) return null;
            Cursor c = claim();
            c.src[0] = s0; c.base[0] = b0;
            c.src[1] = s1; c.base[1] = b1;
            return c.start(shape0, 2);
        }

        /** A walk of three operands over {@code shape0}; null for more than {@link #MAX_RANK} dimensions. */
        static Cursor of(int[] shape0, int[] s0, long b0, int[] s1, long b1, int[] s2, long b2) {
            if (shape0.length > MAX_RANK) return null;
            Cursor c = claim();
            c.src[0] = s0; c.base[0] = b0;
            c.src[1] = s1; c.base[1] = b1;
            c.src[2] = s2; c.base[2] = b2;
            return c.start(shape0, 3);
        }

        private static Cursor claim() {
            Cursor c = LOCAL.get();
            if (c.busy) c = new Cursor();
            c.busy = true;
            return c;
        }

        private Cursor start(int[] shape0, int ops) {
            this.ops = ops;
            int r = coalesce(shape0, src, ops, shape, strides);
            long size = 1;
            for (int d : shape0) size *= d;
            if (r == 0) { // a single element (or an empty space), as in the Strided constructor
                shape[0] = size == 0 ? 0 : 1;
                for (int o = 0; o < ops; o++) strides[o][0] = 0;
                r = 1;
            }
            rank = r;
            inner = size == 0 ? 0 : shape[r - 1];
            rows = size == 0 ? 0 : size / inner;
            row = -1;
            for (int o = 0; o < ops; o++) src[o] = null;
            return this;
        }

        /** Stride of operand {@code o} along the row. */
        int innerStride(int o) { return strides[o][rank - 1]; }

        /** Hands the cursor back to its thread. */
        @Override
        public void close() { busy = false; }

        /** Moves to the next row ({@link #offs}, {@link #inner}); false when there is none. */
        boolean next() {
            int outer = rank - 1;
            if (++row >= rows) return false;
            if (row == 0) {
                for (int d = 0; d < outer; d++) idx[d] = 0;
                for (int o = 0; o < ops; o++) offs[o] = base[o];
                return true;
            }
            for (int d = outer - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    for (int o = 0; o < ops; o++) offs[o] += strides[o][d];
                    return true;
                }
                idx[d] = 0;
                for (int o = 0; o < ops; o++) offs[o] -= (long) strides[o][d] * (shape[d] - 1);
            }
            return true;
        }
    }
}
