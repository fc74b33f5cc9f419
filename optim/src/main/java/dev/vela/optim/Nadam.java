// Nadam: Adam with Nesterov momentum and Dozat's momentum schedule (torch.optim.NAdam's rule, Keras 2's defaults).
package dev.vela.optim;

import dev.vela.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Nadam (Dozat): Adam with Nesterov momentum, whose momentum follows the schedule
 * {@code mu_t = b1 (1 - 0.5 * 0.96^(t * scheduleDecay))}. Keras's defaults: learning rate 0.002, beta1
 * 0.9, beta2 0.999, epsilon 1e-7, schedule decay 0.004 (torch's {@code momentum_decay}).
 *
 * <p>The rule (torch's NAdam, which is Keras 2's): with {@code P = prod(mu_1..mu_t)} (optimizer-wide state
 * {@code m_schedule}), {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g²},
 * {@code denom = sqrt(v / (1 - b2^t)) + eps},
 * {@code p -= lr (1 - mu_t) / (1 - P) * g / denom + lr mu_{t+1} / (1 - P mu_{t+1}) * m / denom}.
 * <pre>{@code
 * jshell> var opt = new Nadam(0.002);
 * }</pre>
 */
public final class Nadam extends Optimizer {
    private double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, scheduleDecay = 0.004;

    /** Learning rate 0.002 (Keras's default). */
    public Nadam() { this(0.002); }

    public Nadam(double learningRate) { super("Nadam", learningRate); }

    public Nadam beta1(double b) {
        checkRate("beta1", b);
        checkMutable("beta1");
        beta1 = b;
        return this;
    }

    public Nadam beta2(double b) {
        checkRate("beta2", b);
        checkMutable("beta2");
        beta2 = b;
        return this;
    }

    public Nadam epsilon(double e) {
        checkNonNegative("epsilon", e);
        checkMutable("epsilon");
        epsilon = e;
        return this;
    }

    /** The momentum schedule's decay (Keras's {@code schedule_decay}, torch's {@code momentum_decay}). */
    public Nadam scheduleDecay(double d) {
        checkNonNegative("scheduleDecay", d);
        checkMutable("scheduleDecay");
        scheduleDecay = d;
        return this;
    }

    @Override
    protected List<String> slotNames() { return List.of("m", "v"); }

    @Override
    protected Map<String, Double> globalSlots() { return Map.of("m_schedule", 1.0); }

    /** mu at step {@code t} (a float64 scalar tensor). */
    private Tensor mu(Step s, Tensor t) {
        return s.constant(0.96).pow(t.mul(scheduleDecay)).mul(-0.5).add(1.0).mul(beta1);
    }

    @Override
    protected void updateGlobals(Step s) {
        s.setGlobal("m_schedule", s.global("m_schedule").mul(mu(s, s.t())));
    }

    @Override
    protected Tensor rule(Step s, Tensor p, Tensor g, Map<String, Tensor> slots, Map<String, Tensor> newSlots) {
        Tensor muT = mu(s, s.t());
        Tensor muNext = mu(s, s.t().add(1.0));
        Tensor prod = s.newGlobal("m_schedule");
        Tensor m = slots.get("m").mul(beta1).add(g.mul(1 - beta1));
        Tensor v = slots.get("v").mul(beta2).add(g.square().mul(1 - beta2));
        newSlots.put("m", m);
        newSlots.put("v", v);
        Tensor bc2 = s.as(s.powT(beta2).rsub(1.0), p);
        Tensor denom = v.div(bc2).sqrt().add(epsilon);
        Tensor cg = s.as(s.lr().mul(muT.rsub(1.0)).div(prod.rsub(1.0)), p);
        Tensor cm = s.as(s.lr().mul(muNext).div(prod.mul(muNext).rsub(1.0)), p);
        return p.sub(g.div(denom).mul(cg)).sub(m.div(denom).mul(cm));
    }

    @Override
    protected void addConfig(Map<String, Object> c) {
        c.put("beta_1", beta1);
        c.put("beta_2", beta2);
        c.put("epsilon", epsilon);
        c.put("schedule_decay", scheduleDecay);
    }

    @Override
    protected boolean applyConfig(String key, Object v) {
        switch (key) {
            case "beta_1" -> beta1(number(key, v));
            case "beta_2" -> beta2(number(key, v));
            case "epsilon" -> epsilon(number(key, v));
            case "schedule_decay" -> scheduleDecay(number(key, v));
            default -> { return false; }
        }
        return true;
    }
}
