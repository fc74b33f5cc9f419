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
    void forEachRow(Row fn) {
        if (rows == 0) return;
        int threads = Par.POOL.getParallelism();
        if (threads > 1 && rows < 2L * threads && rows * inner >= SPLIT_ROWS_FROM) {
            int pieces = (int) Math.max(1, (2L * threads + rows - 1) / rows);
            int piece = (int) (((inner + (long) pieces - 1) / pieces + PIECE_ALIGN - 1) / PIECE_ALIGN * PIECE_ALIGN);
            int perRow = (inner + piece - 1) / piece;
            Par.forRange(rows * perRow, piece, (lo, hi) -> {
                for (long item = lo; item < hi; item++) {
                    long r = item / perRow;
                    int start = (int) (item % perRow) * piece, len = Math.min(piece, inner - start);
                    visitPiece(r, start, len, fn);
                }
            });
            return;
        }
        Par.forRange(rows, inner, (lo, hi) -> visit(lo, hi, fn));
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
}
