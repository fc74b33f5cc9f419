// Adagrad (torch.optim.Adagrad's rule, Keras 2's defaults).
package dev.vela.optim;

import dev.vela.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Adagrad (Duchi et al.): divides by the root of the sum of all squared gradients so far. Keras 2's
 * defaults: learning rate 0.01, epsilon 1e-7, accumulator starting at 0 (tf.keras and Keras 3 start it
 * at 0.1; set {@link #initialAccumulatorValue}); torch's epsilon default is 1e-10.
 *
 * <p>The rule (torch's and Keras 2's): {@code acc += g²}, {@code p -= lr g / (sqrt(acc) + eps)}. Torch's
 * {@code lr_decay} is Keras's {@code decay}: both divide the rate by {@code 1 + decay * iterations}.
 * <pre>{@code
 * jshell> var opt = new Adagrad(0.05).epsilon(1e-10);
 * }</pre>
 */
public final class Adagrad extends Optimizer {
    private double epsilon = 1e-7, initialAccumulatorValue;

    /** Learning rate 0.01 (Keras's default). */
    public Adagrad() { this(0.01); }

    public Adagrad(double learningRate) { super("Adagrad", learningRate); }

    public Adagrad epsilon(double e) {
        checkNonNegative("epsilon", e);
        checkMutable("epsilon");
        epsilon = e;
        return this;
    }

    /** The value every accumulator starts from ({@code >= 0}). */
    public Adagrad initialAccumulatorValue(double v) {
        checkNonNegative("initialAccumulatorValue", v);
        checkMutable("initialAccumulatorValue");
        initialAccumulatorValue = v;
        return this;
    }

    @Override
    protected List<String> slotNames() { return List.of("accumulator"); }

    @Override
    protected double slotInitialValue(String slot) { return initialAccumulatorValue; }

    @Override
    protected Tensor rule(Step s, Tensor p, Tensor g, Map<String, Tensor> slots, Map<String, Tensor> newSlots) {
        Tensor acc = slots.get("accumulator").add(g.square());
        newSlots.put("accumulator", acc);
        return p.sub(g.div(acc.sqrt().add(epsilon)).mul(s.as(s.lr(), p)));
    }

    @Override
    protected void addConfig(Map<String, Object> c) {
        c.put("epsilon", epsilon);
        c.put("initial_accumulator_value", initialAccumulatorValue);
    }

    @Override
    protected boolean applyConfig(String key, Object v) {
        switch (key) {
            case "epsilon" -> epsilon(number(key, v));
            case "initial_accumulator_value" -> initialAccumulatorValue(number(key, v));
            default -> { return false; }
        }
        return true;
    }
}
