package dev.vela.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The CPU backend's thread pool: every item runs exactly once, failures reach the caller, nested and concurrent calls work. */
class ParTest {
    /** Runs forRange over n items and returns how often each index was visited. */
    static AtomicIntegerArray visits(long n, long work) {
        AtomicIntegerArray seen = new AtomicIntegerArray((int) n);
        Par.forRange(n, work, (lo, hi) -> {
            assertTrue(0 <= lo && lo < hi && hi <= n, "range [" + lo + ", " + hi + ") of " + n);
            for (long i = lo; i < hi; i++) seen.incrementAndGet((int) i);
        });
        return seen;
    }

    static void assertAllOnce(AtomicIntegerArray seen, String what) {
        for (int i = 0; i < seen.length(); i++) assertEquals(1, seen.get(i), what + ": index " + i);
    }

    @Test
    void everyIndexRunsExactlyOnce() {
        SplittableRandom r = new SplittableRandom(7);
        for (int t = 0; t < 2000; t++) { // many jobs back to back: workers join some while spinning, miss others
            long n = 1 + r.nextInt(t % 10 == 0 ? 5000 : 200);
            long work = 1 + r.nextInt(t % 3 == 0 ? 1 << 16 : 2000);
            assertAllOnce(visits(n, work), "n " + n + " work " + work);
        }
    }

    @Test
    void forEachRunsItemsOneAtATime() {
        for (int n : new int[] {0, 1, 2, 3, 17, 1000, Par.MAX_ITEMS + 5}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
            Par.forEach(n, (lo, hi) -> {
                for (long i = lo; i < hi; i++) seen.incrementAndGet((int) i);
            });
            for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "n " + n + " index " + i);
        }
    }

    @Test
    void workersTakePart() throws InterruptedException {
        Assumptions.assumeTrue(Par.threads() > 1, "one CPU thread: there are no workers");
        java.util.Set<String> names = ConcurrentHashMap.newKeySet();
        // item 0 (taken by the caller first) waits until another thread has run item 1, so a worker must join
        CountDownLatch second = new CountDownLatch(1);
        Par.forEach(2, (lo, hi) -> {
            names.add(Thread.currentThread().getName());
            if (lo == 0) {
                try {
                    assertTrue(second.await(20, TimeUnit.SECONDS), "no worker ran item 1");
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            } else {
                second.countDown();
            }
        });
        assertEquals(2, names.size(), names.toString());
        assertTrue(names.contains(Thread.currentThread().getName()), "the caller runs items too: " + names);
        // again after the workers had time to park: the caller wakes them
        Thread.sleep(50 + Par.SPIN_NANOS / 1_000_000);
        CountDownLatch again = new CountDownLatch(1);
        Par.forEach(2, (lo, hi) -> {
            if (lo == 0) {
                try {
                    assertTrue(again.await(20, TimeUnit.SECONDS), "no parked worker woke for item 1");
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            } else {
                again.countDown();
            }
        });
    }

    @Test
    void aFailureOnAnyThreadReachesTheCallerAndThePoolStaysUsable() {
        for (int bad : new int[] {0, 5, 63}) { // item 0 starts on the caller; later ones may run on a worker
            IllegalArgumentException boom = new IllegalArgumentException("item " + bad);
            AtomicIntegerArray seen = new AtomicIntegerArray(64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Par.forEach(64, (lo, hi) -> {
                for (long i = lo; i < hi; i++) {
                    seen.incrementAndGet((int) i);
                    if (i == bad) throw boom;
                }
            }));
            assertSame(boom, e);
            for (int i = 0; i < 64; i++) assertEquals(1, seen.get(i), "the other items still ran once: " + i);
            assertAllOnce(visits(500, 1 << 12), "after a failure");
        }
        Error err = new AssertionError("an error");
        assertSame(err, assertThrows(AssertionError.class, () -> Par.forEach(8, (lo, hi) -> {
            if (lo == 3) throw err;
        })));
    }

    @Test
    void nestedCallsRunOnTheirThread() {
        AtomicIntegerArray seen = new AtomicIntegerArray(40 * 300);
        Par.forEach(40, (lo, hi) -> {
            for (long i = lo; i < hi; i++) {
                long base = i * 300;
                Par.forRange(300, 1 << 12, (a, b) -> {
                    for (long j = a; j < b; j++) seen.incrementAndGet((int) (base + j));
                });
            }
        });
        assertAllOnce(seen, "nested");
    }

    @Test
    void concurrentCallersEachGetAllTheirItems() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (int t = 0; t < 4; t++) {
            long seed = t;
            Thread th = new Thread(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                try {
                    for (int k = 0; k < 300; k++) {
                        long n = 2 + r.nextInt(400);
                        assertAllOnce(visits(n, 1 << 10), "thread " + seed + " n " + n);
                    }
                } catch (Throwable e) {
                    failed.compareAndSet(null, e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join(60_000);
        if (failed.get() != null) throw new AssertionError(failed.get());
        for (Thread th : threads) assertTrue(!th.isAlive(), "a caller is stuck");
    }
}
