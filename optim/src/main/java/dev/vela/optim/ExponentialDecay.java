// Keras's ExponentialDecay schedule: lr * rate^(step / decaySteps), optionally in whole steps.
package dev.vela.optim;

import dev.vela.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code initialLearningRate * decayRate ^ (step / decaySteps)}; with {@code staircase} the exponent is
 * floored, so the rate drops once every {@code decaySteps} updates.
 * <pre>{@code
 * jshell> var s = new ExponentialDecay(0.1, 10, 0.5, true);
 * jshell> s.at(9) + " " + s.at(10)
 * $2 ==> "0.1 0.05"
 * }</pre>
 */
public record ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase)
        implements LearningRateSchedule {

    public ExponentialDecay {
        if (decaySteps <= 0) throw new IllegalArgumentException("ExponentialDecay: decaySteps must be positive, got " + decaySteps);
        if (!(decayRate > 0)) throw new IllegalArgumentException("ExponentialDecay: decayRate must be positive, got " + decayRate);
    }

    @Override
    public double at(long step) {
        double p = (double) step / decaySteps;
        return initialLearningRate * Math.pow(decayRate, staircase ? Math.floor(p) : p);
    }

    @Override
    public Tensor at(Tensor step) {
        Tensor p = step.div((double) decaySteps);
        if (staircase) p = p.floor();
        return LearningRateSchedule.f64(decayRate).pow(p).mul(initialLearningRate);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("initial_learning_rate", initialLearningRate);
        c.put("decay_steps", decaySteps);
        c.put("decay_rate", decayRate);
        c.put("staircase", staircase);
        return LearningRateSchedule.wrap("ExponentialDecay", c);
    }
}
