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
        this.fedScratch = new Tensor[inputs.size()];
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

    /**
     * Returns tensors owned by this function, overwritten by its next call, instead of copies (no allocation). The
     * returned list is the function's too: read-only, and refilled by the next call.
     */
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
        // the fed values and the plan's key go into arrays kept between calls (a steady-state call allocates
        // neither); the fed array is cleared again at the end so that nothing is held between calls
        Tensor[] fed = fedScratch;
        try {
            int len = 0;
            for (int i = 0; i < fed.length; i++) {
                Object value = i < userInputs ? values[i] : (double) K.learningPhaseValue();
                fed[i] = K.feed(inputs.get(i), value, "function");
                len += 2 + fed[i].rank();
            }
            if (sigScratch.length < len) sigScratch = new int[len];
            int[] sig = sigScratch; // dtype, rank and dims of every fed value: the plan's key (its first len entries)
            for (int i = 0, k = 0; i < fed.length; i++) {
                sig[k++] = fed[i].dtype().ordinal();
                sig[k++] = fed[i].rank();
                for (int d : fed[i].shape().raw()) sig[k++] = d;
            }
            if (foldingStale()) {
                canon.clear(); order.clear(); folded.clear(); foldLeaves.clear(); foldVersions.clear(); plans.clear();
                lastSignature = null;
                lastPlan = null;
                compile();
            }
            Plan plan;
            if (lastSignature != null && Arrays.equals(lastSignature.key, 0, lastSignature.key.length, sig, 0, len)) {
                plan = lastPlan; // the same shapes as the last call: no key object, no map look-up
            } else {
                Signature key = new Signature(Arrays.copyOf(sig, len));
                plan = plans.get(key);
                if (plan == null) {
                    plan = new Plan(fed);
                    plans.put(key, plan);
                }
                lastSignature = key;
                lastPlan = plan;
            }
            return plan.run(fed);
        } finally {
            Arrays.fill(fed, null);
        }
    }

    /** Per-call scratch of {@link #call}: the fed values, and the plan key being built. */
    private final Tensor[] fedScratch;
    private int[] sigScratch = new int[0];
    /** The key and plan of the last call (most calls have the shapes of the one before). */
    private Signature lastSignature;
    private Plan lastPlan;

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
        int fusedGroups = 0, physical = 0, allocs = 0, inPlace = 0, loops = 0;
        for (Plan p : plans.values()) {
            fusedGroups += p.fusedGroups;
            inPlace += p.lastInPlace;
            for (Step s : p.steps) if (s instanceof FusedGroup g && g.loop != null) loops++;
            physical += p.arena.physicalBuffers();
            allocs += p.arena.allocations();
        }
        return "nodes=" + order.size() + " cse=" + cseMerged + " folded=" + constantsFolded + " fusedGroups="
                + fusedGroups + " allocations=" + allocs + " buffers=" + physical + " inPlace=" + inPlace + " loops=" + loops;
    }

    int fusedGroups() {
        int n = 0;
        for (Plan p : plans.values()) n += p.fusedGroups;
        return n;
    }

    // ================================================================== plans

    /**
     * The replay plan for one set of input shapes. Steps run in order, except the fused groups whose results
     * feed updates only: they form the tail and run last, once everything that can fail has been checked, so
     * they can write an update's new value straight into its variable instead of into a buffer that is then
     * copied.
     */
    private final class Plan {
        final List<Step> steps = new ArrayList<>();
        final Map<Tensor, Integer> slotOf = new IdentityHashMap<>();
        final Arena arena = new Arena();
        int slots;
        int fusedGroups;
        /** Steps from this index on are the tail. */
        int tailStart;
        /** Per update: the tail group computing its value and which of the group's results it is, or null / -1. */
        final FusedGroup[] tailGroup = new FusedGroup[updates.size()];
        final int[] tailResult = new int[updates.size()];
        /** Per update: the graph allows writing it into its variable (the operands are checked again per call). */
        final boolean[] inPlaceCandidate = new boolean[updates.size()];
        /** The storages of the updated variables. */
        final Set<Storage> updated = Collections.newSetFromMap(new IdentityHashMap<>());
        private Tensor[] val;
        /** Per-call scratch of run: per update, its new value and whether it is written in place. */
        private final Tensor[] newValues = new Tensor[updates.size()];
        private final boolean[] inPlace = new boolean[updates.size()];
        /** Updates the last call wrote straight into their variables. */
        int lastInPlace;

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
            // consumers of every node (one per operand position)
            Map<Tensor, Integer> uses = new IdentityHashMap<>();
            for (Tensor t : order) for (Tensor in : canonicalInputs(t)) if (in != null) uses.merge(in, 1, Integer::sum);
            Set<Tensor> pinned = Collections.newSetFromMap(new IdentityHashMap<>());
            Set<Tensor> outputNodes = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Tensor o : outputs) if (o != null) { pinned.add(resolve(o)); outputNodes.add(resolve(o)); }
            Map<Tensor, Integer> updateUses = new IdentityHashMap<>();
            Map<Storage, Integer> storageUpdates = new IdentityHashMap<>();
            for (K.Update u : updates) {
                pinned.add(resolve(u.value()));
                updateUses.merge(resolve(u.value()), 1, Integer::sum);
                storageUpdates.merge(u.variable().storage, 1, Integer::sum);
                updated.add(u.variable().storage);
            }
            // fusion: an elementwise op joins the groups of its same-shape elementwise operands (merging them), so
            // chains and diamonds run as one pass; a member used outside its group becomes one of its results. A
            // group that a later step reads from is sealed: it cannot move later, so it takes no new members.
            Map<Tensor, FusedGroup> groupOf = new IdentityHashMap<>();
            Map<Tensor, List<Tensor>> consumers = new IdentityHashMap<>();
            for (Tensor t : order) for (Tensor in : canonicalInputs(t)) if (in != null) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(t);
            boolean cpu = Device.defaultDevice().isCpu();
            for (Tensor t : order) {
                Tensor[] ins = canonicalInputs(t);
                FusedGroup.Instr instr = FusedGroup.instrOf(t.sym.op);
                Tensor sh = shapes.get(t);
                DType dt = sh == null ? null : sh.dtype();
                if (instr != null && instr.b() != null && Kern.isComparison(instr.b())) {
                    dt = fusableComparison(t, ins, sh, shapes, consumers, pinned);
                    if (dt == null) instr = null;
                }
                if (instr != null && sh != null && dt.isFloating() && cpu) {
                    FusedGroup g = null;
                    for (Tensor in : ins) {
                        FusedGroup pg = in == null ? null : groupOf.get(in);
                        if (pg == null || pg == g || pg.sealed || !pg.shape.equals(sh.shape()) || pg.dtype != dt) continue;
                        if (g == null) {
                            g = pg;
                        } else {
                            g.absorb(pg, groupOf);
                            steps.remove(pg);
                        }
                    }
                    seal(ins, g, groupOf);
                    if (g == null) g = new FusedGroup(sh.shape(), dt);
                    else steps.remove(g); // the group now runs where its newest member stands
                    steps.add(g);
                    g.add(t, ins, groupOf);
                    continue;
                }
                seal(ins, null, groupOf);
                steps.add(new Single(t));
            }
            // a group with one member is just a single op, unless an operand is broadcast (a row repeated over a
            // batch, say): the backend walks those row by row, the group in blocks with the row repeated
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i) instanceof FusedGroup g) {
                    if (g.members.size() == 1 && !broadcasts(g, shapes)) steps.set(i, new Single(g.members.get(0)));
                    else g.finishPlan(pinned, uses);
                }
            }
            // the tail: groups with a result that can go straight into its variable, and no result that anything
            // but updates reads (so they can run after everything else)
            List<Step> tail = new ArrayList<>();
            for (Step s : steps) {
                if (!(s instanceof FusedGroup g)) continue;
                boolean onlyUpdates = true, candidate = false;
                for (int j = 0; j < g.results.length; j++) {
                    Tensor r = g.results[j];
                    int u = updateUses.getOrDefault(r, 0);
                    if (u == 0 || outputNodes.contains(r) || uses.getOrDefault(r, 0) != g.internalUses(g.resultMember[j])) onlyUpdates = false;
                    if (u == 1) {
                        for (K.Update up : updates) {
                            if (resolve(up.value()) == r && storageUpdates.get(up.variable().storage) == 1
                                    && staticallyWritable(up.variable(), g)) candidate = true;
                        }
                    }
                }
                if (onlyUpdates && candidate) tail.add(s);
            }
            steps.removeAll(tail);
            tailStart = steps.size();
            steps.addAll(tail);
            for (int i = 0; i < updates.size(); i++) {
                tailResult[i] = -1;
                K.Update up = updates.get(i);
                if (up.value().sym == null) continue;
                Tensor c = resolve(up.value());
                for (Step s : tail) {
                    FusedGroup g = (FusedGroup) s;
                    int j = g.resultIndex(c);
                    if (j < 0) continue;
                    tailGroup[i] = g;
                    tailResult[i] = j;
                    inPlaceCandidate[i] = updateUses.get(c) == 1 && storageUpdates.get(up.variable().storage) == 1
                            && staticallyWritable(up.variable(), g);
                }
            }
            for (Step s : steps) {
                s.slots = new int[s.results.length];
                for (int j = 0; j < s.results.length; j++) {
                    s.slots[j] = slots;
                    slotOf.put(s.results[j], slots++);
                }
                if (s instanceof FusedGroup) fusedGroups++;
            }
            val = new Tensor[slots];
        }

        /**
         * The dtype a comparison can be fused in (computing 1 or 0 in it, as the float kernels do), or null: both
         * operands have that float dtype, the mask is no result, and every consumer is a fusable float op of the
         * same shape and dtype (which would cast the boolean mask to exactly those 1s and 0s anyway).
         */
        private DType fusableComparison(Tensor t, Tensor[] ins, Tensor sh, Map<Tensor, Tensor> shapes,
                                        Map<Tensor, List<Tensor>> consumers, Set<Tensor> pinned) {
            if (sh == null || ins.length != 2 || pinned.contains(t)) return null;
            Tensor a = standIn(ins[0], shapes), b = standIn(ins[1], shapes);
            if (a == null || b == null || a.dtype() != b.dtype() || !a.dtype().isFloating()) return null;
            DType d = a.dtype();
            List<Tensor> cs = consumers.get(t);
            if (cs == null) return null;
            for (Tensor c : cs) {
                FusedGroup.Instr ci = FusedGroup.instrOf(c.sym.op);
                Tensor cs0 = shapes.get(c);
                if (ci == null || (ci.b() != null && Kern.isComparison(ci.b())) || cs0 == null || cs0.dtype() != d
                        || !cs0.shape().equals(sh.shape())) {
                    return null;
                }
            }
            return d;
        }

        /** Whether some operand of the group has fewer elements than the group (is broadcast); false for scalars. */
        private boolean broadcasts(FusedGroup g, Map<Tensor, Tensor> shapes) {
            long n = g.shape.size();
            if (g.shape.rank() < 2) return false;
            for (Tensor e : g.externals) {
                Tensor s = standIn(e, shapes);
                if (s == null || !s.shape().isKnown()) return false;
                long m = s.shape().size();
                if (m > 1 && m < n) return true;
            }
            return false;
        }

        /** Seals the groups of {@code ins} other than {@code keep}: a step outside them reads their members. */
        private void seal(Tensor[] ins, FusedGroup keep, Map<Tensor, FusedGroup> groupOf) {
            for (Tensor in : ins) {
                FusedGroup pg = in == null ? null : groupOf.get(in);
                if (pg != null && pg != keep) pg.sealed = true;
            }
        }

        private boolean staticallyWritable(Tensor var, FusedGroup g) {
            return var.storage != null && var.device().isCpu() && var.dtype() == g.dtype && var.shape().equals(g.shape);
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
            Tensor[] val = this.val;
            try {
                return run(fed, val);
            } finally {
                Arrays.fill(val, null); // hold on to nothing between calls
                Arrays.fill(newValues, null);
            }
        }

        private List<Tensor> run(Tensor[] fed, Tensor[] val) {
            System.arraycopy(fed, 0, val, 0, fed.length);
            arena.beginRun();
            Map<Storage, Integer> lastUse = arena.isRecording() ? new IdentityHashMap<>() : null;
            runSteps(0, tailStart, val, lastUse);
            long tc = profiling ? System.nanoTime() : 0;
            List<Tensor> res = reuseOutputs ? reusedResults : new ArrayList<>(outputs.size());
            res.clear();
            for (int i = 0; i < outputs.size(); i++) res.add(value(outputs.get(i), val));
            int nu = updates.size();
            Tensor[] newValues = this.newValues; // cleared by run(fed) when the call ends
            for (int i = 0; i < nu; i++) if (tailGroup[i] == null) newValues[i] = value(updates.get(i).value(), val);
            if (lastUse != null) {
                for (Tensor r : res) if (r.storage != null) lastUse.put(r.storage, Integer.MAX_VALUE);
                for (Tensor r : newValues) if (r != null && r.storage != null) lastUse.put(r.storage, Integer.MAX_VALUE);
            }
            // validate every update before any variable changes, so a failing call changes none
            for (int i = 0; i < nu; i++) {
                Tensor var = updates.get(i).variable();
                Shape s = tailGroup[i] != null ? tailGroup[i].shape : newValues[i].shape();
                if (!s.equals(var.shape())) {
                    throw new IllegalArgumentException("function: the update of variable '" + var.name() + "' (shape "
                            + var.shape() + ") computed a value of shape " + s + "; no variable was changed");
                }
            }
            if (nu == 0) {
                if (!reuseOutputs) res.replaceAll(Tensor::copyValues);
                else for (int i = 0; i < res.size(); i++) if (res.get(i).isVariable()) res.set(i, res.get(i).copyValues());
                planArena(lastUse);
                profileCommit(tc, true);
                return reuseOutputs ? reusedView : res;
            }
            boolean[] inPlace = this.inPlace; // every entry is set below
            lastInPlace = 0;
            for (int i = 0; i < nu; i++) {
                inPlace[i] = inPlaceCandidate[i] && writableNow(i, val);
                if (inPlace[i]) lastInPlace++;
            }
            // values that read an updated variable's storage are taken now, while they are the old values
            for (int i = 0; i < nu; i++) {
                if (newValues[i] != null && updated.contains(newValues[i].storage)) newValues[i] = newValues[i].copyValues();
            }
            for (int i = 0; i < res.size(); i++) {
                Tensor r = res.get(i);
                if (!reuseOutputs || updated.contains(r.storage) || r.isVariable()) res.set(i, r.copyValues());
            }
            profileCommit(tc, false);
            runTail(val, lastUse, inPlace);
            tc = profiling ? System.nanoTime() : 0;
            for (int i = 0; i < nu; i++) {
                if (tailGroup[i] != null && !inPlace[i]) {
                    newValues[i] = val[tailGroup[i].slots[tailResult[i]]];
                    if (lastUse != null) lastUse.put(newValues[i].storage, Integer.MAX_VALUE);
                }
            }
            planArena(lastUse);
            try (GradMode g = GradMode.set(false)) {
                for (int i = 0; i < nu; i++) {
                    Tensor var = updates.get(i).variable();
                    if (inPlace[i]) var.storage.bumpVersion();
                    else var.copyFrom(newValues[i]);
                }
            }
            profileCommit(tc, true);
            return reuseOutputs ? reusedView : res;
        }

        /** With {@link #reuseOutputs}: the result list, kept and refilled by every call, and its read-only view. */
        private final List<Tensor> reusedResults = new ArrayList<>(outputs.size());
        private final List<Tensor> reusedView = Collections.unmodifiableList(reusedResults);

        private void planArena(Map<Storage, Integer> lastUse) {
            if (lastUse != null) arena.plan(lastUse);
            else if (arena.invalid) arena.rerecord();
        }

        private void profileCommit(long t0, boolean countCall) {
            if (!profiling) return;
            long[] acc = profile.computeIfAbsent("(commit updates, copy outputs)", k -> new long[2]);
            acc[0] += System.nanoTime() - t0;
            if (countCall) acc[1]++;
        }

        private void profileStep(Step s, Tensor[] args, long t0, boolean countCall) {
            long[] acc = profile.computeIfAbsent(s.label(args), k -> new long[2]);
            acc[0] += System.nanoTime() - t0;
            if (countCall) acc[1]++;
        }

        private void runSteps(int from, int to, Tensor[] val, Map<Storage, Integer> lastUse) {
            Arena.CURRENT.set(arena);
            try (GradMode g = GradMode.set(false)) {
                for (int i = from; i < to; i++) {
                    arena.step(i);
                    Step s = steps.get(i);
                    Tensor[] args = s.args(this, val);
                    if (lastUse != null) for (Tensor a : args) if (a != null && a.storage != null) lastUse.put(a.storage, i);
                    long t0 = profiling ? System.nanoTime() : 0;
                    s.exec(args, val);
                    if (profiling) profileStep(s, args, t0, true);
                    Arrays.fill(args, null);
                }
            } finally {
                Arena.CURRENT.set(null); // not remove(): the thread keeps its map entry, and the next run does not allocate one
            }
        }

        /**
         * Runs the tail: first every group gathers its operands and result buffers (all that allocates), then
         * each computes, writing the results marked in place straight into their variables.
         */
        private void runTail(Tensor[] val, Map<Storage, Integer> lastUse, boolean[] inPlace) {
            int n = steps.size();
            if (tailStart == n) return;
            Arena.CURRENT.set(arena);
            try (GradMode g = GradMode.set(false)) {
                arena.step(tailStart); // one step for the whole tail: no buffer allocated here is reused within it
                for (int i = tailStart; i < n; i++) {
                    FusedGroup fg = (FusedGroup) steps.get(i);
                    Tensor[] args = fg.args(this, val);
                    if (lastUse != null) for (Tensor a : args) if (a != null && a.storage != null) lastUse.put(a.storage, n - 1);
                    Arrays.fill(fg.dests, null);
                    for (int u = 0; u < inPlace.length; u++) if (inPlace[u] && tailGroup[u] == fg) fg.dests[tailResult[u]] = updates.get(u).variable();
                    long t0 = profiling ? System.nanoTime() : 0;
                    fg.prepare(args, fg.dests);
                    if (profiling) profileStep(fg, args, t0, false); // the preparation; the call counts below
                }
                for (int i = tailStart; i < n; i++) {
                    FusedGroup fg = (FusedGroup) steps.get(i);
                    long t0 = profiling ? System.nanoTime() : 0;
                    fg.compute();
                    fg.store(val);
                    if (profiling) profileStep(fg, null, t0, true);
                    Arrays.fill(fg.args, null);
                }
            } finally {
                Arena.CURRENT.set(null); // not remove(): the thread keeps its map entry, and the next run does not allocate one
            }
        }

        /**
         * Whether update {@code u}'s tail group can write its value into the variable on this call: the
         * variable is a contiguous CPU tensor, no later tail group reads its storage, and its own group reads
         * that storage only element by element at the same place and no later than the member that writes it.
         */
        private boolean writableNow(int u, Tensor[] val) {
            Tensor var = updates.get(u).variable();
            FusedGroup g = tailGroup[u];
            if (!(var.storage instanceof dev.vela.cpu.CpuStorage) || !var.isContiguous() || var.dtype() != g.dtype
                    || !var.shape().equals(g.shape)) {
                return false;
            }
            int writer = g.resultMember[tailResult[u]];
            for (int e = 0; e < g.externals.size(); e++) {
                Tensor a = arg(g.externals.get(e), val);
                if (a == null || a.storage != var.storage) continue;
                if (a.dtype() != g.dtype || a.offset != var.offset || !a.shape().equals(g.shape) || !a.isContiguous()
                        || g.lastReader[e] > writer) {
                    return false;
                }
            }
            boolean later = false;
            for (int i = tailStart; i < steps.size(); i++) {
                FusedGroup o = (FusedGroup) steps.get(i);
                if (o == g) {
                    later = true;
                    continue;
                }
                if (!later) continue;
                for (Tensor e : o.externals) {
                    Tensor a = arg(e, val);
                    if (a != null && a.storage == var.storage) return false;
                }
            }
            return true;
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
        /** The nodes whose values this step produces, and their slots in the plan. */
        Tensor[] results;
        int[] slots;
        private String label;

        /** A name for profiles: the op (or the fused ops) and the operand shapes of the first profiled call. */
        final String label(Tensor[] args) {
            if (label == null && args != null) label = makeLabel(args);
            return label;
        }

        abstract String makeLabel(Tensor[] args);

        /** The operand values for this call (an array the step reuses). */
        abstract Tensor[] args(Plan p, Tensor[] val);

        /** Computes the results into their slots of {@code val}. */
        abstract void exec(Tensor[] args, Tensor[] val);
    }

    private final class Single extends Step {
        final Tensor node;
        final Tensor[] ins;
        final Tensor[] args;

        Single(Tensor node) {
            this.node = node;
            this.ins = canonicalInputs(node);
            this.args = new Tensor[ins.length];
            this.results = new Tensor[] {node};
        }

        @Override
        String makeLabel(Tensor[] args) {
            // the operand shapes tell steps of one op apart; T marks a non-contiguous (transposed) view
            StringBuilder sb = new StringBuilder(node.sym.op.name());
            for (int i = 0, k = 0; i < args.length; i++) {
                Tensor a = args[i];
                if (a == null) continue;
                sb.append(k++ == 0 ? " " : "x").append(a.shape());
                if (a.rank() >= 2 && a.storage != null && !a.isContiguous()) sb.append('T');
            }
            return sb.toString();
        }

        @Override
        Tensor[] args(Plan p, Tensor[] val) {
            for (int i = 0; i < ins.length; i++) args[i] = p.arg(ins[i], val);
            return args;
        }

        @Override
        void exec(Tensor[] args, Tensor[] val) {
            try {
                val[slots[0]] = node.sym.op.forward(args);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("function: op '" + node.sym.op.name() + "' (" + node.sym.name
                        + ") failed: " + e.getMessage(), e);
            }
        }
    }

    /** Calls of a fused group that run op by op before it gets a generated loop (tests lower it). */
    static int LOOP_AFTER_CALLS = 32;

    /**
     * Elementwise ops of one shape evaluated block by block in one pass. Members used outside the group are its
     * results, written to their own buffers (or straight into a variable); the others live in small block-sized
     * registers that are reused once their last reader has run.
     */
    private static final class FusedGroup extends Step {
        record Instr(dev.vela.spi.UnaryOp u, dev.vela.spi.BinaryOp b, double p0, double p1) {}

        static Instr instrOf(Op op) {
            if (op instanceof ElementwiseOps.Unary u && u.differentiable()) return new Instr(u.k, null, u.p0, u.p1);
            // comparisons only where the plan checked that the mask is consumed as 1s and 0s (fusableComparison)
            if (op instanceof ElementwiseOps.Binary b && b.k != dev.vela.spi.BinaryOp.AND && b.k != dev.vela.spi.BinaryOp.OR) {
                return new Instr(null, b.k, 0, 0);
            }
            return null;
        }

        private static final int BLOCK = 2048;

        final Shape shape;
        final DType dtype;
        final List<Tensor> members = new ArrayList<>();
        final List<Tensor[]> memberInputs = new ArrayList<>();
        final List<Tensor> externals = new ArrayList<>();
        final List<int[]> program = new ArrayList<>(); // per member: operand refs (>=0 member, <0 external -1-k)
        final List<Instr> instrs = new ArrayList<>();
        /** A later step reads a member: the group cannot move later, so it takes no new members. */
        boolean sealed;
        // ---- fixed when planning ends
        int[] resultMember;    // per result: its member index
        int[] resultOf;        // per member: its result index, or -1
        int[] regOf;           // per member that is not a result: its register
        int[] lastReader;      // per external: the last member reading it
        Tensor[] args, dests;
        private Instr[] code;
        private int[][] refs;
        private Object[] registers;
        private Object[] extBuf;
        // ---- per call
        private Object[] arr;
        private int[] off, period;
        /** Per external with a repeating row: the phase and length its block buffer was last filled for. */
        private int[] filledPhase, filledLen;
        private Tensor[] outT;
        private Object[] outArr;
        private int[] outOff;

        FusedGroup(Shape shape, DType dtype) {
            this.shape = shape;
            this.dtype = dtype;
        }

        void add(Tensor t, Tensor[] ins, Map<Tensor, FusedGroup> groupOf) {
            int[] r = new int[ins.length];
            for (int i = 0; i < ins.length; i++) {
                int m = groupOf.get(ins[i]) == this ? indexOfIdentity(members, ins[i]) : -1;
                if (m >= 0) r[i] = m;
                else {
                    int e = indexOfIdentity(externals, ins[i]);
                    if (e < 0) {
                        externals.add(ins[i]);
                        e = externals.size() - 1;
                    }
                    r[i] = -1 - e;
                }
            }
            members.add(t);
            memberInputs.add(ins);
            program.add(r);
            instrs.add(instrOf(t.sym.op));
            groupOf.put(t, this);
        }

        /** Takes over every member of {@code o} (an unsealed group that reads none of this group's members). */
        void absorb(FusedGroup o, Map<Tensor, FusedGroup> groupOf) {
            for (int i = 0; i < o.members.size(); i++) {
                Tensor t = o.members.get(i);
                groupOf.put(t, null);
            }
            for (int i = 0; i < o.members.size(); i++) add(o.members.get(i), o.memberInputs.get(i), groupOf);
        }

        private static int indexOfIdentity(List<Tensor> l, Tensor t) {
            for (int i = 0; i < l.size(); i++) if (l.get(i) == t) return i;
            return -1;
        }

        int internalUses(int m) {
            int n = 0;
            for (int[] r : program) for (int x : r) if (x == m) n++;
            return n;
        }

        int resultIndex(Tensor t) {
            for (int j = 0; j < results.length; j++) if (results[j] == t) return j;
            return -1;
        }

        /** Chooses the results (members that are pinned or read outside), registers and per-call buffers. */
        void finishPlan(Set<Tensor> pinned, Map<Tensor, Integer> uses) {
            int n = members.size();
            resultOf = new int[n];
            List<Integer> res = new ArrayList<>();
            for (int m = 0; m < n; m++) {
                Tensor t = members.get(m);
                boolean out = m == n - 1 || pinned.contains(t) || uses.getOrDefault(t, 0) > internalUses(m);
                resultOf[m] = out ? res.size() : -1;
                if (out) res.add(m);
            }
            resultMember = res.stream().mapToInt(Integer::intValue).toArray();
            results = new Tensor[resultMember.length];
            for (int j = 0; j < results.length; j++) results[j] = members.get(resultMember[j]);
            // registers: a member's block lives until its last reader in the group has run
            int[] lastUse = new int[n];
            Arrays.fill(lastUse, -1);
            lastReader = new int[externals.size()];
            Arrays.fill(lastReader, -1);
            for (int m = 0; m < n; m++) {
                for (int x : program.get(m)) {
                    if (x >= 0) lastUse[x] = m;
                    else lastReader[-1 - x] = m;
                }
            }
            regOf = new int[n];
            Arrays.fill(regOf, -1);
            ArrayDeque<Integer> free = new ArrayDeque<>();
            int regs = 0;
            for (int m = 0; m < n; m++) {
                // operands read for the last time here may share their register with the result (exact aliasing)
                for (int x : program.get(m)) if (x >= 0 && lastUse[x] == m && regOf[x] >= 0 && !free.contains(regOf[x])) free.push(regOf[x]);
                if (resultOf[m] < 0) regOf[m] = free.isEmpty() ? regs++ : free.pop();
            }
            boolean f32 = dtype == DType.FLOAT32;
            registers = new Object[regs];
            for (int i = 0; i < regs; i++) registers[i] = f32 ? new float[BLOCK] : new double[BLOCK];
            extBuf = new Object[externals.size()];
            code = instrs.toArray(new Instr[0]);
            refs = program.toArray(new int[0][]);
            int ne = externals.size(), nr = results.length;
            args = new Tensor[ne];
            arr = new Object[ne];
            off = new int[ne];
            period = new int[ne];
            filledPhase = new int[ne];
            filledLen = new int[ne];
            dests = new Tensor[nr];
            outT = new Tensor[nr];
            outArr = new Object[nr];
            outOff = new int[nr];
        }

        @Override
        String makeLabel(Tensor[] args) {
            StringBuilder sb = new StringBuilder("fused[");
            for (int i = 0; i < members.size(); i++) sb.append(i > 0 ? "," : "").append(members.get(i).sym.op.name());
            return sb.append("] ").append(shape).toString();
        }

        @Override
        Tensor[] args(Plan p, Tensor[] val) {
            for (int i = 0; i < args.length; i++) args[i] = p.arg(externals.get(i), val);
            return args;
        }

        @Override
        void exec(Tensor[] ext, Tensor[] val) {
            prepare(ext, null);
            compute();
            store(val);
        }

        void store(Tensor[] val) {
            for (int j = 0; j < outT.length; j++) {
                val[slots[j]] = outT[j];
                outT[j] = null;
            }
        }

        /**
         * Resolves the operands (casting and materialising odd layouts once) and the result buffers: a fresh
         * buffer per result, or {@code dests[j]} (a contiguous tensor of the group's shape and dtype) where given.
         */
        void prepare(Tensor[] ext, Tensor[] dests) {
            int[] dims = shape.raw();
            // each external as (array, offset, period): period 0 = full contiguous, 1 = scalar, L = repeating row
            for (int i = 0; i < ext.length; i++) {
                Tensor e = Kern.cast(ext[i], dtype);
                int p = periodOf(e, dims);
                if (p < 0) p = -repeatOf(e, dims); // each element repeated (a column over rows): -R; -1 if not
                if (p == -1) { // odd layout: materialise once
                    Tensor c = Kern.emptyUninit(dtype, dims, e.device());
                    Kern.be(e).copy(Kern.broadcastView(e, dims), c.view());
                    e = c;
                    p = 0;
                }
                arr[i] = ((dev.vela.cpu.CpuStorage) e.storage).array();
                off[i] = (int) e.offset;
                period[i] = p;
                filledPhase[i] = -1; // the operand may have changed since the last call
                if ((p > 1 || p < 0) && extBuf[i] == null) extBuf[i] = dtype == DType.FLOAT32 ? new float[BLOCK] : new double[BLOCK];
            }
            for (int j = 0; j < outT.length; j++) {
                Tensor d = dests == null ? null : dests[j];
                Tensor o = d != null ? d : Kern.emptyUninit(dtype, dims, Device.CPU);
                outT[j] = o;
                outArr[j] = ((dev.vela.cpu.CpuStorage) o.storage).array();
                outOff[j] = (int) o.offset;
            }
        }

        /** The generated float32 loop (from the second call on, once the operand layouts are known), or null. */
        private dev.vela.cpu.VectorKernels.FusedProgramF loop;
        private boolean[] loopScalars;
        private boolean noLoop;
        private int computed;
        private Object[] blockSrc, blockDst;
        private int[] blockSrcOff, blockDstOff;

        private dev.vela.cpu.VectorKernels.FusedProgramF loop() {
            // the first calls run op by op (shared kernels the JIT has compiled already); a group that keeps running
            // gets its own loop, which starts cold (interpreted) and so would slow a function called only a few times
            if (dtype != DType.FLOAT32 || noLoop || computed++ < LOOP_AFTER_CALLS) return null;
            if (loop != null && sameScalars()) return loop; // the common case, checked without allocating
            boolean[] scalars = new boolean[period.length];
            for (int e = 0; e < scalars.length; e++) scalars[e] = period[e] == 1;
            int n = code.length;
            dev.vela.spi.UnaryOp[] u = new dev.vela.spi.UnaryOp[n];
            dev.vela.spi.BinaryOp[] b = new dev.vela.spi.BinaryOp[n];
            double[] p0 = new double[n], p1 = new double[n];
            for (int m = 0; m < n; m++) {
                u[m] = code[m].u();
                b[m] = code[m].b();
                p0[m] = code[m].p0();
                p1[m] = code[m].p1();
            }
            loop = dev.vela.cpu.VectorKernels.FusedProgramF.compile(scalars, refs, u, b, p0, p1, resultOf, results.length);
            loopScalars = scalars;
            if (loop == null) noLoop = true;
            blockSrc = new Object[period.length];
            blockSrcOff = new int[period.length];
            blockDst = new Object[results.length];
            blockDstOff = new int[results.length];
            return loop;
        }

        /**
         * Parts to split a generated loop's pass into: one per thread for a group of at least PARALLEL_OPS
         * element-operations whose externals are all contiguous or scalar (periodic ones share a fill buffer), else
         * 1. Every element is computed by the same program whatever the split, so the bits do not depend on it.
         * Measured on the MNIST step (`MlpProfile 32 5000`, alternating builds): the Adam update of the 784 x 128
         * weight (100,352 elements x 15 ops) 102-159 us -> 57 us, the batch-32 step 247-352 us -> 179-183 us.
         */
        private int parallelParts(int n) {
            int threads = dev.vela.cpu.Par.threads();
            if (threads < 2 || (long) n * code.length < PARALLEL_OPS || n < 2 * BLOCK) return 1;
            for (int p : period) if (p != 0 && p != 1) return 1;
            return Math.min(threads, (n + BLOCK - 1) / BLOCK);
        }

        private static final long PARALLEL_OPS = 1L << 18;

        /** Per part: a copy of the generated loop (its scratch is its own) and the block operand arrays. */
        private dev.vela.cpu.VectorKernels.FusedProgramF[] partLoops;
        private dev.vela.cpu.VectorKernels.FusedProgramF partsOf;
        private Object[][] partSrc, partDst;
        private int[][] partSrcOff, partDstOff;
        private int partN, partBlocks;
        /** The pool's job, made once: a call allocates no lambda. */
        private final dev.vela.cpu.Par.Range partJob = (lo, hi) -> {
            for (long i = lo; i < hi; i++) runPart((int) i);
        };

        private void runParts(dev.vela.cpu.VectorKernels.FusedProgramF fused, int n, int parts) {
            if (partLoops == null || partLoops.length < parts || partsOf != fused) {
                partLoops = new dev.vela.cpu.VectorKernels.FusedProgramF[parts];
                partLoops[0] = fused;
                for (int i = 1; i < parts; i++) partLoops[i] = fused.copy();
                partsOf = fused;
                partSrc = new Object[parts][period.length];
                partSrcOff = new int[parts][period.length];
                partDst = new Object[parts][results.length];
                partDstOff = new int[parts][results.length];
            }
            int blocks = (n + BLOCK - 1) / BLOCK;
            partN = n;
            partBlocks = (blocks + parts - 1) / parts;
            try {
                dev.vela.cpu.Par.forEach(parts, partJob);
            } finally {
                for (int i = 0; i < parts; i++) {
                    Arrays.fill(partSrc[i], null);
                    Arrays.fill(partDst[i], null);
                }
            }
        }

        /** Part i: its whole blocks through its own copy of the loop and its own operand arrays. */
        private void runPart(int i) {
            int end = Math.min(partN, (i + 1) * partBlocks * BLOCK);
            runBlocks(partLoops[i], partSrc[i], partSrcOff[i], partDst[i], partDstOff[i], i * partBlocks * BLOCK, end);
        }

        /**
         * Elements [from, to) block by block through {@code prog}, the blocks' operands set up in src/dst. Periodic
         * and repeated externals are filled into the group's one buffer each, so only a single thread may run them
         * (parallelParts never splits such a group).
         */
        private void runBlocks(dev.vela.cpu.VectorKernels.FusedProgramF prog, Object[] src, int[] srcOff, Object[] dst,
                               int[] dstOff, int from, int to) {
            for (int base = from; base < to; base += BLOCK) {
                int len = Math.min(BLOCK, to - base);
                for (int e = 0; e < period.length; e++) {
                    int p = period[e];
                    if (p == 0 || p == 1) {
                        src[e] = arr[e];
                        srcOff[e] = p == 0 ? off[e] + base : off[e];
                    } else {
                        src[e] = p > 1 ? fillPeriodic(e, p, base, len) : fillRepeated(e, -p, base, len);
                        srcOff[e] = 0;
                    }
                }
                for (int j = 0; j < results.length; j++) {
                    dst[j] = outArr[j];
                    dstOff[j] = outOff[j] + base;
                }
                prog.run(src, srcOff, dst, dstOff, len);
            }
        }

        /** Whether the externals that are broadcast scalars are those the generated loop was made for. */
        private boolean sameScalars() {
            for (int e = 0; e < period.length; e++) if ((period[e] == 1) != loopScalars[e]) return false;
            return true;
        }

        /** The pass over the elements, block by block: through the generated loop, or member by member. */
        void compute() {
            int n = (int) shape.size();
            dev.vela.cpu.VectorKernels.FusedProgramF fused = loop();
            if (fused != null) {
                int parts = parallelParts(n);
                if (parts > 1) {
                    runParts(fused, n, parts);
                } else {
                    runBlocks(fused, blockSrc, blockSrcOff, blockDst, blockDstOff, 0, n);
                    Arrays.fill(blockSrc, null);
                    Arrays.fill(blockDst, null);
                }
                Arrays.fill(arr, null);
                Arrays.fill(outArr, null);
                return;
            }
            boolean f32 = dtype == DType.FLOAT32;
            int last = code.length - 1;
            Object a0 = null, a1 = null;
            int o0 = 0, o1 = 0, s0 = 0, s1 = 0;
            for (int base = 0; base < n; base += BLOCK) {
                int len = Math.min(BLOCK, n - base);
                for (int m = 0; m <= last; m++) {
                    int[] rf = refs[m];
                    Instr ins = code[m];
                    int ri = resultOf[m];
                    Object dst = ri >= 0 ? outArr[ri] : registers[regOf[m]];
                    int dOff = ri >= 0 ? outOff[ri] + base : 0;
                    for (int r = 0; r < rf.length; r++) {
                        int ref = rf[r];
                        Object sa;
                        int so, ss;
                        if (ref >= 0) {
                            int rr = resultOf[ref];
                            if (rr >= 0) {
                                sa = outArr[rr];
                                so = outOff[rr] + base;
                            } else {
                                sa = registers[regOf[ref]];
                                so = 0;
                            }
                            ss = 1;
                        } else {
                            int e = -1 - ref;
                            int p = period[e];
                            if (p == 0) {
                                sa = arr[e];
                                so = off[e] + base;
                                ss = 1;
                            } else if (p == 1) {
                                sa = arr[e];
                                so = off[e];
                                ss = 0;
                            } else {
                                sa = p > 1 ? fillPeriodic(e, p, base, len) : fillRepeated(e, -p, base, len);
                                so = 0;
                                ss = 1;
                            }
                        }
                        if (r == 0) { a0 = sa; o0 = so; s0 = ss; } else { a1 = sa; o1 = so; s1 = ss; }
                    }
                    if (ins.u() != null) {
                        if (f32) dev.vela.cpu.VectorKernels.unary(ins.u(), ins.p0(), ins.p1(), (float[]) a0, o0, s0, (float[]) dst, dOff, len);
                        else dev.vela.cpu.VectorKernels.unary(ins.u(), ins.p0(), ins.p1(), (double[]) a0, o0, s0, (double[]) dst, dOff, len);
                    } else {
                        if (f32) dev.vela.cpu.VectorKernels.binary(ins.b(), (float[]) a0, o0, s0, (float[]) a1, o1, s1, (float[]) dst, dOff, len);
                        else dev.vela.cpu.VectorKernels.binary(ins.b(), (double[]) a0, o0, s0, (double[]) a1, o1, s1, (double[]) dst, dOff, len);
                    }
                }
            }
            Arrays.fill(arr, null);
            Arrays.fill(outArr, null);
        }

        /** Elements [base, base+len) of external e, each of whose elements stands for {@code r} in a row, into its buffer. */
        private Object fillRepeated(int e, int r, int base, int len) {
            Object buf = extBuf[e];
            for (int k = 0; k < len; ) {
                int f = base + k, src = off[e] + f / r, n = Math.min(len - k, r - f % r);
                if (buf instanceof float[] fb) Arrays.fill(fb, k, k + n, ((float[]) arr[e])[src]);
                else Arrays.fill((double[]) buf, k, k + n, ((double[]) arr[e])[src]);
                k += n;
            }
            return buf;
        }

        /** Elements [base, base+len) of external e, a row of {@code p} elements repeated, copied into its block buffer. */
        private Object fillPeriodic(int e, int p, int base, int len) {
            Object buf = extBuf[e];
            int start = base % p;
            // a block that starts at the same phase of the row as the buffer's content (always, when the row
            // length divides the block) reuses it; the buffer holds a whole block unless the last is shorter
            if (filledPhase[e] == start && filledLen[e] >= len) return buf;
            filledPhase[e] = start;
            filledLen[e] = len;
            // the rest of the row from the phase, one whole row, then copies of the whole rows written so far
            int filled = Math.min(len, p - start);
            System.arraycopy(arr[e], off[e] + start, buf, 0, filled);
            if (filled < len) {
                int rows0 = filled, n = Math.min(len - filled, p);
                System.arraycopy(arr[e], off[e], buf, filled, n);
                filled += n;
                while (filled < len) {
                    n = Math.min(len - filled, filled - rows0); // [rows0, filled) holds whole rows
                    System.arraycopy(buf, rows0, buf, filled, n);
                    filled += n;
                }
            }
            return buf;
        }

        /**
         * R > 1 when {@code e} broadcast to {@code dims} repeats each of its (contiguous) elements R times in a row,
         * as a column {@code [n, 1]} does over {@code [n, m]}; 1 otherwise.
         */
        private static int repeatOf(Tensor e, int[] dims) {
            if (!e.device().isCpu() || !e.isContiguous()) return 1;
            int r = dims.length, tr = e.rank();
            int[] ts = e.shape().raw();
            long rep = 1;
            int k = r;
            while (k > 0) { // trailing broadcast dimensions
                int j = k - 1 - (r - tr);
                if (dims[k - 1] != 1 && j >= 0 && ts[j] != 1) break;
                rep *= dims[k - 1];
                k--;
            }
            if (rep <= 1 || k == 0) return 1;
            long p = 1;
            for (int i = k - 1; i >= 0; i--) { // the leading dimensions: the operand's own, contiguous
                int j = i - (r - tr);
                long st = (j < 0 || ts[j] == 1) ? 0 : e.strides[j];
                if (dims[i] == 1) continue;
                if (st != p) return 1;
                p *= dims[i];
            }
            return rep > Integer.MAX_VALUE ? 1 : (int) rep;
        }

        /**
         * 0 when {@code e} broadcast to {@code dims} is the contiguous full layout, 1 for a broadcast scalar, L for
         * a repeating trailing row, -1 otherwise.
         */
        private static int periodOf(Tensor e, int[] dims) {
            if (!e.device().isCpu() || !e.isContiguous()) return -1;
            int r = dims.length, tr = e.rank();
            int[] ts = e.shape().raw();
            long total = 1, p = 1;
            for (int d : dims) total *= d;
            int k = r;
            while (k > 0) {
                int j = k - 1 - (r - tr);
                long st = (j < 0 || ts[j] == 1) ? 0 : e.strides[j];
                if (dims[k - 1] == 1 || st == p) {
                    p *= dims[k - 1];
                    k--;
                } else {
                    break;
                }
            }
            for (int i = 0; i < k; i++) {
                int j = i - (r - tr);
                long st = (j < 0 || ts[j] == 1) ? 0 : e.strides[j];
                if (dims[i] != 1 && st != 0) return -1;
            }
            if (p == total) return 0;
            return p == 1 ? 1 : (int) p;
        }
    }

    @Override
    public String toString() { return "KFunction(inputs=" + names(inputs) + ", outputs=" + outputs.size() + ", updates=" + updates.size() + ")"; }

}
