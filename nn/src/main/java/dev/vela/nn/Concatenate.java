// Joins several inputs along an axis (functional API merge layer).
package dev.vela.nn;

import dev.vela.Tensor;

import java.util.List;

/** {@code new Concatenate(-1).apply(List.of(a, b))}. */
public class Concatenate extends Layer {
    final int axis;

    public Concatenate() { this(-1); }

    public Concatenate(int axis) { this.axis = axis; }

    @Override protected Tensor call(List<Tensor> inputs, boolean training) { return Tensor.concatenate(inputs, axis); }

    @Override
    public java.util.Map<String, Object> getConfig() {
        java.util.Map<String, Object> c = super.getConfig();
        c.put("axis", axis);
        return c;
    }

    @Override
    public int[] outputShape(int[][] s) {
        int[] r = s[0].clone();
        int a = axis < 0 ? axis + r.length : axis;
        for (int i = 1; i < s.length; i++) r[a] = r[a] < 0 || s[i][a] < 0 ? -1 : r[a] + s[i][a];
        return r;
    }
}
