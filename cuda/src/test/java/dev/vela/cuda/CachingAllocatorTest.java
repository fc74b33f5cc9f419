/*
 * The caching allocator over a fake raw allocator: size classes, reuse, statistics, OOM handling, threads.
 */
package dev.vela.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class CachingAllocatorTest {
    static final long KiB = 1024;
    static final long MiB = 1024 * KiB;

    /** A fake device: bump-pointer addresses, a fixed capacity, counts of every call. */
    static final class FakeRaw implements RawAllocator {
        final long capacity;
        long used;
        long next = 0x7f00_0000_0000L;
        int allocs;
        int frees;
        int failures;
        int idleWaits;
        final Map<Long, Long> live = new HashMap<>();

        FakeRaw(long capacity) { this.capacity = capacity; }

        @Override
        public synchronized long alloc(long bytes) throws RawOutOfMemory {
            assertTrue(bytes > 0, "raw allocations are never empty");
            if (used + bytes > capacity) {
                failures++;
                throw new RawOutOfMemory("fake device full: " + used + " + " + bytes + " > " + capacity);
            }
            allocs++;
            used += bytes;
            long p = next;
            next += bytes;
            live.put(p, bytes);
            return p;
        }

        @Override
        public synchronized void free(long ptr) {
            Long bytes = live.remove(ptr);
            if (bytes == null) throw new AssertionError("raw free of an unknown pointer 0x" + Long.toHexString(ptr));
            frees++;
            used -= bytes;
        }

        @Override
        public synchronized long available() { return capacity - used; }

        @Override
        public synchronized void awaitIdle() { idleWaits++; }
    }

    @Test
    void sizeClassesRoundTo512BytesUpTo1MiBAnd2MiBAbove() {
        assertEquals(512, CachingAllocator.sizeClass(0));
        assertEquals(512, CachingAllocator.sizeClass(1));
        assertEquals(512, CachingAllocator.sizeClass(512));
        assertEquals(1024, CachingAllocator.sizeClass(513));
        assertEquals(MiB, CachingAllocator.sizeClass(MiB - 1));
        assertEquals(MiB, CachingAllocator.sizeClass(MiB));
        assertEquals(2 * MiB, CachingAllocator.sizeClass(MiB + 1));
        assertEquals(2 * MiB, CachingAllocator.sizeClass(2 * MiB));
        assertEquals(4 * MiB, CachingAllocator.sizeClass(2 * MiB + 1));
        assertEquals(1002 * MiB, CachingAllocator.sizeClass(1000 * MiB + 3));
        assertThrows(IllegalArgumentException.class, () -> CachingAllocator.sizeClass(-1));
        assertThrows(IllegalArgumentException.class, () -> CachingAllocator.sizeClass(Long.MAX_VALUE));
    }

    @Test
    void blocksCarryPointerClassAndRequestedBytes() {
        CachingAllocator a = new CachingAllocator(new FakeRaw(1 << 30));
        CachingAllocator.Block b = a.allocate(1000);
        assertEquals(1024, b.bytes());
        assertEquals(1000, b.requested());
        assertTrue(b.isLive());
        assertSame(a, b.allocator());
        assertEquals(1024, a.inUse());
        b.free();
        assertFalse(b.isLive());
        assertEquals(0, a.inUse());
    }

    @Test
    void zeroByteAllocationsGetDistinctSmallestClassBlocks() {
        FakeRaw raw = new FakeRaw(1 << 30);
        CachingAllocator a = new CachingAllocator(raw);
        CachingAllocator.Block x = a.allocate(0);
        CachingAllocator.Block y = a.allocate(0);
        assertEquals(512, x.bytes());
        assertEquals(0, x.requested());
        assertNotEquals(x.ptr(), y.ptr());
        a.free(x);
        a.free(y);
        assertEquals(0, a.liveBlocks());
    }

    @Test
    void freedBlockIsReusedWithoutRawAllocation() {
        FakeRaw raw = new FakeRaw(1 << 30);
        CachingAllocator a = new CachingAllocator(raw);
        CachingAllocator.Block b = a.allocate(3000);
        long ptr = b.ptr();
        a.free(b);
        assertEquals(1, raw.allocs);
        CachingAllocator.Block again = a.allocate(3000);
        assertEquals(ptr, again.ptr(), "same class: the cached block comes back");
        assertEquals(1, raw.allocs, "no new raw allocation");
        assertEquals(1, a.rawAllocs());
        // a request of the same class but another size also reuses it
        a.free(again);
        assertEquals(ptr, a.allocate(2561).ptr());
        assertEquals(1, raw.allocs);
        // another class does not
        a.allocate(5000);
        assertEquals(2, raw.allocs);
    }

    @Test
    void manyMixedCyclesKeepReservedFlatAndRawAllocationsBounded() {
        FakeRaw raw = new FakeRaw(1L << 40);
        CachingAllocator a = new CachingAllocator(raw);
        long[] sizes = {0, 4, 100, 511, 512, 4000, 65536, 300 * KiB, MiB, MiB + 1, 5 * MiB, 33 * MiB};
        Random rnd = new Random(42);
        // warm-up step: what one training step holds at once
        List<CachingAllocator.Block> held = new ArrayList<>();
        for (long s : sizes) held.add(a.allocate(s));
        held.forEach(a::free);
        long reservedAfterWarmup = a.reserved();
        long rawAfterWarmup = a.rawAllocs();
        for (int i = 0; i < 10_000; i++) {
            long s = sizes[rnd.nextInt(sizes.length)];
            CachingAllocator.Block b = a.allocate(s);
            assertTrue(b.bytes() >= s);
            a.free(b);
            assertEquals(reservedAfterWarmup, a.reserved(), "reserved stays flat at step " + i);
        }
        assertEquals(rawAfterWarmup, a.rawAllocs(), "steady state never reaches the raw allocator");
        assertEquals(sizes.length, raw.allocs);
        assertEquals(0, a.liveBlocks());
        assertEquals(0, a.inUse());
        assertEquals(a.reserved(), a.cached());
    }

    @Test
    void peakTracksTheLargestInUse() {
        CachingAllocator a = new CachingAllocator(new FakeRaw(1L << 30));
        CachingAllocator.Block x = a.allocate(MiB);
        CachingAllocator.Block y = a.allocate(4 * MiB);
        assertEquals(5 * MiB, a.peak());
        a.free(y);
        CachingAllocator.Block z = a.allocate(512);
        assertEquals(MiB + 512, a.inUse());
        assertEquals(5 * MiB, a.peak(), "peak does not drop");
        a.resetPeak();
        assertEquals(MiB + 512, a.peak());
        a.free(x);
        a.free(z);
        CachingAllocator.Stats s = a.stats();
        assertEquals(0, s.inUse());
        assertEquals(MiB + 512, s.peak());
        assertEquals(5 * MiB + 512, s.reserved());
        assertEquals(3, s.rawAllocs());
        assertEquals(0, s.liveBlocks());
        assertEquals(3, s.cachedBlocks());
        String text = s.toString();
        assertTrue(text.contains("in use 0 B") && text.contains("reserved 5.0 MiB") && text.contains("peak 1.0 MiB")
                && text.contains("3 raw allocations"), text);
    }

    @Test
    void emptyCacheFreesEverythingCachedButNotLiveBlocks() {
        FakeRaw raw = new FakeRaw(1L << 30);
        CachingAllocator a = new CachingAllocator(raw);
        CachingAllocator.Block keep = a.allocate(1000);
        for (int i = 0; i < 5; i++) a.free(a.allocate(2 * MiB * (i + 1))); // five classes
        a.free(a.allocate(10));
        assertEquals(7, raw.allocs);
        a.emptyCache();
        assertEquals(6, raw.frees);
        assertEquals(1, raw.idleWaits, "the device is idle before memory goes back");
        assertEquals(0, a.cached());
        assertEquals(0, a.cachedBlocks());
        assertEquals(1024, a.reserved());
        assertEquals(1024, raw.used);
        assertTrue(keep.isLive());
        a.emptyCache(); // nothing cached: no work
        assertEquals(1, raw.idleWaits);
        a.free(keep);
        a.emptyCache();
        assertEquals(0, raw.used);
        assertEquals(0, a.reserved());
        assertEquals(7, a.rawFrees());
    }

    @Test
    void outOfMemoryEmptiesTheCacheAndRetries() {
        FakeRaw raw = new FakeRaw(8 * MiB);
        CachingAllocator a = new CachingAllocator(raw);
        a.free(a.allocate(6 * MiB)); // cached, the device is 6 MiB full
        CachingAllocator.Block b = a.allocate(4 * MiB);
        assertEquals(1, raw.failures, "the first attempt failed");
        assertEquals(1, raw.frees, "the cached block was given back");
        assertEquals(4 * MiB, a.reserved());
        assertTrue(b.isLive());
    }

    @Test
    void outOfMemoryTwiceThrowsWithTheNumbers() {
        FakeRaw raw = new FakeRaw(8 * MiB);
        CachingAllocator a = new CachingAllocator(raw, "cuda:7", null);
        CachingAllocator.Block held = a.allocate(6 * MiB);
        long request = 3 * MiB + 5;
        CudaOutOfMemoryError e = assertThrows(CudaOutOfMemoryError.class, () -> a.allocate(request));
        String m = e.getMessage();
        assertTrue(m.contains(Long.toString(request)), m);
        assertTrue(m.contains(Long.toString(2 * MiB)) && m.contains("available"), "available bytes: " + m);
        assertTrue(m.contains(Long.toString(6 * MiB)), "in use by Vela: " + m);
        assertTrue(m.contains("cuda:7"), m);
        assertEquals(request, e.requestedBytes());
        assertEquals(2 * MiB, e.availableBytes());
        assertTrue(e.getCause() instanceof RawOutOfMemory);
        assertEquals(2, raw.failures, "one retry after emptying the cache");
        // the allocator still works afterwards
        a.free(held);
        assertTrue(a.allocate(request).isLive());
    }

    @Test
    void reclaimerRunsOutsideTheLockAndItsFreesAreUsed() throws Exception {
        FakeRaw raw = new FakeRaw(8 * MiB);
        List<CachingAllocator.Block> garbage = new ArrayList<>();
        CachingAllocator[] holder = new CachingAllocator[1];
        // like System.gc() + a Cleaner: frees arrive later, from another thread
        Runnable reclaimer = () -> {
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                garbage.forEach(holder[0]::free);
            });
            t.start();
        };
        CachingAllocator a = new CachingAllocator(raw, "cuda:0", reclaimer);
        holder[0] = a;
        garbage.add(a.allocate(6 * MiB));
        CachingAllocator.Block b = a.allocate(4 * MiB);
        assertTrue(b.isLive());
        assertEquals(1, a.liveBlocks());
        assertEquals(4 * MiB, raw.used);
    }

    @Test
    void doubleFreeIsRejected() {
        CachingAllocator a = new CachingAllocator(new FakeRaw(1 << 30));
        CachingAllocator.Block b = a.allocate(100);
        a.free(b);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.free(b));
        assertTrue(e.getMessage().contains("double free"), e.getMessage());
        // also when the memory has been handed out again: the stale Block is still rejected
        CachingAllocator.Block again = a.allocate(100);
        assertEquals(b.ptr(), again.ptr());
        assertThrows(IllegalStateException.class, b::free);
        assertTrue(again.isLive());
        assertEquals(1, a.liveBlocks());
    }

    @Test
    void blocksOfAnotherAllocatorAreRejected() {
        CachingAllocator a = new CachingAllocator(new FakeRaw(1 << 30));
        CachingAllocator other = new CachingAllocator(new FakeRaw(1 << 30));
        CachingAllocator.Block b = other.allocate(10);
        assertThrows(IllegalArgumentException.class, () -> a.free(b));
    }

    @Test
    void threadsAllocatingAndFreeingLeaveNothingLive() throws Exception {
        FakeRaw raw = new FakeRaw(1L << 40);
        CachingAllocator a = new CachingAllocator(raw);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Set<Long>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            results.add(pool.submit(() -> {
                start.await();
                Random rnd = new Random(seed);
                Set<Long> seen = new HashSet<>();
                List<CachingAllocator.Block> mine = new ArrayList<>();
                for (int i = 0; i < 5000; i++) {
                    if (mine.size() < 8 && rnd.nextBoolean()) {
                        CachingAllocator.Block b = a.allocate(rnd.nextInt(3 * (int) MiB));
                        mine.add(b);
                        seen.add(b.ptr());
                    } else if (!mine.isEmpty()) {
                        a.free(mine.remove(rnd.nextInt(mine.size())));
                    }
                }
                mine.forEach(a::free);
                return seen;
            }));
        }
        start.countDown();
        for (Future<Set<Long>> f : results) f.get(60, TimeUnit.SECONDS);
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(0, a.liveBlocks());
        assertEquals(0, a.inUse());
        assertEquals(a.reserved(), a.cached());
        assertEquals(raw.used, a.reserved(), "the allocator's books match the device's");
        assertEquals(raw.allocs, a.rawAllocs());
        assertTrue(a.rawAllocs() <= 4L * 8 * 3 * 1024, "bounded raw allocations: " + a.rawAllocs());
        a.emptyCache();
        assertEquals(0, raw.used);
    }

    @Test
    void concurrentBlocksNeverShareMemory() throws Exception {
        FakeRaw raw = new FakeRaw(1L << 40);
        CachingAllocator a = new CachingAllocator(raw);
        Set<Long> liveNow = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            fs.add(pool.submit(() -> {
                for (int i = 0; i < 3000; i++) {
                    CachingAllocator.Block b = a.allocate(700);
                    assertTrue(liveNow.add(b.ptr()), "a pointer was handed out twice");
                    liveNow.remove(b.ptr());
                    a.free(b);
                }
            }));
        }
        for (Future<?> f : fs) f.get(60, TimeUnit.SECONDS);
        pool.shutdown();
        assertTrue(raw.allocs <= 3, "at most one block per thread: " + raw.allocs);
    }

    @Test
    void formatBytesIsReadable() {
        assertEquals("0 B", CachingAllocator.formatBytes(0));
        assertEquals("512 B", CachingAllocator.formatBytes(512));
        assertEquals("1.5 KiB", CachingAllocator.formatBytes(1536));
        assertEquals("2.0 MiB", CachingAllocator.formatBytes(2 * MiB));
        assertEquals("3.0 GiB", CachingAllocator.formatBytes(3L << 30));
    }
}
