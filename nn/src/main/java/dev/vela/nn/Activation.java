// A layer that applies an activation function by name.
package dev.vela.nn;

import dev.vela.Tensor;

import java.util.Map;
import java.util.function.UnaryOperator;

/** {@code new Activation("softmax")}. */
public class Activation extends Layer {
    final String activationName;
    final UnaryOperator<Tensor> fn;

    public Activation(String activation) {
        this.activationName = activation;
        this.fn = Activations.get(activation);
    }

    @Override protected Tensor call(Tensor x, boolean training) { return fn.apply(x); }

    @Override public int[] outputShape(int[][] s) { return s[0].clone(); }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("activation", activationName);
        return c;
    }
}
