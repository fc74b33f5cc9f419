// Stochastic gradient descent with momentum and Nesterov momentum (torch.optim.SGD's rule, Keras's defaults).
package dev.vela.optim;

import dev.vela.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Gradient descent, with optional momentum and Nesterov momentum. Keras's defaults: learning rate 0.01,
 * momentum 0, no Nesterov, no decay.
 *
 * <p>The rule is torch's: {@code buf = momentum * buf + g} (the first step starts from {@code buf = 0},
 * so {@code buf = g}), {@code d = nesterov ? g + momentum * buf : buf}, {@code p -= lr * d}. Keras
 * keeps the velocity with the rate folded in ({@code v = momentum * v - lr * g; p += v}); the two give
 * the same numbers while the learning rate is constant, and differ once it changes (schedules, decay),
 * where torch's form applies the new rate to the whole buffer.
 * <pre>{@code
 * jshell> var opt = new SGD(0.05).momentum(0.9).nesterov(true);
 * jshell> opt.getConfig()
 * $2 ==> {name=SGD, learning_rate=0.05, decay=0.0, momentum=0.9, nesterov=true}
 * }</pre>
 */
public final class SGD extends Optimizer {
    private double momentum;
    private boolean nesterov;

    /** Learning rate 0.01 (Keras's default). */
    public SGD() { this(0.01); }

    public SGD(double learningRate) { super("SGD", learningRate); }

    /** Momentum factor ({@code >= 0}; 0 turns it off). */
    public SGD momentum(double m) {
        checkNonNegative("momentum", m);
        checkMutable("momentum");
        this.momentum = m;
        return this;
    }

    /** Nesterov momentum (needs momentum > 0 to have an effect). */
    public SGD nesterov(boolean n) {
        checkMutable("nesterov");
        this.nesterov = n;
        return this;
    }

    @Override
    protected List<String> slotNames() { return momentum > 0 ? List.of("momentum") : List.of(); }

    @Override
    protected Tensor rule(Step s, Tensor p, Tensor g, Map<String, Tensor> slots, Map<String, Tensor> newSlots) {
        Tensor lr = s.as(s.lr(), p);
        if (momentum == 0) return p.sub(g.mul(lr));
        Tensor buf = slots.get("momentum").mul(momentum).add(g);
        newSlots.put("momentum", buf);
        Tensor d = nesterov ? g.add(buf.mul(momentum)) : buf;
        return p.sub(d.mul(lr));
    }

    @Override
    protected void addConfig(Map<String, Object> c) {
        c.put("momentum", momentum);
        c.put("nesterov", nesterov);
    }

    @Override
    protected boolean applyConfig(String key, Object v) {
        switch (key) {
            case "momentum" -> momentum(number(key, v));
            case "nesterov" -> nesterov(bool(key, v));
            default -> { return false; }
        }
        return true;
    }
}
