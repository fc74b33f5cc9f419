// 2-D convolution over NHWC inputs with an HWIO kernel, as Keras's Conv2D.
package dev.vela.nn;

import dev.vela.NN;
import dev.vela.Tensor;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** {@code new Conv2D(32, 3, 3, "relu").inputShape(28, 28, 1)}; strides and padding ("valid"/"same") as Keras. */
public class Conv2D extends Layer {
    final int filters, kh, kw;
    int[] strides = {1, 1};
    String padding = "valid";
    final String activationName;
    final UnaryOperator<Tensor> activation;
    boolean useBias = true;
    Initializers.Initializer kernelInit = Initializers.glorotUniform();
    Regularizers.Regularizer kernelReg;

    public Conv2D(int filters, int kh, int kw) { this(filters, kh, kw, null); }

    public Conv2D(int filters, int kh, int kw, String activation) {
        this.filters = filters;
        this.kh = kh;
        this.kw = kw;
        this.activationName = activation == null ? "linear" : activation;
        this.activation = Activations.get(activation);
    }

    public Conv2D strides(int sh, int sw) { strides = new int[] {sh, sw}; return this; }

    public Conv2D padding(String p) { padding = p; return this; }

    public Conv2D useBias(boolean b) { useBias = b; return this; }

    public Conv2D kernelRegularizer(Regularizers.Regularizer r) { kernelReg = r; return this; }

    @Override
    protected void build(int[][] s) {
        if (s[0].length != 4) throw new IllegalArgumentException("Conv2D '" + name + "': expects NHWC input, got rank " + s[0].length);
        addWeight("kernel", new int[] {kh, kw, s[0][3], filters}, kernelInit, kernelReg, true);
        if (useBias) addWeight("bias", new int[] {filters}, Initializers.zeros(), null, true);
    }

    @Override
    protected Tensor call(Tensor x, boolean training) {
        Tensor y = NN.conv2d(x, w(0, x), strides, padding);
        if (useBias) y = y.add(w(1, x));
        return activation.apply(y);
    }

    static int outDim(int in, int k, int s, String padding) {
        if (in < 0) return -1;
        return padding.equalsIgnoreCase("same") ? (in + s - 1) / s : (in - k) / s + 1;
    }

    @Override
    public int[] outputShape(int[][] s) {
        return new int[] {s[0][0], outDim(s[0][1], kh, strides[0], padding), outDim(s[0][2], kw, strides[1], padding), filters};
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("filters", filters);
        c.put("kernel_size", List.of(kh, kw));
        c.put("strides", List.of(strides[0], strides[1]));
        c.put("padding", padding);
        c.put("activation", activationName);
        c.put("use_bias", useBias);
        c.put("kernel_regularizer", Regularizers.toConfig(kernelReg));
        return c;
    }
}
