// The gradient tape's engine: reverse walk over recorded nodes, fan-in sums, hooks, grad mode scopes.
package dev.vela;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation. Ops record nodes (in creation order) on the tensors they
 * produce while grad mode is on; {@code backward} walks them in reverse creation order, skipping nodes
 * that are not on a path to the requested inputs, and sums gradients where a tensor fans out.
 * Grad mode is per thread, so threads training independently never see each other's graphs.
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {1, 2, 3}).requiresGrad(true);
 * Tensor y = x.pow(3).sum();
 * Tensor dy = Autograd.grad(List.of(y), List.of(x), null, true, true, false).get(0);   // 3x^2
 * Tensor d2 = Autograd.grad(List.of(dy.sum()), List.of(x)).get(0);                    // 6x
 * }</pre>
 */
public final class Autograd {
    private Autograd() {}

    /** A scope in which nothing is recorded on this thread; close it to restore the previous mode. */
    public static GradMode noGrad() { return GradMode.set(false); }

    /** A scope in which recording is on (inside a noGrad region, for example). */
    public static GradMode enableGrad() { return GradMode.set(true); }

    /** Whether ops on this thread are recorded now. */
    public static boolean isGradEnabled() { return GradMode.current().enabled; }

    /** Gradients of the sum of scalar {@code outputs} with respect to {@code inputs}; the graph is freed. */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs) {
        return grad(outputs, inputs, null, false, false, false);
    }

    /**
     * The functional form: returns d(sum of outputs·gradOutputs)/d(input) for each input, without touching
     * {@code .grad()}. {@code gradOutputs} may be null (implicit 1 for scalar outputs); with
     * {@code createGraph} the results are themselves differentiable; with {@code allowUnused} an input the
     * outputs do not depend on gives null instead of an error.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs,
                                    boolean retainGraph, boolean createGraph, boolean allowUnused) {
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            if (!t.requiresGrad) {
                throw new IllegalArgumentException("grad: input " + i + " (shape " + t.shape()
                        + ") does not require grad; call requiresGrad(true) on it before building the graph");
            }
        }
        Set<Tensor> capture = Collections.newSetFromMap(new IdentityHashMap<>());
        capture.addAll(inputs);
        Map<Tensor, Tensor> got = run(outputs, gradOutputs, retainGraph, createGraph, capture, false);
        List<Tensor> res = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Tensor g = got.get(inputs.get(i));
            if (g == null && !allowUnused) {
                throw new IllegalArgumentException("grad: input " + i + " (shape " + inputs.get(i).shape()
                        + ") is not used in the graph of the outputs; pass allowUnused=true to get null for it");
            }
            res.add(g);
        }
        return res;
    }

    static void backward(Tensor out, Tensor upstream, boolean retainGraph) {
        List<Tensor> ups = new ArrayList<>();
        ups.add(upstream);
        run(List.of(out), ups, retainGraph, false, null, true);
    }

    private static Map<Tensor, Tensor> run(List<Tensor> outputs, List<Tensor> gradOutputs, boolean retain,
                                           boolean create, Set<Tensor> capture, boolean accumulate) {
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            Tensor o = outputs.get(i);
            if (!o.requiresGrad) {
                throw new IllegalStateException("backward: output " + i + " (shape " + o.shape()
                        + ") does not require grad and has no recorded op; nothing to differentiate");
            }
            Tensor up = gradOutputs == null ? null : gradOutputs.get(i);
            if (up == null) {
                if (o.size() != 1) {
                    throw new IllegalStateException("backward: a gradient can be created implicitly only for a scalar"
                            + " output, but the output has shape " + o.shape() + "; pass an upstream gradient of that shape");
                }
                up = Tensor.onesLike(o);
            } else if (!up.shape().equals(o.shape())) {
                throw new IllegalArgumentException("backward: upstream gradient has shape " + up.shape()
                        + " but the output has shape " + o.shape());
            } else if (up.dtype() != o.dtype()) {
                up = up.detach().to(o.dtype());
            }
            grads.merge(o, up, Tensor::add);
        }
        // Nodes reachable from the outputs, latest first: a valid reverse topological order.
        List<Node> nodes = new ArrayList<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Tensor> stack = new ArrayDeque<>(outputs);
        while (!stack.isEmpty()) {
            Tensor t = stack.pop();
            Node n = t.gradFn;
            if (n == null || !seen.add(n)) continue;
            nodes.add(n);
            for (Tensor in : n.inputs) if (in != null && in.requiresGrad) stack.push(in);
        }
        nodes.sort((a, b) -> Long.compare(b.seq, a.seq));
        Map<Tensor, Tensor> captured = new IdentityHashMap<>();
        try (GradMode mode = GradMode.set(create)) {
            for (Node n : nodes) {
                Tensor t = n.out;
                Tensor g = grads.remove(t);
                if (g == null) continue;
                g = applyHooks(t, g);
                if (capture != null && capture.contains(t)) captured.put(t, g);
                n.checkUsable();
                Tensor[] ig = n.op.backward(n, g);
                for (int i = 0; i < n.inputs.length; i++) {
                    Tensor in = n.inputs[i];
                    if (in == null || !in.requiresGrad || ig[i] == null) continue;
                    Tensor gi = ig[i];
                    if (!gi.shape().equals(in.shape())) {
                        throw new IllegalStateException("backward of '" + n.op.name() + "': gradient for input " + i
                                + " has shape " + gi.shape() + " but the input has shape " + in.shape());
                    }
                    if (gi.dtype() != in.dtype()) gi = gi.to(in.dtype());
                    grads.merge(in, gi, Tensor::add);
                }
                if (!retain) n.free();
            }
            // What is left are leaves (and captured non-leaf inputs that no node consumed further).
            for (Map.Entry<Tensor, Tensor> e : grads.entrySet()) {
                Tensor leaf = e.getKey();
                if (leaf.gradFn != null) continue;
                Tensor g = applyHooks(leaf, e.getValue());
                if (capture != null && capture.contains(leaf)) captured.put(leaf, g);
                if (accumulate) {
                    if (!create) g = g.detach().contiguous();
                    leaf.grad = leaf.grad == null ? g : leaf.grad.add(g);
                }
            }
        }
        return captured;
    }

    private static Tensor applyHooks(Tensor t, Tensor g) {
        if (t.hooks == null) return g;
        for (var h : t.hooks) {
            Tensor r = h.apply(g);
            if (r != null) g = r;
        }
        return g;
    }
}
