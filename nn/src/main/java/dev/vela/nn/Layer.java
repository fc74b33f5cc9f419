// The base of every layer: weights as K.variables, building on first use, eager and graph calls.
package dev.vela.nn;

import dev.vela.K;
import dev.vela.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A layer: a function of its inputs with weights. Weights are {@code K.variable}s, so a model's graph reads
 * their current values; for eager training each weight also has a plain view sharing its storage,
 * which the tape differentiates and the optimizer updates in place.
 * <pre>{@code
 * Dense d = new Dense(4, "relu");
 * Tensor y = d.apply(Tensor.randn(2, 3));   // builds a (3, 4) kernel, then computes eagerly
 * }</pre>
 */
public abstract class Layer {
    private static final Map<String, AtomicInteger> NAMES = new ConcurrentHashMap<>();
    /** Functional-API bookkeeping: which layer produced which symbolic tensor, from which inputs. */
    static final Map<Tensor, Call> CALLS = Collections.synchronizedMap(new WeakHashMap<>());

    record Call(Layer layer, List<Tensor> inputs) {}

    protected String name;
    int[] inputShape;                 // without the batch dimension, when declared on a first layer
    boolean built;
    boolean trainable = true;
    final List<Tensor> weights = new ArrayList<>();
    final List<Tensor> views = new ArrayList<>();
    final List<Boolean> weightTrainable = new ArrayList<>();
    final List<Regularizers.Regularizer> regularizers = new ArrayList<>();
    /** Update pairs made by the last graph call in training mode (e.g. batch-norm moving statistics). */
    final List<K.Update> pendingUpdates = new ArrayList<>();

    protected Layer() {
        String base = snake(getClass().getSimpleName());
        int n = NAMES.computeIfAbsent(base, k -> new AtomicInteger()).incrementAndGet();
        this.name = base + "_" + n;
    }

    static String snake(String s) {
        return s.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("([A-Z])([A-Z][a-z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Resets the automatic layer names (dense_1, dense_2, ...), as a new Keras session would. */
    public static void resetNames() { NAMES.clear(); }

    public String name() { return name; }

    public Layer name(String n) {
        this.name = n;
        return this;
    }

    /** Declares the input shape (without the batch dimension) of a model's first layer. */
    public Layer inputShape(int... shape) {
        this.inputShape = shape.clone();
        return this;
    }

    /** Declares a 1-D input of {@code n} features. */
    public Layer inputDim(int n) { return inputShape(n); }

    public int[] declaredInputShape() { return inputShape == null ? null : inputShape.clone(); }

    public boolean isTrainable() { return trainable; }

    public Layer trainable(boolean t) {
        trainable = t;
        return this;
    }

    public String className() { return getClass().getSimpleName(); }

    // ------------------------------------------------------------------ weights

    /** Creates a weight (a K.variable) initialised by {@code init}. */
    protected Tensor addWeight(String wname, int[] shape, Initializers.Initializer init, Regularizers.Regularizer reg,
                               boolean isTrainable) {
        Tensor v = K.variable(init.init(shape), name + "/" + wname);
        weights.add(v);
        Tensor view = v.detach();
        if (isTrainable) view.requiresGrad(true);
        views.add(view);
        weightTrainable.add(isTrainable);
        regularizers.add(reg);
        return v;
    }

    /** Weight i as the computation needs it: the variable inside a graph, its plain view in eager mode. */
    protected Tensor w(int i, Tensor like) { return like.isSymbolic() || like.isVariable() ? weights.get(i) : views.get(i); }

    public List<Tensor> weightVariables() { return Collections.unmodifiableList(weights); }

    /** Trainable variables (graph form). */
    public List<Tensor> trainableVariables() {
        List<Tensor> r = new ArrayList<>();
        if (!trainable) return r;
        for (int i = 0; i < weights.size(); i++) if (weightTrainable.get(i)) r.add(weights.get(i));
        return r;
    }

    /** Trainable plain views (eager form), in the same order as {@link #trainableVariables()}. */
    public List<Tensor> trainableViews() {
        List<Tensor> r = new ArrayList<>();
        if (!trainable) return r;
        for (int i = 0; i < weights.size(); i++) if (weightTrainable.get(i)) r.add(views.get(i));
        return r;
    }

    /** Copies of the weights' values, in creation order. */
    public List<Tensor> getWeights() {
        List<Tensor> r = new ArrayList<>();
        for (Tensor v : weights) r.add(v.getValue());
        return r;
    }

    /** Sets every weight (same count and shapes, checked before anything changes). */
    public void setWeights(List<Tensor> values) {
        if (values.size() != weights.size()) {
            throw new IllegalArgumentException("setWeights: layer '" + name + "' has " + weights.size() + " weights, got "
                    + values.size());
        }
        for (int i = 0; i < values.size(); i++) {
            if (!values.get(i).shape().equals(weights.get(i).shape())) {
                throw new IllegalArgumentException("setWeights: layer '" + name + "' weight " + i + " has shape "
                        + weights.get(i).shape() + ", got " + values.get(i).shape() + "; nothing was changed");
            }
        }
        for (int i = 0; i < values.size(); i++) weights.get(i).setValue(values.get(i));
    }

    public long countParams() {
        long n = 0;
        for (Tensor v : weights) n += v.size();
        return n;
    }

    /** Sum of the regularization penalties (null when there are none), in the form {@code like} needs. */
    Tensor regularizationLoss(Tensor like) {
        Tensor s = null;
        for (int i = 0; i < weights.size(); i++) {
            if (regularizers.get(i) == null) continue;
            Tensor p = regularizers.get(i).penalty(w(i, like));
            s = s == null ? p : s.add(p);
        }
        return s;
    }

    // ------------------------------------------------------------------ calling

    /** Applies the layer (functional API or eager use). Builds it on first use from the input shape. */
    public Tensor apply(Tensor x) { return apply(List.of(x)); }

    public Tensor apply(List<Tensor> xs) {
        Tensor out = forward(xs, false);
        if (out.isSymbolic()) {
            // a layer that is the identity at inference (Dropout, a linear Activation) returns its input: give its
            // output a node of its own, or the graph would record the layer as producing its own input (a cycle)
            for (Tensor x : xs) {
                if (x == out) {
                    out = out.contiguous();
                    break;
                }
            }
            CALLS.put(out, new Call(this, List.copyOf(xs)));
        }
        return out;
    }

    /** Builds if needed and computes, in training or inference mode. */
    Tensor forward(List<Tensor> xs, boolean training) {
        int[][] shapes = new int[xs.size()][];
        for (int i = 0; i < shapes.length; i++) shapes[i] = xs.get(i).dims();
        if (!built) {
            build(shapes);
            built = true;
        }
        return call(xs, training);
    }

    /** Creates the weights for inputs of these shapes (batch dimension included, -1 when unknown). */
    protected void build(int[][] inputShapes) {}

    /** The computation; single-input layers override {@link #call(Tensor, boolean)} instead. */
    protected Tensor call(List<Tensor> inputs, boolean training) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException(className() + " '" + name + "': expects one input, got " + inputs.size());
        }
        return call(inputs.get(0), training);
    }

    protected Tensor call(Tensor x, boolean training) {
        throw new UnsupportedOperationException(className() + " does not implement call");
    }

    /** The output shape for inputs of these shapes (batch dimension -1). */
    public abstract int[] outputShape(int[][] inputShapes);

    /** Keras-style configuration (for saving the architecture). */
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("trainable", trainable);
        if (inputShape != null) c.put("batch_input_shape", batchShape(inputShape));
        return c;
    }

    static List<Integer> batchShape(int[] s) {
        List<Integer> r = new ArrayList<>();
        r.add(null);
        for (int d : s) r.add(d);
        return r;
    }

    static int[] withBatch(int[] s) {
        int[] r = new int[s.length + 1];
        r[0] = -1;
        System.arraycopy(s, 0, r, 1, s.length);
        return r;
    }

    @Override
    public String toString() { return className() + "('" + name + "', weights=" + weights.size() + ")"; }

    static String shapeText(int[] s) {
        return Arrays.toString(s).replace("[", "(").replace("]", s.length == 1 ? ",)" : ")").replace("-1", "None");
    }
}
