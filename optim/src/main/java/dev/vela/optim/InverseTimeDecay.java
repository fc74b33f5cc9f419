// Keras's InverseTimeDecay schedule: lr / (1 + rate * step / decaySteps) -- the old optimizers' `decay` option.
package dev.vela.optim;

import dev.vela.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code initialLearningRate / (1 + decayRate * step / decaySteps)} (floored quotient with
 * {@code staircase}). With {@code decaySteps = 1} this is Keras 2's {@code decay} argument,
 * {@code lr / (1 + decay * iterations)}, which every {@link Optimizer} also offers as {@code decay(d)}.
 * <pre>{@code
 * jshell> new InverseTimeDecay(0.1, 1, 0.5, false).at(2)
 * $1 ==> 0.05
 * }</pre>
 */
public record InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase)
        implements LearningRateSchedule {

    public InverseTimeDecay {
        if (decaySteps <= 0) throw new IllegalArgumentException("InverseTimeDecay: decaySteps must be positive, got " + decaySteps);
        if (decayRate < 0) throw new IllegalArgumentException("InverseTimeDecay: decayRate must be >= 0, got " + decayRate);
    }

    @Override
    public double at(long step) {
        double p = (double) step / decaySteps;
        if (staircase) p = Math.floor(p);
        return initialLearningRate / (1 + decayRate * p);
    }

    @Override
    public Tensor at(Tensor step) {
        Tensor p = step.div((double) decaySteps);
        if (staircase) p = p.floor();
        return p.mul(decayRate).add(1.0).rdiv(initialLearningRate);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("initial_learning_rate", initialLearningRate);
        c.put("decay_steps", decaySteps);
        c.put("decay_rate", decayRate);
        c.put("staircase", staircase);
        return LearningRateSchedule.wrap("InverseTimeDecay", c);
    }
}
