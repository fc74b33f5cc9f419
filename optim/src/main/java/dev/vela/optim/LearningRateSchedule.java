// The learning rate as a function of the optimizer's step count, in plain doubles (eager) and in tensor ops (graphs).
package dev.vela.optim;

import dev.vela.DType;
import dev.vela.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A learning rate that depends on the step: {@code at(k)} is the rate used by the update that follows
 * {@code k} completed updates (so {@code at(0)} is the first step's rate), as Keras's
 * {@code LearningRateSchedule(iterations)}.
 *
 * <p>Optimizers call {@link #at(Tensor)} with their {@code iterations} counter, a float64 scalar that is a
 * {@code K.variable} in the symbolic form: the built-in schedules write it in tensor ops, so a compiled
 * {@code K.function} reads the current step on every call. A lambda only defines {@link #at(long)}; it
 * works with eager {@code step(...)}, and {@code updates(...)} rejects it with a message.
 * <pre>{@code
 * jshell> var opt = new SGD().learningRate(new ExponentialDecay(0.1, 100, 0.5, false));
 * jshell> new ExponentialDecay(0.1, 100, 0.5, false).at(100)
 * $2 ==> 0.05
 * jshell> new SGD().learningRate(k -> k < 10 ? 0.1 : 0.01)    // eager step() only
 * }</pre>
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The rate for the update that follows {@code step} completed updates. */
    double at(long step);

    /**
     * The same as a float64 scalar tensor of {@code step} (a float64 scalar: eager, or a variable / graph
     * tensor). The default evaluates {@link #at(long)} for an eager step and refuses a symbolic one.
     */
    default Tensor at(Tensor step) {
        if (!step.isSymbolic() && !step.isVariable()) return Tensor.scalar(at(Math.round(step.item())), DType.FLOAT64);
        throw new UnsupportedOperationException("learning-rate schedule " + this + " is only defined in Java code (at(long)):"
                + " it cannot run inside a K.function graph; implement at(Tensor) with tensor ops, use a built-in"
                + " schedule (ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, StepDecay), or use eager step()");
    }

    /** Keras-style {@code {"class_name": ..., "config": {...}}}, or null for a schedule that cannot be saved (a lambda). */
    default Map<String, Object> getConfig() { return null; }

    /** A built-in schedule from its {@link #getConfig()} map. */
    static LearningRateSchedule fromConfig(Map<String, ?> config) {
        Object cls = config.get("class_name");
        Object c = config.get("config");
        if (!(cls instanceof String name) || !(c instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("LearningRateSchedule.fromConfig: expected {\"class_name\": ..., \"config\": {...}}, got " + config);
        }
        return switch (name) {
            case "ExponentialDecay" -> new ExponentialDecay(num(m, "initial_learning_rate"), Math.round(num(m, "decay_steps")),
                    num(m, "decay_rate"), bool(m, "staircase"));
            case "InverseTimeDecay" -> new InverseTimeDecay(num(m, "initial_learning_rate"), Math.round(num(m, "decay_steps")),
                    num(m, "decay_rate"), bool(m, "staircase"));
            case "StepDecay" -> new StepDecay(num(m, "initial_learning_rate"), num(m, "factor"), Math.round(num(m, "step_size")));
            case "PiecewiseConstantDecay" -> {
                Object b = m.get("boundaries"), v = m.get("values");
                if (!(b instanceof java.util.List<?> bl) || !(v instanceof java.util.List<?> vl)) {
                    throw new IllegalArgumentException("PiecewiseConstantDecay config needs lists 'boundaries' and 'values': " + m);
                }
                long[] bs = new long[bl.size()];
                for (int i = 0; i < bs.length; i++) bs[i] = Math.round(((Number) bl.get(i)).doubleValue());
                double[] vs = new double[vl.size()];
                for (int i = 0; i < vs.length; i++) vs[i] = ((Number) vl.get(i)).doubleValue();
                yield new PiecewiseConstantDecay(bs, vs);
            }
            default -> throw new IllegalArgumentException("LearningRateSchedule.fromConfig: unknown schedule '" + name
                    + "'; known: ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, StepDecay");
        };
    }

    private static double num(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof Number n)) throw new IllegalArgumentException("schedule config: '" + key + "' must be a number in " + m);
        return n.doubleValue();
    }

    private static boolean bool(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v instanceof Boolean b && b;
    }

    /** Helper for the built-ins: {@code {"class_name": name, "config": config}}. */
    static Map<String, Object> wrap(String name, Map<String, Object> config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class_name", name);
        m.put("config", config);
        return m;
    }

    /** A float64 scalar constant. */
    static Tensor f64(double v) { return Tensor.scalar(v, DType.FLOAT64); }
}
