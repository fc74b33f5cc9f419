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

    /** g (reduced shape) reshaped to keepdims form and broadcast back to the input shape. */
    static Tensor expandBack(Tensor g, Tensor x, int[] axes) {
        return g.reshape(keepShape(x.shape().raw(), axes)).expand(x.shape().dims());
    }

    static final class Reduce extends Op {
        final ReduceOp k;
        final String name;
        final int[] axes;
        final boolean keepdims;

        Reduce(ReduceOp k, String name, int[] axes, boolean keepdims) {
            this.k = k;
            this.name = name;
            this.axes = axes;
            this.keepdims = keepdims;
        }

        @Override String name() { return name; }

        @Override Tensor forward(Tensor[] in) { return Kern.reduce(k, in[0], axes, keepdims); }

        @Override
        Tensor[] backward(Node n, Tensor g) {
            Tensor x = n.inputs[0];
            Tensor ge = expandBack(g, x, axes);
            return new Tensor[] {switch (k) {
                case SUM -> ge;
                case PROD -> ge.mul(expandBack(n.out, x, axes)).div(x);
                case MAX, MIN -> {
                    Tensor mask = Kern.binary(BinaryOp.EQ, x.detach(), expandBack(n.out.detach(), x, axes), name)
                            .to(g.dtype());
                    Tensor count = Kern.reduce(ReduceOp.SUM, mask, axes, true);
                    yield ge.mul(mask.div(count));
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
            Tensor outK = n.out.reshape(keepShape(x.shape().raw(), axes));
            return new Tensor[] {expandBack(g, x, axes).mul(x.sub(outK).exp())};
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

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0].dtype().isFloating() ? in[0] : Kern.cast(in[0], Vela.floatx());
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

        @Override boolean differentiable() { return false; }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0];
            int[] ks = keepShape(x.shape().raw(), new int[] {axis});
            if (x.shape().raw()[axis] == 0) {
                throw new IllegalArgumentException(name() + ": axis " + axis + " of shape " + x.shape() + " is empty");
            }
            Tensor out = Kern.empty(DType.INT64, ks, x.device());
            Kern.be(x).argReduce(max, x.view(), axis, out.view());
            return out.viewAs(Kern.dropAxes(x.shape().raw(), new int[] {axis}));
        }
    }
}
