// The CPU backend's worker threads: large kernels split their items across cores, small ones stay on the caller.
package dev.vela.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits index ranges across the calling thread and {@code threads() - 1} worker threads; results never depend on
 * the split (every item is computed by one thread, in the same order whoever runs it).
 *
 * <p>Why not a {@link java.util.concurrent.ForkJoinPool}: a training step is a chain of ops of tens of microseconds
 * each, and a parked pool worker takes several microseconds (much more on a busy virtual machine) to wake, so
 * splitting small ops lost more than it gained. Here the caller publishes a job and starts on its items at once;
 * workers that are awake (they poll for {@link #SPIN_NANOS} after their last job, yielding the core to any other
 * runnable thread, before they park) join in within about a microsecond, and one that wakes late finds nothing left
 * and costs the caller nothing. The caller only ever waits for items a worker has already started.
 *
 * <p>One job runs at a time. A call made while the workers are busy (from another application thread, or from
 * inside a running item) runs all its items on the calling thread.
 *
 * <p>Properties: {@code vela.cpu.threads} (default: available processors; 1 runs everything on the caller, the
 * choice for a service that already runs many requests at once or shares its cores with other busy processes,
 * where a worker descheduled in the middle of an item makes its caller wait), {@code vela.cpu.spinMicros}
 * (default 200; 0 parks a worker as soon as it is idle).
 */
public final class Par {
    /** Work (elements touched) below which a kernel runs on the calling thread. */
    public static final long GRAIN = 1 << 15;
    /** How long a worker keeps polling for the next job before it parks (property {@code vela.cpu.spinMicros}). */
    static final long SPIN_NANOS = 1000L * Long.getLong("vela.cpu.spinMicros", 200L);
    private static final int THREADS = threadCount();
    /** Polls of the job state between two {@link Thread#yield()}s of an idle worker. */
    private static final int SPINS = 16;

    // STATE packs the current job's sequence number, its item count and its next unclaimed item, so that one CAS
    // both checks that a job is still the one a thread saw and claims an item of it
    private static final int BITS = 17;
    private static final long MASK = (1L << BITS) - 1;
    private static final int SEQ_SHIFT = 2 * BITS;
    /** Most items one job is split into (more are merged into chunks). */
    static final int MAX_ITEMS = (int) MASK;
    private static final AtomicLong STATE = new AtomicLong();
    private static final AtomicInteger DONE = new AtomicInteger();
    private static final AtomicInteger BUSY = new AtomicInteger();
    // the job's fields, written by the caller (holding BUSY) before it publishes the job in STATE; they do not change
    // while an item of the job is claimed and not yet counted in DONE
    private static volatile Throwable failure;
    private static Range jobBody;
    private static long jobN, jobPer;
    private static long seq; // guarded by BUSY

    private static final Thread[] WORKERS = new Thread[THREADS - 1];
    private static final AtomicInteger[] PARKED = new AtomicInteger[THREADS - 1];

    static {
        for (int w = 0; w < WORKERS.length; w++) {
            PARKED[w] = new AtomicInteger();
            int id = w;
            Thread t = new Thread(() -> workerLoop(id), "vela-cpu-" + (w + 1));
            t.setDaemon(true);
            WORKERS[w] = t;
            t.start();
        }
    }

    private Par() {}

    public interface Range { void run(long lo, long hi); }

    /** Threads a split uses: the caller and the workers ({@code availableProcessors()}, or property {@code vela.cpu.threads}). */
    public static int threads() { return THREADS; }

    private static int threadCount() {
        int n = Integer.getInteger("vela.cpu.threads", Runtime.getRuntime().availableProcessors());
        return Math.max(1, Math.min(n, 256));
    }

    /** Runs {@code body} over [0, n) in chunks; {@code workPerItem} estimates elements per item. */
    public static void forRange(long n, long workPerItem, Range body) {
        if (!splits(n, workPerItem)) {
            body.run(0, n);
            return;
        }
        long chunks = Math.min(n, Math.max(THREADS * 4L, (n * workPerItem) / (GRAIN * 4)));
        chunks = Math.min(chunks, THREADS * 8L);
        run(n, (n + chunks - 1) / chunks, body);
    }

    /**
     * Whether {@link #forRange} would share this work among threads. Hot callers with small work test this first
     * and call their kernel directly: a capturing lambda is only optimised away when the JIT inlines all of
     * forRange's call into the caller, which depends on the profile of the whole program (a warm training step
     * allocated a softmax lambda, 40 bytes, in some test runs and not in others).
     */
    public static boolean splits(long n, long workPerItem) {
        return n > 1 && THREADS > 1 && n * Math.max(1, workPerItem) >= GRAIN * 2;
    }

    /**
     * Runs {@code body} over [0, n) one item at a time ({@code body.run(i, i + 1)}), items shared among the threads;
     * beyond {@link #MAX_ITEMS} items, in ranges of consecutive items (bodies loop over [lo, hi)).
     */
    public static void forEach(int n, Range body) {
        if (n <= 1 || THREADS <= 1) body.run(0, n);
        else run(n, 1, body);
    }

    /** Runs the chunks [i*per, min(n, (i+1)*per)) on the caller and the workers; returns when all are done. */
    private static void run(long n, long per, Range body) {
        if ((n + per - 1) / per > MAX_ITEMS) per = (n + MAX_ITEMS - 1) / MAX_ITEMS;
        long items = (n + per - 1) / per;
        if (items <= 1 || !BUSY.compareAndSet(0, 1)) { // busy: everything here
            body.run(0, n);
            return;
        }
        try {
            jobBody = body;
            jobN = n;
            jobPer = per;
            failure = null;
            DONE.set(0);
            seq = (seq + 1) & ((1L << (64 - SEQ_SHIFT)) - 1);
            if (seq == 0) seq = 1;
            STATE.set(seq << SEQ_SHIFT | items << BITS); // publishes the fields above
            for (int w = 0; w < WORKERS.length; w++) {
                if (PARKED[w].get() != 0) LockSupport.unpark(WORKERS[w]);
            }
            help(seq);
            for (int spins = 0; DONE.get() < items; spins++) { // only items a worker has claimed are left
                if (spins < 1 << 14) Thread.onSpinWait();
                else Thread.yield();
            }
            jobBody = null; // let the closure go
            Throwable t = failure;
            failure = null;
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        } finally {
            BUSY.set(0);
        }
    }

    /** Claims and runs items of job {@code s} until none is left. */
    private static void help(long s) {
        while (true) {
            long v = STATE.get();
            if ((v >>> SEQ_SHIFT) != s) return;
            long i = v & MASK;
            if (i >= ((v >>> BITS) & MASK)) return;
            if (!STATE.compareAndSet(v, v + 1)) continue;
            // item i of job s is ours: the job cannot finish (nor its fields change) before DONE counts it
            long lo = i * jobPer, hi = Math.min(jobN, lo + jobPer);
            try {
                jobBody.run(lo, hi);
            } catch (Throwable t) {
                if (failure == null) failure = t;
            } finally {
                DONE.incrementAndGet();
            }
        }
    }

    private static void workerLoop(int id) {
        long seen = 0;
        AtomicInteger parked = PARKED[id];
        while (true) {
            long s = STATE.get() >>> SEQ_SHIFT;
            if (s != seen) {
                seen = s;
                help(s);
                continue;
            }
            long idleFrom = System.nanoTime();
            boolean fresh = false;
            while (!fresh) {
                for (int k = 0; k < SPINS; k++) {
                    Thread.onSpinWait();
                    if ((STATE.get() >>> SEQ_SHIFT) != seen) {
                        fresh = true;
                        break;
                    }
                }
                if (!fresh && System.nanoTime() - idleFrom > SPIN_NANOS) {
                    parked.set(1); // the caller unparks us after publishing if it sees this...
                    if ((STATE.get() >>> SEQ_SHIFT) == seen) LockSupport.park(); // ...and we see its job if it did not
                    parked.set(0);
                    idleFrom = System.nanoTime();
                    fresh = (STATE.get() >>> SEQ_SHIFT) != seen;
                } else if (!fresh) {
                    Thread.yield(); // polling, but giving the core to any other runnable thread
                }
            }
        }
    }
}
