// Reductions, logsumexp, softmax/log-softmax and arg-reductions, with their backward rules.
package dev.vela;

import dev.vela.spi.BinaryOp;
import dev.vela.spi.ReduceOp;
import dev.vela.spi.UnaryOp;

/** Ops that reduce over axes. Axes arrive normalised and sorted. */
final class ReduceOps {
    private ReduceOps() {}

    static int[] keepShape(int[] shape, int[] axes) {
        int[] k = shape.clone();
        for (int a : axes) k[a] = 1;
        return k;
    }

    /** g in keepdims form (size-1 axes where {@code axes} were reduced) when it was reduced without keepdims. */
    static Tensor keepForm(Tensor g, int[] axes, boolean keepdims) {
        if (keepdims) return g;
        Tensor r = g;
        for (int a : axes) r = r.expandDims(a); // ascending, so each insert lands at its original position
        return r;
    }

    /** g (reduced shape) broadcast back to the input shape. */
    static Tensor expandBack(Tensor g, Tensor x, int[] axes, boolean keepdims) {
        return ShapeOps.expandLike(keepForm(g, axes, keepdims), x);
    }

    static Shape reducedShape(Shape s, int[] axes, boolean keepdims) {
        int[] k = keepShape(s.raw(), axes);
        return Shape.wrap(keepdims ? k : Kern.dropAxes(s.raw(), axes));
    }

    static final class Reduce extends Op {
        final ReduceOp k;
        final String name;
        final int[] axes;
        final boolean keepdims;

        /** The axes normalised for inputs of one rank (callers only read them), or null. */
        private record Norm(int rank, int[] axes) {}
        private Norm norm;

        Reduce(ReduceOp k, String name, int[] axes, boolean keepdims) {
            this.k = k;
            this.name = name;
            this.axes = axes;
            this.keepdims = keepdims;
        }

        @Override String name() { return name; }

        @Override String key() { return name + java.util.Arrays.toString(axes) + keepdims; }

        @Override Shape inferShape(Tensor[] in) { return reducedShape(in[0].shape(), axesFor(in[0]), keepdims); }

        /** The axes; null (a graph built on an any-shape placeholder) means all axes of the actual input. */
        int[] axesFor(Tensor x) {
            if (axes != null) {
                if (x.anyShape || x.isSymbolic() && axes.length > 0 && axes[0] < 0) return axes;
                Norm c = norm;
                if (c != null && c.rank == x.rank()) return c.axes;
                int[] a = x.normAxes(axes, name); // depends on the rank only: kept for the next call
                norm = new Norm(x.rank(), a);
                return a;
            }
            int[] a = new int[x.rank()];
            for (int i = 0; i < a.length; i++) a[i] = i;
            return a;
        }

        @Override Tensor forward(Tensor[] in) { return Kern.reduce(k, in[0], axesFor(in[0]), keepdims); }

        @Override
        Tensor[] backward(Node n, Tensor g) {
            Tensor x = n.inputs[0];
            if (axes == null) {
                throw new UnsupportedOperationException(name + ": gradients through a reduction of an any-shape placeholder are not supported; give the placeholder a shape");
            }
            Tensor ge = expandBack(g, x, axes, keepdims);
            return new Tensor[] {switch (k) {
                case SUM -> ge;
                case PROD -> ge.mul(keepForm(n.out, axes, keepdims)).div(x);
                case MAX, MIN -> {
                    Tensor mask = x.eq(keepForm(n.out, axes, keepdims)).to(g.dtype());
                    yield ge.mul(mask.div(mask.sum(axes, true)));
                }
            }};
        }
    }

    static final class LogSumExp extends Op {
        final int[] axes;
        final boolean keepdims;

        LogSumExp(int[] axes, boolean keepdims) {
            this.axes = axes;
            this.keepdims = keepdims;
        }

        @Override String name() { return "logsumexp"; }

        @Override String key() { return name() + java.util.Arrays.toString(axes) + keepdims; }

        @Override Shape inferShape(Tensor[] in) { return reducedShape(in[0].shape(), axes, keepdims); }

        @Override DType inferDtype(Tensor[] in) { return in[0].dtype().isFloating() ? in[0].dtype() : Vela.floatx(); }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0].dtype().isFloating() ? in[0] : Kern.cast(in[0], Vela.floatx());
            Tensor m = finiteOrZero(Kern.reduce(ReduceOp.MAX, x, axes, true));
            Tensor e = Kern.unary(UnaryOp.EXP, Kern.binary(BinaryOp.SUB, x, m, name()));
            Tensor s = Kern.reduce(ReduceOp.SUM, e, axes, true);
            Tensor out = Kern.binary(BinaryOp.ADD, Kern.unary(UnaryOp.LOG, s), m, name());
            return keepdims ? out : out.viewAs(Kern.dropAxes(x.shape().raw(), axes));
        }

        @Override
        Tensor[] backward(Node n, Tensor g) {
            Tensor x = n.inputs[0];
            Tensor outK = keepForm(n.out, axes, keepdims);
            return new Tensor[] {expandBack(g, x, axes, keepdims).mul(x.sub(outK).exp())};
        }
    }

    /** Replaces infinite maxima by 0 so that rows of -inf (or +inf) do not produce NaN from inf - inf. */
    static Tensor finiteOrZero(Tensor m) {
        Tensor inf = Kern.binary(BinaryOp.EQ, Kern.unary(UnaryOp.ABS, m), Tensor.full(m.dtype(), Double.POSITIVE_INFINITY), "max");
        Tensor out = Kern.empty(m.dtype(), m.shape().raw(), m.device());
        Kern.be(m).where(inf.view(), Tensor.zerosLike(m).view(), m.view(), out.view());
        return out;
    }

    static final class Softmax extends Op {
        final int axis;
        final boolean log;

        Softmax(int axis, boolean log) {
            this.axis = axis;
            this.log = log;
        }

        @Override String name() { return log ? "logSoftmax" : "softmax"; }

        @Override String key() { return name() + axis; }

        @Override Shape inferShape(Tensor[] in) { return in[0].shape(); }

        @Override DType inferDtype(Tensor[] in) { return in[0].dtype().isFloating() ? in[0].dtype() : Vela.floatx(); }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0].dtype().isFloating() ? in[0] : Kern.cast(in[0], Vela.floatx());
            if (axis == x.rank() - 1 && x.isContiguous()) { // one fused pass per row when the backend has it
                Tensor out = Kern.emptyUninit(x.dtype(), x.shape().raw(), x.device());
                if (Kern.be(x).softmaxLastAxis(x.view(), log, out.view())) return out;
            }
            int[] ax = {axis};
            Tensor m = finiteOrZero(Kern.reduce(ReduceOp.MAX, x, ax, true));
            Tensor z = Kern.binary(BinaryOp.SUB, x, m, name());
            Tensor e = Kern.unary(UnaryOp.EXP, z);
            Tensor s = Kern.reduce(ReduceOp.SUM, e, ax, true);
            if (log) return Kern.binary(BinaryOp.SUB, z, Kern.unary(UnaryOp.LOG, s), name());
            return Kern.binary(BinaryOp.DIV, e, s, name());
        }

        @Override
        Tensor[] backward(Node n, Tensor g) {
            Tensor y = n.out;
            if (log) return new Tensor[] {g.sub(y.exp().mul(g.sum(axis, true)))};
            return new Tensor[] {y.mul(g.sub(g.mul(y).sum(axis, true)))};
        }
    }

    static final class ArgReduce extends Op {
        final boolean max;
        final int axis;

        ArgReduce(boolean max, int axis) {
            this.max = max;
            this.axis = axis;
        }

        @Override String name() { return max ? "argmax" : "argmin"; }

        @Override String key() { return name() + axis; }

        @Override Shape inferShape(Tensor[] in) { return reducedShape(in[0].shape(), new int[] {axis}, false); }

        @Override DType inferDtype(Tensor[] in) { return DType.INT64; }

        @Override boolean differentiable() { return false; }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0];
            int[] ks = Kern.scratchDims(x.rank());
            System.arraycopy(x.shape().raw(), 0, ks, 0, ks.length);
            ks[axis] = 1;
            if (x.shape().raw()[axis] == 0) {
                throw new IllegalArgumentException(name() + ": axis " + axis + " of shape " + x.shape() + " is empty");
            }
            Tensor out = Kern.empty(DType.INT64, ks, x.device());
            Kern.be(x).argReduce(max, x.view(), axis, out.view());
            int[] dropped = Kern.scratchDims(x.rank() - 1);
            for (int i = 0, k = 0; i < ks.length; i++) if (i != axis) dropped[k++] = x.shape().raw()[i];
            return out.viewAs(dropped);
        }
    }
}
