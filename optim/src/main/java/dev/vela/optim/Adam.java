// Adam and AMSGrad (torch.optim.Adam's rule, Keras's defaults).
package dev.vela.optim;

import dev.vela.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba), optionally AMSGrad. Keras's defaults: learning rate 0.001, beta1 0.9, beta2 0.999,
 * epsilon 1e-7, no AMSGrad.
 *
 * <p>The rule is torch's: {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g²} (AMSGrad:
 * {@code vmax = max(vmax, v)} used in place of {@code v}), {@code p -= lr / (1 - b1^t) * m / (sqrt(v) /
 * sqrt(1 - b2^t) + eps)}. Keras adds epsilon before the bias correction
 * ({@code lr_t * m / (sqrt(v) + eps)} with {@code lr_t = lr sqrt(1-b2^t) / (1-b1^t)}); the two differ
 * by an epsilon scaled by {@code sqrt(1 - b2^t)}, which matters in the first steps.
 * <pre>{@code
 * jshell> var opt = new Adam(0.01).epsilon(1e-7).amsgrad(true);
 * jshell> opt.getConfig().get("amsgrad")
 * $2 ==> true
 * }</pre>
 */
public class Adam extends Optimizer {
    double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7;
    boolean amsgrad;

    /** Learning rate 0.001 (Keras's default). */
    public Adam() { this(0.001); }

    public Adam(double learningRate) { super("Adam", learningRate); }

    Adam(String name, double learningRate) { super(name, learningRate); }

    /** Decay of the first moment, in [0, 1). */
    public Adam beta1(double b) {
        checkRate("beta1", b);
        checkMutable("beta1");
        beta1 = b;
        return this;
    }

    /** Decay of the second moment, in [0, 1). */
    public Adam beta2(double b) {
        checkRate("beta2", b);
        checkMutable("beta2");
        beta2 = b;
        return this;
    }

    /** Added to the bias-corrected root of the second moment. */
    public Adam epsilon(double e) {
        checkNonNegative("epsilon", e);
        checkMutable("epsilon");
        epsilon = e;
        return this;
    }

    /** AMSGrad (Reddi et al.): divide by the running maximum of the second moment. */
    public Adam amsgrad(boolean a) {
        checkMutable("amsgrad");
        amsgrad = a;
        return this;
    }

    @Override
    protected List<String> slotNames() { return amsgrad ? List.of("m", "v", "vhat") : List.of("m", "v"); }

    @Override
    protected Tensor rule(Step s, Tensor p, Tensor g, Map<String, Tensor> slots, Map<String, Tensor> newSlots) {
        return adam(s, p, g, slots, newSlots);
    }

    /** The Adam step from parameter value {@code p} (AdamW passes the decayed one). */
    final Tensor adam(Step s, Tensor p, Tensor g, Map<String, Tensor> slots, Map<String, Tensor> newSlots) {
        Tensor m = slots.get("m").mul(beta1).add(g.mul(1 - beta1));
        Tensor v = slots.get("v").mul(beta2).add(g.square().mul(1 - beta2));
        newSlots.put("m", m);
        newSlots.put("v", v);
        Tensor vUsed = v;
        if (amsgrad) {
            vUsed = slots.get("vhat").maximum(v);
            newSlots.put("vhat", vUsed);
        }
        Tensor bc1 = s.powT(beta1).rsub(1.0);
        // 1 / sqrt(1 - b2^t) as a scalar factor: one division per element (m / denom) instead of two
        Tensor invBc2Sqrt = s.powT(beta2).rsub(1.0).sqrt().rdiv(1.0);
        Tensor stepSize = s.as(s.lr().div(bc1), p);
        Tensor denom = vUsed.sqrt().mul(s.as(invBc2Sqrt, p)).add(epsilon);
        return p.sub(m.div(denom).mul(stepSize));
    }

    @Override
    protected void addConfig(Map<String, Object> c) {
        c.put("beta_1", beta1);
        c.put("beta_2", beta2);
        c.put("epsilon", epsilon);
        c.put("amsgrad", amsgrad);
    }

    @Override
    protected boolean applyConfig(String key, Object v) {
        switch (key) {
            case "beta_1" -> beta1(number(key, v));
            case "beta_2" -> beta2(number(key, v));
            case "epsilon" -> epsilon(number(key, v));
            case "amsgrad" -> amsgrad(bool(key, v));
            default -> { return false; }
        }
        return true;
    }
}
