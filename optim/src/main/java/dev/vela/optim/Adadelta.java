// Adadelta (torch.optim.Adadelta's rule, Keras 2's defaults).
package dev.vela.optim;

import dev.vela.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Adadelta (Zeiler): scales the gradient by the ratio of the running roots of past updates and past
 * gradients. Keras 2's defaults: learning rate 1.0, rho 0.95, epsilon 1e-7 (Keras 3 defaults the rate to
 * 0.001; torch to 1.0 with epsilon 1e-6).
 *
 * <p>The rule (torch's and Keras 2's): {@code a = rho a + (1-rho) g²},
 * {@code delta = sqrt(d + eps) / sqrt(a + eps) * g}, {@code d = rho d + (1-rho) delta²},
 * {@code p -= lr delta}.
 * <pre>{@code
 * jshell> var opt = new Adadelta();            // tutorial 5's optimizer
 * jshell> opt.getConfig()
 * $2 ==> {name=Adadelta, learning_rate=1.0, decay=0.0, rho=0.95, epsilon=1.0E-7}
 * }</pre>
 */
public final class Adadelta extends Optimizer {
    private double rho = 0.95, epsilon = 1e-7;

    /** Learning rate 1.0 (Keras 2's default). */
    public Adadelta() { this(1.0); }

    public Adadelta(double learningRate) { super("Adadelta", learningRate); }

    /** Decay of both running averages, in [0, 1). */
    public Adadelta rho(double r) {
        checkRate("rho", r);
        checkMutable("rho");
        rho = r;
        return this;
    }

    public Adadelta epsilon(double e) {
        checkNonNegative("epsilon", e);
        checkMutable("epsilon");
        epsilon = e;
        return this;
    }

    @Override
    protected List<String> slotNames() { return List.of("accumulator", "delta_accumulator"); }

    @Override
    protected Tensor rule(Step s, Tensor p, Tensor g, Map<String, Tensor> slots, Map<String, Tensor> newSlots) {
        Tensor a = slots.get("accumulator").mul(rho).add(g.square().mul(1 - rho));
        Tensor d = slots.get("delta_accumulator");
        Tensor delta = d.add(epsilon).sqrt().div(a.add(epsilon).sqrt()).mul(g);
        newSlots.put("accumulator", a);
        newSlots.put("delta_accumulator", d.mul(rho).add(delta.square().mul(1 - rho)));
        return p.sub(delta.mul(s.as(s.lr(), p)));
    }

    @Override
    protected void addConfig(Map<String, Object> c) {
        c.put("rho", rho);
        c.put("epsilon", epsilon);
    }

    @Override
    protected boolean applyConfig(String key, Object v) {
        switch (key) {
            case "rho" -> rho(number(key, v));
            case "epsilon" -> epsilon(number(key, v));
            default -> { return false; }
        }
        return true;
    }
}
