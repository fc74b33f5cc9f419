// Text forms of a symbolic graph: Theano-style debugprint tree, one-line pp, and Graphviz dot.
package dev.vela;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Renders graphs for people: node ids are letters (A, B, ... AA) in first-visit order. */
final class GraphText {
    private GraphText() {}

    static String label(Tensor t) {
        if (t.sym != null) return t.sym.isPlaceholder() ? t.sym.name.replace(":0", "") : t.sym.op.name();
        if (t.variable) return t.name;
        if (t.size() == 1) return TensorFormat.number(t.getDouble(new int[t.rank()]), t.dtype() == DType.FLOAT32);
        return "constant" + t.shape();
    }

    private static String id(int n) {
        StringBuilder sb = new StringBuilder();
        n++;
        while (n > 0) {
            n--;
            sb.insert(0, (char) ('A' + n % 26));
            n /= 26;
        }
        return sb.toString();
    }

    private static String describe(Tensor t) {
        String kind;
        if (t.sym != null && t.sym.isPlaceholder()) kind = "Placeholder";
        else if (t.sym != null) kind = t.sym.op.name();
        else if (t.variable) kind = "Variable";
        else kind = "Constant";
        String nm = t.sym != null ? t.sym.name : t.variable ? t.name : label(t);
        return kind + " '" + nm + "' " + t.shape().toString().replace("None", "?") + " " + t.dtype();
    }

    static String debugPrint(Tensor root) {
        StringBuilder sb = new StringBuilder();
        Map<Tensor, String> ids = new IdentityHashMap<>();
        walk(root, "", "", ids, sb);
        return sb.toString();
    }

    private static void walk(Tensor t, String prefix, String childPrefix, Map<Tensor, String> ids, StringBuilder sb) {
        String known = ids.get(t);
        if (known != null) {
            sb.append(prefix).append(describe(t)).append(" [id ").append(known).append("] (shared, shown above)\n");
            return;
        }
        String nid = id(ids.size());
        ids.put(t, nid);
        sb.append(prefix).append(describe(t)).append(" [id ").append(nid).append("]\n");
        if (t.sym == null || t.sym.isPlaceholder()) return;
        for (Tensor in : t.sym.inputs) {
            if (in == null) continue;
            walk(in, childPrefix + " |", childPrefix + " |", ids, sb);
        }
    }

    static String pp(Tensor t) {
        if (t.sym == null || t.sym.isPlaceholder()) return label(t);
        StringBuilder sb = new StringBuilder(t.sym.op.name()).append('(');
        Tensor[] in = t.sym.inputs;
        for (int i = 0; i < in.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(in[i] == null ? "None" : pp(in[i]));
        }
        return sb.append(')').toString();
    }

    static String toDot(Tensor root) {
        StringBuilder sb = new StringBuilder("digraph G {\n  rankdir=BT;\n");
        Map<Tensor, String> ids = new IdentityHashMap<>();
        ArrayDeque<Tensor> todo = new ArrayDeque<>();
        todo.push(root);
        List<String> edges = new ArrayList<>();
        while (!todo.isEmpty()) {
            Tensor t = todo.pop();
            if (ids.containsKey(t)) continue;
            String id = "n" + ids.size();
            ids.put(t, id);
            String shape = t.sym != null && !t.sym.isPlaceholder() ? "box" : "ellipse";
            sb.append("  ").append(id).append(" [shape=").append(shape).append(", label=\"")
                    .append(label(t).replace("\"", "'")).append("\\n").append(t.shape().toString().replace("None", "?"))
                    .append("\"];\n");
            if (t.sym != null) for (Tensor in : t.sym.inputs) if (in != null) todo.push(in);
        }
        for (Map.Entry<Tensor, String> e : ids.entrySet()) {
            Tensor t = e.getKey();
            if (t.sym == null) continue;
            for (Tensor in : t.sym.inputs) if (in != null) edges.add("  " + ids.get(in) + " -> " + e.getValue() + ";\n");
        }
        edges.sort(String::compareTo);
        edges.forEach(sb::append);
        return sb.append("}\n").toString();
    }
}
