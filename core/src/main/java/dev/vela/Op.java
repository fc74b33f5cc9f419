// One primitive operation: its eager forward (backend kernels) and its backward written in tensor ops.
package dev.vela;

/**
 * A primitive op. {@link #forward} computes the result with backend kernels and records nothing;
 * {@link #backward} returns the vector-Jacobian products for each input as tensor expressions, so the
 * same rule serves eager backprop, higher-order gradients, and (later) symbolic gradients.
 * Instances are created per call and may keep what forward learned (e.g. argmax positions).
 */
abstract class Op {
    /** Name used in error messages and graph dumps. */
    abstract String name();

    /** Eager computation on concrete inputs. Runs with grad mode off. */
    abstract Tensor forward(Tensor[] in);

    /** Gradients for each input given the upstream gradient {@code g} (null for inputs that get none). */
    Tensor[] backward(Node node, Tensor g) {
        throw new UnsupportedOperationException(name() + ": is not differentiable");
    }

    /** False for ops whose output carries no gradient (comparisons, argmax, casts to integers ...). */
    boolean differentiable() { return true; }

    /** Output shape for (possibly symbolic) inputs; unknown dims are -1. Validates like forward does. */
    Shape inferShape(Tensor[] in) {
        throw new UnsupportedOperationException(name() + ": cannot be applied to symbolic tensors");
    }

    /** Output dtype for (possibly symbolic) inputs. */
    DType inferDtype(Tensor[] in) { return in[0].dtype(); }

    /** Identity of the computation for common-subexpression elimination (same key + same inputs = same value); null disables it. */
    String key() { return null; }

    /** False for ops that give a new value each run (random draws); they are never folded or merged. */
    boolean deterministic() { return true; }

    /** Applies the op: computes it and, when grad mode is on and an input requires grad, records a node. */
    static Tensor apply(Op op, Tensor... in) {
        Tensor out;
        GradMode mode = GradMode.current();
        boolean record = false;
        boolean symbolic = false;
        for (Tensor t : in) {
            if (t == null) continue;
            if (t.requiresGrad) record = true;
            if (t.storage == null || t.variable || t.graphLeaf) symbolic = true;
        }
        record &= mode.enabled && op.differentiable();
        if (symbolic) {
            out = symbolic(op, in);
            if (record) {
                out.gradFn = new Node(op, in, out);
                out.requiresGrad = true;
            }
            return out;
        }
        boolean prev = mode.enabled;
        mode.enabled = false;
        try {
            out = op.forward(in);
        } finally {
            mode.enabled = prev;
        }
        if (record) {
            Node n = new Node(op, in, out);
            out.gradFn = n;
            out.requiresGrad = true;
        }
        return out;
    }

    /** Records a graph node instead of computing: shape and dtype inference only. */
    private static Tensor symbolic(Op op, Tensor[] in) {
        for (Tensor x : in) {
            if (x != null && x.anyShape) { // shapes are only known when fed: infer nothing now
                Tensor out = new Tensor(Shape.scalar(), op.inferDtype(in), new Sym(op, in.clone(), op.name()));
                out.anyShape = true;
                return out;
            }
        }
        Shape s;
        DType t;
        try {
            s = op.inferShape(in);
            t = op.inferDtype(in);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (building a graph on placeholder(s) "
                    + Sym.placeholdersOf(in) + ")", e);
        }
        return new Tensor(s, t, new Sym(op, in.clone(), op.name()));
    }
}
