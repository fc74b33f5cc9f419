// Buffer reuse for compiled functions: records a run's allocations, then hands out recycled buffers.
package dev.vela;

import dev.vela.spi.Backend;
import dev.vela.spi.Storage;
import dev.vela.spi.View;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * While a compiled function runs, every tensor allocation goes through its arena. The first run
 * records each allocation (dtype, size, step); afterwards each allocation gets a physical buffer that
 * is shared with other allocations whose lifetimes do not overlap, so a steady-state call allocates
 * nothing. Allocation order is deterministic for fixed input shapes; any mismatch falls back to a fresh
 * buffer and asks for a new recording.
 */
final class Arena {
    static final ThreadLocal<Arena> CURRENT = new ThreadLocal<>();

    private record Alloc(DType dtype, long size, int step) {}

    private final List<Alloc> log = new ArrayList<>();
    private final List<Storage> recorded = new ArrayList<>();
    private Storage[] physical;      // per allocation index, after planning
    private Tensor[] tensors;        // per allocation index: the tensor last made over its buffer (see tensor())
    private View[] zeroViews;        // per allocation index: the whole buffer, for zero-filling
    private int cursor;
    private int step;
    private boolean recording = true;
    boolean invalid;

    void beginRun() {
        cursor = 0;
        step = 0;
        if (recording) {
            log.clear();
            recorded.clear();
        }
    }

    void step(int s) { step = s; }

    /**
     * A contiguous tensor of {@code shape} ({@code n} elements) over the buffer {@link #take} gives. Once planned, the
     * tensor object made for an allocation is kept and handed out again by later runs that allocate the same shape
     * into the same buffer: its storage, shape, strides and offset are final and would be equal anyway, and while a
     * compiled function runs nothing records on tensors (no autograd), so sharing the object is not observable
     * beyond identity; it saves the tensor, shape, strides and view objects per op and call.
     */
    Tensor tensor(Backend be, DType dtype, int[] shape, long n, boolean zero) {
        int i = cursor;
        Storage s = take(be, dtype, n, zero);
        if (recording || i >= physical.length || physical[i] != s) {
            return new Tensor(s, Shape.wrap(shape.clone()), View.contiguousStrides(shape), 0);
        }
        Tensor t = tensors[i];
        if (t == null || t.storage != s || !Arrays.equals(t.shape.raw(), shape)) {
            t = new Tensor(s, Shape.wrap(shape.clone()), View.contiguousStrides(shape), 0);
            tensors[i] = t;
        }
        return t;
    }

    Storage take(Backend be, DType dtype, long n, boolean zero) {
        if (recording) {
            Storage s = be.allocate(dtype, n);
            log.add(new Alloc(dtype, n, step));
            recorded.add(s);
            return s;
        }
        int i = cursor++;
        if (i < physical.length) {
            Alloc a = log.get(i);
            if (a.dtype == dtype && a.size == n) {
                Storage s = physical[i];
                if (zero) {
                    View v = zeroViews[i];
                    if (v == null) zeroViews[i] = v = new View(s, new int[] {(int) n}, new int[] {1}, 0);
                    be.fill(v, 0.0);
                }
                return s;
            }
        }
        invalid = true;
        return be.allocate(dtype, n);
    }

    /**
     * After a recorded run: {@code lastUse} gives, per recorded storage, the last step that reads it
     * (Integer.MAX_VALUE for results that outlive the run). Assigns physical buffers greedily.
     */
    void plan(Map<Storage, Integer> lastUse) {
        int n = log.size();
        physical = new Storage[n];
        tensors = new Tensor[n];
        zeroViews = new View[n];
        Map<String, ArrayDeque<Storage>> free = new HashMap<>();
        // allocations ordered by index are also ordered by step; release those whose last use is before the current step
        List<int[]> live = new ArrayList<>(); // {index, lastUse}
        Map<Storage, Storage> chosen = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            Alloc a = log.get(i);
            for (int j = live.size() - 1; j >= 0; j--) {
                int[] l = live.get(j);
                if (l[1] < a.step) {
                    Alloc la = log.get(l[0]);
                    free.computeIfAbsent(la.dtype + ":" + la.size, k -> new ArrayDeque<>()).push(physical[l[0]]);
                    live.remove(j);
                }
            }
            ArrayDeque<Storage> q = free.get(a.dtype + ":" + a.size);
            Storage s = q != null && !q.isEmpty() ? q.pop() : recorded.get(i);
            physical[i] = s;
            chosen.put(recorded.get(i), s);
            int last = lastUse.getOrDefault(recorded.get(i), a.step);
            live.add(new int[] {i, Math.max(last, a.step)});
        }
        recording = false;
        recorded.clear();
    }

    boolean isRecording() { return recording; }

    /** Number of distinct physical buffers (for tests and reports). */
    int physicalBuffers() {
        if (physical == null) return recorded.size();
        return (int) Arrays.stream(physical).distinct().count();
    }

    int allocations() { return log.size(); }

    void rerecord() {
        recording = true;
        invalid = false;
        physical = null;
        tensors = null;
        zeroViews = null;
    }
}
