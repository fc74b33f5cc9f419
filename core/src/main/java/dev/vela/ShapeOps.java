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
        if (!x.shape().isKnown()) return Op.apply(new Reshape(newShape.clone()), x);
        int[] target = inferShape(x.shape(), newShape);
        if (Arrays.equals(target, x.shape().raw())) return x;
        return Op.apply(new Reshape(target), x);
    }

    /** The shape a reshape spec gives for a shape that may hold unknown dims (-1 stays unknown then). */
    static int[] inferShapeSym(Shape from, int[] spec) {
        if (from.isKnown()) return inferShape(from, spec);
        int minus = 0;
        long known = 1, fromKnown = 1;
        for (int d : spec) if (d == -1) minus++; else known *= d;
        if (minus > 1) throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(spec));
        for (int d : from.raw()) if (d >= 0) fromKnown *= d;
        if (minus == 1 && known != 0 && fromKnown % known != 0 && known % fromKnown != 0) {
            throw new IllegalArgumentException("reshape: cannot reshape a tensor of shape " + from + " into "
                    + Arrays.toString(spec).replace('[', '(').replace(']', ')'));
        }
        return spec.clone();
    }

    /** g reshaped to like's shape (a graph op when like's shape is not fully known). */
    static Tensor reshapeLike(Tensor g, Tensor like) {
        if (like.shape().isKnown()) return g.reshape(like.dims());
        return Op.apply(new ReshapeLike(), g, like);
    }

    /** g broadcast to like's shape. */
    static Tensor expandLike(Tensor g, Tensor like) {
        if (like.shape().isKnown() && g.shape().isKnown()) return g.expand(like.dims());
        return Op.apply(new ExpandLike(), g, like);
    }

    static final class ReshapeLike extends Op {
        @Override String name() { return "reshapeLike"; }
        @Override Tensor forward(Tensor[] in) { return in[0].reshape(in[1].dims()); }
        @Override Shape inferShape(Tensor[] in) { return in[1].shape(); }
        @Override String key() { return name(); }
        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {reshapeLike(g, n.inputs[0]), null}; }
    }

    static final class ExpandLike extends Op {
        @Override String name() { return "expandLike"; }
        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0];
            int[] to = in[1].shape().raw();
            // what x.expand(to) gives, without its shape and op objects; anything unusual (and every error) takes it
            if (x.storage != null && !x.variable && !x.graphLeaf && !x.anyShape && broadcastsTo(x.shape().raw(), to)) {
                return Arrays.equals(x.shape().raw(), to) ? x : x.expandedTo(to);
            }
            return x.expand(in[1].dims());
        }

        /** Whether NumPy broadcasting takes {@code from} to exactly {@code to}. */
        private static boolean broadcastsTo(int[] from, int[] to) {
            if (from.length > to.length) return false;
            for (int i = 0; i < from.length; i++) {
                int f = from[from.length - 1 - i], t = to[to.length - 1 - i];
                if (t < 0 || (f != t && f != 1)) return false;
            }
            for (int t : to) if (t < 0) return false;
            return true;
        }

        @Override Shape inferShape(Tensor[] in) { return Shape.broadcast(in[0].shape(), in[1].shape(), "expand"); }
        @Override String key() { return name(); }
        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {ElementwiseOps.sumTo(g, n.inputs[0]), null}; }
    }

    /** Sums a broadcast gradient down to like's shape; the adjoint of ExpandLike. */
    static final class SumToLike extends Op {
        @Override String name() { return "sumToLike"; }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor g = in[0];
            Shape target = in[1].shape();
            // what sumTo computes (g.sum(axes, true), then a reshape), straight through the kernels: no op objects
            // per call, and the axes kept per pair of shapes. Anything unusual takes sumTo itself.
            if (g.storage != null && !g.variable && !g.graphLeaf && !g.anyShape && g.dtype().isFloating() && target.isKnown()) {
                Axes a = axes;
                if (a == null || !Arrays.equals(a.from, g.shape().raw()) || !Arrays.equals(a.to, target.raw())) {
                    axes = a = new Axes(g.shape().raw().clone(), target.raw().clone(), ElementwiseOps.sumAxes(g.shape(), target));
                }
                Tensor r = a.axes.length == 0 ? g : Kern.reduce(dev.vela.spi.ReduceOp.SUM, g, a.axes, true);
                if (r.size() == target.size()) return Arrays.equals(r.shape().raw(), target.raw()) ? r : r.viewAs(target.raw());
            }
            return ElementwiseOps.sumTo(g, target);
        }

        /** The axes sumTo reduces from one shape to another. */
        private record Axes(int[] from, int[] to, int[] axes) {}
        private Axes axes;

        @Override Shape inferShape(Tensor[] in) { return in[1].shape(); }
        @Override String key() { return name(); }
        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {expandLike(g, n.inputs[0]), null}; }
    }

    /** A tensor of like's shape and dtype filled with a constant. */
    static final class FillLike extends Op {
        final double value;
        FillLike(double value) { this.value = value; }
        @Override String name() { return value == 0 ? "zerosLike" : value == 1 ? "onesLike" : "fillLike"; }
        @Override boolean differentiable() { return false; }
        @Override Tensor forward(Tensor[] in) { return Tensor.fullOf(in[0].dtype(), value, in[0].shape().raw()); }
        @Override Shape inferShape(Tensor[] in) { return in[0].shape(); }
        @Override String key() { return name() + ":" + value; }
    }

    /** The same values with no gradient (Keras stop_gradient). */
    static final class StopGradient extends Op {
        @Override String name() { return "stopGradient"; }
        @Override boolean differentiable() { return false; }
        @Override Tensor forward(Tensor[] in) { return in[0].detach(); }
        @Override Shape inferShape(Tensor[] in) { return in[0].shape(); }
        @Override String key() { return name(); }
    }

    /** The number of elements over some axes, as a scalar of the input's dtype (for means over unknown dims). */
    static final class SizeOf extends Op {
        final int[] axes;
        SizeOf(int[] axes) { this.axes = axes; }
        @Override String name() { return "sizeOf"; }
        @Override boolean differentiable() { return false; }
        /** The axes normalised for the rank last seen (they depend on it only). */
        private record Norm(int rank, int[] axes) {}
        private Norm norm;

        @Override
        Tensor forward(Tensor[] in) {
            long n = 1;
            if (axes == null) n = in[0].size();
            else {
                Norm c = norm;
                if (c == null || c.rank != in[0].rank()) norm = c = new Norm(in[0].rank(), in[0].normAxes(axes, "mean"));
                for (int a : c.axes) n *= in[0].shape().raw()[a];
            }
            return Tensor.fullOf(in[0].dtype(), (double) n, Shape.scalar().raw());
        }
        @Override Shape inferShape(Tensor[] in) { return Shape.scalar(); }
        @Override String key() { return name() + Arrays.toString(axes); }
    }

    /** Inserts (or removes) one axis of size 1: a view. */
    static final class AxisOp extends Op {
        final boolean insert;
        final int axis;
        AxisOp(boolean insert, int axis) { this.insert = insert; this.axis = axis; }
        @Override String name() { return insert ? "expandDims" : "squeeze"; }
        @Override String key() { return name() + axis; }
        @Override
        Shape inferShape(Tensor[] in) {
            int[] s = in[0].shape().raw();
            if (insert) {
                int[] r = new int[s.length + 1];
                for (int i = 0, k = 0; i < r.length; i++) r[i] = i == axis ? 1 : s[k++];
                return Shape.wrap(r);
            }
            if (s[axis] != 1 && s[axis] != -1) {
                throw new IllegalArgumentException("squeeze: dimension " + axis + " of shape " + in[0].shape()
                        + " has size " + s[axis] + ", not 1");
            }
            return Shape.wrap(Kern.dropAxes(s, new int[] {axis}));
        }
        @Override
        Tensor forward(Tensor[] in) {
            int[] s = in[0].shape().raw();
            if (!insert && s[axis] != 1) return in[0].viewAs(inferShape(in).raw()); // inferShape says what is wrong
            int[] r = Kern.scratchDims(insert ? s.length + 1 : s.length - 1); // inferShape's shape; viewAs copies it
            if (insert) for (int i = 0, k = 0; i < r.length; i++) r[i] = i == axis ? 1 : s[k++];
            else for (int i = 0, k = 0; i < s.length; i++) if (i != axis) r[k++] = s[i];
            return in[0].viewAs(r);
        }
        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {Op.apply(new AxisOp(!insert, axis), g)}; }
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

        @Override String key() { return name() + Arrays.toString(shape); }

        @Override Shape inferShape(Tensor[] in) { return Shape.wrap(inferShapeSym(in[0].shape(), shape)); }

        @Override Tensor forward(Tensor[] in) { return in[0].viewAs(ShapeOps.inferShape(in[0].shape(), shape)); }

        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {reshapeLike(g, n.inputs[0])}; }
    }

    static final class Contiguous extends Op {
        final boolean always;

        Contiguous() { this(false); }

        Contiguous(boolean always) { this.always = always; }

        @Override String name() { return always ? "copy" : "contiguous"; }

        @Override Shape inferShape(Tensor[] in) { return in[0].shape(); }

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

        @Override String key() { return name() + Arrays.toString(p); }

        @Override
        Shape inferShape(Tensor[] in) {
            int[] s = new int[p.length];
            for (int i = 0; i < p.length; i++) s[i] = in[0].shape().raw()[p[i]];
            return Shape.wrap(s);
        }

        @Override
        Tensor forward(Tensor[] in) {
            return in[0].permuted(p);
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
        for (int i = 0; i < r; i++) {
            if (step[i] <= 0) throw new IllegalArgumentException("slice: step " + step[i] + " on axis " + i + " must be positive");
        }
        return Op.apply(new Slice(begin.clone(), end.clone(), step.clone()), x);
    }

    private static int clampIndex(int i, int d) {
        int k = i < 0 ? i + d : i;
        return Math.max(0, Math.min(d, k));
    }

    static final class Slice extends Op {
        final int[] b, e, s; // as given: negative indices count from the end, out-of-range ones are clamped

        Slice(int[] b, int[] e, int[] s) {
            this.b = b;
            this.e = e;
            this.s = s;
        }

        @Override String name() { return "slice"; }

        @Override String key() { return name() + Arrays.toString(b) + Arrays.toString(e) + Arrays.toString(s); }

        @Override
        Shape inferShape(Tensor[] in) {
            int[] d = in[0].shape().raw();
            int[] r = new int[d.length];
            for (int i = 0; i < d.length; i++) {
                if (d[i] < 0) { r[i] = -1; continue; }
                int lo = clampIndex(b[i], d[i]), hi = Math.max(lo, clampIndex(e[i], d[i]));
                r[i] = (hi - lo + s[i] - 1) / s[i];
            }
            return Shape.wrap(r);
        }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0];
            int r = x.rank();
            int[] shp = new int[r], st = new int[r];
            long off = x.offset;
            for (int i = 0; i < r; i++) {
                int d = x.shape().raw()[i];
                int lo = clampIndex(b[i], d), hi = Math.max(lo, clampIndex(e[i], d));
                shp[i] = (hi - lo + s[i] - 1) / s[i];
                st[i] = x.strides[i] * s[i];
                off += (long) lo * x.strides[i];
            }
            return new Tensor(x.storage, Shape.wrap(shp), st, off);
        }

        @Override
        Tensor[] backward(Node n, Tensor g) { return new Tensor[] {Op.apply(new SliceGrad(this), g, n.inputs[0])}; }
    }

    /** Scatters a slice's gradient into zeros shaped like the sliced input (input 1); its own backward is the slice. */
    static final class SliceGrad extends Op {
        final Slice slice;

        SliceGrad(Slice slice) { this.slice = slice; }

        @Override String name() { return "sliceGrad"; }

        @Override Shape inferShape(Tensor[] in) { return in[1].shape(); }

        @Override DType inferDtype(Tensor[] in) { return in[0].dtype(); }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor g = in[0];
            Tensor out = Kern.empty(g.dtype(), in[1].shape().raw(), g.device());
            Tensor window = slice.forward(new Tensor[] {out});
            Kern.be(g).copy(g.view(), window.view());
            return out;
        }

        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {Op.apply(slice, g), null}; }
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

        @Override String key() { return name() + Arrays.toString(shape); }

        @Override Shape inferShape(Tensor[] in) { return Shape.of(shape); }

        @Override
        Tensor forward(Tensor[] in) {
            return in[0].expandedTo(shape);
        }

        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {ElementwiseOps.sumTo(g, n.inputs[0])}; }
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

        @Override String key() { return name() + axis; }

        @Override
        Shape inferShape(Tensor[] in) {
            int[] s = in[0].shape().raw().clone();
            s[axis] = 0;
            for (Tensor x : in) {
                int d = x.shape().raw()[axis];
                s[axis] = s[axis] < 0 || d < 0 ? -1 : s[axis] + d;
            }
            return Shape.wrap(s);
        }

        @Override
        DType inferDtype(Tensor[] in) {
            DType t = in[0].dtype();
            for (Tensor x : in) t = DType.promote(t, x.dtype());
            return t;
        }

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

        @Override String key() { return name() + axis; }

        @Override
        Shape inferShape(Tensor[] in) { return Shape.wrap(gatherShape(in[0].shape().raw(), in[1].shape().raw(), axis)); }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0], idx = in[1];
            Tensor out = Kern.empty(x.dtype(), gatherShape(x.shape().raw(), idx.shape().raw(), axis), x.device());
            Kern.be(x).gather(x.view(), idx.view(), axis, out.view());
            return out;
        }

        @Override
        Tensor[] backward(Node n, Tensor g) {
            return new Tensor[] {Op.apply(new IndexAdd(axis), g, n.inputs[1], n.inputs[0]), null};
        }
    }

    /** Scatter-add of gathered rows (input 0) at indices (input 1) into zeros shaped like input 2; the adjoint of gather. */
    static final class IndexAdd extends Op {
        final int axis;

        IndexAdd(int axis) { this.axis = axis; }

        @Override String name() { return "indexAdd"; }

        @Override Shape inferShape(Tensor[] in) { return in[2].shape(); }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor g = in[0], idx = in[1];
            Tensor out = Kern.empty(g.dtype(), in[2].shape().raw(), g.device());
            Kern.be(g).indexAdd(g.view(), idx.view(), axis, out.view());
            return out;
        }

        @Override
        Tensor[] backward(Node n, Tensor g) { return new Tensor[] {g.gather(n.inputs[1], axis), null, null}; }
    }

    static Tensor oneHot(Tensor indices, int numClasses) {
        if (numClasses <= 0) throw new IllegalArgumentException("oneHot: numClasses must be positive, got " + numClasses);
        return Op.apply(new OneHot(numClasses), indices);
    }

    static final class OneHot extends Op {
        final int classes;

        OneHot(int classes) { this.classes = classes; }

        @Override String name() { return "oneHot"; }

        @Override boolean differentiable() { return false; }

        @Override String key() { return name() + classes; }

        @Override DType inferDtype(Tensor[] in) { return Vela.floatx(); }

        @Override
        Shape inferShape(Tensor[] in) {
            int[] s = Arrays.copyOf(in[0].shape().raw(), in[0].rank() + 1);
            s[s.length - 1] = classes;
            return Shape.wrap(s);
        }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor indices = in[0];
            double[] v = indices.toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                if (v[i] != Math.rint(v[i]) || v[i] < 0 || v[i] >= classes) {
                    throw new IllegalArgumentException("oneHot: index " + v[i] + " at position " + i
                            + " is not a class id in [0, " + classes + ")");
                }
            }
            Tensor ids = Kern.cast(indices, DType.FLOAT64);
            Tensor c = Kern.cast(Tensor.arange(classes), DType.FLOAT64);
            Tensor col = ids.viewAs(withOne(ids.shape().raw()));
            return Kern.cast(Kern.binary(dev.vela.spi.BinaryOp.EQ, col, c, "oneHot"), Vela.floatx());
        }

        private static int[] withOne(int[] s) {
            int[] r = Arrays.copyOf(s, s.length + 1);
            r[s.length] = 1;
            return r;
        }
    }
}
