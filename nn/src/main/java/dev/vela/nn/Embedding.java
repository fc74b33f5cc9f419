// Looks up a learned vector per integer id.
package dev.vela.nn;

import dev.vela.DType;
import dev.vela.Tensor;

import java.util.Map;

/** {@code new Embedding(10000, 64)}: ids of shape (batch, n) to vectors (batch, n, 64). */
public class Embedding extends Layer {
    final int inputDim, outputDim;

    public Embedding(int inputDim, int outputDim) {
        this.inputDim = inputDim;
        this.outputDim = outputDim;
    }

    @Override
    protected void build(int[][] s) {
        addWeight("embeddings", new int[] {inputDim, outputDim}, Initializers.randomUniform(-0.05, 0.05), null, true);
    }

    @Override
    protected Tensor call(Tensor x, boolean training) {
        Tensor ids = x.dtype() == DType.INT32 || x.dtype() == DType.INT64 ? x : x.to(DType.INT64);
        return w(0, x).gather(ids, 0);
    }

    @Override
    public int[] outputShape(int[][] s) {
        int[] r = new int[s[0].length + 1];
        System.arraycopy(s[0], 0, r, 0, s[0].length);
        r[s[0].length] = outputDim;
        return r;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("input_dim", inputDim);
        c.put("output_dim", outputDim);
        return c;
    }
}
