// Reshapes the non-batch dimensions.
package dev.vela.nn;

import dev.vela.Tensor;

import java.util.Arrays;
import java.util.Map;

/** {@code new Reshape(7, 7, 16)}: target shape without the batch dimension. */
public class Reshape extends Layer {
    final int[] target;

    public Reshape(int... target) { this.target = target.clone(); }

    @Override
    protected Tensor call(Tensor x, boolean training) { return x.reshape(withBatch(target)); }

    @Override
    public int[] outputShape(int[][] s) {
        int[] r = withBatch(target);
        r[0] = s[0][0];
        return r;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("target_shape", Arrays.stream(target).boxed().toList());
        return c;
    }
}
