// NumPy-like printing of tensors, summarised so that huge tensors print quickly and briefly.
package dev.vela;

import java.util.Locale;

/** Formats values like NumPy: aligned columns, "..." past 3 edge items when a tensor is large. */
final class TensorFormat {
    static final int THRESHOLD = 1000;
    static final int EDGE = 3;

    private TensorFormat() {}

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder();
        sb.append("Tensor(shape=").append(t.shape()).append(", dtype=").append(t.dtype()).append(", device=")
                .append(t.device());
        if (t.gradFn != null) sb.append(", grad_fn=").append(t.gradFn.op.name());
        else if (t.requiresGrad) sb.append(", requires_grad=True");
        sb.append(")\n");
        Tensor h = t.device().isCpu() ? t : t.detach().to(Device.CPU);
        boolean summarise = t.size() > THRESHOLD;
        int[] shape = t.shape().raw();
        // width of the widest printed element
        int[] width = {1};
        visit(h, shape, 0, new int[shape.length], summarise, s -> width[0] = Math.max(width[0], s.length()));
        body(sb, h, shape, 0, new int[shape.length], summarise, width[0], 0);
        return sb.toString();
    }

    interface Sink { void take(String s); }

    private static void visit(Tensor t, int[] shape, int d, int[] idx, boolean sum, Sink sink) {
        if (d == shape.length) {
            sink.take(element(t, idx));
            return;
        }
        int n = shape[d];
        for (int i = 0; i < n; i++) {
            if (sum && n > 2 * EDGE && i == EDGE) i = n - EDGE;
            idx[d] = i;
            visit(t, shape, d + 1, idx, sum, sink);
        }
    }

    private static void body(StringBuilder sb, Tensor t, int[] shape, int d, int[] idx, boolean sum, int w, int indent) {
        if (d == shape.length) {
            String s = element(t, idx);
            sb.append(" ".repeat(Math.max(0, w - s.length()))).append(s);
            return;
        }
        sb.append('[');
        int n = shape[d];
        for (int i = 0; i < n; i++) {
            if (sum && n > 2 * EDGE && i == EDGE) {
                sb.append(d == shape.length - 1 ? "..., " : "...,\n" + " ".repeat(d + 1));
                i = n - EDGE;
            }
            idx[d] = i;
            body(sb, t, shape, d + 1, idx, sum, w, indent + 1);
            if (i < n - 1) {
                if (d == shape.length - 1) sb.append(", ");
                else sb.append(",").append("\n".repeat(shape.length - 1 - d)).append(" ".repeat(d + 1));
            }
        }
        sb.append(']');
    }

    private static String element(Tensor t, int[] idx) {
        double v = t.getDouble(idx);
        return switch (t.dtype()) {
            case BOOL -> v != 0 ? "True" : "False";
            case INT32, INT64 -> Long.toString((long) v);
            default -> number(v, t.dtype() == DType.FLOAT32);
        };
    }

    static String number(double v, boolean single) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e16) return String.format(Locale.ROOT, "%.0f.", v);
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e8) {
            String s = String.format(Locale.ROOT, single ? "%.4f" : "%.8f", v);
            s = s.replaceAll("0+$", "");
            return s.endsWith(".") ? s : s;
        }
        return String.format(Locale.ROOT, single ? "%.4e" : "%.8e", v);
    }
}
