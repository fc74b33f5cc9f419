// Max pooling over NHWC windows.
package dev.vela.nn;

import dev.vela.NN;
import dev.vela.Tensor;

import java.util.List;
import java.util.Map;

/** {@code new MaxPooling2D(2, 2)}: strides default to the pool size, padding "valid". */
public class MaxPooling2D extends Layer {
    final int[] pool, strides;
    final String padding;

    public MaxPooling2D(int ph, int pw) { this(new int[] {ph, pw}, new int[] {ph, pw}, "valid"); }

    public MaxPooling2D(int[] pool, int[] strides, String padding) {
        this.pool = pool.clone();
        this.strides = strides.clone();
        this.padding = padding;
    }

    Tensor pool(Tensor x) { return NN.maxPool2d(x, pool, strides, padding); }

    @Override protected Tensor call(Tensor x, boolean training) { return pool(x); }

    @Override
    public int[] outputShape(int[][] s) {
        return new int[] {s[0][0], Conv2D.outDim(s[0][1], pool[0], strides[0], padding),
                Conv2D.outDim(s[0][2], pool[1], strides[1], padding), s[0][3]};
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("pool_size", List.of(pool[0], pool[1]));
        c.put("strides", List.of(strides[0], strides[1]));
        c.put("padding", padding);
        return c;
    }
}
