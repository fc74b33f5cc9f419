// Step decay: the learning rate multiplied by `factor` every `stepSize` updates.
package dev.vela.optim;

import dev.vela.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code initialLearningRate * factor ^ floor(step / stepSize)}: the classic "drop the rate by a factor
 * every so many steps" (torch's {@code StepLR}, counted in updates).
 * <pre>{@code
 * jshell> var s = new StepDecay(0.1, 0.1, 1000);
 * jshell> s.at(999) + " " + s.at(1000)
 * $2 ==> "0.1 0.010000000000000002"
 * }</pre>
 */
public record StepDecay(double initialLearningRate, double factor, long stepSize) implements LearningRateSchedule {

    public StepDecay {
        if (stepSize <= 0) throw new IllegalArgumentException("StepDecay: stepSize must be positive, got " + stepSize);
        if (!(factor > 0)) throw new IllegalArgumentException("StepDecay: factor must be positive, got " + factor);
    }

    @Override
    public double at(long step) {
        return initialLearningRate * Math.pow(factor, Math.floor((double) step / stepSize));
    }

    @Override
    public Tensor at(Tensor step) {
        return LearningRateSchedule.f64(factor).pow(step.div((double) stepSize).floor()).mul(initialLearningRate);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("initial_learning_rate", initialLearningRate);
        c.put("factor", factor);
        c.put("step_size", stepSize);
        return LearningRateSchedule.wrap("StepDecay", c);
    }
}
