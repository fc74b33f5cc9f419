// A linear stack of layers; the first declares the input shape.
package dev.vela.nn;

import dev.vela.K;
import dev.vela.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * <pre>{@code
 * Sequential model = new Sequential();
 * model.add(new Dense(128).inputShape(60));
 * model.add(new Activation("relu"));
 * model.add(new Dense(10));
 * model.add(new Activation("softmax"));
 * model.summary();
 * }</pre>
 */
public class Sequential extends Model {
    private final List<Layer> stack = new ArrayList<>();

    public Sequential() { name = "sequential"; }

    public Sequential(Layer... layers) {
        this();
        for (Layer l : layers) add(l);
    }

    /**
     * Appends a layer. When the first layer declares its input shape the model is built at once, as Keras does,
     * so the weights exist (and take their random values) now; a layer that cannot take the previous output is
     * rejected here and the model stays as it was.
     */
    public Sequential add(Layer layer) {
        stack.add(layer);
        reset();
        if (stack.get(0).declaredInputShape() != null) {
            try {
                ensureBuilt();
            } catch (RuntimeException e) {
                stack.remove(stack.size() - 1);
                reset();
                if (!stack.isEmpty()) ensureBuilt();
                throw e;
            }
        }
        return this;
    }

    private void reset() {
        inputs = new ArrayList<>();
        outputs = new ArrayList<>();
        nodes.clear();
        invalidateFunctions();
    }

    public List<Layer> stackLayers() { return List.copyOf(stack); }

    @Override
    protected void ensureBuilt() {
        if (!nodes.isEmpty()) return;
        if (stack.isEmpty()) throw new IllegalStateException("Sequential: the model has no layers");
        int[] shape = stack.get(0).declaredInputShape();
        if (shape == null) {
            throw new IllegalStateException("Sequential: the first layer (" + stack.get(0).name()
                    + ") needs an input shape: call inputShape(...) or inputDim(n) on it");
        }
        Tensor in = K.placeholder(stack.get(0).name() + "_input", Layer.withBatch(shape));
        Tensor t = in;
        for (Layer l : stack) t = l.apply(t);
        inputs = List.of(in);
        outputs = List.of(t);
        trace();
    }

    @Override
    public List<Layer> layers() {
        ensureBuilt();
        return super.layers();
    }

    @Override
    int[] inputShapeOf(int i) {
        ensureBuilt();
        return super.inputShapeOf(i);
    }
}
