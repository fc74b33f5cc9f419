// Matrix products (NumPy matmul rules, Keras/Theano dot) and the im2col pair used by convolution.
package dev.vela;

import dev.vela.spi.View;

import java.util.Arrays;

/** matmul, dot and the patch extraction primitive behind conv2d and pooling. */
final class LinalgOps {
    private LinalgOps() {}

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least one dimension, got shapes "
                    + a.shape() + " and " + b.shape());
        }
        checkFloat("matmul", a, b);
        if (a.rank() == 1 && b.rank() == 1) {
            return matmul(a.reshape(1, -1), b.reshape(-1, 1)).reshape();
        }
        if (a.rank() == 1) return matmul(a.reshape(1, -1), b).squeeze(-2);
        if (b.rank() == 1) return matmul(a, b.reshape(-1, 1)).squeeze(-1);
        int ka = a.shape().dim(-1), kb = b.shape().dim(-2);
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: shapes " + a.shape() + " and " + b.shape() + " are not aligned: "
                    + ka + " (dim " + (a.rank() - 1) + ") != " + kb + " (dim " + (b.rank() - 2) + ")" + graphContext(a, b));
        }
        int[] ab = Arrays.copyOf(a.shape().raw(), a.rank() - 2), bb = Arrays.copyOf(b.shape().raw(), b.rank() - 2);
        try {
            Shape.broadcast(Shape.of(ab), Shape.of(bb), "matmul");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: shapes " + a.shape() + " and " + b.shape()
                    + " have batch dimensions " + Shape.of(ab) + " and " + Shape.of(bb) + " that cannot be broadcast together");
        }
        return Op.apply(new MatMul(), a, b);
    }

    /** " (building a graph on placeholder(s) [x])" when an operand is symbolic, so shape errors name the inputs. */
    static String graphContext(Tensor a, Tensor b) {
        if (!a.isSymbolic() && !b.isSymbolic()) return "";
        return " (building a graph on placeholder(s) " + Sym.placeholdersOf(a, b) + ")";
    }

    static void checkFloat(String op, Tensor a, Tensor b) {
        if (!a.dtype().isFloating() || !b.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": operands must be float32 or float64, got " + a.dtype() + " "
                    + a.shape() + " and " + b.dtype() + " " + b.shape());
        }
    }

    static final class MatMul extends Op {
        @Override String name() { return "matmul"; }

        @Override String key() { return name(); }

        @Override
        Shape inferShape(Tensor[] in) {
            Tensor a = in[0], b = in[1];
            int[] batch = Shape.broadcast(Shape.of(Arrays.copyOf(a.shape().raw(), a.rank() - 2)),
                    Shape.of(Arrays.copyOf(b.shape().raw(), b.rank() - 2)), "matmul").raw();
            int[] os = Arrays.copyOf(batch, batch.length + 2);
            os[batch.length] = a.shape().dim(-2);
            os[batch.length + 1] = b.shape().dim(-1);
            return Shape.wrap(os);
        }

        @Override DType inferDtype(Tensor[] in) { return DType.promote(in[0].dtype(), in[1].dtype()); }

        @Override
        Tensor forward(Tensor[] in) {
            DType t = DType.promote(in[0].dtype(), in[1].dtype());
            Tensor a = Kern.cast(in[0], t), b = Kern.cast(in[1], t);
            int m = a.shape().dim(-2), k = a.shape().dim(-1), n = b.shape().dim(-1);
            int[] batch = a.rank() == 2 && b.rank() == 2 ? NO_BATCH // two matrices: no batch shapes to broadcast
                    : Shape.broadcast(Shape.of(Arrays.copyOf(a.shape().raw(), a.rank() - 2)),
                            Shape.of(Arrays.copyOf(b.shape().raw(), b.rank() - 2)), "matmul").raw();
            int nb = 1;
            for (int d : batch) nb *= d;
            int[] os = Kern.scratchDims(batch.length + 2); // copied by the allocation
            System.arraycopy(batch, 0, os, 0, batch.length);
            os[batch.length] = m;
            os[batch.length + 1] = n;
            // the CPU kernels write every element of the product: no need to zero it first (k = 0 gives zeros)
            Tensor out = k > 0 && a.device().isCpu() ? Kern.emptyUninit(t, os, a.device()) : Kern.empty(t, os, a.device());
            if (out.size() == 0) return out;
            if (k == 0) return out; // zeros
            // out is a new contiguous tensor: for two matrices its [1, m, n] view is kept on it (the same view)
            View ov = batch.length == 0 ? out.productView() : new View(out.storage, new int[] {nb, m, n}, new int[] {m * n, n, 1}, 0);
            Kern.be(a).matmul(batchView(a, batch, nb, m, k), batchView(b, batch, nb, k, n), ov);
            return out;
        }

        /** t broadcast to batch + [r, c], as a 3-D view [nb, r, c] (copied when the batch dims do not merge). */
        private static final int[] NO_BATCH = {};

        private static View batchView(Tensor t, int[] batch, int nb, int r, int c) {
            // a matrix of the expected shape: what the general code below gives, made once per tensor
            if (batch.length == 0 && t.rank() == 2 && t.shape().raw()[0] == r && t.shape().raw()[1] == c) return t.matrixView();
            int[] full = Arrays.copyOf(batch, batch.length + 2);
            full[batch.length] = r;
            full[batch.length + 1] = c;
            View v = Kern.broadcastView(t, full);
            int[] st = v.strides();
            int bs = 0, prev = -1;
            boolean merge = true;
            for (int i = 0; i < batch.length; i++) {
                if (batch[i] == 1) continue;
                if (prev >= 0 && st[prev] != st[i] * batch[i]) merge = false;
                prev = i;
                bs = st[i];
            }
            if (merge) return new View(v.storage(), new int[] {nb, r, c}, new int[] {bs, st[batch.length], st[batch.length + 1]}, v.offset());
            Tensor copy = Kern.empty(t.dtype(), full, t.device());
            Kern.be(t).copy(v, copy.view());
            return new View(copy.storage, new int[] {nb, r, c}, new int[] {r * c, c, 1}, 0);
        }

        @Override
        Tensor[] backward(Node n, Tensor g) {
            Tensor a = n.inputs[0], b = n.inputs[1];
            Tensor da = a.requiresGrad ? ElementwiseOps.sumTo(g.matmul(b.transpose(-1, -2)), a) : null;
            Tensor db = b.requiresGrad ? ElementwiseOps.sumTo(a.transpose(-1, -2).matmul(g), b) : null;
            return new Tensor[] {da, db};
        }
    }

    /** Keras/Theano dot: matmul for ranks up to 2; above, contracts x's last axis with y's second-to-last. */
    static Tensor dot(Tensor x, Tensor y) {
        if (x.rank() <= 2 && y.rank() <= 2) {
            if (x.rank() == 2 && y.rank() == 2 && x.shape().dim(1) != y.shape().dim(0)) {
                throw new IllegalArgumentException("dot: shapes " + x.shape() + " and " + y.shape() + " are not aligned: "
                        + x.shape().dim(1) + " (dim 1) != " + y.shape().dim(0) + " (dim 0)" + graphContext(x, y));
            }
            return matmul(x, y);
        }
        int k = x.shape().dim(-1);
        int ya = y.rank() >= 2 ? y.rank() - 2 : 0;
        if (y.shape().raw()[ya] != k) {
            throw new IllegalArgumentException("dot: shapes " + x.shape() + " and " + y.shape() + " are not aligned: "
                    + k + " (dim " + (x.rank() - 1) + ") != " + y.shape().raw()[ya] + " (dim " + ya + ")" + graphContext(x, y));
        }
        int[] ys = y.shape().raw();
        int[] perm = new int[y.rank()];
        perm[0] = ya;
        for (int i = 0, p = 1; i < y.rank(); i++) if (i != ya) perm[p++] = i;
        Tensor y2 = y.permute(perm).reshape(k, -1);
        Tensor x2 = x.reshape(-1, k);
        int[] outShape = new int[x.rank() - 1 + y.rank() - 1];
        int q = 0;
        for (int i = 0; i < x.rank() - 1; i++) outShape[q++] = x.shape().raw()[i];
        for (int i = 0; i < y.rank(); i++) if (i != ya) outShape[q++] = ys[i];
        return x2.matmul(y2).reshape(outShape);
    }

    // ------------------------------------------------------------------ patches (im2col)

    /** Geometry of a 2-D window op over NHWC input: output size and leading padding per axis. */
    record Window(int kh, int kw, int sh, int sw, int oh, int ow, int padTop, int padLeft) {
        static Window of(String op, int[] xShape, int kh, int kw, int sh, int sw, String padding) {
            if (xShape.length != 4) {
                throw new IllegalArgumentException(op + ": input must be NHWC (rank 4), got shape " + Shape.of(xShape));
            }
            if (kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0) {
                throw new IllegalArgumentException(op + ": window " + kh + "x" + kw + " and strides " + sh + "x" + sw
                        + " must be positive");
            }
            int h = xShape[1], w = xShape[2];
            String p = padding.toLowerCase(java.util.Locale.ROOT);
            if (p.equals("valid")) {
                if (h < kh || w < kw) {
                    throw new IllegalArgumentException(op + ": window " + kh + "x" + kw + " is larger than the input "
                            + h + "x" + w + " with 'valid' padding (input shape " + Shape.of(xShape) + ")");
                }
                return new Window(kh, kw, sh, sw, (h - kh) / sh + 1, (w - kw) / sw + 1, 0, 0);
            }
            if (p.equals("same")) {
                int oh = (h + sh - 1) / sh, ow = (w + sw - 1) / sw;
                int ph = Math.max((oh - 1) * sh + kh - h, 0), pw = Math.max((ow - 1) * sw + kw - w, 0);
                return new Window(kh, kw, sh, sw, oh, ow, ph / 2, pw / 2);
            }
            throw new IllegalArgumentException(op + ": padding must be 'valid' or 'same', got '" + padding + "'");
        }
    }

    static final class Patches extends Op {
        final Window w;
        final double padValue;

        Patches(Window w, double padValue) {
            this.w = w;
            this.padValue = padValue;
        }

        @Override String name() { return "patches"; }

        @Override String key() { return name() + w + padValue; }

        @Override
        Shape inferShape(Tensor[] in) {
            int[] s = in[0].shape().raw();
            return Shape.of(s[0], w.oh, w.ow, w.kh, w.kw, s[3]);
        }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0];
            int[] s = x.shape().raw();
            Tensor out = Kern.empty(x.dtype(), new int[] {s[0], w.oh, w.ow, w.kh, w.kw, s[3]}, x.device());
            Kern.be(x).patches(x.view(), w.kh, w.kw, w.sh, w.sw, w.padTop, w.padLeft, padValue, out.view());
            return out;
        }

        @Override
        Tensor[] backward(Node n, Tensor g) { return new Tensor[] {Op.apply(new Unpatches(w), g, n.inputs[0])}; }
    }

    /**
     * conv2d of x [N,H,W,C] by kernel [KH,KW,C,O] (same float dtype) into [N,OH,OW,O]: patches(x) · kernel
     * reshaped to [KH*KW*C, O], computed by the backend in one call (on the CPU block by block, without the full
     * patch matrix). Gradients as for that composition: dx = unpatches(g · kernel^T), dkernel = patches(x)^T · g.
     */
    static final class Conv2d extends Op {
        final Window w;

        Conv2d(Window w) { this.w = w; }

        @Override String name() { return "conv2d"; }

        @Override String key() { return name() + w; }

        @Override
        Shape inferShape(Tensor[] in) {
            int[] s = in[0].shape().raw();
            return Shape.of(s[0], w.oh, w.ow, in[1].shape().dim(3));
        }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = Kern.contiguous(in[0]), k = Kern.contiguous(in[1]);
            int[] s = x.shape().raw();
            int o = k.shape().dim(3), kk = w.kh * w.kw * s[3];
            int[] os = {s[0], w.oh, w.ow, o};
            // the kernels write every output element (a product with k = 0 has no patches and stays zero)
            Tensor out = kk > 0 && x.device().isCpu() ? Kern.emptyUninit(x.dtype(), os, x.device()) : Kern.empty(x.dtype(), os, x.device());
            if (out.size() == 0 || kk == 0) return out;
            Kern.be(x).conv2d(x.view(), new View(k.storage, new int[] {kk, o}, new int[] {o, 1}, k.offset),
                    w.kh, w.kw, w.sh, w.sw, w.padTop, w.padLeft, w.oh, w.ow,
                    new View(out.storage, new int[] {s[0] * w.oh * w.ow, o}, new int[] {o, 1}, 0));
            return out;
        }

        @Override
        Tensor[] backward(Node n, Tensor g) {
            Tensor x = n.inputs[0], k = n.inputs[1];
            int[] s = x.shape().raw();
            int o = k.shape().dim(3), kk = w.kh * w.kw * s[3];
            Tensor g2 = g.reshape(-1, o);
            Tensor dx = x.requiresGrad
                    ? Op.apply(new Unpatches(w), g2.matmul(k.reshape(kk, o).transpose()).reshape(s[0], w.oh, w.ow, w.kh, w.kw, s[3]), x)
                    : null;
            Tensor dk = k.requiresGrad
                    ? Op.apply(new Patches(w, 0.0), x).reshape(-1, kk).transpose().matmul(g2).reshape(k.shape().raw())
                    : null;
            return new Tensor[] {dx, dk};
        }
    }

    /** col2im: sums patch gradients (input 0) back into an image shaped like input 1; the adjoint of Patches. */
    static final class Unpatches extends Op {
        final Window w;

        Unpatches(Window w) { this.w = w; }

        @Override String name() { return "unpatches"; }

        @Override Shape inferShape(Tensor[] in) { return in[1].shape(); }

        @Override DType inferDtype(Tensor[] in) { return in[0].dtype(); }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor g = in[0];
            Tensor out = Kern.empty(g.dtype(), in[1].shape().raw(), g.device());
            Kern.be(g).unpatches(g.view(), w.kh, w.kw, w.sh, w.sw, w.padTop, w.padLeft, out.view());
            return out;
        }

        @Override
        Tensor[] backward(Node n, Tensor g) { return new Tensor[] {Op.apply(new Patches(w, 0.0), g), null}; }
    }
}
