// Reproduces ../shared/oracle/train-public.json (an MLP trained by torch.optim) with every recorded optimizer, eager and symbolic.
package dev.vela.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vela.DType;
import dev.vela.K;
import dev.vela.KFunction;
import dev.vela.Losses;
import dev.vela.Tensor;
import dev.vela.testing.Json;
import dev.vela.testing.Oracle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * For each recorded run: an MLP D → H relu → K softmax with mean categorical cross-entropy, trained from
 * the recorded initial weights on minibatches of 16 in order for 3 epochs; the loss of every step and the
 * final weights must match torch's to 1e-6 relative in float64 (1e-4 relative + 1e-5 absolute in float32,
 * the oracle README's float32 tolerance), both eagerly (tape + {@code step}) and symbolically
 * ({@code K.function} with {@code updates}).
 *
 * <p>The file is the system property {@code vela.oracle.train} when set, else
 * {@code <shared>/oracle/train-public.json} ({@code vela.shared}, else {@code ../shared}). Run names such
 * as {@code rmsprop_lr0.01_alpha0.9_eps1e-7} are parsed: torch's defaults (the recording's) for what the
 * name does not say, then the named hyperparameters.
 */
class TrainOracleTest {
    static final String PROPERTY = "vela.oracle.train";
    static final double RTOL64 = 1e-6, ATOL64 = 1e-12;
    static final double RTOL32 = 1e-4, ATOL32 = 1e-5;
    static final int BATCH = 16, EPOCHS = 3;
    static final String[] PARAMS = {"W1", "b1", "W2", "b2"};

    static Path trainFile() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) return Path.of(p).toAbsolutePath().normalize();
        Path shared = Oracle.sharedDir();
        if (shared == null) shared = Oracle.sharedCandidates().get(0);
        return shared.resolve("oracle").resolve("train-public.json").toAbsolutePath().normalize();
    }

    /** The recorded data set and runs. */
    record Reference(Oracle.Array x, int[] y, int classes, Map<String, Oracle.Array> init, List<Run> runs) {}

    record Run(String optimizer, double[] losses, Map<String, Oracle.Array> fin) {}

    static Reference load(Path file) throws IOException {
        Map<String, Object> o = Json.parseObject(Files.readString(file));
        Oracle.Array x = Oracle.Array.fromJson(o.get("X"));
        int[] y = Json.asIntArray(o.get("y"));
        Map<String, Oracle.Array> init = arrays(Json.asObject(o.get("init")));
        int classes = init.get("W2").shape()[1];
        List<Run> runs = new ArrayList<>();
        for (Object r : Json.asList(o.get("runs"))) {
            Map<String, Object> m = Json.asObject(r);
            runs.add(new Run((String) m.get("optimizer"), Json.asDoubleArray(m.get("losses")), arrays(Json.asObject(m.get("final")))));
        }
        return new Reference(x, y, classes, init, runs);
    }

    static Map<String, Oracle.Array> arrays(Map<String, Object> m) {
        Map<String, Oracle.Array> r = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) r.put(e.getKey(), Oracle.Array.fromJson(e.getValue()));
        return r;
    }

    @TestFactory
    Stream<DynamicTest> recordedRuns() throws IOException {
        Path file = trainFile();
        if (!Files.isRegularFile(file)) { // one visible skipped test that says why, rather than an empty container
            String why = "training reference " + file + " is missing (set -D" + PROPERTY
                    + "=<file> or put ../shared beside the project); skipping the optimizer oracle runs";
            return Stream.of(DynamicTest.dynamicTest("train-public.json missing", () -> Assumptions.abort(why)));
        }
        Reference ref = load(file);
        assertFalse(ref.runs().isEmpty(), file + " holds no runs");
        List<DynamicTest> tests = new ArrayList<>();
        for (Run run : ref.runs()) {
            tests.add(DynamicTest.dynamicTest(run.optimizer() + " eager float64", () -> check(ref, run, DType.FLOAT64, false)));
            tests.add(DynamicTest.dynamicTest(run.optimizer() + " symbolic float64", () -> check(ref, run, DType.FLOAT64, true)));
        }
        Run adam = ref.runs().stream().filter(r -> r.optimizer().startsWith("adam_")).findFirst()
                .orElseThrow(() -> new AssertionError("no adam run in " + file));
        tests.add(DynamicTest.dynamicTest(adam.optimizer() + " eager float32", () -> check(ref, adam, DType.FLOAT32, false)));
        tests.add(DynamicTest.dynamicTest(adam.optimizer() + " symbolic float32", () -> check(ref, adam, DType.FLOAT32, true)));
        return tests.stream();
    }

    static void check(Reference ref, Run run, DType dt, boolean symbolic) {
        Optimizer opt = optimizerFor(run.optimizer());
        Trained t = symbolic ? trainSymbolic(ref, opt, dt) : trainEager(ref, opt, dt);
        double rtol = dt == DType.FLOAT64 ? RTOL64 : RTOL32, atol = dt == DType.FLOAT64 ? ATOL64 : ATOL32;
        String what = run.optimizer() + (symbolic ? " symbolic " : " eager ") + dt;
        assertNull(Oracle.compare(what + " losses per step", new int[] {run.losses().length}, run.losses(),
                new int[] {t.losses().length}, t.losses(), rtol, atol));
        for (String name : PARAMS) {
            Oracle.Array want = run.fin().get(name);
            Tensor got = t.params().get(name);
            assertNull(Oracle.compare(what + " final " + name, want.shape(), want.data(), got.dims(), got.toDoubleArray(), rtol, atol));
        }
        assertEquals(run.losses().length, opt.iterations(), "one optimizer step per recorded loss");
    }

    record Trained(double[] losses, Map<String, Tensor> params) {}

    /** Minibatch {@code b}: rows [b*16, min(n, b*16+16)) of X and one-hot targets. */
    static Tensor[] batch(Reference ref, Tensor x, int b, DType dt) {
        int n = ref.x().shape()[0];
        int lo = b * BATCH, hi = Math.min(n, lo + BATCH);
        int[] yb = java.util.Arrays.copyOfRange(ref.y(), lo, hi);
        return new Tensor[] {x.slice(0, lo, hi).contiguous(), Tensor.oneHot(Tensor.of(yb), ref.classes()).to(dt)};
    }

    static int batches(Reference ref) { return (ref.x().shape()[0] + BATCH - 1) / BATCH; }

    static Tensor forward(Tensor x, Map<String, Tensor> p) {
        Tensor h = x.dot(p.get("W1")).add(p.get("b1")).relu();
        return h.dot(p.get("W2")).add(p.get("b2")).softmax(-1);
    }

    static Tensor loss(Tensor target, Tensor probs) { return Losses.categoricalCrossentropy(target, probs).mean(); }

    static Trained trainEager(Reference ref, Optimizer opt, DType dt) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (String name : PARAMS) p.put(name, ref.init().get(name).toTensor(dt).requiresGrad(true));
        List<Tensor> params = List.copyOf(p.values());
        Tensor x = ref.x().toTensor(dt);
        List<Double> losses = new ArrayList<>();
        for (int e = 0; e < EPOCHS; e++) {
            for (int b = 0; b < batches(ref); b++) {
                Tensor[] xy = batch(ref, x, b, dt);
                Tensor l = loss(xy[1], forward(xy[0], p));
                losses.add(l.item());
                l.backward();
                opt.step(params);
                opt.zeroGrad(params);
            }
        }
        return new Trained(losses.stream().mapToDouble(Double::doubleValue).toArray(), p);
    }

    static Trained trainSymbolic(Reference ref, Optimizer opt, DType dt) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (String name : PARAMS) p.put(name, K.variable(ref.init().get(name).toTensor(dt), name));
        Tensor xIn = K.placeholder("x", dt, -1, ref.x().shape()[1]);
        Tensor tIn = K.placeholder("t", dt, -1, ref.classes());
        Tensor loss = loss(tIn, forward(xIn, p));
        KFunction train = K.function(List.of(xIn, tIn), List.of(loss), opt.updates(loss, List.copyOf(p.values())));
        Tensor x = ref.x().toTensor(dt);
        List<Double> losses = new ArrayList<>();
        for (int e = 0; e < EPOCHS; e++) {
            for (int b = 0; b < batches(ref); b++) {
                Tensor[] xy = batch(ref, x, b, dt);
                losses.add(train.call(xy[0], xy[1]).get(0).item());
            }
        }
        Map<String, Tensor> fin = new LinkedHashMap<>();
        for (String name : PARAMS) fin.put(name, p.get(name).getValue());
        return new Trained(losses.stream().mapToDouble(Double::doubleValue).toArray(), fin);
    }

    private static final Pattern TOKEN = Pattern.compile("([a-z_]+?)([-+]?[0-9][0-9.]*(?:e[-+]?[0-9]+)?)?");

    /**
     * The optimizer a run name describes, with torch's defaults (the recording used torch.optim) for the
     * hyperparameters the name leaves out: e.g. Adagrad's epsilon 1e-10, RMSprop's alpha 0.99.
     */
    static Optimizer optimizerFor(String runName) {
        String[] parts = runName.split("_");
        String kind = parts[0];
        Optimizer o = switch (kind) {
            case "sgd" -> new SGD(1e-3);
            case "adam" -> new Adam(1e-3).epsilon(1e-8);
            case "adamw" -> new AdamW(1e-3).weightDecay(0.01).epsilon(1e-8);
            case "rmsprop" -> new RMSprop(1e-2).rho(0.99).epsilon(1e-8);
            case "adagrad" -> new Adagrad(1e-2).epsilon(1e-10).initialAccumulatorValue(0);
            case "adadelta" -> new Adadelta(1.0).rho(0.9).epsilon(1e-6);
            case "adamax" -> new Adamax(2e-3).epsilon(1e-8);
            case "nadam" -> new Nadam(2e-3).epsilon(1e-8);
            default -> throw new AssertionError("run '" + runName + "': unknown optimizer '" + kind + "'");
        };
        for (int i = 1; i < parts.length; i++) {
            Matcher m = TOKEN.matcher(parts[i]);
            if (!m.matches()) throw new AssertionError("run '" + runName + "': cannot read '" + parts[i] + "'");
            String key = m.group(1);
            String num = m.group(2);
            double v = num == null ? Double.NaN : Double.parseDouble(num);
            switch (key) {
                case "lr" -> o.learningRate(v);
                case "momentum" -> {
                    if (o instanceof SGD s) s.momentum(v);
                    else if (o instanceof RMSprop r) r.momentum(v);
                    else fail("run '" + runName + "': momentum on " + o.name());
                }
                case "nesterov" -> ((SGD) o).nesterov(true);
                case "eps" -> o.configure(Map.of("epsilon", v));
                case "alpha", "rho" -> o.configure(Map.of("rho", v));
                case "beta1" -> o.configure(Map.of("beta_1", v));
                case "beta2" -> o.configure(Map.of("beta_2", v));
                case "wd" -> o.configure(Map.of("weight_decay", v));
                case "amsgrad" -> ((Adam) o).amsgrad(true);
                case "centered" -> ((RMSprop) o).centered(true);
                default -> throw new AssertionError("run '" + runName + "': unknown hyperparameter '" + parts[i] + "'");
            }
        }
        return o;
    }
}
