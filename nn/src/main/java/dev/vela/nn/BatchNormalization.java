// Batch normalization over the last axis, with moving statistics updated during training.
package dev.vela.nn;

import dev.vela.Autograd;
import dev.vela.K;
import dev.vela.Tensor;

import java.util.Map;

/**
 * Normalises the last axis: training uses the batch's mean and variance and moves the running statistics
 * ({@code moving = momentum * moving + (1 - momentum) * batch}); inference uses the running ones.
 */
public class BatchNormalization extends Layer {
    final double momentum, epsilon;

    public BatchNormalization() { this(0.99, 1e-3); }

    public BatchNormalization(double momentum, double epsilon) {
        this.momentum = momentum;
        this.epsilon = epsilon;
    }

    @Override
    protected void build(int[][] s) {
        int c = s[0][s[0].length - 1];
        addWeight("gamma", new int[] {c}, Initializers.ones(), null, true);
        addWeight("beta", new int[] {c}, Initializers.zeros(), null, true);
        addWeight("moving_mean", new int[] {c}, Initializers.zeros(), null, false);
        addWeight("moving_variance", new int[] {c}, Initializers.ones(), null, false);
    }

    @Override
    protected Tensor call(Tensor x, boolean training) {
        int r = x.rank();
        int[] axes = new int[r - 1];
        for (int i = 0; i < r - 1; i++) axes[i] = i;
        Tensor gamma = w(0, x), beta = w(1, x), mm = w(2, x), mv = w(3, x);
        if (!training) return x.sub(mm).div(mv.add(epsilon).sqrt()).mul(gamma).add(beta);
        Tensor mean = x.mean(axes, false), var = x.var(axes, false);
        if (x.isSymbolic()) {
            pendingUpdates.add(K.update(weights.get(2), weights.get(2).mul(momentum).add(mean.mul(1 - momentum))));
            pendingUpdates.add(K.update(weights.get(3), weights.get(3).mul(momentum).add(var.mul(1 - momentum))));
        } else {
            try (var ng = Autograd.noGrad()) {
                mm.copyFrom(mm.mul(momentum).add(mean.detach().mul(1 - momentum)));
                mv.copyFrom(mv.mul(momentum).add(var.detach().mul(1 - momentum)));
            }
        }
        return x.sub(mean).div(var.add(epsilon).sqrt()).mul(gamma).add(beta);
    }

    @Override public int[] outputShape(int[][] s) { return s[0].clone(); }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("momentum", momentum);
        c.put("epsilon", epsilon);
        return c;
    }
}
