// Adamax: Adam with the infinity norm (torch.optim.Adamax's rule, Keras 2's defaults).
package dev.vela.optim;

import dev.vela.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Adamax (Kingma and Ba, section 7): Adam with the second moment replaced by an exponentially weighted
 * infinity norm. Keras's defaults: learning rate 0.002, beta1 0.9, beta2 0.999, epsilon 1e-7.
 *
 * <p>The rule is torch's: {@code m = b1 m + (1-b1) g}, {@code u = max(b2 u, |g| + eps)},
 * {@code p -= lr / (1 - b1^t) * m / u}. Keras adds epsilon to the denominator instead
 * ({@code u = max(b2 u, |g|)}, {@code m / (u + eps)}).
 * <pre>{@code
 * jshell> var opt = new Adamax();
 * jshell> opt.learningRate()
 * $2 ==> 0.002
 * }</pre>
 */
public final class Adamax extends Optimizer {
    private double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7;

    /** Learning rate 0.002 (Keras's default). */
    public Adamax() { this(0.002); }

    public Adamax(double learningRate) { super("Adamax", learningRate); }

    public Adamax beta1(double b) {
        checkRate("beta1", b);
        checkMutable("beta1");
        beta1 = b;
        return this;
    }

    public Adamax beta2(double b) {
        checkRate("beta2", b);
        checkMutable("beta2");
        beta2 = b;
        return this;
    }

    public Adamax epsilon(double e) {
        checkNonNegative("epsilon", e);
        checkMutable("epsilon");
        epsilon = e;
        return this;
    }

    @Override
    protected List<String> slotNames() { return List.of("m", "u"); }

    @Override
    protected Tensor rule(Step s, Tensor p, Tensor g, Map<String, Tensor> slots, Map<String, Tensor> newSlots) {
        Tensor m = slots.get("m").mul(beta1).add(g.mul(1 - beta1));
        Tensor u = slots.get("u").mul(beta2).maximum(g.abs().add(epsilon));
        newSlots.put("m", m);
        newSlots.put("u", u);
        Tensor stepSize = s.as(s.lr().div(s.powT(beta1).rsub(1.0)), p);
        return p.sub(m.div(u).mul(stepSize));
    }

    @Override
    protected void addConfig(Map<String, Object> c) {
        c.put("beta_1", beta1);
        c.put("beta_2", beta2);
        c.put("epsilon", epsilon);
    }

    @Override
    protected boolean applyConfig(String key, Object v) {
        switch (key) {
            case "beta_1" -> beta1(number(key, v));
            case "beta_2" -> beta2(number(key, v));
            case "epsilon" -> epsilon(number(key, v));
            default -> { return false; }
        }
        return true;
    }
}
