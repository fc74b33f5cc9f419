// Eager kernel calls on tensors with broadcasting and promotion, used by op forwards (records nothing).
package dev.vela;

import dev.vela.spi.Backend;
import dev.vela.spi.BinaryOp;
import dev.vela.spi.ReduceOp;
import dev.vela.spi.UnaryOp;
import dev.vela.spi.View;

/** Raw computations: new tensors from backend kernels, no autograd. */
final class Kern {
    private Kern() {}

    static Backend be(Tensor t) { return t.device().backend(); }

    /** A new zero-filled contiguous tensor (from the active arena when a compiled function is running). */
    static Tensor empty(DType dtype, int[] shape, Device device) { return alloc(dtype, shape, device, true); }

    /** A new contiguous tensor whose every element the caller will write. */
    static Tensor emptyUninit(DType dtype, int[] shape, Device device) { return alloc(dtype, shape, device, false); }

    private static Tensor alloc(DType dtype, int[] shape, Device device, boolean zero) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalStateException("cannot allocate a tensor of unknown shape " + Shape.wrap(shape.clone()));
            n *= d;
        }
        Arena a = Arena.CURRENT.get();
        if (a != null) return a.tensor(device.backend(), dtype, shape, n, zero);
        return new Tensor(device.backend().allocate(dtype, n), Shape.wrap(shape.clone()), View.contiguousStrides(shape), 0);
    }

    /** The view of {@code t} broadcast to {@code shape} (stride 0 on broadcast dimensions). */
    static View broadcastView(Tensor t, int[] shape) {
        int r = shape.length, tr = t.rank();
        int[] ts = t.shape().raw();
        if (r == tr) { // already that shape, with stride 0 on any dimension of size 1: the tensor's own view
            boolean same = true;
            for (int i = 0; same && i < r; i++) same = ts[i] == shape[i] && (ts[i] != 1 || t.strides[i] == 0);
            if (same) return t.view();
        }
        int[] st = new int[r];
        for (int i = 0; i < r; i++) {
            int j = i - (r - tr);
            st[i] = (j < 0 || ts[j] == 1) ? 0 : t.strides[j];
        }
        return new View(t.storage, shape, st, t.offset);
    }

    static Tensor cast(Tensor t, DType to) {
        if (t.dtype() == to) return t;
        Tensor out = emptyUninit(to, t.shape().raw(), t.device());
        be(t).copy(t.view(), out.view());
        return out;
    }

    static Tensor contiguous(Tensor t) {
        if (t.isContiguous()) return t;
        Tensor out = emptyUninit(t.dtype(), t.shape().raw(), t.device());
        be(t).copy(t.view(), out.view());
        return out;
    }

    static Tensor unary(UnaryOp op, double p0, double p1, Tensor x) {
        Tensor out = emptyUninit(x.dtype(), x.shape().raw(), x.device());
        be(x).unary(op, p0, p1, x.view(), out.view());
        return out;
    }

    static Tensor unary(UnaryOp op, Tensor x) { return unary(op, 0, 0, x); }

    static boolean isComparison(BinaryOp op) {
        return switch (op) {
            case EQ, NE, LT, LE, GT, GE, AND, OR -> true;
            default -> false;
        };
    }

    /**
     * The dtype a binary op computes in. As in PyTorch, a 0-d float operand does not widen a float tensor of
     * another width (float32 * a float64 scalar stays float32); otherwise the wider type wins.
     */
    static DType resultType(Tensor a, Tensor b) {
        DType ta = a.dtype(), tb = b.dtype();
        if (ta != tb && ta.isFloating() && tb.isFloating()) {
            boolean sa = a.rank() == 0 && !a.anyShape, sb = b.rank() == 0 && !b.anyShape;
            if (sa && !sb) return tb;
            if (sb && !sa) return ta;
        }
        return DType.promote(ta, tb);
    }

    /** a op b with broadcasting; operands are promoted to a common dtype; comparisons give BOOL. */
    static Tensor binary(BinaryOp op, Tensor a, Tensor b, String name) {
        Shape s = Shape.broadcast(a.shape(), b.shape(), name);
        DType t = resultType(a, b);
        Tensor ac = cast(a, t), bc = cast(b, t);
        DType ot = isComparison(op) ? DType.BOOL : t;
        Tensor out = emptyUninit(ot, s.raw(), a.device());
        be(a).binary(op, broadcastView(ac, s.raw()), broadcastView(bc, s.raw()), out.view());
        return out;
    }

    private static final int SCRATCH_RANKS = 9;
    private static final ThreadLocal<int[][]> SCRATCH_DIMS = ThreadLocal.withInitial(() -> new int[SCRATCH_RANKS][]);

    /**
     * A per-thread array of {@code rank} dimensions, for a shape that is only read until the next scratch shape of
     * that rank is asked for: what the arena, {@link #empty}, {@link #emptyUninit} and {@link Tensor#viewAs} keep of
     * a shape, they copy. Saves the shape arrays that forwards compute per call.
     */
    static int[] scratchDims(int rank) {
        if (rank >= SCRATCH_RANKS) return new int[rank];
        int[][] d = SCRATCH_DIMS.get();
        int[] a = d[rank];
        if (a == null) d[rank] = a = new int[rank];
        return a;
    }

    /** {@code shape} with the given axes made 1, in a {@link #scratchDims} array. */
    static int[] keptScratch(int[] shape, int[] axes) {
        int[] ks = scratchDims(shape.length);
        System.arraycopy(shape, 0, ks, 0, shape.length);
        for (int a : axes) ks[a] = 1;
        return ks;
    }

    /** {@link #dropAxes}, in a {@link #scratchDims} array. */
    static int[] droppedScratch(int[] shape, int[] axes) {
        int n = 0;
        for (int i = 0; i < shape.length; i++) if (!has(axes, i)) n++;
        int[] r = scratchDims(n);
        for (int i = 0, k = 0; i < shape.length; i++) if (!has(axes, i)) r[k++] = shape[i];
        return r;
    }

    private static boolean has(int[] axes, int i) {
        for (int a : axes) if (a == i) return true;
        return false;
    }

    /** Reduction over normalised axes; float types only (others are computed in float64). */
    static Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepdims) {
        DType t = x.dtype().isFloating() ? x.dtype() : DType.FLOAT64;
        Tensor xc = cast(x, t);
        int[] ks = keptScratch(x.shape().raw(), axes);
        // every output element is written unless the input is empty (then the fill below writes them)
        Tensor out = x.size() == 0 ? empty(t, ks, x.device()) : emptyUninit(t, ks, x.device());
        if (x.size() == 0) {
            be(x).fill(out.view(), switch (op) {
                case SUM -> 0.0;
                case PROD -> 1.0;
                case MAX -> Double.NEGATIVE_INFINITY;
                case MIN -> Double.POSITIVE_INFINITY;
            });
        } else if (axes.length == 0) {
            be(x).copy(xc.view(), out.view());
        } else {
            be(x).reduce(op, xc.view(), axes, out.view());
        }
        return keepdims ? out : out.viewAs(droppedScratch(x.shape().raw(), axes));
    }

    static int[] dropAxes(int[] shape, int[] axes) {
        boolean[] drop = new boolean[shape.length];
        for (int a : axes) drop[a] = true;
        int n = 0;
        for (boolean d : drop) if (!d) n++;
        int[] r = new int[n];
        for (int i = 0, k = 0; i < shape.length; i++) if (!drop[i]) r[k++] = shape[i];
        return r;
    }
}
