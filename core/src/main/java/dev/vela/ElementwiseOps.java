// Elementwise primitives (unary, binary with broadcasting, where, casts) and their backward rules.
package dev.vela;

import dev.vela.spi.BinaryOp;
import dev.vela.spi.UnaryOp;

/** Elementwise ops. Backward rules are tensor expressions, so they are themselves differentiable. */
final class ElementwiseOps {
    private ElementwiseOps() {}

    /** Sums a broadcast gradient back down to like's shape (a graph op when shapes are not fully known). */
    static Tensor sumTo(Tensor g, Tensor like) {
        if (g.shape().isKnown() && like.shape().isKnown()) return sumTo(g, like.shape());
        return Op.apply(new ShapeOps.SumToLike(), g, like);
    }

    /** Sums a broadcast gradient back down to {@code target} (the reverse of NumPy broadcasting). */
    static Tensor sumTo(Tensor g, Shape target) {
        if (g.shape().equals(target)) return g;
        int[] axes = sumAxes(g.shape(), target);
        Tensor r = axes.length == 0 ? g : g.sum(axes, true);
        return r.reshape(target.dims());
    }

    /** The axes of a gradient of shape {@code gs} that sumTo sums (keeping them) to get to {@code target}. */
    static int[] sumAxes(Shape gs, Shape target) {
        int gr = gs.rank(), tr = target.rank();
        int lead = gr - tr;
        int[] tmp = new int[gr];
        int n = 0;
        for (int i = 0; i < gr; i++) {
            if (i < lead || (target.raw()[i - lead] == 1 && gs.raw()[i] != 1)) tmp[n++] = i;
        }
        return java.util.Arrays.copyOf(tmp, n);
    }

    static final class Unary extends Op {
        final UnaryOp k;
        final double p0, p1;

        private static final String[] NAMES = new String[UnaryOp.values().length];

        static {
            for (UnaryOp u : UnaryOp.values()) {
                NAMES[u.ordinal()] = switch (u) {
                    case HARD_SIGMOID -> "hardSigmoid";
                    case LEAKY_RELU -> "leakyRelu";
                    default -> u.name().toLowerCase(java.util.Locale.ROOT);
                };
            }
        }

        Unary(UnaryOp k, double p0, double p1) {
            this.k = k;
            this.p0 = p0;
            this.p1 = p1;
        }

        @Override String name() { return NAMES[k.ordinal()]; }

        @Override String key() { return k + ":" + p0 + ":" + p1; }

        @Override Shape inferShape(Tensor[] in) { return in[0].shape(); }

        @Override
        DType inferDtype(Tensor[] in) {
            DType t = in[0].dtype();
            if (t.isFloating()) return t;
            return switch (k) {
                case NEG, ABS, SQUARE, SIGN, RELU, FLOOR, CEIL, ROUND, CLIP -> t;
                default -> Vela.floatx();
            };
        }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = in[0];
            if (!x.dtype().isFloating()) {
                switch (k) {
                    case NEG, ABS, SQUARE, SIGN, RELU, FLOOR, CEIL, ROUND, CLIP -> {
                        return Kern.unary(k, p0, p1, x);
                    }
                    default -> x = Kern.cast(x, Vela.floatx());
                }
            }
            return Kern.unary(k, p0, p1, x);
        }

        @Override
        boolean differentiable() {
            return switch (k) {
                case SIGN, FLOOR, CEIL, ROUND, IN_RANGE, STEP, IS_NAN -> false;
                default -> true;
            };
        }

        @Override
        Tensor[] backward(Node n, Tensor g) {
            Tensor x = n.inputs[0], y = n.out;
            Tensor r = switch (k) {
                case NEG -> g.neg();
                case ABS -> g.mul(x.sign());
                case EXP -> g.mul(y);
                case LOG -> g.div(x);
                case SQRT -> g.div(y.mul(2.0));
                case SQUARE -> g.mul(x.mul(2.0));
                case SIGMOID -> g.mul(y.mul(y.rsub(1.0)));
                case TANH -> g.mul(y.square().rsub(1.0));
                case RELU -> g.mul(x.gt(0.0));
                case SIN -> g.mul(x.cos());
                case COS -> g.mul(x.sin()).neg();
                case RECIPROCAL -> g.mul(y.square()).neg();
                case LOG1P -> g.div(x.add(1.0));
                case EXPM1 -> g.mul(y.add(1.0));
                case SOFTPLUS -> g.mul(x.sigmoid());
                case SOFTSIGN -> g.div(x.abs().add(1.0).square());
                case ELU -> Tensor.where(x.gt(0.0), g, g.mul(x.exp().mul(p0)));
                case SELU -> Tensor.where(x.gt(0.0), g.mul(p0), g.mul(x.exp().mul(p0 * p1)));
                case LEAKY_RELU -> Tensor.where(x.gt(0.0), g, g.mul(p0));
                case CLIP -> g.mul(Op.apply(new Unary(UnaryOp.IN_RANGE, p0, p1), x));
                case POW -> g.mul(x.pow(p0 - 1).mul(p0));
                case AFFINE -> g.mul(p0);
                case FLUSH_SUBNORMAL -> g;
                case HARD_SIGMOID -> g.mul(Op.apply(new Unary(UnaryOp.IN_RANGE, -2.5, 2.5), x)).mul(0.2);
                case ONE_MINUS_SQUARE -> g.mul(x.mul(-2.0));
                case SIGMOID_GRAD_FROM_OUT -> g.mul(x.mul(-2.0).add(1.0));
                default -> throw new UnsupportedOperationException(name() + ": is not differentiable");
            };
            return new Tensor[] {r};
        }
    }

    static final class Binary extends Op {
        final BinaryOp k;

        private static final String[] NAMES = new String[BinaryOp.values().length];

        static {
            for (BinaryOp b : BinaryOp.values()) {
                NAMES[b.ordinal()] = switch (b) {
                    case MAX -> "maximum";
                    case MIN -> "minimum";
                    case AND -> "logicalAnd";
                    case OR -> "logicalOr";
                    default -> b.name().toLowerCase(java.util.Locale.ROOT);
                };
            }
        }

        Binary(BinaryOp k) { this.k = k; }

        @Override String name() { return NAMES[k.ordinal()]; }

        @Override
        boolean differentiable() { return !Kern.isComparison(k); }

        @Override String key() { return k.name(); }

        @Override Shape inferShape(Tensor[] in) { return Shape.broadcast(in[0].shape(), in[1].shape(), name()); }

        @Override
        DType inferDtype(Tensor[] in) {
            return Kern.isComparison(k) ? DType.BOOL : Kern.resultType(in[0], in[1]);
        }

        @Override
        Tensor forward(Tensor[] in) {
            if (!in[0].device().equals(in[1].device())) {
                throw new IllegalArgumentException(name() + ": operands are on different devices: " + in[0].device()
                        + " and " + in[1].device());
            }
            return Kern.binary(k, in[0], in[1], name());
        }

        @Override
        Tensor[] backward(Node n, Tensor g) {
            Tensor a = n.inputs[0], b = n.inputs[1];
            boolean ga = a.requiresGrad, gb = b.requiresGrad;
            Tensor da = null, db = null;
            switch (k) {
                case ADD -> {
                    if (ga) da = g;
                    if (gb) db = g;
                }
                case SUB -> {
                    if (ga) da = g;
                    if (gb) db = g.neg();
                }
                case MUL -> {
                    if (ga) da = g.mul(b);
                    if (gb) db = g.mul(a);
                }
                case DIV -> {
                    if (ga) da = g.div(b);
                    if (gb) db = g.mul(a).div(b.square()).neg();
                }
                case MAX, MIN -> {
                    Tensor ad = a.detach(), bd = b.detach();
                    Tensor wins = k == BinaryOp.MAX ? ad.gt(bd) : ad.lt(bd);
                    Tensor half = ad.eq(bd).to(g.dtype()).mul(0.5);
                    Tensor wa = wins.to(g.dtype()).add(half);
                    if (ga) da = g.mul(wa);
                    if (gb) db = g.mul(wa.rsub(1.0));
                }
                case POW -> {
                    if (ga) da = g.mul(b).mul(a.pow(b.sub(1.0)));
                    if (gb) {
                        Tensor pos = a.detach().gt(0.0);
                        Tensor safe = Tensor.where(pos, a, Tensor.onesLike(a.detach()));
                        db = Tensor.where(pos, g.mul(n.out).mul(safe.log()), Tensor.zerosLike(g));
                    }
                }
                default -> throw new UnsupportedOperationException(name() + ": is not differentiable");
            }
            return new Tensor[] {da == null ? null : sumTo(da, a), db == null ? null : sumTo(db, b)};
        }
    }

    static final class Where extends Op {
        @Override String name() { return "where"; }

        @Override String key() { return name(); }

        @Override
        Shape inferShape(Tensor[] in) {
            return Shape.broadcast(Shape.broadcast(in[0].shape(), in[1].shape(), "where"), in[2].shape(), "where");
        }

        @Override DType inferDtype(Tensor[] in) { return Kern.resultType(in[1], in[2]); }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor c = in[0], a = in[1], b = in[2];
            Shape s = Shape.broadcast(Shape.broadcast(c.shape(), a.shape(), "where"), b.shape(), "where");
            DType t = Kern.resultType(a, b);
            Tensor ac = Kern.cast(a, t), bc = Kern.cast(b, t);
            Tensor out = Kern.empty(t, s.raw(), a.device());
            Kern.be(a).where(Kern.broadcastView(c, s.raw()), Kern.broadcastView(ac, s.raw()),
                    Kern.broadcastView(bc, s.raw()), out.view());
            return out;
        }

        @Override
        Tensor[] backward(Node n, Tensor g) {
            Tensor c = n.inputs[0], a = n.inputs[1], b = n.inputs[2];
            Tensor z = Tensor.zerosLike(g);
            Tensor da = a.requiresGrad ? sumTo(Tensor.where(c, g, z), a) : null;
            Tensor db = b.requiresGrad ? sumTo(Tensor.where(c, z, g), b) : null;
            return new Tensor[] {null, da, db};
        }
    }

    static final class Cast extends Op {
        final DType to;

        Cast(DType to) { this.to = to; }

        @Override String name() { return "cast"; }

        @Override String key() { return name() + to; }

        @Override Shape inferShape(Tensor[] in) { return in[0].shape(); }

        @Override DType inferDtype(Tensor[] in) { return to; }

        @Override boolean differentiable() { return to.isFloating(); }

        @Override Tensor forward(Tensor[] in) { return Kern.cast(in[0], to); }

        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {g.to(n.inputs[0].dtype())}; }
    }

    static final class ToDevice extends Op {
        final Device to;

        ToDevice(Device to) { this.to = to; }

        @Override String name() { return "to(" + to + ")"; }

        @Override Shape inferShape(Tensor[] in) { return in[0].shape(); }

        @Override
        Tensor forward(Tensor[] in) {
            Tensor x = Kern.contiguous(in[0]);
            Object host = Kern.be(x).toArray(x.view(), x.dtype());
            return new Tensor(to.backend().fromArray(host), x.shape(), x.strides.clone(), 0);
        }

        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {g.to(n.inputs[0].device())}; }
    }
}
