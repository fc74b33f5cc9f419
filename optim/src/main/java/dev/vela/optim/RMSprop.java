// RMSprop, plain, with momentum, or centered (torch.optim.RMSprop's rule, Keras's defaults).
package dev.vela.optim;

import dev.vela.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RMSprop (Hinton): divides the gradient by a running root mean square. Keras's defaults: learning rate
 * 0.001, rho 0.9, epsilon 1e-7, no momentum, not centered.
 *
 * <p>The rule is torch's (with torch's {@code alpha} = Keras's {@code rho}): {@code a = rho a + (1-rho) g²};
 * centered: {@code mg = rho mg + (1-rho) g} and {@code a - mg²} in place of {@code a};
 * {@code avg = sqrt(a) + eps}; then {@code p -= lr g / avg}, or with momentum
 * {@code buf = momentum buf + g / avg; p -= lr buf}. Keras 2's plain RMSprop is the same formula.
 * <pre>{@code
 * jshell> var opt = new RMSprop(0.01).rho(0.9).epsilon(1e-7);
 * }</pre>
 */
public final class RMSprop extends Optimizer {
    private double rho = 0.9, epsilon = 1e-7, momentum;
    private boolean centered;

    /** Learning rate 0.001 (Keras's default). */
    public RMSprop() { this(0.001); }

    public RMSprop(double learningRate) { super("RMSprop", learningRate); }

    /** Decay of the mean square (torch's {@code alpha}), in [0, 1). */
    public RMSprop rho(double r) {
        checkRate("rho", r);
        checkMutable("rho");
        rho = r;
        return this;
    }

    public RMSprop epsilon(double e) {
        checkNonNegative("epsilon", e);
        checkMutable("epsilon");
        epsilon = e;
        return this;
    }

    /** Momentum on the scaled gradient ({@code >= 0}; 0 turns it off). */
    public RMSprop momentum(double m) {
        checkNonNegative("momentum", m);
        checkMutable("momentum");
        momentum = m;
        return this;
    }

    /** Normalizes by the centered second moment (an estimate of the variance). */
    public RMSprop centered(boolean c) {
        checkMutable("centered");
        centered = c;
        return this;
    }

    @Override
    protected List<String> slotNames() {
        List<String> l = new ArrayList<>(List.of("rms"));
        if (centered) l.add("mg");
        if (momentum > 0) l.add("momentum");
        return l;
    }

    @Override
    protected Tensor rule(Step s, Tensor p, Tensor g, Map<String, Tensor> slots, Map<String, Tensor> newSlots) {
        Tensor a = slots.get("rms").mul(rho).add(g.square().mul(1 - rho));
        newSlots.put("rms", a);
        Tensor ms = a;
        if (centered) {
            Tensor mg = slots.get("mg").mul(rho).add(g.mul(1 - rho));
            newSlots.put("mg", mg);
            ms = a.sub(mg.square());
        }
        Tensor avg = ms.sqrt().add(epsilon);
        Tensor lr = s.as(s.lr(), p);
        if (momentum > 0) {
            Tensor buf = slots.get("momentum").mul(momentum).add(g.div(avg));
            newSlots.put("momentum", buf);
            return p.sub(buf.mul(lr));
        }
        return p.sub(g.div(avg).mul(lr));
    }

    @Override
    protected void addConfig(Map<String, Object> c) {
        c.put("rho", rho);
        c.put("momentum", momentum);
        c.put("epsilon", epsilon);
        c.put("centered", centered);
    }

    @Override
    protected boolean applyConfig(String key, Object v) {
        switch (key) {
            case "rho" -> rho(number(key, v));
            case "momentum" -> momentum(number(key, v));
            case "epsilon" -> epsilon(number(key, v));
            case "centered" -> centered(bool(key, v));
            default -> { return false; }
        }
        return true;
    }
}
