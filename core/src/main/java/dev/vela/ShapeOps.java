// Shape ops: views (reshape, permute, slice, expand) and copies (concatenate, gather, tile), with backward rules.
package dev.vela;

import dev.vela.spi.View;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ops that move elements without arithmetic. Views share storage with their input. */
final class ShapeOps {
    private ShapeOps() {}

    // ------------------------------------------------------------------ reshape

    static Tensor reshape(Tensor x, int[] newShape) {
        int[] target = inferShape(x.shape(), newShape);
        if (Arrays.equals(target, x.shape().raw())) return x;
        return Op.apply(new Reshape(target), x);
    }

    static int[] inferShape(Shape from, int[] spec) {
        long n = from.size();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < spec.length; i++) {
            if (spec[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(spec));
                unknown = i;
            } else if (spec[i] < 0) {
                throw new IllegalArgumentException("reshape: negative dimension " + spec[i] + " in " + Arrays.toString(spec));
            } else known *= spec[i];
        }
        int[] r = spec.clone();
        if (unknown >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape a tensor of shape " + from + " (" + n
                        + " elements) into " + Arrays.toString(spec).replace('[', '(').replace(']', ')'));
            }
            r[unknown] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException("reshape: cannot reshape a tensor of shape " + from + " (" + n
                    + " elements) into shape " + Shape.of(spec) + " (" + known + " elements)");
        }
        return r;
    }

    static final class Reshape extends Op {
        final int[] shape;

        Reshape(int[] shape) { this.shape = shape; }

        @Override String name() { return "reshape"; }

        @Override Tensor forward(Tensor[] in) { return in[0].viewAs(shape); }

        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {g.reshape(n.inputs[0].dims())}; }
    }

    static final class Contiguous extends Op {
        final boolean always;

        Contiguous() { this(false); }

        Contiguous(boolean always) { this.always = always; }

        @Override String name() { return always ? "copy" : "contiguous"; }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0];
            if (!always) return Kern.contiguous(x);
            Tensor out = Kern.empty(x.dtype(), x.shape().raw(), x.device());
            Kern.be(x).copy(x.view(), out.view());
            return out;
        }

        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {g}; }
    }

    // ------------------------------------------------------------------ permute

    static Tensor permute(Tensor x, int[] axes) {
        int r = x.rank();
        if (axes.length != r) {
            throw new IllegalArgumentException("permute: " + axes.length + " axes " + Arrays.toString(axes)
                    + " for a tensor of rank " + r + " (shape " + x.shape() + ")");
        }
        int[] p = new int[r];
        boolean[] seen = new boolean[r];
        boolean identity = true;
        for (int i = 0; i < r; i++) {
            p[i] = Shape.normAxis(axes[i], r, "permute");
            if (seen[p[i]]) throw new IllegalArgumentException("permute: axis " + axes[i] + " repeated in " + Arrays.toString(axes));
            seen[p[i]] = true;
            identity &= p[i] == i;
        }
        return identity ? x : Op.apply(new Permute(p), x);
    }

    static final class Permute extends Op {
        final int[] p;

        Permute(int[] p) { this.p = p; }

        @Override String name() { return "permute"; }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0];
            int[] s = new int[p.length], st = new int[p.length];
            for (int i = 0; i < p.length; i++) {
                s[i] = x.shape().raw()[p[i]];
                st[i] = x.strides[p[i]];
            }
            return new Tensor(x.storage, Shape.wrap(s), st, x.offset);
        }

        @Override
        Tensor[] backward(Node n, Tensor g) {
            int[] inv = new int[p.length];
            for (int i = 0; i < p.length; i++) inv[p[i]] = i;
            return new Tensor[] {g.permute(inv)};
        }
    }

    // ------------------------------------------------------------------ slice

    static Tensor slice(Tensor x, int[] begin, int[] end, int[] step) {
        int r = x.rank();
        if (begin.length != r || end.length != r || step.length != r) {
            throw new IllegalArgumentException("slice: begin/end/step need " + r + " entries each for shape " + x.shape()
                    + ", got " + begin.length + "/" + end.length + "/" + step.length);
        }
        int[] b = new int[r], e = new int[r], s = step.clone();
        for (int i = 0; i < r; i++) {
            int d = x.shape().raw()[i];
            if (s[i] <= 0) throw new IllegalArgumentException("slice: step " + s[i] + " on axis " + i + " must be positive");
            b[i] = clampIndex(begin[i], d);
            e[i] = Math.max(b[i], clampIndex(end[i], d));
        }
        return Op.apply(new Slice(b, e, s), x);
    }

    private static int clampIndex(int i, int d) {
        int k = i < 0 ? i + d : i;
        return Math.max(0, Math.min(d, k));
    }

    static final class Slice extends Op {
        final int[] b, e, s;

        Slice(int[] b, int[] e, int[] s) {
            this.b = b;
            this.e = e;
            this.s = s;
        }

        @Override String name() { return "slice"; }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0];
            int r = x.rank();
            int[] shp = new int[r], st = new int[r];
            long off = x.offset;
            for (int i = 0; i < r; i++) {
                shp[i] = (e[i] - b[i] + s[i] - 1) / s[i];
                st[i] = x.strides[i] * s[i];
                off += (long) b[i] * x.strides[i];
            }
            return new Tensor(x.storage, Shape.wrap(shp), st, off);
        }

        @Override
        Tensor[] backward(Node n, Tensor g) { return new Tensor[] {Op.apply(new SliceGrad(this, n.inputs[0].dims()), g)}; }
    }

    /** Scatters a slice's gradient into zeros of the input shape; its own backward is the slice. */
    static final class SliceGrad extends Op {
        final Slice slice;
        final int[] shape;

        SliceGrad(Slice slice, int[] shape) {
            this.slice = slice;
            this.shape = shape;
        }

        @Override String name() { return "sliceGrad"; }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor g = in[0];
            Tensor out = Kern.empty(g.dtype(), shape, g.device());
            Tensor window = slice.forward(new Tensor[] {out});
            Kern.be(g).copy(g.view(), window.view());
            return out;
        }

        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {Op.apply(slice, g)}; }
    }

    // ------------------------------------------------------------------ expand / tile / repeat

    static Tensor expand(Tensor x, int[] newShape) {
        Shape target = Shape.of(newShape);
        Shape b = Shape.broadcast(x.shape(), target, "expand");
        if (!b.equals(target)) {
            throw new IllegalArgumentException("expand: shape " + x.shape() + " cannot be broadcast to " + target);
        }
        if (target.equals(x.shape())) return x;
        return Op.apply(new Expand(newShape.clone()), x);
    }

    static final class Expand extends Op {
        final int[] shape;

        Expand(int[] shape) { this.shape = shape; }

        @Override String name() { return "expand"; }

        @Override
        Tensor forward(Tensor[] in) {
            View v = Kern.broadcastView(in[0], shape);
            return new Tensor(in[0].storage, Shape.wrap(shape.clone()), v.strides(), v.offset());
        }

        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {ElementwiseOps.sumTo(g, n.inputs[0].shape())}; }
    }

    static Tensor tile(Tensor x, int[] reps) {
        for (int r : reps) if (r < 0) throw new IllegalArgumentException("tile: negative repetition in " + Arrays.toString(reps));
        int r = Math.max(reps.length, x.rank());
        int[] xs = new int[r], rs = new int[r];
        for (int i = 0; i < r; i++) {
            int xi = i - (r - x.rank()), ri = i - (r - reps.length);
            xs[i] = xi >= 0 ? x.shape().raw()[xi] : 1;
            rs[i] = ri >= 0 ? reps[ri] : 1;
        }
        int[] inter = new int[2 * r], big = new int[2 * r], fin = new int[r];
        for (int i = 0; i < r; i++) {
            inter[2 * i] = 1;
            inter[2 * i + 1] = xs[i];
            big[2 * i] = rs[i];
            big[2 * i + 1] = xs[i];
            fin[i] = rs[i] * xs[i];
        }
        return x.reshape(inter).expand(big).reshape(fin);
    }

    static Tensor repeatElements(Tensor x, int rep, int axis) {
        if (rep < 0) throw new IllegalArgumentException("repeatElements: negative repetition " + rep);
        int a = Shape.normAxis(axis, x.rank(), "repeatElements");
        int[] s = x.shape().raw();
        int[] big = new int[s.length + 1], fin = s.clone();
        for (int i = 0, k = 0; i <= s.length; i++) big[i] = i == a + 1 ? rep : s[k++];
        fin[a] = s[a] * rep;
        return x.expandDims(a + 1).expand(big).reshape(fin);
    }

    // ------------------------------------------------------------------ concatenate / stack

    static Tensor concatenate(List<Tensor> ts, int axis) {
        if (ts.isEmpty()) throw new IllegalArgumentException("concatenate: needs at least one tensor");
        Tensor first = ts.get(0);
        int r = first.rank();
        if (r == 0) throw new IllegalArgumentException("concatenate: scalars cannot be concatenated; use stack");
        int a = Shape.normAxis(axis, r, "concatenate");
        for (int i = 1; i < ts.size(); i++) {
            Tensor t = ts.get(i);
            boolean ok = t.rank() == r;
            for (int d = 0; ok && d < r; d++) ok = d == a || t.shape().raw()[d] == first.shape().raw()[d];
            if (!ok) {
                throw new IllegalArgumentException("concatenate: tensor " + i + " has shape " + t.shape()
                        + " which does not match tensor 0's shape " + first.shape() + " outside axis " + a);
            }
        }
        return Op.apply(new Concat(a), ts.toArray(new Tensor[0]));
    }

    static final class Concat extends Op {
        final int axis;

        Concat(int axis) { this.axis = axis; }

        @Override String name() { return "concatenate"; }

        @Override
        Tensor forward(Tensor[] in) {
            DType t = in[0].dtype();
            for (Tensor x : in) t = DType.promote(t, x.dtype());
            int[] s = in[0].shape().raw().clone();
            s[axis] = 0;
            for (Tensor x : in) s[axis] += x.shape().raw()[axis];
            Tensor out = Kern.empty(t, s, in[0].device());
            int at = 0;
            for (Tensor x : in) {
                int len = x.shape().raw()[axis];
                Tensor window = out.slice(axis, at, at + len);
                Kern.be(out).copy(x.view(), window.view());
                at += len;
            }
            return out;
        }

        @Override
        Tensor[] backward(Node n, Tensor g) {
            Tensor[] r = new Tensor[n.inputs.length];
            int at = 0;
            for (int i = 0; i < r.length; i++) {
                int len = n.inputs[i].shape().raw()[axis];
                if (n.inputs[i].requiresGrad) r[i] = g.slice(axis, at, at + len);
                at += len;
            }
            return r;
        }
    }

    static Tensor stack(List<Tensor> ts, int axis) {
        if (ts.isEmpty()) throw new IllegalArgumentException("stack: needs at least one tensor");
        Shape s0 = ts.get(0).shape();
        int a = Shape.normAxis(axis, s0.rank() + 1, "stack");
        List<Tensor> ex = new ArrayList<>();
        for (int i = 0; i < ts.size(); i++) {
            if (!ts.get(i).shape().equals(s0)) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + ts.get(i).shape()
                        + " but tensor 0 has shape " + s0 + "; all must match");
            }
            ex.add(ts.get(i).expandDims(a));
        }
        return concatenate(ex, a);
    }

    // ------------------------------------------------------------------ gather / one-hot

    static Tensor gather(Tensor x, Tensor idx, int axis) {
        if (idx.dtype() != DType.INT32 && idx.dtype() != DType.INT64) {
            throw new IllegalArgumentException("gather: indices must be int32 or int64, got " + idx.dtype()
                    + " (shape " + idx.shape() + ")");
        }
        int a = Shape.normAxis(axis, x.rank(), "gather");
        return Op.apply(new Gather(a), x, idx);
    }

    static int[] gatherShape(int[] xs, int[] is, int axis) {
        int[] s = new int[xs.length - 1 + is.length];
        int k = 0;
        for (int i = 0; i < axis; i++) s[k++] = xs[i];
        for (int d : is) s[k++] = d;
        for (int i = axis + 1; i < xs.length; i++) s[k++] = xs[i];
        return s;
    }

    static final class Gather extends Op {
        final int axis;

        Gather(int axis) { this.axis = axis; }

        @Override String name() { return "gather"; }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0], idx = in[1];
            Tensor out = Kern.empty(x.dtype(), gatherShape(x.shape().raw(), idx.shape().raw(), axis), x.device());
            Kern.be(x).gather(x.view(), idx.view(), axis, out.view());
            return out;
        }

        @Override
        Tensor[] backward(Node n, Tensor g) {
            return new Tensor[] {Op.apply(new IndexAdd(axis, n.inputs[0].dims()), g, n.inputs[1]), null};
        }
    }

    /** Scatter-add of gathered rows back into zeros of the source shape; the adjoint of gather. */
    static final class IndexAdd extends Op {
        final int axis;
        final int[] shape;

        IndexAdd(int axis, int[] shape) {
            this.axis = axis;
            this.shape = shape;
        }

        @Override String name() { return "indexAdd"; }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor g = in[0], idx = in[1];
            Tensor out = Kern.empty(g.dtype(), shape, g.device());
            Kern.be(g).indexAdd(g.view(), idx.view(), axis, out.view());
            return out;
        }

        @Override
        Tensor[] backward(Node n, Tensor g) { return new Tensor[] {g.gather(n.inputs[1], axis), null}; }
    }

    static Tensor oneHot(Tensor indices, int numClasses) {
        if (numClasses <= 0) throw new IllegalArgumentException("oneHot: numClasses must be positive, got " + numClasses);
        double[] v = indices.detach().toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i]) || v[i] < 0 || v[i] >= numClasses) {
                throw new IllegalArgumentException("oneHot: index " + v[i] + " at position " + i
                        + " is not a class id in [0, " + numClasses + ")");
            }
        }
        Tensor classes = Tensor.arange(numClasses).to(DType.FLOAT64);
        return Kern.cast(Kern.binary(dev.vela.spi.BinaryOp.EQ, indices.detach().to(DType.FLOAT64).expandDims(-1),
                classes, "oneHot"), Vela.floatx());
    }
}
