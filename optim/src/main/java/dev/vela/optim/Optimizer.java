// The optimizer base: one update rule in tensor ops, run eagerly (step) or built into a K.function graph (updates).
package dev.vela.optim;

import dev.vela.Autograd;
import dev.vela.DType;
import dev.vela.K;
import dev.vela.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A first-order optimizer with Keras's options: a learning rate (a constant or a
 * {@link LearningRateSchedule}), Keras 2's {@code decay} ({@code lr / (1 + decay * iterations)}), and
 * gradient clipping by value ({@code clipValue}), by norm per tensor ({@code clipNorm}, as Keras's
 * {@code clipnorm}) or by the global norm of all gradients ({@code globalClipNorm}). Norm clipping
 * comes first, then value clipping.
 *
 * <p>Each subclass writes its update rule once, in tensor ops, and that rule runs in two forms:
 * <ul>
 *   <li><b>eager</b>: {@link #step(List)} reads each parameter's {@code .grad()} and updates the
 *       parameters in place (under {@code Autograd.noGrad()}); parameters without a gradient are
 *       skipped, as torch does;</li>
 *   <li><b>symbolic</b>: {@link #updates(Tensor, List)} differentiates a graph loss with
 *       {@code K.gradients} and returns update pairs for {@code K.function} (Keras's
 *       {@code get_updates}): the parameters must be {@code K.variable}s, and the optimizer's state
 *       (the {@code iterations} counter, the learning rate, the moments) lives in variables it creates, so
 *       each call of the function reads their current values.</li>
 * </ul>
 * Both forms share the same state variables, so they can be mixed and give the same numbers.
 * The state is saved with {@link #state()} and restored with {@link #loadState(Map)}; the
 * hyperparameters with {@link #getConfig()} and {@link Optimizers#fromConfig(Map)}.
 *
 * <p>After {@code updates(...)} has built a graph, only a constant learning rate can still change
 * (it is a variable the graph reads); the other setters then throw, since the graph holds their values.
 * Optimizers are not thread-safe.
 * <pre>{@code
 * jshell> Tensor w = Tensor.of(new double[] {1, 2}).requiresGrad(true);
 * jshell> Optimizer opt = new SGD(0.1).clipNorm(1.0);
 * jshell> w.square().sum().backward(); opt.step(List.of(w)); opt.zeroGrad(List.of(w));
 * jshell> w
 * $5 ==> Tensor(shape=(2,), dtype=float64, device=cpu, requires_grad=True)
 * [0.95527864, 1.91055728]
 * // symbolic: KFunction train = K.function(List.of(x, y), List.of(loss), opt.updates(loss, List.of(W, b)));
 * }</pre>
 */
public abstract class Optimizer {
    private final String className;
    private double learningRate;
    private LearningRateSchedule schedule;
    private double decay;
    private double clipNorm, clipValue, globalClipNorm; // 0 = off

    // ---- state: all of it in K.variables (float64 scalars for the counters, the parameter's dtype for slots)
    private Tensor iterations;
    private Tensor lrVariable;
    private final Map<String, Tensor> globals = new LinkedHashMap<>();
    private final List<Tensor> params = new ArrayList<>();
    private final Map<Tensor, Integer> indexOf = new IdentityHashMap<>();
    private final Map<Tensor, Map<String, Tensor>> slots = new IdentityHashMap<>();
    /** Loaded slot values for parameters not seen yet, by "index/slot". */
    private final Map<String, Tensor> pending = new HashMap<>();
    private boolean graphBuilt;

    protected Optimizer(String className, double learningRate) {
        this.className = className;
        checkLearningRate(learningRate);
        this.learningRate = learningRate;
    }

    // ====================================================================== the rule (subclasses)

    /** Names of the per-parameter state tensors (Keras's slots), e.g. {@code ["m", "v"]}; each has the parameter's shape. */
    protected abstract List<String> slotNames();

    /** The initial value of every element of a slot (0 unless the rule says otherwise). */
    protected double slotInitialValue(String slot) { return 0.0; }

    /** Optimizer-wide float64 scalar state (name to initial value), e.g. Nadam's momentum product. */
    protected Map<String, Double> globalSlots() { return Map.of(); }

    /** Computes this step's new optimizer-wide state with {@link Step#setGlobal}; runs before the parameter rules. */
    protected void updateGlobals(Step s) {}

    /**
     * The update rule for one parameter: returns its new value and puts each slot's new value into
     * {@code newSlots}. {@code p} and {@code g} are in the parameter's dtype; write it in tensor ops (they
     * are graph tensors in the symbolic form), computed from the old values only.
     */
    protected abstract Tensor rule(Step s, Tensor p, Tensor g, Map<String, Tensor> slots, Map<String, Tensor> newSlots);

    /** Subclass hyperparameters for {@link #getConfig()}, with Keras's key names. */
    protected abstract void addConfig(Map<String, Object> config);

    /** Sets one subclass hyperparameter from a config entry; returns false for an unknown key. */
    protected abstract boolean applyConfig(String key, Object value);

    /**
     * What a rule sees for one step: the learning rate and the step number (float64 scalars, eager or
     * graph tensors), the optimizer-wide state, and conversions of float64 scalars to a parameter's dtype.
     */
    public static final class Step {
        private final Tensor lr, t;
        private final Map<String, Tensor> globals;
        private final Map<String, Tensor> newGlobals = new LinkedHashMap<>();

        Step(Tensor lr, Tensor t, Map<String, Tensor> globals) {
            this.lr = lr;
            this.t = t;
            this.globals = globals;
        }

        /** The learning rate of this step (schedule and decay applied), a float64 scalar. */
        public Tensor lr() { return lr; }

        /** The 1-based number of this step (iterations + 1), a float64 scalar. */
        public Tensor t() { return t; }

        /** A float64 scalar constant. */
        public Tensor constant(double v) { return Tensor.scalar(v, DType.FLOAT64); }

        /** {@code base ^ t}, a float64 scalar. */
        public Tensor powT(double base) { return constant(base).pow(t); }

        /** A float64 scalar converted to {@code like}'s dtype, to combine with it. */
        public Tensor as(Tensor scalar, Tensor like) { return scalar.to(like.dtype()); }

        /** The value of optimizer-wide state {@code name} before this step. */
        public Tensor global(String name) {
            Tensor g = globals.get(name);
            if (g == null) throw new IllegalArgumentException("no optimizer-wide state '" + name + "'; known: " + globals.keySet());
            return g;
        }

        /** Its value after this step (set by {@link Optimizer#updateGlobals}). */
        public Tensor newGlobal(String name) {
            Tensor g = newGlobals.get(name);
            if (g == null) throw new IllegalStateException("optimizer-wide state '" + name + "' has no new value for this step");
            return g;
        }

        public void setGlobal(String name, Tensor value) {
            global(name);
            newGlobals.put(name, value);
        }
    }

    // ====================================================================== options

    /** The Keras class name ("Adam", "SGD" ...). */
    public String name() { return className; }

    /** The constant learning rate (the schedule's initial rate when one is set). */
    public double learningRate() { return schedule != null ? schedule.at(0) : learningRate; }

    /** The schedule, or null for a constant rate. */
    public LearningRateSchedule learningRateSchedule() { return schedule; }

    /**
     * Sets a constant learning rate (replacing any schedule). Compiled graphs read it on their next call,
     * unless they were built with a schedule (then this throws).
     */
    public Optimizer learningRate(double lr) {
        checkLearningRate(lr);
        if (graphBuilt && schedule != null) {
            throw new IllegalStateException(className + ": a K.function graph was built with the learning-rate schedule "
                    + schedule + "; the rate cannot be replaced by a constant now");
        }
        this.learningRate = lr;
        this.schedule = null;
        if (lrVariable != null) lrVariable.setValue(Tensor.scalar(lr, DType.FLOAT64));
        return this;
    }

    /** Uses {@code schedule(iterations)} as the learning rate. */
    public Optimizer learningRate(LearningRateSchedule schedule) {
        if (schedule == null) throw new IllegalArgumentException(className + ": the learning-rate schedule is null");
        checkMutable("learningRate(schedule)");
        this.schedule = schedule;
        return this;
    }

    /** Keras 2's {@code decay}: the rate is divided by {@code 1 + decay * iterations} (on top of any schedule). */
    public Optimizer decay(double decay) {
        if (!(decay >= 0)) throw new IllegalArgumentException(className + ": decay must be >= 0, got " + decay);
        checkMutable("decay");
        this.decay = decay;
        return this;
    }

    /** Scales each gradient tensor whose L2 norm exceeds {@code c} down to norm {@code c} (Keras's {@code clipnorm}); 0 turns it off. */
    public Optimizer clipNorm(double c) {
        this.clipNorm = checkClip("clipNorm", c);
        return this;
    }

    /** Clamps every gradient element to {@code [-v, v]} (Keras's {@code clipvalue}); 0 turns it off. */
    public Optimizer clipValue(double v) {
        this.clipValue = checkClip("clipValue", v);
        return this;
    }

    /** Scales all gradients together when their joint L2 norm exceeds {@code c} (Keras's {@code global_clipnorm}); 0 turns it off. */
    public Optimizer globalClipNorm(double c) {
        this.globalClipNorm = checkClip("globalClipNorm", c);
        return this;
    }

    private double checkClip(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(className + ": " + what + " must be finite and >= 0 (0 = off), got " + v);
        checkMutable(what);
        return v;
    }

    private void checkLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException(className + ": learning rate must be finite and >= 0, got " + lr);
    }

    /** Subclass setters call this: after a graph was built, its constants cannot change any more. */
    protected final void checkMutable(String what) {
        if (graphBuilt) {
            throw new IllegalStateException(className + ": cannot change " + what + " after updates(...) built a K.function graph"
                    + " (the graph holds the old value); create a new optimizer, or change it before building");
        }
    }

    /** Checks {@code 0 <= v < 1} for a decay rate such as a beta or rho. */
    protected final double checkRate(String what, double v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(className + ": " + what + " must be in [0, 1), got " + v);
        return v;
    }

    /** Checks {@code v >= 0} and finite. */
    protected final double checkNonNegative(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(className + ": " + what + " must be finite and >= 0, got " + v);
        return v;
    }

    // ====================================================================== eager form

    /**
     * One update of {@code params} (leaf float tensors, or {@code K.variable}s) from their {@code .grad()},
     * in place. Parameters with no gradient are skipped; the step counter advances once per call.
     * Everything is computed before anything is written, so a failure leaves parameters and state unchanged.
     */
    public void step(List<Tensor> params) {
        checkParams("step", params, false);
        try (var _ = Autograd.noGrad()) {
            ensureState(params);
            Tensor it = iterations.detach();
            Step s = newStep(learningRateTensor(it, lrVariable.detach()), it.add(1.0), detached(globals));
            updateGlobals(s);
            List<Tensor> ps = new ArrayList<>(), gs = new ArrayList<>();
            for (Tensor p : params) {
                if (p.grad() == null) continue;
                if (!p.grad().shape().equals(p.shape())) {
                    throw new IllegalStateException("step: the gradient of parameter " + indexOf.get(p) + " has shape "
                            + p.grad().shape() + " but the parameter has shape " + p.shape());
                }
                ps.add(p);
                gs.add(p.grad().detach().to(p.dtype()));
            }
            gs = clip(gs);
            List<Tensor> targets = new ArrayList<>(), values = new ArrayList<>();
            for (int i = 0; i < ps.size(); i++) {
                Tensor p = ps.get(i);
                Map<String, Tensor> vars = current(p);
                Map<String, Tensor> old = detached(vars);
                Map<String, Tensor> next = new LinkedHashMap<>();
                Tensor np = rule(s, p.detach(), gs.get(i), old, next);
                checkRuleOutput(p, vars, next);
                targets.add(p);
                values.add(np);
                for (String k : vars.keySet()) {
                    targets.add(vars.get(k));
                    values.add(next.get(k).flushSubnormal()); // decaying moments would go subnormal: slow, and meaningless
                }
            }
            for (Map.Entry<String, Tensor> e : s.newGlobals.entrySet()) {
                targets.add(globals.get(e.getKey()));
                values.add(e.getValue());
            }
            targets.add(iterations);
            values.add(s.t());
            for (int i = 0; i < targets.size(); i++) targets.get(i).copyFrom(values.get(i));
        }
    }

    /** Forgets the gradients of {@code params} (torch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad(List<Tensor> params) {
        for (Tensor p : params) p.zeroGrad();
    }

    // ====================================================================== symbolic form

    /**
     * Keras's {@code get_updates}: the update pairs that apply one step of this rule to the variables
     * {@code params}, from the gradients of {@code loss} ({@code K.gradients}); pass them to
     * {@code K.function(inputs, outputs, updates)}. The first pair advances {@code iterations}.
     */
    public List<K.Update> updates(Tensor loss, List<Tensor> params) {
        checkParams("updates", params, true);
        if (loss == null) throw new IllegalArgumentException("updates: the loss is null");
        List<Tensor> grads = K.gradients(loss, params);
        return updatesFromGradients(grads, params);
    }

    /** The same from gradients already computed (graph tensors of each parameter's shape). */
    public List<K.Update> updatesFromGradients(List<Tensor> grads, List<Tensor> params) {
        checkParams("updates", params, true);
        if (grads.size() != params.size()) {
            throw new IllegalArgumentException("updates: " + grads.size() + " gradients for " + params.size() + " parameters");
        }
        for (int i = 0; i < grads.size(); i++) {
            Tensor g = grads.get(i);
            if (g == null) {
                throw new IllegalArgumentException("updates: parameter " + i + " ('" + params.get(i).name()
                        + "') has no gradient (the loss does not depend on it)");
            }
            if (g.shape().isKnown() && !g.shape().equals(params.get(i).shape())) {
                throw new IllegalArgumentException("updates: the gradient of parameter " + i + " has shape " + g.shape()
                        + " but the parameter has shape " + params.get(i).shape());
            }
        }
        try (var _ = Autograd.noGrad()) {
            ensureState(params);
            Tensor t = iterations.add(1.0);
            Step s = newStep(learningRateTensor(iterations, lrVariable), t, globals);
            updateGlobals(s);
            List<Tensor> gs = new ArrayList<>();
            for (int i = 0; i < grads.size(); i++) gs.add(grads.get(i).to(params.get(i).dtype()));
            gs = clip(gs);
            List<K.Update> out = new ArrayList<>();
            out.add(K.update(iterations, t));
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                Map<String, Tensor> vars = current(p);
                Map<String, Tensor> next = new LinkedHashMap<>();
                Tensor np = rule(s, p, gs.get(i), vars, next);
                checkRuleOutput(p, vars, next);
                for (String k : vars.keySet()) out.add(K.update(vars.get(k), next.get(k).flushSubnormal()));
                out.add(K.update(p, np));
            }
            for (Map.Entry<String, Tensor> e : s.newGlobals.entrySet()) out.add(K.update(globals.get(e.getKey()), e.getValue()));
            graphBuilt = true;
            return out;
        }
    }

    // ====================================================================== shared machinery

    private Step newStep(Tensor lr, Tensor t, Map<String, Tensor> g) { return new Step(lr, t, g); }

    /** schedule(iterations) or the lr variable, divided by 1 + decay * iterations. */
    private Tensor learningRateTensor(Tensor it, Tensor lrVar) {
        Tensor lr = schedule != null ? schedule.at(it) : lrVar;
        if (decay > 0) lr = lr.div(it.mul(decay).add(1.0));
        return lr;
    }

    /** The learning rate the next update will use (schedule and decay applied). */
    public double currentLearningRate() {
        long k = iterations == null ? 0 : iterations();
        double lr = schedule != null ? schedule.at(k) : learningRate;
        return decay > 0 ? lr / (1 + decay * k) : lr;
    }

    /** How many updates have been applied. */
    public long iterations() {
        return iterations == null ? 0 : Math.round(iterations.item());
    }

    private List<Tensor> clip(List<Tensor> gs) {
        List<Tensor> out = new ArrayList<>(gs);
        if (globalClipNorm > 0 && !out.isEmpty()) {
            Tensor sq = null;
            for (Tensor g : out) {
                Tensor s = g.to(DType.FLOAT64).square().sum();
                sq = sq == null ? s : sq.add(s);
            }
            Tensor scale = sq.sqrt().maximum(globalClipNorm).rdiv(globalClipNorm); // c / max(norm, c): 1 below the limit
            out.replaceAll(g -> g.mul(scale.to(g.dtype())));
        }
        if (clipNorm > 0) {
            out.replaceAll(g -> g.mul(g.square().sum().sqrt().maximum(clipNorm).rdiv(clipNorm)));
        }
        if (clipValue > 0) out.replaceAll(g -> g.clip(-clipValue, clipValue));
        return out;
    }

    private void checkRuleOutput(Tensor p, Map<String, Tensor> vars, Map<String, Tensor> next) {
        for (String k : vars.keySet()) {
            if (!next.containsKey(k)) throw new IllegalStateException(className + ": the rule gave no new value for slot '" + k + "'");
        }
    }

    private static Map<String, Tensor> detached(Map<String, Tensor> vars) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : vars.entrySet()) m.put(e.getKey(), e.getValue().detach());
        return m;
    }

    private void checkParams(String op, List<Tensor> ps, boolean variables) {
        if (ps == null) throw new IllegalArgumentException(op + ": the parameter list is null");
        for (int i = 0; i < ps.size(); i++) {
            Tensor p = ps.get(i);
            if (p == null) throw new IllegalArgumentException(op + ": parameter " + i + " is null");
            if (!p.dtype().isFloating()) {
                throw new IllegalArgumentException(op + ": parameter " + i + " has dtype " + p.dtype() + "; only float tensors can be optimized");
            }
            if (variables && !p.isVariable()) {
                throw new IllegalArgumentException(op + ": parameter " + i + " (shape " + p.shape() + ") is not a K.variable;"
                        + " the symbolic form updates variables (use step(...) for eager tensors)");
            }
            if (!variables && p.isSymbolic()) {
                throw new IllegalArgumentException(op + ": parameter " + i + " is symbolic (" + p + "); step(...) needs tensors with values");
            }
            for (int j = 0; j < i; j++) {
                if (ps.get(j) == p) throw new IllegalArgumentException(op + ": parameter " + i + " is the same tensor as parameter " + j);
            }
        }
    }

    /** Creates the counters, and the slots of parameters seen for the first time (taking loaded values when there are). */
    private void ensureState(List<Tensor> ps) {
        if (iterations == null) {
            iterations = K.variable(Tensor.scalar(0, DType.FLOAT64), className + "/iterations");
            lrVariable = K.variable(Tensor.scalar(learningRate, DType.FLOAT64), className + "/learning_rate");
            for (Map.Entry<String, Double> e : globalSlots().entrySet()) {
                globals.put(e.getKey(), K.variable(Tensor.scalar(e.getValue(), DType.FLOAT64), className + "/" + e.getKey()));
            }
        }
        // validate loaded values before creating anything
        int next = params.size();
        for (Tensor p : ps) {
            if (indexOf.containsKey(p)) continue;
            for (String slot : slotNames()) {
                Tensor v = pending.get(next + "/" + slot);
                if (v != null && !v.shape().equals(p.shape())) {
                    throw new IllegalArgumentException(className + ": loaded state '" + next + "/" + slot + "' has shape " + v.shape()
                            + " but parameter " + next + " has shape " + p.shape());
                }
            }
            next++;
        }
        for (Tensor p : ps) {
            if (indexOf.containsKey(p)) continue;
            int i = params.size();
            params.add(p);
            indexOf.put(p, i);
            Map<String, Tensor> m = new LinkedHashMap<>();
            for (String slot : slotNames()) m.put(slot, newSlot(p, i, slot, pending.remove(i + "/" + slot)));
            slots.put(p, m);
        }
    }

    /** A slot variable for parameter {@code p} (index i): the loaded value, or the slot's initial value. */
    private Tensor newSlot(Tensor p, int i, String slot, Tensor loaded) {
        Tensor init = Tensor.zerosLike(p.detach());
        try (var _ = Autograd.noGrad()) {
            if (loaded != null) init.copyFrom(loaded);
            else if (slotInitialValue(slot) != 0) init.fill(slotInitialValue(slot));
        }
        return K.variable(init, className + "/" + slot + "_" + i);
    }

    /**
     * The slots the rule uses now, in {@link #slotNames()} order. A slot the rule did not use before (momentum
     * switched on between eager steps, say) starts from its initial value.
     */
    private Map<String, Tensor> current(Tensor p) {
        Map<String, Tensor> all = slots.get(p);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String slot : slotNames()) m.put(slot, all.computeIfAbsent(slot, k -> newSlot(p, indexOf.get(p), k, null)));
        return m;
    }

    // ====================================================================== state and config

    /**
     * A copy of the optimizer's state: {@code "iterations"}, optimizer-wide scalars by name, and each
     * parameter's slots as {@code "<index>/<slot>"} (index = order in which parameters were first seen).
     */
    public Map<String, Tensor> state() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("iterations", iterations == null ? Tensor.scalar(0, DType.FLOAT64) : iterations.getValue());
        if (iterations == null) {
            for (Map.Entry<String, Double> e : globalSlots().entrySet()) m.put(e.getKey(), Tensor.scalar(e.getValue(), DType.FLOAT64));
        } else {
            for (Map.Entry<String, Tensor> e : globals.entrySet()) m.put(e.getKey(), e.getValue().getValue());
        }
        for (int i = 0; i < params.size(); i++) {
            for (Map.Entry<String, Tensor> e : current(params.get(i)).entrySet()) m.put(i + "/" + e.getKey(), e.getValue().getValue());
        }
        for (Map.Entry<String, Tensor> e : new TreeMap<>(pending).entrySet()) m.put(e.getKey(), e.getValue().copy());
        return m;
    }

    /**
     * Replaces the whole state with {@code state} (as {@link #state()} gives it): slots of parameters not seen
     * yet are kept until a parameter with that index arrives; slots the map lacks restart from their initial
     * values. The map is checked first: a bad key or shape changes nothing.
     */
    public void loadState(Map<String, Tensor> state) {
        if (state == null) throw new IllegalArgumentException(className + ".loadState: the state is null");
        Tensor it = state.get("iterations");
        if (it == null || it.size() != 1) {
            throw new IllegalArgumentException(className + ".loadState: the state needs a scalar 'iterations' entry; got keys " + state.keySet());
        }
        double itv = it.item();
        if (!(itv >= 0) || itv != Math.rint(itv)) {
            throw new IllegalArgumentException(className + ".loadState: 'iterations' must be a whole number >= 0, got " + itv);
        }
        List<String> slotNames = slotNames();
        Map<String, Double> gl = globalSlots();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String k = e.getKey();
            Tensor v = e.getValue();
            if (v == null || v.isSymbolic()) throw new IllegalArgumentException(className + ".loadState: entry '" + k + "' has no values");
            if (k.equals("iterations")) continue;
            if (gl.containsKey(k)) {
                if (v.size() != 1) throw new IllegalArgumentException(className + ".loadState: '" + k + "' must be a scalar, got shape " + v.shape());
                continue;
            }
            int slash = k.indexOf('/');
            int idx = -1;
            if (slash > 0) {
                try {
                    idx = Integer.parseInt(k.substring(0, slash));
                } catch (NumberFormatException ignored) {
                    idx = -1;
                }
            }
            if (idx < 0 || !slotNames.contains(k.substring(slash + 1))) {
                throw new IllegalArgumentException(className + ".loadState: unknown entry '" + k + "'; expected 'iterations'"
                        + (gl.isEmpty() ? "" : ", " + gl.keySet()) + " and '<parameter index>/<slot>' with slots " + slotNames);
            }
            if (idx < params.size() && !v.shape().equals(params.get(idx).shape())) {
                throw new IllegalArgumentException(className + ".loadState: '" + k + "' has shape " + v.shape()
                        + " but parameter " + idx + " has shape " + params.get(idx).shape() + "; nothing was loaded");
            }
        }
        // all checked: apply
        try (var _ = Autograd.noGrad()) {
            if (iterations == null) ensureState(List.of());
            iterations.copyFrom(Tensor.scalar(itv, DType.FLOAT64));
            for (Map.Entry<String, Tensor> e : globals.entrySet()) {
                Tensor v = state.get(e.getKey());
                e.getValue().copyFrom(v != null ? v.reshape() : Tensor.scalar(gl.get(e.getKey()), DType.FLOAT64));
            }
            pending.clear();
            for (int i = 0; i < params.size(); i++) {
                for (Map.Entry<String, Tensor> e : current(params.get(i)).entrySet()) {
                    Tensor v = state.get(i + "/" + e.getKey());
                    if (v != null) e.getValue().copyFrom(v);
                    else e.getValue().fill(slotInitialValue(e.getKey()));
                }
            }
            for (Map.Entry<String, Tensor> e : state.entrySet()) {
                int slash = e.getKey().indexOf('/');
                if (slash > 0 && Integer.parseInt(e.getKey().substring(0, slash)) >= params.size()) {
                    pending.put(e.getKey(), e.getValue().detach().copy());
                }
            }
        }
    }

    /**
     * The hyperparameters with Keras's names: {@code name}, {@code learning_rate} (a number, or a schedule's
     * config map), {@code decay}, the clipping options that are on, then the optimizer's own.
     */
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", className);
        if (schedule != null) {
            Map<String, Object> sc = schedule.getConfig();
            c.put("learning_rate", sc != null ? sc : schedule.toString());
        } else {
            c.put("learning_rate", learningRate);
        }
        c.put("decay", decay);
        if (clipNorm > 0) c.put("clipnorm", clipNorm);
        if (clipValue > 0) c.put("clipvalue", clipValue);
        if (globalClipNorm > 0) c.put("global_clipnorm", globalClipNorm);
        addConfig(c);
        return c;
    }

    /** Applies a {@link #getConfig()} map (what {@link Optimizers#fromConfig} does after choosing the class). */
    void configure(Map<String, ?> config) {
        for (Map.Entry<String, ?> e : config.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            switch (k) {
                case "name" -> { }
                case "learning_rate", "lr" -> {
                    if (v instanceof Number n) learningRate(n.doubleValue());
                    else if (v instanceof Map<?, ?> m) learningRate(LearningRateSchedule.fromConfig(castMap(m)));
                    else throw new IllegalArgumentException(className + ": learning_rate must be a number or a schedule config, got " + v);
                }
                case "decay" -> decay(number(k, v));
                case "clipnorm" -> clipNorm(v == null ? 0 : number(k, v));
                case "clipvalue" -> clipValue(v == null ? 0 : number(k, v));
                case "global_clipnorm" -> globalClipNorm(v == null ? 0 : number(k, v));
                default -> {
                    if (!applyConfig(k, v)) {
                        throw new IllegalArgumentException(className + ": unknown config key '" + k + "'; known: "
                                + getConfig().keySet());
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> castMap(Map<?, ?> m) { return (Map<String, ?>) m; }

    /** A config value as a double (for subclasses' {@link #applyConfig}). */
    protected final double number(String key, Object v) {
        if (!(v instanceof Number n)) throw new IllegalArgumentException(className + ": config '" + key + "' must be a number, got " + v);
        return n.doubleValue();
    }

    /** A config value as a boolean. */
    protected final boolean bool(String key, Object v) {
        if (!(v instanceof Boolean b)) throw new IllegalArgumentException(className + ": config '" + key + "' must be true or false, got " + v);
        return b;
    }

    @Override
    public String toString() { return className + getConfig(); }
}
