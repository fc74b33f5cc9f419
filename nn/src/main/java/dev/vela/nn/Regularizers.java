// L1/L2 weight penalties added to the training loss (saved with the model as Keras's L1L2 config).
package dev.vela.nn;

import dev.vela.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code Regularizers.l2(0.01)}: a function from a weight to a scalar penalty. */
public final class Regularizers {
    private Regularizers() {}

    @FunctionalInterface
    public interface Regularizer {
        Tensor penalty(Tensor weight);
    }

    /** {@code l1 * sum(|w|) + l2 * sum(w^2)}, Keras's {@code L1L2}; the form that is saved with a model. */
    public record L1L2(double l1, double l2) implements Regularizer {
        @Override
        public Tensor penalty(Tensor w) {
            if (l1 == 0) return w.square().sum().mul(l2);
            if (l2 == 0) return w.abs().sum().mul(l1);
            return w.abs().sum().mul(l1).add(w.square().sum().mul(l2));
        }
    }

    public static Regularizer l1(double l1) { return new L1L2(l1, 0); }

    public static Regularizer l2(double l2) { return new L1L2(0, l2); }

    public static Regularizer l1l2(double l1, double l2) { return new L1L2(l1, l2); }

    /** The saved form: null, Keras's {@code {"class_name": "L1L2", "config": {l1, l2}}}, or a marker for a custom one. */
    static Object toConfig(Regularizer r) {
        if (r == null) return null;
        Map<String, Object> c = new LinkedHashMap<>();
        if (r instanceof L1L2(double l1, double l2)) {
            c.put("class_name", "L1L2");
            c.put("config", new LinkedHashMap<>(Map.of("l1", l1, "l2", l2)));
        } else {
            c.put("class_name", "custom");
            c.put("config", r.getClass().getName());
        }
        return c;
    }

    /** The inverse of {@link #toConfig}; a custom regularizer cannot be rebuilt and says so. */
    static Regularizer fromConfig(Object o, String where) {
        if (o == null) return null;
        if (o instanceof Map<?, ?> m && "L1L2".equals(m.get("class_name")) && m.get("config") instanceof Map<?, ?> c
                && c.get("l1") instanceof Number l1 && c.get("l2") instanceof Number l2) {
            return new L1L2(l1.doubleValue(), l2.doubleValue());
        }
        throw new IllegalArgumentException("load: " + where + " has a regularizer that cannot be restored (" + o
                + "); only Regularizers.l1/l2/l1l2 are saved. Rebuild the model in code and use loadWeights");
    }
}
