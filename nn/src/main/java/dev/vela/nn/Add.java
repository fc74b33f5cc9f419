// Sums several inputs elementwise (functional API merge layer).
package dev.vela.nn;

import dev.vela.Tensor;

import java.util.List;

/** {@code new Add().apply(List.of(a, b))}. */
public class Add extends Layer {
    @Override
    protected Tensor call(List<Tensor> inputs, boolean training) {
        Tensor s = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) s = s.add(inputs.get(i));
        return s;
    }

    @Override public int[] outputShape(int[][] s) { return s[0].clone(); }
}
