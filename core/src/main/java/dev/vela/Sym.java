// The recipe of a symbolic tensor: the op and inputs that compute it, or the placeholder it is.
package dev.vela;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A graph node of the symbolic tracer. Placeholders have no op. */
final class Sym {
    private static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();

    final Op op;           // null for a placeholder
    final Tensor[] inputs; // empty for a placeholder
    final String name;     // Keras-style "add:0" / "Placeholder:0"

    Sym(Op op, Tensor[] inputs, String base) {
        this.op = op;
        this.inputs = inputs;
        this.name = uniqueName(base) + ":0";
    }

    /** A nameless stand-in used to propagate concrete shapes through a graph (no name counter is used). */
    Sym() {
        this.op = null;
        this.inputs = new Tensor[0];
        this.name = "shape:0";
    }

    boolean isPlaceholder() { return op == null; }

    String displayName() { return name; }

    /** Keras/TensorFlow naming: the first "add", then "add_1", "add_2" ... */
    static String uniqueName(String base) {
        int n = COUNTS.computeIfAbsent(base, k -> new AtomicInteger()).getAndIncrement();
        return n == 0 ? base : base + "_" + n;
    }

    /** Forgets the name counters (K.clearSession). */
    static void resetNames() { COUNTS.clear(); }

    /** Names of the placeholders a tensor depends on, in discovery order. */
    static List<String> placeholdersOf(Tensor... roots) {
        Set<String> names = new LinkedHashSet<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Tensor> stack = new ArrayDeque<>();
        for (Tensor r : roots) if (r != null) stack.push(r);
        while (!stack.isEmpty()) {
            Tensor t = stack.pop();
            if (t.sym == null || !seen.add(t)) continue;
            if (t.sym.isPlaceholder()) names.add(t.sym.name);
            for (Tensor in : t.sym.inputs) if (in != null) stack.push(in);
        }
        return new ArrayList<>(names);
    }
}
