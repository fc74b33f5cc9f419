// The Keras 2 backend as static methods (camelCase): placeholders, variables, K.function, gradients and ops.
package dev.vela;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Keras backend on Vela tensors. Expressions on placeholders and variables build a graph;
 * {@link #function} compiles it; {@link #eval} runs an expression without inputs.
 * <pre>{@code
 * import static dev.vela.K.*;
 * Tensor x = placeholder(-1, 5);                      // -1 is Keras's None
 * Tensor W = variable(Tensor.randn(5, 1).mul(0.01));
 * Tensor b = variable(0.0);
 * Tensor yHat = sigmoid(dot(x, W).add(b));
 * System.out.println(yHat);                           // Tensor("sigmoid:0", shape=(?, 1), dtype=float32)
 * }</pre>
 */
public final class K {
    private K() {}

    private static volatile double epsilon = initialEpsilon();
    private static volatile Tensor learningPhase;
    private static volatile int learningPhaseValue = 0;
    private static final AtomicInteger VARIABLES = new AtomicInteger();

    /** An update pair for {@link #function}: the variable and its new value. */
    public record Update(Tensor variable, Tensor value) {}

    // ================================================================== configuration

    /** The fuzz factor (1e-7 unless configured in ~/.vela/vela.json). */
    public static double epsilon() { return epsilon; }

    public static void setEpsilon(double e) { epsilon = e; }

    /** "float32" or "float64". */
    public static String floatx() { return Vela.floatx().toString(); }

    public static void setFloatx(String name) { Vela.setFloatx(DType.parse(name)); }

    /** Forgets graph names and the learning-phase placeholder, as Keras's clear_session. */
    public static void clearSession() {
        Sym.resetNames();
        VARIABLES.set(0);
        learningPhase = null;
        learningPhaseValue = 0;
    }

    private static double initialEpsilon() {
        String s = Device.Config.string("epsilon");
        return s == null ? 1e-7 : Double.parseDouble(s);
    }

    /** The learning-phase placeholder (0 = test, 1 = train): fed like any input, 0 by default. */
    public static Tensor learningPhase() {
        Tensor lp = learningPhase;
        if (lp == null) {
            synchronized (K.class) {
                if (learningPhase == null) learningPhase = newPlaceholder("keras_learning_phase", DType.FLOAT32, Shape.scalar());
                lp = learningPhase;
            }
        }
        return lp;
    }

    /** The value the learning phase takes when a function is called without feeding it. */
    public static void setLearningPhase(int value) {
        if (value != 0 && value != 1) throw new IllegalArgumentException("setLearningPhase: expected 0 or 1, got " + value);
        learningPhaseValue = value;
    }

    // ================================================================== placeholders, variables, constants

    /** A placeholder of the given shape (-1 for an unknown dimension), float32. */
    public static Tensor placeholder(int... shape) { return placeholder("Placeholder", Vela.floatx(), shape); }

    /** A named placeholder. */
    public static Tensor placeholder(String name, int... shape) { return placeholder(name, Vela.floatx(), shape); }

    public static Tensor placeholder(String name, DType dtype, int... shape) {
        return newPlaceholder(name, dtype, Shape.of(shape));
    }

    /**
     * A placeholder that accepts a value of any shape (Keras's {@code K.placeholder()}). Expressions on it
     * learn their shapes when fed: elementwise ops and whole-tensor reductions work on it.
     */
    public static Tensor placeholder() {
        Tensor t = newPlaceholder("Placeholder", Vela.floatx(), Shape.scalar());
        t.anyShape = true;
        return t;
    }

    private static Tensor newPlaceholder(String name, DType dtype, Shape shape) {
        Tensor t = new Tensor(shape, dtype, new Sym(null, new Tensor[0], name));
        t.requiresGrad = dtype.isFloating(); // so K.gradients can differentiate with respect to inputs too
        return t;
    }

    /** A variable holding a copy of {@code value} (a Tensor, a Java array, or a number for a scalar). */
    public static Tensor variable(Object value) { return variable(value, null); }

    public static Tensor variable(Object value, String name) {
        Tensor v = value instanceof Tensor t ? t : value instanceof Number n ? Tensor.scalar(n.doubleValue()) : Tensor.of(value);
        if (v.isSymbolic()) throw new IllegalArgumentException("variable: the initial value is symbolic; use K.eval first");
        Tensor c = v.dtype().isFloating() ? v.copyValues() : Kern.cast(v, Vela.floatx()).copyValues();
        c.variable = true;
        c.requiresGrad = true;
        int n = VARIABLES.getAndIncrement();
        c.name = name != null ? name : n == 0 ? "Variable" : "Variable_" + n;
        return c;
    }

    /**
     * A constant: a copy of the value that, like a variable, builds graph nodes (so expressions on constants
     * are folded when a function is compiled, and refreshed if the constant is changed in place).
     */
    public static Tensor constant(Object value) {
        Tensor v = value instanceof Tensor t ? t : value instanceof Number n ? Tensor.scalar(n.doubleValue()) : Tensor.of(value);
        Tensor c = v.copyValues();
        c.graphLeaf = true;
        return c;
    }

    public static Tensor zeros(int... shape) { return Tensor.zeros(shape); }

    public static Tensor ones(int... shape) { return Tensor.ones(shape); }

    public static Tensor eye(int n) { return Tensor.eye(n); }

    public static Tensor zerosLike(Tensor x) { return Tensor.zerosLike(x); }

    public static Tensor onesLike(Tensor x) { return Tensor.onesLike(x); }

    /** The value of an expression that needs no placeholder (a variable, a constant, or a graph of them). */
    public static Tensor eval(Tensor x) {
        if (!x.isSymbolic()) return x.getValue();
        List<String> ph = Sym.placeholdersOf(x);
        ph.remove(learningPhase == null ? "" : learningPhase.sym.name);
        if (!ph.isEmpty()) {
            throw new IllegalArgumentException("eval: " + x + " depends on placeholder(s) " + ph
                    + " that were not fed; use K.function(inputs, outputs) to feed them");
        }
        return new KFunction(List.of(), List.of(x), List.of()).call().get(0);
    }

    public static Tensor getValue(Tensor v) { return v.getValue(); }

    public static void setValue(Tensor v, Object value) { v.setValue(value); }

    // ================================================================== functions and gradients

    public static KFunction function(List<Tensor> inputs, List<Tensor> outputs) {
        return new KFunction(inputs, outputs, List.of());
    }

    /** Compiles outputs and updates; the updates run after the outputs, from the old values, committed together. */
    public static KFunction function(List<Tensor> inputs, List<Tensor> outputs, List<Update> updates) {
        return new KFunction(inputs, outputs, updates);
    }

    /** A single-output convenience. */
    public static KFunction function(List<Tensor> inputs, Tensor output, List<Update> updates) {
        return new KFunction(inputs, List.of(output), updates);
    }

    /** Gradients of a scalar {@code loss} with respect to each variable, as graph tensors. */
    public static List<Tensor> gradients(Tensor loss, List<Tensor> variables) { return gradients(loss, variables, false); }

    /** With {@code allowUnused}, a variable the loss does not depend on gives null instead of an error. */
    public static List<Tensor> gradients(Tensor loss, List<Tensor> variables, boolean allowUnused) {
        if (loss.size() != 1 && loss.shape().isKnown()) {
            loss = loss.sum(); // Keras sums non-scalar losses
        }
        if (!loss.requiresGrad) {
            if (allowUnused) return new ArrayList<>(Collections.nCopies(variables.size(), null));
            throw new IllegalArgumentException("gradients: the loss " + loss + " does not depend on any variable");
        }
        List<Tensor> vs = new ArrayList<>();
        for (Tensor v : variables) {
            if (!v.requiresGrad) {
                if (!allowUnused) {
                    throw new IllegalArgumentException("gradients: " + describe(v) + " is not differentiable (not a variable"
                            + " or float placeholder); pass allowUnused=true to get null for it");
                }
            }
            vs.add(v);
        }
        List<Tensor> usable = new ArrayList<>();
        for (Tensor v : vs) if (v.requiresGrad) usable.add(v);
        List<Tensor> g;
        try (var eg = Autograd.enableGrad()) {
            g = usable.isEmpty() ? List.of() : gradOrExplain(loss, usable, allowUnused);
        }
        List<Tensor> out = new ArrayList<>();
        int k = 0;
        for (Tensor v : vs) out.add(v.requiresGrad ? g.get(k++) : null);
        return out;
    }

    private static List<Tensor> gradOrExplain(Tensor loss, List<Tensor> vs, boolean allowUnused) {
        List<Tensor> g = Autograd.grad(List.of(loss), vs, null, true, true, true);
        for (int i = 0; i < vs.size(); i++) {
            if (g.get(i) == null && !allowUnused) {
                throw new IllegalArgumentException("gradients: the loss " + loss + " does not depend on "
                        + describe(vs.get(i)) + "; pass allowUnused=true to get null for it");
            }
        }
        return g;
    }

    private static String describe(Tensor v) {
        if (v.variable) return "variable '" + v.name + "' " + v.shape();
        if (v.isSymbolic()) return v.toString();
        return "a tensor of shape " + v.shape();
    }

    /** The same value, with no gradient flowing back. */
    public static Tensor stopGradient(Tensor x) { return x.detach(); }

    /** An update pair {@code (x, newX)}. {@code x} must be a variable with newX's shape. */
    public static Update update(Tensor x, Tensor newX) {
        if (!x.variable) {
            throw new IllegalArgumentException("update: " + describe(x) + " is not a variable; only K.variable()s can be updated");
        }
        int[] a = x.shape().raw(), b = newX.shape().raw();
        boolean ok = a.length == b.length;
        for (int i = 0; ok && i < a.length; i++) ok = b[i] < 0 || a[i] == b[i];
        if (!ok && !newX.anyShape) {
            throw new IllegalArgumentException("update: variable '" + x.name + "' has shape " + x.shape()
                    + " but the new value has shape " + newX.shape().toString().replace("None", "?"));
        }
        return new Update(x, newX);
    }

    public static Update update(Tensor x, double newX) { return update(x, constant(Tensor.full(x.dtype(), newX, x.dims()))); }

    public static Update updateAdd(Tensor x, Tensor increment) { return update(x, x.add(increment)); }

    public static Update updateSub(Tensor x, Tensor decrement) { return update(x, x.sub(decrement)); }

    /** Converts a fed value for a placeholder, checking dtype and shape and naming the placeholder on a mismatch. */
    static Tensor feed(Tensor ph, Object value, String op) {
        String name = ph.sym.name; // quoted in the messages below (built only when one is thrown)
        Tensor v;
        if (value instanceof Tensor t) {
            if (t.isSymbolic()) throw new IllegalArgumentException(op + ": the value for placeholder '" + name + "' is symbolic");
            v = t;
            if (v.dtype() != ph.dtype()) {
                throw new IllegalArgumentException(op + ": placeholder '" + name + "' has dtype " + ph.dtype()
                        + " but the fed tensor has dtype " + v.dtype());
            }
        } else if (value instanceof Number n) {
            v = Tensor.full(ph.dtype(), n.doubleValue());
        } else if (value != null && value.getClass().isArray()) {
            Tensor t = Tensor.of(value);
            if (t.dtype() == DType.BOOL && ph.dtype() != DType.BOOL) {
                throw new IllegalArgumentException(op + ": placeholder '" + name + "' has dtype " + ph.dtype()
                        + " but was fed a boolean array");
            }
            v = Kern.cast(t, ph.dtype());
        } else {
            throw new IllegalArgumentException(op + ": the value for placeholder '" + name + "'"
                    + " must be a Tensor, a Java array or a number, got " + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        if (ph.anyShape) return v;
        int[] want = ph.shape().raw(), got = v.shape().raw();
        boolean ok = want.length == got.length;
        for (int i = 0; ok && i < want.length; i++) ok = want[i] < 0 || want[i] == got[i];
        if (!ok) {
            throw new IllegalArgumentException(op + ": placeholder '" + name + "' expects shape "
                    + ph.shape().toString().replace("None", "?") + " but was fed shape " + v.shape());
        }
        return v;
    }

    // ================================================================== math

    /** Keras dot: matmul up to 2-D, Theano's rule above. */
    public static Tensor dot(Tensor x, Tensor y) { return x.dot(y); }

    /** Batchwise dot over the last axes (Keras batch_dot with default axes). */
    public static Tensor batchDot(Tensor x, Tensor y) {
        if (x.rank() == 2 && y.rank() == 2) return x.mul(y).sum(-1, true);
        if (y.rank() == 2) return x.matmul(y.expandDims(-1)).squeeze(-1);
        return x.matmul(y);
    }

    /** Batchwise dot contracting axes[0] of x with axes[1] of y (rank-3 tensors). */
    public static Tensor batchDot(Tensor x, Tensor y, int[] axes) {
        Tensor a = Shape.normAxis(axes[0], x.rank(), "batchDot") == x.rank() - 1 ? x : x.transpose(-1, -2);
        Tensor b = Shape.normAxis(axes[1], y.rank(), "batchDot") == y.rank() - 2 ? y : y.transpose(-1, -2);
        return a.matmul(b);
    }

    public static Tensor transpose(Tensor x) { return x.transpose(); }

    public static Tensor sum(Tensor x) { return x.sum(); }
    public static Tensor sum(Tensor x, int axis) { return x.sum(axis, false); }
    public static Tensor sum(Tensor x, int axis, boolean keepdims) { return x.sum(axis, keepdims); }
    public static Tensor mean(Tensor x) { return x.mean(); }
    public static Tensor mean(Tensor x, int axis) { return x.mean(axis, false); }
    public static Tensor mean(Tensor x, int axis, boolean keepdims) { return x.mean(axis, keepdims); }
    public static Tensor max(Tensor x) { return x.max(); }
    public static Tensor max(Tensor x, int axis) { return x.max(axis, false); }
    public static Tensor max(Tensor x, int axis, boolean keepdims) { return x.max(axis, keepdims); }
    public static Tensor min(Tensor x) { return x.min(); }
    public static Tensor min(Tensor x, int axis) { return x.min(axis, false); }
    public static Tensor min(Tensor x, int axis, boolean keepdims) { return x.min(axis, keepdims); }
    public static Tensor prod(Tensor x) { return x.prod(); }
    public static Tensor prod(Tensor x, int axis, boolean keepdims) { return x.prod(axis, keepdims); }
    public static Tensor var(Tensor x) { return x.var(); }
    public static Tensor var(Tensor x, int axis, boolean keepdims) { return x.var(axis, keepdims); }
    public static Tensor std(Tensor x) { return x.std(); }
    public static Tensor std(Tensor x, int axis, boolean keepdims) { return x.std(axis, keepdims); }
    public static Tensor logsumexp(Tensor x) { return x.logsumexp(); }
    public static Tensor logsumexp(Tensor x, int axis, boolean keepdims) { return x.logsumexp(axis, keepdims); }
    public static Tensor argmax(Tensor x) { return x.argmax(-1); }
    public static Tensor argmax(Tensor x, int axis) { return x.argmax(axis); }
    public static Tensor argmin(Tensor x) { return x.argmin(-1); }
    public static Tensor argmin(Tensor x, int axis) { return x.argmin(axis); }

    public static Tensor square(Tensor x) { return x.square(); }
    public static Tensor abs(Tensor x) { return x.abs(); }
    public static Tensor sqrt(Tensor x) { return x.sqrt(); }
    public static Tensor exp(Tensor x) { return x.exp(); }
    public static Tensor log(Tensor x) { return x.log(); }
    public static Tensor pow(Tensor x, double a) { return x.pow(a); }
    public static Tensor sign(Tensor x) { return x.sign(); }
    public static Tensor round(Tensor x) { return x.round(); }
    public static Tensor sin(Tensor x) { return x.sin(); }
    public static Tensor cos(Tensor x) { return x.cos(); }
    public static Tensor clip(Tensor x, double min, double max) { return x.clip(min, max); }
    public static Tensor maximum(Tensor x, Tensor y) { return x.maximum(y); }
    public static Tensor minimum(Tensor x, Tensor y) { return x.minimum(y); }
    public static Tensor equal(Tensor x, Tensor y) { return x.eq(y); }
    public static Tensor notEqual(Tensor x, Tensor y) { return x.ne(y); }
    public static Tensor greater(Tensor x, Tensor y) { return x.gt(y); }
    public static Tensor greaterEqual(Tensor x, Tensor y) { return x.ge(y); }
    public static Tensor less(Tensor x, Tensor y) { return x.lt(y); }
    public static Tensor lessEqual(Tensor x, Tensor y) { return x.le(y); }
    public static Tensor cast(Tensor x, String dtype) { return x.to(DType.parse(dtype)); }

    // ================================================================== activations

    public static Tensor sigmoid(Tensor x) { return x.sigmoid(); }
    public static Tensor hardSigmoid(Tensor x) { return x.hardSigmoid(); }
    public static Tensor tanh(Tensor x) { return x.tanh(); }
    public static Tensor relu(Tensor x) { return x.relu(); }
    /** Keras relu(x, alpha, max_value): slope alpha below 0, capped at maxValue (NaN for none). */
    public static Tensor relu(Tensor x, double alpha, double maxValue) { return x.relu(alpha, maxValue, 0); }
    public static Tensor elu(Tensor x) { return x.elu(); }
    public static Tensor elu(Tensor x, double alpha) { return x.elu(alpha); }
    public static Tensor softplus(Tensor x) { return x.softplus(); }
    public static Tensor softsign(Tensor x) { return x.softsign(); }
    public static Tensor softmax(Tensor x) { return x.softmax(-1); }
    public static Tensor softmax(Tensor x, int axis) { return x.softmax(axis); }
    public static Tensor l2Normalize(Tensor x, int axis) { return x.l2Normalize(axis); }

    // ================================================================== losses (target, output)

    public static Tensor binaryCrossentropy(Tensor target, Tensor output) { return Losses.binaryCrossentropy(target, output); }
    public static Tensor binaryCrossentropy(Tensor target, Tensor output, boolean fromLogits) { return Losses.binaryCrossentropy(target, output, fromLogits); }
    public static Tensor categoricalCrossentropy(Tensor target, Tensor output) { return Losses.categoricalCrossentropy(target, output); }
    public static Tensor categoricalCrossentropy(Tensor target, Tensor output, boolean fromLogits) { return Losses.categoricalCrossentropy(target, output, fromLogits); }
    public static Tensor sparseCategoricalCrossentropy(Tensor target, Tensor output) { return Losses.sparseCategoricalCrossentropy(target, output); }
    public static Tensor sparseCategoricalCrossentropy(Tensor target, Tensor output, boolean fromLogits) { return Losses.sparseCategoricalCrossentropy(target, output, fromLogits); }
    public static Tensor meanSquaredError(Tensor target, Tensor output) { return Losses.meanSquaredError(target, output); }
    public static Tensor meanAbsoluteError(Tensor target, Tensor output) { return Losses.meanAbsoluteError(target, output); }

    // ================================================================== shapes

    public static Tensor reshape(Tensor x, int... shape) { return x.reshape(shape); }
    public static Tensor permuteDimensions(Tensor x, int... pattern) { return x.permute(pattern); }
    public static Tensor concatenate(List<Tensor> xs, int axis) { return Tensor.concatenate(xs, axis); }
    public static Tensor concatenate(List<Tensor> xs) { return Tensor.concatenate(xs, -1); }
    public static Tensor stack(List<Tensor> xs, int axis) { return Tensor.stack(xs, axis); }
    public static Tensor expandDims(Tensor x, int axis) { return x.expandDims(axis); }
    public static Tensor squeeze(Tensor x, int axis) { return x.squeeze(axis); }
    public static Tensor tile(Tensor x, int... n) { return x.tile(n); }
    public static Tensor repeatElements(Tensor x, int rep, int axis) { return x.repeatElements(rep, axis); }
    public static Tensor flatten(Tensor x) { return x.flatten(); }
    /** Flattens all but the first axis. */
    public static Tensor batchFlatten(Tensor x) {
        int n = 1;
        for (int i = 1; i < x.rank(); i++) n = x.shape().raw()[i] < 0 || n < 0 ? -1 : n * x.shape().raw()[i];
        if (n < 0) throw new IllegalArgumentException("batchFlatten: shape " + x.shape() + " has unknown non-batch dims");
        return x.reshape(-1, n);
    }
    public static Tensor gather(Tensor reference, Tensor indices) { return reference.gather(indices, 0); }
    public static Tensor oneHot(Tensor indices, int numClasses) { return Tensor.oneHot(indices, numClasses); }
    public static Tensor slice(Tensor x, int[] start, int[] size) {
        int[] end = new int[start.length], step = new int[start.length];
        for (int i = 0; i < start.length; i++) {
            end[i] = size[i] < 0 ? Integer.MAX_VALUE : start[i] + size[i];
            step[i] = 1;
        }
        return x.slice(start, end, step);
    }

    /** Keras int_shape: the static shape, null for unknown dimensions. */
    public static Integer[] intShape(Tensor x) {
        Integer[] r = new Integer[x.rank()];
        for (int i = 0; i < r.length; i++) r[i] = x.shape().raw()[i] < 0 ? null : x.shape().raw()[i];
        return r;
    }

    public static int ndim(Tensor x) { return x.rank(); }

    public static String dtype(Tensor x) { return x.dtype().toString(); }

    /** The number of scalars in a variable (or any tensor of known shape). */
    public static long countParams(Tensor x) {
        if (!x.shape().isKnown()) throw new IllegalArgumentException("countParams: shape " + x.shape() + " is not fully known");
        return x.size();
    }

    // ================================================================== random

    public static Tensor randomNormal(int[] shape, double mean, double stddev) {
        return Generator.defaultGenerator().normal(Vela.floatx(), mean, stddev, shape);
    }

    public static Tensor randomNormal(int[] shape, double mean, double stddev, long seed) {
        return new Generator(seed).normal(Vela.floatx(), mean, stddev, shape);
    }

    public static Tensor randomUniform(int[] shape, double min, double max) {
        return Generator.defaultGenerator().uniform(Vela.floatx(), min, max, shape);
    }

    public static Tensor randomUniform(int[] shape, double min, double max, long seed) {
        return new Generator(seed).uniform(Vela.floatx(), min, max, shape);
    }

    public static Tensor randomBinomial(int[] shape, double p) { return Generator.defaultGenerator().bernoulli(p, shape); }

    public static Tensor randomBinomial(int[] shape, double p, long seed) { return new Generator(seed).bernoulli(p, shape); }

    // ================================================================== control flow

    /** Keras switch: {@code condition ? thenExpression : elseExpression}, elementwise with broadcasting. */
    public static Tensor switchOp(Tensor condition, Tensor thenExpression, Tensor elseExpression) {
        return Tensor.where(condition, thenExpression, elseExpression);
    }

    /** {@code x} in the training phase, {@code alt} otherwise (decided when the graph runs). */
    public static Tensor inTrainPhase(Tensor x, Tensor alt) { return switchOp(learningPhase(), x, alt); }

    public static Tensor inTestPhase(Tensor x, Tensor alt) { return switchOp(learningPhase(), alt, x); }

    /** Dropout applied in the training phase only; a new mask each run. */
    public static Tensor dropout(Tensor x, double level) {
        if (!(level >= 0 && level < 1)) throw new IllegalArgumentException("dropout: level must be in [0, 1), got " + level);
        Tensor keep = Op.apply(new RandomUniformLike(), x).ge(level);
        return inTrainPhase(x.mul(keep).mul(1.0 / (1.0 - level)), x);
    }

    /** Prints {@code message} and the value each time the graph computes it; returns a tensor with the same value. */
    public static Tensor printTensor(Tensor x, String message) { return Op.apply(new PrintOp(message), x); }

    static final class RandomUniformLike extends Op {
        @Override String name() { return "randomUniform"; }
        @Override boolean differentiable() { return false; }
        @Override boolean deterministic() { return false; }
        @Override Shape inferShape(Tensor[] in) { return in[0].shape(); }
        @Override Tensor forward(Tensor[] in) { return Generator.defaultGenerator().uniform(in[0].dtype(), 0, 1, in[0].dims()); }
    }

    static final class PrintOp extends Op {
        final String message;
        PrintOp(String message) { this.message = message; }
        @Override String name() { return "print"; }
        @Override boolean deterministic() { return false; }
        @Override Shape inferShape(Tensor[] in) { return in[0].shape(); }
        @Override Tensor forward(Tensor[] in) {
            System.out.println(message + in[0]);
            return in[0];
        }
        @Override Tensor[] backward(Node n, Tensor g) { return new Tensor[] {g}; }
    }

    // ================================================================== graph printing

    /** Prints the graph of {@code x} as an indented tree (Theano debugprint style) and returns the text. */
    public static String debugPrint(Tensor x) {
        String s = GraphText.debugPrint(x);
        System.out.print(s);
        return s;
    }

    /** A one-line expression for {@code x}, e.g. {@code sigmoid(add(matmul(x, W), b))}. */
    public static String pp(Tensor x) { return GraphText.pp(x); }

    /** Graphviz dot text of the graph of {@code x}. */
    public static String toDot(Tensor x) { return GraphText.toDot(x); }

    static Tensor learningPhaseIfCreated() { return learningPhase; }

    static int learningPhaseValue() { return learningPhaseValue; }

}
