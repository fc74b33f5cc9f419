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

    /** Applies the op: computes it and, when grad mode is on and an input requires grad, records a node. */
    static Tensor apply(Op op, Tensor... in) {
        Tensor out;
        GradMode mode = GradMode.current();
        boolean record = false;
        if (mode.enabled && op.differentiable()) {
            for (Tensor t : in) if (t != null && t.requiresGrad) { record = true; break; }
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
}
