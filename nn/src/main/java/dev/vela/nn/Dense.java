// A fully connected layer: activation(x · kernel + bias).
package dev.vela.nn;

import dev.vela.Tensor;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code new Dense(128, "relu").inputShape(60)}: output = activation(dot(x, kernel) + bias).
 */
public class Dense extends Layer {
    final int units;
    final String activationName;
    final UnaryOperator<Tensor> activation;
    final boolean useBias;
    Initializers.Initializer kernelInit = Initializers.glorotUniform(), biasInit = Initializers.zeros();
    Regularizers.Regularizer kernelReg, biasReg;

    public Dense(int units) { this(units, null, true); }

    public Dense(int units, String activation) { this(units, activation, true); }

    public Dense(int units, String activation, boolean useBias) {
        if (units <= 0) throw new IllegalArgumentException("Dense: units must be positive, got " + units);
        this.units = units;
        this.activationName = activation == null ? "linear" : activation;
        this.activation = Activations.get(activation);
        this.useBias = useBias;
    }

    public Dense kernelInitializer(String n) { kernelInit = Initializers.get(n); return this; }

    public Dense kernelInitializer(Initializers.Initializer i) { kernelInit = i; return this; }

    public Dense biasInitializer(String n) { biasInit = Initializers.get(n); return this; }

    public Dense kernelRegularizer(Regularizers.Regularizer r) { kernelReg = r; return this; }

    public Dense biasRegularizer(Regularizers.Regularizer r) { biasReg = r; return this; }

    @Override
    protected void build(int[][] s) {
        int in = s[0][s[0].length - 1];
        if (in < 0) throw new IllegalArgumentException("Dense '" + name + "': the last input dimension must be known");
        addWeight("kernel", new int[] {in, units}, kernelInit, kernelReg, true);
        if (useBias) addWeight("bias", new int[] {units}, biasInit, biasReg, true);
    }

    @Override
    protected Tensor call(Tensor x, boolean training) {
        Tensor y = x.dot(w(0, x));
        if (useBias) y = y.add(w(1, x));
        return activation.apply(y);
    }

    @Override
    public int[] outputShape(int[][] s) {
        int[] r = s[0].clone();
        r[r.length - 1] = units;
        return r;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("units", units);
        c.put("activation", activationName);
        c.put("use_bias", useBias);
        c.put("kernel_regularizer", Regularizers.toConfig(kernelReg));
        c.put("bias_regularizer", Regularizers.toConfig(biasReg));
        return c;
    }
}
