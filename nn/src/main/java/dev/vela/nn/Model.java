// Keras-style models: the functional graph of layers, compile/fit/evaluate/predict, summary, weights.
package dev.vela.nn;

import dev.vela.Autograd;
import dev.vela.DType;
import dev.vela.Generator;
import dev.vela.K;
import dev.vela.KFunction;
import dev.vela.Shape;
import dev.vela.Tensor;
import dev.vela.optim.Optimizer;
import dev.vela.optim.Optimizers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A model: inputs, layers and outputs. Training runs as one compiled {@code K.function} per step (forward,
 * loss, gradients and optimizer updates) by default, or eagerly on the tape with {@link #eager(boolean)};
 * both give the same numbers.
 * <pre>{@code
 * Tensor in = Input.of(2);
 * Tensor out = new Dense(1, "sigmoid").apply(new Dense(16, "relu").apply(in));
 * Model m = new Model(in, out);
 * m.compile("adam", "binary_crossentropy", "accuracy");
 * m.fit(x, y, new FitOptions().epochs(10));
 * }</pre>
 */
public class Model {
    protected List<Tensor> inputs = new ArrayList<>();
    protected List<Tensor> outputs = new ArrayList<>();
    /** Layer applications in topological order. */
    protected final List<Node> nodes = new ArrayList<>();
    protected String name = "model";

    Optimizer optimizer;
    LossFunctions.Loss loss;
    final List<Metrics.Metric> metrics = new ArrayList<>();
    boolean eager;
    volatile boolean stopTraining;
    private KFunction trainFn, testFn, predictFn;

    record Node(Layer layer, List<Tensor> inputs, Tensor output) {}

    protected Model() {}

    public Model(Tensor input, Tensor output) { this(List.of(input), List.of(output)); }

    /** A functional model from Input tensors to outputs built by applying layers. */
    public Model(List<Tensor> inputs, List<Tensor> outputs) {
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        trace();
    }

    /** Recovers the layer graph from the outputs back to the inputs. */
    protected void trace() {
        nodes.clear();
        Set<Tensor> inputSet = Collections.newSetFromMap(new IdentityHashMap<>());
        inputSet.addAll(inputs);
        Set<Tensor> done = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor o : outputs) visit(o, inputSet, done);
    }

    private void visit(Tensor t, Set<Tensor> inputSet, Set<Tensor> done) {
        if (inputSet.contains(t) || done.contains(t)) return;
        Layer.Call c = Layer.CALLS.get(t);
        if (c == null) {
            throw new IllegalArgumentException("Model: " + t + " is neither a model input nor the output of a layer;"
                    + " build outputs by applying layers to Input tensors");
        }
        for (Tensor in : c.inputs()) visit(in, inputSet, done);
        done.add(t);
        nodes.add(new Node(c.layer(), c.inputs(), t));
    }

    /** The distinct layers in order of first use. */
    public List<Layer> layers() {
        Set<Layer> s = new LinkedHashSet<>();
        for (Node n : nodes) s.add(n.layer());
        return new ArrayList<>(s);
    }

    public Layer getLayer(String layerName) {
        for (Layer l : layers()) if (l.name().equals(layerName)) return l;
        throw new IllegalArgumentException("getLayer: no layer named '" + layerName + "'; layers: "
                + layers().stream().map(Layer::name).toList());
    }

    public Layer getLayer(int index) { return layers().get(index); }

    /** Runs the layer graph on concrete or symbolic inputs. */
    List<Tensor> forward(List<Tensor> xs, boolean training) {
        Map<Tensor, Tensor> val = new IdentityHashMap<>();
        for (int i = 0; i < inputs.size(); i++) val.put(inputs.get(i), xs.get(i));
        for (Node n : nodes) {
            List<Tensor> ins = new ArrayList<>();
            for (Tensor t : n.inputs()) ins.add(val.get(t));
            val.put(n.output(), n.layer().forward(ins, training));
        }
        List<Tensor> r = new ArrayList<>();
        for (Tensor o : outputs) r.add(val.get(o));
        return r;
    }

    // ================================================================== compile

    /** Compiles with an optimizer (an {@link Optimizer} or a Keras name), a loss name and metric names. */
    public void compile(Object optimizer, String loss, String... metrics) {
        Optimizer opt = optimizer instanceof Optimizer o ? o : Optimizers.get(String.valueOf(optimizer));
        LossFunctions.Loss l = LossFunctions.get(loss);
        List<Metrics.Metric> ms = new ArrayList<>();
        for (String m : metrics) ms.add(Metrics.get(m, l.name()));
        ensureBuilt();
        this.optimizer = opt;
        this.loss = l;
        this.metrics.clear();
        this.metrics.addAll(ms);
        trainFn = testFn = predictFn = null;
    }

    /** Train on the tape, op by op, instead of through a compiled function. */
    public Model eager(boolean e) {
        eager = e;
        return this;
    }

    protected void ensureBuilt() {}

    /** Forgets the compiled functions (the layer graph changed). */
    void invalidateFunctions() { trainFn = testFn = predictFn = null; }

    public Optimizer optimizer() { return optimizer; }

    public void setLearningRate(double lr) { requireCompiled("setLearningRate"); optimizer.learningRate(lr); }

    public double getLearningRate() { requireCompiled("getLearningRate"); return optimizer.currentLearningRate(); }

    private void requireCompiled(String op) {
        if (optimizer == null) throw new IllegalStateException(op + ": compile the model first");
    }

    /**
     * The names in the logs: "loss", then the metrics. With several outputs, as Keras: "loss" (the sum), each
     * output's "<layer>_loss", then "<layer>_<metric>" for each output and metric.
     */
    public List<String> metricsNames() {
        List<String> r = new ArrayList<>();
        r.add("loss");
        if (outputs.size() <= 1) {
            for (Metrics.Metric m : metrics) r.add(m.name());
            return r;
        }
        for (int i = 0; i < outputs.size(); i++) r.add(outputName(i) + "_loss");
        for (int i = 0; i < outputs.size(); i++) for (Metrics.Metric m : metrics) r.add(outputName(i) + "_" + m.name());
        return r;
    }

    private String outputName(int i) {
        for (Node n : nodes) if (n.output() == outputs.get(i)) return n.layer().name();
        return "output_" + i;
    }

    // ================================================================== functions

    private List<Tensor> targets;
    private Tensor sampleWeights;

    /** [total loss, (per-output losses when several), metrics...], in the order of {@link #metricsNames()}. */
    private List<Tensor> lossAndMetrics(List<Tensor> outs, List<Tensor> ys, Tensor sw, Tensor like) {
        Tensor total = null;
        List<Tensor> perOutput = new ArrayList<>();
        for (int i = 0; i < outs.size(); i++) {
            Tensor l = loss.fn().apply(ys.get(i), outs.get(i)).mul(sw).mean();
            perOutput.add(l);
            total = total == null ? l : total.add(l);
        }
        for (Layer layer : layers()) {
            Tensor r = layer.regularizationLoss(like);
            if (r != null) total = total.add(r);
        }
        List<Tensor> r = new ArrayList<>();
        r.add(total);
        if (outs.size() > 1) r.addAll(perOutput);
        for (int i = 0; i < outs.size(); i++) {
            for (Metrics.Metric m : metrics) r.add(m.fn().apply(ys.get(i), outs.get(i)).mean());
        }
        return r;
    }

    private int[] trainYRanks;

    private void buildFunctions(int[] yRanks) {
        if (trainFn != null && java.util.Arrays.equals(yRanks, trainYRanks)) return;
        targets = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            int[] s = new int[yRanks[i]];
            java.util.Arrays.fill(s, -1);
            int[] out = outputs.get(i).dims();
            if (yRanks[i] == out.length) for (int d = 1; d < yRanks[i]; d++) s[d] = out[d]; // targets shaped like the output
            targets.add(K.placeholder("target_" + i, s));
        }
        sampleWeights = K.placeholder("sample_weights", -1);
        List<Tensor> fnIn = new ArrayList<>(inputs);
        fnIn.addAll(targets);
        fnIn.add(sampleWeights);
        for (Layer l : layers()) l.pendingUpdates.clear();
        List<Tensor> trainOut = forward(inputs, true);
        List<Tensor> trainLm = lossAndMetrics(trainOut, targets, sampleWeights, inputs.get(0));
        List<Tensor> params = trainableVariables();
        List<K.Update> updates = new ArrayList<>(optimizer.updates(trainLm.get(0), params));
        for (Layer l : layers()) updates.addAll(l.pendingUpdates);
        // stepCompiled reads the outputs' values at once: no need to copy them out of the functions' buffers
        trainFn = K.function(fnIn, trainLm, updates).reuseOutputs(true);
        List<Tensor> testOut = forward(inputs, false);
        testFn = K.function(fnIn, lossAndMetrics(testOut, targets, sampleWeights, inputs.get(0))).reuseOutputs(true);
        trainYRanks = yRanks.clone();
    }

    private KFunction predictFunction() {
        if (predictFn == null) {
            ensureBuilt();
            predictFn = K.function(inputs, forward(inputs, false));
        }
        return predictFn;
    }

    /** Trainable variables of every layer (graph form). */
    public List<Tensor> trainableVariables() {
        List<Tensor> r = new ArrayList<>();
        for (Layer l : layers()) r.addAll(l.trainableVariables());
        return r;
    }

    private List<Tensor> trainableViews() {
        List<Tensor> r = new ArrayList<>();
        for (Layer l : layers()) r.addAll(l.trainableViews());
        return r;
    }

    // ================================================================== batches

    /** How many values a step reports: {@code metricsNames().size()}, without building the list. */
    private int valueCount() {
        return outputs.size() <= 1 ? 1 + metrics.size() : 1 + outputs.size() * (1 + metrics.size());
    }

    private void stepCompiled(List<Tensor> xs, List<Tensor> ys, Tensor sw, boolean train, double[] out) {
        if (!builtFor(ys)) {
            int[] ranks = new int[ys.size()];
            for (int i = 0; i < ranks.length; i++) ranks[i] = ys.get(i).rank();
            buildFunctions(ranks);
        }
        int n = xs.size() + ys.size() + 1;
        Object[] args = callArgs != null && callArgs.length == n ? callArgs : (callArgs = new Object[n]);
        try {
            for (int i = 0; i < xs.size(); i++) args[i] = xs.get(i);
            for (int i = 0; i < ys.size(); i++) args[xs.size() + i] = ys.get(i);
            args[n - 1] = sw;
            List<Tensor> r = (train ? trainFn : testFn).call(args);
            for (int i = 0; i < out.length; i++) out[i] = r.get(i).item();
        } finally {
            Arrays.fill(args, null); // hold no batch between steps
        }
    }

    /** Whether the compiled functions were built for labels of these ranks (what buildFunctions checks). */
    private boolean builtFor(List<Tensor> ys) {
        if (trainFn == null || trainYRanks.length != ys.size()) return false;
        for (int i = 0; i < trainYRanks.length; i++) if (trainYRanks[i] != ys.get(i).rank()) return false;
        return true;
    }

    /** stepCompiled's argument array, kept between steps. */
    private Object[] callArgs;

    /** A weight of 1 per sample; the last one made is kept (not exposed, never written), as most batches have one size. */
    private Tensor unitWeights(int n) {
        Tensor w = unitWeights;
        if (w == null || w.size() != n) unitWeights = w = Tensor.ones(n);
        return w;
    }

    private Tensor unitWeights;

    private void stepEager(List<Tensor> xs, List<Tensor> ys, Tensor sw, boolean train, double[] out) {
        if (!train) {
            try (var ng = Autograd.noGrad()) {
                items(lossAndMetrics(forward(xs, false), ys, sw, xs.get(0)), out);
                return;
            }
        }
        List<Tensor> params = trainableViews();
        List<Tensor> lm = lossAndMetrics(forward(xs, true), ys, sw, xs.get(0));
        lm.get(0).backward();
        optimizer.step(params);
        for (Tensor p : params) p.zeroGrad();
        items(lm, out);
    }

    private static void items(List<Tensor> ts, double[] out) {
        for (int i = 0; i < out.length; i++) out[i] = ts.get(i).item();
    }

    /** One step on one batch; writes [loss, metrics...] (the order of {@link #metricsNames()}) into out. */
    private void step(List<Tensor> xs, List<Tensor> ys, Tensor sw, boolean train, double[] out) {
        if (eager) stepEager(xs, ys, sw, train, out);
        else stepCompiled(xs, ys, sw, train, out);
    }

    /** {@link #step} into a new array. */
    private double[] step(List<Tensor> xs, List<Tensor> ys, Tensor sw, boolean train) {
        double[] out = new double[valueCount()];
        step(xs, ys, sw, train, out);
        return out;
    }

    /** {@link #floats}, or the list itself when it holds float32 tensors only (for callers that just read it). */
    private static List<Tensor> asFloats(List<Tensor> ts) {
        // indexed loops here and in checkData: they run on every batch, and a for-each's iterator is not always
        // optimised away (over onBatch's sub-lists it never was: 64 bytes per loop)
        for (int i = 0; i < ts.size(); i++) if (ts.get(i).dtype() != DType.FLOAT32) return floats(ts);
        return ts;
    }

    private static List<Tensor> floats(List<Tensor> ts) {
        List<Tensor> r = new ArrayList<>();
        for (Tensor t : ts) r.add(t.to(DType.FLOAT32));
        return r;
    }

    private static List<Tensor> rows(List<Tensor> ts, int start, int end) {
        List<Tensor> r = new ArrayList<>();
        for (Tensor t : ts) r.add(t.slice(0, start, end));
        return r;
    }

    private static List<Tensor> rows(List<Tensor> ts, Tensor index) {
        List<Tensor> r = new ArrayList<>();
        for (Tensor t : ts) r.add(t.gather(index, 0));
        return r;
    }

    /** One gradient step on one batch; returns [loss, metrics...]. */
    public List<Double> trainOnBatch(Tensor x, Tensor y) { return trainOnBatch(List.of(x), List.of(y)); }

    /**
     * One gradient step on one batch, for loops that call it per batch: writes the loss and the metrics (the order
     * of {@link #metricsNames()}) into {@code results} and returns the loss. {@code results} may be null when the
     * loss is all that is wanted. A compiled model's warm step allocates nothing on this path (the list that
     * {@link #trainOnBatch(Tensor, Tensor)} returns costs a few hundred bytes per call).
     */
    public double trainOnBatch(Tensor x, Tensor y, double[] results) { return onBatch("trainOnBatch", x, y, results, true); }

    /** {@link #testOnBatch(Tensor, Tensor)} into {@code results} (or null), returning the loss; see {@link #trainOnBatch(Tensor, Tensor, double[])}. */
    public double testOnBatch(Tensor x, Tensor y, double[] results) { return onBatch("testOnBatch", x, y, results, false); }

    private double onBatch(String op, Tensor x, Tensor y, double[] results, boolean train) {
        requireCompiled(op);
        int n = valueCount();
        if (results != null && results.length != n) {
            throw new IllegalArgumentException(op + ": results has length " + results.length + " but the model reports "
                    + n + " value(s) " + metricsNames());
        }
        double[] out = results;
        if (out == null) {
            out = lossOnly;
            if (out == null || out.length != n) lossOnly = out = new double[n];
        }
        Tensor[] one = singleBatch; // the one-tensor lists, kept between calls and emptied after each
        try {
            one[0] = x;
            one[1] = y;
            checkData(op, singleX, singleY);
            step(asFloats(singleX), asFloats(singleY), unitWeights(x.shape().dim(0)), train, out);
            return out[0];
        } finally {
            one[0] = one[1] = null;
        }
    }

    /** onBatch's scratch: x and y as one-element lists (views of the array), and the values when results is null. */
    private final Tensor[] singleBatch = new Tensor[2];
    private final List<Tensor> singleX = Arrays.asList(singleBatch).subList(0, 1), singleY = Arrays.asList(singleBatch).subList(1, 2);
    private double[] lossOnly;

    /** One gradient step for a model with several inputs and outputs. */
    public List<Double> trainOnBatch(List<Tensor> xs, List<Tensor> ys) {
        requireCompiled("trainOnBatch");
        checkData("trainOnBatch", xs, ys);
        return toList(step(asFloats(xs), asFloats(ys), unitWeights(xs.get(0).shape().dim(0)), true));
    }

    /** Loss and metrics on one batch, without updating anything. */
    public List<Double> testOnBatch(Tensor x, Tensor y) { return testOnBatch(List.of(x), List.of(y)); }

    public List<Double> testOnBatch(List<Tensor> xs, List<Tensor> ys) {
        requireCompiled("testOnBatch");
        checkData("testOnBatch", xs, ys);
        return toList(step(asFloats(xs), asFloats(ys), unitWeights(xs.get(0).shape().dim(0)), false));
    }

    private static List<Double> toList(double[] d) {
        List<Double> r = new ArrayList<>(d.length);
        for (double v : d) r.add(v);
        return r;
    }

    private void checkData(String op, List<Tensor> xs, List<Tensor> ys) {
        if (xs.size() != inputs.size()) {
            throw new IllegalArgumentException(op + ": the model has " + inputs.size() + " input(s), got " + xs.size() + " x tensor(s)");
        }
        if (ys.size() != outputs.size()) {
            throw new IllegalArgumentException(op + ": the model has " + outputs.size() + " output(s), got " + ys.size() + " y tensor(s)");
        }
        Tensor x0 = xs.get(0);
        for (int i = 0; i < xs.size(); i++) if (xs.get(i).rank() == 0) throw new IllegalArgumentException(op + ": x and y need a batch dimension");
        for (int i = 0; i < ys.size(); i++) if (ys.get(i).rank() == 0) throw new IllegalArgumentException(op + ": x and y need a batch dimension");
        // shapes read through Shape (Tensor.dims() copies): this runs on every batch
        int n0 = x0.shape().dim(0);
        for (int i = 0; i < xs.size(); i++) {
            if (xs.get(i).shape().dim(0) != n0) {
                throw new IllegalArgumentException(op + ": input 0 has " + n0 + " samples but input " + i + " has "
                        + xs.get(i).shape().dim(0));
            }
            checkInput(op, i, xs.get(i));
        }
        for (int k = 0; k < ys.size(); k++) {
            Tensor y = ys.get(k);
            if (n0 != y.shape().dim(0)) {
                throw new IllegalArgumentException(op + ": x has " + n0 + " samples but y has " + y.shape().dim(0)
                        + " (shapes " + x0.shape() + " and " + y.shape() + ")");
            }
            Shape os = outputs.get(k).shape(), ysh = y.shape();
            int or = os.rank(), yr = ysh.rank();
            boolean sparse = loss.name().equals("sparse_categorical_crossentropy");
            boolean good;
            if (sparse) {
                good = yr == or - 1 || (yr == or && ysh.dim(yr - 1) == 1);
            } else {
                good = yr == or;
                for (int i = 1; good && i < or; i++) good = os.dim(i) < 0 || os.dim(i) == ysh.dim(i);
            }
            if (!good) {
                int[] out = outputShapeOf(k);
                int[] yd = y.dims();
                throw new IllegalArgumentException(op + ": labels of shape " + y.shape() + " do not fit the output shape "
                        + Layer.shapeText(out) + (ys.size() > 1 ? " of output " + k : "") + " for loss " + loss.name()
                        + (sparse ? " (expected class ids of shape (N,) or (N, 1))"
                        : out.length == 2 && yd.length == 1 ? " (one-hot encode them with Utils.toCategorical, or use sparse_categorical_crossentropy)" : ""));
            }
        }
    }

    /** Checks that {@code x} fits model input {@code i} (the batch dimension is free). */
    private void checkInput(String op, int i, Tensor x) {
        Shape in = inputs.get(i).shape(), xd = x.shape();
        boolean ok = xd.rank() == in.rank();
        for (int d = 1; ok && d < in.rank(); d++) ok = in.dim(d) < 0 || in.dim(d) == xd.dim(d);
        if (!ok) {
            throw new IllegalArgumentException(op + ": " + (inputs.size() > 1 ? "input " + i : "x") + " has shape " + x.shape()
                    + " but the model expects " + Layer.shapeText(inputShapeOf(i)));
        }
    }

    int[] inputShapeOf(int i) { return inputs.get(i).dims(); }

    int[] outputShapeOf(int i) { return outputs.get(i).dims(); }

    // ================================================================== fit / evaluate / predict

    /** Trains for {@code options.epochs} epochs; calling fit again continues from the current weights. */
    public History fit(Tensor x, Tensor y, FitOptions o) { return fit(List.of(x), List.of(y), o); }

    /** Fit for models with several inputs and outputs (one tensor per input and per output, same sample count). */
    public History fit(List<Tensor> x, List<Tensor> y, FitOptions o) {
        requireCompiled("fit");
        checkData("fit", x, y);
        List<Tensor> xf = floats(x), yf = floats(y);
        int n = x.get(0).dims()[0];
        List<Tensor> valX = o.valX == null ? null : List.of(o.valX), valY = o.valY == null ? null : List.of(o.valY);
        if (o.valXs != null) {
            valX = o.valXs;
            valY = o.valYs;
        }
        if (o.validationSplit > 0 && valX == null) {
            int split = (int) (n * (1 - o.validationSplit));
            valX = rows(xf, split, n);
            valY = rows(yf, split, n);
            xf = rows(xf, 0, split);
            yf = rows(yf, 0, split);
            n = split;
        }
        if (valX != null) {
            checkData("fit (validation data)", valX, valY);
            valX = floats(valX);
            valY = floats(valY);
        }
        if (o.verbose > 0 && valX != null) {
            System.out.println("Train on " + n + " samples, validate on " + valX.get(0).dims()[0] + " samples");
        }
        History history = new History();
        List<Callback> cbs = new ArrayList<>();
        if (o.verbose > 0) {
            ProgbarLogger p = new ProgbarLogger(o.verbose);
            p.configure(o.epochs, n);
            cbs.add(p);
        }
        cbs.addAll(o.callbacks);
        cbs.add(history); // last, as in Keras: it records what the other callbacks add to the logs (e.g. "lr")
        for (Callback c : cbs) c.setModel(this);
        Tensor weights = classWeights(yf.get(0), o.classWeight);
        stopTraining = false;
        Map<String, Double> none = new LinkedHashMap<>();
        for (Callback c : cbs) c.onTrainBegin(none);
        List<String> names = metricsNames();
        for (int epoch = o.initialEpoch; epoch < o.epochs && !stopTraining; epoch++) {
            for (Callback c : cbs) c.onEpochBegin(epoch, new LinkedHashMap<>());
            int[] order = o.shuffle ? Generator.defaultGenerator().permutation(n) : null;
            double[] sums = new double[names.size()];
            int seen = 0, batch = 0;
            for (int start = 0; start < n && !stopTraining; start += o.batchSize, batch++) {
                int end = Math.min(n, start + o.batchSize);
                List<Tensor> bx, by;
                Tensor bw;
                if (order == null) {
                    bx = rows(xf, start, end);
                    by = rows(yf, start, end);
                    bw = weights.slice(0, start, end);
                } else {
                    long[] idx = new long[end - start];
                    for (int i = start; i < end; i++) idx[i - start] = order[i];
                    Tensor it = Tensor.of(idx);
                    bx = rows(xf, it);
                    by = rows(yf, it);
                    bw = weights.gather(it, 0);
                }
                Map<String, Double> bl = new LinkedHashMap<>();
                bl.put("batch", (double) batch);
                bl.put("size", (double) (end - start));
                for (Callback c : cbs) c.onBatchBegin(batch, bl);
                double[] r = step(bx, by, bw, true);
                for (int i = 0; i < r.length; i++) {
                    bl.put(names.get(i), r[i]);
                    sums[i] += r[i] * (end - start);
                }
                seen += end - start;
                for (Callback c : cbs) c.onBatchEnd(batch, bl);
            }
            Map<String, Double> logs = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) logs.put(names.get(i), sums[i] / Math.max(1, seen));
            if (valX != null) {
                List<Double> v = evaluate(valX, valY, o.batchSize);
                for (int i = 0; i < names.size(); i++) logs.put("val_" + names.get(i), v.get(i));
            }
            for (Callback c : cbs) c.onEpochEnd(epoch, logs);
        }
        for (Callback c : cbs) c.onTrainEnd(new LinkedHashMap<>());
        return history;
    }

    private Tensor classWeights(Tensor y, Map<Integer, Double> cw) {
        int n = y.dims()[0];
        if (cw == null) return Tensor.ones(n);
        double[] cls;
        if (y.rank() >= 2 && y.dims()[y.rank() - 1] > 1) cls = y.argmax(-1).toDoubleArray();
        else cls = y.reshape(n).toDoubleArray();
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = cw.getOrDefault((int) Math.round(cls[i]), 1.0);
        return Tensor.fromArray(w, DType.FLOAT32, n);
    }

    /** Loss and metrics over the data, in batches, averaged by sample. */
    public List<Double> evaluate(Tensor x, Tensor y) { return evaluate(x, y, 32); }

    public List<Double> evaluate(Tensor x, Tensor y, int batchSize) { return evaluate(List.of(x), List.of(y), batchSize); }

    /** Evaluate for models with several inputs and outputs. */
    public List<Double> evaluate(List<Tensor> x, List<Tensor> y, int batchSize) {
        requireCompiled("evaluate");
        checkData("evaluate", x, y);
        if (batchSize <= 0) throw new IllegalArgumentException("evaluate: batchSize must be positive, got " + batchSize);
        List<Tensor> xf = floats(x), yf = floats(y);
        int n = x.get(0).dims()[0];
        double[] sums = new double[metricsNames().size()];
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            double[] r = step(rows(xf, start, end), rows(yf, start, end), Tensor.ones(end - start), false);
            for (int i = 0; i < r.length; i++) sums[i] += r[i] * (end - start);
        }
        List<Double> res = new ArrayList<>();
        for (double s : sums) res.add(s / Math.max(1, n));
        return res;
    }

    /** The model's output for every sample (first output for multi-output models), in batches of 32. */
    public Tensor predict(Tensor x) { return predict(x, 32); }

    public Tensor predict(Tensor x, int batchSize) { return predict(List.of(x), batchSize).get(0); }

    public List<Tensor> predict(List<Tensor> xs, int batchSize) {
        ensureBuilt();
        if (batchSize <= 0) throw new IllegalArgumentException("predict: batchSize must be positive, got " + batchSize);
        if (xs.size() != inputs.size()) {
            throw new IllegalArgumentException("predict: the model has " + inputs.size() + " inputs, got " + xs.size());
        }
        for (int i = 0; i < xs.size(); i++) {
            checkInput("predict", i, xs.get(i));
            if (xs.get(i).dims()[0] != xs.get(0).dims()[0]) {
                throw new IllegalArgumentException("predict: input 0 has " + xs.get(0).dims()[0] + " samples but input " + i
                        + " has " + xs.get(i).dims()[0]);
            }
        }
        List<Tensor> xf = new ArrayList<>();
        for (Tensor x : xs) xf.add(x.to(DType.FLOAT32));
        int n = xs.get(0).dims()[0];
        List<List<Tensor>> parts = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) parts.add(new ArrayList<>());
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            List<Tensor> bx = new ArrayList<>();
            for (Tensor x : xf) bx.add(x.slice(0, start, end));
            List<Tensor> r;
            if (eager) {
                try (var ng = Autograd.noGrad()) {
                    r = forward(bx, false);
                }
            } else {
                r = predictFunction().call(new ArrayList<Object>(bx));
            }
            for (int i = 0; i < r.size(); i++) parts.get(i).add(r.get(i));
        }
        List<Tensor> out = new ArrayList<>();
        for (List<Tensor> p : parts) out.add(p.isEmpty() ? Tensor.zeros(0) : Tensor.concatenate(p, 0));
        return out;
    }

    public Tensor predictProba(Tensor x) { return predict(x); }

    /** Class ids: argmax for several outputs per sample, {@code p > 0.5} for one. */
    public Tensor predictClasses(Tensor x) {
        Tensor p = predict(x);
        if (p.dims()[p.rank() - 1] > 1) return p.argmax(-1);
        return p.gt(0.5).to(DType.INT64);
    }

    // ================================================================== weights

    public List<Tensor> getWeights() {
        List<Tensor> r = new ArrayList<>();
        for (Layer l : layers()) r.addAll(l.getWeights());
        return r;
    }

    public void setWeights(List<Tensor> ws) {
        int total = 0;
        for (Layer l : layers()) total += l.weights.size();
        if (ws.size() != total) throw new IllegalArgumentException("setWeights: the model has " + total + " weights, got " + ws.size());
        int k = 0;
        List<List<Tensor>> per = new ArrayList<>();
        for (Layer l : layers()) {
            per.add(ws.subList(k, k + l.weights.size()));
            k += l.weights.size();
        }
        setLayerWeights(per);
    }

    List<List<Tensor>> layerWeights() {
        List<List<Tensor>> r = new ArrayList<>();
        for (Layer l : layers()) r.add(l.getWeights());
        return r;
    }

    void setLayerWeights(List<List<Tensor>> ws) {
        List<Layer> ls = layers();
        for (int i = 0; i < ls.size(); i++) { // validate everything before changing anything
            Layer l = ls.get(i);
            for (int j = 0; j < l.weights.size(); j++) {
                if (!ws.get(i).get(j).shape().equals(l.weights.get(j).shape())) {
                    throw new IllegalArgumentException("setWeights: layer '" + l.name() + "' weight " + j + " has shape "
                            + l.weights.get(j).shape() + ", got " + ws.get(i).get(j).shape() + "; nothing was changed");
                }
            }
        }
        for (int i = 0; i < ls.size(); i++) ls.get(i).setWeights(ws.get(i));
    }

    public long countParams() {
        long n = 0;
        for (Layer l : layers()) n += l.countParams();
        return n;
    }

    // ================================================================== summary

    /** Prints Keras's summary table and returns it. */
    public String summary() {
        ensureBuilt();
        String line = "_".repeat(65) + "\n", dline = "=".repeat(65) + "\n";
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"").append(name).append("\"\n").append(line);
        sb.append(summaryRow("Layer (type)", "Output Shape", "Param #"));
        sb.append(dline);
        long trainable = 0, total = 0;
        List<Layer> ls = layers();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            Layer l = n.layer();
            sb.append(summaryRow(l.name() + " (" + l.className() + ")", Layer.shapeText(n.output().dims()),
                    String.valueOf(l.countParams())));
            sb.append(i == nodes.size() - 1 ? dline : line);
        }
        for (Layer l : ls) {
            total += l.countParams();
            for (Tensor t : l.trainableVariables()) trainable += t.size();
        }
        sb.append(String.format(Locale.ROOT, "Total params: %,d\n", total));
        sb.append(String.format(Locale.ROOT, "Trainable params: %,d\n", trainable));
        sb.append(String.format(Locale.ROOT, "Non-trainable params: %,d\n", total - trainable));
        sb.append(line);
        System.out.print(sb);
        return sb.toString();
    }

    /** Keras's print_row: each field cut at its column's end (29, 55, 65), with a space before the next one. */
    private static String summaryRow(String... fields) {
        int[] ends = {29, 55, 65};
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) row.setCharAt(row.length() - 1, ' ');
            row.append(fields[i]);
            if (row.length() > ends[i]) row.setLength(ends[i]);
            while (row.length() < ends[i]) row.append(' ');
        }
        return row.append('\n').toString();
    }

    // ================================================================== save / load (see ModelIO)

    public void save(Path path) { ModelIO.save(this, path); }

    public void saveWeights(Path path) { ModelIO.saveWeights(this, path); }

    public void loadWeights(Path path) { ModelIO.loadWeights(this, path); }
}
