// Inverted dropout during training; the identity at inference.
package dev.vela.nn;

import dev.vela.NN;
import dev.vela.Tensor;

import java.util.Map;

/** {@code new Dropout(0.5)}: zeroes a fraction of inputs in training and rescales the rest. */
public class Dropout extends Layer {
    final double rate;

    public Dropout(double rate) {
        if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate);
        this.rate = rate;
    }

    @Override protected Tensor call(Tensor x, boolean training) { return training ? NN.dropout(x, rate) : x; }

    @Override public int[] outputShape(int[][] s) { return s[0].clone(); }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("rate", rate);
        return c;
    }
}
