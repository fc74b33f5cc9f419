// Flattens every dimension but the batch one.
package dev.vela.nn;

import dev.vela.Tensor;

/** (batch, a, b, ...) to (batch, a*b*...). */
public class Flatten extends Layer {
    @Override
    protected Tensor call(Tensor x, boolean training) { return x.reshape(-1, outputShape(new int[][] {x.dims()})[1]); }

    @Override
    public int[] outputShape(int[][] s) {
        long n = 1;
        for (int i = 1; i < s[0].length; i++) {
            if (s[0][i] < 0) throw new IllegalArgumentException("Flatten '" + name + "': non-batch dimensions must be known");
            n *= s[0][i];
        }
        return new int[] {s[0].length > 0 ? s[0][0] : -1, (int) n};
    }
}
