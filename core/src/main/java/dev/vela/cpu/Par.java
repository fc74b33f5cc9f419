// The CPU backend's fork-join pool: large kernels split their rows across cores, small ones stay on the caller.
package dev.vela.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/** Splits index ranges across a pool sized to the machine; results never depend on the split. */
public final class Par {
    /** Work (elements touched) below which a kernel runs on the calling thread. */
    public static final long GRAIN = 1 << 15;
    static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));

    private Par() {}

    public interface Range { void run(long lo, long hi); }

    /** Runs {@code body} over [0, n) in chunks; {@code workPerItem} estimates elements per item. */
    public static void forRange(long n, long workPerItem, Range body) {
        int threads = POOL.getParallelism();
        if (n <= 1 || threads <= 1 || n * Math.max(1, workPerItem) < GRAIN * 2) {
            body.run(0, n);
            return;
        }
        long chunks = Math.min(n, Math.max(threads * 4L, (n * workPerItem) / (GRAIN * 4)));
        chunks = Math.min(chunks, threads * 8L);
        long per = (n + chunks - 1) / chunks;
        Task t = new Task(body, 0, n, per);
        if (java.util.concurrent.ForkJoinTask.getPool() == POOL) t.invoke(); // already inside the pool: run inline, fork children
        else POOL.invoke(t);
    }

    private static final class Task extends RecursiveAction {
        final Range body;
        final long lo, hi, per;

        Task(Range body, long lo, long hi, long per) {
            this.body = body;
            this.lo = lo;
            this.hi = hi;
            this.per = per;
        }

        @Override
        protected void compute() {
            if (hi - lo <= per) {
                body.run(lo, hi);
                return;
            }
            long mid = lo + ((hi - lo) / per / 2) * per;
            if (mid <= lo) mid = lo + per;
            invokeAll(new Task(body, lo, mid, per), new Task(body, mid, hi, per));
        }
    }
}
