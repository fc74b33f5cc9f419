// A compiled symbolic graph: K.function's replay plan with folding, CSE, fusion and buffer reuse.
package dev.vela;

import dev.vela.spi.Storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The result of {@code K.function(inputs, outputs, updates)}. Compiling orders the graph topologically,
 * drops nodes no output needs, merges common subexpressions, folds constant subgraphs, and per input
 * shape builds a replay plan that fuses chains of elementwise ops into one pass over memory and reuses
 * buffers between calls. A call computes the outputs, then every update from the old values, then
 * commits all updates together; a call that fails changes no variable.
 * <pre>{@code
 * KFunction f = K.function(List.of(x), List.of(x.add(1)));
 * f.call(new float[][] {{1, 2}, {3, 4}}).get(0)
 * }</pre>
 */
public final class KFunction {
    private final List<Tensor> inputs;
    private final List<Tensor> outputs;
    private final List<K.Update> updates;
    /** Canonical node for every graph tensor (after CSE and folding). */
    private final Map<Tensor, Tensor> canon = new IdentityHashMap<>();
    /** Graph nodes in topological order (canonical ones only, placeholders excluded). */
    private final List<Tensor> order = new ArrayList<>();
    /** Folded constants: node -> value, with the versions of the eager leaves they were computed from. */
    private final Map<Tensor, Tensor> folded = new IdentityHashMap<>();
    private final List<Tensor> foldLeaves = new ArrayList<>();
    private final List<Integer> foldVersions = new ArrayList<>();
    private final Map<Signature, Plan> plans = new HashMap<>();

    /** The shapes and dtypes a plan was built for. */
    private record Signature(int[] key) {
        @Override public boolean equals(Object o) { return o instanceof Signature s && Arrays.equals(key, s.key); }

        @Override public int hashCode() { return Arrays.hashCode(key); }
    }
    private boolean reuseOutputs;
    private boolean profiling;
    /** Per step kind: total nanoseconds and calls, while profiling. */
    private final Map<String, long[]> profile = new java.util.TreeMap<>();
    private int cseMerged, constantsFolded;

    private final int userInputs;

    KFunction(List<Tensor> inputs, List<Tensor> outputs, List<K.Update> updates) {
        this.userInputs = inputs.size();
        List<Tensor> all = new ArrayList<>(inputs);
        List<Tensor> roots = new ArrayList<>(outputs);
        for (K.Update u : updates) roots.add(u.value());
        Tensor lp = K.learningPhaseIfCreated();
        if (lp != null && !containsIdentity(inputs, lp) && dependsOn(roots, lp)) all.add(lp); // fed with its default
        List<String> missing = Sym.placeholdersOf(roots.toArray(new Tensor[0]));
        for (Tensor t : all) if (t != null && t.sym != null) missing.remove(t.sym.name);
        if (!missing.isEmpty()) {
            List<String> given = new ArrayList<>();
            for (Tensor t : inputs) given.add(t == null || t.sym == null ? String.valueOf(t) : t.sym.name);
            throw new IllegalArgumentException("function: the outputs depend on placeholder(s) " + missing
                    + " that are not among the inputs " + given);
        }
        inputs = all;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.updates = List.copyOf(updates);
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            if (t == null || t.sym == null || !t.sym.isPlaceholder()) {
                throw new IllegalArgumentException("function: input " + i + " must be a placeholder, got "
                        + (t == null ? "null" : t.isSymbolic() ? t.toString() : "an eager tensor of shape " + t.shape()));
            }
        }
        compile();
    }

    // ================================================================== compile

    private void compile() {
        List<Tensor> roots = new ArrayList<>(outputs);
        for (K.Update u : updates) roots.add(u.value());
        // topological order by iterative DFS
        List<Tensor> topo = new ArrayList<>();
        Set<Tensor> done = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Tensor> onStack = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor r : roots) {
            if (r == null || r.sym == null) continue;
            ArrayDeque<Object[]> stack = new ArrayDeque<>();
            stack.push(new Object[] {r, 0});
            while (!stack.isEmpty()) {
                Object[] top = stack.peek();
                Tensor t = (Tensor) top[0];
                int i = (Integer) top[1];
                if (i == 0) {
                    if (done.contains(t)) { stack.pop(); continue; }
                    onStack.add(t);
                }
                Tensor[] ins = t.sym.inputs;
                if (i < ins.length) {
                    top[1] = i + 1;
                    Tensor c = ins[i];
                    if (c != null && c.sym != null && !done.contains(c)) stack.push(new Object[] {c, 0});
                } else {
                    stack.pop();
                    onStack.remove(t);
                    if (done.add(t)) topo.add(t);
                }
            }
        }
        // CSE and constant folding, in topological order
        Map<String, Tensor> seen = new HashMap<>();
        Map<Tensor, Integer> ids = new IdentityHashMap<>();
        for (Tensor t : topo) {
            if (t.sym.isPlaceholder()) {
                canon.put(t, t);
                continue;
            }
            Tensor[] ins = canonicalInputs(t);
            Op op = t.sym.op;
            boolean constant = op.deterministic();
            for (Tensor in : ins) {
                if (in == null) continue;
                if (in.sym != null ? !folded.containsKey(in) : in.variable) constant = false;
            }
            String key = op.key();
            if (key != null && op.deterministic()) {
                StringBuilder sb = new StringBuilder(op.getClass().getName()).append('|').append(key);
                for (Tensor in : ins) sb.append('|').append(in == null ? "null" : idOf(in, ids));
                Tensor prev = seen.putIfAbsent(sb.toString(), t);
                if (prev != null) {
                    canon.put(t, prev);
                    cseMerged++;
                    continue;
                }
            }
            canon.put(t, t);
            if (constant && !isPlaceholderBound(ins)) {
                Tensor[] vals = new Tensor[ins.length];
                for (int i = 0; i < ins.length; i++) {
                    Tensor in = ins[i];
                    vals[i] = in == null ? null : in.sym != null ? folded.get(in) : in;
                    if (in != null && in.sym == null) {
                        foldLeaves.add(in);
                        foldVersions.add(in.storage.version());
                    }
                }
                try (GradMode g = GradMode.set(false)) {
                    folded.put(t, op.forward(vals));
                }
                constantsFolded++;
                continue;
            }
            order.add(t);
        }
    }

    private static boolean containsIdentity(List<Tensor> l, Tensor t) {
        for (Tensor x : l) if (x == t) return true;
        return false;
    }

    private static boolean dependsOn(List<Tensor> roots, Tensor ph) {
        return Sym.placeholdersOf(roots.toArray(new Tensor[0])).contains(ph.sym.name);
    }

    private static boolean isPlaceholderBound(Tensor[] ins) {
        for (Tensor in : ins) if (in != null && in.sym != null && in.sym.isPlaceholder()) return true;
        return false;
    }

    /** Identity for CSE: by content for small constants (so two scalar 2.0 operands match), else by object. */
    private Object idOf(Tensor t, Map<Tensor, Integer> ids) {
        if (t.sym == null && !t.variable && t.size() <= 64) {
            foldLeaves.add(t); // an in-place change to it must recompile
            foldVersions.add(t.storage.version());
            return "c:" + t.dtype() + t.shape() + Arrays.toString(t.toDoubleArray());
        }
        return ids.computeIfAbsent(t, k -> ids.size());
    }

    private Tensor[] canonicalInputs(Tensor t) {
        Tensor[] ins = t.sym.inputs.clone();
        for (int i = 0; i < ins.length; i++) if (ins[i] != null && ins[i].sym != null) ins[i] = canon.get(ins[i]);
        return ins;
    }

    private boolean foldingStale() {
        for (int i = 0; i < foldLeaves.size(); i++) {
            if (foldLeaves.get(i).storage.version() != foldVersions.get(i)) return true;
        }
        return false;
    }

    // ================================================================== call

    /** Returns tensors owned by this function, overwritten by its next call, instead of copies (no allocation). */
    public KFunction reuseOutputs(boolean reuse) {
        this.reuseOutputs = reuse;
        return this;
    }

    /** Runs the function on one value per input (Tensors or Java arrays), in the order of the inputs. */
    public synchronized List<Tensor> call(Object... values) {
        if (values != null && values.getClass() != Object[].class) {
            values = new Object[] {values}; // a single float[][] (etc.) arrived as the varargs array itself
        }
        if (values.length == 1 && values[0] instanceof List<?> l) {
            values = l.toArray();
        }
        if (values.length != userInputs) {
            throw new IllegalArgumentException("function: expected " + userInputs + " input value(s) for "
                    + names(inputs.subList(0, userInputs)) + ", got " + values.length);
        }
        Tensor[] fed = new Tensor[inputs.size()];
        int len = 0;
        for (int i = 0; i < fed.length; i++) {
            Object value = i < userInputs ? values[i] : (double) K.learningPhaseValue();
            fed[i] = K.feed(inputs.get(i), value, "function");
            len += 2 + fed[i].rank();
        }
        int[] sig = new int[len]; // dtype, rank and dims of every fed value: the plan's key
        for (int i = 0, k = 0; i < fed.length; i++) {
            sig[k++] = fed[i].dtype().ordinal();
            sig[k++] = fed[i].rank();
            for (int d : fed[i].shape().raw()) sig[k++] = d;
        }
        if (foldingStale()) {
            canon.clear(); order.clear(); folded.clear(); foldLeaves.clear(); foldVersions.clear(); plans.clear();
            compile();
        }
        Plan plan = plans.computeIfAbsent(new Signature(sig), k -> new Plan(fed));
        return plan.run(fed);
    }

    /** A one-input convenience: {@code f.call(List.of(a, b))} works as well as {@code f.call(a, b)}. */
    public List<Tensor> call(List<?> values) { return call(values.toArray()); }

    private static String names(List<Tensor> ts) {
        List<String> n = new ArrayList<>();
        for (Tensor t : ts) n.add(t.sym.name);
        return n.toString();
    }

    /** Times every step of every call from now on (see {@link #profile()}); off by default. */
    public KFunction profiling(boolean on) {
        profiling = on;
        profile.clear();
        return this;
    }

    /**
     * Time per step kind (op name, or "fused[op,op,...]" for fused groups) since profiling was switched on:
     * total milliseconds, calls and microseconds per call, most expensive first.
     */
    public synchronized String profile() {
        StringBuilder sb = new StringBuilder();
        profile.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).forEach(e ->
                sb.append(String.format(java.util.Locale.ROOT, "%10.3f ms %8d calls %10.2f us/call  %s%n",
                        e.getValue()[0] / 1e6, e.getValue()[1], e.getValue()[0] / 1e3 / Math.max(1, e.getValue()[1]), e.getKey())));
        return sb.toString();
    }

    /** Statistics of the compiled graph, for tests and curiosity. */
    public String describe() {
        int fusedGroups = 0, physical = 0, allocs = 0;
        for (Plan p : plans.values()) {
            fusedGroups += p.fusedGroups;
            physical += p.arena.physicalBuffers();
            allocs += p.arena.allocations();
        }
        return "nodes=" + order.size() + " cse=" + cseMerged + " folded=" + constantsFolded + " fusedGroups="
                + fusedGroups + " allocations=" + allocs + " buffers=" + physical;
    }

    int fusedGroups() {
        int n = 0;
        for (Plan p : plans.values()) n += p.fusedGroups;
        return n;
    }

    // ================================================================== plans

    /** The replay plan for one set of input shapes. */
    private final class Plan {
        final List<Step> steps = new ArrayList<>();
        final Map<Tensor, Integer> slotOf = new IdentityHashMap<>();
        final Arena arena = new Arena();
        int slots;
        int fusedGroups;

        Plan(Tensor[] fed) {
            for (Tensor in : inputs) slotOf.put(in, slots++);
            // concrete shapes for every node, by shape inference over stand-ins
            Map<Tensor, Tensor> shapes = new IdentityHashMap<>();
            for (int i = 0; i < fed.length; i++) shapes.put(inputs.get(i), fed[i]);
            for (Tensor t : order) {
                Tensor[] ins = canonicalInputs(t);
                Tensor[] st = new Tensor[ins.length];
                for (int i = 0; i < ins.length; i++) st[i] = standIn(ins[i], shapes);
                Shape s;
                try {
                    s = t.sym.op.inferShape(st);
                } catch (UnsupportedOperationException e) {
                    s = null;
                }
                shapes.put(t, s == null || !s.isKnown() ? null : new Tensor(s, t.sym.op.inferDtype(st), new Sym()));
            }
            // consumers, to find single-use elementwise chains
            Map<Tensor, Integer> uses = new IdentityHashMap<>();
            for (Tensor t : order) for (Tensor in : canonicalInputs(t)) if (in != null) uses.merge(in, 1, Integer::sum);
            Set<Tensor> pinned = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Tensor o : outputs) if (o != null) pinned.add(resolve(o));
            for (K.Update u : updates) pinned.add(resolve(u.value()));
            Map<Tensor, FusedGroup> groupOf = new IdentityHashMap<>();
            for (Tensor t : order) {
                FusedGroup.Instr ins = FusedGroup.instrOf(t.sym.op);
                Tensor sh = shapes.get(t);
                if (ins != null && sh != null && sh.dtype().isFloating() && Device.defaultDevice().isCpu()) {
                    // absorb single-use elementwise producers of the same shape and dtype
                    FusedGroup g = null;
                    for (Tensor in : canonicalInputs(t)) {
                        FusedGroup pg = in == null ? null : groupOf.get(in);
                        if (pg != null && uses.getOrDefault(in, 0) == 1 && !pinned.contains(in) && g == null
                                && shapes.get(in) != null && shapes.get(in).shape().equals(sh.shape())
                                && shapes.get(in).dtype() == sh.dtype()) {
                            g = pg;
                        }
                    }
                    if (g == null) {
                        g = new FusedGroup(sh.shape(), sh.dtype());
                    } else {
                        steps.remove(g); // the group now runs where its newest member stands
                    }
                    steps.add(g);
                    g.add(t, canonicalInputs(t), groupOf);
                    groupOf.put(t, g);
                    continue;
                }
                steps.add(new Single(t));
            }
            // a group with one member is just a single op; slots for every produced tensor
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i) instanceof FusedGroup g && g.members.size() == 1) steps.set(i, new Single(g.members.get(0)));
            }
            for (Step s : steps) {
                slotOf.put(s.result(), slots++);
                if (s instanceof FusedGroup) fusedGroups++;
            }
        }

        private Tensor standIn(Tensor in, Map<Tensor, Tensor> shapes) {
            if (in == null) return null;
            if (in.sym == null) return in;
            Tensor f = folded.get(in);
            if (f != null) return f;
            Tensor s = shapes.get(in);
            return s != null ? s : in;
        }

        List<Tensor> run(Tensor[] fed) {
            Tensor[] val = new Tensor[slots];
            for (int i = 0; i < fed.length; i++) val[i] = fed[i];
            Arena.CURRENT.set(arena);
            arena.beginRun();
            boolean recording = arena.isRecording();
            Map<Storage, Integer> lastUse = recording ? new IdentityHashMap<>() : null;
            try (GradMode g = GradMode.set(false)) {
                for (int i = 0; i < steps.size(); i++) {
                    arena.step(i);
                    Step s = steps.get(i);
                    Tensor[] args = s.args(this, val);
                    if (lastUse != null) for (Tensor a : args) if (a != null && a.storage != null) lastUse.put(a.storage, i);
                    long t0 = profiling ? System.nanoTime() : 0;
                    val[slotOf.get(s.result())] = s.exec(args);
                    if (profiling) {
                        long[] acc = profile.computeIfAbsent(s.label(), k -> new long[2]);
                        acc[0] += System.nanoTime() - t0;
                        acc[1]++;
                    }
                }
            } finally {
                Arena.CURRENT.remove();
            }
            List<Tensor> res = new ArrayList<>(outputs.size());
            for (Tensor o : outputs) res.add(value(o, val));
            List<Tensor> newValues = new ArrayList<>(updates.size());
            for (K.Update u : updates) newValues.add(value(u.value(), val));
            if (lastUse != null) {
                for (Tensor r : res) if (r.storage != null) lastUse.put(r.storage, Integer.MAX_VALUE);
                for (Tensor r : newValues) if (r.storage != null) lastUse.put(r.storage, Integer.MAX_VALUE);
                arena.plan(lastUse);
            } else if (arena.invalid) {
                arena.rerecord();
            }
            long tc = profiling ? System.nanoTime() : 0;
            try {
                return finish(res, newValues);
            } finally {
                if (profiling) {
                    long[] acc = profile.computeIfAbsent("(commit updates, copy outputs)", k -> new long[2]);
                    acc[0] += System.nanoTime() - tc;
                    acc[1]++;
                }
            }
        }

        private List<Tensor> finish(List<Tensor> res, List<Tensor> newValues) {
            // validate every update before committing any, so a failing call changes no variable
            for (int i = 0; i < updates.size(); i++) {
                Tensor var = updates.get(i).variable(), nv = newValues.get(i);
                if (!nv.shape().equals(var.shape())) {
                    throw new IllegalArgumentException("function: the update of variable '" + var.name() + "' (shape "
                            + var.shape() + ") computed a value of shape " + nv.shape() + "; no variable was changed");
                }
            }
            if (updates.isEmpty()) {
                if (!reuseOutputs) res.replaceAll(Tensor::copyValues);
                else for (int i = 0; i < res.size(); i++) if (res.get(i).isVariable()) res.set(i, res.get(i).copyValues());
                return res;
            }
            // values that read an updated variable's storage must be taken before any commit (old values)
            Set<Storage> updated = Collections.newSetFromMap(new IdentityHashMap<>());
            for (K.Update u : updates) updated.add(u.variable().storage);
            for (int i = 0; i < newValues.size(); i++) {
                if (updated.contains(newValues.get(i).storage)) newValues.set(i, newValues.get(i).copyValues());
            }
            for (int i = 0; i < res.size(); i++) {
                Tensor r = res.get(i);
                if (!reuseOutputs || updated.contains(r.storage) || r.isVariable()) res.set(i, r.copyValues());
            }
            try (GradMode g = GradMode.set(false)) {
                for (int i = 0; i < updates.size(); i++) updates.get(i).variable().copyFrom(newValues.get(i));
            }
            return res;
        }

        Tensor value(Tensor t, Tensor[] val) {
            if (t.sym == null) return t;
            Tensor c = resolve(t);
            Tensor f = folded.get(c);
            if (f != null) return f;
            Integer slot = slotOf.get(c);
            if (slot == null) throw new IllegalStateException("function: no value computed for " + t);
            return val[slot];
        }

        Tensor arg(Tensor in, Tensor[] val) {
            if (in == null) return null;
            if (in.sym == null) return in;
            Tensor f = folded.get(in);
            if (f != null) return f;
            Integer slot = slotOf.get(in);
            if (slot == null) {
                throw new IllegalArgumentException("function: the graph needs placeholder '" + in.sym.name
                        + "' which is not among the function's inputs " + names(inputs));
            }
            return val[slot];
        }
    }

    private Tensor resolve(Tensor t) {
        Tensor c = canon.get(t);
        return c == null ? t : c;
    }

    private abstract static class Step {
        abstract Tensor result();

        /** A name for profiles. */
        abstract String label();

        abstract Tensor[] args(Plan p, Tensor[] val);

        abstract Tensor exec(Tensor[] args);
    }

    private final class Single extends Step {
        final Tensor node;
        final Tensor[] ins;

        Single(Tensor node) {
            this.node = node;
            this.ins = canonicalInputs(node);
        }

        @Override Tensor result() { return node; }

        @Override String label() { return node.sym.op.name(); }

        @Override
        Tensor[] args(Plan p, Tensor[] val) {
            Tensor[] a = new Tensor[ins.length];
            for (int i = 0; i < ins.length; i++) a[i] = p.arg(ins[i], val);
            return a;
        }

        @Override
        Tensor exec(Tensor[] args) {
            try {
                return node.sym.op.forward(args);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("function: op '" + node.sym.op.name() + "' (" + node.sym.name
                        + ") failed: " + e.getMessage(), e);
            }
        }
    }

    /** A chain of elementwise ops evaluated block by block in one pass. */
    private static final class FusedGroup extends Step {
        record Instr(dev.vela.spi.UnaryOp u, dev.vela.spi.BinaryOp b, double p0, double p1) {}

        static Instr instrOf(Op op) {
            if (op instanceof ElementwiseOps.Unary u && u.differentiable()) return new Instr(u.k, null, u.p0, u.p1);
            if (op instanceof ElementwiseOps.Binary b && !Kern.isComparison(b.k)) return new Instr(null, b.k, 0, 0);
            return null;
        }

        final Shape shape;
        final DType dtype;
        final List<Tensor> members = new ArrayList<>();
        final List<Tensor> externals = new ArrayList<>();
        final List<int[]> program = new ArrayList<>(); // per member: operand refs (>=0 member, <0 external -1-k)
        final List<Instr> instrs = new ArrayList<>();
        private Object[] registers;
        private Object[] extBuf;

        FusedGroup(Shape shape, DType dtype) {
            this.shape = shape;
            this.dtype = dtype;
        }

        void add(Tensor t, Tensor[] ins, Map<Tensor, FusedGroup> groupOf) {
            int[] refs = new int[ins.length];
            for (int i = 0; i < ins.length; i++) {
                int m = members.indexOf(ins[i]);
                if (m >= 0 && groupOf.get(ins[i]) == this) refs[i] = m;
                else {
                    int e = indexOfIdentity(externals, ins[i]);
                    if (e < 0) {
                        externals.add(ins[i]);
                        e = externals.size() - 1;
                    }
                    refs[i] = -1 - e;
                }
            }
            members.add(t);
            program.add(refs);
            instrs.add(instrOf(t.sym.op));
        }

        private static int indexOfIdentity(List<Tensor> l, Tensor t) {
            for (int i = 0; i < l.size(); i++) if (l.get(i) == t) return i;
            return -1;
        }

        @Override Tensor result() { return members.get(members.size() - 1); }

        @Override
        String label() {
            StringBuilder sb = new StringBuilder("fused[");
            for (int i = 0; i < members.size(); i++) sb.append(i > 0 ? "," : "").append(members.get(i).sym.op.name());
            return sb.append("] ").append(shape).toString();
        }

        @Override
        Tensor[] args(Plan p, Tensor[] val) {
            Tensor[] a = new Tensor[externals.size()];
            for (int i = 0; i < a.length; i++) a[i] = p.arg(externals.get(i), val);
            return a;
        }

        private static final int BLOCK = 2048;

        @Override
        Tensor exec(Tensor[] ext) {
            int n = (int) shape.size();
            int[] dims = shape.raw();
            // each external as (array, offset, period): period 0 = full contiguous, 1 = scalar, L = repeating row
            Object[] arr = new Object[ext.length];
            int[] off = new int[ext.length];
            int[] period = new int[ext.length];
            for (int i = 0; i < ext.length; i++) {
                Tensor e = Kern.cast(ext[i], dtype);
                dev.vela.spi.View v = Kern.broadcastView(e, dims);
                int p = periodOf(e, v);
                if (p < 0) { // odd layout: materialise once
                    Tensor c = Kern.emptyUninit(dtype, dims, e.device());
                    Kern.be(e).copy(v, c.view());
                    e = c;
                    p = 0;
                }
                arr[i] = ((dev.vela.cpu.CpuStorage) e.storage).array();
                off[i] = (int) e.offset;
                period[i] = p;
            }
            Tensor out = Kern.emptyUninit(dtype, dims, Device.CPU);
            Object outArr = ((dev.vela.cpu.CpuStorage) out.storage).array();
            boolean f32 = dtype == DType.FLOAT32;
            if (registers == null) {
                registers = new Object[members.size()];
                extBuf = new Object[ext.length];
                for (int i = 0; i < registers.length; i++) registers[i] = f32 ? new float[BLOCK] : new double[BLOCK];
                for (int i = 0; i < ext.length; i++) extBuf[i] = f32 ? new float[BLOCK] : new double[BLOCK];
            }
            int last = members.size() - 1;
            Object[] srcA = new Object[2];
            int[] srcO = new int[2], srcS = new int[2];
            for (int base = 0; base < n; base += BLOCK) {
                int len = Math.min(BLOCK, n - base);
                for (int m = 0; m <= last; m++) {
                    int[] refs = program.get(m);
                    Instr ins = instrs.get(m);
                    Object dst = m == last ? outArr : registers[m];
                    int dOff = m == last ? base : 0;
                    for (int r = 0; r < refs.length; r++) {
                        int ref = refs[r];
                        if (ref >= 0) {
                            srcA[r] = registers[ref];
                            srcO[r] = 0;
                            srcS[r] = 1;
                        } else {
                            int e = -1 - ref;
                            int p = period[e];
                            if (p == 0) {
                                srcA[r] = arr[e];
                                srcO[r] = off[e] + base;
                                srcS[r] = 1;
                            } else if (p == 1) {
                                srcA[r] = arr[e];
                                srcO[r] = off[e];
                                srcS[r] = 0;
                            } else {
                                Object buf = extBuf[e];
                                int start = base % p;
                                for (int k = 0; k < len; ) {
                                    int chunk = Math.min(len - k, p - start);
                                    System.arraycopy(arr[e], off[e] + start, buf, k, chunk);
                                    k += chunk;
                                    start = 0;
                                }
                                srcA[r] = buf;
                                srcO[r] = 0;
                                srcS[r] = 1;
                            }
                        }
                    }
                    if (ins.u() != null) {
                        if (f32) dev.vela.cpu.VectorKernels.unary(ins.u(), ins.p0(), ins.p1(), (float[]) srcA[0], srcO[0], srcS[0], (float[]) dst, dOff, len);
                        else dev.vela.cpu.VectorKernels.unary(ins.u(), ins.p0(), ins.p1(), (double[]) srcA[0], srcO[0], srcS[0], (double[]) dst, dOff, len);
                    } else {
                        if (f32) dev.vela.cpu.VectorKernels.binary(ins.b(), (float[]) srcA[0], srcO[0], srcS[0], (float[]) srcA[1], srcO[1], srcS[1], (float[]) dst, dOff, len);
                        else dev.vela.cpu.VectorKernels.binary(ins.b(), (double[]) srcA[0], srcO[0], srcS[0], (double[]) srcA[1], srcO[1], srcS[1], (double[]) dst, dOff, len);
                    }
                }
            }
            return out;
        }

        /** 0 when v is the contiguous full layout, 1 for a broadcast scalar, L for a repeating trailing row, -1 otherwise. */
        private static int periodOf(Tensor e, dev.vela.spi.View v) {
            if (!e.device().isCpu() || !e.isContiguous()) return -1;
            int[] st = v.strides(), sh = v.shape();
            long total = v.size(), p = 1;
            int k = sh.length;
            while (k > 0 && (sh[k - 1] == 1 || st[k - 1] == p)) {
                p *= sh[k - 1];
                k--;
            }
            for (int i = 0; i < k; i++) if (sh[i] != 1 && st[i] != 0) return -1;
            if (p == total) return 0;
            return p == 1 ? 1 : (int) p;
        }
    }

    @Override
    public String toString() { return "KFunction(inputs=" + names(inputs) + ", outputs=" + outputs.size() + ", updates=" + updates.size() + ")"; }

}
