/*
 * A caching device-memory allocator: freed blocks go to per-size-class free lists and are reused, so a
 * training loop stops calling cuMemAlloc/cuMemFree (which synchronise the device) after its first step.
 */
package dev.vela.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Hands out device memory in size classes and keeps freed blocks for reuse.
 *
 * <p><b>Size classes.</b> A request of {@code n} bytes is rounded up to a multiple of 512 bytes when
 * {@code n <= 1 MiB} (the smallest class is 512 bytes), and to a multiple of 2 MiB above that. A block is
 * only reused for a request of exactly its class (no splitting), so steady-state loops that allocate the same
 * shapes each step never reach the raw allocator again.
 *
 * <p><b>Zero bytes.</b> A zero-byte request gets a real block of the smallest class (512 bytes), so every
 * block has a distinct, valid device pointer; {@link Block#requested()} is 0.
 *
 * <p><b>Out of memory.</b> When the raw allocator reports {@link RawOutOfMemory}, every cached block is
 * freed ({@link #emptyCache()}) and the allocation retried once. If a reclaimer is configured (the CUDA
 * context passes {@link System#gc()}, since tensors free their blocks from a {@link java.lang.ref.Cleaner}
 * only once they are collected), it is run outside the lock, the allocator waits briefly for the frees it
 * causes, empties the cache and retries once more. Then {@link CudaOutOfMemoryError} is thrown, naming the
 * requested bytes, what Vela holds, and what the device reports available.
 *
 * <p>Thread-safe: every method synchronises on the allocator; frees may come from any thread.
 *
 * <pre>{@code
 * CachingAllocator a = context.allocator();
 * CachingAllocator.Block b = a.allocate(4096);   // b.ptr() is a device pointer, b.bytes() == 4096
 * a.free(b);                                      // cached, not given back to the driver
 * a.allocate(4000).ptr() == b.ptr();              // same class: the same memory again
 * a.stats();  // in use 4.0 KiB in 1 block, reserved 4.0 KiB (0 B cached in 0 blocks), peak 4.0 KiB, 1 raw allocation, 0 raw frees
 * }</pre>
 */
public final class CachingAllocator {
    /** Requests up to this many bytes use the fine size classes. */
    public static final long SMALL_LIMIT = 1L << 20;
    /** Granularity (and smallest class) of small requests. */
    public static final long SMALL_GRANULE = 512;
    /** Granularity of requests above {@link #SMALL_LIMIT}. */
    public static final long LARGE_GRANULE = 2L << 20;

    private static final long RECLAIM_FIRST_FREE_NANOS = 100_000_000L;
    private static final long RECLAIM_QUIET_NANOS = 20_000_000L;
    private static final long RECLAIM_MAX_NANOS = 1_000_000_000L;

    private final RawAllocator raw;
    private final String label;
    private final Runnable reclaimer;
    private final Map<Long, ArrayDeque<Long>> freeLists = new HashMap<>();

    private long inUse;
    private long cached;
    private long peak;
    private long rawAllocs;
    private long rawFrees;
    private long frees;
    private int liveBlocks;
    private int cachedBlocks;
    private RawOutOfMemory lastFailure;

    /** An allocator over {@code raw} without a reclaimer, labelled "device" in messages. */
    public CachingAllocator(RawAllocator raw) {
        this(raw, "device", null);
    }

    /**
     * @param raw       where memory comes from
     * @param label     the device's name in messages, e.g. "cuda:0"
     * @param reclaimer run (outside the lock) when memory is still short after emptying the cache, to make
     *                  unreachable owners free their blocks (e.g. {@code System::gc}); may be null
     */
    public CachingAllocator(RawAllocator raw, String label, Runnable reclaimer) {
        if (raw == null) throw new NullPointerException("raw allocator");
        this.raw = raw;
        this.label = label == null ? "device" : label;
        this.reclaimer = reclaimer;
    }

    /** The size class of a request: 512-byte multiples up to 1 MiB (at least 512), 2 MiB multiples above. */
    public static long sizeClass(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("cannot allocate a negative number of bytes: " + bytes);
        if (bytes <= SMALL_LIMIT) return Math.max(SMALL_GRANULE, roundUp(bytes, SMALL_GRANULE));
        if (bytes > Long.MAX_VALUE - LARGE_GRANULE) {
            throw new IllegalArgumentException("cannot allocate " + bytes + " bytes: too large");
        }
        return roundUp(bytes, LARGE_GRANULE);
    }

    private static long roundUp(long n, long granule) {
        return (n + granule - 1) / granule * granule;
    }

    /**
     * A block of at least {@code bytes} bytes (of its size class), reused from the cache when one is free.
     *
     * @throws CudaOutOfMemoryError when the device has no room even after emptying the cache
     */
    public Block allocate(long bytes) {
        long cls = sizeClass(bytes);
        RawOutOfMemory failure;
        long freesBefore;
        synchronized (this) {
            Block b = tryAllocate(cls, bytes);
            if (b != null) return b;
            failure = lastFailure;
            freesBefore = frees;
        }
        if (reclaimer != null) {
            reclaimer.run();
            synchronized (this) {
                awaitFrees(freesBefore);
                Block b = tryAllocate(cls, bytes);
                if (b != null) return b;
                failure = lastFailure;
            }
        }
        synchronized (this) {
            long available = safeAvailable();
            throw new CudaOutOfMemoryError(outOfMemoryMessage(bytes, cls, available), bytes, available, failure);
        }
    }

    /** Reuse, else raw alloc, else empty the cache and raw alloc again; null when still out of memory. */
    private Block tryAllocate(long cls, long requested) {
        ArrayDeque<Long> list = freeLists.get(cls);
        if (list != null && !list.isEmpty()) {
            long ptr = list.pop();
            cached -= cls;
            cachedBlocks--;
            return live(ptr, cls, requested);
        }
        try {
            return live(rawAlloc(cls), cls, requested);
        } catch (RawOutOfMemory first) {
            emptyCache();
            try {
                return live(rawAlloc(cls), cls, requested);
            } catch (RawOutOfMemory second) {
                lastFailure = second;
                return null;
            }
        }
    }

    private long rawAlloc(long cls) throws RawOutOfMemory {
        long ptr = raw.alloc(cls);
        rawAllocs++;
        return ptr;
    }

    private Block live(long ptr, long cls, long requested) {
        inUse += cls;
        liveBlocks++;
        if (inUse > peak) peak = inUse;
        return new Block(this, ptr, cls, requested);
    }

    /** Waits (releasing the lock) for frees caused by the reclaimer, until they stop arriving. */
    private void awaitFrees(long freesBefore) {
        long start = System.nanoTime();
        long lastChange = start;
        long seen = freesBefore;
        while (true) {
            long now = System.nanoTime();
            if (frees != seen) {
                seen = frees;
                lastChange = now;
            }
            long until = seen == freesBefore ? start + RECLAIM_FIRST_FREE_NANOS : lastChange + RECLAIM_QUIET_NANOS;
            until = Math.min(until, start + RECLAIM_MAX_NANOS);
            long waitNanos = until - now;
            if (waitNanos <= 0) return;
            try {
                wait(Math.max(1, waitNanos / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Returns a block to the cache (its memory stays reserved for reuse).
     *
     * @throws IllegalStateException    when the block was already freed
     * @throws IllegalArgumentException when the block belongs to another allocator
     */
    public synchronized void free(Block block) {
        if (block.owner != this) {
            throw new IllegalArgumentException("free: " + block + " was not allocated by this allocator (" + label + ")");
        }
        if (!block.live) throw new IllegalStateException("double free of " + block + " on " + label);
        block.live = false;
        inUse -= block.bytes;
        liveBlocks--;
        frees++;
        freeLists.computeIfAbsent(block.bytes, k -> new ArrayDeque<>()).push(block.ptr);
        cached += block.bytes;
        cachedBlocks++;
        notifyAll();
    }

    /**
     * Gives every cached block back to the raw allocator (after {@link RawAllocator#awaitIdle()}). Live blocks
     * are untouched. If a raw free fails, the others are still freed and the first failure is rethrown.
     */
    public synchronized void emptyCache() {
        if (cachedBlocks == 0) return;
        raw.awaitIdle();
        RuntimeException failure = null;
        for (Map.Entry<Long, ArrayDeque<Long>> e : freeLists.entrySet()) {
            long cls = e.getKey();
            ArrayDeque<Long> list = e.getValue();
            while (!list.isEmpty()) {
                long ptr = list.pop();
                cached -= cls;
                cachedBlocks--;
                try {
                    raw.free(ptr);
                    rawFrees++;
                } catch (RuntimeException ex) {
                    if (failure == null) failure = ex;
                    else failure.addSuppressed(ex);
                }
            }
        }
        freeLists.clear();
        if (failure != null) throw failure;
    }

    /** Bytes (by size class) of blocks handed out and not yet freed. */
    public synchronized long inUse() { return inUse; }

    /** Bytes held from the raw allocator: {@link #inUse()} plus {@link #cached()}. */
    public synchronized long reserved() { return inUse + cached; }

    /** Bytes of freed blocks kept for reuse. */
    public synchronized long cached() { return cached; }

    /** The largest {@link #inUse()} seen (since creation or {@link #resetPeak()}). */
    public synchronized long peak() { return peak; }

    /** Sets {@link #peak()} to the current {@link #inUse()}. */
    public synchronized void resetPeak() { peak = inUse; }

    /** How many times the raw allocator was asked for memory. */
    public synchronized long rawAllocs() { return rawAllocs; }

    /** How many blocks were given back to the raw allocator. */
    public synchronized long rawFrees() { return rawFrees; }

    /** Blocks handed out and not yet freed. */
    public synchronized int liveBlocks() { return liveBlocks; }

    /** Blocks in the cache. */
    public synchronized int cachedBlocks() { return cachedBlocks; }

    /** A consistent snapshot of all the counters. */
    public synchronized Stats stats() {
        return new Stats(inUse, inUse + cached, cached, peak, rawAllocs, rawFrees, liveBlocks, cachedBlocks);
    }

    /** The device label used in messages, e.g. "cuda:0". */
    public String label() { return label; }

    private long safeAvailable() {
        try {
            return raw.available();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private String outOfMemoryMessage(long requested, long cls, long available) {
        return "CUDA out of memory on " + label + ": cannot allocate " + formatBytes(cls) + " (requested "
                + requested + " bytes, size class " + cls + " bytes); Vela has " + formatBytes(inUse) + " ("
                + inUse + " bytes) in use in " + liveBlocks + " live block" + (liveBlocks == 1 ? "" : "s")
                + " and reserves " + formatBytes(inUse + cached) + " (" + (inUse + cached)
                + " bytes) after emptying its cache; the device reports "
                + (available < 0 ? "an unknown number of bytes" : formatBytes(available) + " (" + available + " bytes)")
                + " available. Drop references to tensors that are no longer needed, or use smaller batches";
    }

    /** 512 -> "512 B", 1536 -> "1.5 KiB", 3 << 30 -> "3.0 GiB". */
    static String formatBytes(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /**
     * One device allocation: its pointer, its size class and the bytes asked for. A new Block object is made
     * for every {@link #allocate}, even when the memory is reused, so a stale Block cannot be freed twice.
     * A storage keeps the Block and calls {@link #free()} (from its Cleaner action) exactly once.
     */
    public static final class Block {
        private final CachingAllocator owner;
        private final long ptr;
        private final long bytes;
        private final long requested;
        private boolean live = true; // guarded by owner

        private Block(CachingAllocator owner, long ptr, long bytes, long requested) {
            this.owner = owner;
            this.ptr = ptr;
            this.bytes = bytes;
            this.requested = requested;
        }

        /** The device pointer (CUdeviceptr) of the first byte. */
        public long ptr() { return ptr; }

        /** The block's capacity: its size class, at least {@link #requested()}. */
        public long bytes() { return bytes; }

        /** The bytes asked for (may be 0). */
        public long requested() { return requested; }

        /** The allocator it came from. */
        public CachingAllocator allocator() { return owner; }

        /** False once freed. */
        public boolean isLive() {
            synchronized (owner) {
                return live;
            }
        }

        /** Returns the block to its allocator; see {@link CachingAllocator#free(Block)}. */
        public void free() { owner.free(this); }

        @Override
        public String toString() {
            return "Block[0x" + Long.toHexString(ptr) + ", " + bytes + " bytes for " + requested + "]";
        }
    }

    /**
     * A snapshot of the allocator's counters.
     *
     * @param inUse        bytes of live blocks (by size class)
     * @param reserved     bytes held from the raw allocator (in use + cached)
     * @param cached       bytes of freed blocks kept for reuse
     * @param peak         the largest inUse seen
     * @param rawAllocs    raw allocations made
     * @param rawFrees     raw frees made
     * @param liveBlocks   blocks handed out and not freed
     * @param cachedBlocks blocks in the cache
     */
    public record Stats(long inUse, long reserved, long cached, long peak, long rawAllocs, long rawFrees,
                        int liveBlocks, int cachedBlocks) {
        @Override
        public String toString() {
            return "in use " + formatBytes(inUse) + " in " + liveBlocks + " block" + (liveBlocks == 1 ? "" : "s")
                    + ", reserved " + formatBytes(reserved) + " (" + formatBytes(cached) + " cached in " + cachedBlocks
                    + " block" + (cachedBlocks == 1 ? "" : "s") + "), peak " + formatBytes(peak) + ", " + rawAllocs
                    + " raw allocation" + (rawAllocs == 1 ? "" : "s") + ", " + rawFrees + " raw free"
                    + (rawFrees == 1 ? "" : "s");
        }
    }
}
