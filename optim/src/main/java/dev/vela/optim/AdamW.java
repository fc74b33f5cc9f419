// AdamW: Adam with decoupled weight decay (torch.optim.AdamW's rule, Keras 3's defaults).
package dev.vela.optim;

import dev.vela.Tensor;

import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter): each step first shrinks the parameter,
 * {@code p *= 1 - lr * weightDecay}, then applies the {@link Adam} rule (torch's form, epsilon after the
 * bias-corrected root). Keras 3's defaults: learning rate 0.001, weight decay 0.004, betas 0.9 / 0.999,
 * epsilon 1e-7 (torch defaults the decay to 0.01).
 * <pre>{@code
 * jshell> var opt = new AdamW(0.001).weightDecay(0.01);
 * jshell> opt.getConfig().get("weight_decay")
 * $2 ==> 0.01
 * }</pre>
 */
public final class AdamW extends Adam {
    private double weightDecay = 0.004;

    /** Learning rate 0.001, weight decay 0.004 (Keras's defaults). */
    public AdamW() { this(0.001); }

    public AdamW(double learningRate) { super("AdamW", learningRate); }

    /** The decoupled decay factor ({@code >= 0}), multiplied by the learning rate each step. */
    public AdamW weightDecay(double wd) {
        checkNonNegative("weightDecay", wd);
        checkMutable("weightDecay");
        weightDecay = wd;
        return this;
    }

    @Override public AdamW beta1(double b) { super.beta1(b); return this; }
    @Override public AdamW beta2(double b) { super.beta2(b); return this; }
    @Override public AdamW epsilon(double e) { super.epsilon(e); return this; }
    @Override public AdamW amsgrad(boolean a) { super.amsgrad(a); return this; }

    @Override
    protected Tensor rule(Step s, Tensor p, Tensor g, Map<String, Tensor> slots, Map<String, Tensor> newSlots) {
        Tensor decayed = weightDecay == 0 ? p : p.mul(s.as(s.lr().mul(weightDecay).rsub(1.0), p));
        return adam(s, decayed, g, slots, newSlots);
    }

    @Override
    protected void addConfig(Map<String, Object> c) {
        super.addConfig(c);
        c.put("weight_decay", weightDecay);
    }

    @Override
    protected boolean applyConfig(String key, Object v) {
        if (key.equals("weight_decay")) {
            weightDecay(number(key, v));
            return true;
        }
        return super.applyConfig(key, v);
    }
}
