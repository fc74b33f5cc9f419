// Saving and loading models: the architecture as JSON and the weights and optimizer state as safetensors.
package dev.vela.nn;

import dev.vela.Tensor;
import dev.vela.nn.io.MiniJson;
import dev.vela.nn.io.Safetensors;
import dev.vela.optim.Optimizer;
import dev.vela.optim.Optimizers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One file per model: a safetensors file whose tensors are the weights ({@code layer/weight}) and the
 * optimizer state ({@code optimizer/...}), and whose metadata holds the architecture, the optimizer's
 * configuration and the loss and metrics as JSON. Python's safetensors reads the weights as they are.
 * Writes are atomic; a truncated or corrupted file fails to load with a message and changes nothing.
 */
final class ModelIO {
    static final String FORMAT = "vela-model-1";

    private ModelIO() {}

    // ------------------------------------------------------------------ save

    static void save(Model m, Path p) {
        m.ensureBuilt();
        Map<String, Tensor> tensors = weightTensors(m);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("architecture", MiniJson.write(architecture(m)));
        if (m.optimizer != null) {
            meta.put("optimizer", MiniJson.write(m.optimizer.getConfig()));
            meta.put("loss", m.loss.name());
            List<Object> ms = new ArrayList<>();
            for (Metrics.Metric x : m.metrics) ms.add(x.name());
            meta.put("metrics", MiniJson.write(ms));
            meta.put("eager", Boolean.toString(m.eager));
            for (Map.Entry<String, Tensor> e : m.optimizer.state().entrySet()) tensors.put("optimizer/" + e.getKey(), e.getValue());
        }
        write(p, tensors, meta);
    }

    static void saveWeights(Model m, Path p) {
        m.ensureBuilt();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT + "-weights");
        write(p, weightTensors(m), meta);
    }

    private static void write(Path p, Map<String, Tensor> tensors, Map<String, String> meta) {
        try {
            Safetensors.write(p, tensors, meta);
        } catch (IOException e) {
            throw new UncheckedIOException("save: cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Tensor> weightTensors(Model m) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (Layer l : m.layers()) {
            for (int i = 0; i < l.weights.size(); i++) t.put(weightKey(l, i), l.weights.get(i).getValue());
        }
        return t;
    }

    private static String weightKey(Layer l, int i) {
        String n = l.weights.get(i).name();
        return n != null ? n : l.name() + "/" + i;
    }

    private static Map<String, Object> architecture(Model m) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("class_name", m instanceof Sequential ? "Sequential" : "Model");
        Map<Tensor, String> names = new IdentityHashMap<>();
        List<Object> ins = new ArrayList<>();
        for (int i = 0; i < m.inputs.size(); i++) {
            String n = "input_" + i;
            names.put(m.inputs.get(i), n);
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("name", n);
            in.put("shape", Layer.batchShape(java.util.Arrays.copyOfRange(m.inputs.get(i).dims(), 1, m.inputs.get(i).rank())));
            ins.add(in);
        }
        List<Object> layers = new ArrayList<>();
        for (Model.Node n : m.nodes) {
            String out = n.layer().name() + ":" + layers.size();
            names.put(n.output(), out);
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("class_name", n.layer().className());
            l.put("config", n.layer().getConfig());
            List<Object> inbound = new ArrayList<>();
            for (Tensor t : n.inputs()) inbound.add(names.get(t));
            l.put("inbound", inbound);
            l.put("output", out);
            layers.add(l);
        }
        List<Object> outs = new ArrayList<>();
        for (Tensor o : m.outputs) outs.add(names.get(o));
        a.put("inputs", ins);
        a.put("layers", layers);
        a.put("outputs", outs);
        return a;
    }

    // ------------------------------------------------------------------ load

    private static Map<String, Tensor> read(Path p) {
        try {
            return Safetensors.read(p);
        } catch (IOException e) {
            throw new UncheckedIOException("load: cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> readMeta(Path p) {
        try {
            return Safetensors.readMetadata(p);
        } catch (IOException e) {
            throw new UncheckedIOException("load: cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** Loads every layer weight by name; all names and shapes are checked before anything changes. */
    static void loadWeights(Model m, Path p) {
        m.ensureBuilt();
        Map<String, Tensor> t = read(p);
        List<List<Tensor>> per = new ArrayList<>();
        for (Layer l : m.layers()) {
            List<Tensor> ws = new ArrayList<>();
            for (int i = 0; i < l.weights.size(); i++) {
                String k = weightKey(l, i);
                Tensor v = t.get(k);
                if (v == null) {
                    throw new IllegalArgumentException("loadWeights: " + p + " has no tensor '" + k + "' (it has "
                            + t.keySet().stream().filter(s -> !s.startsWith("optimizer/")).toList() + "); nothing was changed");
                }
                ws.add(v);
            }
            per.add(ws);
        }
        m.setLayerWeights(per);
    }

    @SuppressWarnings("unchecked")
    static Model load(Path p) {
        Map<String, String> meta = readMeta(p);
        if (!FORMAT.equals(meta.get("format"))) {
            throw new IllegalArgumentException("load: " + p + " is not a saved Vela model (format '" + meta.get("format")
                    + "'; use loadWeights for a weights file)");
        }
        Map<String, Object> arch = (Map<String, Object>) MiniJson.parse(meta.get("architecture"));
        Model m = build(arch, p);
        if (meta.containsKey("optimizer")) {
            Optimizer opt = Optimizers.fromConfig((Map<String, Object>) MiniJson.parse(meta.get("optimizer")));
            List<Object> ms = (List<Object>) MiniJson.parse(meta.get("metrics"));
            m.compile(opt, meta.get("loss"), ms.stream().map(String::valueOf).toArray(String[]::new));
            m.eager(Boolean.parseBoolean(meta.get("eager")));
        }
        Map<String, Tensor> t = read(p);
        loadWeights(m, p);
        if (m.optimizer != null) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : t.entrySet()) {
                if (e.getKey().startsWith("optimizer/")) state.put(e.getKey().substring("optimizer/".length()), e.getValue());
            }
            if (!state.isEmpty()) m.optimizer.loadState(state);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Model build(Map<String, Object> arch, Path p) {
        List<Object> ins = (List<Object>) arch.get("inputs");
        List<Object> layers = (List<Object>) arch.get("layers");
        if (ins == null || layers == null) throw new IllegalArgumentException("load: " + p + " has an incomplete architecture");
        if ("Sequential".equals(arch.get("class_name"))) {
            Sequential s = new Sequential();
            boolean first = true;
            for (Object o : layers) {
                Map<String, Object> l = (Map<String, Object>) o;
                Layer layer = layerFrom((String) l.get("class_name"), (Map<String, Object>) l.get("config"));
                if (first && layer.inputShape == null) {
                    layer.inputShape(shapeOf(((Map<String, Object>) ins.get(0)).get("shape")));
                }
                first = false;
                s.add(layer);
            }
            return s;
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<Tensor> inputs = new ArrayList<>();
        for (Object o : ins) {
            Map<String, Object> in = (Map<String, Object>) o;
            Tensor t = Input.of(shapeOf(in.get("shape")));
            tensors.put((String) in.get("name"), t);
            inputs.add(t);
        }
        for (Object o : layers) {
            Map<String, Object> l = (Map<String, Object>) o;
            Layer layer = layerFrom((String) l.get("class_name"), (Map<String, Object>) l.get("config"));
            List<Tensor> args = new ArrayList<>();
            for (Object n : (List<Object>) l.get("inbound")) args.add(tensors.get((String) n));
            tensors.put((String) l.get("output"), layer.apply(args));
        }
        List<Tensor> outs = new ArrayList<>();
        for (Object n : (List<Object>) arch.get("outputs")) outs.add(tensors.get((String) n));
        return new Model(inputs, outs);
    }

    /** A batch shape list [null, d1, d2, ...] to the per-sample dims. */
    private static int[] shapeOf(Object o) {
        List<Object> l = (List<Object>) o;
        int[] r = new int[l.size() - 1];
        for (int i = 1; i < l.size(); i++) r[i - 1] = ((Number) l.get(i)).intValue();
        return r;
    }

    private static int num(Map<String, Object> c, String k) { return ((Number) c.get(k)).intValue(); }

    private static int[] pair(Map<String, Object> c, String k) {
        List<Object> l = (List<Object>) c.get(k);
        return new int[] {((Number) l.get(0)).intValue(), ((Number) l.get(1)).intValue()};
    }

    @SuppressWarnings("unchecked")
    static Layer layerFrom(String cls, Map<String, Object> c) {
        Layer l = switch (cls) {
            case "Dense" -> new Dense(num(c, "units"), (String) c.get("activation"), (Boolean) c.get("use_bias"))
                    .kernelRegularizer(Regularizers.fromConfig(c.get("kernel_regularizer"), "layer '" + c.get("name") + "'"))
                    .biasRegularizer(Regularizers.fromConfig(c.get("bias_regularizer"), "layer '" + c.get("name") + "'"));
            case "Activation" -> new Activation((String) c.get("activation"));
            case "Dropout" -> new Dropout(((Number) c.get("rate")).doubleValue());
            case "Flatten" -> new Flatten();
            case "Reshape" -> new Reshape(((List<Object>) c.get("target_shape")).stream().mapToInt(x -> ((Number) x).intValue()).toArray());
            case "Conv2D" -> {
                int[] k = pair(c, "kernel_size"), s = pair(c, "strides");
                yield new Conv2D(num(c, "filters"), k[0], k[1], (String) c.get("activation")).strides(s[0], s[1])
                        .padding((String) c.get("padding")).useBias((Boolean) c.get("use_bias"))
                        .kernelRegularizer(Regularizers.fromConfig(c.get("kernel_regularizer"), "layer '" + c.get("name") + "'"));
            }
            case "MaxPooling2D" -> new MaxPooling2D(pair(c, "pool_size"), pair(c, "strides"), (String) c.get("padding"));
            case "AveragePooling2D" -> new AveragePooling2D(pair(c, "pool_size"), pair(c, "strides"), (String) c.get("padding"));
            case "BatchNormalization" -> new BatchNormalization(((Number) c.get("momentum")).doubleValue(), ((Number) c.get("epsilon")).doubleValue());
            case "Embedding" -> new Embedding(num(c, "input_dim"), num(c, "output_dim"));
            case "Concatenate" -> new Concatenate(c.containsKey("axis") ? num(c, "axis") : -1);
            case "Add" -> new Add();
            default -> throw new IllegalArgumentException("load: unknown layer class '" + cls + "'");
        };
        l.name((String) c.get("name"));
        if (c.get("trainable") instanceof Boolean b) l.trainable(b);
        if (c.get("batch_input_shape") != null) l.inputShape(shapeOf(c.get("batch_input_shape")));
        return l;
    }
}
