// Keras's PiecewiseConstantDecay schedule: constant rates between step boundaries.
package dev.vela.optim;

import dev.vela.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code values[0]} while {@code step <= boundaries[0]}, {@code values[i]} while
 * {@code boundaries[i-1] < step <= boundaries[i]}, and the last value after the last boundary (Keras's
 * rule). There is one more value than boundaries; boundaries increase strictly.
 * <pre>{@code
 * jshell> var s = new PiecewiseConstantDecay(new long[] {100, 200}, new double[] {0.1, 0.01, 0.001});
 * jshell> s.at(100) + " " + s.at(101) + " " + s.at(500)
 * $2 ==> "0.1 0.01 0.001"
 * }</pre>
 */
public record PiecewiseConstantDecay(long[] boundaries, double[] values) implements LearningRateSchedule {

    public PiecewiseConstantDecay {
        if (values.length != boundaries.length + 1) {
            throw new IllegalArgumentException("PiecewiseConstantDecay: " + boundaries.length + " boundaries need "
                    + (boundaries.length + 1) + " values, got " + values.length);
        }
        for (int i = 1; i < boundaries.length; i++) {
            if (boundaries[i] <= boundaries[i - 1]) {
                throw new IllegalArgumentException("PiecewiseConstantDecay: boundaries must increase strictly, got "
                        + Arrays.toString(boundaries));
            }
        }
        boundaries = boundaries.clone();
        values = values.clone();
    }

    @Override
    public double at(long step) {
        for (int i = 0; i < boundaries.length; i++) if (step <= boundaries[i]) return values[i];
        return values[values.length - 1];
    }

    @Override
    public Tensor at(Tensor step) {
        Tensor r = LearningRateSchedule.f64(values[values.length - 1]);
        for (int i = boundaries.length - 1; i >= 0; i--) {
            r = Tensor.where(step.le((double) boundaries[i]), LearningRateSchedule.f64(values[i]), r);
        }
        return r;
    }

    @Override
    public long[] boundaries() { return boundaries.clone(); }

    @Override
    public double[] values() { return values.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof PiecewiseConstantDecay p && Arrays.equals(boundaries, p.boundaries) && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(boundaries) + Arrays.hashCode(values); }

    @Override
    public String toString() {
        return "PiecewiseConstantDecay[boundaries=" + Arrays.toString(boundaries) + ", values=" + Arrays.toString(values) + "]";
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        List<Object> b = new ArrayList<>();
        for (long x : boundaries) b.add(x);
        List<Object> v = new ArrayList<>();
        for (double x : values) v.add(x);
        c.put("boundaries", b);
        c.put("values", v);
        return LearningRateSchedule.wrap("PiecewiseConstantDecay", c);
    }
}
